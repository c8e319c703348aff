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

/* Binds blob bytes of buf (blob > 0) and the values to stmt's
 * parameters; binds and nums are n long, lens too.  Returns 0, or -1
 * with out set. */
static int bind_all(MYSQL_STMT *stmt, char *buf, long blob,
		    const struct ga_param *params, size_t nparams,
		    MYSQL_BIND *binds, long long *nums, unsigned long *lens,
		    struct ga_outcome *out)
{
	size_t n = (blob > 0) + nparams, i, k;
	unsigned long want = mysql_stmt_param_count(stmt);

	if (want != n) {
		out->result = GA_RESULT_ERROR;
		out->api = "mysql_stmt_bind_param";
		snprintf(out->message, sizeof(out->message), "the prepared "
			 "statement has %lu parameter%s ('?'), the execute "
			 "gives %zu value%s", want, want == 1 ? "" : "s", n,
			 n == 1 ? "" : "s");
		return -1;
	}
	memset(binds, 0, n * sizeof(*binds));
	i = 0;
	if (blob > 0) {
		lens[0] = (unsigned long)blob;
		binds[0].buffer_type = MYSQL_TYPE_LONG_BLOB;
		binds[0].buffer = buf;
		binds[0].buffer_length = lens[0];
		binds[0].length = &lens[0];
		i = 1;
	}
	for (k = 0; k < nparams; k++, i++) {
		switch (params[k].type) {
		case GA_PARAM_INT:
			nums[i] = params[k].num;
			binds[i].buffer_type = MYSQL_TYPE_LONGLONG;
			binds[i].buffer = &nums[i];
			break;
		case GA_PARAM_TEXT:
			lens[i] = (unsigned long)strlen(params[k].text);
			binds[i].buffer_type = MYSQL_TYPE_STRING;
			binds[i].buffer = params[k].text;
			binds[i].buffer_length = lens[i];
			binds[i].length = &lens[i];
			break;
		case GA_PARAM_NULL:
			binds[i].buffer_type = MYSQL_TYPE_NULL;
			break;
		}
	}
	if (mysql_stmt_bind_param(stmt, binds) != 0) {
		stmt_error(stmt, "mysql_stmt_bind_param", out);
		return -1;
	}
	return 0;
}

void ga_stmt_execute(MYSQL *mysql, MYSQL_STMT *stmt, long blob,
		     const struct ga_param *params, size_t nparams,
		     struct ga_outcome *out)
{
	size_t n = (blob > 0) + nparams;
	MYSQL_BIND *binds = NULL;
	unsigned long *lens = NULL;
	long long *nums = NULL;
	MYSQL_RES *meta;
	char *buf = NULL;

	out->api = "mysql_stmt_execute";
	out->thread_before = mysql_thread_id(mysql);
	if (n > 0) {
		buf = blob > 0 ? malloc((size_t)blob) : NULL;
		binds = calloc(n, sizeof(*binds));
		lens = calloc(n, sizeof(*lens));
		nums = calloc(n, sizeof(*nums));
		if ((blob > 0 && !buf) || !binds || !lens || !nums) {
			no_memory("mysql_stmt_execute", out);
			goto done;
		}
		if (buf)
			memset(buf, 'x', (size_t)blob);
		if (bind_all(stmt, buf, blob, params, nparams, binds, nums,
			     lens, out))
			goto done;
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
done:
	out->thread_after = mysql_thread_id(mysql);
	free(buf);
	free(binds);
	free(lens);
	free(nums);
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
