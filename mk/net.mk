# Networking (docs/net.md): the NetSwitch (kernel/net/), the only network
# code in the kernel. It is portable, so the hosted build and the host
# test run the same code.

NET_SRCS := kernel/net/netswitch.c

KERNEL_SRCS += $(NET_SRCS) kernel/sys/svc_net.c kernel/drivers/virtio_net.c \
	       kernel/drivers/net_cmd.c
HOSTED_SRCS += $(NET_SRCS) kernel/arch/hosted/net_cmd.c

UNIT_TESTS += netswitch
test_netswitch_SRCS := $(NET_SRCS) lib/ion/ring.c
