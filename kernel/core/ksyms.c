#include <stddef.h>

#include "core/ksyms.h"

/* Emitted by scripts/mksyms.py, sorted by address. */
struct ksym {
	uint64_t addr;
	uint64_t name;		/* offset into ksym_names */
};

extern const struct ksym ksym_table[];
extern const uint64_t ksym_count;
extern const uint64_t ksym_text_end;
extern const char ksym_names[];

const char *ksym_lookup(uint64_t addr, uint64_t *offset)
{
	size_t lo = 0, hi = ksym_count;

	if (hi == 0 || addr < ksym_table[0].addr || addr >= ksym_text_end)
		return NULL;
	/* The last symbol that starts at or below @addr. */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (ksym_table[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	*offset = addr - ksym_table[lo].addr;
	return ksym_names + ksym_table[lo].name;
}
