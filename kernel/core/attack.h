/*
 * A debug command that makes Rumpk behave like a compromised kernel, so
 * that tests can show RumKV's stage-2 tables and trap handlers stop it
 * (tests/qemu/test_rumkv_attacks.py, docs/hypervisor.md "Attack
 * catalog"). A production kernel would build it only in debug builds.
 */
#ifndef ATTACK_H
#define ATTACK_H

/*
 * attack read ADDR | write ADDR | hvc-fuzz N SEED | cpu-on MPIDR
 * A read or write that is not stopped says so; one that is stopped never
 * returns, because RumKV terminates the cell.
 */
void attack_cmd(int argc, char **argv);

#endif
