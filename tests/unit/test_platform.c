/*
 * Device discovery on the device trees QEMU itself generates for the
 * machine the kernel boots on (make dumps them with -M virt,dumpdtb=).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <nexus/errno.h>

#include "core/platform.h"
#include "stub_kprintf.h"

static void *load(const char *name, size_t *len)
{
	char path[256];
	FILE *f;
	void *buf = malloc(1 << 20);

	snprintf(path, sizeof(path), "%s/%s", NEXUS_BUILD_DIR, name);
	f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	*len = fread(buf, 1, 1 << 20, f);
	fclose(f);
	return buf;
}

static void check_virt(const struct platform *p)
{
	assert_int_equal(p->mem_base, 0x40000000);
	assert_int_equal(p->mem_size, 512u << 20);
	assert_int_equal(p->uart_base, 0x09000000);
	assert_int_equal(p->uart_irq, 33);
	assert_int_equal(p->gicd_base, 0x08000000);
	assert_int_equal(p->gicr_base, 0x080a0000);
	assert_true(p->gicr_size >= 0x20000);
	assert_int_equal(p->timer_virt_irq, 27);
	assert_int_equal(p->nvirtio, 32);
	assert_int_equal(p->virtio[0].base, 0x0a000000);
	assert_int_equal(p->virtio[0].irq, 48);
	assert_int_equal(p->virtio[31].base, 0x0a000000 + 31 * 0x200);
	assert_int_equal(p->virtio[31].irq, 79);
}

static void test_virt_el1(void **state)
{
	struct platform p;
	size_t len;
	void *dtb = load("virt.dtb", &len);

	(void)state;
	assert_int_equal(platform_probe(dtb, &p), 0);
	check_virt(&p);
	assert_int_equal(p.psci, PSCI_HVC);
	assert_string_equal(p.model, "linux,dummy-virt");
	free(dtb);
}

static void test_virt_el2(void **state)
{
	struct platform p;
	size_t len;
	void *dtb = load("virt-el2.dtb", &len);

	(void)state;
	assert_int_equal(platform_probe(dtb, &p), 0);
	check_virt(&p);
	assert_int_equal(p.psci, PSCI_SMC);
	free(dtb);
}

static void test_garbage_is_refused(void **state)
{
	struct platform p;
	unsigned char junk[4096];

	(void)state;
	for (size_t i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 131 + 7);
	assert_int_equal(platform_probe(junk, &p), -NX_EINVAL);
	assert_non_null(strstr(kprintf_last, "bad device tree"));
}

static void test_truncated_is_refused(void **state)
{
	struct platform p;
	size_t len;
	unsigned char *dtb = load("virt.dtb", &len);

	(void)state;
	/* Claim a smaller size than the structure needs. */
	dtb[4] = 0, dtb[5] = 0, dtb[6] = 0, dtb[7] = 0x40;
	assert_int_equal(platform_probe(dtb, &p), -NX_EINVAL);
	free(dtb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_virt_el1),
		cmocka_unit_test(test_virt_el2),
		cmocka_unit_test(test_garbage_is_refused),
		cmocka_unit_test(test_truncated_is_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
