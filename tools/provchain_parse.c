/*
 * ProvChain export reader. The format is strict -- fixed-width lowercase
 * or uppercase hex fields, one space apart -- so that one log has one text
 * form and a damaged line cannot be read two ways.
 */
#include <stdlib.h>
#include <string.h>

#include "nexus/errno.h"
#include "parse.h"
#include "tools/provchain_parse.h"

void provchain_log_init(struct provchain_log *log)
{
	memset(log, 0, sizeof(*log));
}

void provchain_log_free(struct provchain_log *log)
{
	free(log->rec);
	free(log->cp);
	provchain_log_init(log);
}

/* " " then 2 * @len hex digits into @out; NULL if the field is not that. */
static const char *bytes_field(const char *p, void *out, size_t len)
{
	uint8_t *b = out;

	if (p == NULL || *p++ != ' ')
		return NULL;
	for (size_t i = 0; i < len; i++, p += 2) {
		int hi = parse_hex_digit(p[0]), lo = hi < 0 ? -1 : parse_hex_digit(p[1]);

		if (hi < 0 || lo < 0)
			return NULL;
		b[i] = (uint8_t)(hi << 4 | lo);
	}
	return p;
}

/* " " then @digits hex digits, most significant first. */
static const char *num_field(const char *p, uint64_t *v, unsigned digits)
{
	if (p == NULL || *p++ != ' ')
		return NULL;
	*v = 0;
	for (unsigned i = 0; i < digits; i++) {
		int d = parse_hex_digit(*p++);

		if (d < 0)
			return NULL;
		*v = *v << 4 | (uint64_t)d;
	}
	return p;
}

static const char *num32_field(const char *p, uint32_t *v)
{
	uint64_t w = 0;

	p = num_field(p, &w, 8);
	*v = (uint32_t)w;
	return p;
}

static const char *parse_record(const char *p, struct nx_audit_record *r)
{
	memset(r, 0, sizeof(*r));
	p = num_field(p, &r->seq, 16);
	p = num_field(p, &r->time, 16);
	p = num32_field(p, &r->kind);
	p = num32_field(p, &r->subject);
	p = num32_field(p, &r->object);
	p = num32_field(p, &r->pad);
	p = bytes_field(p, r->text, NX_AUDIT_TEXT_LEN);
	p = bytes_field(p, r->prev, NX_AUDIT_HASH_LEN);
	return bytes_field(p, r->hash, NX_AUDIT_HASH_LEN);
}

static const char *parse_checkpoint(const char *p, struct nx_audit_checkpoint *c)
{
	memset(c, 0, sizeof(*c));
	p = num_field(p, &c->seq, 16);
	p = bytes_field(p, c->hash, NX_AUDIT_HASH_LEN);
	return bytes_field(p, c->sig, NX_AUDIT_SIG_LEN);
}

/* Makes room for one more element in *@arr; false if out of memory. */
static bool grow(void **arr, size_t n, size_t *cap, size_t elem)
{
	void *p;

	if (n < *cap)
		return true;
	p = realloc(*arr, (*cap ? 2 * *cap : 64) * elem);
	if (p == NULL)
		return false;
	*arr = p;
	*cap = *cap ? 2 * *cap : 64;
	return true;
}

static int parse_end(struct provchain_log *log, const char *p, const char **why)
{
	uint64_t nrec = 0, ncp = 0;

	p = num_field(p, &nrec, 16);
	p = num_field(p, &ncp, 16);
	if (p == NULL || *p != 0) {
		*why = "malformed E line";
		return -NX_EINVAL;
	}
	if (nrec != log->nrec || ncp != log->ncp) {
		*why = "trailer counts differ from the lines read (lines lost or added)";
		return -NX_EINVAL;
	}
	log->seen_end = true;
	return 0;
}

int provchain_parse_line(struct provchain_log *log, const char *line, const char **why)
{
	char buf[400];
	size_t len = strcspn(line, "\r\n");
	const char *end;

	if (len == 0 || line[0] == '#')
		return 0;
	if (len >= sizeof(buf)) {
		*why = "line too long";
		return -NX_EINVAL;
	}
	memcpy(buf, line, len);
	buf[len] = 0;
	if (log->seen_end) {
		*why = "line after the E trailer";
		return -NX_EINVAL;
	}
	if (!log->seen_version) {
		if (strcmp(buf, "V 1") != 0) {
			*why = "not a ProvChain export (no 'V 1' line first)";
			return -NX_EINVAL;
		}
		log->seen_version = true;
		return 0;
	}
	switch (buf[0]) {
	case 'R':
		if (!grow((void **)&log->rec, log->nrec, &log->rec_cap, sizeof(*log->rec)))
			goto nomem;
		end = parse_record(buf + 1, &log->rec[log->nrec]);
		if (end == NULL || *end != 0) {
			*why = "malformed R line";
			return -NX_EINVAL;
		}
		log->nrec++;
		return 0;
	case 'C':
		if (!grow((void **)&log->cp, log->ncp, &log->cp_cap, sizeof(*log->cp)))
			goto nomem;
		end = parse_checkpoint(buf + 1, &log->cp[log->ncp]);
		if (end == NULL || *end != 0) {
			*why = "malformed C line";
			return -NX_EINVAL;
		}
		log->ncp++;
		return 0;
	case 'E':
		return parse_end(log, buf + 1, why);
	default:
		*why = "unknown line type";
		return -NX_EINVAL;
	}
nomem:
	*why = "out of memory";
	return -NX_ENOMEM;
}

int provchain_parse_file(struct provchain_log *log, FILE *f, size_t *line_no,
			 const char **why)
{
	char buf[512];
	int err;

	*line_no = 0;
	while (fgets(buf, sizeof(buf), f) != NULL) {
		++*line_no;
		if (strchr(buf, '\n') == NULL && !feof(f)) {
			*why = "line too long";
			return -NX_EINVAL;
		}
		err = provchain_parse_line(log, buf, why);
		if (err)
			return err;
	}
	*line_no = 0;
	if (ferror(f)) {
		*why = "read error";
		return -NX_EIO;
	}
	if (!log->seen_end) {
		*why = "no E trailer: the export is cut short";
		return -NX_EINVAL;
	}
	return 0;
}

bool provchain_parse_pubkey(const char *hex, uint8_t out[NX_AUDIT_PUBKEY_LEN])
{
	char buf[2 * NX_AUDIT_PUBKEY_LEN + 2] = " ";
	size_t len = strcspn(hex, " \t\r\n");
	const char *end;

	if (len != 2 * NX_AUDIT_PUBKEY_LEN)
		return false;
	memcpy(buf + 1, hex, len);
	buf[len + 1] = 0;
	end = bytes_field(buf, out, NX_AUDIT_PUBKEY_LEN);
	return end != NULL && *end == 0;
}
