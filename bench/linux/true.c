/*
 * /bin/true for the spawn benchmark, with no C library: a static glibc
 * program spends tens of thousands of instructions starting up, and the
 * figure we want is the kernel's fork/exec/exit path, not libc's.
 * Built with -static -nostdlib; the kernel enters at _start.
 */
#define NR_EXIT_GROUP 94	/* asm-generic/unistd.h */

void _start(void)
{
	register long x0 __asm__("x0") = 0;
	register long x8 __asm__("x8") = NR_EXIT_GROUP;

	__asm__ volatile("svc #0" : : "r"(x0), "r"(x8) : "memory");
	for (;;)
		;
}
