/*
 * Checking a ProvChain log (docs/provchain.md). Each record is checked
 * completely before the next one is looked at, so a change anywhere in
 * record i -- even in its stored hash -- is reported at i and never as a
 * bad link at i + 1. A checkpoint is checked at the record it signs.
 */
#include <string.h>

#include <nexus/errno.h>

#include "blake3.h"
#include "crypto_sign_ed25519.h"
#include "sec/provchain_check.h"

static const char *const kind_names[NX_AUDIT_KIND_MAX + 1] = {
	[NX_AUDIT_BOOT] = "boot",
	[NX_AUDIT_SPAWN] = "spawn",
	[NX_AUDIT_EXIT] = "exit",
	[NX_AUDIT_GRANT] = "grant",
	[NX_AUDIT_REVOKE] = "revoke",
	[NX_AUDIT_PLEDGE] = "pledge",
	[NX_AUDIT_UNVEIL] = "unveil",
	[NX_AUDIT_VIOLATION] = "violation",
	[NX_AUDIT_KILL] = "kill",
	[NX_AUDIT_STRIKE] = "strike",
	[NX_AUDIT_FAULT] = "fault",
	[NX_AUDIT_DRIVER_RESTART] = "driver-restart",
	[NX_AUDIT_CELL_TERMINATE] = "cell-terminate",
	[NX_AUDIT_CHECKPOINT] = "checkpoint",
	[NX_AUDIT_FS_COMMIT] = "fs-commit",
};

const char *provchain_kind_name(uint32_t kind)
{
	if (kind == 0 || kind > NX_AUDIT_KIND_MAX)
		return "?";
	return kind_names[kind];
}

void provchain_hash(const struct nx_audit_record *r, uint8_t out[NX_AUDIT_HASH_LEN])
{
	blake3_hasher h;

	blake3_hasher_init(&h);
	blake3_hasher_update(&h, r, NX_AUDIT_HASHED_BYTES);
	blake3_hasher_finalize(&h, out, NX_AUDIT_HASH_LEN);
}

void provchain_cp_message(const struct nx_audit_checkpoint *c,
			  uint8_t msg[NX_AUDIT_CP_MSG_LEN])
{
	memcpy(msg, NX_AUDIT_CP_DOMAIN, NX_AUDIT_CP_DOMAIN_LEN);
	memcpy(msg + NX_AUDIT_CP_DOMAIN_LEN, c, offsetof(struct nx_audit_checkpoint, sig));
}

/*
 * The writer zeroes everything after the text's NUL and the padding, so
 * that a record has exactly one encoding; anything else was not written
 * by the log.
 */
static const char *check_form(const struct nx_audit_record *r, size_t i)
{
	size_t len = strnlen(r->text, NX_AUDIT_TEXT_LEN);

	if (r->seq != i)
		return "seq out of order";
	if (r->kind == 0 || r->kind > NX_AUDIT_KIND_MAX)
		return "unknown kind";
	if (r->pad != 0)
		return "nonzero padding";
	if (len == NX_AUDIT_TEXT_LEN)
		return "text not terminated";
	for (size_t k = len; k < NX_AUDIT_TEXT_LEN; k++)
		if (r->text[k] != 0)
			return "bytes after the text's end";
	return NULL;
}

static const char *check_record(const struct nx_audit_record *rec, size_t i)
{
	static const uint8_t genesis[NX_AUDIT_HASH_LEN];
	const uint8_t *want_prev = i == 0 ? genesis : rec[i - 1].hash;
	uint8_t h[NX_AUDIT_HASH_LEN];
	const char *why = check_form(&rec[i], i);

	if (why)
		return why;
	if (memcmp(rec[i].prev, want_prev, NX_AUDIT_HASH_LEN) != 0)
		return i == 0 ? "prev of the first record is not zero"
			      : "prev does not match the previous record's hash";
	provchain_hash(&rec[i], h);
	if (memcmp(rec[i].hash, h, NX_AUDIT_HASH_LEN) != 0)
		return "hash mismatch";
	return NULL;
}

/* Record i is a CHECKPOINT record and @c the next unchecked checkpoint. */
static const char *check_checkpoint(const struct nx_audit_record *r, size_t j,
				    const struct nx_audit_checkpoint *c,
				    const uint8_t *pubkey)
{
	uint8_t msg[NX_AUDIT_CP_MSG_LEN];

	if (c == NULL || c->seq != r->seq)
		return "checkpoint record without its signature";
	if (r->subject != j)
		return "checkpoint number out of order";
	if (memcmp(c->hash, r->hash, NX_AUDIT_HASH_LEN) != 0)
		return "signed hash differs from the record's";
	provchain_cp_message(c, msg);
	if (crypto_sign_ed25519_verify_detached(c->sig, msg, sizeof(msg), pubkey) != 0)
		return "bad checkpoint signature";
	return NULL;
}

int provchain_check(const struct nx_audit_record *rec, size_t n,
		    const struct nx_audit_checkpoint *cp, size_t ncp,
		    const uint8_t pubkey[NX_AUDIT_PUBKEY_LEN],
		    struct provchain_fault *fault)
{
	const char *why = NULL;
	size_t i, j = 0;

	for (i = 0; i < n && why == NULL; i++) {
		const struct nx_audit_checkpoint *c = j < ncp ? &cp[j] : NULL;

		why = check_record(rec, i);
		if (why == NULL && rec[i].kind == NX_AUDIT_CHECKPOINT) {
			why = check_checkpoint(&rec[i], j, c, pubkey);
			j++;
		} else if (why == NULL && c != NULL && c->seq == i) {
			why = "signature on a record that is not a checkpoint";
		}
	}
	if (why != NULL) {
		fault->index = i - 1;
		fault->why = why;
		return -NX_EIO;
	}
	if (j < ncp) {
		fault->index = n;
		fault->why = "signature past the last checkpoint record";
		return -NX_EIO;
	}
	return 0;
}
