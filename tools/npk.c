/*
 * npk: builds and inspects NPK app packages (include/nexus/npk.h).
 *
 *   npk pack -o OUT.npk --name NAME [--spectrum photon|matter|gravity]
 *            [--pledge "stdio rpath"|0x3] [--cap CHANNEL:VERBS]...
 *            [--energy N] [--restart never|crash] [--mem 2M] [--stack 64K]
 *            APP.elf
 *   npk show PKG.npk
 *
 * VERBS is "send,recv" or a number ("0x6"). Every package written goes
 * through the kernel's own validator (kernel/sys/npk.c) first; a package
 * it refuses is not written, and the reason is printed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <nexus/errno.h>

#include "parse.h"
#include "sys/npk.h"

struct word {
	const char *name;
	uint64_t bit;
};

/* Provisional spellings; nexus/pledge.h and the capability module will
 * own the canonical lists. */
static const struct word pledge_words[] = {
	{ "stdio", 1u << 0 }, { "rpath", 1u << 1 }, { "wpath", 1u << 2 },
	{ "cpath", 1u << 3 }, { "inet", 1u << 4 }, { "exec", 1u << 5 },
	{ "proc", 1u << 6 }, { "audit", 1u << 7 }, { "power", 1u << 8 },
	{ NULL, 0 },
};
static const struct word verb_words[] = {
	{ "spawn", 1u << 0 }, { "send", 1u << 1 }, { "recv", 1u << 2 },
	{ "map", 1u << 3 }, { "mask", 1u << 4 }, { "tick", 1u << 5 },
	{ "grant", 1u << 6 }, { NULL, 0 },
};
static const char *const spectra[] = { "photon", "matter", "gravity" };
static const char *const restarts[] = { "never", "crash" };

__attribute__((format(printf, 1, 2), noreturn))
static void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "npk: ");
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	exit(1);
}

static void usage(void)
{
	fprintf(stderr,
		"usage: npk pack -o OUT.npk --name NAME [--spectrum photon|matter|gravity]\n"
		"                [--pledge WORDS|N] [--cap CHANNEL:VERBS|CHANNEL:N]...\n"
		"                [--energy N] [--restart never|crash] [--mem SIZE]\n"
		"                [--stack SIZE] APP.elf\n"
		"       npk show PKG.npk\n");
	exit(2);
}

/* A set of bits from words of @tbl separated by @seps, or one number. */
static uint64_t parse_bits(const char *s, const struct word *tbl,
			   const char *seps, const char *what)
{
	char buf[256], *save = NULL;
	uint64_t bits = 0;

	if (parse_u64(s, &bits))
		return bits;
	if (strlen(s) >= sizeof(buf))
		die("%s list too long", what);
	strcpy(buf, s);
	for (char *w = strtok_r(buf, seps, &save); w; w = strtok_r(NULL, seps, &save)) {
		const struct word *t = tbl;

		while (t->name && strcmp(t->name, w) != 0)
			t++;
		if (!t->name)
			die("unknown word '%s'", w);
		bits |= t->bit;
	}
	return bits;
}

static void print_bits(uint64_t bits, const struct word *tbl)
{
	for (; tbl->name; tbl++)
		if (bits & tbl->bit)
			printf(" %s", tbl->name);
}

/* Bytes, with an optional K or M suffix, to whole pages. */
static uint32_t parse_pages(const char *s, const char *what)
{
	char num[32];
	size_t n = strlen(s);
	uint64_t v, mul = 1;

	if (n == 0 || n >= sizeof(num))
		die("bad %s size", what);
	memcpy(num, s, n + 1);
	if (num[n - 1] == 'K' || num[n - 1] == 'k')
		mul = 1024;
	else if (num[n - 1] == 'M' || num[n - 1] == 'm')
		mul = 1024 * 1024;
	if (mul > 1)
		num[n - 1] = '\0';
	if (!parse_u64(num, &v) || v > (UINT64_MAX / mul) || v * mul % NPK_PAGE ||
	    v * mul / NPK_PAGE > UINT32_MAX)
		die("%s size is not a whole number of 4 KiB pages", what);
	return (uint32_t)(v * mul / NPK_PAGE);
}

static uint32_t pick(const char *s, const char *const *names, unsigned n,
		     const char *what)
{
	for (unsigned i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	die("unknown %s '%s'", what, s);
}

static void set_name(char dst[NX_NPK_NAME_MAX], const char *s, const char *what)
{
	if (strlen(s) >= NX_NPK_NAME_MAX)
		die("%s longer than 15 bytes", what);
	strncpy(dst, s, NX_NPK_NAME_MAX);
}

static void add_cap(struct nx_npk_header *h, const char *arg)
{
	const char *colon = strchr(arg, ':');
	char chan[NX_NPK_NAME_MAX + 1];
	struct nx_npk_capreq *r;

	if (h->ncaps == NX_NPK_MAX_CAPS)
		die("more than %d --cap options", NX_NPK_MAX_CAPS);
	if (!colon || (size_t)(colon - arg) >= sizeof(chan))
		die("--cap %s: expected CHANNEL:VERBS", arg);
	memcpy(chan, arg, (size_t)(colon - arg));
	chan[colon - arg] = '\0';
	r = &h->caps[h->ncaps++];
	set_name(r->channel, chan, "channel name");
	uint64_t verbs = parse_bits(colon + 1, verb_words, ",+", "verb");
	if (verbs > UINT32_MAX)
		die("--cap %s: verbs above 32 bits", arg);
	r->verbs = (uint32_t)verbs;
}

static unsigned char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf;
	long n;

	if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0)
		die("cannot read %s", path);
	buf = malloc((size_t)n + 1);	/* malloc: 16-aligned, as parse needs 8 */
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		die("cannot read %s", path);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void print_plan(const struct npk_app *a)
{
	printf("load plan:\n  image    %u pages, entry 0x%llx\n", a->image_pages,
	       (unsigned long long)a->entry);
	for (uint32_t i = 0; i < a->nsegs; i++) {
		const struct npk_seg *s = &a->seg[i];

		printf("  seg %u    vaddr 0x%llx memsz 0x%llx filesz 0x%llx %c%c%c\n",
		       i, (unsigned long long)s->vaddr, (unsigned long long)s->memsz,
		       (unsigned long long)s->filesz, s->perms & NPK_R ? 'R' : '-',
		       s->perms & NPK_W ? 'W' : '-', s->perms & NPK_X ? 'X' : '-');
	}
	if (a->relro_size)
		printf("  relro    0x%llx+0x%llx\n", (unsigned long long)a->relro_off,
		       (unsigned long long)a->relro_size);
	printf("  relocs   %zu R_AARCH64_RELATIVE\n", a->nrela);
}

static void print_header(const struct nx_npk_header *h)
{
	printf("magic      0x%08x\nversion    %u\nheader     %u bytes\n",
	       h->magic, h->version, h->header_size);
	printf("name       %.*s\n", NX_NPK_NAME_MAX, h->name);
	printf("spectrum   %u (%s)\n", h->spectrum,
	       h->spectrum < 3 ? spectra[h->spectrum] : "?");
	printf("pledges    0x%llx (", (unsigned long long)h->pledges);
	print_bits(h->pledges, pledge_words);
	printf(" )\nenergy     %u%s\n", h->energy_budget,
	       h->energy_budget ? " units per window" : " (spectrum default)");
	printf("restart    %u (%s)\n", h->restart,
	       h->restart < 2 ? restarts[h->restart] : "?");
	printf("mem        %u pages\nstack      %u pages\n", h->mem_pages,
	       h->stack_pages);
	printf("caps       %u\n", h->ncaps);
	for (uint32_t i = 0; i < h->ncaps && i < NX_NPK_MAX_CAPS; i++) {
		printf("  cap %u    %.*s verbs 0x%x (", i, NX_NPK_NAME_MAX,
		       h->caps[i].channel, h->caps[i].verbs);
		print_bits(h->caps[i].verbs, verb_words);
		printf(" )\n");
	}
	printf("elf        offset 0x%x, 0x%x bytes\nchecksum   0x%08x\n",
	       h->elf_offset, h->elf_size, h->checksum);
}

static int show(const char *path)
{
	size_t len;
	unsigned char *pkg = read_file(path, &len);
	struct npk_app a;
	char why[160];

	if (len >= sizeof(struct nx_npk_header))
		print_header((const void *)pkg);
	if (npk_parse(pkg, len, &a, why, sizeof(why)) != 0) {
		fprintf(stderr, "npk: %s: %s\n", path, why);
		free(pkg);
		return 1;
	}
	print_plan(&a);
	free(pkg);
	return 0;
}

static void write_file(const char *path, const void *buf, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
		remove(path);
		die("cannot write %s", path);
	}
}

/* Header, then the ELF right after it; validated before it is written. */
static int pack_write(struct nx_npk_header *h, const char *elf_path, const char *out)
{
	size_t elf_len, len;
	unsigned char *elf = read_file(elf_path, &elf_len), *pkg;
	struct npk_app a;
	char why[160];

	if (elf_len > UINT32_MAX - sizeof(*h))
		die("%s: larger than 4 GiB", elf_path);
	len = sizeof(*h) + elf_len;
	h->elf_offset = sizeof(*h);
	h->elf_size = (uint32_t)elf_len;
	pkg = malloc(len);
	if (!pkg)
		die("out of memory");
	memcpy(pkg + sizeof(*h), elf, elf_len);
	memcpy(pkg, h, sizeof(*h));
	h->checksum = npk_checksum(pkg, len);
	memcpy(pkg, h, sizeof(*h));
	if (npk_parse(pkg, len, &a, why, sizeof(why)) != 0) {
		fprintf(stderr, "npk: %s: %s\n", elf_path, why);
		free(pkg);
		free(elf);
		return 1;
	}
	write_file(out, pkg, len);
	printf("%s: %s, %u image pages, %zu relocations\n", out, h->name,
	       a.image_pages, a.nrela);
	free(pkg);
	free(elf);
	return 0;
}

static const char *need(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc)
		usage();
	return argv[++*i];
}

static int pack(int argc, char **argv)
{
	struct nx_npk_header h = {
		.magic = NX_NPK_MAGIC, .version = NX_NPK_VERSION,
		.header_size = sizeof(h), .spectrum = NX_NPK_MATTER,
		.mem_pages = (1u << 20) / NPK_PAGE, .stack_pages = (64u << 10) / NPK_PAGE,
	};
	const char *out = NULL, *elf = NULL;
	uint64_t v;

	for (int i = 2; i < argc; i++) {
		const char *o = argv[i];

		if (!strcmp(o, "-o"))
			out = need(argc, argv, &i);
		else if (!strcmp(o, "--name"))
			set_name(h.name, need(argc, argv, &i), "--name");
		else if (!strcmp(o, "--spectrum"))
			h.spectrum = pick(need(argc, argv, &i), spectra, 3, "spectrum");
		else if (!strcmp(o, "--pledge"))
			h.pledges = parse_bits(need(argc, argv, &i), pledge_words, " ,", "pledge");
		else if (!strcmp(o, "--cap"))
			add_cap(&h, need(argc, argv, &i));
		else if (!strcmp(o, "--energy")) {
			if (!parse_u64(need(argc, argv, &i), &v) || v > UINT32_MAX)
				die("bad --energy %s", argv[i]);
			h.energy_budget = (uint32_t)v;
		} else if (!strcmp(o, "--restart"))
			h.restart = pick(need(argc, argv, &i), restarts, 2, "restart policy");
		else if (!strcmp(o, "--mem"))
			h.mem_pages = parse_pages(need(argc, argv, &i), "--mem");
		else if (!strcmp(o, "--stack"))
			h.stack_pages = parse_pages(need(argc, argv, &i), "--stack");
		else if (o[0] == '-' || elf)
			usage();
		else
			elf = o;
	}
	if (!out || !elf || !h.name[0])
		usage();
	return pack_write(&h, elf, out);
}

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "pack"))
		return pack(argc, argv);
	if (argc == 3 && !strcmp(argv[1], "show"))
		return show(argv[2]);
	usage();
	return 2;
}
