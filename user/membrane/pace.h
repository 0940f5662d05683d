/*
 * Living within the kinetic economy (docs/scheduler.md). An app pays
 * for its CPU time and, on top, for every verb: each frame it sends is a
 * notify, each wait a receive. CPU time alone costs exactly what a
 * window refills, so an app kept busy through whole windows by a load
 * overdraws on its verbs and is struck: warned, demoted, then killed.
 * A server under load must not die of it; the pacer makes it rest
 * instead, sleeping until its spectrum's next refill whenever its
 * balance runs low, which gives up a slice of throughput and nothing
 * else.
 *
 * The kernel charges a run of CPU only when the app switches out, so the
 * balance info() reports leaves out the run in progress: the pacer adds
 * that up itself, from the clock since it last woke, plus an estimate of
 * the verbs.
 */
#ifndef MEMBRANE_PACE_H
#define MEMBRANE_PACE_H

#include <stdbool.h>
#include <stdint.h>

/* At start: the balance then is a full one, the app's budget. */
void pace_init(void);
/* After any wait that may have switched the app out. */
void pace_woke(void);
/* Energy units just spent on verbs (a notify is 5). */
void pace_spent(uint32_t units);
/* membrane_pace() (membrane.h) rests when the balance is low. */
/* Times the pacer has rested. */
uint64_t pace_rests(void);

#endif
