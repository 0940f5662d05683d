# Nexus build.
#   make run     boot Rumpk in QEMU with an interactive console
#   make test    build everything and run every test (what CI runs)
#   make bench   deterministic measurements, written to bench/results/
#   make debug   QEMU halted at reset, gdb-multiarch attached with symbols
# Both run and test first install whatever is missing (scripts/deps.sh).

ARCH    ?= aarch64
PROFILE ?= micro
B       := build
TP      := $(B)/third_party
PY      := /usr/bin/python3

# V=1 shows every command.
Q := $(if $(filter 1,$(V)),,@)

ifeq ($(filter $(PROFILE),micro core dragonbox),)
$(error PROFILE=$(PROFILE): the profiles are 'micro', 'core' and 'dragonbox')
endif

# ---- toolchains -----------------------------------------------------------
KCC     := clang --target=aarch64-none-elf
KCFLAGS := -std=c11 -ffreestanding -nostdlib -nostdlibinc -mgeneral-regs-only \
           -fno-stack-protector -fno-pic -O2 -g -fno-omit-frame-pointer \
           -mno-omit-leaf-frame-pointer -Wall -Wextra -Werror \
           -Iinclude -Ikernel -Ilib -Ilib/include -I$(TP)/libfdt
HCC     := gcc
SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
HCFLAGS := -std=c11 -D_GNU_SOURCE -O1 -g -fno-omit-frame-pointer $(SAN) \
           -Wall -Wextra -Werror -Iinclude -Ikernel -Ilib -I$(TP)/libfdt
KOUT    := $(B)/aarch64
HOUT    := $(B)/hosted
TOUT    := $(B)/tests

# ---- sources ------------------------------------------------------------
LIB_SRCS    := lib/fmt.c lib/parse.c
CORE_SRCS   := kernel/core/main.c kernel/core/kprintf.c kernel/core/panic.c \
               kernel/core/console.c lib/lined.c kernel/core/irq.c \
               kernel/core/clock.c kernel/core/platform.c \
               kernel/core/monitor.c kernel/core/demo.c kernel/core/kbench.c \
               kernel/core/hardpledge.c kernel/core/attack.c kernel/core/gicpoke.c \
               kernel/core/fiber.c kernel/core/sched.c kernel/core/event.c \
               kernel/core/timerq.c kernel/core/energy.c \
               lib/ion/ring.c kernel/ion/mpsc.c kernel/ion/channel.c \
               kernel/ion/link.c \
               kernel/mm/page_alloc.c
LIBFDT_SRCS := $(addprefix $(TP)/libfdt/,fdt.c fdt_ro.c fdt_wip.c fdt_sw.c \
               fdt_rw.c fdt_strerror.c fdt_addresses.c fdt_empty_tree.c)
LIBFDT      := $(TP)/libfdt/.stamp

SYS_SRCS    := $(addprefix kernel/fs/,vfs.c tarfs_vfs.c bcache.c blkdev.c nexfs_vfs.c \
               lfs_vfs.c) \
               $(addprefix kernel/sys/,app.c chan.c info.c svc_console.c svc_fs.c \
               svc_sys.c syscall.c syscall_abi.c user.c)
KERNEL_SRCS := lib/string.c $(LIB_SRCS) $(CORE_SRCS) $(SYS_SRCS) kernel/core/ksyms.c \
               $(addprefix kernel/arch/aarch64/,start.S vectors.S main.c \
               hal.c uart.c gic.c mmu.c space.c psci.c trap.c esr.c insn.c \
               switch.S fiber_arch.c)
HOSTED_SRCS := $(LIB_SRCS) $(CORE_SRCS) $(LIBFDT_SRCS) \
               $(addprefix kernel/arch/hosted/,hal.c main.c switch.S fiber_arch.c)

# Host unit tests: tests/unit/test_NAME.c linked with test_NAME_SRCS.
UNIT_TESTS  := fmt string parse page_alloc lined irq platform
test_fmt_SRCS        := lib/fmt.c
test_parse_SRCS      := lib/parse.c
test_page_alloc_SRCS := kernel/mm/page_alloc.c lib/fmt.c kernel/core/kprintf.c \
                        tests/unit/stub_kprintf.c
test_lined_SRCS      := lib/lined.c
test_irq_SRCS        := kernel/core/irq.c
test_platform_SRCS   := kernel/core/platform.c lib/fmt.c kernel/core/kprintf.c \
                        tests/unit/stub_kprintf.c \
                        $(LIBFDT_SRCS)
test_string_CFLAGS   := -fno-tree-loop-distribute-patterns
TSAN_TESTS   :=
HOST_BENCHES :=
# Fragments add what `make all` builds and what the QEMU tests need.
ALL_EXTRA      :=
QEMU_TEST_DEPS :=

.DEFAULT_GOAL := all
-include mk/*.mk

# ---- derived --------------------------------------------------------------
KOBJS   := $(patsubst %,$(KOUT)/obj/%.o,$(sort $(KERNEL_SRCS)) $(LIBFDT_SRCS))
KERNEL  := $(KOUT)/rumpk.elf
KERNEL_DEBUG := $(KOUT)/rumpk-debug.elf
LDFLAGS := -nostdlib -z max-page-size=4096 -T kernel/arch/aarch64/kernel.ld
HOSTED  := $(HOUT)/rumpk
UNIT_BINS  := $(patsubst %,$(TOUT)/test_%,$(UNIT_TESTS))
TSAN_BINS  := $(patsubst %,$(TOUT)/tsan_%,$(TSAN_TESTS))
BENCH_BINS := $(patsubst %,$(B)/bench/bench_%,$(HOST_BENCHES))
DTBS       := $(B)/virt.dtb $(B)/virt-el2.dtb
# Test and benchmark programs are built in one step, without dependency
# files: any header change rebuilds them.
HEADERS    := $(wildcard include/nexus/*.h lib/*.h lib/*/*.h lib/include/*.h kernel/*/*.h \
                         kernel/arch/*/*.h tests/unit/*.h)

QEMU       := qemu-system-aarch64
QEMU_FLAGS := -M virt,gic-version=3 -cpu cortex-a72 -m 512M -nographic -nic none

.PHONY: all deps kernel hosted unit tsan qemu-test check test run run-el2 \
        debug bench clean
.DELETE_ON_ERROR:
.SECONDEXPANSION:

all: kernel hosted $(UNIT_BINS) $(TSAN_BINS) $(ALL_EXTRA)

deps:
	@bash scripts/deps.sh

$(LIBFDT):
	@bash scripts/third_party.sh
$(LIBFDT_SRCS): $(LIBFDT)

kernel: $(KERNEL) $(KERNEL_DEBUG)
hosted: $(HOSTED)

$(KOUT)/obj/%.c.o: %.c | $(LIBFDT)
	@mkdir -p $(@D)
	@echo '  CC      $<'
	$(Q)$(KCC) $(KCFLAGS) $(if $(findstring third_party,$<),-w) -MMD -c $< -o $@

$(KOUT)/obj/%.S.o: %.S
	@mkdir -p $(@D)
	@echo '  AS      $<'
	$(Q)$(KCC) $(KCFLAGS) -MMD -c $< -o $@

# Two kernel images from the same objects: rumpk.elf, and rumpk-debug.elf
# whose sys service also offers the kernel monitor and the audit tamper
# command. Only svc_sys.c is compiled twice.
KOBJS_COMMON := $(filter-out %/svc_sys.c.o,$(KOBJS)) $(KOUT)/initrd.o

$(KOUT)/obj/svc_sys-debug.o: kernel/sys/svc_sys.c | $(LIBFDT)
	@mkdir -p $(@D)
	@echo '  CC      $< (debug)'
	$(Q)$(KCC) $(KCFLAGS) -DNX_DEBUG -MMD -c $< -o $@

# The initial image rides in the kernel's read-only data.
$(KOUT)/initrd.o: kernel/arch/aarch64/initrd.S $(INITRD)
	@mkdir -p $(@D)
	$(Q)$(KCC) $(KCFLAGS) -DINITRD_PATH='"$(INITRD)"' -c $< -o $@

$(KOUT)/ksyms0.S:
	@mkdir -p $(@D)
	$(Q)$(PY) scripts/mksyms.py /dev/null $@

$(KOUT)/%.o: $(KOUT)/%.S
	$(Q)$(KCC) $(KCFLAGS) -c $< -o $@

# Two links: the first gives the addresses, the second adds the symbol
# table after everything else. The check proves that nothing moved.
# $(1): image name, $(2): its own objects.
define kernel_image
$(KOUT)/$(1).pass1.elf: $(KOBJS_COMMON) $(2) $(KOUT)/ksyms0.o kernel/arch/aarch64/kernel.ld
	@echo '  LD      $$@'
	$(Q)ld.lld $(LDFLAGS) $(KOBJS_COMMON) $(2) $(KOUT)/ksyms0.o -o $$@

$(KOUT)/$(1).ksyms.S: $(KOUT)/$(1).pass1.elf scripts/mksyms.py
	@echo '  KSYMS   $$@'
	$(Q)llvm-nm -n $$< > $(KOUT)/$(1).pass1.nm
	$(Q)$(PY) scripts/mksyms.py $(KOUT)/$(1).pass1.nm $$@

$(KOUT)/$(1).elf: $(KOBJS_COMMON) $(2) $(KOUT)/$(1).ksyms.o
	@echo '  LD      $$@'
	$(Q)ld.lld $(LDFLAGS) $(KOBJS_COMMON) $(2) $(KOUT)/$(1).ksyms.o -o $$@
	@llvm-nm -n $$@ | grep -v -e ksym -e __kernel_end > $(KOUT)/$(1).final.nm
	@grep -v -e ksym -e __kernel_end $(KOUT)/$(1).pass1.nm | cmp -s - $(KOUT)/$(1).final.nm || \
		{ echo "kernel: adding the symbol table moved other symbols" >&2; exit 1; }
	@llvm-size $$@
endef
$(eval $(call kernel_image,rumpk,$(KOUT)/obj/kernel/sys/svc_sys.c.o))
$(eval $(call kernel_image,rumpk-debug,$(KOUT)/obj/svc_sys-debug.o))

$(HOUT)/obj/%.o: % | $(LIBFDT)
	@mkdir -p $(@D)
	@echo '  HOSTCC  $<'
	$(Q)$(HCC) $(HCFLAGS) $(if $(findstring third_party,$<),-w) -MMD -c $< -o $@

$(HOSTED): $(patsubst %,$(HOUT)/obj/%.o,$(sort $(HOSTED_SRCS)))
	@echo '  HOSTLD  $@'
	$(Q)$(HCC) $(HCFLAGS) $^ -o $@

$(TOUT)/test_%: tests/unit/test_%.c $$(test_%_SRCS) $(HEADERS) | $(LIBFDT) $(DTBS)
	@mkdir -p $(@D)
	@echo '  TEST    $@'
	$(Q)$(HCC) $(HCFLAGS) $(test_$*_CFLAGS) -DNEXUS_BUILD_DIR='"$(B)"' \
		$(filter-out %.h,$^) -lcmocka -o $@

$(TOUT)/tsan_%: tests/unit/tsan_%.c $$(tsan_%_SRCS) $(HEADERS)
	@mkdir -p $(@D)
	@echo '  TSAN    $@'
	$(Q)$(HCC) -std=c11 -D_GNU_SOURCE -O1 -g -fsanitize=thread -Wall -Wextra \
		-Werror -Iinclude -Ikernel -Ilib $(filter-out %.h,$^) -lpthread -o $@

$(B)/bench/bench_%: bench/host/bench_%.c $$(bench_%_SRCS) $(HEADERS)
	@mkdir -p $(@D)
	@echo '  BENCH   $@'
	$(Q)$(HCC) -std=c11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror \
		-Iinclude -Ikernel -Ilib $(filter-out %.h,$^) $(bench_$*_LIBS) -o $@

# The device trees QEMU generates, for the platform unit test.
$(B)/virt.dtb:
	@mkdir -p $(@D)
	$(Q)$(QEMU) -M virt,gic-version=3,dumpdtb=$@ -cpu cortex-a72 -m 512M -nographic -nic none >/dev/null 2>&1
$(B)/virt-el2.dtb:
	@mkdir -p $(@D)
	$(Q)$(QEMU) -M virt,gic-version=3,virtualization=on,dumpdtb=$@ -cpu cortex-a72 -m 512M -nographic -nic none >/dev/null 2>&1

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do echo "== $$t"; $$t; done

tsan: $(TSAN_BINS)
	@set -e; for t in $(TSAN_BINS); do echo "== $$t"; $$t; done

qemu-test: $(KERNEL) $(KERNEL_DEBUG) $(HOSTED) $(QEMU_TEST_DEPS)
	NEXUS_KERNEL=$(KERNEL_DEBUG) NEXUS_KERNEL_RELEASE=$(KERNEL) NEXUS_HOSTED=$(HOSTED) $(PY) -m pytest -v tests/qemu

check: all unit tsan qemu-test

test: deps
	@$(MAKE) --no-print-directory check

# micro: Rumpk alone. core: nexus-boot starts RumKV, which runs Rumpk as
# cell 0 of configs/core.dts. dragonbox: two cells on two cores
# (configs/dragonbox.dts): Rumpk on this terminal, Linux's virtio-console
# on the unix socket $(B)/dragonbox-linux.sock; reach it from a second
# terminal with: socat -,raw,echo=0 UNIX-CONNECT:$(B)/dragonbox-linux.sock
RUN_IMAGE := $(if $(filter core,$(PROFILE)),$(B)/boot/nexus-boot-core.elf,\
	     $(if $(filter dragonbox,$(PROFILE)),$(B)/boot/nexus-boot-dragonbox.elf,\
	     kernel $(DISK_DATA) $(DISK_NEX)))
run: deps
	@$(MAKE) --no-print-directory $(RUN_IMAGE)
	@echo "Nexus: quit with Ctrl-A then X, or type 'poweroff'."
	$(if $(filter core dragonbox,$(PROFILE)),,@echo "Web: type 'run -b httpd' first, then open http://127.0.0.1:$(HTTP_PORT)/ (live page: /status)")
ifeq ($(PROFILE),core)
	$(QEMU) -M virt,gic-version=3,virtualization=on -cpu cortex-a72 -m 1G \
		-nographic -nic none -kernel $(B)/boot/nexus-boot-core.elf
else ifeq ($(PROFILE),dragonbox)
	@echo "Linux (cell 1): socat -,raw,echo=0 UNIX-CONNECT:$(B)/dragonbox-linux.sock"
	$(QEMU) -M virt,gic-version=3,virtualization=on -cpu cortex-a72 -m 1G \
		-smp 2 -nographic -nic none -kernel $(B)/boot/nexus-boot-dragonbox.elf \
		-device virtio-serial-device \
		-chardev socket,id=c1,path=$(B)/dragonbox-linux.sock,server=on,wait=off \
		-device virtconsole,chardev=c1
else
	$(QEMU) $(QEMU_FLAGS) $(DISK_FLAGS) $(NET_RUN_FLAGS) -kernel $(KERNEL)
endif

run-el2: deps
	@$(MAKE) --no-print-directory kernel
	$(QEMU) $(QEMU_FLAGS) -M virt,gic-version=3,virtualization=on -kernel $(KERNEL)

debug: deps
	@$(MAKE) --no-print-directory kernel
	@echo "QEMU waits at the first instruction; gdb: 'b kernel_main', 'c'. QEMU's console is in build/debug-console.log."
	$(QEMU) $(QEMU_FLAGS) -kernel $(KERNEL) -s -S -serial file:$(B)/debug-console.log \
		-monitor none -display none & qemu=$$!; \
	gdb-multiarch -q $(KERNEL) -ex 'target remote :1234'; \
	kill $$qemu 2>/dev/null || true

bench: deps
	@$(MAKE) --no-print-directory kernel $(B)/hv/rumkv.elf $(BENCH_BINS) linux-peer \
		$(B)/boot/nexus-boot-linux-peer.elf $(B)/boot/nexus-boot-linux.elf
	$(PY) bench/run.py $(KERNEL) $(KERNEL_DEBUG) bench/results $(BENCH_BINS)

clean:
	rm -rf $(B)/aarch64 $(B)/hosted $(B)/tests $(B)/bench $(DTBS)

-include $(shell find $(KOUT) $(HOUT) -name '*.d' -type f 2>/dev/null)
