/*
 * lwIP's view of the platform: a freestanding AArch64 app with no C
 * library. Types come from the compiler's own headers, the string
 * functions from lib/string.c, printf from libnexus, and everything else
 * lwIP would take from libc is defined here or in sys.c.
 */
#ifndef MEMBRANE_ARCH_CC_H
#define MEMBRANE_ARCH_CC_H

#include <stdint.h>

#define BYTE_ORDER		LITTLE_ENDIAN

/* No <inttypes.h>, <ctype.h> or <unistd.h> in a freestanding build. */
#define LWIP_NO_INTTYPES_H	1
#define LWIP_NO_CTYPE_H		1
#define LWIP_NO_UNISTD_H	1
#define X8_F	"02x"
#define U16_F	"u"
#define S16_F	"d"
#define X16_F	"x"
#define U32_F	"u"
#define S32_F	"d"
#define X32_F	"x"
#define SZT_F	"zu"

int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void membrane_assert_failed(const char *what,
						      const char *file, int line);
uint32_t membrane_rand(void);

#define LWIP_PLATFORM_DIAG(x)	do { printf x; } while (0)
#define LWIP_PLATFORM_ASSERT(x)	membrane_assert_failed((x), __FILE__, __LINE__)
#define LWIP_RAND()		membrane_rand()

#endif
