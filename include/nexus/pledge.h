/*
 * Pledge promises and unveil permissions (OpenBSD semantics), part of the
 * frozen ABI. A pledge word is a uint64_t: promise bits at the bottom,
 * the app's scheduling spectrum in bits 63:62. Both only ever move one
 * way: promises are dropped, never regained, and the spectrum may fall to
 * a lower priority but never rise. kernel/sec/pledge.c enforces this.
 */
#ifndef NEXUS_PLEDGE_H
#define NEXUS_PLEDGE_H

#include <stdint.h>

#define NX_PLEDGE_STDIO	(1ull << 0)	/* console, channels already held, exit */
#define NX_PLEDGE_RPATH	(1ull << 1)	/* open files for reading */
#define NX_PLEDGE_WPATH	(1ull << 2)	/* open files for writing */
#define NX_PLEDGE_CPATH	(1ull << 3)	/* create and remove files */
#define NX_PLEDGE_INET	(1ull << 4)	/* network */
#define NX_PLEDGE_EXEC	(1ull << 5)	/* spawn apps */
#define NX_PLEDGE_PROC	(1ull << 6)	/* see and kill other apps */
#define NX_PLEDGE_AUDIT	(1ull << 7)	/* read and verify the audit log */
#define NX_PLEDGE_POWER	(1ull << 8)	/* poweroff, reboot */
#define NX_PLEDGE_ALL	0x1ffull

/* Spectrum: a larger value is a lower priority. 3 is not a spectrum. */
#define NX_PLEDGE_SPECTRUM_SHIFT	62
#define NX_PLEDGE_SPECTRUM_MASK		(3ull << NX_PLEDGE_SPECTRUM_SHIFT)
#define NX_PLEDGE_PHOTON		0ull
#define NX_PLEDGE_MATTER		1ull
#define NX_PLEDGE_GRAVITY		2ull
#define NX_PLEDGE_SPECTRUM(w)		(((w) & NX_PLEDGE_SPECTRUM_MASK) >> NX_PLEDGE_SPECTRUM_SHIFT)
#define NX_PLEDGE_MKSPECTRUM(s)		((uint64_t)(s) << NX_PLEDGE_SPECTRUM_SHIFT)

/* unveil permissions, the letters of "rwxc". */
#define NX_UNVEIL_R	1u	/* read; needs NX_PLEDGE_RPATH too */
#define NX_UNVEIL_W	2u	/* write; needs NX_PLEDGE_WPATH too */
#define NX_UNVEIL_X	4u	/* execute; needs NX_PLEDGE_EXEC too */
#define NX_UNVEIL_C	8u	/* create, remove; needs NX_PLEDGE_CPATH too */
#define NX_UNVEIL_ALL	0xfu

#endif
