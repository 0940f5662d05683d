/*
 * Energy metering: each fiber's balance, charged for CPU time and for
 * verbs, refilled once per window of its spectrum. A fiber whose balance
 * is empty ("dry") is not scheduled until its refill, and collects a
 * strike. Units and rates are in energy.c and docs/scheduler.md.
 */
#ifndef ENERGY_H
#define ENERGY_H

#include <stdbool.h>
#include <stdint.h>

#include <nexus/energy.h>

#include "core/sched.h"

struct fiber;

/* Units a fiber of spectrum @s gets per window, and at most holds. */
int64_t energy_budget(enum sched_spectrum s);
/* Energy units worth @ticks of CPU at @freq ticks per second. */
uint64_t energy_units(uint64_t ticks, uint64_t freq);

/* A full balance for a new fiber. */
void energy_reset(struct fiber *f, uint64_t now);
/* Before @f moves to spectrum @to: keep its balance, capped, on the new clock. */
void energy_rebase(struct fiber *f, enum sched_spectrum to, uint64_t now);

/* The balance as of @now, refills included; changes nothing. */
int64_t energy_balance(const struct fiber *f, uint64_t now);
/* No energy left as of @now; never true for an unmetered fiber. */
bool energy_dry(const struct fiber *f, uint64_t now);
/* When @f next gets a refill: the start of its spectrum's next window. */
uint64_t energy_refill_at(const struct fiber *f, uint64_t now);

/* CPU time @ticks of running, charged at switch-out. */
void energy_charge_cpu(struct fiber *f, uint64_t ticks, uint64_t now);
void energy_charge(struct fiber *f, uint64_t units, uint64_t now);
/* Charge the running fiber for a verb: 0, or -NX_EAGAIN if now dry. */
int energy_spend(enum nx_energy_price price);

#endif
