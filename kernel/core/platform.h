/*
 * What the machine is, as its device tree says: memory, console UART,
 * interrupt controller, timer, PSCI conduit, virtio-mmio slots. Nothing
 * about the board is hard-coded elsewhere in the kernel.
 */
#ifndef PLATFORM_H
#define PLATFORM_H

#include <stdint.h>

#define PLATFORM_MAX_VIRTIO 32

enum psci_conduit { PSCI_NONE, PSCI_HVC, PSCI_SMC };

struct platform_virtio {
	uint64_t base;
	uint64_t size;
	unsigned irq;		/* interrupt number as the GIC sees it */
};

struct platform {
	char model[64];
	uint64_t mem_base;
	uint64_t mem_size;
	uint64_t uart_base;
	unsigned uart_irq;
	uint64_t gicd_base;
	uint64_t gicd_size;
	uint64_t gicr_base;
	uint64_t gicr_size;
	unsigned timer_virt_irq;
	enum psci_conduit psci;
	unsigned nvirtio;
	struct platform_virtio virtio[PLATFORM_MAX_VIRTIO];
};

/*
 * Fills @p from the flattened device tree at @fdt. Returns 0, or a
 * negative NX_E value after printing which part of the tree is missing
 * or malformed.
 */
int platform_probe(const void *fdt, struct platform *p);
const char *psci_conduit_name(enum psci_conduit c);

#endif
