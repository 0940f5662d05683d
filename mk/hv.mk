# RumKV, the hypervisor: build/hv/rumkv.elf (see docs/hypervisor.md).
# Included from the top-level Makefile; paths are relative to the root.
#
#   make rumkv        build it
#   make rumkv-size   resident and boot-only section sizes
#   make run-rumkv    Rumpk as cell 0 under RumKV, interactive console

HV_OUT   := $(B)/hv
HV_ELF   := $(HV_OUT)/rumkv.elf
HV_LD    := hv/arch/aarch64/rumkv.ld
HV_SRCS  := $(addprefix hv/arch/aarch64/,entry.S vectors.S cell_arch.c \
	      cell_arch_boot.c mmio_emul.c mmu.c mmu_boot.c pl011.c spinlock.c stage2.c stage2_boot.c \
	      traps.c) \
	    $(addprefix hv/core/,cell.c cell_boot.c config_default.c \
	      config_bundle_boot.c manifest.c \
	      dtb_boot.c hv_boot.c hypercall.c log.c log_boot.c psci.c \
	      vgic_dist.c) \
	    lib/string.c lib/fmt.c
HV_FDT   := $(addprefix $(TP)/libfdt/,fdt.c fdt_ro.c fdt_rw.c fdt_wip.c \
	    fdt_addresses.c fdt_strerror.c)
HV_OBJS  := $(patsubst %,$(HV_OUT)/obj/%.o,$(HV_SRCS) $(HV_FDT))
# The kernel's flags without its include directory (hv never includes
# kernel/), plus: EL2 runs with its MMU off, where every access is to
# Device memory and must be aligned; -Os and per-function sections keep
# the resident part small and let the link map sort boot code out.
HV_CFLAGS := $(filter-out -Ikernel,$(KCFLAGS)) -Ihv -mstrict-align -Os \
	     -ffunction-sections -fdata-sections
HV_QEMU  := $(QEMU) -M virt,gic-version=3,virtualization=on -cpu cortex-a72 \
	    -m 1G -nographic -nic none -kernel $(HV_ELF) \
	    -device loader,file=$(KOUT)/rumpk-debug.elf

ALL_EXTRA      += $(HV_ELF)
QEMU_TEST_DEPS += $(HV_ELF)

.PHONY: rumkv rumkv-size run-rumkv

rumkv: $(HV_ELF)

$(HV_OUT)/obj/%.c.o: %.c | $(LIBFDT)
	@mkdir -p $(@D)
	@echo '  CC      $<'
	$(Q)$(KCC) $(HV_CFLAGS) $(if $(findstring third_party,$<),-w) -MMD -c $< -o $@

$(HV_OUT)/obj/%.S.o: %.S
	@mkdir -p $(@D)
	@echo '  AS      $<'
	$(Q)$(KCC) $(HV_CFLAGS) -MMD -c $< -o $@

$(HV_ELF): $(HV_OBJS) $(HV_LD)
	@echo '  LD      $@'
	$(Q)ld.lld -nostdlib -z max-page-size=4096 -T $(HV_LD) $(HV_OBJS) -o $@

rumkv-size: $(HV_ELF)
	@llvm-size -A $(HV_ELF) | grep -E '^(section|\.text|\.rodata|\.data|\.bss|\.stack)'

run-rumkv: deps
	@$(MAKE) --no-print-directory kernel rumkv
	@echo "RumKV: quit with Ctrl-A then X, or type 'poweroff' in the cell."
	$(HV_QEMU)

-include $(shell find $(HV_OUT) -name '*.d' -type f 2>/dev/null)
