/* Strict number parsing for commands: no sign, no junk, no overflow. */
#ifndef PARSE_H
#define PARSE_H

#include <stdbool.h>
#include <stdint.h>

/* Decimal, or hexadecimal with a 0x prefix. False on any bad input. */
bool parse_u64(const char *s, uint64_t *out);
/* 0-15 for a hexadecimal digit, either case; -1 for anything else. */
int parse_hex_digit(char c);

#endif
