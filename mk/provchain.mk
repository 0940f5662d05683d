# ProvChain, the signed audit log (kernel/sec/, docs/provchain.md), with
# the official BLAKE3 C code and libsodium's Ed25519, both fetched into
# build/third_party/ by scripts/third_party.sh and never committed.
#
#   build/tools/provchain-verify     host verifier of exported logs
#   build/tools/provchain-keygen     makes the build tree's signing key
#   build/provchain/seed.bin         that key's seed, made once (secret)
#   build/provchain/seed.c           the seed as C, linked into Rumpk
#   build/provchain/pubkey.hex       its public key, for the verifier
#
# Host objects are built by mk/boot.mk's rule for build/tools/obj/.

PROV_OUT     := $(B)/provchain
PROV_SEED_C  := $(PROV_OUT)/seed.c
PROV_PUBKEY  := $(PROV_OUT)/pubkey.hex
PROV_VERIFY  := $(B)/tools/provchain-verify
PROV_KEYGEN  := $(B)/tools/provchain-keygen
PROV_LIB     := $(PROV_OUT)/libprovcrypto.a
# libc headers the freestanding build lacks but the crypto code includes.
PROV_SHIM    := $(PROV_OUT)/include/.stamp

BLAKE3       := $(TP)/blake3/.stamp
SODIUM       := $(TP)/libsodium/.stamp
SODIUM_DIR   := $(TP)/libsodium/src/libsodium
# The portable BLAKE3 only: the kernel has no SIMD registers
# (-mgeneral-regs-only), and one code path everywhere keeps the kernel,
# the tests and b3sum's results comparable.
BLAKE3_SRCS  := $(addprefix $(TP)/blake3/,blake3.c blake3_dispatch.c \
		blake3_portable.c)
# What crypto_sign_ed25519_seed_keypair, _detached and _verify_detached
# need; sodium/utils.c and randombytes are replaced by sodium_shim.c.
SODIUM_SRCS  := $(addprefix $(SODIUM_DIR)/,crypto_sign/ed25519/ref10/keypair.c \
		crypto_sign/ed25519/ref10/sign.c crypto_sign/ed25519/ref10/open.c \
		crypto_core/ed25519/ref10/ed25519_ref10.c \
		crypto_hash/sha512/cp/hash_sha512_cp.c crypto_verify/sodium/verify.c)
PROV_TP_SRCS := $(BLAKE3_SRCS) $(SODIUM_SRCS)
PROV_SRCS    := kernel/sec/provchain.c kernel/sec/provchain_check.c \
		kernel/sec/sodium_shim.c

# What libsodium's configure finds on both AArch64 and x86-64 with clang
# or gcc: little-endian, 128-bit integers (so the radix-2^51 field code).
# No SIMD header is declared, so verify.c stays scalar. The BLAKE3_NO_*
# switches only matter on x86-64 hosts.
PROV_DEFS    := -DBLAKE3_USE_NEON=0 -DBLAKE3_NO_SSE2 -DBLAKE3_NO_SSE41 \
		-DBLAKE3_NO_AVX2 -DBLAKE3_NO_AVX512 \
		-DCONFIGURED=1 -DNATIVE_LITTLE_ENDIAN=1 -DHAVE_TI_MODE=1 \
		-DSODIUM_STATIC=1
PROV_INC     := -I$(TP)/blake3 -I$(SODIUM_DIR)/include/sodium

KERNEL_SRCS  += $(PROV_SRCS) $(PROV_TP_SRCS) $(PROV_SEED_C)
HOSTED_SRCS  += $(PROV_SRCS) $(PROV_TP_SRCS) $(PROV_SEED_C)
ALL_EXTRA    += $(PROV_VERIFY)

# Per-object flags: nothing else in the kernel sees these include paths.
PROV_KOBJS   := $(patsubst %,$(KOUT)/obj/%.o,$(PROV_SRCS) $(PROV_TP_SRCS))
PROV_HOBJS   := $(patsubst %,$(HOUT)/obj/%.o,$(PROV_SRCS) $(PROV_TP_SRCS))
PROV_TOBJS   := $(patsubst %,$(B)/tools/obj/%.o,$(PROV_TP_SRCS) \
		kernel/sec/provchain_check.c kernel/sec/sodium_shim.c \
		tools/provchain_parse.c tools/provchain-verify.c \
		tools/provchain-keygen.c lib/parse.c)
$(PROV_KOBJS): KCFLAGS += $(PROV_DEFS) $(PROV_INC) -I$(PROV_OUT)/include
$(PROV_HOBJS) $(PROV_TOBJS): HCFLAGS += $(PROV_DEFS) $(PROV_INC)
$(PROV_KOBJS) $(PROV_HOBJS) $(PROV_TOBJS): | $(BLAKE3) $(SODIUM) $(PROV_SHIM)
$(B)/tools/obj/tools/provchain-verify.c.o: \
	HCFLAGS += -DPROVCHAIN_PUBKEY_FILE='"$(abspath $(PROV_PUBKEY))"'

UNIT_TESTS   += provchain
test_provchain_SRCS   := $(PROV_SRCS) tools/provchain_parse.c lib/parse.c $(PROV_SEED_C) \
			 $(PROV_LIB)
test_provchain_CFLAGS := -I. $(PROV_DEFS) $(PROV_INC)
# The test runs the verifier on its own export and b3sum on its records.
$(TOUT)/test_provchain: | $(PROV_VERIFY) $(PROV_PUBKEY) $(BLAKE3) $(SODIUM)

$(BLAKE3):
	@bash scripts/third_party.sh blake3
$(SODIUM):
	@bash scripts/third_party.sh libsodium
$(BLAKE3_SRCS): $(BLAKE3)
$(SODIUM_SRCS): $(SODIUM)

$(PROV_SHIM):
	@mkdir -p $(@D)/sys
	$(Q)printf '%s\n' '/* ProvChain crypto, freestanding: checks compiled out. */' \
		'#define assert(x) ((void)0)' >$(@D)/assert.h
	$(Q)printf '%s\n' '/* ProvChain crypto, freestanding: only size_t is used. */' \
		'#include <stddef.h>' >$(@D)/sys/types.h
	@touch $@

$(PROV_LIB): $(patsubst %,$(B)/tools/obj/%.o,$(PROV_TP_SRCS))
	@mkdir -p $(@D)
	@echo '  AR      $@'
	$(Q)rm -f $@ && ar rcs $@ $^

$(PROV_KEYGEN): $(B)/tools/obj/tools/provchain-keygen.c.o \
		$(B)/tools/obj/kernel/sec/sodium_shim.c.o $(PROV_LIB)
	@echo '  HOSTLD  $@'
	$(Q)$(HCC) $(HCFLAGS) $^ -o $@

$(PROV_VERIFY): $(addprefix $(B)/tools/obj/,tools/provchain-verify.c.o \
		tools/provchain_parse.c.o kernel/sec/provchain_check.c.o \
		kernel/sec/sodium_shim.c.o lib/parse.c.o) $(PROV_LIB)
	@echo '  HOSTLD  $@'
	$(Q)$(HCC) $(HCFLAGS) $^ -o $@

# The seed is made on the first build and kept; seed.c and pubkey.hex
# follow from it.
$(PROV_SEED_C) $(PROV_PUBKEY) &: $(PROV_KEYGEN)
	@mkdir -p $(PROV_OUT)
	@echo '  KEYGEN  $(PROV_OUT)'
	$(Q)$(PROV_KEYGEN) $(PROV_OUT)

.PHONY: provchain
provchain: $(PROV_VERIFY) $(PROV_PUBKEY)

# The key (seed.bin, seed.c, pubkey.hex) survives `make clean`: a new key
# would make every earlier export unverifiable with the default key.
.PHONY: clean-provchain
clean: clean-provchain
clean-provchain:
	rm -rf $(PROV_LIB) $(PROV_OUT)/include $(PROV_OUT)/unit-export*.txt
