#!/usr/bin/env bash
# Installs whatever the build and the tests need and is not yet on this
# machine, from Debian packages only. Safe to run again: it does nothing when
# everything is present.
set -euo pipefail

need_pkgs=()
need() {	# need PACKAGE PROBE: queue PACKAGE when PROBE (a path) is missing
	[ -e "$2" ] || need_pkgs+=("$1")
}

need make                /usr/bin/make
need clang               /usr/bin/clang
need lld                 /usr/bin/ld.lld
need llvm                /usr/bin/llvm-nm
need gcc                 /usr/bin/gcc
need qemu-system-arm     /usr/bin/qemu-system-aarch64
need device-tree-compiler /usr/bin/dtc
need libcmocka-dev       /usr/include/cmocka.h
need python3             /usr/bin/python3
need python3-pytest      /usr/lib/python3/dist-packages/pytest
need python3-pexpect     /usr/lib/python3/dist-packages/pexpect
need gdb-multiarch       /usr/bin/gdb-multiarch
need dpkg-dev            /usr/bin/dpkg-source
need libck-dev           /usr/include/ck_ring.h
need b3sum               /usr/bin/b3sum
need curl                /usr/bin/curl

# Source packages are fetched with apt-get source, which needs a deb-src
# entry. Derive it from the machine's own deb entries so that no mirror is
# named here.
src_list=/etc/apt/sources.list.d/nexus-deb-src.sources
added_src=0
if [ ! -e "$src_list" ] && [ -e /etc/apt/sources.list.d/debian.sources ]; then
	sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources >"$src_list"
	added_src=1
elif [ ! -e "$src_list" ] && [ -e /etc/apt/sources.list ]; then
	grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' >/etc/apt/sources.list.d/nexus-deb-src.list
	touch "$src_list"
	added_src=1
fi

sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
if [ ${#need_pkgs[@]} -gt 0 ] || [ "$added_src" -eq 1 ]; then
	echo "deps: installing ${need_pkgs[*]:-(source index only)}"
	$sudo apt-get update -qq
	if [ ${#need_pkgs[@]} -gt 0 ]; then
		$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}"
	fi
fi
