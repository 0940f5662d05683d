# Apps (user/): libnexus, the apps, their NPK packages and the initial
# image (build/initrd.tar) that the kernel carries and mounts at /.
#
# Apps are static position-independent executables: in one address
# space each runs wherever its memory cell is, and the loader applies
# their R_AARCH64_RELATIVE relocations (kernel/sys/npk.c).

UOUT    := $(B)/user
UCC     := clang --target=aarch64-none-elf
UCFLAGS := -std=c11 -ffreestanding -nostdlib -nostdlibinc -mgeneral-regs-only \
           -fPIE -fvisibility=hidden -fno-stack-protector -O2 -g \
           -fno-omit-frame-pointer -Wall -Wextra -Werror \
           -Iinclude -Iuser/libnexus -Ilib -Ilib/include
ULDFLAGS := $(APP_LDFLAGS) --strip-debug

# The shared pure code an app may use: rings, formatting, parsing, the
# line editor, and the word tables of promises and verbs.
LIBNEXUS_SRCS := $(wildcard user/libnexus/*.c) user/libnexus/crt0.S \
                 lib/string.c lib/fmt.c lib/parse.c lib/ion/ring.c lib/lined.c \
                 kernel/sec/pledge.c kernel/sec/cap_verbs.c
LIBNEXUS_OBJS := $(patsubst %,$(UOUT)/obj/%.o,$(LIBNEXUS_SRCS))

$(UOUT)/obj/%.c.o: %.c $(HEADERS) $(wildcard user/libnexus/*.h)
	@mkdir -p $(@D)
	@echo '  UCC     $<'
	$(Q)$(UCC) $(UCFLAGS) -Ikernel -c $< -o $@

$(UOUT)/obj/%.S.o: %.S
	@mkdir -p $(@D)
	$(Q)$(UCC) $(UCFLAGS) -c $< -o $@

# APPS: each user/NAME/ directory is one app, unless a fragment lists it
# in USER_NOT_APPS (libraries, files for the image); its package options
# are NPK_NAME (default: a console and read-only files, Matter, 1 MiB).
APPS := $(notdir $(patsubst %/,%,$(filter-out user/libnexus/ user/etc/ $(USER_NOT_APPS),\
	$(wildcard user/*/))))
NPK_DEFAULT := --spectrum matter --pledge "stdio rpath" \
               --cap console:send,recv --cap fs:send,recv --mem 1M --stack 64K
NPK_ALL_CAPS := --cap console:send,recv,mask,grant --cap fs:send,recv,mask,grant \
                --cap sys:send,recv,mask,grant --cap net:send,recv,mask,grant
NPK_init := --spectrum matter --restart crash --mem 1M --stack 64K $(NPK_ALL_CAPS) \
            --pledge "stdio rpath wpath cpath inet exec proc audit power"
NPK_sh   := --spectrum matter --mem 1M --stack 64K $(NPK_ALL_CAPS) \
            --pledge "stdio rpath wpath cpath inet exec proc audit power"
NPK_fuzz := --spectrum matter --pledge "stdio rpath proc audit" --mem 1M --stack 64K \
            --cap console:send,recv --cap fs:send,recv
NPK_forkbomb := --spectrum matter --pledge "stdio exec" --mem 256K --stack 16K \
            --cap console:send,recv
NPK_spin := --spectrum matter --pledge "stdio" --energy 2000 --mem 256K --stack 16K \
            --cap console:send,recv
NPK_writer := --spectrum matter --pledge "stdio rpath wpath cpath" --mem 256K --stack 32K \
            --cap console:send,recv --cap fs:send,recv
NPK_fsbench := --spectrum matter --pledge "stdio rpath wpath cpath" --mem 512K --stack 32K \
            --cap console:send,recv --cap fs:send,recv
NPK_crashy := --spectrum matter --pledge "stdio" --restart crash --mem 256K --stack 16K \
            --cap console:send,recv
NPK_unveiltest := --spectrum matter --pledge "stdio rpath wpath" --mem 256K --stack 16K \
            --cap console:send,recv --cap fs:send,recv

# The benchmark and its helpers (user/sysbench/sysbench.c): sysbench spawns,
# pingpong only talks over the channel it is given, true does nothing.
NPK_sysbench := --spectrum matter --pledge "stdio exec" --cap console:send,recv \
                --mem 1M --stack 64K
NPK_pingpong := --spectrum matter --pledge "stdio" --cap console:send,recv \
                --mem 1M --stack 64K
NPK_true     := --spectrum matter --pledge "stdio" --cap console:send,recv \
                --mem 128K --stack 16K

app_objs = $(addprefix $(UOUT)/obj/,$(addsuffix .o,$(wildcard user/$(1)/*.c)))

# APP_LIBS_NAME: archives an app links after libnexus (mk/membrane.mk).
define app_rule
$(UOUT)/$(1).elf: $(call app_objs,$(1)) $(LIBNEXUS_OBJS) $(APP_LIBS_$(1))
	@echo '  ULD     $$@'
	$(Q)ld.lld $(ULDFLAGS) $$^ -o $$@
endef
$(foreach a,$(APPS),$(eval $(call app_rule,$(a))))

$(UOUT)/%.npk: $(UOUT)/%.elf $(NPK_TOOL) mk/user.mk
	$(Q)$(NPK_TOOL) pack -o $@ --name $* $(if $(NPK_$*),$(NPK_$*),$(NPK_DEFAULT)) $< >/dev/null

INITRD_ROOT := $(B)/initrd-root
INITRD      := $(B)/initrd.tar
INITRD_FILES := $(wildcard user/etc/*)

# INITRD_WWW (mk/membrane.mk): files for /www.
$(INITRD): $(patsubst %,$(UOUT)/%.npk,$(APPS)) $(INITRD_FILES) $(INITRD_WWW)
	@echo '  INITRD  $@'
	$(Q)rm -rf $(INITRD_ROOT) && mkdir -p $(INITRD_ROOT)/bin $(INITRD_ROOT)/etc \
		$(INITRD_ROOT)/www
	$(Q)cp $(filter %.npk,$^) $(INITRD_ROOT)/bin/
	$(Q)$(if $(INITRD_FILES),cp $(INITRD_FILES) $(INITRD_ROOT)/etc/)
	$(Q)$(if $(INITRD_WWW),cp $(INITRD_WWW) $(INITRD_ROOT)/www/)
	$(Q)tar --format=ustar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner \
		-C $(INITRD_ROOT) -cf $@ bin etc www
