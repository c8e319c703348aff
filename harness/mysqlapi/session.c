/* session.c - the calls on a session that read nothing back: the
 * ping, and what a pool does to a connection it hands out again,
 * COM_RESET_CONNECTION and COM_CHANGE_USER.  See mysqlapi.h. */
#include "mysqlapi/mysqlapi.h"

/* The outcome of out->api, which returned rc on mysql (its thread id
 * before it already in out). */
static void called(MYSQL *mysql, int rc, struct ga_outcome *out)
{
	if (rc != 0)
		ga_mysql_set_error(mysql, out->api, out);
	else
		out->result = GA_RESULT_OK;
	out->thread_after = mysql_thread_id(mysql);
}

void ga_mysql_ping(MYSQL *mysql, struct ga_outcome *out)
{
	out->api = "mysql_ping";
	out->thread_before = mysql_thread_id(mysql);
	called(mysql, mysql_ping(mysql), out);
}

void ga_mysql_reset(MYSQL *mysql, struct ga_outcome *out)
{
	out->api = "mysql_reset_connection";
	out->thread_before = mysql_thread_id(mysql);
	called(mysql, mysql_reset_connection(mysql), out);
}

void ga_mysql_change_user(MYSQL *mysql, const char *user,
			  const char *password, const char *database,
			  struct ga_outcome *out)
{
	out->api = "mysql_change_user";
	out->thread_before = mysql_thread_id(mysql);
	called(mysql, mysql_change_user(mysql, user, password, database),
	       out);
}
