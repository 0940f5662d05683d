/* The hosted build has no devices: `blk` says so instead of linking a driver. */
#include "core/kprintf.h"
#include "drivers/blk_cmd.h"

void blk_cmd(int argc, char **argv)
{
	(void)argc, (void)argv;
	kprintf("blk: the hosted build has no block device\n");
}
