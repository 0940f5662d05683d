# Host tests and the host benchmark of the ION rings (kernel/ion/). The
# kernel and hosted builds list these sources in the top-level Makefile.

UNIT_TESTS   += ion_ring
test_ion_ring_SRCS := lib/ion/ring.c kernel/ion/mpsc.c kernel/ion/channel.c

TSAN_TESTS   += ion_stress
tsan_ion_stress_SRCS := lib/ion/ring.c kernel/ion/mpsc.c

HOST_BENCHES += ring
bench_ring_SRCS := lib/ion/ring.c
bench_ring_LIBS := -lck -lpthread

