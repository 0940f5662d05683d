# Device drivers (kernel/drivers/). Kernel only: the hosted build has no
# devices. The ring logic is pure and is tested on the host against a
# fake device.

DRIVER_SRCS := kernel/drivers/virtq.c

KERNEL_SRCS += $(DRIVER_SRCS)

UNIT_TESTS += virtq
test_virtq_SRCS := kernel/drivers/virtq.c
