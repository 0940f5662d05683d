# A Linux guest in a RumKV cell (docs/hypervisor.md, "A Linux guest in a
# cell"): Debian's unmodified arm64 kernel and a busybox initramfs, booted
# by nexus-boot -> RumKV as the one cell of configs/linux.dts, on two cores.
#
#   build/linux-cell/initrd.gz         scripts/linux-cell.sh
#   build/boot/linux.bundle            manifest + RumKV + Image + initrd
#   build/boot/nexus-boot-linux.elf    nexus-boot with that bundle inside
#   make run-linux-cell                boot it, interactive busybox shell
#
# Read after mk/boot.mk and mk/hv.mk (mk/*.mk in name order), so their
# variables can be used in prerequisites here.

LINUX_IMAGE        := $(B)/linux-peer/Image
LINUX_PEER_INITRD  := $(B)/linux-peer/initrd.gz
LINUX_CELL_INITRD  := $(B)/linux-cell/initrd.gz
LINUX_BUNDLE       := $(BOOT_OUT)/linux.bundle
LINUX_BOOT_ELF     := $(BOOT_OUT)/nexus-boot-linux.elf
LINUX_BOOT_LD      := $(BOOT_OUT)/boot-linux.ld
# Where the bundle puts the parts; configs/linux.dts explains the layout.
LINUX_IMAGE_ADDR   := 0x40200000
LINUX_INITRD_ADDR  := 0x48000000
# nexus-boot holds the whole bundle (~34 MiB: the Image alone is ~32 MiB),
# which does not fit in the 12 MiB between nexus-boot's usual 0x7f000000
# and RumKV at 0x7fc00000. This copy links it at 0x70000000 instead: still
# above the cell (0x40000000 + 512 MiB) and below RumKV.
LINUX_BOOT_BASE    := 0x70000000

QEMU_TEST_DEPS += $(LINUX_BOOT_ELF)

.PHONY: linux-cell run-linux-cell

linux-cell: $(LINUX_BOOT_ELF)

# Debian's kernel and busybox, fetched by the Linux peer's script (which
# skips the downloads once done), and the peer's initramfs; never rebuilt
# from here once present.
$(LINUX_IMAGE) $(LINUX_PEER_INITRD):
	scripts/linux-peer.sh

$(LINUX_CELL_INITRD): scripts/linux-cell.sh | $(LINUX_IMAGE)
	scripts/linux-cell.sh

$(LINUX_BUNDLE): $(MKBUNDLE) $(BOOT_OUT)/linux.dtb $(HV_ELF) $(LINUX_IMAGE) \
		 $(LINUX_CELL_INITRD)
	@echo '  BUNDLE  $@'
	$(Q)$(MKBUNDLE) -o $@ -m $(BOOT_OUT)/linux.dtb --hv $(HV_ELF) \
		linux=$(LINUX_IMAGE)@$(LINUX_IMAGE_ADDR) \
		initrd=$(LINUX_CELL_INITRD)@$(LINUX_INITRD_ADDR) >/dev/null

# boot/boot.ld with only the base address changed; fails if the line it
# rewrites ever moves, rather than silently linking at the old address.
$(LINUX_BOOT_LD): boot/boot.ld
	@mkdir -p $(@D)
	$(Q)grep -q '^	\. = 0x7f000000;$$' $< || \
		{ echo "$<: no '. = 0x7f000000;' line to relocate" >&2; exit 1; }
	$(Q)sed 's/^	\. = 0x7f000000;$$/	. = $(LINUX_BOOT_BASE);/' $< >$@

$(BOOT_OUT)/obj/payload-linux.o: boot/payload.S $(LINUX_BUNDLE)
	@mkdir -p $(@D)
	@echo '  AS      $<'
	$(Q)$(KCC) $(BOOT_CFLAGS) -DBOOT_BUNDLE_FILE='"$(LINUX_BUNDLE)"' -c $< -o $@

$(LINUX_BOOT_ELF): $(BOOT_OUT)/obj/start.o $(BOOT_OUT)/obj/main.o \
		   $(BOOT_OUT)/obj/payload-linux.o $(LINUX_BOOT_LD)
	@echo '  LD      $@'
	$(Q)ld.lld -nostdlib -z max-page-size=4096 -T $(LINUX_BOOT_LD) \
		$(filter %.o,$^) -o $@

# The benchmark peer's own initramfs and command line, in a cell, for
# make bench (bench/linux/run.py --cell); built on demand only.
LINUX_PEER_BUNDLE   := $(BOOT_OUT)/linux-peer.bundle
LINUX_PEER_BOOT_ELF := $(BOOT_OUT)/nexus-boot-linux-peer.elf

# The initramfs is a prerequisite so that a change to the benchmark
# programs reaches the cell run, not only the bare one.
$(LINUX_PEER_BUNDLE): $(MKBUNDLE) $(BOOT_OUT)/linux-peer.dtb $(HV_ELF) $(LINUX_IMAGE) \
		      $(LINUX_PEER_INITRD)
	@echo '  BUNDLE  $@'
	$(Q)$(MKBUNDLE) -o $@ -m $(BOOT_OUT)/linux-peer.dtb --hv $(HV_ELF) \
		linux=$(LINUX_IMAGE)@$(LINUX_IMAGE_ADDR) \
		initrd=$(LINUX_PEER_INITRD)@$(LINUX_INITRD_ADDR) >/dev/null

$(BOOT_OUT)/obj/payload-linux-peer.o: boot/payload.S $(LINUX_PEER_BUNDLE)
	@mkdir -p $(@D)
	@echo '  AS      $<'
	$(Q)$(KCC) $(BOOT_CFLAGS) -DBOOT_BUNDLE_FILE='"$(LINUX_PEER_BUNDLE)"' -c $< -o $@

$(LINUX_PEER_BOOT_ELF): $(BOOT_OUT)/obj/start.o $(BOOT_OUT)/obj/main.o \
			$(BOOT_OUT)/obj/payload-linux-peer.o $(LINUX_BOOT_LD)
	@echo '  LD      $@'
	$(Q)ld.lld -nostdlib -z max-page-size=4096 -T $(LINUX_BOOT_LD) \
		$(filter %.o,$^) -o $@

# -smp 2: configs/linux.dts gives the cell both cores.
run-linux-cell: $(LINUX_BOOT_ELF)
	@echo "Linux in a RumKV cell: quit with Ctrl-A then X, or 'poweroff -f'."
	$(BOOT_QEMU) -smp 2 -kernel $(LINUX_BOOT_ELF)
