/* The two messages sysbench and pingpong agree on besides the echo. */
#ifndef PINGPONG_H
#define PINGPONG_H

#define PINGPONG_HELLO		1	/* pingpong -> sysbench: connected */
#define PINGPONG_ECHO		2	/* sysbench -> pingpong, and back */
#define PINGPONG_STOP		3	/* sysbench -> pingpong: exit */

/* Milliseconds pingpong waits for the channel to be registered. */
#define PINGPONG_CONNECT_TRIES	1000

#endif
