#!/usr/bin/env bash
# The initramfs of the Linux guest that RumKV runs in a cell
# (configs/linux.dts, docs/hypervisor.md "A Linux guest in a cell").
#
#   build/linux-peer/Image        Debian's arm64 kernel, unmodified
#   build/linux-cell/initrd.gz    cpio newc + gzip: busybox-static and /init
#
# The packages are the ones the Linux peer uses: scripts/linux-peer.sh
# fetches and unpacks them (and skips that when they are already there),
# so this script only lays out a different root file system. Safe to run
# again; the same inputs give the same initrd bytes.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tp="$top/build/third_party/linux"
out="$top/build/linux-cell"

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

# The marker line and the two figures are what tests/qemu/test_linux_cell.py
# checks: how many cores and how much memory the cell's device tree gave.
# devtmpfs provides /dev/ttyAMA0, which cttyhack needs to give the shell a
# controlling terminal (job control, Ctrl-C).
cat >"$root/init" <<'EOF'
#!/bin/sh
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
echo "linux-cell: init running"
echo "linux-cell: processors $(grep -c processor /proc/cpuinfo)"
echo "linux-cell: $(head -n 1 /proc/meminfo)"
echo "linux-cell: poweroff -f ends the cell"
exec setsid cttyhack sh
EOF
chmod 755 "$root/init"

# Fixed timestamps and order: the same inputs give the same bytes.
find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) |
	gzip -9n >"$out/initrd.gz.tmp"
mv "$out/initrd.gz.tmp" "$out/initrd.gz"
echo "linux-cell: $out/initrd.gz ($(stat -c %s "$out/initrd.gz") bytes)"
