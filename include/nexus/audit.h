/*
 * ProvChain records and checkpoints: the audit log's layout, shared by the
 * kernel, apps that read the log and the host verifier. Part of the frozen
 * ABI; docs/provchain.md explains the chain and the export format.
 *
 * A record's hash is BLAKE3 over its first NX_AUDIT_HASHED_BYTES bytes,
 * which include prev, the hash of the record before it; record 0's prev
 * is all zero. All integers are little-endian, as on every Nexus target
 * and host: the hashed bytes are the in-memory bytes.
 *
 * A checkpoint is an Ed25519 signature over (seq, hash) of one record of
 * kind NX_AUDIT_CHECKPOINT, which the log writes just before signing; the
 * signature thus covers that record and, through the chain, every record
 * before it.
 */
#ifndef NEXUS_AUDIT_H
#define NEXUS_AUDIT_H

#include <stddef.h>
#include <stdint.h>

/* Record kinds. 0 is never used, so a zeroed record is not a valid one. */
#define NX_AUDIT_BOOT		1u	/* the log starts; once per boot */
#define NX_AUDIT_SPAWN		2u	/* subject: new fiber, object: parent */
#define NX_AUDIT_EXIT		3u	/* subject: fiber, object: status */
#define NX_AUDIT_GRANT		4u	/* subject: holder, object: capability */
#define NX_AUDIT_REVOKE		5u	/* subject: holder, object: capability */
#define NX_AUDIT_PLEDGE		6u	/* subject: fiber, object: promise mask */
#define NX_AUDIT_UNVEIL		7u	/* subject: fiber, text: path */
#define NX_AUDIT_VIOLATION	8u	/* subject: fiber, text: what it tried */
#define NX_AUDIT_KILL		9u	/* subject: fiber, object: killer */
#define NX_AUDIT_STRIKE		10u	/* subject: fiber, object: strike count */
#define NX_AUDIT_FAULT		11u	/* subject: fiber, object: syndrome */
#define NX_AUDIT_DRIVER_RESTART	12u	/* subject: driver, object: generation */
#define NX_AUDIT_CELL_TERMINATE	13u	/* subject: cell, object: reason */
#define NX_AUDIT_CHECKPOINT	14u	/* subject: checkpoint index; log only */
#define NX_AUDIT_FS_COMMIT	15u	/* subject: volume, text: root hash */
#define NX_AUDIT_KIND_MAX	15u

#define NX_AUDIT_TEXT_LEN	48u	/* always NUL-terminated */
#define NX_AUDIT_HASH_LEN	32u	/* BLAKE3 default output */
#define NX_AUDIT_SIG_LEN	64u	/* Ed25519 */
#define NX_AUDIT_PUBKEY_LEN	32u

struct nx_audit_record {
	uint64_t seq;			/* index in the log, from 0 */
	uint64_t time;			/* clock ticks since boot (SysTable clock_freq) */
	uint32_t kind;			/* NX_AUDIT_* */
	uint32_t subject;		/* per kind, see above */
	uint32_t object;		/* per kind, see above */
	uint32_t pad;			/* zero */
	char text[NX_AUDIT_TEXT_LEN];	/* zero after the NUL */
	uint8_t prev[NX_AUDIT_HASH_LEN];	/* previous record's hash */
	uint8_t hash[NX_AUDIT_HASH_LEN];	/* BLAKE3 of all bytes above */
};
#define NX_AUDIT_HASHED_BYTES	offsetof(struct nx_audit_record, hash)
_Static_assert(sizeof(struct nx_audit_record) == 144, "audit record size");
_Static_assert(offsetof(struct nx_audit_record, time) == 8, "audit time offset");
_Static_assert(offsetof(struct nx_audit_record, kind) == 16, "audit kind offset");
_Static_assert(offsetof(struct nx_audit_record, pad) == 28, "audit pad offset");
_Static_assert(offsetof(struct nx_audit_record, text) == 32, "audit text offset");
_Static_assert(offsetof(struct nx_audit_record, prev) == 80, "audit prev offset");
_Static_assert(offsetof(struct nx_audit_record, hash) == 112, "audit hash offset");

/*
 * The signed message is NX_AUDIT_CP_DOMAIN (16 bytes, no NUL) followed by
 * seq and hash as laid out here (40 bytes): the domain keeps a checkpoint
 * signature from being valid as a signature over anything else the same
 * key might sign.
 */
#define NX_AUDIT_CP_DOMAIN	"nexus-provchain1"
#define NX_AUDIT_CP_DOMAIN_LEN	16u
#define NX_AUDIT_CP_MSG_LEN	(NX_AUDIT_CP_DOMAIN_LEN + 8u + NX_AUDIT_HASH_LEN)

struct nx_audit_checkpoint {
	uint64_t seq;			/* the NX_AUDIT_CHECKPOINT record signed */
	uint8_t hash[NX_AUDIT_HASH_LEN];	/* that record's hash */
	uint8_t sig[NX_AUDIT_SIG_LEN];	/* Ed25519 over domain, seq, hash */
};
_Static_assert(sizeof(struct nx_audit_checkpoint) == 104, "audit checkpoint size");
_Static_assert(offsetof(struct nx_audit_checkpoint, hash) == 8, "checkpoint hash offset");
_Static_assert(offsetof(struct nx_audit_checkpoint, sig) == 40, "checkpoint sig offset");

#endif
