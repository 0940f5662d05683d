# The disks `make run` attaches: littlefs for /data on the first, nexfs
# for /nex on the second. Made once with the host tools and kept in
# build/, so what is written in one run is there in the next; delete
# them to start empty.

DISK_DATA  := $(B)/disk-data.img
DISK_NEX   := $(B)/disk-nex.img
DISK_FLAGS := -drive file=$(DISK_DATA),if=none,format=raw,id=data \
	      -device virtio-blk-device,drive=data \
	      -drive file=$(DISK_NEX),if=none,format=raw,id=nex \
	      -device virtio-blk-device,drive=nex \
	      -global virtio-mmio.force-legacy=false

$(DISK_DATA): | $(B)/tools/lfs
	$(Q)$(B)/tools/lfs mkfs $@ 32M >/dev/null
	@echo '  DISK    $@ (littlefs, 32 MiB)'

$(DISK_NEX): | $(B)/tools/nexfs
	$(Q)$(B)/tools/nexfs mkfs $@ 64M >/dev/null
	@echo '  DISK    $@ (nexfs, 64 MiB)'
