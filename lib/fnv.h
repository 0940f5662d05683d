/*
 * FNV-1a, 32-bit, byte by byte: a checksum for corruption (NPK packages),
 * never for tampering. Chainable: pass the previous result as @h to hash a
 * buffer in pieces, FNV1A32_INIT for the first piece.
 */
#ifndef FNV_H
#define FNV_H

#include <stddef.h>
#include <stdint.h>

#define FNV1A32_INIT	0x811c9dc5u

uint32_t fnv1a32(uint32_t h, const void *buf, size_t len);

#endif
