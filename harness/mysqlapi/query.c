/* query.c - queries and errors: see mysqlapi.h */
#include "mysqlapi/mysqlapi.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

void ga_mysql_set_error(MYSQL *mysql, const char *api, struct ga_outcome *out)
{
	out->result = GA_RESULT_ERROR;
	out->api = api;
	out->err = mysql_errno(mysql);
	snprintf(out->sqlstate, sizeof(out->sqlstate), "%s", mysql_sqlstate(mysql));
	snprintf(out->message, sizeof(out->message), "%s", mysql_error(mysql));
}

/* Copies column col of row into out's value (none when the row has no
 * such column). */
static void keep_column(MYSQL_RES *res, MYSQL_ROW row, unsigned col,
			struct ga_outcome *out)
{
	unsigned long *lengths;

	if (!row || mysql_num_fields(res) <= col)
		return;
	lengths = mysql_fetch_lengths(res);
	out->has_value = true;
	out->value_null = row[col] == NULL;
	if (row[col])
		snprintf(out->value, sizeof(out->value), "%.*s",
			 (int)(lengths[col] < sizeof(out->value) ?
			       lengths[col] : sizeof(out->value) - 1), row[col]);
}

/* Copies the first column of row into out's value. */
static void keep_value(MYSQL_RES *res, MYSQL_ROW row, struct ga_outcome *out)
{
	keep_column(res, row, 0, out);
}

/* Stores the result set (if any) and keeps column col of its first row. */
static void store_first_value(MYSQL *mysql, unsigned col,
			      struct ga_outcome *out)
{
	MYSQL_RES *res;

	if (mysql_field_count(mysql) == 0) {
		out->result = GA_RESULT_OK;
		return;
	}
	res = mysql_store_result(mysql);
	if (!res) {
		ga_mysql_set_error(mysql, "mysql_store_result", out);
		return;
	}
	out->result = GA_RESULT_OK;
	keep_column(res, mysql_fetch_row(res), col, out);
	mysql_free_result(res);
}

void ga_mysql_query_column(MYSQL *mysql, const char *sql, unsigned col,
			   struct ga_outcome *out)
{
	out->api = "mysql_real_query";
	out->thread_before = mysql_thread_id(mysql);
	if (mysql_real_query(mysql, sql, (unsigned long)strlen(sql)) != 0)
		ga_mysql_set_error(mysql, "mysql_real_query", out);
	else
		store_first_value(mysql, col, out);
	out->thread_after = mysql_thread_id(mysql);
}

void ga_mysql_query(MYSQL *mysql, const char *sql, struct ga_outcome *out)
{
	ga_mysql_query_column(mysql, sql, 0, out);
}

void ga_mysql_stream(MYSQL *mysql, const char *sql, MYSQL_RES **res,
		     struct ga_outcome *out)
{
	MYSQL_ROW row;

	out->api = "mysql_real_query";
	out->thread_before = mysql_thread_id(mysql);
	out->thread_after = out->thread_before;
	if (mysql_real_query(mysql, sql, (unsigned long)strlen(sql)) != 0) {
		ga_mysql_set_error(mysql, "mysql_real_query", out);
		out->has_rows = true;   /* a stream that failed at its query
					 * read no row: rows = 0 holds */
		return;
	}
	*res = mysql_use_result(mysql);
	if (!*res) {
		ga_mysql_set_error(mysql, "mysql_use_result", out);
		out->has_rows = true;   /* none read either */
		return;
	}
	row = mysql_fetch_row(*res);
	if (!row && mysql_errno(mysql)) {
		ga_mysql_set_error(mysql, "mysql_fetch_row", out);
		out->has_rows = true;   /* none before its first */
		return;
	}
	out->result = GA_RESULT_OK;
	keep_value(*res, row, out);
}

/* Waits ms, or less when a signal comes (the built-in client's cancel
 * interrupts its worker with one): the next read then finds its socket
 * cut. */
static void pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* On an error, the rows read before it are the outcome's rows. */
void ga_mysql_fetch(MYSQL *mysql, MYSQL_RES **res, long batch, long every_ms,
		    struct ga_outcome *out)
{
	unsigned long rows = 0;

	out->api = "mysql_fetch_row";
	while (mysql_fetch_row(*res)) {
		rows++;
		if (every_ms > 0 && batch > 0 && rows % (unsigned long)batch == 0)
			pause_ms(every_ms);
	}
	if (mysql_errno(mysql)) {
		ga_mysql_set_error(mysql, "mysql_fetch_row", out);
		out->has_rows = true;
		out->rows = (long)rows;
	} else {
		out->result = GA_RESULT_OK;
		out->has_value = true;
		snprintf(out->value, sizeof(out->value), "%lu", rows);
	}
	mysql_free_result(*res);
	*res = NULL;
}
