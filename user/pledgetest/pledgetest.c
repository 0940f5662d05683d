/*
 * pledgetest: promise only stdio, then try to read a file. The kernel
 * must kill this app for the violation; it must never print "read".
 */
#include "nexus.h"

int main(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	uint64_t keep = NX_PLEDGE_STDIO | (nx_systable()->pledges & NX_PLEDGE_SPECTRUM_MASK);
	int err = nx_pledge(keep), fd;

	printf("pledgetest: pledge(stdio) = %d\n", err);
	err = nx_pledge(NX_PLEDGE_STDIO | NX_PLEDGE_RPATH |
			(nx_systable()->pledges & NX_PLEDGE_SPECTRUM_MASK));
	printf("pledgetest: widening again = %s\n", nx_strerror(err));
	fd = open("/etc/motd", NX_O_READ);
	printf("pledgetest: read /etc/motd = %d: the violation was NOT stopped\n", fd);
	return 2;
}
