/* A SYN may reopen a connection lwIP holds in TIME-WAIT (timewait.c). */
#ifndef MEMBRANE_TIMEWAIT_H
#define MEMBRANE_TIMEWAIT_H

struct pbuf;

/* Call with each received frame before lwIP sees it. */
void timewait_reopen(const struct pbuf *p);

#endif
