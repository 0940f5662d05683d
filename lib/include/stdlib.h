/*
 * Freestanding <stdlib.h>: libfdt includes it for nothing; lwIP (in the
 * Membrane) uses atoi, from lib/stdlib.c.
 */
#ifndef NX_STDLIB_H
#define NX_STDLIB_H

#include <stddef.h>

/* C semantics: leading blanks, an optional sign, then decimal digits up
 * to the first other character; 0 if there are none. Out-of-range values
 * saturate at INT_MIN / INT_MAX (where C leaves them undefined). */
int atoi(const char *s);

#endif
