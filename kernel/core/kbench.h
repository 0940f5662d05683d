/*
 * In-kernel microbenchmarks, run by the monitor's `bench` command. Each
 * prints guest nanoseconds per operation; under QEMU's
 * `-icount shift=0` one nanosecond is one instruction, so make bench
 * reports them as instruction counts.
 */
#ifndef KBENCH_H
#define KBENCH_H

void kbench_cmd(int argc, char **argv);

#endif
