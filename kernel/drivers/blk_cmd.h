/* The monitor's `blk` command: the virtio-blk driver by hand. */
#ifndef BLK_CMD_H
#define BLK_CMD_H

void blk_cmd(int argc, char **argv);

#endif
