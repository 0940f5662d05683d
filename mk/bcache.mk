# The block cache in front of both filesystems' disks (kernel/fs/bcache.c):
# test_bcache checks hits, eviction, write-through and errors against a
# counting device.
UNIT_TESTS += bcache
test_bcache_SRCS := kernel/fs/bcache.c
