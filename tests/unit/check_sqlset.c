/* check_sqlset.c - SET statements (lang/sqlset.c): the global variables
 * a replay may set, a SET list's targets scoped as the servers scope
 * them, a plain SET GLOBAL taken apart (and everything else not), and
 * written again so that it reads the same under every sql_mode. */
#include <stdio.h>
#include <string.h>

#include "lang/sqlset.h"
#include "suites.h"

START_TEST(test_settable)
{
	static const char *const yes[] = {
		"read_only", "super_read_only", "max_session_mem_used",
		"connection_memory_limit", "global_connection_memory_tracking",
		"wait_timeout", "interactive_timeout", "net_read_timeout",
		"net_write_timeout", "max_connections", "max_allowed_packet",
		"max_statement_time", "max_execution_time", "lock_wait_timeout",
		"innodb_lock_wait_timeout", "connect_timeout", "sql_mode",
		"general_log", "slow_query_log", "long_query_time",
		"Wait-Timeout", "SQL_MODE",
	};
	static const char *const no[] = {
		"general_log_file", "slow_query_log_file", "plugin_dir",
		"init_connect", "init_file", "secure_file_priv", "ssl_key",
		"ssl_cert", "socket", "datadir", "tmpdir", "log_error",
		"innodb_buffer_pool_filename", "innodb_tmpdir", "log_bin_basename",
		"relay_log", "event_scheduler", "character_sets_dir",
		"default.key_buffer_size", "wait_timeout ", "", "wait_timeoutx",
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	};
	size_t i;

	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ck_assert_msg(ga_settable_global(yes[i]), "%s", yes[i]);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ck_assert_msg(!ga_settable_global(no[i]), "%s", no[i]);
	ck_assert(!ga_settable_global(NULL));
}
END_TEST

/* sql's first assignment target after SET, as "KIND KEYWORD/AT NAME"
 * and the token after it. */
static void target(const char *sql, const char *want)
{
	struct ga_sqllex lx;
	struct ga_sqltok t;
	struct ga_sql_target tg;
	static const char *const kinds[] = { "var", "user", "other" };
	static const char *const scopes[] = {
		"none", "session", "global", "persist",
	};
	char got[128];

	ga_sqllex_init(&lx, sql, strlen(sql), 0, 0);
	ga_sqllex_next(&lx, &t);        /* SET */
	ga_sqllex_next(&lx, &t);
	ga_sql_read_target(&lx, &t, &tg);
	snprintf(got, sizeof(got), "%s %s/%s %s %.*s", kinds[tg.kind],
		 scopes[tg.keyword], scopes[tg.at], tg.name, (int)t.len, t.s);
	ck_assert_str_eq(got, want);
}

START_TEST(test_targets)
{
	target("SET GLOBAL x = 1", "var global/none x =");
	target("SET PERSIST_ONLY x = 1", "var persist/none x =");
	target("SET LOCAL x := 1", "var session/none x :");
	target("SET x = 1", "var none/none x =");
	target("SET global = 1", "var none/none global =");
	target("SET @@x = 1", "var none/session x =");
	target("SET @@global . `X-Y` = 1", "var none/global x_y =");
	target("SET @@persist.'x' = 1", "var none/persist x =");
	target("SET @@`global`.x = 1", "var none/global x =");
	target("SET GLOBAL @@session.x = 1", "var global/session x =");
	target("SET @x = 1", "user none/none  =");
	target("SET @'x' = 1", "user none/none  =");
	target("SET GLOBAL default.key_buffer_size = 1",
	       "var global/none  =");
	target("SET NAMES utf8mb4", "var none/none names utf8mb4");
	target("SET ('a', 'b')", "other none/none  (");
}
END_TEST

/* A plain SET GLOBAL, and what it is taken apart into: "name kind
 * value; ..." */
static const struct {
	const char *sql;
	const char *parts;
} plain[] = {
	{ "SET GLOBAL wait_timeout = 10", "wait_timeout int 10" },
	{ "set global Wait_Timeout=10;", "wait_timeout int 10" },
	{ "SET GLOBAL read_only = ON, super_read_only = 1",
	  "read_only word ON; super_read_only int 1" },
	{ "SET @@global.sql_mode = 'ANSI_QUOTES', @@GLOBAL.long_query_time = "
	  "1.5", "sql_mode string ANSI_QUOTES; long_query_time decimal 1.5" },
	{ "SET GLOBAL max_connections := -5, wait_timeout = +5",
	  "max_connections int -5; wait_timeout int 5" },
	{ "SET GLOBAL sql_mode = 'STRICT' '_TRANS_TABLES'",
	  "sql_mode string STRICT_TRANS_TABLES" },
	{ "SET GLOBAL x = 'it''s \"so\"'", "x string it's \"so\"" },
	{ "SET GLOBAL `wait-timeout` = 5 /* a note */ ;",
	  "wait_timeout int 5" },
	{ "SET GLOBAL general_log = default, slow_query_log = off",
	  "general_log word DEFAULT; slow_query_log word OFF" },
	{ "SET GLOBAL x = 1, @@global.y = 2, z = TRUE",
	  "x int 1; y int 2; z word TRUE" },
	{ "/*! SET GLOBAL x = 1 */", "x int 1" },
	{ "SET GLOBAL x = ''", "x string " },
};

static const char *const kind_names[] = { "int", "decimal", "string",
					  "word" };

START_TEST(test_plain)
{
	struct ga_sql_set set;
	const char *why = NULL;
	char got[1024] = "";
	size_t i, used = 0;

	ck_assert_msg(ga_sql_set_globals(plain[_i].sql, &set, &why) == 0,
		      "%s: %s", plain[_i].sql, why);
	for (i = 0; i < set.n; i++)
		used += (size_t)snprintf(got + used, sizeof(got) - used,
					 "%s%s %s %s", i ? "; " : "",
					 set.a[i].name,
					 kind_names[set.a[i].kind],
					 set.a[i].value);
	ck_assert_str_eq(got, plain[_i].parts);
}
END_TEST

/* Not a plain SET GLOBAL, each with a word of the reason. */
static const char *const not_plain[][2] = {
	{ "SET GLOBAL wait_timeout = 2 + SLEEP(4)", "more after the value" },
	{ "SET GLOBAL wait_timeout = SLEEP(4)", "not a literal" },
	{ "SET GLOBAL wait_timeout = (5)", "not a literal" },
	{ "SET GLOBAL x = @y", "not a literal" },
	{ "SET GLOBAL x = NULL", "not a literal" },
	{ "SET GLOBAL x = - 'a'", "not a literal" },
	{ "SET GLOBAL x = 0x10", "not a literal" },
	{ "SET GLOBAL x = 1e3", "not a literal" },
	{ "SET GLOBAL x = 1.5e3", "not [-]digits[.digits]" },
	{ "SET GLOBAL x = 1 .5", "more after the value" },
	{ "SET GLOBAL x = .5", "not a literal" },
	{ "SET SESSION x = 1", "not GLOBAL" },
	{ "SET x = 1", "not GLOBAL" },
	{ "SET @@x = 1", "not GLOBAL" },
	{ "SET PERSIST x = 1", "not GLOBAL" },
	{ "SET @@global.x = 1, y = 2", "not GLOBAL" },
	{ "SET GLOBAL x = 1, SESSION y = 2", "not GLOBAL" },
	{ "SET GLOBAL x = 1, @@session.y = 2", "not GLOBAL" },
	{ "SET GLOBAL @@global.x = 1", "not GLOBAL" },
	{ "SET @x = 1", "not of a system variable" },
	{ "SET GLOBAL a.b = 1", "not one plain name" },
	{ "SET GLOBAL TRANSACTION ISOLATION LEVEL READ COMMITTED",
	  "without '='" },
	{ "SET GLOBAL x = 1; SELECT 1", "more after the value" },
	{ "SET GLOBAL x = 1,", "not of a system variable" },
	{ "SELECT 1", "not a SET statement" },
	{ "", "not a SET statement" },
	{ "SET GLOBAL x = 'a\\\\b'", "backslash" },
	{ "SET GLOBAL x = 'caf\xc3\xa9'", "not printable ASCII" },
	{ "SET GLOBAL x = 'a\tb'", "not printable ASCII" },
	{ "SET GLOBAL x = \"ANSI\"", "not a literal" },
	{ "/*!50000 SET GLOBAL x = 1 */", "not a SET statement" },
	{ "SET GLOBAL x = 5 /*!50000 + 1 */", "more after the value" },
	{ "SET GLOBAL x = 5 /*M! , y = 6 */", "read in different ways" },
	{ "SET GLOBAL x = 1 $", "a '$' outside quotes" },
	{ "SET GLOBAL a=1, b=1, c=1, d=1, e=1, f=1, g=1, h=1, i=1, j=1, "
	  "k=1, l=1, m=1, n=1, o=1, p=1, q=1", "more than 16" },
};

START_TEST(test_not_plain)
{
	struct ga_sql_set set;
	const char *why = NULL;

	ck_assert_msg(ga_sql_set_globals(not_plain[_i][0], &set, &why) == -1,
		      "taken as plain: %s", not_plain[_i][0]);
	ck_assert_msg(why && strstr(why, not_plain[_i][1]), "%s: %s",
		      not_plain[_i][0], why);
	ck_assert_uint_eq(set.n, 0);
	ck_assert_int_eq(ga_sql_set_globals(NULL, &set, &why), -1);
}
END_TEST

/* Rendered, every plain SET GLOBAL reads back as what it was. */
START_TEST(test_render_round_trip)
{
	struct ga_sql_set set, again;
	const char *why = NULL;
	char sql[1200];
	size_t i;

	ck_assert_int_eq(ga_sql_set_globals(plain[_i].sql, &set, &why), 0);
	for (i = 0; i < set.n; i++) {
		ck_assert_int_eq(ga_sql_render_set_global(set.a[i].name,
							  set.a[i].kind,
							  set.a[i].value, sql,
							  sizeof(sql)), 0);
		ck_assert_msg(ga_sql_set_globals(sql, &again, &why) == 0,
			      "%s: %s", sql, why);
		ck_assert_uint_eq(again.n, 1);
		ck_assert_int_eq(memcmp(&again.a[0], &set.a[i],
					sizeof(again.a[0])), 0);
	}
}
END_TEST

START_TEST(test_render)
{
	static const struct {
		const char *name;
		enum ga_sql_value_kind kind;
		const char *value;
		const char *sql;        /* NULL: refused */
	} cases[] = {
		{ "wait_timeout", GA_SQL_VALUE_INT, "10",
		  "SET GLOBAL wait_timeout = 10" },
		{ "long_query_time", GA_SQL_VALUE_DECIMAL, "-1.5",
		  "SET GLOBAL long_query_time = -1.5" },
		{ "sql_mode", GA_SQL_VALUE_STRING, "it's 'x'",
		  "SET GLOBAL sql_mode = 'it''s ''x'''" },
		{ "read_only", GA_SQL_VALUE_WORD, "ON",
		  "SET GLOBAL read_only = ON" },
		{ "Wait_timeout", GA_SQL_VALUE_INT, "1", NULL },
		{ "a.b", GA_SQL_VALUE_INT, "1", NULL },
		{ "x;DROP", GA_SQL_VALUE_INT, "1", NULL },
		{ "", GA_SQL_VALUE_INT, "1", NULL },
		{ "x", GA_SQL_VALUE_INT, "1; SELECT 1", NULL },
		{ "x", GA_SQL_VALUE_INT, "0x10", NULL },
		{ "x", GA_SQL_VALUE_INT, "", NULL },
		{ "x", GA_SQL_VALUE_INT, "-", NULL },
		{ "x", GA_SQL_VALUE_DECIMAL, "1", NULL },
		{ "x", GA_SQL_VALUE_DECIMAL, "1.", NULL },
		{ "x", GA_SQL_VALUE_STRING, "a\\' OR 1 -- ", NULL },
		{ "x", GA_SQL_VALUE_STRING, "a\nb", NULL },
		{ "x", GA_SQL_VALUE_STRING, "caf\xc3\xa9", NULL },
		{ "x", GA_SQL_VALUE_WORD, "SLEEP(1)", NULL },
		{ "x", GA_SQL_VALUE_WORD, "on", NULL },
		{ "x", (enum ga_sql_value_kind)9, "1", NULL },
		{ NULL, GA_SQL_VALUE_INT, "1", NULL },
		{ "x", GA_SQL_VALUE_INT, NULL, NULL },
	};
	char buf[64];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int rc = ga_sql_render_set_global(cases[i].name, cases[i].kind,
						  cases[i].value, buf,
						  sizeof(buf));

		if (cases[i].sql) {
			ck_assert_msg(rc == 0, "%zu: refused", i);
			ck_assert_str_eq(buf, cases[i].sql);
		} else {
			ck_assert_msg(rc == -1, "%zu: rendered %s", i, buf);
			ck_assert_str_eq(buf, "");
		}
	}
	/* too small a buffer: nothing, never a cut statement */
	ck_assert_int_eq(ga_sql_render_set_global("wait_timeout",
						  GA_SQL_VALUE_INT, "10", buf,
						  20), -1);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(ga_sql_render_set_global("sql_mode",
						  GA_SQL_VALUE_STRING,
						  "''''''''''", buf, 30), -1);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(ga_sql_render_set_global("x", GA_SQL_VALUE_INT, "1",
						  buf, 0), -1);
}
END_TEST

Suite *make_sqlset_suite(void)
{
	Suite *s = suite_create("sqlset");
	TCase *tc = tcase_create("set");

	tcase_add_test(tc, test_settable);
	tcase_add_test(tc, test_targets);
	tcase_add_loop_test(tc, test_plain, 0,
			    (int)(sizeof(plain) / sizeof(plain[0])));
	tcase_add_loop_test(tc, test_not_plain, 0,
			    (int)(sizeof(not_plain) / sizeof(not_plain[0])));
	tcase_add_loop_test(tc, test_render_round_trip, 0,
			    (int)(sizeof(plain) / sizeof(plain[0])));
	tcase_add_test(tc, test_render);
	suite_add_tcase(s, tc);
	return s;
}
