# nexfs, the native copy-on-write file system (kernel/fs/nexfs/,
# docs/nexfs.md). Its hashes come from the official BLAKE3 C code that
# mk/provchain.mk fetches and builds; nothing is fetched here.
#
#   build/tools/nexfs     host tool: mkfs, ls, cat, put, get, snap, verify
#
# Host objects are built by mk/boot.mk's rule for build/tools/obj/.

NEXFS_SRCS  := $(addprefix kernel/fs/nexfs/,blk.c tree.c dir.c path.c ns.c \
	       file.c snap.c super.c walk.c ramdisk.c)
NEXFS_TOOL  := $(B)/tools/nexfs

KERNEL_SRCS += $(NEXFS_SRCS)
HOSTED_SRCS += $(NEXFS_SRCS)
ALL_EXTRA   += $(NEXFS_TOOL)

NEXFS_KOBJS := $(patsubst %,$(KOUT)/obj/%.o,$(NEXFS_SRCS))
NEXFS_HOBJS := $(patsubst %,$(HOUT)/obj/%.o,$(NEXFS_SRCS))
NEXFS_TOBJS := $(patsubst %,$(B)/tools/obj/%.o,$(NEXFS_SRCS) tools/nexfs.c)
$(NEXFS_KOBJS): KCFLAGS += -I$(TP)/blake3
$(NEXFS_HOBJS) $(NEXFS_TOBJS): HCFLAGS += -I$(TP)/blake3
$(NEXFS_KOBJS) $(NEXFS_HOBJS) $(NEXFS_TOBJS): | $(TP)/blake3/.stamp

UNIT_TESTS += nexfs
# Recursive (=): PROV_LIB and PROV_DEFS come from mk/provchain.mk, which
# may be read after this file.
test_nexfs_SRCS   = $(NEXFS_SRCS) $(PROV_LIB)
test_nexfs_CFLAGS = $(PROV_DEFS) -I$(TP)/blake3

# The link line names the library through a second expansion, for the
# same reason.
.SECONDEXPANSION:
$(NEXFS_TOOL): $(NEXFS_TOBJS) $$(PROV_LIB)
	@echo '  HOSTLD  $@'
	$(Q)$(HCC) $(HCFLAGS) $^ -o $@

.PHONY: nexfs
nexfs: $(NEXFS_TOOL) $(TOUT)/test_nexfs
