# The dragonbox profile: two cells on two cores (configs/dragonbox.dts,
# docs/hypervisor.md "Two cells on two cores"). Rumpk is cell 0 on core 0
# with the PL011; Debian's unmodified arm64 Linux is cell 1 on core 1
# with a virtio-console.
#
#   build/dragonbox/initrd.gz              scripts/linux-cell.sh --virtio-console
#   build/boot/dragonbox.bundle            manifest + RumKV + Rumpk +
#                                          Image + initrd
#   build/boot/nexus-boot-dragonbox.elf    nexus-boot with that bundle
#   make run PROFILE=dragonbox             boot it (see the top Makefile)
#
# mk/*.mk are read in name order: this file comes after mk/boot.mk but
# before mk/hv.mk and mk/linux-cell.mk, so prerequisites name their
# outputs by path rather than by their variables.

DBX_INITRD      := $(B)/dragonbox/initrd.gz
DBX_BUNDLE      := $(B)/boot/dragonbox.bundle
DBX_BOOT_ELF    := $(B)/boot/nexus-boot-dragonbox.elf
# Where the bundle puts Linux's parts, inside cell 1's RAM
# (0x60000000-0x6fffffff); configs/dragonbox.dts explains the layout.
DBX_IMAGE_ADDR  := 0x60200000
DBX_INITRD_ADDR := 0x68000000
# The interactive Linux console of `make run PROFILE=dragonbox`.
DBX_SOCK        := $(B)/dragonbox-linux.sock

QEMU_TEST_DEPS += $(DBX_BOOT_ELF)

.PHONY: dragonbox

dragonbox: $(DBX_BOOT_ELF)

$(DBX_INITRD): scripts/linux-cell.sh | $(B)/linux-peer/Image
	scripts/linux-cell.sh --virtio-console

$(DBX_BUNDLE): $(B)/tools/mkbundle $(B)/boot/dragonbox.dtb $(B)/hv/rumkv.elf \
	       $(B)/aarch64/rumpk-debug.elf $(B)/linux-peer/Image $(DBX_INITRD)
	@echo '  BUNDLE  $@'
	$(Q)$(B)/tools/mkbundle -o $@ -m $(B)/boot/dragonbox.dtb \
		--hv $(B)/hv/rumkv.elf rumpk=$(B)/aarch64/rumpk-debug.elf \
		linux=$(B)/linux-peer/Image@$(DBX_IMAGE_ADDR) \
		initrd=$(DBX_INITRD)@$(DBX_INITRD_ADDR) >/dev/null

$(B)/boot/obj/payload-dragonbox.o: boot/payload.S $(DBX_BUNDLE)
	@mkdir -p $(@D)
	@echo '  AS      $<'
	$(Q)$(KCC) $(BOOT_CFLAGS) -DBOOT_BUNDLE_FILE='"$(DBX_BUNDLE)"' -c $< -o $@

# Linked at 0x70000000 like the Linux cell's loader (mk/linux-cell.mk,
# boot-linux.ld): above cell 1's RAM, below RumKV.
$(DBX_BOOT_ELF): $(B)/boot/obj/start.o $(B)/boot/obj/main.o \
		 $(B)/boot/obj/payload-dragonbox.o $(B)/boot/boot-linux.ld
	@echo '  LD      $@'
	$(Q)ld.lld -nostdlib -z max-page-size=4096 -T $(B)/boot/boot-linux.ld \
		$(filter %.o,$^) -o $@
