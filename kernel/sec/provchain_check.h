/*
 * Checking a ProvChain log: record hashes, the links between records and
 * the checkpoint signatures. Pure functions of the records and a public
 * key, with no state and no secret, so the kernel, the unit tests and the
 * host verifier (tools/provchain-verify.c) run the very same code.
 */
#ifndef PROVCHAIN_CHECK_H
#define PROVCHAIN_CHECK_H

#include <stddef.h>
#include <stdint.h>

#include <nexus/audit.h>

/* Where a log first fails, and why, in a phrase fit for a report. */
struct provchain_fault {
	size_t index;		/* record index; the record count if past the end */
	const char *why;
};

/* BLAKE3 over the record's first NX_AUDIT_HASHED_BYTES bytes. */
void provchain_hash(const struct nx_audit_record *r, uint8_t out[NX_AUDIT_HASH_LEN]);

/* The bytes a checkpoint's signature is over (see <nexus/audit.h>). */
void provchain_cp_message(const struct nx_audit_checkpoint *c,
			  uint8_t msg[NX_AUDIT_CP_MSG_LEN]);

/*
 * Walks @rec[@n] in order with the checkpoints @cp[@ncp] (sorted by seq,
 * as the log writes them) and stops at the first record that is malformed,
 * whose prev or hash is wrong, or whose checkpoint is missing, misplaced or
 * not signed by @pubkey. Returns 0, or -NX_EIO with @fault filled in.
 */
int provchain_check(const struct nx_audit_record *rec, size_t n,
		    const struct nx_audit_checkpoint *cp, size_t ncp,
		    const uint8_t pubkey[NX_AUDIT_PUBKEY_LEN],
		    struct provchain_fault *fault);

/* "spawn", "grant", ...; "?" for a kind this build does not know. */
const char *provchain_kind_name(uint32_t kind);

#endif
