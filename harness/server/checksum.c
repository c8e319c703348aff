/* checksum.c - see server.h: ga_server_table_checksums().  The listing
 * and every table's CHECKSUM TABLE on one privileged admin connection:
 * a connection costs a login, a SET of its timeouts and a wait for the
 * server to end it (server/admin.c), a statement on it one round trip
 * over the unix socket.  Each statement is bounded by the connection's
 * read timeout (server/admin.c): a server that dies or stalls under it
 * is an error, never a wait. */
#include "server/internal.h"

#include <stdio.h>
#include <string.h>

/* Each base table outside the server's own schemas, quoted as SQL names
 * it, in name order */
#define TABLES_SQL "SELECT CONCAT('`', REPLACE(TABLE_SCHEMA, '`', " \
	"'``'), '`.`', REPLACE(TABLE_NAME, '`', '``'), '`') FROM " \
	"information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' AND " \
	"TABLE_SCHEMA NOT IN ('mysql', 'information_schema', " \
	"'performance_schema', 'sys') ORDER BY TABLE_SCHEMA, TABLE_NAME"

/* two names of 64 characters, each of 4 bytes at the most (a '`' is
 * two), their quotes and the dot */
#define QUOTED_MAX (2 * 64 * 4 + 5)

struct sums {
	size_t max;
	void (*each)(void *ctx, const char *name, const char *sum);
	void *ctx;
	size_t n;
	char what[QUOTED_MAX + 32];     /* the statement that failed */
	unsigned long long tables;      /* the listing's rows */
};

/* CHECKSUM TABLE of every table res lists, in its order, each given to
 * s->each; out the first failure. */
static void sum_each(MYSQL *m, MYSQL_RES *res, struct sums *s,
		     struct ga_outcome *out)
{
	MYSQL_ROW row;

	while ((row = mysql_fetch_row(res)) != NULL) {
		snprintf(s->what, sizeof(s->what), "CHECKSUM TABLE %s",
			 row[0] ? row[0] : "NULL");
		memset(out, 0, sizeof(*out));
		if (!row[0] || strlen(row[0]) > QUOTED_MAX) {
			out->result = GA_RESULT_ERROR;
			snprintf(out->message, sizeof(out->message), "the "
				 "listing gave no name, or one too long");
			return;
		}
		ga_mysql_query_column(m, s->what, 1, out);
		if (out->result != GA_RESULT_OK)
			return;
		s->each(s->ctx, row[0], out->has_value && !out->value_null ?
			out->value : NULL);
		s->n++;
	}
}

/* A ga_admin_work: the listing, then the checksums (none past s->max). */
static void list_and_sum(MYSQL *m, void *ctx, struct ga_outcome *out)
{
	struct sums *s = ctx;
	MYSQL_RES *res;

	snprintf(s->what, sizeof(s->what), "listing the tables");
	if (mysql_query(m, TABLES_SQL) != 0) {
		ga_mysql_set_error(m, "mysql_real_query", out);
		return;
	}
	res = mysql_store_result(m);
	if (!res) {
		ga_mysql_set_error(m, "mysql_store_result", out);
		return;
	}
	s->tables = mysql_num_rows(res);
	out->result = GA_RESULT_OK;
	if (s->tables <= s->max)
		sum_each(m, res, s, out);
	mysql_free_result(res);
}

int ga_server_table_checksums(struct ga_server *srv, size_t max,
			      void (*each)(void *ctx, const char *name,
					   const char *sum),
			      void *ctx, size_t *n, struct ga_error *err)
{
	struct sums s = { .max = max, .each = each, .ctx = ctx };
	struct ga_outcome out;

	*n = 0;
	if (ga_server_privileged_session(srv, list_and_sum, &s, &out, err))
		return -1;
	if (out.result != GA_RESULT_OK)
		return ga_error_set(err, "%s: %u %s", s.what, out.err,
				    out.message);
	if (s.tables > max)
		return ga_error_set(err, "%llu tables, more than the %zu read",
				    s.tables, max);
	*n = s.n;
	return 0;
}
