# Device drivers (kernel/drivers/): the virtio-mmio transport, split
# virtqueues and virtio-blk. Kernel only: the hosted build has no devices,
# and gets a stub of the monitor's `blk` command instead. The ring logic
# is pure and is tested on the host against a fake device.

DRIVER_SRCS := kernel/drivers/virtq.c kernel/drivers/virtq_check.c kernel/drivers/virtio_mmio.c \
	       kernel/drivers/virtio_blk.c kernel/drivers/blk_cmd.c \
	       kernel/drivers/blink.c

KERNEL_SRCS += $(DRIVER_SRCS)
HOSTED_SRCS += kernel/arch/hosted/blk_cmd.c

UNIT_TESTS += virtq virtq_check insn
test_virtq_SRCS := kernel/drivers/virtq.c
test_virtq_check_SRCS := kernel/drivers/virtq.c kernel/drivers/virtq_check.c
test_insn_SRCS := kernel/arch/aarch64/insn.c

# The virtio-blk driver app (user/vblkd): the same queue code, at EL0.
# The kernel starts it; it is no one's child and pledges only stdio.
APP_LIBS_vblkd = $(UOUT)/obj/kernel/drivers/virtq.c.o
NPK_vblkd := --spectrum photon --pledge "stdio" --mem 128K --stack 16K \
             --cap console:send,recv

# The VFS's mount table is pure logic: tested on the host.
UNIT_TESTS += vfs
test_vfs_SRCS := kernel/fs/vfs.c lib/path.c
