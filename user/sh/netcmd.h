/* The shell's network commands (netcmd.c). */
#ifndef SH_NETCMD_H
#define SH_NETCMD_H

int cmd_ifconfig(int argc, char **argv);
int cmd_netstat(int argc, char **argv);

#endif
