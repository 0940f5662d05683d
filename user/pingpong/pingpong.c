/*
 * pingpong: sysbench's partner for the app-to-app round trip. It connects
 * to the named channel given as its argument, says hello, then echoes
 * every message until one asks it to stop.
 */
#include "nexus.h"

#include "pingpong.h"

static int connect(const char *name, struct nx_chan_desc *d)
{
	uint64_t step = nx_systable()->clock_freq / 1000;

	for (int tries = 0; tries < PINGPONG_CONNECT_TRIES; tries++) {
		int err = nx_chan_open(name, NX_CHAN_CONNECT, d);

		if (err != -NX_ENOENT)
			return err;
		nx_wait(NX_WAIT_NONE, nx_clock() + step, NULL);
	}
	return -NX_ETIMEDOUT;
}

int main(int argc, char **argv)
{
	struct nx_msg m = { .op = PINGPONG_HELLO };
	struct nx_chan_desc d;
	struct nx_chan c;
	int err;

	if (argc != 2) {
		printf("usage: pingpong CHANNEL\n");
		return 2;
	}
	err = connect(argv[1], &d);
	if (err < 0 || (err = nx_chan_attach(&c, &d)) || (err = nx_send(&c, &m))) {
		printf("pingpong: %s: %s\n", argv[1], nx_strerror(err));
		return 1;
	}
	for (;;) {
		err = nx_recv(&c, &m, NX_DEADLINE_NEVER);
		if (err || m.op == PINGPONG_STOP)
			break;
		err = nx_send(&c, &m);
		if (err)
			break;
	}
	return err ? 1 : 0;
}
