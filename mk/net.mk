# Networking (docs/net.md): the NetSwitch (kernel/net/), the only network
# code in the kernel, portable so that the hosted build and the host test
# run the same code, and its benchmark for the monitor's `bench` (which
# kbench.c calls in every build); the virtio-net driver that is its uplink, and the
# monitor's `net` command (kernel only: the hosted build gets a stub); the
# port channel apps open with chan_open(NX_CHAN_NET); and nettest, the app
# that shows a port working end to end.

NET_SRCS := kernel/net/netswitch.c

KERNEL_SRCS += $(NET_SRCS) kernel/net/switchbench.c kernel/sys/svc_net.c \
	       kernel/drivers/virtio_net.c kernel/drivers/net_cmd.c
HOSTED_SRCS += $(NET_SRCS) kernel/net/switchbench.c kernel/arch/hosted/net_cmd.c

UNIT_TESTS += netswitch
test_netswitch_SRCS := $(NET_SRCS) lib/ion/ring.c

# The package rule in mk/user.mk reads NPK_<app> when it runs, so this
# fragment may come first. MASK on the net capability lets `nettest
# nocap` narrow its own right and show the refusal.
NPK_nettest := --spectrum matter --pledge "stdio inet" --cap console:send,recv \
	       --cap net:send,recv,mask --mem 1M --stack 64K
$(B)/user/nettest.npk: mk/net.mk

# `make run` gives the machine one NIC on QEMU's user network and forwards
# 127.0.0.1:HTTP_PORT on the host to port 80 of 10.0.2.15, the address
# QEMU's DHCP server hands the first app that asks: start httpd first.
HTTP_PORT ?= 8080
NET_RUN_FLAGS := -netdev user,id=net0,hostfwd=tcp:127.0.0.1:$(HTTP_PORT)-10.0.2.15:80 \
		 -device virtio-net-device,netdev=net0
