/* sha256.h - SHA-256 (FIPS 180-4) of bytes, self-contained: the digests
 * a case's folder keeps of the files goneaway replay runs (SHA256SUMS,
 * as sha256sum(1) writes and checks them).  A digest ties the files to
 * one another, it does not say who made them: anyone can write one. */
#ifndef GA_SHA256_H
#define GA_SHA256_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

#define GA_SHA256_LEN 32
#define GA_SHA256_HEX (2 * GA_SHA256_LEN + 1)  /* with its '\0' */

struct ga_sha256 {
	uint32_t h[8];
	uint64_t total;                 /* bytes folded in */
	unsigned char block[64];
	size_t used;                    /* bytes of block filled */
};

void ga_sha256_init(struct ga_sha256 *c);
void ga_sha256_update(struct ga_sha256 *c, const void *data, size_t len);
/* The digest into out; c is used up (init it again to reuse it). */
void ga_sha256_final(struct ga_sha256 *c, unsigned char out[GA_SHA256_LEN]);

/* The digest of data[0..len) as 64 lowercase hex digits into hex. */
void ga_sha256_hex(const void *data, size_t len, char hex[GA_SHA256_HEX]);

/* The digest, as hex, of the regular file name in the open directory
 * dirfd (not followed if it is a symlink), of at most max bytes.
 * Returns 0, or -1 with err set ("NAME: ..."). */
int ga_sha256_file_at(int dirfd, const char *name, long long max,
		      char hex[GA_SHA256_HEX], struct ga_error *err);

#endif
