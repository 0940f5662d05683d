/*
 * init: the first app. It starts the shell in the foreground and starts
 * a new one whenever the shell exits.
 */
#include "nexus.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (;;) {
		int64_t status = 0;
		int err = nx_run("/bin/sh.npk", "", true, &status);

		if (err < 0) {
			printf("init: cannot start /bin/sh.npk: %s\n", nx_strerror(err));
			return 1;
		}
		printf("init: the shell exited with %ld; starting a new one\n",
		       (long)status);
	}
}
