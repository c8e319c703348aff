/* sha256.c - see sha256.h */
#include "util/sha256.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>

/* libcrypto's reason for the failure it reports (out of memory, a
 * provider that could not be loaded), taken off its error queue. */
static int crypto_error(struct ga_error *err, const char *name)
{
	char why[256];
	unsigned long e = ERR_get_error();

	if (e)
		ERR_error_string_n(e, why, sizeof(why));
	else
		snprintf(why, sizeof(why), "no reason given");
	ERR_clear_error();
	return ga_error_set(err, "%s: SHA-256 (libcrypto): %s", name, why);
}

/* The open file fd's digest into d, refused past max bytes. */
static int digest_fd(int fd, const char *name, long long max,
		     unsigned char d[GA_SHA256_LEN], struct ga_error *err)
{
	unsigned char buf[65536];
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	long long total = 0;
	unsigned len = 0;
	ssize_t n;
	int rc = -1;

	if (!md || !EVP_DigestInit_ex(md, EVP_sha256(), NULL)) {
		crypto_error(err, name);
		goto out;
	}
	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		total += n;
		if (total > max) {
			ga_error_set(err, "%s: larger than %lld bytes", name,
				     max);
			goto out;
		}
		if (!EVP_DigestUpdate(md, buf, (size_t)n)) {
			crypto_error(err, name);
			goto out;
		}
	}
	if (n < 0)
		ga_error_errno(err, errno, "%s", name);
	else if (!EVP_DigestFinal_ex(md, d, &len) || len != GA_SHA256_LEN)
		crypto_error(err, name);
	else
		rc = 0;
out:
	EVP_MD_CTX_free(md);
	return rc;
}

/* d as 64 lowercase hex digits. */
static void to_hex(const unsigned char d[GA_SHA256_LEN],
		   char hex[GA_SHA256_HEX])
{
	int i;

	for (i = 0; i < GA_SHA256_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
}

int ga_sha256_hex(const void *buf, size_t len, const char *what,
		  char hex[GA_SHA256_HEX], struct ga_error *err)
{
	unsigned char d[GA_SHA256_LEN];
	unsigned int n = 0;

	if (!EVP_Digest(buf, len, d, &n, EVP_sha256(), NULL) ||
	    n != GA_SHA256_LEN)
		return crypto_error(err, what);
	to_hex(d, hex);
	return 0;
}

int ga_sha256_file_at(int dirfd, const char *name, long long max,
		      char hex[GA_SHA256_HEX], struct ga_error *err)
{
	unsigned char d[GA_SHA256_LEN];
	struct stat st;
	int fd, rc;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ga_error_errno(err, errno, "%s", name);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return ga_error_set(err, "%s: not a regular file", name);
	}
	rc = digest_fd(fd, name, max, d, err);
	close(fd);
	if (rc)
		return -1;
	to_hex(d, hex);
	return 0;
}
