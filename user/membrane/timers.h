/*
 * lwIP's cyclic timers, run by the Membrane itself (LWIP_TIMERS is off)
 * so that an idle app is not woken for timers with nothing to do.
 */
#ifndef MEMBRANE_TIMERS_H
#define MEMBRANE_TIMERS_H

#include <stdint.h>

#include "lwip/netif.h"

#define TIMERS_NONE	UINT32_MAX	/* no timer needs to wake the app */

void timers_init(struct netif *nif, uint32_t now_ms);
/* Runs the handlers that are due; returns the milliseconds until the next
 * one that must wake the app, or TIMERS_NONE. */
uint32_t timers_run(uint32_t now_ms);

#endif
