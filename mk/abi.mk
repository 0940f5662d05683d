# The frozen ABI (include/nexus/, docs/abi.md) and its golden test, which
# hashes the system call table and every ABI layout and fails on any change.

UNIT_TESTS += syscall_abi
test_syscall_abi_SRCS := kernel/sys/syscall_abi.c
