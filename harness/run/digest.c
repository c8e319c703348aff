/* digest.c - the server's side of a case in one word, for goneaway
 * explore (goneaway run --record): every base table of the schemas that
 * are not the server's own, each read whole by CHECKSUM TABLE (an
 * UPDATE that keeps the row count changes it), named and hashed in
 * their order.  Read through the privileged admin login, taken at the
 * case's mark and again at its end, before teardown resets or ends the
 * server: explore compares them with the clean run's to say whether a
 * write or COMMIT that failed happened all the same. */
#include "run/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#define DIGEST_TABLES_MAX 64

#define TABLES "FROM information_schema.TABLES WHERE TABLE_TYPE = " \
	"'BASE TABLE' AND TABLE_SCHEMA NOT IN ('mysql', " \
	"'information_schema', 'performance_schema', 'sys')"

static uint64_t fnv(uint64_t h, const char *s)
{
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h * 1099511628211ULL;    /* the end of s counts too */
}

/* One statement's first row's column col into out; -1 with err set
 * when it failed. */
static int ask(struct ga_case *c, const char *sql, unsigned col,
	       struct ga_outcome *out, struct ga_error *err)
{
	if (ga_server_privileged_column(&c->srv, sql, col, out, err))
		return -1;
	if (out->result != GA_RESULT_OK)
		return ga_error_set(err, "%s: %u %s", sql, out->err,
				    out->message);
	return 0;
}

int ga_case_digest(struct ga_case *c, char *buf, size_t len,
		   struct ga_error *err)
{
	struct ga_outcome out;
	char sql[512], name[sizeof(out.value)];
	uint64_t h = 14695981039346656037ULL;
	long n, k;

	buf[0] = '\0';
	if (!c->srv_made || !c->srv.pid)
		return ga_error_set(err, "the server is not running");
	if (ask(c, "SELECT COUNT(*) " TABLES, 0, &out, err))
		return -1;
	n = out.has_value ? atol(out.value) : 0;
	if (n > DIGEST_TABLES_MAX)
		return ga_error_set(err, "%ld tables, more than the %d read",
				    n, DIGEST_TABLES_MAX);
	for (k = 0; k < n; k++) {
		snprintf(sql, sizeof(sql), "SELECT CONCAT('`', "
			 "REPLACE(TABLE_SCHEMA, '`', '``'), '`.`', "
			 "REPLACE(TABLE_NAME, '`', '``'), '`') " TABLES
			 " ORDER BY TABLE_SCHEMA, TABLE_NAME LIMIT 1 OFFSET "
			 "%ld", k);
		if (ask(c, sql, 0, &out, err))
			return -1;
		if (!out.has_value)
			return ga_error_set(err, "a table went while it was "
					    "read");
		snprintf(name, sizeof(name), "%s", out.value);
		snprintf(sql, sizeof(sql), "CHECKSUM TABLE %s", name);
		if (ask(c, sql, 1, &out, err))
			return -1;
		h = fnv(fnv(h, name), out.has_value && !out.value_null ?
			out.value : "NULL");
	}
	snprintf(buf, len, "%ld:%016llx", n, (unsigned long long)h);
	return 0;
}
