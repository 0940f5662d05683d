/* hello [exit CODE]: greets, shows its arguments, exits with CODE. */
#include "nexus.h"

int main(int argc, char **argv)
{
	const struct nx_systable *st = nx_systable();
	uint64_t code = 0;

	printf("hello from app %u (%s), parent %u, cell 0x%lx+0x%lx\n", st->app_id,
	       st->name, st->parent_id, (unsigned long)st->cell_base,
	       (unsigned long)st->cell_size);
	for (int i = 1; i < argc; i++)
		printf("  argv[%d] = %s\n", i, argv[i]);
	if (argc == 3 && !strcmp(argv[1], "exit"))
		parse_u64(argv[2], &code);
	return (int)code;
}
