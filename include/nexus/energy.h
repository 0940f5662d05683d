/*
 * The kinetic economy's price list: what each capability verb costs the
 * fiber that uses it, in energy units. One unit is worth one microsecond
 * of CPU time, so a price reads as the CPU time the verb is charged as.
 * Part of the frozen ABI: the values never change.
 */
#ifndef NEXUS_ENERGY_H
#define NEXUS_ENERGY_H

#define NX_ENERGY_UNIT_NS	1000u	/* CPU time worth one energy unit */

enum nx_energy_price {
	NX_ENERGY_SPAWN = 500,
	NX_ENERGY_SEND = 5,
	NX_ENERGY_RECV = 2,
	NX_ENERGY_MAP = 10,
	NX_ENERGY_MASK = 3,
	NX_ENERGY_TICK = 1,
	NX_ENERGY_GRANT = 20,
};

#endif
