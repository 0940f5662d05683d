/*
 * ProvChain, the writing side: the in-memory log, its device key and its
 * checkpoints, plus the text export. Checking lives in provchain_check.c,
 * which needs no secret and is shared with the host verifier.
 *
 * Invariants: records[0..nrec) form a valid chain; checkpoints[0..ncp)
 * sign, in order, exactly the CHECKPOINT records among them. Nothing is
 * ever overwritten: a full log refuses new records instead.
 */
#include <string.h>

#include <nexus/errno.h>

#include "crypto_sign_ed25519.h"
#include "sec/provchain.h"

static struct nx_audit_record records[PROVCHAIN_MAX_RECORDS];
static struct nx_audit_checkpoint checkpoints[PROVCHAIN_MAX_CHECKPOINTS];
static size_t nrec, ncp;
static size_t since_cp;		/* ordinary records since the last checkpoint */
static uint8_t secret_key[64];	/* libsodium's form: seed, then public key */
static uint8_t public_key[NX_AUDIT_PUBKEY_LEN];

static const char hexdigits[] = "0123456789abcdef";

/* Copies @text into the record's field, marking a cut with a final '~'. */
static void set_text(char dst[NX_AUDIT_TEXT_LEN], const char *text)
{
	size_t len = text ? strnlen(text, NX_AUDIT_TEXT_LEN) : 0;

	memset(dst, 0, NX_AUDIT_TEXT_LEN);
	if (len < NX_AUDIT_TEXT_LEN) {
		if (len > 0)
			memcpy(dst, text, len);
		return;
	}
	memcpy(dst, text, NX_AUDIT_TEXT_LEN - 2);
	dst[NX_AUDIT_TEXT_LEN - 2] = '~';
}

/* Caller has checked that there is room. */
static int64_t append(uint32_t kind, uint32_t subject, uint32_t object,
		      const char *text, uint64_t now)
{
	struct nx_audit_record *r = &records[nrec];

	memset(r, 0, sizeof(*r));
	r->seq = nrec;
	r->time = now;
	r->kind = kind;
	r->subject = subject;
	r->object = object;
	set_text(r->text, text);
	if (nrec > 0)
		memcpy(r->prev, records[nrec - 1].hash, NX_AUDIT_HASH_LEN);
	provchain_hash(r, r->hash);
	return (int64_t)nrec++;
}

int provchain_checkpoint(uint64_t now)
{
	struct nx_audit_checkpoint *c = &checkpoints[ncp];
	uint8_t msg[NX_AUDIT_CP_MSG_LEN];
	int64_t seq;

	if (nrec >= PROVCHAIN_MAX_RECORDS || ncp >= PROVCHAIN_MAX_CHECKPOINTS)
		return -NX_ENOSPC;
	seq = append(NX_AUDIT_CHECKPOINT, (uint32_t)ncp, 0, "checkpoint", now);
	c->seq = (uint64_t)seq;
	memcpy(c->hash, records[seq].hash, NX_AUDIT_HASH_LEN);
	provchain_cp_message(c, msg);
	(void)crypto_sign_ed25519_detached(c->sig, NULL, msg, sizeof(msg), secret_key);
	ncp++;
	since_cp = 0;
	return 0;
}

int64_t provchain_append(uint32_t kind, uint32_t subject, uint32_t object,
			 const char *text, uint64_t now)
{
	int64_t seq;

	if (kind == 0 || kind > NX_AUDIT_KIND_MAX || kind == NX_AUDIT_CHECKPOINT)
		return -NX_EINVAL;
	if (nrec >= PROVCHAIN_MAX_RECORDS - 1)
		return -NX_ENOSPC;
	seq = append(kind, subject, object, text, now);
	/* A full checkpoint array only stops the automatic signing; the
	 * records after the last checkpoint stay chained but unsigned. */
	if (++since_cp >= PROVCHAIN_CP_INTERVAL)
		(void)provchain_checkpoint(now);
	return seq;
}

void provchain_reset_for_test(void)
{
	memset(records, 0, sizeof(records));
	memset(checkpoints, 0, sizeof(checkpoints));
	memset(secret_key, 0, sizeof(secret_key));
	memset(public_key, 0, sizeof(public_key));
	nrec = ncp = since_cp = 0;
}

void provchain_init(uint64_t now)
{
	char text[NX_AUDIT_TEXT_LEN] = "key ";

	provchain_reset_for_test();
	crypto_sign_ed25519_seed_keypair(public_key, secret_key, provchain_device_seed);
	/* The key's fingerprint, so a verifier holding the wrong public key
	 * can say so instead of just failing the first signature. */
	for (size_t i = 0; i < 8; i++) {
		text[4 + 2 * i] = hexdigits[public_key[i] >> 4];
		text[5 + 2 * i] = hexdigits[public_key[i] & 15];
	}
	append(NX_AUDIT_BOOT, 0, 0, text, now);
}

size_t provchain_count(void)
{
	return nrec;
}

const struct nx_audit_record *provchain_record(size_t i)
{
	return i < nrec ? &records[i] : NULL;
}

size_t provchain_checkpoint_count(void)
{
	return ncp;
}

const struct nx_audit_checkpoint *provchain_checkpoint_get(size_t i)
{
	return i < ncp ? &checkpoints[i] : NULL;
}

void provchain_pubkey(uint8_t out[NX_AUDIT_PUBKEY_LEN])
{
	memcpy(out, public_key, NX_AUDIT_PUBKEY_LEN);
}

int provchain_verify_why(size_t *bad_index, const char **why)
{
	struct provchain_fault f;
	int err = provchain_check(records, nrec, checkpoints, ncp, public_key, &f);

	if (err == 0)
		return 0;
	if (bad_index)
		*bad_index = f.index;
	if (why)
		*why = f.why;
	return err;
}

int provchain_verify(size_t *bad_index)
{
	return provchain_verify_why(bad_index, NULL);
}

void provchain_tamper(size_t index, size_t byte)
{
	if (index < nrec && byte < sizeof(struct nx_audit_record))
		((uint8_t *)&records[index])[byte] ^= 1;
}

/* Export lines are built with these; @p walks a PROVCHAIN_LINE_MAX buffer. */
static char *put_hex(char *p, const void *buf, size_t len)
{
	const uint8_t *b = buf;

	*p++ = ' ';
	for (size_t i = 0; i < len; i++) {
		*p++ = hexdigits[b[i] >> 4];
		*p++ = hexdigits[b[i] & 15];
	}
	return p;
}

/* Numbers are written most significant digit first, unlike put_hex(). */
static char *put_num(char *p, uint64_t v, unsigned digits)
{
	*p++ = ' ';
	for (unsigned i = digits; i-- > 0; v >>= 4)
		p[i] = hexdigits[v & 15];
	return p + digits;
}

static void emit_checkpoint(const struct nx_audit_checkpoint *c,
			    void (*emit)(const char *line, void *ctx), void *ctx)
{
	char line[PROVCHAIN_LINE_MAX], *p = line;

	*p++ = 'C';
	p = put_num(p, c->seq, 16);
	p = put_hex(p, c->hash, NX_AUDIT_HASH_LEN);
	p = put_hex(p, c->sig, NX_AUDIT_SIG_LEN);
	*p = 0;
	emit(line, ctx);
}

int provchain_export(void (*emit)(const char *line, void *ctx), void *ctx)
{
	char line[PROVCHAIN_LINE_MAX], *p;
	size_t j = 0;

	emit("V 1", ctx);
	for (size_t i = 0; i < nrec; i++) {
		const struct nx_audit_record *r = &records[i];

		p = line;
		*p++ = 'R';
		p = put_num(p, r->seq, 16);
		p = put_num(p, r->time, 16);
		p = put_num(p, r->kind, 8);
		p = put_num(p, r->subject, 8);
		p = put_num(p, r->object, 8);
		p = put_num(p, r->pad, 8);
		p = put_hex(p, r->text, NX_AUDIT_TEXT_LEN);
		p = put_hex(p, r->prev, NX_AUDIT_HASH_LEN);
		p = put_hex(p, r->hash, NX_AUDIT_HASH_LEN);
		*p = 0;
		emit(line, ctx);
		for (; j < ncp && checkpoints[j].seq <= i; j++)
			emit_checkpoint(&checkpoints[j], emit, ctx);
	}
	/* Only a damaged log has checkpoints left here; they are written
	 * anyway, so that the verifier sees what the kernel holds. */
	for (; j < ncp; j++)
		emit_checkpoint(&checkpoints[j], emit, ctx);
	p = line;
	*p++ = 'E';
	p = put_num(p, nrec, 16);
	p = put_num(p, ncp, 16);
	*p = 0;
	emit(line, ctx);
	return 0;
}
