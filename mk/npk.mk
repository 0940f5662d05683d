# NPK app packages and the initial image's tarfs (docs in include/nexus/npk.h,
# kernel/sys/npk.h and kernel/fs/tarfs.h).
#
#   build/tools/npk                 the packer: npk pack ... APP.elf, npk show PKG
#   build/tests/data/npk_app.elf    a tiny static PIE, linked as apps are
#   build/tests/data/npk_app.npk    that app packed by the tool, for test_npk
#
# The packer is built from the kernel's own validator, so an app the
# kernel would refuse fails `npk pack` with the same reason.

NPK_KSRCS   := kernel/sys/npk.c kernel/fs/tarfs.c lib/fnv.c
KERNEL_SRCS += $(NPK_KSRCS)
HOSTED_SRCS += $(NPK_KSRCS)

NPK_TOOL     := $(B)/tools/npk
NPK_TOOL_SRC := tools/npk.c kernel/sys/npk.c lib/fnv.c lib/fmt.c lib/parse.c
NPK_HDRS     := include/nexus/npk.h include/nexus/errno.h kernel/sys/npk.h \
		kernel/sys/elf.h lib/fnv.h lib/fmt.h lib/parse.h

# Apps are static position-independent executables: the kernel loads each
# at its memory cell's address (identity map) and applies the
# R_AARCH64_RELATIVE relocations itself, so no dynamic linker.
APP_CFLAGS  := -std=c11 -ffreestanding -nostdlib -fPIE -O2 -mgeneral-regs-only \
	       -fno-stack-protector -Wall -Wextra -Werror -Iinclude
APP_LDFLAGS := -pie --no-dynamic-linker -z max-page-size=4096 -e _start

NPK_TEST_APP := $(TOUT)/data/npk_app.elf
NPK_TEST_PKG := $(TOUT)/data/npk_app.npk

UNIT_TESTS += tarfs npk
test_tarfs_SRCS := kernel/fs/tarfs.c lib/fmt.c
test_npk_SRCS   := kernel/sys/npk.c lib/fnv.c lib/fmt.c
# The good package comes from the tool; order-only, so it stays off the
# compiler's command line.
$(TOUT)/test_npk: | $(NPK_TEST_PKG) $(NPK_TOOL)

ALL_EXTRA += $(NPK_TOOL)

$(NPK_TOOL): $(NPK_TOOL_SRC) $(NPK_HDRS)
	@mkdir -p $(@D)
	@echo '  HOSTLD  $@'
	$(Q)$(HCC) $(HCFLAGS) $(filter %.c,$^) -o $@

$(NPK_TEST_APP): tests/unit/data/npk_app.c
	@mkdir -p $(@D)
	@echo '  APP     $@'
	$(Q)$(KCC) $(APP_CFLAGS) -c $< -o $(@:.elf=.o)
	$(Q)ld.lld $(APP_LDFLAGS) $(@:.elf=.o) -o $@

$(NPK_TEST_PKG): $(NPK_TEST_APP) $(NPK_TOOL)
	@echo '  NPK     $@'
	$(Q)$(NPK_TOOL) pack -o $@ --name npk-test --spectrum matter \
		--pledge "stdio rpath" --cap console:send,recv --cap vfs:0x6 \
		--energy 1000 --restart crash --mem 64K --stack 16K $< >/dev/null
