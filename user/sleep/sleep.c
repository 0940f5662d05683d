/* sleep MS: wait that long without using the CPU. */
#include "nexus.h"

int main(int argc, char **argv)
{
	const struct nx_systable *st = nx_systable();
	uint64_t ms = 1000;

	if (argc > 1 && !parse_u64(argv[1], &ms)) {
		printf("usage: sleep MS\n");
		return 1;
	}
	return nx_wait(NX_WAIT_NONE, nx_clock() + ms * (st->clock_freq / 1000), NULL);
}
