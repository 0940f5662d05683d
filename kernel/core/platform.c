/* Device discovery from the flattened device tree, through libfdt. */
#include <string.h>

#include <libfdt.h>
#include <nexus/errno.h>

#include "core/kprintf.h"
#include "core/platform.h"

/* Cell values are big-endian 32-bit words; an address may take several. */
static uint64_t read_cells(const fdt32_t *cell, int n)
{
	uint64_t v = 0;

	while (n--)
		v = v << 32 | fdt32_to_cpu(*cell++);
	return v;
}

/* The @index-th (address, size) pair of @node's "reg". */
static int read_reg(const void *fdt, int node, int index,
		    uint64_t *addr, uint64_t *size)
{
	int parent = fdt_parent_offset(fdt, node);
	int ac = fdt_address_cells(fdt, parent);
	int sc = fdt_size_cells(fdt, parent);
	const fdt32_t *reg;
	int len;

	if (ac < 1 || ac > 2 || sc < 0 || sc > 2)
		return -NX_EINVAL;
	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg || len < (index + 1) * (ac + sc) * 4)
		return -NX_EINVAL;
	reg += index * (ac + sc);
	*addr = read_cells(reg, ac);
	*size = read_cells(reg + ac, sc);
	return 0;
}

/* GIC interrupt specifier <type number flags>: SPIs from 32, PPIs from 16. */
static int read_irq(const void *fdt, int node, int index, unsigned *irq)
{
	const fdt32_t *p;
	int len;

	p = fdt_getprop(fdt, node, "interrupts", &len);
	if (!p || len < (index + 1) * 12)
		return -NX_EINVAL;
	p += index * 3;
	*irq = fdt32_to_cpu(p[1]) + (fdt32_to_cpu(p[0]) == 1 ? 16 : 32);
	return 0;
}

static int fail(const char *what)
{
	kprintf("platform: device tree has no usable %s\n", what);
	return -NX_EINVAL;
}

static int probe_memory(const void *fdt, struct platform *p)
{
	int node = fdt_path_offset(fdt, "/memory");

	if (node < 0) {
		const char *type;

		fdt_for_each_subnode(node, fdt, 0) {
			type = fdt_getprop(fdt, node, "device_type", NULL);
			if (type && !strcmp(type, "memory"))
				break;
		}
	}
	if (node < 0 || read_reg(fdt, node, 0, &p->mem_base, &p->mem_size))
		return fail("memory node");
	return 0;
}

/* The UART named by /chosen/stdout-path, else the first PL011. */
static int probe_uart(const void *fdt, struct platform *p)
{
	const char *path = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"),
				       "stdout-path", NULL);
	int node = -1;
	uint64_t size;

	if (path) {
		const char *colon = strchr(path, ':');

		node = fdt_path_offset_namelen(fdt, path, colon ?
					       (int)(colon - path) :
					       (int)strlen(path));
	}
	if (node < 0 || fdt_node_check_compatible(fdt, node, "arm,pl011"))
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,pl011");
	if (node < 0 || read_reg(fdt, node, 0, &p->uart_base, &size) ||
	    read_irq(fdt, node, 0, &p->uart_irq))
		return fail("arm,pl011 UART");
	return 0;
}

static int probe_gic(const void *fdt, struct platform *p)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,gic-v3");

	if (node < 0 ||
	    read_reg(fdt, node, 0, &p->gicd_base, &p->gicd_size) ||
	    read_reg(fdt, node, 1, &p->gicr_base, &p->gicr_size))
		return fail("arm,gic-v3 interrupt controller (need gic-version=3)");
	return 0;
}

/* Timer interrupts are listed secure, non-secure, virtual, hypervisor. */
static int probe_timer(const void *fdt, struct platform *p)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,armv8-timer");

	if (node < 0 || read_irq(fdt, node, 2, &p->timer_virt_irq))
		return fail("arm,armv8-timer virtual timer interrupt");
	return 0;
}

static void probe_psci(const void *fdt, struct platform *p)
{
	int node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci-0.2");
	const char *method;

	if (node < 0)
		node = fdt_node_offset_by_compatible(fdt, -1, "arm,psci");
	method = node < 0 ? NULL : fdt_getprop(fdt, node, "method", NULL);
	p->psci = !method ? PSCI_NONE :
		  !strcmp(method, "hvc") ? PSCI_HVC :
		  !strcmp(method, "smc") ? PSCI_SMC : PSCI_NONE;
}

static void probe_virtio(const void *fdt, struct platform *p)
{
	int node;

	p->nvirtio = 0;
	for (node = fdt_node_offset_by_compatible(fdt, -1, "virtio,mmio");
	     node >= 0;
	     node = fdt_node_offset_by_compatible(fdt, node, "virtio,mmio")) {
		struct platform_virtio *v = &p->virtio[p->nvirtio];

		if (p->nvirtio == PLATFORM_MAX_VIRTIO) {
			kprintf("platform: more than %d virtio-mmio slots, "
				"ignoring the rest\n", PLATFORM_MAX_VIRTIO);
			break;
		}
		if (read_reg(fdt, node, 0, &v->base, &v->size) ||
		    read_irq(fdt, node, 0, &v->irq))
			continue;
		p->nvirtio++;
	}
	/* QEMU lists the slots from the top down; keep them in address order. */
	for (unsigned i = 1; i < p->nvirtio; i++)
		for (unsigned j = i; j > 0 &&
		     p->virtio[j - 1].base > p->virtio[j].base; j--) {
			struct platform_virtio t = p->virtio[j];

			p->virtio[j] = p->virtio[j - 1];
			p->virtio[j - 1] = t;
		}
}

int platform_probe(const void *fdt, struct platform *p)
{
	const char *model;
	int err = fdt_check_header(fdt);

	memset(p, 0, sizeof(*p));
	if (err) {
		kprintf("platform: bad device tree: %s\n", fdt_strerror(err));
		return -NX_EINVAL;
	}
	model = fdt_getprop(fdt, 0, "model", NULL);
	if (model) {
		size_t n = strnlen(model, sizeof(p->model) - 1);

		memcpy(p->model, model, n);
		p->model[n] = '\0';
	}
	if ((err = probe_memory(fdt, p)) || (err = probe_uart(fdt, p)) ||
	    (err = probe_gic(fdt, p)) || (err = probe_timer(fdt, p)))
		return err;
	probe_psci(fdt, p);
	probe_virtio(fdt, p);
	return 0;
}

const char *psci_conduit_name(enum psci_conduit c)
{
	return c == PSCI_HVC ? "hvc" : c == PSCI_SMC ? "smc" : "none";
}
