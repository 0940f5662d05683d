/*
 * ProvChain: the kernel's append-only, hash-chained, signed audit log of
 * security events (docs/provchain.md). Records live in a fixed in-memory
 * array and are never overwritten; every PROVCHAIN_CP_INTERVAL records,
 * and on demand, the log signs a checkpoint with the device key.
 *
 * Portable: no arch code, and callers pass the time in. Not locked: the
 * kernel calls it from fibers, which never preempt each other.
 */
#ifndef PROVCHAIN_H
#define PROVCHAIN_H

#include <stddef.h>
#include <stdint.h>

#include <nexus/audit.h>

#include "sec/provchain_check.h"

#define PROVCHAIN_MAX_RECORDS		2048
#define PROVCHAIN_MAX_CHECKPOINTS	128
/* Ordinary records between two automatic checkpoints. */
#define PROVCHAIN_CP_INTERVAL		64
/* Bound on an export line, NUL included (an R line has 298 characters). */
#define PROVCHAIN_LINE_MAX		320

/*
 * The signing key's 32-byte Ed25519 seed, from the build tree
 * (build/provchain/seed.c, made by tools/provchain-keygen.c): it stands in
 * for a key that would come from the device.
 */
extern const uint8_t provchain_device_seed[32];

/* Empties the log, derives the key pair and appends the BOOT record. */
void provchain_init(uint64_t now);

/*
 * Appends a record; @text may be NULL and is cut to fit, ending in '~'
 * when cut. Returns its seq, -NX_EINVAL for an unknown kind or for
 * NX_AUDIT_CHECKPOINT (only provchain_checkpoint() writes those), or
 * -NX_ENOSPC once the log is full. The last slot is kept for a final
 * checkpoint, so a full log can still be sealed.
 */
int64_t provchain_append(uint32_t kind, uint32_t subject, uint32_t object,
			 const char *text, uint64_t now);

/*
 * Appends a CHECKPOINT record and signs it. Returns 0, or -NX_ENOSPC when
 * the log or the checkpoint array is full.
 */
int provchain_checkpoint(uint64_t now);

size_t provchain_count(void);
const struct nx_audit_record *provchain_record(size_t i);	/* NULL past the end */
size_t provchain_checkpoint_count(void);
const struct nx_audit_checkpoint *provchain_checkpoint_get(size_t i);
void provchain_pubkey(uint8_t out[NX_AUDIT_PUBKEY_LEN]);

/*
 * Checks the whole log against this log's own public key. Returns 0, or
 * -NX_EIO with the first bad record's index in @bad_index (which may be
 * NULL); @why, if not NULL, gets the reason.
 */
int provchain_verify(size_t *bad_index);
int provchain_verify_why(size_t *bad_index, const char **why);

/* Debugging: flips the low bit of byte @byte of record @index, in place. */
void provchain_tamper(size_t index, size_t byte);

/*
 * Writes the log as text, one line at a time, without line ends: the
 * format the host verifier reads (docs/provchain.md, "Export format").
 */
int provchain_export(void (*emit)(const char *line, void *ctx), void *ctx);

/* Forgets everything, including the key, as before provchain_init(). */
void provchain_reset_for_test(void);

#endif
