#!/usr/bin/env bash
# Fetches third-party sources into build/third_party/ with apt-get source.
# Nothing fetched here is ever committed. Idempotent: a finished fetch
# leaves a stamp file and is not repeated.
#
#   libfdt   from Debian's device-tree-compiler source package; if that
#            source is not served, from the copy of upstream libfdt that
#            Debian's arm-trusted-firmware source package carries.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tp="$top/build/third_party"
mkdir -p "$tp"

# apt-get source downloads into the current directory.
fetch_source() {	# fetch_source PKG DIR: the PKG source tarballs into DIR
	rm -rf "$2" && mkdir -p "$2"
	(cd "$2" && apt-get source --download-only -qq "$1" >/dev/null 2>&1)
}

libfdt() {
	local dst="$tp/libfdt" tmp="$tp/.libfdt-src" orig
	[ -e "$dst/.stamp" ] && return 0
	if fetch_source device-tree-compiler "$tmp"; then
		orig=$(ls "$tmp"/device-tree-compiler_*.orig.tar.*)
		from="device-tree-compiler"
	elif fetch_source arm-trusted-firmware "$tmp"; then
		orig=$(ls "$tmp"/arm-trusted-firmware_*.orig.tar.*)
		from="arm-trusted-firmware"
	else
		echo "third_party: cannot fetch libfdt: neither device-tree-compiler nor arm-trusted-firmware source is available (is a deb-src entry configured? run scripts/deps.sh)" >&2
		exit 1
	fi
	rm -rf "$dst" && mkdir -p "$dst"
	tar -xf "$orig" -C "$tmp" --wildcards '*/libfdt/*'
	find "$tmp" -path '*/libfdt/*' -type f \( -name '*.c' -o -name '*.h' \) \
		-exec cp {} "$dst/" \;
	[ -e "$dst/libfdt.h" ] && [ -e "$dst/fdt_ro.c" ] || {
		echo "third_party: libfdt sources not found in $orig" >&2
		exit 1
	}
	echo "$from $(basename "$orig")" >"$dst/.stamp"
	rm -rf "$tmp"
	echo "third_party: libfdt from $from"
}

libfdt
