/* sha256.h - the SHA-256 of a file, from libcrypto (OpenSSL's EVP
 * interface; the library is already in goneaway's process through
 * Connector/C): the digests a case's folder keeps of the files goneaway
 * replay runs (SHA256SUMS, as sha256sum(1) writes and checks them).  A
 * digest ties the files to one another, it does not say who made them:
 * anyone can write one. */
#ifndef GA_SHA256_H
#define GA_SHA256_H

#include <stddef.h>

#include "util/error.h"

#define GA_SHA256_LEN 32
#define GA_SHA256_HEX (2 * GA_SHA256_LEN + 1)  /* with its '\0' */

/* The digest, as 64 lowercase hex digits, of the regular file name in
 * the open directory dirfd (not followed if it is a symlink), of at most
 * max bytes.  Returns 0, or -1 with err set ("NAME: ..."). */
int ga_sha256_file_at(int dirfd, const char *name, long long max,
		      char hex[GA_SHA256_HEX], struct ga_error *err);

/* The digest of the len bytes at buf, as 64 lowercase hex digits (a
 * name made of words: a driver's cache's key, client/cache.c).  Returns
 * 0, or -1 with err set ("what: ..."). */
int ga_sha256_hex(const void *buf, size_t len, const char *what,
		  char hex[GA_SHA256_HEX], struct ga_error *err);

#endif
