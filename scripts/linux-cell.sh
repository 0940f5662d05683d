#!/usr/bin/env bash
# The initramfs of a Linux guest that RumKV runs in a cell
# (docs/hypervisor.md, "A Linux guest in a cell", "Two cells on two cores").
#
#   scripts/linux-cell.sh                   -> build/linux-cell/initrd.gz
#       console on the PL011 (configs/linux.dts)
#   scripts/linux-cell.sh --virtio-console  -> build/dragonbox/initrd.gz
#       console on a virtio-console, the PL011 being another cell's
#       (configs/dragonbox.dts); Debian builds virtio_mmio and
#       virtio_console as modules, so they go in and /init loads them
#
# busybox-static, Debian's Image and its modules come from the packages
# the Linux peer uses: scripts/linux-peer.sh fetches and unpacks them (and
# skips that when they are already there), so this script only lays out a
# root file system. Safe to run again; the same inputs give the same bytes.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tp="$top/build/third_party/linux"
virtio=0
out="$top/build/linux-cell"
if [ "${1:-}" = "--virtio-console" ]; then
	virtio=1
	out="$top/build/dragonbox"
elif [ $# -gt 0 ]; then
	echo "usage: $0 [--virtio-console]" >&2
	exit 2
fi

# The peer's script also builds its benchmark programs and initramfs; that
# is cheap, and running it is the one way the downloads are done right.
if [ ! -e "$tp/busybox/.stamp" ] || [ ! -e "$top/build/linux-peer/Image" ]; then
	"$top/scripts/linux-peer.sh"
fi
busybox="$tp/busybox/bin/busybox"
[ -x "$busybox" ] || { echo "linux-cell: no busybox at $busybox" >&2; exit 1; }

root="$out/rootfs"
rm -rf "$root"
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" \
	"$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/root"
cp "$busybox" "$root/bin/busybox"
# Only the interpreter of /init is linked here; /init installs every other
# applet itself, so the list cannot drift from what busybox provides.
ln -s busybox "$root/bin/sh"

{
	echo '#!/bin/sh'
	echo '/bin/busybox --install -s'
	echo 'mount -t proc proc /proc'
	echo 'mount -t sysfs sys /sys'
	echo 'mount -t devtmpfs dev /dev 2>/dev/null'
} >"$root/init"

if [ $virtio = 1 ]; then
	# The modules must match the Image: both come from the same package.
	moddir=$(echo "$tp"/kernel/lib/modules/6.1.0-*)
	[ -d "$moddir" ] || { echo "linux-cell: no modules under $tp/kernel" >&2; exit 1; }
	mkdir -p "$root/lib/modules"
	for m in drivers/virtio/virtio_mmio.ko drivers/char/virtio_console.ko; do
		cp "$moddir/kernel/$m" "$root/lib/modules/"
	done
	# Until /dev/hvc0 exists the kernel has no console at all, so nothing
	# before it can be seen; from then on everything goes there.
	cat >>"$root/init" <<'EOF'
insmod /lib/modules/virtio_mmio.ko
insmod /lib/modules/virtio_console.ko
n=0
while [ ! -c /dev/hvc0 ] && [ $n -lt 100 ]; do
	if [ -r /sys/class/tty/hvc0/dev ]; then
		IFS=: read maj min </sys/class/tty/hvc0/dev
		mknod /dev/hvc0 c "$maj" "$min" 2>/dev/null
	fi
	usleep 100000
	n=$((n + 1))
done
exec </dev/hvc0 >/dev/hvc0 2>&1
EOF
fi

# The marker line and the two figures are what tests/qemu/test_linux_cell.py
# and test_dragonbox.py check: how many cores and how much memory the
# cell's device tree gave. devtmpfs provides the console device, which
# cttyhack needs to give the shell a controlling terminal (job control,
# Ctrl-C).
cat >>"$root/init" <<'EOF'
echo "linux-cell: init running"
echo "linux-cell: processors $(grep -c processor /proc/cpuinfo)"
echo "linux-cell: $(head -n 1 /proc/meminfo)"
echo "linux-cell: poweroff -f ends this cell"
exec setsid cttyhack sh
EOF
chmod 755 "$root/init"

# Fixed timestamps and order: the same inputs give the same bytes.
find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) |
	gzip -9n >"$out/initrd.gz.tmp"
mv "$out/initrd.gz.tmp" "$out/initrd.gz"
echo "linux-cell: $out/initrd.gz ($(stat -c %s "$out/initrd.gz") bytes)"
