/*
 * The audit log as the scheduler tests see it: appends are counted, not
 * hashed, so energy's strikes can be checked without the crypto.
 */
#include <stdint.h>

#include "sec/provchain.h"

unsigned fake_audit_appends;
uint32_t fake_audit_last_kind;

int64_t provchain_append(uint32_t kind, uint32_t subject, uint32_t object,
			 const char *text, uint64_t now)
{
	(void)subject;
	(void)object;
	(void)text;
	(void)now;
	fake_audit_last_kind = kind;
	return fake_audit_appends++;
}
