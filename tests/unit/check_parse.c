/* check_parse.c - tests for parse.c, diag.c and scenario.c.
 *
 * A full file with every feature is parsed and every field is checked;
 * then each diagnostic is provoked once from a table (exact line, column
 * and message), as curl's test suite checks one case per file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lang/diag.h"
#include "lang/parse.h"
#include "lang/scenario.h"
#include "parse_util.h"
#include "suites.h"

#define TIMEOUT 10

/* ---- a full, valid file ------------------------------------------------ */

static const char full_text[] =
	"# full.gw: every feature once\n"                               /* 1 */
	"title   Every feature   # trailing comment\n"
	"cause\tLost connection to MySQL server during query\n"
	"keywords kill \"two words\" running\n"
	"requires root mariadbd\n"                                      /* 5 */
	"server-option wait_timeout=28800\n"
	"server-option skip-networking\n"
	"server-option init_connect=\"SET @a = 1\"\n"
	"connection app connect_timeout=5s read_timeout=10s "
	"write_timeout=2000ms transport=socket user=alice "
	"password=\"p \\\"w\\\" d\" database=test reconnect interactive\n"
	"connection other-1 reconnect=off interactive=on password=\"\"\n" /* 10 */
	"connection plain\n"
	"\n"
	"connect app\n"
	"query app SELECT '#x', \"y\" # kept   \n"
	"    expect ok = \"a \\\\ b\" reconnected within 2s # comment\n" /* 15 */
	"    expect [mariadb >= 10.6] ok != NULL same-thread\n"
	"    expect [mysql < 8] ok | 2013 < 5\n"
	"send other-1 SELECT SLEEP(5)\n"
	"sleep 1.5s\n"
	"kill other-1\n"                                                /* 20 */
	"reap other-1\n"
	"    expect hang after 3s\n"
	"\texpect [mysql] CR_SERVER_LOST, 2006 ,ER_QUERY_INTERRUPTED "
	"after 100ms within 5s\n"
	"ping app\n"
	"    expect ok same-thread\n"                                   /* 25 */
	"close app\n"
	"admin SET GLOBAL wait_timeout = 1 # really\n"
	"status Aborted_clients\n"
	"    expect ok >= 1\n"
	"    expect [mariadb=10] ok <= -2.5\n"                          /* 30 */
	"    expect [mysql>8.0.1] ok > 0\n"
	"    expect [mariadb!=11.4.2] ok = NULL\n"
	"errorlog Aborted connection #42\n"
	"server stop\n"
	"server start\n"                                                /* 35 */
	"server restart\n"
	"server   crash\n"
	"connect plain";                        /* 38, no final newline */

START_TEST(test_full_header)
{
	struct ga_scenario *sc;
	const struct ga_connection *c;

	sc = parse_ok(full_text);
	ck_assert_str_eq(sc->path, "dir/ok.gw");
	ck_assert_str_eq(sc->name, "ok");
	ck_assert_str_eq(sc->title, "Every feature");
	ck_assert_str_eq(sc->cause,
			 "Lost connection to MySQL server during query");
	ck_assert_uint_eq(sc->nkeywords, 3);
	ck_assert_str_eq(sc->keywords[0], "kill");
	ck_assert_str_eq(sc->keywords[1], "two words");
	ck_assert_str_eq(sc->keywords[2], "running");
	ck_assert_uint_eq(sc->nrequires, 2);
	ck_assert_str_eq(sc->requires[0], "root");
	ck_assert_str_eq(sc->requires[1], "mariadbd");

	ck_assert_uint_eq(sc->noptions, 3);
	ck_assert_int_eq(sc->options[0].line, 6);
	ck_assert_str_eq(sc->options[0].name, "wait_timeout");
	ck_assert_str_eq(sc->options[0].value, "28800");
	ck_assert_int_eq(sc->options[1].line, 7);
	ck_assert_str_eq(sc->options[1].name, "skip-networking");
	ck_assert_ptr_null(sc->options[1].value);
	ck_assert_str_eq(sc->options[2].name, "init_connect");
	ck_assert_str_eq(sc->options[2].value, "SET @a = 1");

	ck_assert_uint_eq(sc->nconnections, 3);
	c = &sc->connections[0];
	ck_assert_int_eq(c->line, 9);
	ck_assert_str_eq(c->name, "app");
	ck_assert_int_eq(c->transport, GA_TRANSPORT_SOCKET);
	ck_assert_int_eq(c->connect_timeout_s, 5);
	ck_assert_int_eq(c->read_timeout_s, 10);
	ck_assert_int_eq(c->write_timeout_s, 2);
	ck_assert(c->reconnect);
	ck_assert(c->interactive);
	ck_assert_str_eq(c->user, "alice");
	ck_assert_str_eq(c->password, "p \"w\" d");
	ck_assert_str_eq(c->database, "test");

	c = &sc->connections[1];
	ck_assert_int_eq(c->line, 10);
	ck_assert_str_eq(c->name, "other-1");
	ck_assert_int_eq(c->transport, GA_TRANSPORT_TCP);
	ck_assert(!c->reconnect);
	ck_assert(c->interactive);
	ck_assert_ptr_null(c->user);
	ck_assert_str_eq(c->password, "");
	ck_assert_ptr_null(c->database);

	c = &sc->connections[2];
	ck_assert_str_eq(c->name, "plain");
	ck_assert_int_eq(c->transport, GA_TRANSPORT_TCP);
	ck_assert_int_eq(c->connect_timeout_s, 0);
	ck_assert_int_eq(c->read_timeout_s, 0);
	ck_assert_int_eq(c->write_timeout_s, 0);
	ck_assert(!c->reconnect);
	ck_assert(!c->interactive);
	ck_assert_ptr_null(c->user);
	ck_assert_ptr_null(c->password);
	ga_scenario_free(sc);
}
END_TEST

static const struct {
	int line;
	enum ga_step_kind kind;
	int conn;
	const char *text;
	long duration_ms;
	size_t nexpects;
} full_steps[] = {
	{ 13, GA_STEP_CONNECT, 0, NULL, 0, 0 },
	{ 14, GA_STEP_QUERY, 0, "SELECT '#x', \"y\" # kept", 0, 3 },
	{ 18, GA_STEP_SEND, 1, "SELECT SLEEP(5)", 0, 0 },
	{ 19, GA_STEP_SLEEP, -1, NULL, 1500, 0 },
	{ 20, GA_STEP_KILL, 1, NULL, 0, 0 },
	{ 21, GA_STEP_REAP, 1, NULL, 0, 2 },
	{ 24, GA_STEP_PING, 0, NULL, 0, 1 },
	{ 26, GA_STEP_CLOSE, 0, NULL, 0, 0 },
	{ 27, GA_STEP_ADMIN, -1, "SET GLOBAL wait_timeout = 1 # really", 0, 0 },
	{ 28, GA_STEP_STATUS, -1, "Aborted_clients", 0, 4 },
	{ 33, GA_STEP_ERRORLOG, -1, "Aborted connection #42", 0, 0 },
	{ 34, GA_STEP_SERVER_STOP, -1, NULL, 0, 0 },
	{ 35, GA_STEP_SERVER_START, -1, NULL, 0, 0 },
	{ 36, GA_STEP_SERVER_RESTART, -1, NULL, 0, 0 },
	{ 37, GA_STEP_SERVER_CRASH, -1, NULL, 0, 0 },
	{ 38, GA_STEP_CONNECT, 2, NULL, 0, 0 },
};

START_TEST(test_full_steps)
{
	struct ga_scenario *sc;
	const struct ga_step *st;
	size_t i;

	sc = parse_ok(full_text);
	ck_assert_uint_eq(sc->nsteps, sizeof(full_steps) /
			  sizeof(full_steps[0]));
	for (i = 0; i < sc->nsteps; i++) {
		st = &sc->steps[i];
		ck_assert_int_eq(st->line, full_steps[i].line);
		ck_assert_int_eq(st->kind, full_steps[i].kind);
		ck_assert_int_eq(st->conn, full_steps[i].conn);
		if (full_steps[i].text)
			ck_assert_str_eq(st->text, full_steps[i].text);
		else
			ck_assert_ptr_null(st->text);
		ck_assert_int_eq(st->duration_ms, full_steps[i].duration_ms);
		ck_assert_uint_eq(st->nexpects, full_steps[i].nexpects);
	}
	ga_scenario_free(sc);
}
END_TEST

START_TEST(test_full_expects)
{
	struct ga_scenario *sc;
	const struct ga_expect *e;

	sc = parse_ok(full_text);

	/* query app: three expect lines */
	e = &sc->steps[1].expects[0];
	ck_assert_int_eq(e->line, 15);
	ck_assert_int_eq(e->selector.flavour, GA_FLAVOUR_ANY);
	ck_assert_int_eq(e->selector.version_cmp, GA_CMP_NONE);
	ck_assert(e->set.ok);
	ck_assert(!e->set.hang);
	ck_assert_uint_eq(e->set.ncodes, 0);
	ck_assert_int_eq(e->value.cmp, GA_CMP_EQ);
	ck_assert(!e->value.is_null);
	ck_assert_str_eq(e->value.text, "a \\ b");
	ck_assert_int_eq(e->thread, GA_THREAD_NEW);
	ck_assert_int_eq(e->after_ms, -1);
	ck_assert_int_eq(e->within_ms, 2000);

	e = &sc->steps[1].expects[1];
	ck_assert_int_eq(e->line, 16);
	ck_assert_int_eq(e->selector.flavour, GA_FLAVOUR_MARIADB);
	ck_assert_int_eq(e->selector.version_cmp, GA_CMP_GE);
	ck_assert_uint_eq(e->selector.version, 100600);
	ck_assert(e->set.ok);
	ck_assert_int_eq(e->value.cmp, GA_CMP_NE);
	ck_assert(e->value.is_null);
	ck_assert_ptr_null(e->value.text);
	ck_assert_int_eq(e->thread, GA_THREAD_SAME);

	e = &sc->steps[1].expects[2];
	ck_assert_int_eq(e->selector.flavour, GA_FLAVOUR_MYSQL);
	ck_assert_int_eq(e->selector.version_cmp, GA_CMP_LT);
	ck_assert_uint_eq(e->selector.version, 80000);
	ck_assert(e->set.ok);
	ck_assert_uint_eq(e->set.ncodes, 1);
	ck_assert_uint_eq(e->set.codes[0], 2013);
	ck_assert_int_eq(e->value.cmp, GA_CMP_LT);
	ck_assert_str_eq(e->value.text, "5");
	ck_assert_int_eq(e->thread, GA_THREAD_ANY);

	/* reap other-1 */
	e = &sc->steps[5].expects[0];
	ck_assert_int_eq(e->line, 22);
	ck_assert(!e->set.ok);
	ck_assert(e->set.hang);
	ck_assert_uint_eq(e->set.ncodes, 0);
	ck_assert_int_eq(e->value.cmp, GA_CMP_NONE);
	ck_assert_int_eq(e->after_ms, 3000);
	ck_assert_int_eq(e->within_ms, -1);
	e = &sc->steps[5].expects[1];
	ck_assert_int_eq(e->line, 23);
	ck_assert_int_eq(e->selector.flavour, GA_FLAVOUR_MYSQL);
	ck_assert_int_eq(e->selector.version_cmp, GA_CMP_NONE);
	ck_assert(!e->set.ok);
	ck_assert(!e->set.hang);
	ck_assert_uint_eq(e->set.ncodes, 3);
	ck_assert_uint_eq(e->set.codes[0], 2013);
	ck_assert_uint_eq(e->set.codes[1], 2006);
	ck_assert_uint_eq(e->set.codes[2], 1317);
	ck_assert_int_eq(e->after_ms, 100);
	ck_assert_int_eq(e->within_ms, 5000);

	/* ping app */
	e = &sc->steps[6].expects[0];
	ck_assert(e->set.ok);
	ck_assert_int_eq(e->thread, GA_THREAD_SAME);

	/* status Aborted_clients: one line per comparison; how far it
	 * moved (no "now") */
	ck_assert(!sc->steps[9].status_now);
	e = &sc->steps[9].expects[0];
	ck_assert_int_eq(e->value.cmp, GA_CMP_GE);
	ck_assert_str_eq(e->value.text, "1");
	e = &sc->steps[9].expects[1];
	ck_assert_int_eq(e->selector.flavour, GA_FLAVOUR_MARIADB);
	ck_assert_int_eq(e->selector.version_cmp, GA_CMP_EQ);
	ck_assert_uint_eq(e->selector.version, 100000);
	ck_assert_int_eq(e->value.cmp, GA_CMP_LE);
	ck_assert_str_eq(e->value.text, "-2.5");
	e = &sc->steps[9].expects[2];
	ck_assert_int_eq(e->selector.version_cmp, GA_CMP_GT);
	ck_assert_uint_eq(e->selector.version, 80001);
	ck_assert_int_eq(e->value.cmp, GA_CMP_GT);
	ck_assert_str_eq(e->value.text, "0");
	e = &sc->steps[9].expects[3];
	ck_assert_int_eq(e->selector.version_cmp, GA_CMP_NE);
	ck_assert_uint_eq(e->selector.version, 110402);
	ck_assert_int_eq(e->value.cmp, GA_CMP_EQ);
	ck_assert(e->value.is_null);
	ck_assert_ptr_null(e->value.text);
	ga_scenario_free(sc);
}
END_TEST

/* The example from docs/scenario-format.md. */
static const char example_text[] =
	"# kill-running: the administrator KILLs a connection while its "
	"query runs.\n"
	"title    KILL while the client waits on a long query\n"
	"cause    You (or the db administrator) has killed the running "
	"thread with a KILL statement\n"
	"keywords kill running\n"
	"server-option wait_timeout=28800\n"
	"server-option skip-name-resolve\n"
	"connection app read_timeout=10s\n"
	"\n"
	"connect app\n"
	"query app SELECT 1 # not a comment\n"
	"    expect ok = \"1 # not a comment\"      # expect lines strip "
	"comments\n"
	"send app SELECT SLEEP(10)\n"
	"sleep 1s\n"
	"kill app\n"
	"reap app\n"
	"    expect CR_SERVER_LOST after 900ms within 3s\n"
	"    expect [mysql >= 8.0.24] CR_SERVER_LOST | 4031 within 3s\n"
	"query app SELECT 1\n"
	"    expect CR_SERVER_GONE_ERROR, CR_SERVER_LOST\n"
	"status Aborted_clients\n"
	"    expect ok >= 1\n";

/* "status NAME now": a gauge's value as it is, not how far it moved */
START_TEST(test_status_now)
{
	struct ga_scenario *sc = parse_ok("title t\ncause c\nconnection app\n"
					  "connect app\n"
					  "status Threads_connected now\n"
					  "    expect ok >= 1\n"
					  "status Aborted_clients\n");

	ck_assert_int_eq(sc->steps[1].kind, GA_STEP_STATUS);
	ck_assert_str_eq(sc->steps[1].text, "Threads_connected");
	ck_assert(sc->steps[1].status_now);
	ck_assert(!sc->steps[2].status_now);
	ga_scenario_free(sc);
}
END_TEST

START_TEST(test_example)
{
	struct ga_scenario *sc;
	const struct ga_expect *e;

	sc = parse_ok(example_text);
	ck_assert_uint_eq(sc->nsteps, 8);
	ck_assert_str_eq(sc->steps[1].text, "SELECT 1 # not a comment");
	ck_assert_str_eq(sc->steps[1].expects[0].value.text,
			 "1 # not a comment");
	ck_assert_int_eq(sc->steps[3].kind, GA_STEP_SLEEP);
	ck_assert_int_eq(sc->steps[3].duration_ms, 1000);
	ck_assert_int_eq(sc->steps[4].kind, GA_STEP_KILL);
	ck_assert_uint_eq(sc->steps[5].nexpects, 2);
	e = &sc->steps[5].expects[1];
	ck_assert_int_eq(e->selector.flavour, GA_FLAVOUR_MYSQL);
	ck_assert_uint_eq(e->selector.version, 80024);
	ck_assert_uint_eq(e->set.ncodes, 2);
	ck_assert_uint_eq(e->set.codes[1], 4031);
	ck_assert_uint_eq(sc->steps[6].expects[0].set.codes[0], 2006);
	ck_assert_uint_eq(sc->steps[6].expects[0].set.codes[1], 2013);
	ga_scenario_free(sc);
}
END_TEST

/* ---- lexical rules ---------------------------------------------------- */

#define HEAD "title t\ncause c\nconnection app\n"

START_TEST(test_comments_and_sql)
{
	struct ga_scenario *sc;

	sc = parse_ok("   # indented comment\n"
		      "title A # B\n"
		      "#title ignored\n"
		      "cause C#D\n"
		      "connection app user=\"x # y\" # comment\n"
		      "query app   SELECT \"#\" -- x # y \t \n"
		      "  # comment between a step and its expect\n"
		      "  expect ok=\"#\"#c\n"
		      "send app\tSELECT 1#\n"
		      "reap app\n"
		      "admin   # not a comment either\n"
		      "errorlog  [Warning] Aborted connection 5 #  \n"
		      "\n"
		      "   \t\n");
	ck_assert_str_eq(sc->title, "A");
	ck_assert_str_eq(sc->cause, "C");
	ck_assert_str_eq(sc->connections[0].user, "x # y");
	ck_assert_str_eq(sc->steps[0].text, "SELECT \"#\" -- x # y");
	ck_assert_uint_eq(sc->steps[0].nexpects, 1);
	ck_assert_int_eq(sc->steps[0].expects[0].line, 8);
	ck_assert_str_eq(sc->steps[0].expects[0].value.text, "#");
	ck_assert_str_eq(sc->steps[1].text, "SELECT 1#");
	ck_assert_str_eq(sc->steps[3].text, "# not a comment either");
	ck_assert_str_eq(sc->steps[4].text,
			 "[Warning] Aborted connection 5 #");
	ga_scenario_free(sc);
}
END_TEST

START_TEST(test_names_from_path)
{
	static const struct {
		const char *path;
		const char *name;
	} cases[] = {
		{ "scenarios/kill-idle.gw", "kill-idle" },
		{ "kill.gw", "kill" },
		{ "/a/b/noext", "noext" },
		{ "x/.gw", ".gw" },
	};
	struct ga_diags d = { 0 };
	struct ga_scenario *sc;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(ga_parse_text(cases[i].path,
					       HEAD "connect app\n", &sc, &d),
				 0);
		ck_assert_str_eq(sc->path, cases[i].path);
		ck_assert_str_eq(sc->name, cases[i].name);
		ga_scenario_free(sc);
	}
	ck_assert_uint_eq(d.n, 0);
}
END_TEST

START_TEST(test_step_kind_names)
{
	ck_assert_str_eq(ga_step_kind_name(GA_STEP_CONNECT), "connect");
	ck_assert_str_eq(ga_step_kind_name(GA_STEP_ERRORLOG), "errorlog");
	ck_assert_str_eq(ga_step_kind_name(GA_STEP_SERVER_CRASH),
			 "server crash");
	ck_assert(ga_step_kind_is(GA_STEP_KILL, GA_STEP_ACTION));
	ck_assert(ga_step_kind_is(GA_STEP_SLEEP, GA_STEP_ACTION));
	ck_assert(ga_step_kind_is(GA_STEP_SERVER_RESTART, GA_STEP_ACTION));
	ck_assert(!ga_step_kind_is(GA_STEP_QUERY, GA_STEP_ACTION));
	ck_assert(!ga_step_kind_is(GA_STEP_REAP, GA_STEP_ACTION));
	ck_assert(!ga_step_kind_is(GA_STEP_STATUS, GA_STEP_ACTION));
}
END_TEST

/* ---- durations and selectors ------------------------------------------ */

static const struct {
	const char *line;
	long after_ms;
	long within_ms;
} duration_cases[] = {
	{ "  expect 2013 after 900ms within 3s", 900, 3000 },
	{ "  expect 2013 within 1.5s", -1, 1500 },
	{ "  expect 2013 within 2s after 2s", 2000, 2000 },
	{ "  expect 2013 after 0ms", 0, -1 },
	{ "  expect 2013", -1, -1 },
	{ "  expect hang after 86400s", 86400000, -1 },
};

START_TEST(test_durations)
{
	char text[256];
	struct ga_scenario *sc;
	const struct ga_expect *e;

	snprintf(text, sizeof(text), HEAD "query app SELECT 1\n%s\n",
		 duration_cases[_i].line);
	sc = parse_ok(text);
	e = &sc->steps[0].expects[0];
	ck_assert_int_eq(e->after_ms, duration_cases[_i].after_ms);
	ck_assert_int_eq(e->within_ms, duration_cases[_i].within_ms);
	ga_scenario_free(sc);
}
END_TEST

START_TEST(test_timeouts_and_sleep)
{
	struct ga_scenario *sc;

	sc = parse_ok("title t\ncause c\n"
		      "connection app connect_timeout=60000ms "
		      "read_timeout=1s write_timeout=3600s\n"
		      "sleep 250ms\nsleep 0.5s\nsleep 0ms\nconnect app\n");
	ck_assert_int_eq(sc->connections[0].connect_timeout_s, 60);
	ck_assert_int_eq(sc->connections[0].read_timeout_s, 1);
	ck_assert_int_eq(sc->connections[0].write_timeout_s, 3600);
	ck_assert_int_eq(sc->steps[0].duration_ms, 250);
	ck_assert_int_eq(sc->steps[1].duration_ms, 500);
	ck_assert_int_eq(sc->steps[2].duration_ms, 0);
	ga_scenario_free(sc);
}
END_TEST

static const struct {
	const char *selector;
	enum ga_flavour flavour;
	enum ga_cmp cmp;
	unsigned long version;
} selector_cases[] = {
	{ "[mariadb]", GA_FLAVOUR_MARIADB, GA_CMP_NONE, 0 },
	{ "[ mysql ]", GA_FLAVOUR_MYSQL, GA_CMP_NONE, 0 },
	{ "[mysql>=8.0.24]", GA_FLAVOUR_MYSQL, GA_CMP_GE, 80024 },
	{ "[mysql >= 8.0.24]", GA_FLAVOUR_MYSQL, GA_CMP_GE, 80024 },
	{ "[mariadb = 10]", GA_FLAVOUR_MARIADB, GA_CMP_EQ, 100000 },
	{ "[mariadb<10.6]", GA_FLAVOUR_MARIADB, GA_CMP_LT, 100600 },
	{ "[mariadb <= 10.11.6]", GA_FLAVOUR_MARIADB, GA_CMP_LE, 101106 },
	{ "[mysql> 5.7.44]", GA_FLAVOUR_MYSQL, GA_CMP_GT, 50744 },
	{ "[ mysql !=9.1 ]", GA_FLAVOUR_MYSQL, GA_CMP_NE, 90100 },
	{ "[mariadb>=11.04.2]", GA_FLAVOUR_MARIADB, GA_CMP_GE, 110402 },
};

START_TEST(test_selectors)
{
	char text[256];
	struct ga_scenario *sc;
	const struct ga_expect *e;

	snprintf(text, sizeof(text), HEAD "connect app\n"
		 "  expect %s CR_SERVER_LOST\n", selector_cases[_i].selector);
	sc = parse_ok(text);
	ck_assert_uint_eq(sc->steps[0].nexpects, 1);
	e = &sc->steps[0].expects[0];
	ck_assert_int_eq(e->selector.flavour, selector_cases[_i].flavour);
	ck_assert_int_eq(e->selector.version_cmp, selector_cases[_i].cmp);
	ck_assert_uint_eq(e->selector.version, selector_cases[_i].version);
	ck_assert_uint_eq(e->set.ncodes, 1);
	ck_assert_uint_eq(e->set.codes[0], 2013);
	ga_scenario_free(sc);
}
END_TEST

/* "requires" takes the expect lines' selectors: the same cases. */
START_TEST(test_requires_selector)
{
	char text[256];
	struct ga_scenario *sc;

	snprintf(text, sizeof(text), HEAD "requires %s root\nconnect app\n",
		 selector_cases[_i].selector);
	sc = parse_ok(text);
	ck_assert_int_eq(sc->requires_selector.flavour,
			 selector_cases[_i].flavour);
	ck_assert_int_eq(sc->requires_selector.version_cmp,
			 selector_cases[_i].cmp);
	ck_assert_uint_eq(sc->requires_selector.version,
			  selector_cases[_i].version);
	ck_assert_str_eq(sc->requires_text, selector_cases[_i].selector);
	ck_assert_uint_eq(sc->nrequires, 1);
	ck_assert_str_eq(sc->requires[0], "root");
	ga_scenario_free(sc);
}
END_TEST

/* A selector alone is a requirement; none at all leaves the text NULL. */
START_TEST(test_requires_selector_alone)
{
	struct ga_scenario *sc;

	sc = parse_ok(HEAD "requires [client=pymysql, mysql]  # a comment\n"
		      "connect app\n");
	ck_assert_str_eq(sc->requires_text, "[client=pymysql, mysql]");
	ck_assert_str_eq(sc->requires_selector.client, "pymysql");
	ck_assert_int_eq(sc->requires_selector.flavour, GA_FLAVOUR_MYSQL);
	ck_assert_uint_eq(sc->nrequires, 0);
	ga_scenario_free(sc);
	sc = parse_ok(HEAD "requires root\nconnect app\n");
	ck_assert_ptr_null(sc->requires_text);
	ga_scenario_free(sc);
}
END_TEST

/* A default plus several distinct selectors on one step are fine. */
START_TEST(test_selectors_distinct)
{
	struct ga_scenario *sc;

	sc = parse_ok(HEAD "connect app\n"
		      "  expect ok\n"
		      "  expect [mysql] 2013\n"
		      "  expect [mysql >= 8] 2013\n"
		      "  expect [mysql > 8] 2013\n"
		      "  expect [mariadb >= 8] 2013\n");
	ck_assert_uint_eq(sc->steps[0].nexpects, 5);
	ck_assert_int_eq(sc->steps[0].expects[4].line, 9);
	ga_scenario_free(sc);
}
END_TEST

START_TEST(test_outcome_lists)
{
	struct ga_scenario *sc;
	const struct ga_expect *e;

	sc = parse_ok(HEAD "query app SELECT 1\n"
		      "  expect 1|2|3,4 , 5| 6 |7,65535\n"
		      "  expect [mysql] ok|hang after 1s\n");
	e = &sc->steps[0].expects[0];
	ck_assert_uint_eq(e->set.ncodes, GA_MAX_CODES);
	ck_assert_uint_eq(e->set.codes[0], 1);
	ck_assert_uint_eq(e->set.codes[6], 7);
	ck_assert_uint_eq(e->set.codes[7], 65535);
	ck_assert(!e->set.ok);
	e = &sc->steps[0].expects[1];
	ck_assert(e->set.ok);
	ck_assert(e->set.hang);
	ck_assert_uint_eq(e->set.ncodes, 0);
	ga_scenario_free(sc);
}
END_TEST

/* A line for a client driver takes the driver's own error classes,
 * Go's package-qualified ones too, next to error names and numbers. */
START_TEST(test_client_classes)
{
	struct ga_scenario *sc;
	const struct ga_expect *e;

	sc = parse_ok(HEAD "query app SELECT 1\n"
		      "  expect CR_SERVER_LOST\n"
		      "  expect [client=go] mysql.ErrInvalidConn | "
		      "driver.ErrBadConn|2013 within 1s\n"
		      "  expect [client=pymysql, mariadb >= 10.6] "
		      "InterfaceError,CR_SERVER_GONE_ERROR\n");
	ck_assert_uint_eq(sc->steps[0].nexpects, 3);
	e = &sc->steps[0].expects[1];
	ck_assert_str_eq(e->selector.client, "go");
	ck_assert_uint_eq(e->set.nclasses, 2);
	ck_assert_str_eq(e->set.classes[0], "mysql.ErrInvalidConn");
	ck_assert_str_eq(e->set.classes[1], "driver.ErrBadConn");
	ck_assert_uint_eq(e->set.ncodes, 1);
	ck_assert_uint_eq(e->set.codes[0], 2013);
	ck_assert_int_eq(e->within_ms, 1000);
	e = &sc->steps[0].expects[2];
	ck_assert_str_eq(e->selector.client, "pymysql");
	ck_assert_int_eq(e->selector.flavour, GA_FLAVOUR_MARIADB);
	ck_assert_uint_eq(e->set.nclasses, 1);
	ck_assert_str_eq(e->set.classes[0], "InterfaceError");
	ck_assert_uint_eq(e->set.ncodes, 1);
	ck_assert_uint_eq(e->set.codes[0], 2006);
	ga_scenario_free(sc);
}
END_TEST

/* "client=NAME OP VERSION": the client's version, compared as the
 * server's is; with or without a server condition, in either order. */
static const struct {
	const char *selector;
	const char *client;
	enum ga_cmp client_cmp;
	unsigned long client_version;
	enum ga_flavour flavour;
	enum ga_cmp cmp;
	unsigned long version;
} client_selector_cases[] = {
	{ "[client=ruby-mysql2 >= 0.5]", "ruby-mysql2", GA_CMP_GE, 500,
	  GA_FLAVOUR_ANY, GA_CMP_NONE, 0 },
	{ "[client=pymysql < 1.1, mysql >= 8.0]", "pymysql", GA_CMP_LT, 10100,
	  GA_FLAVOUR_MYSQL, GA_CMP_GE, 80000 },
	{ "[mariadb, client=pymysql<=1.0.2]", "pymysql", GA_CMP_LE, 10002,
	  GA_FLAVOUR_MARIADB, GA_CMP_NONE, 0 },
	{ "[ client=php-pdo=8 ]", "php-pdo", GA_CMP_EQ, 80000,
	  GA_FLAVOUR_ANY, GA_CMP_NONE, 0 },
	{ "[client=libmysqlclient-9.7 != 9.7.1,mysql]", "libmysqlclient-9.7",
	  GA_CMP_NE, 90701, GA_FLAVOUR_MYSQL, GA_CMP_NONE, 0 },
	{ "[client=go>1.8]", "go", GA_CMP_GT, 10800,
	  GA_FLAVOUR_ANY, GA_CMP_NONE, 0 },
	{ "[client=mysql2]", "mysql2", GA_CMP_NONE, 0,
	  GA_FLAVOUR_ANY, GA_CMP_NONE, 0 },
};

static void assert_client_selector(const struct ga_selector *sel, size_t i)
{
	ck_assert_str_eq(sel->client, client_selector_cases[i].client);
	ck_assert_int_eq(sel->client_cmp, client_selector_cases[i].client_cmp);
	ck_assert_uint_eq(sel->client_version,
			  client_selector_cases[i].client_version);
	ck_assert_int_eq(sel->flavour, client_selector_cases[i].flavour);
	ck_assert_int_eq(sel->version_cmp, client_selector_cases[i].cmp);
	ck_assert_uint_eq(sel->version, client_selector_cases[i].version);
}

START_TEST(test_client_selectors)
{
	char text[256];
	struct ga_scenario *sc;
	const struct ga_expect *e;

	snprintf(text, sizeof(text), HEAD "connect app\n"
		 "  expect %s Mysql2::Error\n",
		 client_selector_cases[_i].selector);
	sc = parse_ok(text);
	e = &sc->steps[0].expects[0];
	assert_client_selector(&e->selector, (size_t)_i);
	/* where NAME is written, for check's warnings: line 5 */
	ck_assert_int_eq(e->selector.client_line, 5);
	ck_assert_int_eq(e->selector.client_col,
			 10 + (int)(strstr(client_selector_cases[_i].selector,
					   "client=") -
				    client_selector_cases[_i].selector) + 7);
	ga_scenario_free(sc);

	snprintf(text, sizeof(text), HEAD "requires %s\nconnect app\n",
		 client_selector_cases[_i].selector);
	sc = parse_ok(text);
	assert_client_selector(&sc->requires_selector, (size_t)_i);
	ck_assert_int_eq(sc->requires_selector.client_line, 4);
	ck_assert_str_eq(sc->requires_text, client_selector_cases[_i].selector);
	ga_scenario_free(sc);
}
END_TEST

/* Versions of one client are distinct selectors; no selector, no
 * client location. */
START_TEST(test_client_selectors_distinct)
{
	struct ga_scenario *sc;

	sc = parse_ok(HEAD "connect app\n"
		      "  expect ok\n"
		      "  expect [client=pymysql] 2013\n"
		      "  expect [client=pymysql >= 1.1] 2013\n"
		      "  expect [client=pymysql < 1.1] 2013\n"
		      "  expect [client=pymysql < 1.1.1] 2013\n"
		      "  expect [client=pymysql < 1.1, mysql] 2013\n"
		      "  expect [client=pymysql, mysql < 1.1] 2013\n");
	ck_assert_uint_eq(sc->steps[0].nexpects, 7);
	ck_assert_int_eq(sc->steps[0].expects[0].selector.client_line, 0);
	ck_assert_int_eq(sc->steps[0].expects[0].selector.client_col, 0);
	ga_scenario_free(sc);
}
END_TEST

/* Ruby's, PHP's and C++'s namespaced classes, taken as written: a '\'
 * escapes nothing. */
START_TEST(test_client_classes_namespaced)
{
	struct ga_scenario *sc;
	const struct ga_expect *e;

	sc = parse_ok(HEAD "query app SELECT 1\n"
		      "  expect [client=ruby-mysql2] Mysql2::Error|"
		      "Mysql2::Error::ConnectionError , 2013\n"
		      "  expect [client=php-pdo] Foo\\Bar\\Exception|"
		      "PDOException  # a comment\n"
		      "  expect [client=cpp] sql::SQLException,Sql_x::y\n"
		      "  expect [client=go] mysql.ErrInvalidConn "
		      "matching \"a\\\\b\"\n");
	e = &sc->steps[0].expects[0];
	ck_assert_uint_eq(e->set.nclasses, 2);
	ck_assert_str_eq(e->set.classes[0], "Mysql2::Error");
	ck_assert_str_eq(e->set.classes[1], "Mysql2::Error::ConnectionError");
	ck_assert_uint_eq(e->set.ncodes, 1);
	e = &sc->steps[0].expects[1];
	ck_assert_uint_eq(e->set.nclasses, 2);
	ck_assert_str_eq(e->set.classes[0], "Foo\\Bar\\Exception");
	ck_assert_str_eq(e->set.classes[1], "PDOException");
	e = &sc->steps[0].expects[2];
	ck_assert_uint_eq(e->set.nclasses, 2);
	ck_assert_str_eq(e->set.classes[0], "sql::SQLException");
	ck_assert_str_eq(e->set.classes[1], "Sql_x::y");
	e = &sc->steps[0].expects[3];
	ck_assert_str_eq(e->set.classes[0], "mysql.ErrInvalidConn");
	ck_assert_str_eq(e->message, "a\\b");
	ga_scenario_free(sc);
}
END_TEST

/* ---- diagnostics, one per case ------------------------------------------ */

static const struct {
	const char *text;
	int line;
	int col;
	const char *msg;
} diag_cases[] = {
	/* header directives */
	{ HEAD "connect app\ntitle again\n", 5, 1,
	  "header directive 'title' after the first step" },
	{ HEAD "connect app\n  connection db\n", 5, 3,
	  "header directive 'connection' after the first step" },
	{ "title a\ntitle b\ncause c\nconnection app\nconnect app\n", 2, 1,
	  "duplicate 'title' directive (first at line 1)" },
	{ HEAD "cause d\nconnect app\n", 4, 1,
	  "duplicate 'cause' directive (first at line 2)" },
	{ "title   # only a comment\ncause c\nconnection app\nconnect app\n",
	  1, 1, "'title' needs a text" },
	{ "cause c\nconnection app\nconnect app\n", 1, 0,
	  "missing 'title' directive" },
	{ "title t\nconnection app\nconnect app\n", 1, 0,
	  "missing 'cause' directive" },
	{ "title t\ncause c\n# nothing else\n", 1, 1,
	  "no steps: a scenario needs at least one step" },
	{ HEAD "keywords\nconnect app\n", 4, 1,
	  "'keywords' needs at least one word" },
	{ HEAD "keywords a\nkeywords b\nconnect app\n", 5, 1,
	  "duplicate 'keywords' directive (first at line 4)" },
	{ HEAD "requires root mariadb\nconnect app\n", 4, 15,
	  "unknown requirement 'mariadb' (known: root, mariadbd, mysqld, resolver)" },
	{ HEAD "requires [mysql\nconnect app\n", 4, 16,
	  "expected ']' or a comparison (=, !=, <, <=, >, >=) in the selector" },
	{ HEAD "requires [oracle >= 8]\nconnect app\n", 4, 11,
	  "unknown server flavour 'oracle' (known: mariadb, mysql)" },
	{ HEAD "server-option\nconnect app\n", 4, 1,
	  "'server-option' needs NAME or NAME=VALUE" },
	{ HEAD "server-option wait.timeout=1\nconnect app\n", 4, 15,
	  "invalid server option name 'wait.timeout'" },
	{ HEAD "server-option x=\nconnect app\n", 4, 17,
	  "server option 'x' has '=' but no value" },
	{ HEAD "server-option a=1 b\nconnect app\n", 4, 19,
	  "unexpected 'b' after the server option" },
	/* connections */
	{ HEAD "connection\nconnect app\n", 4, 1,
	  "'connection' needs a name" },
	{ HEAD "connection 1app\nconnect app\n", 4, 12,
	  "invalid connection name '1app'" },
	{ HEAD "connection a_b.c\nconnect app\n", 4, 12,
	  "invalid connection name 'a_b.c'" },
	{ HEAD "connection abcdefghijklmnopqrstuvwxyz012345\nconnect app\n",
	  4, 12, "is too long (at most 31 characters)" },
	{ HEAD "connection app\nconnect app\n", 4, 12,
	  "connection 'app' is already declared at line 3" },
	/* the known ones are the parser's table, each a connect option or
	 * a member of connect (check_protocol.c,
	 * every_connection_key_reaches_the_driver): not typed here */
	{ HEAD "connection db timeout=5s\nconnect app\n", 4, 15,
	  "unknown connection option 'timeout' (known: connect_timeout, "
	  "read_timeout, " },
	{ HEAD "connection db read_timeout=1.5s\nconnect app\n", 4, 28,
	  "read_timeout must be whole seconds: the C API takes seconds" },
	{ HEAD "connection db connect_timeout=0s\nconnect app\n", 4, 31,
	  "connect_timeout must be at least 1s" },
	{ HEAD "connection db write_timeout=soon\nconnect app\n", 4, 29,
	  "invalid duration 'soon' for write_timeout" },
	{ HEAD "connection db transport=udp\nconnect app\n", 4, 25,
	  "transport must be 'tcp', 'socket' or 'raw', not 'udp'" },
	{ HEAD "connection db reconnect=yes\nconnect app\n", 4, 25,
	  "reconnect must be 'on' or 'off', not 'yes'" },
	{ HEAD "connection db local_infile=yes\nconnect app\n", 4, 28,
	  "local_infile must be 'on' or 'off', not 'yes'" },
	{ HEAD "connection db transport=raw local_infile\nconnect app\n", 4, 1,
	  "a raw connection (transport=raw) speaks no MySQL: it has no LOAD "
	  "DATA LOCAL to allow (local_infile)" },
	{ HEAD "connection db user\nconnect app\n", 4, 15,
	  "'user' needs a value: user=VALUE" },
	{ HEAD "connection db database=\nconnect app\n", 4, 24,
	  "'database' needs a value: database=VALUE" },
	{ HEAD "connection db read_timeout=1s read_timeout=2s\nconnect app\n",
	  4, 31, "'read_timeout' is given twice" },
	{ HEAD "connection db user=\"abc\nconnect app\n", 4, 20,
	  "unterminated string: missing closing '\"'" },
	/* steps */
	{ HEAD "connect bob\n", 4, 9, "unknown connection 'bob'" },
	{ HEAD "connect\n", 4, 1, "'connect' needs a connection name" },
	{ HEAD "connect app extra\n", 4, 13,
	  "unexpected 'extra' after the connection name" },
	{ HEAD "\tquery app  \t \n", 4, 2,
	  "'query' needs SQL after the connection name" },
	{ HEAD "send app\nreap app\n", 4, 1,
	  "'send' needs SQL after the connection name" },
	{ HEAD "query apq SELECT 1\n", 4, 7,
	  "unknown connection 'apq'; did you mean 'app'?" },
	{ HEAD "sleep\nconnect app\n", 4, 1, "'sleep' needs a duration" },
	{ HEAD "sleep 5\nconnect app\n", 4, 7, "invalid duration '5'" },
	{ HEAD "sleep 1s 2s\nconnect app\n", 4, 10,
	  "unexpected '2s' after the duration" },
	{ HEAD "admin\n", 4, 1, "'admin' needs SQL" },
	{ HEAD "status Aborted-clients\n", 4, 8,
	  "invalid status variable 'Aborted-clients'" },
	{ HEAD "status\n", 4, 1, "'status' needs a variable name" },
	{ HEAD "status Threads_connected later\n", 4, 26,
	  "after the variable name: 'now' (its value as it is) or nothing" },
	{ HEAD "status Threads_connected now now\n", 4, 30,
	  "unexpected 'now' after 'now'" },
	{ HEAD "errorlog   \t\n", 4, 1, "'errorlog' needs the text to look for" },
	{ HEAD "server reboot\n", 4, 8,
	  "unknown server action 'reboot' (known: stop, start, restart, "
	  "crash, oom-kills)" },
	{ HEAD "server\n", 4, 1, "'server' needs an action" },
	{ HEAD "server stop now\n", 4, 13,
	  "unexpected 'now' after the server action" },
	{ HEAD "connect app\nqeury app SELECT 1\n", 5, 1,
	  "unknown directive or step 'qeury'; did you mean 'query'?" },
	{ HEAD "connect app\n  frobnicate\n", 5, 3,
	  "unknown directive or step 'frobnicate'" },
	/* send and reap */
	{ HEAD "send app SELECT 1\nquery app SELECT 2\nreap app\n", 5, 1,
	  "connection 'app' is busy with the query sent at line 4; "
	  "'reap app' first" },
	{ HEAD "send app SELECT 1\nping app\nreap app\n", 5, 1,
	  "connection 'app' is busy with the query sent at line 4" },
	{ HEAD "send app SELECT 1\nsend app SELECT 2\nreap app\n", 5, 1,
	  "connection 'app' is busy with the query sent at line 4" },
	{ HEAD "connect app\nreap app\n", 5, 1,
	  "'reap app' without a pending 'send app'" },
	{ HEAD "send app SELECT 1\nreap app\nreap app\n", 6, 1,
	  "'reap app' without a pending 'send app'" },
	{ HEAD "connect app\n  send app SELECT 1\n", 5, 3,
	  "the query sent on 'app' is never reaped: add 'reap app'" },
	/* expect: placement */
	{ "title t\ncause c\nconnection app\n  expect ok\nconnect app\n", 4, 3,
	  "'expect' before any step" },
	{ HEAD "send app x\n  expect ok\nreap app\n", 5, 3,
	  "'send' takes no expect line: the query's outcome is checked at "
	  "its 'reap'" },
	{ HEAD "send app x\nkill app\n  expect ok\nreap app\n", 6, 3,
	  "'kill' takes no expect line: if it cannot be done the scenario "
	  "is ERROR" },
	{ HEAD "server crash\n  expect 2013\n", 5, 3,
	  "'server crash' takes no expect line" },
	{ HEAD "sleep 1s\n  expect ok\n", 5, 3, "'sleep' takes no expect line" },
	/* expect: selectors */
	{ HEAD "connect app\n expect [percona] ok\n", 5, 10,
	  "unknown server flavour 'percona' (known: mariadb, mysql)" },
	{ HEAD "connect app\n expect [] ok\n", 5, 10,
	  "expected 'mariadb', 'mysql' or 'client=NAME' in the selector" },
	{ HEAD "connect app\n expect [mysql ~ 8] ok\n", 5, 16,
	  "expected ']' or a comparison" },
	{ HEAD "connect app\n expect [mysql >= ] ok\n", 5, 19,
	  "expected a version after '>='" },
	{ HEAD "connect app\n expect [mysql >= 8.0.100] ok\n", 5, 19,
	  "invalid version '8.0.100'" },
	{ HEAD "connect app\n expect [mysql >= 8..1] ok\n", 5, 19,
	  "invalid version '8..1'" },
	{ HEAD "connect app\n expect [mysql >= 1.2.3.4] ok\n", 5, 19,
	  "invalid version '1.2.3.4'" },
	{ HEAD "connect app\n expect [mysql >= 8.0 ok\n", 5, 23,
	  "expected ']' to close the selector" },
	{ HEAD "connect app\n expect [client=pymysql >= ] ok\n", 5, 28,
	  "expected a version after '>='" },
	{ HEAD "connect app\n expect [client=pymysql<1.1.0.1] ok\n", 5, 25,
	  "invalid version '1.1.0.1': write X, X.Y or X.Y.Z" },
	{ HEAD "connect app\n expect [client=pymysql 1.1] ok\n", 5, 25,
	  "expected ']' or a comparison (=, !=, <, <=, >, >=) in the "
	  "selector" },
	{ HEAD "connect app\n expect [client=pymysql ~ 1] ok\n", 5, 25,
	  "expected ']' or a comparison" },
	{ HEAD "connect app\n expect [client=pymysql >= 1 ok\n", 5, 30,
	  "expected ']' to close the selector" },
	{ HEAD "requires [client=pymysql >= 1.x]\nconnect app\n", 4, 29,
	  "invalid version '1.': write X, X.Y or X.Y.Z" },
	{ HEAD "connect app\n expect [client=a >= 1, client=b] ok\n", 5, 32,
	  "only one client= in a selector" },
	/* expect: outcomes */
	{ HEAD "connect app\n expect CR_SERVER_LOSST\n", 5, 9,
	  "unknown error name 'CR_SERVER_LOSST'; did you mean "
	  "'CR_SERVER_LOST'?" },
	{ HEAD "connect app\n expect 70000\n", 5, 9,
	  "error number '70000' is out of range 1..65535" },
	{ HEAD "connect app\n expect ok | 0\n", 5, 14,
	  "error number '0' is out of range 1..65535" },
	{ HEAD "connect app\n expect 2013x\n", 5, 9,
	  "invalid error number '2013x'" },
	{ HEAD "connect app\n expect 1,2,3,4,5,6,7,8,9\n", 5, 25,
	  "too many error codes: at most 8" },
	{ HEAD "connect app\n expect 2013 | CR_SERVER_LOST\n", 5, 16,
	  "outcome 'CR_SERVER_LOST' is listed twice (error 2013)" },
	{ HEAD "connect app\n expect ok, ok\n", 5, 13,
	  "outcome 'ok' is listed twice" },
	{ HEAD "connect app\n expect\n", 5, 8,
	  "'expect' needs at least one outcome" },
	{ HEAD "connect app\n expect [mysql] # none\n", 5, 17,
	  "'expect' needs at least one outcome" },
	{ HEAD "connect app\n expect ok |\n", 5, 13,
	  "expected an outcome after '|'" },
	{ HEAD "connect app\n expect 2013 2006\n", 5, 14,
	  "unexpected '2006' in the expect line: separate outcomes with '|' "
	  "or ','" },
	{ HEAD "connect app\n expect 2013 soon\n", 5, 14,
	  "unexpected 'soon' in the expect line" },
	/* expect: a driver's namespaced classes */
	{ HEAD "connect app\n expect [client=r] Mysql2::\n", 5, 20,
	  "invalid error class 'Mysql2::': '::' and '\\' go between two "
	  "names, as in Mysql2::Error or Foo\\Bar\\Exception" },
	{ HEAD "connect app\n expect [client=r] ::Error\n", 5, 20,
	  "invalid error class '::Error'" },
	{ HEAD "connect app\n expect [client=r] ok|Mysql2:Error\n", 5, 23,
	  "invalid error class 'Mysql2:Error'" },
	{ HEAD "connect app\n expect [client=r] Mysql2:::Error\n", 5, 20,
	  "invalid error class 'Mysql2:::Error'" },
	{ HEAD "connect app\n expect [client=r] Mysql2::Error:\n", 5, 20,
	  "invalid error class 'Mysql2::Error:'" },
	{ HEAD "connect app\n expect [client=p] \\Foo\\Bar\n", 5, 20,
	  "invalid error class '\\Foo\\Bar'" },
	{ HEAD "connect app\n expect [client=p] Foo\\\\Bar\n", 5, 20,
	  "invalid error class 'Foo\\\\Bar'" },
	{ HEAD "connect app\n expect [client=p] 2013,Foo\\\n", 5, 25,
	  "invalid error class 'Foo\\'" },
	{ HEAD "connect app\n expect [client=p] Foo::1x\n", 5, 20,
	  "invalid error class 'Foo::1x'" },
	{ HEAD "connect app\n expect Mysql2::Error\n", 5, 9,
	  "unknown error name 'Mysql2::Error'; a driver's own error class "
	  "needs a selector naming the driver, e.g. [client=NAME]" },
	{ HEAD "connect app\n expect [mysql] ok|Foo\\Bar\n", 5, 20,
	  "unknown error name 'Foo\\Bar'; a driver's own error class needs" },
	{ HEAD "connect app\n expect ok|Foo::\n", 5, 12,
	  "invalid error class 'Foo::'" },
	/* expect: value checks */
	{ HEAD "query app SELECT 1\n expect 2013 = 1\n", 5, 14,
	  "a value check needs 'ok' among the outcomes" },
	{ HEAD "connect app\nping app\n expect ok = 1\n", 6, 12,
	  "'ping' returns no value to check: value checks apply to query, "
	  "reap, admin, status, server oom-kills, long-data, stream, fetch "
	  "and drain steps" },
	{ HEAD "query app SELECT 1\n expect ok < abc\n", 5, 14,
	  "'<' needs a number, not 'abc'" },
	{ HEAD "query app SELECT 1\n expect ok >= \"1x\"\n", 5, 15,
	  "'>=' needs a number, not '1x'" },
	{ HEAD "query app SELECT 1\n expect ok < NULL\n", 5, 14,
	  "NULL can only be compared with = or !=" },
	{ HEAD "query app SELECT 1\n expect ok =\n", 5, 12,
	  "'=' needs a value" },
	{ HEAD "query app SELECT 1\n expect ok = 1 != 2\n", 5, 16,
	  "only one value check per expect line" },
	{ HEAD "query app SELECT 1\n expect ok = \"abc\n", 5, 14,
	  "unterminated string" },
	/* expect: thread checks */
	{ HEAD "connect app\n expect ok reconnected\n", 5, 12,
	  "'reconnected' applies only to query, reap, ping, execute, reset, "
	  "change-user and borrow steps, not 'connect'" },
	{ HEAD "query app SELECT 1\n expect 2013 same-thread\n", 5, 14,
	  "'same-thread' needs 'ok' among the outcomes" },
	{ HEAD "query app x\n expect ok reconnected same-thread\n", 5, 24,
	  "'reconnected' and 'same-thread' exclude each other" },
	{ HEAD "query app x\n expect ok reconnected reconnected\n", 5, 24,
	  "'reconnected' is given twice" },
	/* expect: times */
	{ HEAD "query app x\n expect 2013 after 5s within 3s\n", 5, 14,
	  "'after 5000ms' is later than 'within 3000ms'" },
	{ HEAD "query app x\n expect 2013 within 1s within 2s\n", 5, 24,
	  "'within' is given twice" },
	{ HEAD "query app x\n expect 2013 after\n", 5, 14,
	  "'after' needs a duration" },
	{ HEAD "query app x\n expect 2013 within 3\n", 5, 21,
	  "invalid duration '3'" },
	{ HEAD "query app x\n expect hang\n", 5, 9,
	  "a hang expectation needs 'after DURATION': how long to wait "
	  "before calling it a hang" },
	{ HEAD "status Threads_connected\n expect ok | hang after 1s\n", 5, 14,
	  "'hang' applies only to steps on a client connection, not "
	  "'status'" },
	/* expect: one line per selector */
	{ HEAD "connect app\n expect ok\n expect 2013\n", 6, 9,
	  "a second default expect line for this step (the first is at "
	  "line 5)" },
	{ HEAD "connect app\n expect [mysql] ok\n expect [ mysql ] 2013\n", 6, 9,
	  "the same selector as the expect line at line 5" },
	{ HEAD "connect app\n expect [mysql>=8] ok\n expect [mysql >= 8.0.0] 1\n",
	  6, 9, "the same selector as the expect line at line 5" },
	{ HEAD "connect app\n expect [client=a >= 1] ok\n"
	  " expect [client=a>=1.0.0] 1\n",
	  6, 9, "the same selector as the expect line at line 5" },
	{ HEAD "connect app\n expect [client=a < 1, mysql] ok\n"
	  " expect [mysql, client=a<1] 1\n",
	  6, 9, "the same selector as the expect line at line 5" },
};

START_TEST(test_diagnostic)
{
	parse_bad_one(diag_cases[_i].text, diag_cases[_i].line, diag_cases[_i].col,
		      diag_cases[_i].msg);
}
END_TEST

/* ---- several problems in one file ---------------------------------------- */

START_TEST(test_three_errors)
{
	struct ga_diags d = { 0 };

	parse_bad("title t\n"
		  "cause c\n"
		  "connection app read_timeout=1.5s\n"         /* 1 */
		  "connect app\n"
		  "qeury app SELECT 1\n"                       /* 2 */
		  "  expect ok\n"
		  "query app SELECT 1\n"
		  "  expect CR_SERVER_LOSST\n"                 /* 3 */
		  "ping app\n", &d);
	ck_assert_uint_eq(d.n, 3);
	assert_diag(&d, 0, 3, 29, "read_timeout must be whole seconds");
	assert_diag(&d, 1, 5, 1, "unknown directive or step 'qeury'");
	assert_diag(&d, 2, 8, 10, "unknown error name 'CR_SERVER_LOSST'");
	ga_diags_free(&d);
}
END_TEST

/* Everything is reported, in line order, even the whole-file checks. */
START_TEST(test_all_reported_in_order)
{
	struct ga_diags d = { 0 };

	parse_bad("connection app\n"
		  "send app SELECT 1\n"
		  "connect bob\n"
		  "ping app\n"
		  "sleep 1s\n"
		  "  expect ok\n", &d);
	ck_assert_uint_eq(d.n, 6);
	assert_diag(&d, 0, 1, 0, "missing 'title' directive");
	assert_diag(&d, 1, 1, 0, "missing 'cause' directive");
	assert_diag(&d, 2, 2, 1, "never reaped");
	assert_diag(&d, 3, 3, 9, "unknown connection 'bob'");
	assert_diag(&d, 4, 4, 1, "busy with the query sent at line 2");
	assert_diag(&d, 5, 6, 3, "'sleep' takes no expect line");
	ga_diags_free(&d);
}
END_TEST

/* A bad step line does not make its expect lines land on the step before
 * it, and a bad connection option keeps the connection declared. */
START_TEST(test_no_cascade)
{
	struct ga_diags d = { 0 };

	parse_bad(HEAD "connection db transport=udp\n"
		  "connect app\n"
		  "  expect ok\n"
		  "connect nobody\n"
		  "  expect ok\n"
		  "  expect [mysql] 2013\n"
		  "connect db\n", &d);
	ck_assert_uint_eq(d.n, 2);
	assert_diag(&d, 0, 4, 25, "transport must be");
	assert_diag(&d, 1, 7, 9, "unknown connection 'nobody'");
	ga_diags_free(&d);
}
END_TEST

/* Diagnostics are appended to what the list already holds. */
START_TEST(test_diags_append)
{
	struct ga_diags d = { 0 };
	struct ga_scenario *sc;

	ga_diags_add(&d, "other.gw", 7, 0, "earlier %d", 1);
	ck_assert_int_eq(ga_parse_text("bad.gw", HEAD "connect x\n", &sc, &d),
			 -1);
	ck_assert_ptr_null(sc);
	ck_assert_uint_eq(d.n, 2);
	ck_assert_str_eq(d.items[0].msg, "earlier 1");
	assert_diag(&d, 1, 4, 9, "unknown connection 'x'");
	ga_diags_free(&d);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_ptr_null(d.items);
}
END_TEST

/* ---- did you mean -------------------------------------------------------- */

static const struct {
	const char *text;
	const char *msg;        /* the whole message */
} dym_cases[] = {
	{ HEAD "connect app\n  expect CR_SERVER_LOSST\n",
	  "unknown error name 'CR_SERVER_LOSST'; did you mean "
	  "'CR_SERVER_LOST'?" },
	{ HEAD "connect app\n  expect cr_server_lost\n",
	  "unknown error name 'cr_server_lost'; did you mean "
	  "'CR_SERVER_LOST'?" },
	{ HEAD "connect app\n  expect CR_SERVER_GONE_EROR\n",
	  "unknown error name 'CR_SERVER_GONE_EROR'; did you mean "
	  "'CR_SERVER_GONE_ERROR'?" },
	/* three edits away is still suggested, four is not */
	{ HEAD "connect app\n  expect CR_SRVR_LST\n",
	  "unknown error name 'CR_SRVR_LST'; did you mean 'CR_SERVER_LOST'?" },
	{ HEAD "connect app\n  expect XR_SRVR_LST\n",
	  "unknown error name 'XR_SRVR_LST'" },
	{ HEAD "connect app\n  expect NO_SUCH_THING_AT_ALL\n",
	  "unknown error name 'NO_SUCH_THING_AT_ALL'" },
	{ "title t\ncause c\nconnection primary\nconnection replica\n"
	  "connect primry\n",
	  "unknown connection 'primry'; did you mean 'primary'?" },
	{ "title t\ncause c\nconnection primary\nconnection replica\n"
	  "connect replcia\n",
	  "unknown connection 'replcia'; did you mean 'replica'?" },
	/* two edits away is suggested, three is not */
	{ HEAD "ping xpq\n",
	  "unknown connection 'xpq'; did you mean 'app'?" },
	{ HEAD "ping xyq\n",
	  "unknown connection 'xyq'" },
	{ "title t\ncause c\nconnection primary\nconnection replica\n"
	  "connect zzz\n",
	  "unknown connection 'zzz'" },
	{ HEAD "connect app\nsleeep 1s\n",
	  "unknown directive or step 'sleeep'; did you mean 'sleep'?" },
	{ HEAD "connect app\n  expcet ok\n",
	  "unknown directive or step 'expcet'; did you mean 'expect'?" },
	{ HEAD "connect app\nserver-opiton x\n",
	  "unknown directive or step 'server-opiton'; did you mean "
	  "'server-option'?" },
	{ HEAD "connect app\nwhatever\n",
	  "unknown directive or step 'whatever'" },
};

START_TEST(test_did_you_mean)
{
	struct ga_diags d = { 0 };

	parse_bad(dym_cases[_i].text, &d);
	ck_assert_uint_eq(d.n, 1);
	/* exact: also proves that no suggestion is made when none is close */
	ck_assert_str_eq(d.items[0].msg, dym_cases[_i].msg);
	ga_diags_free(&d);
}
END_TEST

/* ---- files and printing ---------------------------------------------------- */

/* The "files" TCase's scratch directory.  It is made and removed by an
 * unchecked fixture, which Check runs in its parent process, so the
 * directory goes away even when a test fails half-way. */
static char tmpdir[64];

static void files_setup(void)
{
	strcpy(tmpdir, "/tmp/check_parse.XXXXXX");
	if (!mkdtemp(tmpdir))
		tmpdir[0] = '\0';
}

static void files_teardown(void)
{
	static const char *const names[] = { "kill-running.gw", "nul.gw",
					     "big.gw", "missing.gw" };
	char path[128];
	size_t i;

	if (!tmpdir[0])
		return;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tmpdir, names[i]);
		unlink(path);
	}
	rmdir(tmpdir);
}

static void make_tmpdir(void)
{
	ck_assert_msg(tmpdir[0] != '\0', "the fixture could not make a "
		      "scratch directory");
}

static void write_file(const char *path, const char *data, size_t n)
{
	FILE *f;

	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, n, f), n);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_file_ok)
{
	struct ga_diags d = { 0 };
	struct ga_scenario *sc;
	char path[128];

	make_tmpdir();
	snprintf(path, sizeof(path), "%s/kill-running.gw", tmpdir);
	write_file(path, example_text, strlen(example_text));
	ck_assert_int_eq(ga_parse_file(path, &sc, &d), 0);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_str_eq(sc->path, path);
	ck_assert_str_eq(sc->name, "kill-running");
	ck_assert_uint_eq(sc->nsteps, 8);
	ga_scenario_free(sc);
	unlink(path);
}
END_TEST

START_TEST(test_file_missing)
{
	struct ga_diags d = { 0 };
	struct ga_scenario *sc = (struct ga_scenario *)&sc;

	ck_assert_int_eq(ga_parse_file("/nonexistent/x.gw", &sc, &d), -1);
	ck_assert_ptr_null(sc);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_int_eq(d.items[0].line, 0);
	ck_assert_int_eq(d.items[0].col, 0);
	ck_assert_str_eq(d.items[0].msg, "cannot read: No such file or "
			 "directory");
	ga_diags_free(&d);

	ck_assert_int_eq(ga_parse_file("/tmp", &sc, &d), -1);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.items[0].msg, "cannot read: Is a directory");
	ga_diags_free(&d);
}
END_TEST

START_TEST(test_file_nul_and_size)
{
	static const char nul[] = "title t\ncause c\nco\0nnection app\n";
	struct ga_diags d = { 0 };
	struct ga_scenario *sc;
	char path[128];
	char *big;
	size_t n = 1024 * 1024 + 1;

	make_tmpdir();
	snprintf(path, sizeof(path), "%s/nul.gw", tmpdir);
	write_file(path, nul, sizeof(nul) - 1);
	ck_assert_int_eq(ga_parse_file(path, &sc, &d), -1);
	ck_assert_ptr_null(sc);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_int_eq(d.items[0].line, 3);
	ck_assert_int_eq(d.items[0].col, 3);
	ck_assert_ptr_nonnull(strstr(d.items[0].msg, "NUL byte"));
	ga_diags_free(&d);

	big = malloc(n);
	ck_assert_ptr_nonnull(big);
	memset(big, '\n', n);
	write_file(path, big, n);
	ck_assert_int_eq(ga_parse_file(path, &sc, &d), -1);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_int_eq(d.items[0].line, 0);
	ck_assert_ptr_nonnull(strstr(d.items[0].msg, "larger than 1 MiB"));
	ga_diags_free(&d);

	/* exactly 1 MiB is allowed (and, being empty, wrong for other
	 * reasons) */
	write_file(path, big, n - 1);
	ck_assert_int_eq(ga_parse_file(path, &sc, &d), -1);
	ck_assert_uint_eq(d.n, 3);
	ck_assert_str_eq(d.items[0].msg, "missing 'title' directive");
	ga_diags_free(&d);
	free(big);
	unlink(path);
}
END_TEST

START_TEST(test_print)
{
	struct ga_diags d = { 0 };
	struct ga_scenario *sc;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	ck_assert_int_eq(ga_parse_text("s/k.gw", "connection app\nconnect ap\n",
				       &sc, &d), -1);
	ga_diags_add(&d, "s/k.gw", 0, 0, "cannot read: %s", "gone");
	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	ga_diags_print(&d, f);
	fclose(f);
	ck_assert_str_eq(buf,
			 "s/k.gw:1: error: missing 'title' directive\n"
			 "s/k.gw:1: error: missing 'cause' directive\n"
			 "s/k.gw:2:9: error: unknown connection 'ap'; "
			 "did you mean 'app'?\n"
			 "s/k.gw:0: error: cannot read: gone\n");
	free(buf);
	ga_diags_free(&d);
}
END_TEST

/* A file of many bad lines: every problem counted, the first
 * GA_DIAGS_SHOWN_MAX shown, the rest said in one line (a 1 MiB file of
 * them had printed 520,004 lines in 2.3 s and 93 MB; now 1,004). */
START_TEST(test_many_problems)
{
	struct ga_diags d = { 0 };
	struct ga_scenario *sc;
	size_t n = GA_DIAGS_SHOWN_MAX + 500, i, lines = 0, hlen;
	char *text, *buf = NULL, *last, want[160];
	size_t len = 0;
	FILE *f;

	hlen = strlen(HEAD);
	text = malloc(hlen + 2 * n + 1);
	ck_assert_ptr_nonnull(text);
	memcpy(text, HEAD, hlen);
	for (i = 0; i < n; i++)
		memcpy(text + hlen + 2 * i, "x\n", 2);
	text[hlen + 2 * n] = '\0';
	ck_assert_int_eq(ga_parse_text("m.gw", text, &sc, &d), -1);
	ck_assert_uint_ge(d.n, n);      /* each line, and the file's own */
	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	ga_diags_print(&d, f);
	fclose(f);
	for (i = 0; i < len; i++)
		lines += buf[i] == '\n';
	ck_assert_uint_eq(lines, GA_DIAGS_SHOWN_MAX + 1);
	buf[len - 1] = '\0';
	last = strrchr(buf, '\n');
	ck_assert_ptr_nonnull(last);
	snprintf(want, sizeof(want), "m.gw: error: %zu more problems not "
		 "shown (only the first %d found are: GA_DIAGS_SHOWN_MAX)",
		 d.n - GA_DIAGS_SHOWN_MAX, GA_DIAGS_SHOWN_MAX);
	ck_assert_str_eq(last + 1, want);
	free(buf);
	free(text);
	ga_diags_free(&d);
}
END_TEST

/* CRLF line ends and tabs: a tab is one column. */
START_TEST(test_crlf_and_tabs)
{
	struct ga_diags d = { 0 };
	struct ga_scenario *sc;

	sc = parse_ok("title t\r\ncause c\r\nconnection app\r\n"
		      "query app SELECT 1\r\n\texpect ok = 1\r\n");
	ck_assert_str_eq(sc->title, "t");
	ck_assert_str_eq(sc->steps[0].text, "SELECT 1");
	ck_assert_str_eq(sc->steps[0].expects[0].value.text, "1");
	ga_scenario_free(sc);

	parse_bad(HEAD "\t\tconnect\tbob\n", &d);
	assert_diag(&d, 0, 4, 11, "unknown connection 'bob'");
	ga_diags_free(&d);
}
END_TEST

/* ---- labels: never a path out of the results directory ----------------- */

static const struct {
	const char *raw, *want;
} label_cases[] = {
	{ "kill-idle", "kill-idle" },
	{ "a/x", "a/x" },
	{ "../s/k", "up/s/k" },
	{ "../../k", "up/up/k" },
	{ "/etc/k", "etc/k" },
	{ "a//./b/", "a/b" },
	{ "..", "up" },
	{ ".", "_" },
	{ "", "_" },
	{ "/", "_" },
	{ "...", "..." },
	{ "x/..y/..", "x/..y/up" },
};

START_TEST(test_label_safe)
{
	char *got = ga_label_safe(label_cases[_i].raw);

	ck_assert_ptr_nonnull(got);
	ck_assert_msg(strcmp(got, label_cases[_i].want) == 0,
		      "'%s': got '%s', want '%s'", label_cases[_i].raw, got,
		      label_cases[_i].want);
	free(got);
}
END_TEST

/* The same base name in ../s and s (the reported escape), a file named
 * "...gw" (name ".."), and the same file twice. */
START_TEST(test_labels_stay_inside)
{
	static const char *const paths[] = {
		"../s/k.gw", "s/k.gw", "t/...gw", "s/k.gw",
	};
	static const char *const want[] = {
		"up/s/k", "s/k", "up", "s/k-2",
	};
	struct ga_scenario *scs[4];
	size_t i, n = sizeof(paths) / sizeof(paths[0]);
	const char *base;

	for (i = 0; i < n; i++) {
		scs[i] = calloc(1, sizeof(*scs[i]));
		ck_assert_ptr_nonnull(scs[i]);
		scs[i]->path = strdup(paths[i]);
		base = strrchr(paths[i], '/') + 1;
		scs[i]->name = strndup(base, strlen(base) - 3);
	}
	ck_assert_int_eq(ga_scenarios_label(scs, n), 0);
	for (i = 0; i < n; i++) {
		ck_assert_msg(strcmp(scs[i]->label, want[i]) == 0,
			      "%s: label '%s', want '%s'", paths[i],
			      scs[i]->label, want[i]);
		free(scs[i]->path);
		free(scs[i]->name);
		free(scs[i]->label);
		free(scs[i]);
	}
}
END_TEST

Suite *make_parse_suite(void)
{
	Suite *s;
	TCase *tc;

	s = suite_create("parse");

	tc = tcase_create("valid");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_full_header);
	tcase_add_test(tc, test_full_steps);
	tcase_add_test(tc, test_full_expects);
	tcase_add_test(tc, test_example);
	tcase_add_test(tc, test_status_now);
	tcase_add_test(tc, test_step_kind_names);
	suite_add_tcase(s, tc);

	tc = tcase_create("lexical");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_comments_and_sql);
	tcase_add_test(tc, test_names_from_path);
	tcase_add_test(tc, test_crlf_and_tabs);
	suite_add_tcase(s, tc);

	tc = tcase_create("durations");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_durations, 0,
			    sizeof(duration_cases) / sizeof(duration_cases[0]));
	tcase_add_test(tc, test_timeouts_and_sleep);
	suite_add_tcase(s, tc);

	tc = tcase_create("selectors");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_selectors, 0,
			    sizeof(selector_cases) / sizeof(selector_cases[0]));
	tcase_add_test(tc, test_selectors_distinct);
	tcase_add_loop_test(tc, test_requires_selector, 0,
			    sizeof(selector_cases) / sizeof(selector_cases[0]));
	tcase_add_test(tc, test_requires_selector_alone);
	tcase_add_test(tc, test_outcome_lists);
	tcase_add_test(tc, test_client_classes);
	tcase_add_loop_test(tc, test_client_selectors, 0,
			    sizeof(client_selector_cases) /
			    sizeof(client_selector_cases[0]));
	tcase_add_test(tc, test_client_selectors_distinct);
	tcase_add_test(tc, test_client_classes_namespaced);
	suite_add_tcase(s, tc);

	tc = tcase_create("diagnostics");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_diagnostic, 0,
			    sizeof(diag_cases) / sizeof(diag_cases[0]));
	tcase_add_test(tc, test_three_errors);
	tcase_add_test(tc, test_all_reported_in_order);
	tcase_add_test(tc, test_no_cascade);
	tcase_add_test(tc, test_diags_append);
	suite_add_tcase(s, tc);

	tc = tcase_create("did-you-mean");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_did_you_mean, 0,
			    sizeof(dym_cases) / sizeof(dym_cases[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("labels");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_label_safe, 0,
			    sizeof(label_cases) / sizeof(label_cases[0]));
	tcase_add_test(tc, test_labels_stay_inside);
	suite_add_tcase(s, tc);

	tc = tcase_create("files");
	tcase_add_unchecked_fixture(tc, files_setup, files_teardown);
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_file_ok);
	tcase_add_test(tc, test_file_missing);
	tcase_add_test(tc, test_file_nul_and_size);
	tcase_add_test(tc, test_print);
	tcase_add_test(tc, test_many_problems);
	suite_add_tcase(s, tc);

	return s;
}
