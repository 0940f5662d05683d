/*
 * The few libsodium utilities that its Ed25519 code calls, in place of
 * libsodium's utils.c and randombytes.c, which bring in the OS (mmap,
 * /dev/urandom, locking). Every build that links the libsodium subset
 * links this file too (mk/provchain.mk). The comparisons stay constant
 * time, as in libsodium, because signature checks rely on that.
 */
#include <stddef.h>
#include <stdint.h>

#include "randombytes.h"
#include "utils.h"

void sodium_memzero(void *const pnt, const size_t len)
{
	volatile unsigned char *volatile p = pnt;

	for (size_t i = 0; i < len; i++)
		p[i] = 0;
}

int sodium_memcmp(const void *const b1_, const void *const b2_, size_t len)
{
	const volatile unsigned char *volatile b1 = b1_;
	const volatile unsigned char *volatile b2 = b2_;
	volatile unsigned char d = 0;

	for (size_t i = 0; i < len; i++)
		d |= b1[i] ^ b2[i];
	return (1 & ((d - 1) >> 8)) - 1;
}

int sodium_is_zero(const unsigned char *n, const size_t nlen)
{
	volatile unsigned char d = 0;

	for (size_t i = 0; i < nlen; i++)
		d |= n[i];
	return 1 & ((d - 1) >> 8);
}

/*
 * Only key generation from randomness (crypto_sign_ed25519_keypair) gets
 * here. Nexus derives its key from a seed and has no entropy source of
 * its own yet, so reaching this is a bug, not a fallback.
 */
void randombytes_buf(void *const buf, const size_t size)
{
	(void)buf;
	(void)size;
	__builtin_trap();
}

#if !__STDC_HOSTED__
#include "core/panic.h"

/* A freestanding build has no C library to provide it; libsodium calls
 * it only on arguments our callers never pass. */
void abort(void)
{
	panic("libsodium: abort");
}
#endif
