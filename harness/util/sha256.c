/* sha256.c - see sha256.h; FIPS 180-4, section 6.2. */
#include "util/sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b,
	0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
	0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7,
	0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
	0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152,
	0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
	0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
	0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
	0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
	0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, unsigned n)
{
	return (x >> n) | (x << (32 - n));
}

static void compress(uint32_t h[8], const unsigned char *b)
{
	uint32_t w[64], a, bb, c, d, e, f, g, hh, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 |
		       (uint32_t)b[4 * i + 2] << 8 | (uint32_t)b[4 * i + 3];
	for (i = 16; i < 64; i++)
		w[i] = (ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^
			(w[i - 2] >> 10)) + w[i - 7] +
		       (ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^
			(w[i - 15] >> 3)) + w[i - 16];
	a = h[0]; bb = h[1]; c = h[2]; d = h[3];
	e = h[4]; f = h[5]; g = h[6]; hh = h[7];
	for (i = 0; i < 64; i++) {
		t1 = hh + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) +
		     ((e & f) ^ (~e & g)) + K[i] + w[i];
		t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) +
		     ((a & bb) ^ (a & c) ^ (bb & c));
		hh = g; g = f; f = e; e = d + t1;
		d = c; c = bb; bb = a; a = t1 + t2;
	}
	h[0] += a; h[1] += bb; h[2] += c; h[3] += d;
	h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
}

void ga_sha256_init(struct ga_sha256 *c)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memcpy(c->h, iv, sizeof(iv));
	c->total = 0;
	c->used = 0;
}

void ga_sha256_update(struct ga_sha256 *c, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t n;

	c->total += len;
	while (len) {
		n = sizeof(c->block) - c->used;
		if (n > len)
			n = len;
		memcpy(c->block + c->used, p, n);
		c->used += n;
		p += n;
		len -= n;
		if (c->used == sizeof(c->block)) {
			compress(c->h, c->block);
			c->used = 0;
		}
	}
}

void ga_sha256_final(struct ga_sha256 *c, unsigned char out[GA_SHA256_LEN])
{
	uint64_t bits = c->total * 8;
	unsigned char pad = 0x80, len[8];
	int i;

	ga_sha256_update(c, &pad, 1);
	pad = 0;
	while (c->used != 56)
		ga_sha256_update(c, &pad, 1);
	for (i = 0; i < 8; i++)
		len[i] = (unsigned char)(bits >> (56 - 8 * i));
	ga_sha256_update(c, len, 8);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(c->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)c->h[i];
	}
}

static void to_hex(const unsigned char d[GA_SHA256_LEN], char hex[GA_SHA256_HEX])
{
	int i;

	for (i = 0; i < GA_SHA256_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

void ga_sha256_hex(const void *data, size_t len, char hex[GA_SHA256_HEX])
{
	struct ga_sha256 c;
	unsigned char d[GA_SHA256_LEN];

	ga_sha256_init(&c);
	ga_sha256_update(&c, data, len);
	ga_sha256_final(&c, d);
	to_hex(d, hex);
}

int ga_sha256_file_at(int dirfd, const char *name, long long max,
		      char hex[GA_SHA256_HEX], struct ga_error *err)
{
	unsigned char buf[65536], d[GA_SHA256_LEN];
	struct ga_sha256 c;
	struct stat st;
	long long total = 0;
	ssize_t n;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ga_error_errno(err, errno, "%s", name);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return ga_error_set(err, "%s: not a regular file", name);
	}
	ga_sha256_init(&c);
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		total += n;
		if (total > max) {
			close(fd);
			return ga_error_set(err, "%s: larger than %lld bytes",
					    name, max);
		}
		ga_sha256_update(&c, buf, (size_t)n);
	}
	close(fd);
	if (n < 0)
		return ga_error_errno(err, errno, "%s", name);
	ga_sha256_final(&c, d);
	to_hex(d, hex);
	return 0;
}
