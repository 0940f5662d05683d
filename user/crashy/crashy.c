/*
 * crashy: faults at once. Its package asks to be restarted after a
 * crash, so the kernel starts it again, a bounded number of times.
 */
#include "nexus.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("crashy: app %u starting\n", nx_systable()->app_id);
	return (int)*(volatile uint64_t *)0;
}
