/*
 * Host-side reader of ProvChain exports (docs/provchain.md, "Export
 * format"), for tools/provchain-verify.c and the unit tests. It checks
 * only the text's form; kernel/sec/provchain_check.c judges the log.
 */
#ifndef TOOLS_PROVCHAIN_PARSE_H
#define TOOLS_PROVCHAIN_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "nexus/audit.h"

struct provchain_log {
	struct nx_audit_record *rec;		/* malloc'd, in file order */
	size_t nrec, rec_cap;
	struct nx_audit_checkpoint *cp;		/* malloc'd, in file order */
	size_t ncp, cp_cap;
	bool seen_version;
	bool seen_end;				/* the E trailer, counts checked */
};

void provchain_log_init(struct provchain_log *log);
void provchain_log_free(struct provchain_log *log);

/*
 * Takes one line, with or without its line end. Returns 0, or -NX_EINVAL
 * (bad form, or a line after the trailer) or -NX_ENOMEM with @why set.
 */
int provchain_parse_line(struct provchain_log *log, const char *line, const char **why);

/* Every line of @f, then the check that the trailer came. On failure
 * @line_no is the line at fault (0: the end of the file). */
int provchain_parse_file(struct provchain_log *log, FILE *f, size_t *line_no,
			 const char **why);

/* 64 hex digits -> 32 bytes; false if it is anything else. */
bool provchain_parse_pubkey(const char *hex, uint8_t out[NX_AUDIT_PUBKEY_LEN]);

#endif
