/*
 * The cell manifest parser and validator (hv/core/manifest.c), on
 * manifests compiled here with dtc, and mkbundle's ELF reader
 * (tools/elfload.c) on the real kernel image and broken copies of it.
 * Each rejection must come with a message naming what is at fault.
 */
#include <elf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "hv/core/manifest.h"
#include "nexus/errno.h"
#include "nexus/hypercall.h"
#include "tools/elfload.h"

#define RUMPK_ELF NEXUS_BUILD_DIR "/aarch64/rumpk.elf"

static unsigned char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* DTS text -> blob, through a temporary file and dtc. */
static unsigned char *dtc(const char *dts)
{
	char src[] = "/tmp/manifest-XXXXXX", cmd[256];
	char dst[sizeof(src) + 4];
	unsigned char *blob;
	size_t len;
	int fd = mkstemp(src);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, dts, strlen(dts)), (ssize_t)strlen(dts));
	close(fd);
	snprintf(dst, sizeof(dst), "%s.dtb", src);
	snprintf(cmd, sizeof(cmd), "dtc -q -I dts -O dtb -o %s %s", dst, src);
	assert_int_equal(system(cmd), 0);
	blob = slurp(dst, &len);
	unlink(src);
	unlink(dst);
	return blob;
}

/* A manifest with RAM 1 GiB at 0x40000000 around the given cell nodes. */
static int load(const char *cells, struct hv_config *c, char *err)
{
	static char dts[16384];
	unsigned char *blob;
	int r;

	snprintf(dts, sizeof(dts),
		 "/dts-v1/;\n/ {\n compatible = \"nexus,manifest-v1\";\n"
		 " #address-cells = <2>;\n #size-cells = <2>;\n"
		 " ram = <0x0 0x40000000 0x0 0x40000000>;\n cells {\n%s };\n};\n",
		 cells);
	blob = dtc(dts);
	err[0] = '\0';
	r = manifest_parse(blob, c, err, 256);
	if (r == 0)
		r = manifest_validate(c, err, 256);
	free(blob);
	return r;
}

#define UART "uart@9000000 { class = \"console\"; reg = <0x0 0x09000000 0x0 0x1000>; interrupts = <33>; };"
#define NET  "net@a003e00 { class = \"net\"; reg = <0x0 0x0a003e00 0x0 0x200>; interrupts = <79>; };"
#define BLK  "blk@a003c00 { class = \"block\"; reg = <0x0 0x0a003c00 0x0 0x200>; interrupts = <78>; };"

#define CELL(name, cpus, mem, extra, devs) \
	"  " name " { cpus = <" cpus ">; memory = <" mem ">; " extra \
	" devices { " devs " }; };\n"
#define RUMPK CELL("rumpk", "0", "0x0 0x40000000 0x0 0x20000000", \
		   "image = \"rumpk\";", UART NET)
#define LINUX(cpus, mem, devs) CELL("linux", cpus, mem, \
	"image = \"linux\"; initrd = \"initrd\"; pledges = \"block\";", devs)

static void expect_error(const char *cells, int code, const char *const *words)
{
	struct hv_config c;
	char err[256];

	assert_int_equal(load(cells, &c, err), code);
	for (; *words; words++)
		if (!strstr(err, *words))
			fail_msg("error \"%s\" does not mention \"%s\"", err, *words);
}

#define EXPECT(cells, code, ...) \
	expect_error(cells, code, (const char *const[]){ __VA_ARGS__, NULL })

static void test_valid_two_cells(void **state)
{
	struct hv_config c;
	char err[256];

	(void)state;
	assert_int_equal(load(RUMPK LINUX("1 2", "0x0 0x60000000 0x0 0x10000000", BLK),
			      &c, err), 0);
	assert_int_equal(c.ram_base, 0x40000000);
	assert_int_equal(c.ram_size, 0x40000000);
	assert_int_equal(c.ncells, 2);
	assert_string_equal(c.cells[0].name, "rumpk");
	assert_string_equal(c.cells[0].image, "rumpk");
	assert_int_equal(c.cells[0].ncpus, 1);
	assert_int_equal(c.cells[0].mem[0].size, 0x20000000);
	assert_int_equal(c.cells[0].ndevs, 2);
	assert_string_equal(c.cells[0].devs[0].name, "uart@9000000");
	assert_int_equal(c.cells[0].devs[0].base, 0x09000000);
	assert_int_equal(c.cells[0].devs[0].irqs[0], 33);
	assert_int_equal(c.cells[0].console_dev, 0);
	/* No "pledges": the classes of the cell's devices. */
	assert_int_equal(c.cells[0].devclasses, NX_DEVCLASS_CONSOLE | NX_DEVCLASS_NET);
	assert_int_equal(c.cells[1].id, 1);
	assert_int_equal(c.cells[1].ncpus, 2);
	assert_int_equal(c.cells[1].mpidr[1], 2);
	assert_string_equal(c.cells[1].initrd, "initrd");
	assert_int_equal(c.cells[1].devclasses, NX_DEVCLASS_BLOCK);
	assert_int_equal(c.cells[1].console_dev, UINT32_MAX);
	assert_int_equal(c.cells[1].entry, 0);
}

static void test_shipped_configs_are_valid(void **state)
{
	static const char *const files[] = { "configs/core.dts", "configs/micro.dts" };

	(void)state;
	for (size_t i = 0; i < 2; i++) {
		size_t len;
		unsigned char *text = slurp(files[i], &len), *blob;
		struct hv_config c;
		char err[256] = "";

		text[len] = '\0';
		blob = dtc((char *)text);
		if (manifest_parse(blob, &c, err, sizeof(err)) ||
		    manifest_validate(&c, err, sizeof(err)))
			fail_msg("%s: %s", files[i], err);
		assert_string_equal(c.cells[0].name, "rumpk");
		assert_true(c.cells[0].devclasses & NX_DEVCLASS_CONSOLE);
		free(text);
		free(blob);
	}
}

static void test_overlapping_memory(void **state)
{
	(void)state;
	EXPECT(RUMPK LINUX("1", "0x0 0x50000000 0x0 0x1000000", BLK), -NX_EINVAL,
	       "'rumpk'", "'linux'", "0x40000000", "0x50000000", "overlaps");
}

static void test_core_given_twice(void **state)
{
	(void)state;
	EXPECT(RUMPK LINUX("0", "0x0 0x60000000 0x0 0x1000000", BLK), -NX_EINVAL,
	       "core MPIDR 0x0", "'rumpk'", "'linux'");
	EXPECT(CELL("solo", "3 3", "0x0 0x40000000 0x0 0x1000", "image = \"x\";", ""),
	       -NX_EINVAL, "core MPIDR 0x3");
}

static void test_device_given_twice(void **state)
{
	(void)state;
	EXPECT(RUMPK LINUX("1", "0x0 0x60000000 0x0 0x1000000", UART), -NX_EINVAL,
	       "0x9000000", "'uart@9000000' of cell 'rumpk'",
	       "'uart@9000000' of cell 'linux'");
	/* An interrupt is a device resource too. */
	EXPECT(RUMPK LINUX("1", "0x0 0x60000000 0x0 0x1000000",
			   "x@a000000 { class = \"other\"; reg = <0x0 0x0a000000 0x0 0x200>; interrupts = <33>; };"),
	       -NX_EINVAL, "interrupt 33");
}

static void test_memory_outside_ram_or_empty(void **state)
{
	(void)state;
	EXPECT(RUMPK LINUX("1", "0x0 0x7ff00000 0x0 0x200000", BLK), -NX_EINVAL,
	       "'linux'", "0x7ff00000", "outside RAM");
	EXPECT(RUMPK LINUX("1", "0x0 0x30000000 0x0 0x1000", BLK), -NX_EINVAL,
	       "outside RAM");
	EXPECT(RUMPK LINUX("1", "0x0 0x60000000 0x0 0x0", BLK), -NX_EINVAL,
	       "'linux'", "0x60000000", "size 0");
}

static void test_too_many_cells_cores_devices(void **state)
{
	char cells[4096] = "", devs[4096] = "", cell[4608];

	(void)state;
	for (int i = 0; i <= CELL_MAX; i++)
		snprintf(cells + strlen(cells), sizeof(cells) - strlen(cells),
			 "  c%d { cpus = <%d>; memory = <0x0 0x%x 0x0 0x1000>; image = \"i%d\"; };\n",
			 i, i, 0x40000000 + i * 0x1000, i);
	EXPECT(cells, -NX_E2BIG, "CELL_MAX", "'c4'");
	EXPECT(CELL("big", "0 1 2 3 4", "0x0 0x40000000 0x0 0x1000", "image = \"x\";", ""),
	       -NX_E2BIG, "CELL_MAX_CPUS", "5 entries");
	for (int i = 0; i <= CELL_MAX_DEVS; i++)
		snprintf(devs + strlen(devs), sizeof(devs) - strlen(devs),
			 "d%d { class = \"net\"; reg = <0x0 0x%x 0x0 0x200>; }; ",
			 i, 0x0a000000 + i * 0x200);
	snprintf(cell, sizeof(cell), CELL("many", "0", "0x0 0x40000000 0x0 0x1000",
					  "image = \"x\";", "%s"), devs);
	EXPECT(cell, -NX_E2BIG, "CELL_MAX_DEVS", "'many'");
	EXPECT(CELL("irqs", "0", "0x0 0x40000000 0x0 0x1000", "image = \"x\";",
		    "u@9000000 { class = \"console\"; reg = <0x0 0x09000000 0x0 0x1000>; interrupts = <1 2 3 4 5>; };"),
	       -NX_E2BIG, "CELL_MAX_IRQS");
	EXPECT(CELL("n0123456789012345678901234567890123", "0",
		    "0x0 0x40000000 0x0 0x1000", "image = \"x\";", ""),
	       -NX_E2BIG, "CELL_NAME_MAX");
}

static void test_missing_pieces(void **state)
{
	(void)state;
	EXPECT(CELL("noimg", "0", "0x0 0x40000000 0x0 0x1000", "", UART),
	       -NX_EINVAL, "'noimg'", "no image");
	EXPECT(CELL("nocpu", "", "0x0 0x40000000 0x0 0x1000", "image = \"x\";", ""),
	       -NX_EINVAL, "'nocpu'", "0 cores");
	EXPECT("", -NX_EINVAL, "no cells");
	EXPECT(CELL("badclass", "0", "0x0 0x40000000 0x0 0x1000", "image = \"x\";",
		    "u@9000000 { class = \"gpu\"; reg = <0x0 0x09000000 0x0 0x1000>; };"),
	       -NX_EINVAL, "unknown class \"gpu\"");
	EXPECT(CELL("badpledge", "0", "0x0 0x40000000 0x0 0x1000",
		    "image = \"x\"; pledges = \"console\", \"root\";", ""),
	       -NX_EINVAL, "unknown pledge \"root\"");
}

static void test_not_a_manifest(void **state)
{
	struct hv_config c;
	char err[256];
	unsigned char *blob = dtc("/dts-v1/;\n/ { compatible = \"linux,dummy-virt\"; };\n");

	(void)state;
	assert_int_equal(manifest_parse(blob, &c, err, sizeof(err)), -NX_EINVAL);
	assert_non_null(strstr(err, "nexus,manifest-v1"));
	memset(blob, 0xff, 16);
	assert_int_equal(manifest_parse(blob, &c, err, sizeof(err)), -NX_EINVAL);
	assert_non_null(strstr(err, "not a valid device tree"));
	free(blob);
}

/* ---- the ELF reader ---------------------------------------------------- */

static void elf_expect(const unsigned char *buf, size_t len, int code,
		       const char *word)
{
	struct elfload_image img;
	char err[256] = "";

	assert_int_equal(elfload_flatten(buf, len, &img, err, sizeof(err)), code);
	if (!strstr(err, word))
		fail_msg("error \"%s\" does not mention \"%s\"", err, word);
	assert_null(img.data);
}

static void test_elf_good_kernel(void **state)
{
	struct elfload_image img;
	char err[256];
	size_t len;
	unsigned char *buf = slurp(RUMPK_ELF, &len);
	Elf64_Ehdr eh;

	(void)state;
	memcpy(&eh, buf, sizeof(eh));
	assert_int_equal(elfload_flatten(buf, len, &img, err, sizeof(err)), 0);
	assert_int_equal(img.load_addr, 0x40200000);
	assert_int_equal(img.entry, eh.e_entry);
	assert_true(img.size > 4096 && img.size <= img.mem_size);
	/* The first instruction is where the file's text starts. */
	assert_memory_equal(img.data, buf + 0x1000, 64);
	elfload_free(&img);
	free(buf);
}

static void test_elf_bad_inputs(void **state)
{
	size_t len;
	unsigned char *buf = slurp(RUMPK_ELF, &len), *copy = malloc(len);
	unsigned char garbage[4096];
	Elf64_Ehdr eh;
	Elf64_Phdr ph[2];

	(void)state;
	for (size_t i = 0; i < sizeof(garbage); i++)
		garbage[i] = (unsigned char)(i * 131 + 7);
	elf_expect(garbage, sizeof(garbage), -NX_EINVAL, "not an ELF");
	elf_expect(buf, 40, -NX_EINVAL, "truncated ELF header");
	elf_expect(buf, 100, -NX_EINVAL, "program header table");
	elf_expect(buf, 0x2000, -NX_EINVAL, "runs past the end");

	memcpy(copy, buf, len);
	memcpy(&eh, copy, sizeof(eh));
	eh.e_machine = EM_X86_64;
	memcpy(copy, &eh, sizeof(eh));
	elf_expect(copy, len, -NX_EINVAL, "not an AArch64");

	memcpy(copy, buf, len);
	copy[EI_CLASS] = ELFCLASS32;
	elf_expect(copy, len, -NX_EINVAL, "64-bit");

	/* Second PT_LOAD moved into the first. */
	memcpy(copy, buf, len);
	memcpy(&eh, copy, sizeof(eh));
	memcpy(ph, copy + eh.e_phoff, sizeof(ph));
	assert_int_equal(ph[0].p_type, PT_LOAD);
	assert_int_equal(ph[1].p_type, PT_LOAD);
	ph[1].p_paddr = ph[0].p_paddr + 16;
	memcpy(copy + eh.e_phoff, ph, sizeof(ph));
	elf_expect(copy, len, -NX_EINVAL, "overlap");

	/* An absurd memory size. */
	memcpy(copy, buf, len);
	ph[1].p_paddr = 0x50000000;
	ph[1].p_memsz = 1ull << 40;
	memcpy(copy + eh.e_phoff, ph, sizeof(ph));
	elf_expect(copy, len, -NX_E2BIG, "absurd size");
	free(copy);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_two_cells),
		cmocka_unit_test(test_shipped_configs_are_valid),
		cmocka_unit_test(test_overlapping_memory),
		cmocka_unit_test(test_core_given_twice),
		cmocka_unit_test(test_device_given_twice),
		cmocka_unit_test(test_memory_outside_ram_or_empty),
		cmocka_unit_test(test_too_many_cells_cores_devices),
		cmocka_unit_test(test_missing_pieces),
		cmocka_unit_test(test_not_a_manifest),
		cmocka_unit_test(test_elf_good_kernel),
		cmocka_unit_test(test_elf_bad_inputs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
