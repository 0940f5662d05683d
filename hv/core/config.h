/*
 * One cell as the manifest describes it, parsed once at boot (and by the
 * bundle tool on the host, from the same source) into plain data.
 */
#ifndef HV_CONFIG_H
#define HV_CONFIG_H

#include <stdint.h>

#define CELL_MAX		4
#define CELL_MAX_CPUS		4
#define CELL_MAX_MEM		4
#define CELL_MAX_DEVS		48	/* PL011 + GIC + 32 virtio-mmio fit */
#define CELL_MAX_IRQS		4
#define CELL_NAME_MAX		32
#define CELL_BOOTARGS_MAX	128	/* with its NUL */

/*
 * Device class 0: a device the cell cannot run without (the interrupt
 * controller). No NX_DEVCLASS_* bit names it, so no hard pledge can
 * drop it.
 */
#define CELL_DEVCLASS_CORE	0u

struct cell_mem {
	uint64_t base;		/* IPA == PA: identity stage-2 */
	uint64_t size;
};

struct cell_dev {
	char name[CELL_NAME_MAX];
	uint32_t devclass;	/* one NX_DEVCLASS_* bit */
	uint32_t nirqs;
	uint64_t base;
	uint64_t size;
	uint32_t irqs[CELL_MAX_IRQS];	/* GIC INTIDs */
};

struct cell_config {
	char name[CELL_NAME_MAX];
	uint32_t id;
	uint32_t ncpus;
	uint64_t mpidr[CELL_MAX_CPUS];
	uint32_t nmem;
	uint32_t ndevs;
	struct cell_mem mem[CELL_MAX_MEM];
	struct cell_dev devs[CELL_MAX_DEVS];
	uint32_t devclasses;	/* initial hard pledge: classes granted */
	uint32_t console_dev;	/* index into devs, or UINT32_MAX */
	char image[CELL_NAME_MAX];	/* bundle part names */
	char initrd[CELL_NAME_MAX];
	uint64_t entry;		/* where the image starts; 0: the bundle
				 * part's entry (manifest.c leaves 0 unless
				 * the manifest sets "entry") */
	/* Where the INITRD part named by `initrd` was placed, [start, end):
	 * RumKV fills it in from the bundle (manifest.c leaves 0), for the
	 * /chosen node of the cell's device tree. */
	uint64_t initrd_start;
	uint64_t initrd_end;
	/* The kernel command line, /chosen/bootargs; "" leaves the machine's
	 * (QEMU's -append) in place. */
	char bootargs[CELL_BOOTARGS_MAX];
};

struct hv_config {
	uint32_t ncells;
	struct cell_config cells[CELL_MAX];
	/* The machine's RAM as the manifest declares it; every cell's memory
	 * lies inside it, and the hypervisor's own image outside every cell. */
	uint64_t ram_base;
	uint64_t ram_size;
};

/* The built-in configuration, until the bundle carries a manifest. */
const struct hv_config *hv_config_default(void);
/*
 * The manifest's configuration from the bundle at @bundle (0: none), with
 * entries resolved and the GIC of @machine added; NULL after saying why.
 */
const struct hv_config *hv_config_from_bundle(uint64_t bundle, const void *machine);

#endif
