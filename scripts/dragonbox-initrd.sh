#!/usr/bin/env bash
# The initramfs of the Linux cell of the dragonbox profile
# (configs/dragonbox.dts, docs/hypervisor.md "Two cells on two cores").
#
#   build/dragonbox/initrd.gz    cpio newc + gzip: busybox-static, /init
#                                and Debian's virtio_mmio and virtio_console
#                                modules
#
# The cell's only console is a virtio-console: the PL011 is cell 0's.
# Debian builds virtio_mmio and virtio_console as modules, so /init loads
# them (virtio_mmio finds the cell's slots in its device tree), waits for
# /dev/hvc0 and runs a shell there. Packages as in scripts/linux-cell.sh
# (fetched by scripts/linux-peer.sh). The same inputs give the same bytes.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
tp="$top/build/third_party/linux"
out="$top/build/dragonbox"

if [ ! -e "$tp/busybox/.stamp" ] || [ ! -e "$top/build/linux-peer/Image" ]; then
	"$top/scripts/linux-peer.sh"
fi
busybox="$tp/busybox/bin/busybox"
[ -x "$busybox" ] || { echo "dragonbox: no busybox at $busybox" >&2; exit 1; }
# The modules must match the Image: both come from the same package.
moddir=$(echo "$tp"/kernel/lib/modules/6.1.0-*)
[ -d "$moddir" ] || { echo "dragonbox: no modules under $tp/kernel" >&2; exit 1; }

root="$out/rootfs"
rm -rf "$root"
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" \
	"$root/proc" "$root/sys" "$root/dev" "$root/tmp" "$root/root" \
	"$root/lib/modules"
cp "$busybox" "$root/bin/busybox"
ln -s busybox "$root/bin/sh"
for m in drivers/virtio/virtio_mmio.ko drivers/char/virtio_console.ko; do
	cp "$moddir/kernel/$m" "$root/lib/modules/"
done

# Until /dev/hvc0 exists the kernel has no console at all, so nothing
# before it can be seen; from then on everything goes there. The marker
# and the figures are what tests/qemu/test_dragonbox.py checks.
cat >"$root/init" <<'EOF'
#!/bin/sh
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
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
echo "linux-cell: init running"
echo "linux-cell: processors $(grep -c processor /proc/cpuinfo)"
echo "linux-cell: $(head -n 1 /proc/meminfo)"
echo "linux-cell: poweroff -f ends this cell only"
exec setsid cttyhack sh
EOF
chmod 755 "$root/init"

find "$root" -exec touch -h -d @0 {} +
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --reproducible --quiet) |
	gzip -9n >"$out/initrd.gz.tmp"
mv "$out/initrd.gz.tmp" "$out/initrd.gz"
echo "dragonbox: $out/initrd.gz ($(stat -c %s "$out/initrd.gz") bytes)"
