/*
 * ION ring layout: the header an SPSC ring keeps in shared memory and the
 * two packet formats that travel over rings. Part of the frozen ABI, shared
 * by the kernel, apps and host tools; docs/ion.md explains the protocol.
 *
 * A ring is one contiguous region: this 256-byte header, then `capacity`
 * slots of `elem_size` bytes each, starting at byte offset `slots_off`.
 *
 * Indices are free-running 32-bit counters. They wrap at 2^32 as a matter
 * of course; a slot is `index & mask`, the fill level is `head - tail`
 * computed modulo 2^32, which stays correct because capacity <= 2^31.
 *
 * head, tail and the waiting flags are accessed with C11 atomics; the
 * cached copies are read and written by their own side only. All are plain
 * fixed-width integers here so that the layout does not depend on the
 * language that maps it.
 */
#ifndef NEXUS_ION_H
#define NEXUS_ION_H

#include <stddef.h>
#include <stdint.h>

#define NX_ION_MAGIC		0x494f4e52u	/* "IONR" */
#define NX_ION_VERSION		1u
#define NX_ION_CACHELINE	64u
#define NX_ION_MAX_CAPACITY	0x80000000u	/* 2^31: head - tail stays unambiguous */
#define NX_ION_MAX_ELEM		4096u		/* slot size limit, bytes */
#define NX_ION_ELEM_ALIGN	8u		/* slot sizes are multiples of this */

/*
 * Ring header. Each writable field has exactly one writer, named in its
 * comment; the lines are split so that the two sides never write the same
 * cache line on the fast path.
 */
struct nx_ion_ring {
	/* Line 0: written once by whoever formats the ring, then read-only. */
	uint32_t magic;			/* NX_ION_MAGIC */
	uint32_t version;		/* NX_ION_VERSION */
	uint32_t capacity;		/* slots, a power of two */
	uint32_t mask;			/* capacity - 1 */
	uint32_t elem_size;		/* bytes per slot */
	uint32_t slots_off;		/* byte offset of slot 0 from the header */
	uint8_t pad0[40];

	/* Line 1: producer. */
	uint32_t head;			/* producer: next index to fill */
	uint32_t prod_cached_tail;	/* producer: last tail it read */
	uint8_t pad1[56];

	/* Line 2: consumer. */
	uint32_t tail;			/* consumer: next index to drain */
	uint32_t cons_cached_head;	/* consumer: last head it read */
	uint8_t pad2[56];

	/*
	 * Line 3: doorbell flags. Set only on the way to sleep, so on the fast
	 * path this line stays clean in both caches and checking it is a hit.
	 */
	uint32_t cons_waiting;		/* consumer sets, either side clears */
	uint32_t prod_waiting;		/* producer sets, either side clears */
	uint8_t pad3[56];
};
_Static_assert(sizeof(struct nx_ion_ring) == 4 * NX_ION_CACHELINE, "ion ring header size");
_Static_assert(offsetof(struct nx_ion_ring, capacity) == 8, "ion capacity offset");
_Static_assert(offsetof(struct nx_ion_ring, elem_size) == 16, "ion elem_size offset");
_Static_assert(offsetof(struct nx_ion_ring, slots_off) == 20, "ion slots_off offset");
_Static_assert(offsetof(struct nx_ion_ring, head) == 1 * NX_ION_CACHELINE, "ion head line");
_Static_assert(offsetof(struct nx_ion_ring, prod_cached_tail) == 1 * NX_ION_CACHELINE + 4,
	       "ion producer cache offset");
_Static_assert(offsetof(struct nx_ion_ring, tail) == 2 * NX_ION_CACHELINE, "ion tail line");
_Static_assert(offsetof(struct nx_ion_ring, cons_cached_head) == 2 * NX_ION_CACHELINE + 4,
	       "ion consumer cache offset");
_Static_assert(offsetof(struct nx_ion_ring, cons_waiting) == 3 * NX_ION_CACHELINE,
	       "ion doorbell line");
_Static_assert(offsetof(struct nx_ion_ring, prod_waiting) == 3 * NX_ION_CACHELINE + 4,
	       "ion producer doorbell offset");

/* A buffer handed over a ring: I/O data, network frames, console bytes. */
struct nx_ion_packet {
	uint64_t data;			/* address of the payload (VA == PA) */
	uint64_t phys;			/* physical address, for DMA */
	uint16_t len;			/* payload bytes */
	uint16_t id;			/* request id, echoed in the reply */
	uint32_t pad;			/* zero */
};
_Static_assert(sizeof(struct nx_ion_packet) == 24, "ion packet size");
_Static_assert(offsetof(struct nx_ion_packet, phys) == 8, "ion packet phys offset");
_Static_assert(offsetof(struct nx_ion_packet, len) == 16, "ion packet len offset");
_Static_assert(offsetof(struct nx_ion_packet, id) == 18, "ion packet id offset");
_Static_assert(offsetof(struct nx_ion_packet, pad) == 20, "ion packet pad offset");

/* A command to a service: kind selects the verb, arg and id its operands. */
struct nx_cmd_packet {
	uint32_t kind;			/* service-defined verb */
	uint32_t pad;			/* zero */
	uint64_t arg;			/* verb argument */
	uint8_t id[16];			/* 128-bit object or request id */
};
_Static_assert(sizeof(struct nx_cmd_packet) == 32, "cmd packet size");
_Static_assert(offsetof(struct nx_cmd_packet, pad) == 4, "cmd packet pad offset");
_Static_assert(offsetof(struct nx_cmd_packet, arg) == 8, "cmd packet arg offset");
_Static_assert(offsetof(struct nx_cmd_packet, id) == 16, "cmd packet id offset");

#endif
