/* From _start to main(): the SysTable, the standard channels, argv. */
#include "nexus.h"

#define ARGV_MAX	16

static const struct nx_systable *st;
static char argbuf[NX_ARGS_MAX];
struct nx_chan nx_console, nx_fs, nx_sysch;

const struct nx_systable *nx_systable(void)
{
	return st;
}

int nx_split(char *s, char **argv, int max)
{
	int argc = 0;

	while (*s && argc < max) {
		while (*s == ' ')
			*s++ = '\0';
		if (!*s)
			break;
		argv[argc++] = s;
		while (*s && *s != ' ')
			s++;
	}
	argv[argc] = NULL;
	return argc;
}

__attribute__((noreturn)) void nx_start(const struct nx_systable *systable);

void nx_start(const struct nx_systable *systable)
{
	static char name[NX_NAME_MAX];
	char *argv[ARGV_MAX + 1];
	int argc;

	st = systable;
	if (st->magic != NX_SYSTABLE_MAGIC || st->abi_version < NX_ABI_VERSION)
		nx_exit(-NX_EINVAL);
	nx_chan_attach(&nx_console, &st->console);
	nx_chan_attach(&nx_fs, &st->fs);
	nx_chan_attach(&nx_sysch, &st->sys);
	memcpy(name, st->name, sizeof(name) - 1);
	memcpy(argbuf, (const char *)st->args, st->args_len + 1);
	argv[0] = name;
	argc = 1 + nx_split(argbuf, argv + 1, ARGV_MAX - 1);
	nx_exit(main(argc, argv));
}
