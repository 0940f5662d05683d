/*
 * The kernel's own symbol table, embedded at build time (scripts/mksyms.py
 * reads the linked image and a second link adds the table at its very end,
 * so no other address moves). Used by panic screens and backtraces.
 */
#ifndef KSYMS_H
#define KSYMS_H

#include <stdint.h>

/* The function containing @addr and the offset into it, or NULL. */
const char *ksym_lookup(uint64_t addr, uint64_t *offset);

#endif
