# nexus-boot, the boot bundle and its host tool (docs/bundle.md).
#
#   build/tools/mkbundle          host tool, shares hv/core/manifest.c
#   build/boot/micro.bundle       manifest + Rumpk (micro profile)
#   build/boot/nexus-boot.elf     the loader with that bundle inside
#   make run-boot                 boot it at EL2 (virtualization=on)
#   make boot-lines               nexus-boot's line count (limit 300)
#
# The bundle is embedded with .incbin (boot/payload.S), so the loader is
# relinked whenever the bundle changes.

BOOT_OUT     := $(B)/boot
MKBUNDLE     := $(B)/tools/mkbundle
BOOT_ELF     := $(BOOT_OUT)/nexus-boot.elf
BOOT_BUNDLE  := $(BOOT_OUT)/micro.bundle
BOOT_QEMU     = $(QEMU) -M virt,gic-version=3,virtualization=on -cpu cortex-a72 \
		-m 1G -nographic -nic none

# -mstrict-align: nexus-boot runs with the MMU off, where every access is
# Device memory and an unaligned one faults.
BOOT_CFLAGS  := $(KCFLAGS) -mstrict-align -Os
BOOT_OBJS    := $(BOOT_OUT)/obj/start.o $(BOOT_OUT)/obj/main.o \
		$(BOOT_OUT)/obj/payload.o

MKBUNDLE_SRCS := tools/mkbundle.c tools/elfload.c hv/core/manifest.c \
		 lib/fmt.c $(LIBFDT_SRCS)
MKBUNDLE_OBJS := $(patsubst %,$(B)/tools/obj/%.o,$(MKBUNDLE_SRCS))

UNIT_TESTS   += manifest
test_manifest_SRCS   := hv/core/manifest.c tools/elfload.c lib/fmt.c \
			$(LIBFDT_SRCS)
test_manifest_CFLAGS := -I.
# The ELF reader's good case is the real kernel image; order-only so it
# does not land on the compiler's command line.
$(TOUT)/test_manifest: | $(KOUT)/rumpk.elf

ALL_EXTRA      += $(MKBUNDLE) $(BOOT_ELF) $(BOOT_OUT)/manifest.el2.o
QEMU_TEST_DEPS += $(BOOT_ELF)

.PHONY: run-boot boot-lines clean-boot
clean: clean-boot

$(B)/tools/obj/%.o: % | $(LIBFDT)
	@mkdir -p $(@D)
	@echo '  HOSTCC  $<'
	$(Q)$(HCC) $(HCFLAGS) -I. $(if $(findstring third_party,$<),-w) -MMD -c $< -o $@

$(MKBUNDLE): $(MKBUNDLE_OBJS)
	@echo '  HOSTLD  $@'
	$(Q)$(HCC) $(HCFLAGS) $^ -o $@

# The manifest parser must also build freestanding, as RumKV runs it at
# EL2: this object proves it on every `make all`.
$(BOOT_OUT)/manifest.el2.o: hv/core/manifest.c | $(LIBFDT)
	@mkdir -p $(@D)
	@echo '  CC      $< (EL2, freestanding)'
	$(Q)$(KCC) $(KCFLAGS) -MMD -c $< -o $@

$(BOOT_OUT)/%.dtb: configs/%.dts
	@mkdir -p $(@D)
	@echo '  DTC     $<'
	$(Q)dtc -q -I dts -O dtb -o $@ $<

$(BOOT_BUNDLE): $(MKBUNDLE) $(BOOT_OUT)/micro.dtb $(KOUT)/rumpk-debug.elf
	@echo '  BUNDLE  $@'
	$(Q)$(MKBUNDLE) -o $@ -m $(BOOT_OUT)/micro.dtb rumpk=$(KOUT)/rumpk-debug.elf >/dev/null

$(BOOT_OUT)/obj/%.o: boot/%.c
	@mkdir -p $(@D)
	@echo '  CC      $<'
	$(Q)$(KCC) $(BOOT_CFLAGS) -MMD -c $< -o $@

$(BOOT_OUT)/obj/start.o: boot/start.S
	@mkdir -p $(@D)
	@echo '  AS      $<'
	$(Q)$(KCC) $(BOOT_CFLAGS) -c $< -o $@

$(BOOT_OUT)/obj/payload.o: boot/payload.S $(BOOT_BUNDLE)
	@mkdir -p $(@D)
	@echo '  AS      $<'
	$(Q)$(KCC) $(BOOT_CFLAGS) -DBOOT_BUNDLE_FILE='"$(BOOT_BUNDLE)"' -c $< -o $@

$(BOOT_ELF): $(BOOT_OBJS) boot/boot.ld
	@echo '  LD      $@'
	$(Q)ld.lld -nostdlib -z max-page-size=4096 -T boot/boot.ld $(BOOT_OBJS) -o $@

# The core profile: RumKV and Rumpk as cell 0, as configs/core.dts says.
# (mk/hv.mk is read after this file, so its variables cannot be used in
# prerequisites here.)
CORE_BUNDLE   := $(BOOT_OUT)/core.bundle
CORE_BOOT_ELF := $(BOOT_OUT)/nexus-boot-core.elf
ALL_EXTRA      += $(CORE_BOOT_ELF)
QEMU_TEST_DEPS += $(CORE_BOOT_ELF)

$(CORE_BUNDLE): $(MKBUNDLE) $(BOOT_OUT)/core.dtb $(KOUT)/rumpk-debug.elf $(B)/hv/rumkv.elf
	@echo '  BUNDLE  $@'
	$(Q)$(MKBUNDLE) -o $@ -m $(BOOT_OUT)/core.dtb --hv $(B)/hv/rumkv.elf \
		rumpk=$(KOUT)/rumpk-debug.elf >/dev/null

$(BOOT_OUT)/obj/payload-core.o: boot/payload.S $(CORE_BUNDLE)
	@mkdir -p $(@D)
	@echo '  AS      $<'
	$(Q)$(KCC) $(BOOT_CFLAGS) -DBOOT_BUNDLE_FILE='"$(CORE_BUNDLE)"' -c $< -o $@

$(CORE_BOOT_ELF): $(BOOT_OUT)/obj/start.o $(BOOT_OUT)/obj/main.o \
		  $(BOOT_OUT)/obj/payload-core.o boot/boot.ld
	@echo '  LD      $@'
	$(Q)ld.lld -nostdlib -z max-page-size=4096 -T boot/boot.ld \
		$(filter %.o,$^) -o $@

run-boot: $(BOOT_ELF)
	@echo "nexus-boot: quit with Ctrl-A then X, or type 'poweroff'."
	$(BOOT_QEMU) -kernel $(BOOT_ELF)

boot-lines:
	@bash scripts/count-boot-lines.sh

clean-boot:
	rm -rf $(BOOT_OUT) $(B)/tools

-include $(shell find $(BOOT_OUT) $(B)/tools -name '*.d' -type f 2>/dev/null)
