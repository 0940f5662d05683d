/*
 * The Membrane's network interface: lwIP's netif on the app's NetSwitch
 * port (libnexus net.h). Frames go out with nx_net_send and come in with
 * nx_net_recv, straight into a pool pbuf.
 */
#ifndef MEMBRANE_NXIF_H
#define MEMBRANE_NXIF_H

#include <stdint.h>

#include "lwip/netif.h"

#include "membrane.h"

/* Opens the port: 0 or -NX_E (no net capability, no NIC, ...). */
int nxif_open(void);
/* For netif_add(): fills in the MAC address and the output functions. */
err_t nxif_init(struct netif *nif);
/* Hands up to @max waiting frames to lwIP; returns how many it took. */
unsigned nxif_poll(struct netif *nif, unsigned max);
/* Sleeps until a frame arrives or @deadline (clock ticks; 0: never). */
void nxif_wait(uint64_t deadline);
void nxif_counters(struct membrane_counters *c);

#endif
