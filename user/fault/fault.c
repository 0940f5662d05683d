/*
 * fault KIND: touch what an app must not. Each kind must end with the
 * kernel killing this app, and nothing else.
 *   kernel  read the kernel's own memory (its image at 0x40200000)
 *   peer    read the next memory cell up: another app's, or the kernel's
 *   code    write into this app's own code
 *   null    read address 0
 *   systable write to the read-only SysTable
 */
#include "nexus.h"

static volatile uint64_t sink;

int main(int argc, char **argv)
{
	const struct nx_systable *st = nx_systable();
	const char *kind = argc > 1 ? argv[1] : "";
	volatile uint64_t *p;

	if (!strcmp(kind, "kernel"))
		p = (volatile uint64_t *)0x40200000ul;
	else if (!strcmp(kind, "peer"))
		p = (volatile uint64_t *)(st->cell_base + st->cell_size);
	else if (!strcmp(kind, "code"))
		p = (volatile uint64_t *)(uintptr_t)main;
	else if (!strcmp(kind, "null"))
		p = (volatile uint64_t *)0;
	else if (!strcmp(kind, "systable"))
		p = (volatile uint64_t *)st;
	else {
		printf("usage: fault kernel|peer|code|null|systable\n");
		return 1;
	}
	printf("fault: touching %p\n", (void *)p);
	if (!strcmp(kind, "code") || !strcmp(kind, "systable"))
		*p = 0;
	else
		sink = *p;
	printf("fault: %s access was NOT stopped\n", kind);
	return 2;
}
