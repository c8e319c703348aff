/* stmt.c - prepared statements: see mysqlapi.h */
#include "mysqlapi/mysqlapi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void stmt_error(MYSQL_STMT *stmt, const char *api,
		       struct ga_outcome *out)
{
	out->result = GA_RESULT_ERROR;
	out->api = api;
	out->err = mysql_stmt_errno(stmt);
	snprintf(out->sqlstate, sizeof(out->sqlstate), "%s",
		 mysql_stmt_sqlstate(stmt));
	snprintf(out->message, sizeof(out->message), "%s",
		 mysql_stmt_error(stmt));
}

static void no_memory(const char *api, struct ga_outcome *out)
{
	out->result = GA_RESULT_ERROR;
	out->api = api;
	snprintf(out->message, sizeof(out->message), "out of memory");
}

void ga_stmt_prepare(MYSQL *mysql, MYSQL_STMT **stmt, const char *sql,
		     struct ga_outcome *out)
{
	out->api = "mysql_stmt_prepare";
	out->thread_before = out->thread_after = mysql_thread_id(mysql);
	if (*stmt) {
		mysql_stmt_close(*stmt);
		*stmt = NULL;
	}
	*stmt = mysql_stmt_init(mysql);
	if (!*stmt) {
		no_memory("mysql_stmt_init", out);
		return;
	}
	if (mysql_stmt_prepare(*stmt, sql, (unsigned long)strlen(sql)) != 0) {
		stmt_error(*stmt, "mysql_stmt_prepare", out);
		return;
	}
	out->result = GA_RESULT_OK;
}

/* A LONG_BLOB bind on the first parameter, buffer (may be NULL) of len. */
static int bind_blob(MYSQL_STMT *stmt, char *buffer, unsigned long *len,
		     const char *api, struct ga_outcome *out)
{
	MYSQL_BIND bind;

	if (mysql_stmt_param_count(stmt) < 1) {
		out->result = GA_RESULT_ERROR;
		out->api = api;
		snprintf(out->message, sizeof(out->message), "the prepared "
			 "statement has no parameter ('?') to send data for");
		return -1;
	}
	memset(&bind, 0, sizeof(bind));
	bind.buffer_type = MYSQL_TYPE_LONG_BLOB;
	bind.buffer = buffer;
	bind.buffer_length = *len;
	bind.length = len;
	if (mysql_stmt_bind_param(stmt, &bind) != 0) {
		stmt_error(stmt, "mysql_stmt_bind_param", out);
		return -1;
	}
	return 0;
}

void ga_stmt_execute(MYSQL *mysql, MYSQL_STMT *stmt, long blob,
		     struct ga_outcome *out)
{
	unsigned long len = (unsigned long)blob;
	MYSQL_RES *meta;
	char *buf = NULL;

	out->api = "mysql_stmt_execute";
	out->thread_before = mysql_thread_id(mysql);
	if (blob > 0) {
		buf = malloc((size_t)blob);
		if (!buf) {
			no_memory("mysql_stmt_execute", out);
			return;
		}
		memset(buf, 'x', (size_t)blob);
		if (bind_blob(stmt, buf, &len, "mysql_stmt_bind_param", out)) {
			free(buf);
			return;
		}
	}
	if (mysql_stmt_execute(stmt) != 0) {
		stmt_error(stmt, "mysql_stmt_execute", out);
	} else {
		out->result = GA_RESULT_OK;
		meta = mysql_stmt_result_metadata(stmt);
		if (meta) {     /* drain a result set, keep no value */
			mysql_free_result(meta);
			if (mysql_stmt_store_result(stmt) != 0)
				stmt_error(stmt, "mysql_stmt_store_result", out);
			mysql_stmt_free_result(stmt);
		}
	}
	out->thread_after = mysql_thread_id(mysql);
	free(buf);
}

void ga_stmt_long_data(MYSQL *mysql, MYSQL_STMT *stmt, long total, long chunk,
		       struct ga_outcome *out)
{
	unsigned long zero = 0;
	long sent = 0, n, chunks = 0;
	char *buf;

	out->api = "mysql_stmt_send_long_data";
	out->thread_before = out->thread_after = mysql_thread_id(mysql);
	if (bind_blob(stmt, NULL, &zero, "mysql_stmt_bind_param", out))
		return;
	buf = malloc((size_t)chunk);
	if (!buf) {
		no_memory("mysql_stmt_send_long_data", out);
		return;
	}
	memset(buf, 'x', (size_t)chunk);
	while (sent < total) {
		n = total - sent < chunk ? total - sent : chunk;
		if (mysql_stmt_send_long_data(stmt, 0, buf,
					      (unsigned long)n) != 0) {
			stmt_error(stmt, "mysql_stmt_send_long_data", out);
			snprintf(out->value, sizeof(out->value), "%ld", chunks);
			free(buf);
			return;
		}
		sent += n;
		chunks++;
	}
	free(buf);
	out->result = GA_RESULT_OK;
	out->has_value = true;
	snprintf(out->value, sizeof(out->value), "%ld", chunks);
}
