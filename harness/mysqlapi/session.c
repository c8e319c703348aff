/* session.c - what a pool does to a connection it hands out again:
 * COM_RESET_CONNECTION and COM_CHANGE_USER.  See mysqlapi.h. */
#include "mysqlapi/mysqlapi.h"

void ga_mysql_reset(MYSQL *mysql, struct ga_outcome *out)
{
	out->api = "mysql_reset_connection";
	out->thread_before = mysql_thread_id(mysql);
	if (mysql_reset_connection(mysql) != 0)
		ga_mysql_set_error(mysql, "mysql_reset_connection", out);
	else
		out->result = GA_RESULT_OK;
	out->thread_after = mysql_thread_id(mysql);
}

void ga_mysql_change_user(MYSQL *mysql, const char *user,
			  const char *password, const char *database,
			  struct ga_outcome *out)
{
	out->api = "mysql_change_user";
	out->thread_before = mysql_thread_id(mysql);
	if (mysql_change_user(mysql, user, password, database) != 0)
		ga_mysql_set_error(mysql, "mysql_change_user", out);
	else
		out->result = GA_RESULT_OK;
	out->thread_after = mysql_thread_id(mysql);
}
