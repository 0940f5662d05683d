/* true: does nothing and exits 0; sysbench spawns it to time spawn + exit. */
#include "nexus.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return 0;
}
