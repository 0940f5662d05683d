#!/usr/bin/env python3
"""Writes the kernel symbol table as assembly, from `llvm-nm -n` output.

usage: mksyms.py NM_OUTPUT OUT.S   (NM_OUTPUT may be /dev/null: empty table)

Only code symbols are kept. The table goes in section .ksyms, which the
linker script places after everything else, so adding it moves nothing.
"""
import sys


def main(nm_path, out_path):
    syms = []
    text_end = 0
    with open(nm_path) as f:
        for line in f:
            parts = line.split()
            if len(parts) != 3:
                continue
            addr, kind, name = int(parts[0], 16), parts[1], parts[2]
            if name == "__text_end":
                text_end = addr
            if kind in "tT" and not name.startswith(("$", "__")):
                syms.append((addr, name))
    syms.sort()
    out = ['\t.section .ksyms, "a"', "\t.balign 8",
           "\t.globl ksym_count, ksym_text_end, ksym_table, ksym_names",
           f"ksym_count:\n\t.quad {len(syms)}",
           f"ksym_text_end:\n\t.quad {text_end:#x}",
           "ksym_table:"]
    offset = 0
    for addr, name in syms:
        out.append(f"\t.quad {addr:#x}, {offset}")
        offset += len(name) + 1
    out.append("ksym_names:")
    for _, name in syms:
        out.append(f'\t.asciz "{name}"')
    with open(out_path, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
