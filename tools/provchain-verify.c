/*
 * provchain-verify: checks a ProvChain export on the host with the
 * kernel's own checking code (kernel/sec/provchain_check.c).
 *
 *   provchain-verify [--pubkey HEX] [--list] [FILE]
 *
 * Reads FILE, or stdin without one or with "-". The public key defaults
 * to the build tree's (PROVCHAIN_PUBKEY_FILE, build/provchain/pubkey.hex).
 * Prints "ok: N records, M checkpoints" and exits 0, or "FAIL ..." and
 * exits 1; bad usage or an unreadable file exits 2.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/sec/provchain_check.h"
#include "tools/provchain_parse.h"

#ifndef PROVCHAIN_PUBKEY_FILE
#define PROVCHAIN_PUBKEY_FILE "build/provchain/pubkey.hex"
#endif

static int usage(void)
{
	fprintf(stderr, "usage: provchain-verify [--pubkey HEX] [--list] [FILE]\n");
	return 2;
}

static int read_pubkey_file(const char *path, uint8_t pk[NX_AUDIT_PUBKEY_LEN])
{
	char line[128];
	FILE *f = fopen(path, "r");
	int ok;

	if (f == NULL) {
		fprintf(stderr, "provchain-verify: %s: cannot open (give --pubkey)\n", path);
		return -1;
	}
	ok = fgets(line, sizeof(line), f) != NULL && provchain_parse_pubkey(line, pk);
	fclose(f);
	if (!ok) {
		fprintf(stderr, "provchain-verify: %s: not 64 hex digits\n", path);
		return -1;
	}
	return 0;
}

static void list(const struct provchain_log *log)
{
	for (size_t i = 0; i < log->nrec; i++) {
		const struct nx_audit_record *r = &log->rec[i];

		printf("%6llu %14llu %-14s %10u %10u %.*s\n", (unsigned long long)r->seq,
		       (unsigned long long)r->time, provchain_kind_name(r->kind),
		       r->subject, r->object, (int)NX_AUDIT_TEXT_LEN, r->text);
	}
}

/* The records after the last checkpoint are chained but not signed: say
 * so, since anyone able to rewrite the export could have rewritten them. */
static void report_ok(const struct provchain_log *log)
{
	size_t signed_upto = log->ncp ? log->cp[log->ncp - 1].seq + 1 : 0;

	printf("ok: %zu records, %zu checkpoints\n", log->nrec, log->ncp);
	if (signed_upto < log->nrec)
		printf("note: records %zu..%zu follow the last checkpoint and are not signed\n",
		       signed_upto, log->nrec - 1);
}

/*
 * The BOOT record names the signing key's first 8 bytes. It proves
 * nothing (anyone can write it), but it tells a wrong --pubkey apart
 * from a forged signature.
 */
static void note_key(const struct provchain_log *log, const uint8_t *pk)
{
	char mine[17];

	if (log->nrec == 0 || log->rec[0].kind != NX_AUDIT_BOOT ||
	    strncmp(log->rec[0].text, "key ", 4) != 0)
		return;
	for (int i = 0; i < 8; i++)
		snprintf(mine + 2 * i, 3, "%02x", pk[i]);
	if (strncmp(log->rec[0].text + 4, mine, 16) != 0)
		printf("note: the log names key %.16s..., the public key given is %s...\n",
		       log->rec[0].text + 4, mine);
}

int main(int argc, char **argv)
{
	struct provchain_log log;
	struct provchain_fault fault;
	uint8_t pk[NX_AUDIT_PUBKEY_LEN];
	const char *pubkey = NULL, *path = NULL, *why = NULL;
	size_t line_no;
	int do_list = 0, err;
	FILE *in = stdin;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--pubkey") == 0 && i + 1 < argc)
			pubkey = argv[++i];
		else if (strcmp(argv[i], "--list") == 0)
			do_list = 1;
		else if (path == NULL && (argv[i][0] != '-' || strcmp(argv[i], "-") == 0))
			path = argv[i];
		else
			return usage();
	}
	if (pubkey != NULL && !provchain_parse_pubkey(pubkey, pk)) {
		fprintf(stderr, "provchain-verify: --pubkey wants 64 hex digits\n");
		return 2;
	}
	if (pubkey == NULL && read_pubkey_file(PROVCHAIN_PUBKEY_FILE, pk) != 0)
		return 2;
	if (path != NULL && strcmp(path, "-") != 0 && (in = fopen(path, "r")) == NULL) {
		perror(path);
		return 2;
	}

	provchain_log_init(&log);
	err = provchain_parse_file(&log, in, &line_no, &why);
	if (in != stdin)
		fclose(in);
	if (err) {
		if (line_no)
			printf("FAIL at line %zu: %s\n", line_no, why);
		else
			printf("FAIL: %s\n", why);
		provchain_log_free(&log);
		return 1;
	}
	if (do_list)
		list(&log);
	err = provchain_check(log.rec, log.nrec, log.cp, log.ncp, pk, &fault);
	if (err) {
		printf("FAIL at record %zu: %s\n", fault.index, fault.why);
		note_key(&log, pk);
	} else
		report_ok(&log);
	provchain_log_free(&log);
	return err ? 1 : 0;
}
