# Host tests of fibers, the harmonic scheduler, events, the timer queue and
# energy metering (kernel/core/). The kernel and hosted builds list these
# sources in the top-level Makefile.
#
# The host tests switch stacks for real (kernel/arch/hosted/switch.S) under
# ASan: kernel/arch/hosted/fiber_arch.c annotates every switch with
# __sanitizer_start/finish_switch_fiber, so no test needs ASan turned off.

CORE_SCHED_SRCS := kernel/core/fiber.c kernel/core/sched.c \
		   kernel/core/event.c kernel/core/timerq.c kernel/core/energy.c
CORE_SCHED_HOSTED := $(CORE_SCHED_SRCS) kernel/arch/hosted/switch.S \
		     kernel/arch/hosted/fiber_arch.c kernel/mm/page_alloc.c \
		     tests/unit/fake_hal.c tests/unit/fake_audit.c

UNIT_TESTS += sched timerq energy fiber event
test_sched_SRCS  := $(CORE_SCHED_HOSTED)
test_timerq_SRCS := kernel/core/timerq.c kernel/mm/page_alloc.c tests/unit/fake_hal.c
test_energy_SRCS := $(CORE_SCHED_HOSTED)
test_fiber_SRCS  := $(CORE_SCHED_HOSTED)
test_event_SRCS  := $(CORE_SCHED_HOSTED)
