/* lwIP's hooks that the Membrane fills in (lwipopts.h names this file). */
#ifndef MEMBRANE_HOOKS_H
#define MEMBRANE_HOOKS_H

#include "lwip/ip_addr.h"

/* isn.c: initial sequence numbers an off-path attacker cannot guess. */
u32_t membrane_tcp_isn(const ip_addr_t *local_ip, u16_t local_port,
		       const ip_addr_t *remote_ip, u16_t remote_port);
#define LWIP_HOOK_TCP_ISN	membrane_tcp_isn

#endif
