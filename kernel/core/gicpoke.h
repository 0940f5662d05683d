/*
 * gic-poke: one 32-bit access to the GIC distributor, to show what a
 * RumKV cell may and may not do to interrupts it does not own.
 */
#ifndef GICPOKE_H
#define GICPOKE_H

void gicpoke_cmd(int argc, char **argv);	/* gic-poke read|write OFF [VALUE] */

#endif
