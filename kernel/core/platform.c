/* Device discovery from the flattened device tree, through libfdt. */
#include <stdbool.h>
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

/*
 * One walk over the tree classifies every node; lookups by compatible or
 * by parent would each rescan the tree from the root (libfdt keeps no
 * index), which cost millions of instructions at boot.
 */
#define MAX_DEPTH 8

struct walk {
	const void *fdt;
	struct platform *p;
	int stdout_node;	/* the console /chosen names, or -1 */
	int ac[MAX_DEPTH];	/* #address-cells a node gives its children */
	int sc[MAX_DEPTH];
	unsigned found;
};

enum { HAVE_MEMORY = 1, HAVE_UART = 2, HAVE_GIC = 4, HAVE_TIMER = 8 };

/* The @index-th (address, size) pair of the node's "reg". */
static int read_reg(const struct walk *w, int node, int depth, int index,
		    uint64_t *addr, uint64_t *size)
{
	int ac = w->ac[depth - 1], sc = w->sc[depth - 1];
	const fdt32_t *reg;
	int len;

	if (ac < 1 || ac > 2 || sc < 0 || sc > 2)
		return -NX_EINVAL;
	reg = fdt_getprop(w->fdt, node, "reg", &len);
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

static void add_virtio(struct walk *w, int node, int depth)
{
	struct platform *p = w->p;
	struct platform_virtio v;
	unsigned i;

	if (read_reg(w, node, depth, 0, &v.base, &v.size) ||
	    read_irq(w->fdt, node, 0, &v.irq))
		return;
	if (p->nvirtio == PLATFORM_MAX_VIRTIO) {
		kprintf("platform: more than %d virtio-mmio slots, ignoring 0x%lx\n",
			PLATFORM_MAX_VIRTIO, (unsigned long)v.base);
		return;
	}
	/* QEMU lists the slots from the top address down; keep address order. */
	for (i = p->nvirtio++; i > 0 && p->virtio[i - 1].base > v.base; i--)
		p->virtio[i] = p->virtio[i - 1];
	p->virtio[i] = v;
}

static void set_psci(struct platform *p, const char *method)
{
	p->psci = !method ? PSCI_NONE :
		  !strcmp(method, "hvc") ? PSCI_HVC :
		  !strcmp(method, "smc") ? PSCI_SMC : PSCI_NONE;
}

static bool is(const char *compat, int len, const char *name)
{
	return compat && fdt_stringlist_contains(compat, len, name);
}

static void classify(struct walk *w, int node, int depth)
{
	const void *fdt = w->fdt;
	struct platform *p = w->p;
	const char *type = fdt_getprop(fdt, node, "device_type", NULL);
	int len;
	const char *compat = fdt_getprop(fdt, node, "compatible", &len);
	uint64_t size;

	if (type && !strcmp(type, "memory") && !(w->found & HAVE_MEMORY)) {
		if (!read_reg(w, node, depth, 0, &p->mem_base, &p->mem_size))
			w->found |= HAVE_MEMORY;
	} else if (is(compat, len, "arm,pl011")) {
		/* The first PL011, unless /chosen names another. */
		if ((w->found & HAVE_UART) && node != w->stdout_node)
			return;
		if (!read_reg(w, node, depth, 0, &p->uart_base, &size) &&
		    !read_irq(fdt, node, 0, &p->uart_irq))
			w->found |= HAVE_UART;
	} else if (is(compat, len, "arm,gic-v3")) {
		if (!read_reg(w, node, depth, 0, &p->gicd_base, &p->gicd_size) &&
		    !read_reg(w, node, depth, 1, &p->gicr_base, &p->gicr_size))
			w->found |= HAVE_GIC;
	} else if (is(compat, len, "arm,armv8-timer")) {
		/* Listed secure, non-secure, virtual, hypervisor. */
		if (!read_irq(fdt, node, 2, &p->timer_virt_irq))
			w->found |= HAVE_TIMER;
	} else if (is(compat, len, "arm,psci-0.2") || is(compat, len, "arm,psci")) {
		set_psci(p, fdt_getprop(fdt, node, "method", NULL));
	} else if (is(compat, len, "virtio,mmio")) {
		add_virtio(w, node, depth);
	}
}

static int stdout_node(const void *fdt)
{
	const char *path = fdt_getprop(fdt, fdt_path_offset(fdt, "/chosen"),
				       "stdout-path", NULL);
	const char *colon;

	if (!path)
		return -1;
	colon = strchr(path, ':');
	return fdt_path_offset_namelen(fdt, path, colon ? (int)(colon - path) :
				       (int)strlen(path));
}

static int missing(unsigned found)
{
	const char *what = !(found & HAVE_MEMORY) ? "memory node" :
			   !(found & HAVE_UART) ? "arm,pl011 UART" :
			   !(found & HAVE_GIC) ?
			   "arm,gic-v3 interrupt controller (need gic-version=3)" :
			   "arm,armv8-timer virtual timer interrupt";

	kprintf("platform: device tree has no usable %s\n", what);
	return -NX_EINVAL;
}

int platform_probe(const void *fdt, struct platform *p)
{
	struct walk w = { .fdt = fdt, .p = p };
	const char *model;
	int err = fdt_check_header(fdt), node, depth = 0;

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
	w.stdout_node = stdout_node(fdt);
	for (node = 0; node >= 0 && depth >= 0;
	     node = fdt_next_node(fdt, node, &depth)) {
		if (depth >= MAX_DEPTH)
			continue;
		w.ac[depth] = fdt_address_cells(fdt, node);
		w.sc[depth] = fdt_size_cells(fdt, node);
		if (depth > 0)
			classify(&w, node, depth);
	}
	if (node < 0 && node != -FDT_ERR_NOTFOUND) {
		kprintf("platform: bad device tree: %s\n", fdt_strerror(node));
		return -NX_EINVAL;
	}
	if (w.found != (HAVE_MEMORY | HAVE_UART | HAVE_GIC | HAVE_TIMER))
		return missing(w.found);
	return 0;
}

const char *psci_conduit_name(enum psci_conduit c)
{
	return c == PSCI_HVC ? "hvc" : c == PSCI_SMC ? "smc" : "none";
}
