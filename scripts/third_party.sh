#!/usr/bin/env bash
# Fetches third-party sources into build/third_party/ with apt-get source
# (or apt-get download, for code Debian ships in a binary package).
# Nothing fetched here is ever committed. Idempotent: a finished fetch
# leaves a stamp file and is not repeated.
#
#   libfdt     from Debian's device-tree-compiler source package; if that
#              source is not served, from the copy of upstream libfdt that
#              Debian's arm-trusted-firmware source package carries.
#   blake3     the official C implementation, shipped inside Debian's
#              librust-blake3-dev binary package (no deb-src needed).
#   libsodium  Debian's libsodium source package, unpacked with Debian's
#              patches applied (they carry the security fixes).
#   lwip       Debian's lwip source package (2.1.3), likewise patched: the
#              TCP/IP stack of the Membrane (user/membrane/).
#
# With an argument, only that one is fetched: scripts/third_party.sh blake3
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tp="$top/build/third_party"
mkdir -p "$tp"
# make -j may start several copies at once (one per stamp); they take
# turns, and each finds what the others have already fetched.
exec 9>"$tp/.lock"
flock 9

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

blake3() {
	local dst="$tp/blake3" tmp="$tp/.blake3-deb" deb c
	[ -e "$dst/.stamp" ] && return 0
	rm -rf "$tmp" && mkdir -p "$tmp"
	if ! (cd "$tmp" && apt-get download -qq librust-blake3-dev >/dev/null 2>&1); then
		echo "third_party: cannot fetch blake3: 'apt-get download librust-blake3-dev' failed (run apt-get update?)" >&2
		exit 1
	fi
	deb=$(ls "$tmp"/librust-blake3-dev_*.deb)
	dpkg-deb -x "$deb" "$tmp/root"
	c=$(ls -d "$tmp"/root/usr/share/cargo/registry/blake3-*/c | head -n 1)
	rm -rf "$dst" && mkdir -p "$dst"
	# Only the portable implementation: the kernel is built without
	# SIMD registers, and one code path everywhere keeps hashes
	# comparable between the kernel, the tests and the host tool.
	for f in blake3.h blake3_impl.h blake3.c blake3_dispatch.c \
		 blake3_portable.c README.md; do
		[ -e "$c/$f" ] && cp "$c/$f" "$dst/"
	done
	cp "$c/../LICENSE" "$dst/" 2>/dev/null || true
	[ -e "$dst/blake3.h" ] && [ -e "$dst/blake3_portable.c" ] || {
		echo "third_party: blake3 C sources not found in $deb" >&2
		exit 1
	}
	echo "librust-blake3-dev $(basename "$deb")" >"$dst/.stamp"
	rm -rf "$tmp"
	echo "third_party: blake3 from $(basename "$deb")"
}

# debian_source PKG FILE...: PKG's source, Debian's patches applied, in
# build/third_party/PKG; each FILE must be there.
debian_source() {
	local pkg=$1 dst="$tp/$1" tmp="$tp/.$1-src" dsc f
	shift
	[ -e "$dst/.stamp" ] && return 0
	if ! fetch_source "$pkg" "$tmp"; then
		echo "third_party: cannot fetch $pkg: 'apt-get source $pkg' failed (is a deb-src entry configured? run scripts/deps.sh)" >&2
		exit 1
	fi
	dsc=$(ls "$tmp"/"$pkg"_*.dsc)
	rm -rf "$dst"
	# dpkg-source applies debian/patches (they carry the security fixes);
	# --no-check because no Debian keyring need be installed (apt already
	# checked the index). It also leaves a copy of the tarballs beside its
	# output, so unpack inside the scratch directory and move the tree out.
	dpkg-source -q --no-check -x "$dsc" "$tmp/src" >/dev/null
	mv "$tmp/src" "$dst"
	for f in "$@"; do
		[ -e "$dst/$f" ] || {
			echo "third_party: $f not found in $dsc" >&2
			exit 1
		}
	done
	echo "$pkg $(basename "$dsc")" >"$dst/.stamp"
	rm -rf "$tmp"
	echo "third_party: $pkg from $(basename "$dsc")"
}

libsodium() {
	debian_source libsodium src/libsodium/crypto_sign/ed25519/ref10/sign.c
}

lwip() {
	debian_source lwip src/core/tcp.c src/include/lwip/opt.h
}

if [ $# -eq 0 ]; then
	libfdt
	blake3
	libsodium
	lwip
else
	for what in "$@"; do
		case "$what" in
		libfdt|blake3|libsodium|lwip) "$what" ;;
		*) echo "third_party: unknown source '$what'" >&2; exit 1 ;;
		esac
	done
fi
