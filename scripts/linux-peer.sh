#!/usr/bin/env bash
# Builds the Linux peer guest that Nexus is benchmarked against: Debian's own
# arm64 kernel, unmodified, with a busybox initramfs that runs
# bench/linux/peer.c and powers off. Everything comes from Debian packages.
#
#   build/third_party/linux/   the unpacked kernel and busybox packages
#   build/linux-peer/Image      the kernel (Debian ships it uncompressed)
#   build/linux-peer/initrd.gz  cpio newc + gzip, /init runs the benchmarks
#   build/linux-peer/manifest   which package versions went in
#
# Safe to run again: packages are fetched only when the resolved version
# changes; the small programs and the initramfs are rebuilt every time.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tp="$top/build/third_party/linux"
out="$top/build/linux-peer"
src="$top/bench/linux"
cross=aarch64-linux-gnu-gcc

sudo=""
[ "$(id -u)" -eq 0 ] || sudo=sudo
# Wait for another apt run (a parallel build) instead of failing at once.
apt_opts=(-qq -o DPkg::Lock::Timeout=300)
# As root, apt-get download warns that its sandbox user cannot write here.
if [ "$(id -u)" -eq 0 ]; then
	apt_opts+=(-o APT::Sandbox::User=root)
fi

# --- host tools -------------------------------------------------------------

need_pkgs=()
need() {	# need PACKAGE PROBE: queue PACKAGE when PROBE (a path) is missing
	[ -e "$2" ] || need_pkgs+=("$1")
}
need gcc-aarch64-linux-gnu /usr/bin/aarch64-linux-gnu-gcc
need libc6-dev-arm64-cross /usr/aarch64-linux-gnu/lib/libc.a
need cpio                  /usr/bin/cpio
need gzip                  /bin/gzip
need qemu-system-arm       /usr/bin/qemu-system-aarch64
need python3               /usr/bin/python3

# The guest packages are arm64 ones, fetched but never installed.
update=0
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	echo "linux-peer: adding the arm64 architecture"
	$sudo dpkg --add-architecture arm64
	update=1
elif ! apt-cache show linux-image-arm64:arm64 >/dev/null 2>&1; then
	update=1	# architecture added, index never fetched
fi
if [ "$update" -eq 1 ] || [ ${#need_pkgs[@]} -gt 0 ]; then
	$sudo apt-get "${apt_opts[@]}" update
fi
if [ ${#need_pkgs[@]} -gt 0 ]; then
	echo "linux-peer: installing ${need_pkgs[*]}"
	# env, because sudo drops the caller's environment.
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y \
		--no-install-recommends "${need_pkgs[@]}"
fi

# --- guest packages -----------------------------------------------------------

candidate() {	# candidate PKG: the version apt would pick for PKG
	apt-cache show --no-all-versions "$1" | sed -n 's/^Version: //p' | head -n1
}

# fetch PKG DIR: download the candidate of PKG (an arm64 package) and unpack it
# into DIR, unless DIR already holds that version.
fetch() {
	local pkg=$1 dir=$2 ver tmp
	ver=$(candidate "$pkg:arm64")
	[ -n "$ver" ] || { echo "linux-peer: no candidate for $pkg:arm64" >&2; exit 1; }
	if [ -e "$dir/.stamp" ] && [ "$(cat "$dir/.stamp")" = "$pkg $ver" ]; then
		return 0
	fi
	echo "linux-peer: fetching $pkg $ver"
	tmp="$tp/.download"
	rm -rf "$tmp" "$dir" && mkdir -p "$tmp" "$dir"
	(cd "$tmp" && apt-get "${apt_opts[@]}" download "$pkg:arm64=$ver")
	dpkg-deb -x "$tmp"/*.deb "$dir"
	rm -rf "$tmp"
	echo "$pkg $ver" >"$dir/.stamp"
}

# linux-image-arm64 is a metapackage; the real kernel is what it depends on.
kpkg=$(apt-cache show --no-all-versions linux-image-arm64:arm64 |
	sed -n 's/^Depends: //p' | grep -o 'linux-image-6\.1\.0-[0-9]*-arm64' | head -n1)
[ -n "$kpkg" ] || {
	echo "linux-peer: cannot resolve linux-image-6.1.0-*-arm64 from linux-image-arm64:arm64" >&2
	exit 1
}
mkdir -p "$tp" "$out"
fetch "$kpkg" "$tp/kernel"
fetch busybox-static "$tp/busybox"

# Debian's vmlinuz for arm64 is already a bootable, uncompressed Image.
cp "$(ls "$tp"/kernel/boot/vmlinuz-*-arm64 | head -n1)" "$out/Image"
{
	echo "kernel=$(cat "$tp/kernel/.stamp")"
	echo "busybox=$(cat "$tp/busybox/.stamp")"
} >"$out/manifest"

# --- benchmark programs -------------------------------------------------------

mkdir -p "$out/bin"
$cross -static -O2 -Wall -Wextra -Werror -pthread \
	-o "$out/bin/peer" "$src/peer.c"
$cross -static -nostdlib -ffreestanding -fno-stack-protector -O2 -Wall -Wextra \
	-Werror -o "$out/bin/true" "$src/true.c"

# --- initramfs ----------------------------------------------------------------

root="$out/rootfs"
rm -rf "$root"
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev"
cp "$tp/busybox/bin/busybox" "$root/bin/busybox"
for applet in sh mount poweroff insmod ifconfig route grep sed cat; do
	ln -s busybox "$root/bin/$applet"
done
cp "$out/bin/peer" "$out/bin/true" "$root/bin/"

# virtio-net is a module in Debian's kernel: the network benchmark loads it
# and what it needs, in dependency order.
mods="$root/lib/modules"
mkdir -p "$mods"
kmods=$(ls -d "$tp"/kernel/lib/modules/*/kernel)
for m in drivers/virtio/virtio_mmio net/core/failover drivers/net/net_failover \
	 drivers/net/virtio_net; do
	cp "$kmods/$m.ko" "$mods/"
done

# The counter is read first, before anything else runs, so that "boot" is
# reset-to-/init. A failing benchmark is reported and the rest still run;
# run.py fails the whole run on any PEER-ERROR line.
cat >"$root/init" <<'EOF'
#!/bin/sh
/bin/peer boot
mount -t proc proc /proc
mount -t sysfs sys /sys
# nexus.net=HOSTPORT:BYTES on the command line: the TCP benchmark of
# bench/netpeer.py instead of the others (static address: QEMU's user
# network is 10.0.2.0/24, its gateway the host at 10.0.2.2).
net=$(sed -n 's/.*nexus\.net=\([0-9]*:[0-9]*\).*/\1/p' /proc/cmdline)
if [ -n "$net" ]; then
	for m in virtio_mmio failover net_failover virtio_net; do
		insmod /lib/modules/$m.ko || echo "PEER-ERROR insmod $m"
	done
	ifconfig lo 127.0.0.1 up
	ifconfig eth0 10.0.2.15 netmask 255.255.255.0 up
	route add default gw 10.0.2.2
	/bin/peer tcp_sink 5001 || echo "PEER-ERROR tcp_sink: exit status $?"
	/bin/peer tcp_source 10.0.2.2 ${net%%:*} ${net#*:} ||
		echo "PEER-ERROR tcp_source: exit status $?"
	echo PEER-NET-END
	poweroff -f
fi
echo PEER-BEGIN
for b in getpid switch switch_proc "pipe_rtt 1" "pipe_rtt 24" timer_latency spawn spawn_exit; do
	/bin/peer $b || echo "PEER-ERROR $b: exit status $?"
done
echo PEER-END
poweroff -f
EOF
chmod 755 "$root/init"

# Fixed timestamps and order make the same inputs give the same initrd bytes.
find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) |
	gzip -9n >"$out/initrd.gz"

echo "linux-peer: $out/Image ($kpkg), $out/initrd.gz"
