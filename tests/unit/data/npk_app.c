/*
 * The smallest NPK app, for test_npk: built -fPIE and linked -pie by
 * mk/npk.mk, so its pointers in .data need the R_AARCH64_RELATIVE
 * relocations a real app has. The test finds npk_probe by its magic in
 * the loaded image and checks where the pointers now point.
 */
#include <stdint.h>

struct probe {
	uint64_t magic;		/* "NPKTEST1" */
	const char *str;	/* into .rodata */
	const struct probe *self;
	char *scratch;		/* into .bss */
};

static char scratch[256];
static const char greeting[] = "npk-test-string";

struct probe npk_probe = { 0x315453455454504eull, greeting, &npk_probe, scratch };

void _start(void)
{
	scratch[0] = npk_probe.str[0];
	for (;;)
		__asm__ volatile("wfi");
}
