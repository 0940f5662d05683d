/*
 * provchain-keygen DIR: the build tree's ProvChain signing key.
 *
 * DIR/seed.bin, 32 bytes from /dev/urandom, is made once and then kept:
 * every kernel built in this tree signs with it, standing in for a key
 * the device would hold. From it come DIR/seed.c, which the kernel and
 * the hosted build link, and DIR/pubkey.hex, which provchain-verify
 * reads. None of these is ever committed.
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "crypto_sign_ed25519.h"

static void die(const char *what, const char *path)
{
	fprintf(stderr, "provchain-keygen: %s: %s\n", path, what);
	exit(1);
}

/* Reads exactly @len bytes of @path into @buf. */
static void read_exact(const char *path, uint8_t *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	size_t got = 0;
	ssize_t n;

	if (fd < 0)
		die("cannot open", path);
	while (got < len && (n = read(fd, buf + got, len - got)) > 0)
		got += (size_t)n;
	close(fd);
	if (got != len)
		die("short read", path);
}

static void make_seed(const char *path)
{
	uint8_t seed[32];
	int fd;

	read_exact("/dev/urandom", seed, sizeof(seed));
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0 || write(fd, seed, sizeof(seed)) != (ssize_t)sizeof(seed) || close(fd) != 0)
		die("cannot write", path);
}

/* Writes through a temporary file so that make never sees half a file. */
static FILE *open_out(const char *path, char *tmp, size_t tmplen)
{
	FILE *f;

	snprintf(tmp, tmplen, "%s.tmp", path);
	f = fopen(tmp, "w");
	if (f == NULL)
		die("cannot write", tmp);
	return f;
}

static void close_out(FILE *f, const char *tmp, const char *path)
{
	if (fclose(f) != 0 || rename(tmp, path) != 0)
		die("cannot write", path);
}

int main(int argc, char **argv)
{
	char seed_bin[4096], seed_c[4096], pub_hex[4096], tmp[4200];
	uint8_t seed[32], pk[32], sk[64];
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: provchain-keygen DIR\n");
		return 2;
	}
	umask(077);		/* seed.c holds the secret as much as seed.bin */
	snprintf(seed_bin, sizeof(seed_bin), "%s/seed.bin", argv[1]);
	snprintf(seed_c, sizeof(seed_c), "%s/seed.c", argv[1]);
	snprintf(pub_hex, sizeof(pub_hex), "%s/pubkey.hex", argv[1]);
	if (access(seed_bin, F_OK) != 0)
		make_seed(seed_bin);
	read_exact(seed_bin, seed, sizeof(seed));
	crypto_sign_ed25519_seed_keypair(pk, sk, seed);

	f = open_out(seed_c, tmp, sizeof(tmp));
	fprintf(f, "/* ProvChain device key seed of this build tree, from seed.bin\n"
		   " * (tools/provchain-keygen.c). Secret: never commit it. */\n"
		   "#include \"sec/provchain.h\"\n\n"
		   "const uint8_t provchain_device_seed[32] = {");
	for (int i = 0; i < 32; i++)
		fprintf(f, "%s0x%02x,", i % 8 ? " " : "\n\t", seed[i]);
	fprintf(f, "\n};\n");
	close_out(f, tmp, seed_c);

	f = open_out(pub_hex, tmp, sizeof(tmp));
	for (int i = 0; i < 32; i++)
		fprintf(f, "%02x", pk[i]);
	fprintf(f, "\n");
	close_out(f, tmp, pub_hex);
	return 0;
}
