# Capabilities, pledge and unveil (kernel/sec/), and the path normaliser
# they share with the VFS (lib/path.c). Pure logic: the kernel and the
# hosted build compile the same files, and the host tests below prove it.

SEC_SRCS := kernel/sec/cap.c kernel/sec/cap_verbs.c kernel/sec/pledge.c \
	    kernel/sec/unveil.c lib/path.c

KERNEL_SRCS += $(SEC_SRCS)
HOSTED_SRCS += $(SEC_SRCS)

UNIT_TESTS += cap pledge unveil path
test_cap_SRCS    := kernel/sec/cap.c kernel/sec/cap_verbs.c
test_pledge_SRCS := kernel/sec/pledge.c
test_unveil_SRCS := kernel/sec/unveil.c lib/path.c
test_path_SRCS   := lib/path.c
