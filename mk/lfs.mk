# littlefs (kernel/fs/lfs/, docs/littlefs.md): the file system the kernel
# mounts on virtio-blk, the host tool that builds and checks its images,
# and the host tests.
#
#   build/tools/lfs     mkfs, ls, cat, put, get, mkdir, rm, verify
#
# test_lfs: known-answer bytes of the on-disk format, API semantics, and
#   corrupt images (random, truncated, bad CRC, fuzzed) under ASan.
# test_lfs_power: cuts power at every program/erase of a workload and
#   checks the state after remount is the one before or after the
#   interrupted operation.
# test_lfs_model: 10^5 seeded random operations against an in-memory
#   model (NEXUS_SEED=n to replay).

LFS_SRCS := $(addprefix kernel/fs/lfs/,bd.c mdir.c ctz.c alloc.c super.c dir.c \
	    file.c dirmod.c rambd.c)
LFS_HDRS := $(wildcard kernel/fs/lfs/*.h) include/nexus/errno.h

KERNEL_SRCS += $(LFS_SRCS)
HOSTED_SRCS += $(LFS_SRCS)

UNIT_TESTS += lfs lfs_power lfs_model
test_lfs_SRCS       := $(LFS_SRCS) tests/unit/lfs_walk.c
test_lfs_power_SRCS := $(LFS_SRCS) tests/unit/lfs_walk.c
test_lfs_model_SRCS := $(LFS_SRCS) tests/unit/lfs_walk.c

LFS_TOOL := $(B)/tools/lfs
ALL_EXTRA += $(LFS_TOOL)

$(LFS_TOOL): tools/lfs.c $(LFS_SRCS) $(LFS_HDRS)
	@mkdir -p $(@D)
	@echo '  HOSTLD  $@'
	$(Q)$(HCC) $(HCFLAGS) $(filter %.c,$^) -o $@
