# Device drivers (kernel/drivers/): the virtio-mmio transport, split
# virtqueues and virtio-blk. Kernel only: the hosted build has no devices,
# and gets a stub of the monitor's `blk` command instead. The ring logic
# is pure and is tested on the host against a fake device.

DRIVER_SRCS := kernel/drivers/virtq.c kernel/drivers/virtio_mmio.c \
	       kernel/drivers/virtio_blk.c kernel/drivers/blk_cmd.c \
	       kernel/drivers/blink.c

KERNEL_SRCS += $(DRIVER_SRCS)
HOSTED_SRCS += kernel/arch/hosted/blk_cmd.c

UNIT_TESTS += virtq
test_virtq_SRCS := kernel/drivers/virtq.c

# The VFS's mount table is pure logic: tested on the host.
UNIT_TESTS += vfs
test_vfs_SRCS := kernel/fs/vfs.c lib/path.c
