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
 * One walk over the tree, reading each node's properties in one pass.
 * libfdt keeps no index: every lookup by compatible string, by parent or
 * by property name rescans from the start, which cost millions of
 * instructions at boot.
 */
#define MAX_DEPTH 8

/* The properties of one node that discovery looks at. */
struct node {
	int depth;
	const char *compat, *type, *method;
	int compat_len;
	const fdt32_t *reg, *irqs;
	int reg_len, irqs_len;
	int ac, sc;		/* what this node gives its children */
};

struct walk {
	struct platform *p;
	int stdout_node;	/* the console /chosen names, or -1 */
	int ac[MAX_DEPTH];	/* #address-cells at each depth */
	int sc[MAX_DEPTH];
	unsigned found;
};

enum { HAVE_MEMORY = 1, HAVE_UART = 2, HAVE_GIC = 4, HAVE_TIMER = 8 };

static void read_node(const void *fdt, int offset, struct node *n)
{
	int prop;

	/* Defaults of the devicetree specification, section 2.3.5. */
	n->ac = 2;
	n->sc = 1;
	fdt_for_each_property_offset(prop, fdt, offset) {
		const char *name;
		int len;
		const void *val = fdt_getprop_by_offset(fdt, prop, &name, &len);

		if (!val)
			continue;
		if (!strcmp(name, "compatible")) {
			n->compat = val;
			n->compat_len = len;
		} else if (!strcmp(name, "device_type")) {
			n->type = val;
		} else if (!strcmp(name, "reg")) {
			n->reg = val;
			n->reg_len = len;
		} else if (!strcmp(name, "interrupts")) {
			n->irqs = val;
			n->irqs_len = len;
		} else if (!strcmp(name, "method")) {
			n->method = val;
		} else if (!strcmp(name, "#address-cells") && len == 4) {
			n->ac = (int)fdt32_to_cpu(*(const fdt32_t *)val);
		} else if (!strcmp(name, "#size-cells") && len == 4) {
			n->sc = (int)fdt32_to_cpu(*(const fdt32_t *)val);
		}
	}
}

/* The @index-th (address, size) pair of the node's "reg". */
static int read_reg(const struct walk *w, const struct node *n, int index,
		    uint64_t *addr, uint64_t *size)
{
	int ac = w->ac[n->depth - 1], sc = w->sc[n->depth - 1];
	const fdt32_t *reg = n->reg;

	if (ac < 1 || ac > 2 || sc < 0 || sc > 2 || !reg ||
	    n->reg_len < (index + 1) * (ac + sc) * 4)
		return -NX_EINVAL;
	reg += index * (ac + sc);
	*addr = read_cells(reg, ac);
	*size = read_cells(reg + ac, sc);
	return 0;
}

/* GIC interrupt specifier <type number flags>: SPIs from 32, PPIs from 16. */
static int read_irq(const struct node *n, int index, unsigned *irq)
{
	const fdt32_t *p = n->irqs;

	if (!p || n->irqs_len < (index + 1) * 12)
		return -NX_EINVAL;
	p += index * 3;
	*irq = fdt32_to_cpu(p[1]) + (fdt32_to_cpu(p[0]) == 1 ? 16 : 32);
	return 0;
}

static void add_virtio(struct walk *w, const struct node *n)
{
	struct platform *p = w->p;
	struct platform_virtio v;
	unsigned i;

	if (read_reg(w, n, 0, &v.base, &v.size) || read_irq(n, 0, &v.irq))
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

static bool is(const struct node *n, const char *name)
{
	return n->compat && fdt_stringlist_contains(n->compat, n->compat_len, name);
}

static void classify(struct walk *w, int offset, const struct node *n)
{
	struct platform *p = w->p;
	uint64_t size;

	if (n->type && !strcmp(n->type, "memory") && !(w->found & HAVE_MEMORY)) {
		if (!read_reg(w, n, 0, &p->mem_base, &p->mem_size))
			w->found |= HAVE_MEMORY;
	} else if (is(n, "arm,pl011")) {
		/* The first PL011, unless /chosen names another. */
		if ((w->found & HAVE_UART) && offset != w->stdout_node)
			return;
		if (!read_reg(w, n, 0, &p->uart_base, &size) &&
		    !read_irq(n, 0, &p->uart_irq))
			w->found |= HAVE_UART;
	} else if (is(n, "arm,gic-v3")) {
		if (!read_reg(w, n, 0, &p->gicd_base, &p->gicd_size) &&
		    !read_reg(w, n, 1, &p->gicr_base, &p->gicr_size))
			w->found |= HAVE_GIC;
	} else if (is(n, "arm,armv8-timer")) {
		/* Listed secure, non-secure, virtual, hypervisor. */
		if (!read_irq(n, 2, &p->timer_virt_irq))
			w->found |= HAVE_TIMER;
	} else if (is(n, "arm,psci-0.2") || is(n, "arm,psci")) {
		p->psci = !n->method ? PSCI_NONE :
			  !strcmp(n->method, "hvc") ? PSCI_HVC :
			  !strcmp(n->method, "smc") ? PSCI_SMC : PSCI_NONE;
	} else if (is(n, "virtio,mmio")) {
		add_virtio(w, n);
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
	struct walk w = { .p = p };
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
		struct node n = { .depth = depth };

		if (depth >= MAX_DEPTH)
			continue;
		read_node(fdt, node, &n);
		w.ac[depth] = n.ac;
		w.sc[depth] = n.sc;
		if (depth > 0)
			classify(&w, node, &n);
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
