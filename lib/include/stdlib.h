/* Freestanding <stdlib.h>: libfdt includes it but needs nothing from it. */
#ifndef NX_STDLIB_H
#define NX_STDLIB_H

#include <stddef.h>

#endif
