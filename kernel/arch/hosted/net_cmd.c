/* The hosted build has no NIC: `net` says so instead of linking a driver. */
#include "core/kprintf.h"
#include "drivers/net_cmd.h"

void net_cmd(int argc, char **argv)
{
	(void)argc, (void)argv;
	kprintf("net: the hosted build has no network device\n");
}
