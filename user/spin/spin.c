/* spin: burn CPU at EL0 without ever calling the kernel. */
#include "nexus.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("spin: app %u spinning\n", nx_systable()->app_id);
	for (volatile uint64_t i = 0;; i++)
		;
}
