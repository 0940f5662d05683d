/*
 * unveiltest: unveil /etc read-only, lock, then look around. What is not
 * unveiled must not exist (ENOENT); a write to what is must be refused.
 */
#include "nexus.h"

static void try_open(const char *path, unsigned flags)
{
	int fd = open(path, flags);

	printf("unveiltest: open %s%s: %s\n", path, flags & NX_O_WRITE ? " for writing" : "",
	       fd >= 0 ? "ok" : nx_strerror(fd));
	if (fd >= 0)
		close(fd);
}

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	struct nx_dirent de;

	printf("unveiltest: unveil /etc r = %d\n", nx_unveil("/etc", NX_UNVEIL_R));
	printf("unveiltest: lock = %d\n", nx_unveil(NULL, 0));
	printf("unveiltest: unveil /bin after lock = %s\n",
	       nx_strerror(nx_unveil("/bin", NX_UNVEIL_R)));
	try_open("/etc/motd", NX_O_READ);
	try_open("/bin/sh.npk", NX_O_READ);
	try_open("/etc/motd", NX_O_WRITE);
	for (uint64_t i = 0; nx_readdir("/", i, &de) == 0; i++)
		printf("unveiltest: / has %s\n", de.name);
	return 0;
}
