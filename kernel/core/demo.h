/*
 * Monitor commands that exercise the scheduler and the rings in the
 * booted system: background demos to watch with ps, and self-checks that
 * print PASS or FAIL for the QEMU tests.
 */
#ifndef DEMO_H
#define DEMO_H

void demo_cmd_spawn(int argc, char **argv);
void demo_cmd_sched_test(int argc, char **argv);
void demo_cmd_ring_test(int argc, char **argv);

#endif
