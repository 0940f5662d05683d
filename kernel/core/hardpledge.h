/*
 * Monitor commands that talk to RumKV from inside a cell: hardpledge
 * (drop device classes for good), hv-info (the cell as RumKV sees it,
 * with trap counts) and mmio-poke (read one device word, to show what a
 * dropped device does).
 */
#ifndef HARDPLEDGE_H
#define HARDPLEDGE_H

#include <stdbool.h>

/*
 * True when Rumpk runs in a RumKV cell. Decided without executing an
 * HVC unless one is known to be safe; see hardpledge.c.
 */
bool hardpledge_under_rumkv(void);

void hardpledge_cmd(int argc, char **argv);	/* hardpledge [KEEP-MASK] */
void hvinfo_cmd(int argc, char **argv);		/* hv-info */
void mmio_poke_cmd(int argc, char **argv);	/* mmio-poke ADDR */

#endif
