/*
 * ProvChain (kernel/sec/provchain*.c): appending, the chain's links,
 * checkpoints and their signatures, what tampering is caught where, the
 * export read back by the host verifier's parser and by the verifier
 * itself, and the record hashes against Debian's b3sum.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "crypto_sign_ed25519.h"
#include "nexus/errno.h"
#include "sec/provchain.h"
#include "tools/provchain_parse.h"

#define VERIFY_TOOL NEXUS_BUILD_DIR "/tools/provchain-verify"
#define EXPORT_OK NEXUS_BUILD_DIR "/provchain/unit-export.txt"
#define EXPORT_BAD NEXUS_BUILD_DIR "/provchain/unit-export-tampered.txt"

/* A copy of the log that a test may damage; provchain_check() judges it. */
static struct nx_audit_record recs[PROVCHAIN_MAX_RECORDS];
static struct nx_audit_checkpoint cps[PROVCHAIN_MAX_CHECKPOINTS];
static size_t nrecs, ncps;

static int setup(void **state)
{
	(void)state;
	provchain_init(1000);
	return 0;
}

static void snapshot(void)
{
	nrecs = provchain_count();
	ncps = provchain_checkpoint_count();
	for (size_t i = 0; i < nrecs; i++)
		recs[i] = *provchain_record(i);
	for (size_t i = 0; i < ncps; i++)
		cps[i] = *provchain_checkpoint_get(i);
}

static int check_snapshot(struct provchain_fault *f)
{
	uint8_t pk[NX_AUDIT_PUBKEY_LEN];

	provchain_pubkey(pk);
	return provchain_check(recs, nrecs, cps, ncps, pk, f);
}

/* Boot, 9 events, a checkpoint (record 10), 9 more: records 0..19. */
static void build_small_chain(void)
{
	char text[32];

	for (uint32_t i = 1; i < 10; i++) {
		snprintf(text, sizeof(text), "event %u", i);
		assert_int_equal(provchain_append(NX_AUDIT_SPAWN + i % 5, i, 100 + i, text,
						  1000 + i), i);
	}
	assert_int_equal(provchain_checkpoint(1010), 0);
	for (uint32_t i = 11; i < 20; i++)
		assert_int_equal(provchain_append(NX_AUDIT_GRANT, i, i, "grant", 1000 + i), i);
	assert_int_equal(provchain_count(), 20);
	assert_int_equal(provchain_checkpoint_count(), 1);
}

/* Recomputes links and hashes from @from on, as someone without the key
 * could after editing a record. */
static void rehash_from(size_t from)
{
	for (size_t i = from; i < nrecs; i++) {
		if (i > 0)
			memcpy(recs[i].prev, recs[i - 1].hash, NX_AUDIT_HASH_LEN);
		provchain_hash(&recs[i], recs[i].hash);
	}
}

static void test_append_and_verify(void **state)
{
	const struct nx_audit_record *r;
	size_t bad = 99;

	(void)state;
	r = provchain_record(0);
	assert_int_equal(r->kind, NX_AUDIT_BOOT);
	assert_int_equal(r->time, 1000);
	assert_memory_equal(r->prev, (uint8_t[NX_AUDIT_HASH_LEN]){0}, NX_AUDIT_HASH_LEN);
	assert_int_equal(strncmp(r->text, "key ", 4), 0);
	build_small_chain();
	assert_int_equal(provchain_verify(&bad), 0);
	assert_int_equal(bad, 99);
	for (size_t i = 1; i < 20; i++)
		assert_memory_equal(provchain_record(i)->prev, provchain_record(i - 1)->hash,
				    NX_AUDIT_HASH_LEN);
	r = provchain_record(10);
	assert_int_equal(r->kind, NX_AUDIT_CHECKPOINT);
	assert_int_equal(provchain_checkpoint_get(0)->seq, 10);
	assert_null(provchain_record(20));
	assert_string_equal(provchain_kind_name(NX_AUDIT_DRIVER_RESTART), "driver-restart");
	assert_string_equal(provchain_kind_name(99), "?");
}

static void test_bad_kinds_refused(void **state)
{
	(void)state;
	assert_int_equal(provchain_append(0, 0, 0, "x", 1), -NX_EINVAL);
	assert_int_equal(provchain_append(NX_AUDIT_KIND_MAX + 1, 0, 0, "x", 1), -NX_EINVAL);
	assert_int_equal(provchain_append(NX_AUDIT_CHECKPOINT, 0, 0, "x", 1), -NX_EINVAL);
	assert_int_equal(provchain_count(), 1);
}

static void test_text_cut_with_marker(void **state)
{
	char fits[NX_AUDIT_TEXT_LEN], longer[NX_AUDIT_TEXT_LEN + 10];
	const struct nx_audit_record *r;

	(void)state;
	memset(fits, 'a', sizeof(fits) - 1);
	fits[sizeof(fits) - 1] = 0;
	memset(longer, 'b', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = 0;
	assert_int_equal(provchain_append(NX_AUDIT_UNVEIL, 1, 0, fits, 2), 1);
	assert_int_equal(provchain_append(NX_AUDIT_UNVEIL, 1, 0, longer, 3), 2);
	assert_int_equal(provchain_append(NX_AUDIT_EXIT, 1, 0, NULL, 4), 3);
	assert_string_equal(provchain_record(1)->text, fits);
	r = provchain_record(2);
	assert_int_equal(strlen(r->text), NX_AUDIT_TEXT_LEN - 1);
	assert_int_equal(r->text[NX_AUDIT_TEXT_LEN - 2], '~');
	assert_int_equal(r->text[NX_AUDIT_TEXT_LEN - 3], 'b');
	assert_string_equal(provchain_record(3)->text, "");
	assert_int_equal(provchain_verify(NULL), 0);
}

/*
 * Every byte of every record, one bit at a time: the checker reports the
 * very record changed, whichever field the byte is in (its stored hash
 * included), before it looks at the next record or at a checkpoint.
 */
static void test_every_byte_flip_caught_at_its_record(void **state)
{
	const char *why;
	size_t bad;

	(void)state;
	build_small_chain();
	for (size_t i = 0; i < provchain_count(); i++) {
		for (size_t b = 0; b < sizeof(struct nx_audit_record); b++) {
			provchain_tamper(i, b);
			bad = SIZE_MAX;
			why = NULL;
			assert_int_equal(provchain_verify_why(&bad, &why), -NX_EIO);
			if (bad != i)
				fail_msg("byte %zu of record %zu reported at %zu (%s)", b, i, bad, why);
			assert_non_null(why);
			provchain_tamper(i, b);
		}
	}
	assert_int_equal(provchain_verify(NULL), 0);
}

/*
 * Without the key, one can edit a record and redo every hash after it.
 * The signature of the next checkpoint then fails -- at that checkpoint's
 * record. Records after the last checkpoint are not protected this way
 * until the next checkpoint signs them.
 */
static void test_rewrite_caught_at_next_checkpoint(void **state)
{
	struct provchain_fault f;

	(void)state;
	build_small_chain();
	snapshot();
	recs[5].text[0] ^= 0x20;
	rehash_from(5);
	assert_int_equal(check_snapshot(&f), -NX_EIO);
	assert_int_equal(f.index, 10);
	assert_string_equal(f.why, "signed hash differs from the record's");

	snapshot();
	recs[15].object = 7;
	rehash_from(15);
	assert_int_equal(check_snapshot(&f), 0);	/* the unsigned tail */

	assert_int_equal(provchain_checkpoint(2000), 0);
	snapshot();
	recs[15].object = 7;
	rehash_from(15);
	assert_int_equal(check_snapshot(&f), -NX_EIO);
	assert_int_equal(f.index, 20);
}

static void test_checkpoints_missing_or_cut(void **state)
{
	struct provchain_fault f;

	(void)state;
	build_small_chain();
	snapshot();
	ncps = 0;			/* signature dropped, record kept */
	assert_int_equal(check_snapshot(&f), -NX_EIO);
	assert_int_equal(f.index, 10);
	assert_string_equal(f.why, "checkpoint record without its signature");

	snapshot();
	nrecs = 8;			/* log cut before its checkpoint */
	assert_int_equal(check_snapshot(&f), -NX_EIO);
	assert_int_equal(f.index, 8);

	snapshot();
	cps[0].sig[17] ^= 4;
	assert_int_equal(check_snapshot(&f), -NX_EIO);
	assert_int_equal(f.index, 10);
	assert_string_equal(f.why, "bad checkpoint signature");
}

static void test_wrong_key_fails_signatures(void **state)
{
	uint8_t seed[32], pk[NX_AUDIT_PUBKEY_LEN], sk[64];
	struct provchain_fault f;

	(void)state;
	build_small_chain();
	snapshot();
	memcpy(seed, provchain_device_seed, sizeof(seed));
	seed[0] ^= 1;
	crypto_sign_ed25519_seed_keypair(pk, sk, seed);
	assert_int_equal(provchain_check(recs, nrecs, cps, ncps, pk, &f), -NX_EIO);
	assert_int_equal(f.index, 10);
	assert_string_equal(f.why, "bad checkpoint signature");
	provchain_pubkey(pk);
	assert_int_equal(provchain_check(recs, nrecs, cps, ncps, pk, &f), 0);
}

/*
 * Fill the log: a checkpoint follows every PROVCHAIN_CP_INTERVAL events,
 * ordinary appends stop one short of the end, the last slot takes a final
 * checkpoint, and nothing already written changes.
 */
static void test_full_log(void **state)
{
	uint8_t first[NX_AUDIT_HASH_LEN];
	int64_t seq;
	size_t n = 0;

	(void)state;
	memcpy(first, provchain_record(0)->hash, NX_AUDIT_HASH_LEN);
	while ((seq = provchain_append(NX_AUDIT_SPAWN, (uint32_t)n, 0, "spawn", n)) >= 0)
		n++;
	assert_int_equal(seq, -NX_ENOSPC);
	assert_int_equal(provchain_count(), PROVCHAIN_MAX_RECORDS - 1);
	assert_int_equal(provchain_record(PROVCHAIN_CP_INTERVAL + 1)->kind, NX_AUDIT_CHECKPOINT);
	assert_int_equal(provchain_checkpoint(5), 0);
	assert_int_equal(provchain_count(), PROVCHAIN_MAX_RECORDS);
	assert_int_equal(provchain_checkpoint(6), -NX_ENOSPC);
	assert_int_equal(provchain_append(NX_AUDIT_EXIT, 0, 0, NULL, 7), -NX_ENOSPC);
	assert_memory_equal(provchain_record(0)->hash, first, NX_AUDIT_HASH_LEN);
	assert_int_equal(provchain_checkpoint_get(provchain_checkpoint_count() - 1)->seq,
			 PROVCHAIN_MAX_RECORDS - 1);
	assert_int_equal(provchain_verify(NULL), 0);
}

/* Export lines collected in memory, then in a file. */
static char lines[64][PROVCHAIN_LINE_MAX];
static size_t nlines;

static void collect(const char *line, void *ctx)
{
	(void)ctx;
	assert_true(nlines < 64);
	assert_true(strlen(line) < PROVCHAIN_LINE_MAX);
	strcpy(lines[nlines++], line);
}

static void write_export(const char *path)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	nlines = 0;
	assert_int_equal(provchain_export(collect, NULL), 0);
	for (size_t i = 0; i < nlines; i++)
		fprintf(f, "%s\n", lines[i]);
	assert_int_equal(fclose(f), 0);
}

static void test_export_parse_round_trip(void **state)
{
	struct provchain_log log;
	const char *why = NULL;

	(void)state;
	build_small_chain();
	nlines = 0;
	assert_int_equal(provchain_export(collect, NULL), 0);
	assert_int_equal(nlines, 1 + 20 + 1 + 1);	/* V, R..., C, E */
	assert_string_equal(lines[0], "V 1");
	assert_int_equal(lines[12][0], 'C');		/* right after record 10 */
	assert_int_equal(strlen(lines[1]), 298);

	provchain_log_init(&log);
	for (size_t i = 0; i < nlines; i++)
		assert_int_equal(provchain_parse_line(&log, lines[i], &why), 0);
	assert_true(log.seen_end);
	assert_int_equal(log.nrec, provchain_count());
	assert_int_equal(log.ncp, provchain_checkpoint_count());
	for (size_t i = 0; i < log.nrec; i++)
		assert_memory_equal(&log.rec[i], provchain_record(i), sizeof(log.rec[i]));
	assert_memory_equal(&log.cp[0], provchain_checkpoint_get(0), sizeof(log.cp[0]));
	provchain_log_free(&log);

	/* A lost line shows in the trailer's counts. */
	provchain_log_init(&log);
	for (size_t i = 0; i < nlines; i++)
		if (i != 5)
			(void)provchain_parse_line(&log, lines[i], &why);
	assert_false(log.seen_end);
	provchain_log_free(&log);

	/* One damaged hex digit makes the line unreadable. */
	provchain_log_init(&log);
	assert_int_equal(provchain_parse_line(&log, lines[0], &why), 0);
	lines[3][40] = 'x';
	assert_int_equal(provchain_parse_line(&log, lines[3], &why), -NX_EINVAL);
	assert_string_equal(why, "malformed R line");
	provchain_log_free(&log);
}

/* Runs the host verifier on @path; returns its exit status and first line. */
static int run_verifier(const char *path, char *out, size_t outlen)
{
	char cmd[512];
	FILE *p;
	int status;

	snprintf(cmd, sizeof(cmd), "%s %s", VERIFY_TOOL, path);
	p = popen(cmd, "r");
	assert_non_null(p);
	out[0] = 0;
	assert_non_null(fgets(out, (int)outlen, p));
	while (fgetc(p) != EOF)
		;
	status = pclose(p);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* The same build's key signed both, so the verifier's default key fits. */
static void test_host_verifier(void **state)
{
	char out[256];

	(void)state;
	build_small_chain();
	assert_int_equal(provchain_checkpoint(3000), 0);
	write_export(EXPORT_OK);
	assert_int_equal(run_verifier(EXPORT_OK, out, sizeof(out)), 0);
	assert_string_equal(out, "ok: 21 records, 2 checkpoints\n");

	provchain_tamper(7, 8);
	write_export(EXPORT_BAD);
	assert_int_equal(run_verifier(EXPORT_BAD, out, sizeof(out)), 1);
	assert_string_equal(out, "FAIL at record 7: hash mismatch\n");
}

/* Debian's b3sum, an independent BLAKE3, on the bytes a record's hash covers. */
static void test_hash_matches_b3sum(void **state)
{
	static const size_t which[] = {0, 3, 10, 19};
	char path[] = "/tmp/provchain-b3-XXXXXX", cmd[128], out[128], want[65];

	(void)state;
	build_small_chain();
	for (size_t k = 0; k < sizeof(which) / sizeof(which[0]); k++) {
		const struct nx_audit_record *r = provchain_record(which[k]);
		int fd = mkstemp(path);
		FILE *p;

		assert_true(fd >= 0);
		assert_int_equal(write(fd, r, NX_AUDIT_HASHED_BYTES), NX_AUDIT_HASHED_BYTES);
		close(fd);
		snprintf(cmd, sizeof(cmd), "b3sum --no-names %s", path);
		p = popen(cmd, "r");
		assert_non_null(p);
		assert_non_null(fgets(out, sizeof(out), p));
		assert_int_equal(pclose(p), 0);
		unlink(path);
		memcpy(path + sizeof(path) - 7, "XXXXXX", 6);
		for (size_t i = 0; i < NX_AUDIT_HASH_LEN; i++)
			snprintf(want + 2 * i, 3, "%02x", r->hash[i]);
		assert_int_equal(strncmp(out, want, 64), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_append_and_verify, setup),
		cmocka_unit_test_setup(test_bad_kinds_refused, setup),
		cmocka_unit_test_setup(test_text_cut_with_marker, setup),
		cmocka_unit_test_setup(test_every_byte_flip_caught_at_its_record, setup),
		cmocka_unit_test_setup(test_rewrite_caught_at_next_checkpoint, setup),
		cmocka_unit_test_setup(test_checkpoints_missing_or_cut, setup),
		cmocka_unit_test_setup(test_wrong_key_fails_signatures, setup),
		cmocka_unit_test_setup(test_full_log, setup),
		cmocka_unit_test_setup(test_export_parse_round_trip, setup),
		cmocka_unit_test_setup(test_host_verifier, setup),
		cmocka_unit_test_setup(test_hash_matches_b3sum, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
