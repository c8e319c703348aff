/* digest.c - the server's side of a case in one word, for goneaway
 * explore (goneaway run --record): every base table of the schemas that
 * are not the server's own, each read whole by CHECKSUM TABLE (an
 * UPDATE that keeps the row count changes it), named and hashed in
 * their order.  Read through the privileged admin login, one connection
 * a digest (ga_server_table_checksums), taken at the case's mark and
 * again at its end, before teardown resets or ends the server: explore
 * compares them with the clean run's to say whether a write or COMMIT
 * that failed happened all the same. */
#include "run/internal.h"

#include <stdint.h>
#include <stdio.h>

#define DIGEST_TABLES_MAX 64

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h * 1099511628211ULL;    /* the end of s counts too */
}

/* A table's name and checksum into the hash at ctx. */
static void add(void *ctx, const char *name, const char *sum)
{
	uint64_t *h = ctx;

	*h = fnv(fnv(*h, name), sum ? sum : "NULL");
}

int ga_case_digest(struct ga_case *c, char *buf, size_t len,
		   struct ga_error *err)
{
	uint64_t h = 14695981039346656037ULL;
	size_t n;

	buf[0] = '\0';
	if (!c->srv_made || !c->srv.pid)
		return ga_error_set(err, "the server is not running");
	if (ga_server_table_checksums(&c->srv, DIGEST_TABLES_MAX, add, &h, &n,
				      err))
		return -1;
	snprintf(buf, len, "%zu:%016llx", n, (unsigned long long)h);
	return 0;
}
