/* The monitor's `net` command: the NetSwitch port table and the NIC's driver. */
#ifndef NET_CMD_H
#define NET_CMD_H

void net_cmd(int argc, char **argv);

#endif
