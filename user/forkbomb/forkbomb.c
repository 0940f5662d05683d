/* forkbomb: spawn copies of itself as fast as the kernel lets it. */
#include "nexus.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (;;)
		nx_spawn("/bin/forkbomb.npk", "", 0);
}
