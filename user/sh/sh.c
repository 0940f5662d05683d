/*
 * sh: the shell, an app like any other. It holds only what its package
 * grants and can narrow itself further with `pledge`.
 */
#include "lined.h"
#include "netcmd.h"
#include "nexus.h"
#include "nxnet.h"
#include "sec/cap.h"
#include "sec/pledge.h"

#define ARGS_MAX	16

struct command {
	const char *name;
	const char *args;
	const char *help;
	int (*run)(int argc, char **argv);
};

static const struct command commands[];
static void execute_argv(int argc, char **argv);

static const char *const spectra[] = { "photon", "matter", "gravity", "void" };
static const char *const states[] = { "ready", "running", "blocked", "suspended",
				      "exited" };

static int fail(const char *what, int64_t err)
{
	printf("%s: %s\n", what, nx_strerror(err));
	return 1;
}

static int cmd_help(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	for (const struct command *c = commands; c->name; c++)
		printf("  %-8s %-16s %s\n", c->name, c->args, c->help);
	printf("  Any other word runs /bin/WORD.npk if it exists.\n");
	return 0;
}

static int cmd_echo(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		printf("%s%s", argv[i], i + 1 < argc ? " " : "");
	printf("\n");
	return 0;
}

static int cmd_ls(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/";
	struct nx_dirent de;
	int err = 0;
	uint64_t i;

	for (i = 0; (err = nx_readdir(dir, i, &de)) == 0; i++)
		printf("%s%-24s %8lu\n", de.type == NX_FT_DIR ? "d " : "- ", de.name,
		       (unsigned long)de.size);
	if (err != -NX_ENOENT || i == 0) {
		struct nx_stat st;
		int s = nx_stat(dir, &st);

		if (s)
			return fail(dir, s);
		if (st.type == NX_FT_FILE)
			printf("- %-24s %8lu\n", dir, (unsigned long)st.size);
	}
	return 0;
}

static int cmd_cat(int argc, char **argv)
{
	char buf[512];
	int64_t n;
	int fd;

	if (argc < 2) {
		printf("usage: cat FILE\n");
		return 1;
	}
	fd = open(argv[1], NX_O_READ);
	if (fd < 0)
		return fail(argv[1], fd);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		nx_write(buf, (size_t)n);
	close(fd);
	return n < 0 ? fail(argv[1], n) : 0;
}

static void join(int argc, char **argv, char *out, size_t n)
{
	size_t len = 0;

	out[0] = '\0';
	for (int i = 0; i < argc && len < n; i++)
		len += (size_t)snprintf(out + len, n - len, "%s%s", i ? " " : "", argv[i]);
}

static int cmd_mount(int argc, char **argv)
{
	struct nx_mount_info mi;

	(void)argc;
	(void)argv;
	for (uint64_t i = 0; nx_info(NX_INFO_MOUNT, i, &mi, sizeof(mi)) >= 0; i++)
		printf("%-10s on %s\n", mi.type, mi.point);
	return 0;
}

static int cmd_df(int argc, char **argv)
{
	struct nx_mount_info mi;
	struct nx_statfs st;

	(void)argc;
	(void)argv;
	printf("%-10s %-9s %10s %10s %10s\n", "mount", "type", "KiB", "used", "free");
	for (uint64_t i = 0; nx_info(NX_INFO_MOUNT, i, &mi, sizeof(mi)) >= 0; i++) {
		int err = nx_statfs(mi.point, &st);

		if (err) {
			printf("%-10s %s\n", mi.point, nx_strerror(err));
			continue;
		}
		printf("%-10s %-9s %10lu %10lu %10lu\n", mi.point, st.type,
		       (unsigned long)(st.blocks * st.block_size / 1024),
		       (unsigned long)((st.blocks - st.blocks_free) * st.block_size / 1024),
		       (unsigned long)(st.blocks_free * st.block_size / 1024));
	}
	return 0;
}

/* mkdir/rm PATH...: one call per path, the first error ends it. */
static int each_path(int argc, char **argv, int (*op)(const char *), const char *what)
{
	if (argc < 2) {
		printf("usage: %s PATH...\n", what);
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		int err = op(argv[i]);

		if (err)
			return fail(argv[i], err);
	}
	return 0;
}

static int cmd_mkdir(int argc, char **argv)
{
	return each_path(argc, argv, mkdir, "mkdir");
}

static int cmd_rm(int argc, char **argv)
{
	return each_path(argc, argv, unlink, "rm");
}

static int cmd_mv(int argc, char **argv)
{
	int err;

	if (argc != 3) {
		printf("usage: mv FROM TO\n");
		return 1;
	}
	err = rename(argv[1], argv[2]);
	return err ? fail("mv", err) : 0;
}

/* write FILE TEXT...: the words and a newline, replacing FILE, made durable. */
static int cmd_write(int argc, char **argv)
{
	char text[NX_ARGS_MAX];
	int64_t n;
	int fd, err;

	if (argc < 2) {
		printf("usage: write FILE [TEXT...]\n");
		return 1;
	}
	join(argc - 2, argv + 2, text, sizeof(text) - 1);
	text[strlen(text) + 1] = '\0';
	text[strlen(text)] = '\n';
	fd = open(argv[1], NX_O_WRITE | NX_O_CREATE | NX_O_TRUNC);
	if (fd < 0)
		return fail(argv[1], fd);
	n = write(fd, text, strlen(text));
	err = n < 0 ? (int)n : fsync(fd);
	close(fd);
	return err ? fail(argv[1], err) : 0;
}

static int cmd_hexdump(int argc, char **argv)
{
	uint8_t buf[16];
	uint64_t off = 0;
	int64_t n;
	int fd;

	if (argc != 2) {
		printf("usage: hexdump FILE\n");
		return 1;
	}
	fd = open(argv[1], NX_O_READ);
	if (fd < 0)
		return fail(argv[1], fd);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		printf("%08lx ", (unsigned long)off);
		for (int i = 0; i < 16; i++)
			i < n ? printf(" %02x", buf[i]) : printf("   ");
		printf("  |");
		for (int i = 0; i < n; i++)
			printf("%c", buf[i] >= 32 && buf[i] < 127 ? buf[i] : '.');
		printf("|\n");
		off += (uint64_t)n;
	}
	close(fd);
	return n < 0 ? fail(argv[1], n) : 0;
}

/* snap NAME [MOUNT]: a read-only snapshot of a nexfs (default /nex). */
static int cmd_snap(int argc, char **argv)
{
	int err;

	if (argc < 2 || argc > 3) {
		printf("usage: snap NAME [MOUNT]\n");
		return 1;
	}
	err = nx_snapshot(argc == 3 ? argv[2] : "/nex", argv[1]);
	if (err)
		return fail("snap", err);
	printf("snapshot %s: ls %s/%s@snap\n", argv[1], argc == 3 ? argv[2] : "/nex",
	       argv[1]);
	return 0;
}

/* nexfs verify [MOUNT] | nexfs snap NAME: the spelling of both. */
static int cmd_nexfs(int argc, char **argv)
{
	char report[128] = "";
	int err;

	if (argc >= 2 && !strcmp(argv[1], "snap"))
		return cmd_snap(argc - 1, argv + 1);
	if (argc < 2 || strcmp(argv[1], "verify") || argc > 3) {
		printf("usage: nexfs verify [MOUNT] | nexfs snap NAME\n");
		return 1;
	}
	err = nx_verify(argc == 3 ? argv[2] : "/nex", report, sizeof(report));
	printf("nexfs verify: %s: %s\n", err ? "FAILED" : "clean", report);
	return err ? 1 : 0;
}

static int cmd_ps(int argc, char **argv)
{
	struct nx_proc_info p;
	int64_t n;

	(void)argc;
	(void)argv;
	printf("  id parent name             spectrum  state      energy strikes  mem\n");
	for (uint64_t i = 0; (n = nx_info(NX_INFO_PROC, i, &p, sizeof(p))) > 0 &&
			     i < (uint64_t)n; i++) {
		printf("%4u %6u %-16s %-9s %-9s %7ld %7u  ", p.id, p.parent, p.name,
		       spectra[p.spectrum & 3], p.state < 5 ? states[p.state] : "?",
		       (long)p.energy, p.strikes);
		if (p.is_app)
			printf("%u/%u pages\n", p.mem_pages, p.mem_quota);
		else
			printf("kernel\n");
	}
	return n < 0 && n != -NX_ENOENT ? fail("ps", n) : 0;
}

static int cmd_energy(int argc, char **argv)
{
	struct nx_proc_info p;
	int64_t n;

	(void)argc;
	(void)argv;
	printf("  id name             spectrum    energy  cpu-ticks strikes\n");
	for (uint64_t i = 0; (n = nx_info(NX_INFO_PROC, i, &p, sizeof(p))) > 0 &&
			     i < (uint64_t)n; i++)
		printf("%4u %-16s %-9s %9ld %10lu %7u\n", p.id, p.name,
		       spectra[p.spectrum & 3], (long)p.energy,
		       (unsigned long)p.cpu_ticks, p.strikes);
	return n < 0 && n != -NX_ENOENT ? fail("energy", n) : 0;
}

static int cmd_kill(int argc, char **argv)
{
	uint64_t id;
	int err;

	if (argc != 2 || !parse_u64(argv[1], &id)) {
		printf("usage: kill ID\n");
		return 1;
	}
	err = nx_kill((uint32_t)id);
	return err ? fail("kill", err) : 0;
}

static void package_path(const char *name, char *out, size_t n)
{
	if (strchr(name, '/'))
		snprintf(out, n, "%s", name);
	else
		snprintf(out, n, "/bin/%s.npk", name);
}


/* run [-b] APP [ARGS...]: -b leaves it running in the background. */
static int cmd_run(int argc, char **argv)
{
	char path[64], args[NX_ARGS_MAX];
	bool background = argc > 1 && !strcmp(argv[1], "-b");
	int64_t status = 0;
	int first = background ? 2 : 1, slot, err;
	struct nx_cap_info ci;

	if (argc <= first) {
		printf("usage: run [-b] APP [ARGS...]\n");
		return 1;
	}
	package_path(argv[first], path, sizeof(path));
	join(argc - first - 1, argv + first + 1, args, sizeof(args));
	slot = nx_spawn(path, args, background ? 0 : NX_SPAWN_FOREGROUND);
	if (slot < 0)
		return fail(argv[first], slot);
	if (background) {
		nx_cap(NX_CAP_OP_INSPECT, slot, (uint64_t)&ci, 0);
		printf("[%lu] %s\n", (unsigned long)ci.object, argv[first]);
		return 0;
	}
	err = nx_wait(slot, NX_DEADLINE_NEVER, &status);
	if (err)
		return fail("wait", err);
	if (status)
		printf("[%s exited with %ld]\n", argv[first], (long)status);
	return 0;
}

static const char *type_name(uint32_t t)
{
	switch (t) {
	case NX_CAP_SELF: return "self";
	case NX_CAP_CHANNEL: return "channel";
	case NX_CAP_PROCESS: return "process";
	case NX_CAP_NET: return "net";
	}
	return "?";
}

static int cmd_caps(int argc, char **argv)
{
	const struct nx_systable *st = nx_systable();
	char verbs[CAP_VERBS_FMT_MAX];

	(void)argc;
	(void)argv;
	printf("slot type     object             verbs\n");
	for (int i = 0; i < NX_CAP_SLOTS; i++) {
		const struct nx_cap_info *c = &st->caps[i];

		if (c->type == NX_CAP_EMPTY)
			continue;
		printf("%4d %-8s 0x%-16lx %s\n", i, type_name(c->type),
		       (unsigned long)c->object, cap_verbs_format(c->verbs, verbs,
								  sizeof(verbs)));
	}
	return 0;
}

/* pledge [WORDS...]: show the promises, or narrow them. */
static int cmd_pledge(int argc, char **argv)
{
	const struct nx_systable *st = nx_systable();
	char words[NX_ARGS_MAX], text[128];
	uint64_t bits;
	int err;

	if (argc > 1) {
		join(argc - 1, argv + 1, words, sizeof(words));
		err = pledge_parse(words, &bits);
		if (err)
			return fail("pledge", err);
		if (!(bits & NX_PLEDGE_SPECTRUM_MASK))
			bits |= st->pledges & NX_PLEDGE_SPECTRUM_MASK;
		err = nx_pledge(bits);
		if (err)
			return fail("pledge", err);
	}
	printf("%s\n", pledge_format(st->pledges, text, sizeof(text)));
	return 0;
}

static const char *const audit_kinds[] = {
	"?", "boot", "spawn", "exit", "grant", "revoke", "pledge", "unveil",
	"violation", "kill", "strike", "fault", "driver-restart", "cell-end",
	"checkpoint", "fs-commit",
};

static int audit_list(void)
{
	struct nx_audit_record r;
	int64_t n;

	for (uint64_t i = 0; (n = nx_info(NX_INFO_AUDIT, i, &r, sizeof(r))) > 0 &&
			     i < (uint64_t)n; i++)
		printf("%5lu %-10s subject %-4u object %-6u %.*s\n", (unsigned long)r.seq,
		       r.kind < sizeof(audit_kinds) / sizeof(audit_kinds[0]) ?
		       audit_kinds[r.kind] : "?", r.subject, r.object,
		       (int)sizeof(r.text), r.text);
	return n < 0 && n != -NX_ENOENT ? fail("audit", n) : 0;
}

/* audit | audit verify | audit export | audit tamper RECORD [BYTE] (debug builds) */
static int cmd_audit(int argc, char **argv)
{
	uint64_t bad = 0, rec, byte = 0;
	int64_t n;

	if (argc == 1)
		return audit_list();
	if (!strcmp(argv[1], "verify")) {
		n = nx_audit_verify(&bad);
		if (n < 0) {
			printf("audit verify: FAILED at record %lu\n", (unsigned long)bad);
			return 1;
		}
		printf("audit verify: ok, %ld records\n", (long)n);
		return 0;
	}
	if (!strcmp(argv[1], "export")) {
		n = nx_audit_export();
		return n ? fail("audit export", n) : 0;
	}
	if (!strcmp(argv[1], "tamper") && argc >= 3 && parse_u64(argv[2], &rec) &&
	    (argc < 4 || parse_u64(argv[3], &byte))) {
		n = nx_audit_tamper(rec, byte);
		return n ? fail("audit tamper", n) : 0;
	}
	printf("usage: audit [verify | export | tamper RECORD [BYTE]]\n");
	return 1;
}

/* time CMD...: how long a command took, in clock ticks and microseconds. */
static int cmd_time(int argc, char **argv)
{
	uint64_t freq = nx_systable()->clock_freq, start, ticks;

	if (argc < 2) {
		printf("usage: time COMMAND [ARGS...]\n");
		return 1;
	}
	start = nx_clock();
	execute_argv(argc - 1, argv + 1);
	ticks = nx_clock() - start;
	printf("time: %lu ticks, %lu us\n", (unsigned long)ticks,
	       (unsigned long)(ticks * 1000000 / freq));
	return 0;
}

static int cmd_poweroff(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return fail("poweroff", nx_poweroff());
}

/* clock() once this shell's first prompt was written: for the shell init
 * starts at boot, the end of boot (bench/run.py reads it via uptime). */
static uint64_t first_prompt;

static uint64_t ticks_to_ns(uint64_t ticks)
{
	uint64_t freq = nx_systable()->clock_freq;

	return ticks / freq * 1000000000u + ticks % freq * 1000000000u / freq;
}

static int cmd_uptime(int argc, char **argv)
{
	uint64_t up = ticks_to_ns(nx_clock());

	(void)argc;
	(void)argv;
	printf("uptime: %lu.%03lu s, shell prompt after %lu ns\n",
	       (unsigned long)(up / 1000000000u), (unsigned long)(up / 1000000u % 1000u),
	       (unsigned long)ticks_to_ns(first_prompt));
	return 0;
}

/*
 * crash-driver DISK [fault|mmio|dma|reset] | net: make that disk's
 * driver, or the NIC's, misbehave (debug builds): fault, store to a
 * neighbouring device's registers, aim the disk at memory it was not
 * lent, or reset its device behind the supervisor's back.
 */
static int cmd_crash_driver(int argc, char **argv)
{
	static const char *const hows[] = { [NX_DRV_CRASH_FAULT] = "fault",
					    [NX_DRV_CRASH_MMIO] = "mmio",
					    [NX_DRV_CRASH_DMA] = "dma",
					    [NX_DRV_CRASH_RESET] = "reset" };
	unsigned how = NX_DRV_CRASH_FAULT;
	uint64_t disk;
	int err;

	if (argc == 2 && !strcmp(argv[1], "net")) {
		err = nx_net_crash_driver();
		return err ? fail("crash-driver", err) : 0;
	}
	if (argc == 3)
		for (how = 0; how < 4 && strcmp(argv[2], hows[how]); how++)
			;
	if (argc < 2 || argc > 3 || !parse_u64(argv[1], &disk) || how == 4) {
		printf("usage: crash-driver DISK [fault|mmio|dma|reset] | crash-driver net\n");
		return 1;
	}
	err = nx_driver_crash((unsigned)disk, how);
	return err ? fail("crash-driver", err) : 0;
}

static int cmd_monitor(int argc, char **argv)
{
	int err = nx_monitor();

	(void)argc;
	(void)argv;
	if (err < 0)
		return fail("monitor", err == -NX_ENOSYS ? -NX_ENOSYS : err);
	/* The kernel monitor owns the console from now on: wait, with no timer. */
	for (;;)
		nx_wait(nx_systable()->console.slot, NX_DEADLINE_NEVER, NULL);
}

static const struct command commands[] = {
	{ "help", "", "this list", cmd_help },
	{ "ls", "[DIR]", "list a directory", cmd_ls },
	{ "cat", "FILE", "print a file", cmd_cat },
	{ "echo", "[WORDS...]", "print the words", cmd_echo },
	{ "write", "FILE [TEXT]", "write the text and a newline to FILE", cmd_write },
	{ "hexdump", "FILE", "print a file in hex", cmd_hexdump },
	{ "mkdir", "PATH...", "make directories", cmd_mkdir },
	{ "rm", "PATH...", "remove files or empty directories", cmd_rm },
	{ "mv", "FROM TO", "rename, within one filesystem", cmd_mv },
	{ "mount", "", "the mounted filesystems", cmd_mount },
	{ "snap", "NAME [MOUNT]", "read-only snapshot of a nexfs", cmd_snap },
	{ "nexfs", "verify|snap", "check every block of /nex; snapshot it", cmd_nexfs },
	{ "df", "", "space on each filesystem", cmd_df },
	{ "ps", "", "fibers and apps", cmd_ps },
	{ "kill", "ID", "kill an app this shell started, and its children", cmd_kill },
	{ "run", "[-b] APP [ARGS]", "start /bin/APP.npk and wait (-b: don't)", cmd_run },
	{ "caps", "", "this shell's capabilities", cmd_caps },
	{ "pledge", "[WORDS...]", "show or narrow this shell's promises", cmd_pledge },
	{ "energy", "", "energy balances and strikes", cmd_energy },
	{ "audit", "[verify|export]", "the audit log; check its chain; print it for the host", cmd_audit },
	{ "ifconfig", "", "the NetSwitch ports: app, MAC, filter", cmd_ifconfig },
	{ "netstat", "", "the NetSwitch ports and their counters", cmd_netstat },
	{ "time", "COMMAND", "run a command and say how long it took", cmd_time },
	{ "uptime", "", "time since boot, and when this prompt first showed", cmd_uptime },
	{ "poweroff", "", "switch the machine off", cmd_poweroff },
	{ "monitor", "", "the kernel monitor (debug builds)", cmd_monitor },
	{ "crash-driver", "DISK [fault|mmio|dma|reset] | net", "make a disk or NIC driver misbehave; Blink restarts it (debug builds)",
	  cmd_crash_driver },
	{ NULL, NULL, NULL, NULL },
};

static void execute_argv(int argc, char **argv)
{
	char path[64];
	struct nx_stat st;

	if (argc == 0)
		return;
	for (const struct command *c = commands; c->name; c++)
		if (!strcmp(c->name, argv[0])) {
			c->run(argc, argv);
			return;
		}
	package_path(argv[0], path, sizeof(path));
	if (nx_stat(path, &st) == 0) {
		char *runargv[ARGS_MAX + 2] = { "run" };

		for (int i = 0; i <= argc; i++)
			runargv[i + 1] = argv[i];
		cmd_run(argc + 1, runargv);
		return;
	}
	printf("sh: %s: command not found (try help)\n", argv[0]);
}

static void execute(char *line)
{
	char *argv[ARGS_MAX + 1];

	execute_argv(nx_split(line, argv, ARGS_MAX), argv);
}

static void echo(const char *s, size_t n)
{
	nx_write(s, n);
}

/* Input bytes read but not yet fed: a pasted line must not lose the next. */
static char in[64];
static int64_t in_len, in_pos;

static int next_byte(char *c)
{
	if (in_pos == in_len) {
		in_len = nx_read(in, sizeof(in));
		in_pos = 0;
		if (in_len <= 0)
			return in_len ? (int)in_len : -NX_EIO;
	}
	*c = in[in_pos++];
	return 0;
}

int main(int argc, char **argv)
{
	static struct lined ed;

	(void)argc;
	(void)argv;
	lined_init(&ed, echo);
	printf("Nexus shell. Type help for the commands.\n");
	for (;;) {
		enum lined_result r = LINED_MORE;
		char c;
		int err;

		printf("nexus$ ");
		if (!first_prompt)
			first_prompt = nx_clock();
		lined_reset(&ed);
		while (r == LINED_MORE) {
			err = next_byte(&c);
			if (err)
				return fail("sh: console", err);
			r = lined_feed(&ed, c);
		}
		if (r == LINED_DONE)
			execute(ed.line);
	}
}
