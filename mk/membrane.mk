# The Membrane (user/membrane/, docs/net.md): lwIP in userland, built for
# EL0 into one archive with its NetSwitch netif, timers and sockets, and
# the networking apps that link it. lwIP is Debian's lwip source package,
# fetched into build/third_party/lwip by scripts/third_party.sh and never
# committed.
#
# This file is read before mk/user.mk (mk/*.mk in name order), which
# owns the compiler flags and the app link rule: rules here use UCC and
# UCFLAGS only in recipes, and APP_LIBS_<app> names the archives
# user.mk's link rule adds for an app.

LWIP         := $(TP)/lwip/.stamp
LWIP_DIR     := $(TP)/lwip/src
# IPv4, ARP, ICMP, UDP, TCP, DHCP and the raw API (user/membrane/lwipopts.h).
# timeouts.c is only there for the tcp_timer_needed() stub TCP calls.
LWIP_SRCS    := $(addprefix $(LWIP_DIR)/,core/init.c core/def.c core/inet_chksum.c \
		core/ip.c core/mem.c core/memp.c core/netif.c core/pbuf.c core/raw.c \
		core/stats.c core/sys.c core/tcp.c core/tcp_in.c core/tcp_out.c \
		core/timeouts.c core/udp.c core/ipv4/dhcp.c core/ipv4/etharp.c \
		core/ipv4/icmp.c core/ipv4/ip4.c core/ipv4/ip4_addr.c netif/ethernet.c)
MEMBRANE_OUT := $(B)/user/membrane
MEMBRANE_LIB := $(MEMBRANE_OUT)/libmembrane.a
MEMBRANE_SRCS := $(wildcard user/membrane/*.c) lib/stdlib.c
MEMBRANE_HDRS := $(wildcard user/membrane/*.h user/membrane/arch/*.h \
		 user/libnexus/*.h include/nexus/*.h lib/*.h lib/*/*.h lib/include/*.h)
MEMBRANE_OBJS := $(patsubst %,$(MEMBRANE_OUT)/obj/%.o,$(MEMBRANE_SRCS) $(LWIP_SRCS))

# BLAKE3 for apps (the Membrane keys its TCP sequence numbers with it, and
# wget hashes what it fetches): the portable C code the kernel uses,
# fetched by mk/provchain.mk's rules.
APP_B3_LIB   := $(MEMBRANE_OUT)/libblake3.a
APP_B3_SRCS  := $(addprefix $(TP)/blake3/,blake3.c blake3_dispatch.c blake3_portable.c)
APP_B3_OBJS  := $(patsubst %,$(MEMBRANE_OUT)/obj/%.o,$(APP_B3_SRCS))

# Per-object extra flags, expanded when the recipe runs (PROV_DEFS comes
# from mk/provchain.mk).
$(MEMBRANE_OBJS): MEMBRANE_XFLAGS = -Iuser/membrane -I$(LWIP_DIR)/include -I$(TP)/blake3
$(APP_B3_OBJS): MEMBRANE_XFLAGS = $(PROV_DEFS) -I$(TP)/blake3 -I$(B)/provchain/include

$(MEMBRANE_OUT)/obj/%.c.o: %.c $(MEMBRANE_HDRS)
	@mkdir -p $(@D)
	@echo '  UCC     $<'
	$(Q)$(UCC) $(UCFLAGS) $(MEMBRANE_XFLAGS) $(if $(findstring third_party,$<),-w) -c $< -o $@

$(LWIP):
	@bash scripts/third_party.sh lwip
$(LWIP_SRCS): $(LWIP)
$(MEMBRANE_OBJS): | $(LWIP) $(TP)/blake3/.stamp
$(APP_B3_OBJS): | $(TP)/blake3/.stamp $(B)/provchain/include/.stamp

$(MEMBRANE_LIB): $(MEMBRANE_OBJS)
	@echo '  AR      $@'
	$(Q)rm -f $@ && llvm-ar rcs $@ $^
$(APP_B3_LIB): $(APP_B3_OBJS)
	@echo '  AR      $@'
	$(Q)rm -f $@ && llvm-ar rcs $@ $^

# The apps. Their own objects see the Membrane's headers (sock.h,
# membrane.h, ...), never lwIP's.
MEMBRANE_APPS := httpd wget ping echod netbench
MEMBRANE_APP_OBJS := $(patsubst %,$(B)/user/obj/%.o,$(foreach a,$(MEMBRANE_APPS),$(wildcard user/$(a)/*.c)))
$(MEMBRANE_APP_OBJS): UCFLAGS += -Iuser/membrane
$(MEMBRANE_APP_OBJS): $(wildcard user/membrane/*.h)
$(foreach a,$(MEMBRANE_APPS),$(eval APP_LIBS_$(a) := $(MEMBRANE_LIB) $(APP_B3_LIB)))
$(patsubst %,$(B)/user/obj/%.o,$(wildcard user/wget/*.c)): UCFLAGS += -I$(TP)/blake3
$(patsubst %,$(B)/user/obj/%.o,$(wildcard user/wget/*.c)): | $(TP)/blake3/.stamp
# user/ directories that are not apps.
USER_NOT_APPS += user/membrane/ user/www/

NPK_NET := --cap console:send,recv --cap fs:send,recv --cap net:send,recv
# /status shows every fiber (info PROC, so the promise PROC); httpd
# spawns nothing, so PROC lets it kill nothing.
NPK_httpd    := --spectrum matter --pledge "stdio rpath inet proc" $(NPK_NET) \
		--mem 4M --stack 64K
NPK_wget     := --spectrum matter --pledge "stdio rpath wpath cpath inet" $(NPK_NET) \
		--mem 2M --stack 64K
NPK_ping     := --spectrum matter --pledge "stdio rpath inet" $(NPK_NET) \
		--mem 2M --stack 32K
NPK_echod    := --spectrum matter --pledge "stdio inet" $(NPK_NET) \
		--mem 2M --stack 32K
NPK_netbench := --spectrum matter --pledge "stdio rpath inet" $(NPK_NET) \
		--mem 2M --stack 64K

# The web root httpd serves by default: user/www/ becomes /www.
INITRD_WWW   := $(wildcard user/www/*)

UNIT_TESTS   += hosts http stdlib
test_hosts_SRCS   := user/membrane/hosts.c lib/fmt.c
test_hosts_CFLAGS := -Iuser/membrane
test_http_SRCS    := user/membrane/http.c user/membrane/url.c user/membrane/hosts.c \
		     lib/fmt.c lib/parse.c
test_http_CFLAGS  := -Iuser/membrane
