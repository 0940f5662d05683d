#!/usr/bin/env bash
# Counts nexus-boot's lines of code: every file under boot/, without
# blank lines and comments (C /* */ and //, as used in .c, .h, .S and .ld
# files). Prints one line per file and the total; exits 1 above the
# limit (300, ARCHITECTURE.md) so `make bench` or CI can stop on it.
# Comment markers inside string literals would be miscounted; boot/ has
# none, and a wrong count errs towards more lines, not fewer.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
limit=${BOOT_LINE_LIMIT:-300}
total=0

count() {	# count FILE: code lines in FILE
	awk '
	{
		line = $0; code = ""
		while (length(line) > 0) {
			if (in_comment) {
				end = index(line, "*/")
				if (end == 0) { line = ""; break }
				line = substr(line, end + 2); in_comment = 0
				continue
			}
			open = index(line, "/*"); slash = index(line, "//")
			if (slash && (!open || slash < open)) {
				code = code substr(line, 1, slash - 1); line = ""
			} else if (open) {
				code = code substr(line, 1, open - 1)
				line = substr(line, open + 2); in_comment = 1
			} else {
				code = code line; line = ""
			}
		}
		if (code ~ /[^ \t]/) n++
	}
	END { print n + 0 }' "$1"
}

while IFS= read -r f; do
	n=$(count "$f")
	total=$((total + n))
	printf '%6d  %s\n' "$n" "${f#"$top"/}"
done < <(find "$top/boot" -type f | sort)
printf '%6d  total nexus-boot lines of code (limit %d)\n' "$total" "$limit"
if [ "$total" -gt "$limit" ]; then
	echo "count-boot-lines: nexus-boot has $total lines, over the limit of $limit" >&2
	exit 1
fi
