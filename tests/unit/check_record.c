/* check_record.c - what "goneaway run --record" writes (plan/record_case.c),
 * from case results made up here: the line for what a case saw (codes,
 * classes, the spread, "within" with its margin, a hang's "after", the
 * clauses kept), the changes to a scenario (a draft's placeholders, a
 * client's own lines, a server's own line) and an expectation file's
 * lines per server; and the text edits and unified diff they become
 * (util/textedit.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/expect_text.h"
#include "lang/expectations.h"
#include "lang/parse.h"
#include "parse_util.h"
#include "plan/record.h"
#include "suites.h"
#include "util/alloc.h"
#include "util/textedit.h"

/* A case of client on a server (flavour, version) for sc, every step
 * ran and succeeded unless set otherwise. */
static void make_case(struct ga_record_case *rc, const struct ga_scenario *sc,
		      const char *server, enum ga_flavour fl,
		      unsigned long version, const char *client)
{
	size_t i;

	memset(rc, 0, sizeof(*rc));
	snprintf(rc->server_name, sizeof(rc->server_name), "%s", server);
	snprintf(rc->client, sizeof(rc->client), "%s", client);
	rc->who.flavour = fl;
	rc->who.version = version;
	rc->who.client = rc->client;
	rc->who.server_name = rc->server_name;
	rc->nsteps = sc->nsteps;
	rc->steps = calloc(sc->nsteps, sizeof(*rc->steps));
	ck_assert_ptr_nonnull(rc->steps);
	for (i = 0; i < sc->nsteps; i++) {
		rc->steps[i].ran = true;
		rc->steps[i].matched = true;
		rc->steps[i].out.result = GA_RESULT_OK;
		rc->steps[i].out.elapsed_ms = 1;
	}
}

/* Step i failed with err (class: a driver's error class) after ms. */
static void failed(struct ga_record_case *rc, size_t i, unsigned err,
		   const char *cls, double ms)
{
	rc->steps[i].out.result = GA_RESULT_ERROR;
	rc->steps[i].out.err = err;
	snprintf(rc->steps[i].out.error_class,
		 sizeof(rc->steps[i].out.error_class), "%s", cls ? cls : "");
	rc->steps[i].out.elapsed_ms = ms;
	rc->steps[i].matched = false;
}

/* The scenario's text with what cases[0..n) saw recorded. */
static char *recorded(const struct ga_scenario *sc, const char *text,
		      struct ga_record_case *cases, size_t n, char **patch)
{
	struct ga_line_edits e = { NULL, 0 };
	struct ga_error err;
	char notes[512], *out = NULL;
	size_t len = 0;
	FILE *f;

	ck_assert_msg(ga_record_scenario(sc, text, cases, n, &e, notes,
					 sizeof(notes), &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(notes[0] == '\0', "notes: %s", notes);
	ck_assert_msg(ga_text_edit(text, &e, &out, &err) == 0, "%s", err.msg);
	if (patch) {
		f = open_memstream(patch, &len);
		ck_assert_int_eq(ga_text_udiff(f, "ok.gw", text, &e, &err), 0);
		fclose(f);
	}
	ga_line_edits_free(&e);
	fputs(out, stderr);
	return out;
}

/* ---- one line --------------------------------------------------------- */

static void line_text(const struct ga_step *st, const struct ga_step_result *sr,
		      const struct ga_expect *applied, char *buf, size_t len)
{
	struct ga_expect e;

	ck_assert_int_eq(ga_record_line(st, sr, applied, &e), 0);
	ga_expect_text(&e, true, buf, len);
	ga_record_expect_free(&e);
}

START_TEST(test_line)
{
	struct ga_scenario *sc = parse_ok("title t\ncause c\nconnection a\n"
		"query a SELECT 1\n    expect ok = 1 within 2s\n"
		"connect a\n    expect CR_CONN_HOST_ERROR matching \"(110)\"\n");
	struct ga_tally t[3];
	struct ga_step_result sr;
	char b[256];

	memset(&sr, 0, sizeof(sr));
	sr.ran = true;
	sr.out.result = GA_RESULT_ERROR;
	sr.out.err = 2013;
	sr.out.elapsed_ms = 3;
	line_text(&sc->steps[0], &sr, NULL, b, sizeof(b));
	ck_assert_str_eq(b, "CR_SERVER_LOST within 1.5s");
	/* a spread: every outcome, within over the longest */
	memset(t, 0, sizeof(t));
	t[0].result = GA_RESULT_ERROR; t[0].err = 2013; t[0].count = 2;
	t[0].max_ms = 1200;
	t[1].result = GA_RESULT_ERROR; t[1].err = 2006; t[1].count = 1;
	t[1].max_ms = 10;
	sr.tally = t;
	sr.ntally = 2;
	line_text(&sc->steps[0], &sr, NULL, b, sizeof(b));
	ck_assert_str_eq(b, "CR_SERVER_LOST | CR_SERVER_GONE_ERROR within "
			 "2.5s");
	/* 30 s: the margin is half of it */
	t[0].max_ms = 30000;
	line_text(&sc->steps[0], &sr, NULL, b, sizeof(b));
	ck_assert_str_eq(b, "CR_SERVER_LOST | CR_SERVER_GONE_ERROR within "
			 "45s");
	/* a hang: its time, no within */
	sr.ntally = 0;
	sr.out.result = GA_RESULT_HANG;
	sr.out.elapsed_ms = 60003;
	line_text(&sc->steps[0], &sr, NULL, b, sizeof(b));
	ck_assert_str_eq(b, "hang after 60s");
	/* a driver's class; an error with neither number nor class */
	sr.out.result = GA_RESULT_ERROR;
	sr.out.err = 0;
	snprintf(sr.out.error_class, sizeof(sr.out.error_class),
		 "InterfaceError");
	sr.out.elapsed_ms = 0;
	line_text(&sc->steps[0], &sr, NULL, b, sizeof(b));
	ck_assert_str_eq(b, "InterfaceError within 1s");
	sr.out.error_class[0] = '\0';
	line_text(&sc->steps[0], &sr, NULL, b, sizeof(b));
	ck_assert_str_eq(b, "error within 1s");
	/* success keeps the value check and the within that held */
	sr.out.result = GA_RESULT_OK;
	sr.out.has_value = true;
	snprintf(sr.out.value, sizeof(sr.out.value), "1");
	sr.out.elapsed_ms = 5;
	line_text(&sc->steps[0], &sr, &sc->steps[0].expects[0], b, sizeof(b));
	ck_assert_str_eq(b, "ok = 1 within 2s");
	/* a failed connect keeps "matching" when its message has it */
	sr.out.result = GA_RESULT_ERROR;
	sr.out.err = 2002;
	snprintf(sr.out.message, sizeof(sr.out.message), "Can't connect (111)");
	line_text(&sc->steps[1], &sr, &sc->steps[1].expects[0], b, sizeof(b));
	ck_assert_str_eq(b, "CR_CONNECTION_ERROR within 1.5s");
	snprintf(sr.out.message, sizeof(sr.out.message), "Can't connect (110)");
	sr.out.err = 2003;
	line_text(&sc->steps[1], &sr, &sc->steps[1].expects[0], b, sizeof(b));
	ck_assert_str_eq(b, "CR_CONN_HOST_ERROR matching \"(110)\" within 1.5s");
	ga_scenario_free(sc);
}
END_TEST

/* Issue 38: over a repeat's runs, a record holds every set of events the
 * pool reported ("pool none | discarded+opened"), keeps a value check
 * only when every success read a value it holds for (one run's "= 1"
 * written after a race FAILed half the runs again), and keeps one that
 * held in every success although the last run failed. */
START_TEST(test_line_repeat_pool)
{
	struct ga_scenario *sc = parse_ok("title t\ncause c\npool p\n"
		"connection a pool=p\nconnect a\nquery a SELECT 1\n"
		"    expect ok = 1 pool none\n");
	const struct ga_expect *applied = &sc->steps[1].expects[0];
	struct ga_step_result sr;
	struct ga_tally t[3];
	char b[256];

	memset(&sr, 0, sizeof(sr));
	memset(t, 0, sizeof(t));
	sr.ran = true;
	sr.out.result = GA_RESULT_OK;
	sr.out.has_value = true;
	snprintf(sr.out.value, sizeof(sr.out.value), "1");
	sr.out.has_pool_events = true;      /* the last run: as the line */
	sr.out.thread_before = sr.out.thread_after = 5;
	ga_tally_of(&sr, &t[0]);
	t[0].count = 12;
	t[1] = t[0];
	t[1].pool_events = GA_POOL_EVENT(DISCARDED) | GA_POOL_EVENT(OPENED);
	t[1].thread = GA_THREAD_NEW;
	t[1].count = 8;
	sr.tally = t;
	sr.ntally = 2;
	ck_assert(!ga_record_holds(applied, &sr));
	line_text(&sc->steps[1], &sr, applied, b, sizeof(b));
	ck_assert_str_eq(b, "ok = 1 pool none | discarded+opened");
	/* another value in the runs that reconnected: no value check */
	snprintf(t[1].value, sizeof(t[1].value), "0");
	line_text(&sc->steps[1], &sr, applied, b, sizeof(b));
	ck_assert_str_eq(b, "ok pool none | discarded+opened");
	/* ... nor when the runs of one outcome read two values */
	snprintf(t[1].value, sizeof(t[1].value), "1");
	t[0].ok_varied = true;
	line_text(&sc->steps[1], &sr, applied, b, sizeof(b));
	ck_assert_str_eq(b, "ok pool none | discarded+opened");
	t[0].ok_varied = false;
	/* the last run failed, every success read 1: "= 1" stays */
	sr.out.result = GA_RESULT_ERROR;
	sr.out.err = 2013;
	sr.out.elapsed_ms = 2;
	t[2].result = GA_RESULT_ERROR;
	t[2].err = 2013;
	t[2].has_pool_events = true;
	t[2].pool_events = GA_POOL_EVENT(DISCARDED);
	t[2].count = 1;
	t[2].max_ms = 2;
	sr.ntally = 3;
	line_text(&sc->steps[1], &sr, applied, b, sizeof(b));
	ck_assert_str_eq(b, "ok | CR_SERVER_LOST = 1 pool none | discarded | "
			 "discarded+opened within 1.5s");
	/* a run whose driver reported no events: no pool clause */
	t[2].has_pool_events = false;
	line_text(&sc->steps[1], &sr, applied, b, sizeof(b));
	ck_assert_str_eq(b, "ok | CR_SERVER_LOST = 1 within 1.5s");
	ga_scenario_free(sc);
}
END_TEST

/* Issue 24: a "rows CMP N" clause that held is kept, one that did not
 * (or that the client could not check) is not. */
START_TEST(test_line_rows)
{
	struct ga_scenario *sc = parse_ok("title t\ncause c\nconnection a\n"
		"connect a\nstream a SELECT 1\n"
		"    expect CR_SERVER_LOST rows < 100 within 2s\n");
	const struct ga_expect *applied = &sc->steps[1].expects[0];
	struct ga_step_result sr;
	char b[256];

	memset(&sr, 0, sizeof(sr));
	sr.ran = true;
	sr.out.result = GA_RESULT_ERROR;
	sr.out.err = 2013;
	sr.out.elapsed_ms = 3;
	sr.out.has_rows = true;
	sr.out.rows = 5;
	line_text(&sc->steps[1], &sr, applied, b, sizeof(b));
	ck_assert_str_eq(b, "CR_SERVER_LOST rows < 100 within 2s");
	sr.out.rows = 500;
	line_text(&sc->steps[1], &sr, applied, b, sizeof(b));
	ck_assert_str_eq(b, "CR_SERVER_LOST within 2s");
	sr.out.rows = 0;
	sr.out.has_rows = false;
	line_text(&sc->steps[1], &sr, applied, b, sizeof(b));
	ck_assert_str_eq(b, "CR_SERVER_LOST within 2s");
	ga_scenario_free(sc);
}
END_TEST

/* ---- a scenario ------------------------------------------------------- */

static const char draft[] =
	"title t\n"                             /* 1 */
	"cause c\n"                             /* 2 */
	"connection app\n"                      /* 3 */
	"connect app\n"                         /* 4 */
	"kill app\n"                            /* 5 */
	"query app SELECT 1\n"                  /* 6 */
	"\texpect any   # what now?\n"          /* 7 */
	"query app SELECT 2\n"                  /* 8 */
	"status Aborted_clients\n";             /* 9 */

START_TEST(test_draft)
{
	struct ga_scenario *sc = parse_ok(draft);
	struct ga_record_case rc;
	char *out, *patch = NULL;

	make_case(&rc, sc, "local", GA_FLAVOUR_MARIADB, 101119, "builtin");
	failed(&rc, 2, 2013, NULL, 2);
	rc.steps[2].expect = &sc->steps[2].expects[0];
	rc.steps[2].matched = true;             /* "any" matched */
	failed(&rc, 3, 2006, NULL, 0);
	out = recorded(sc, draft, &rc, 1, &patch);
	ck_assert_ptr_nonnull(strstr(out, "query app SELECT 1\n"
		"\texpect CR_SERVER_LOST within 1.5s  # what now?\n"
		"query app SELECT 2\n"
		"\texpect CR_SERVER_GONE_ERROR within 1s\n"
		"status Aborted_clients\n"));
	fputs(patch, stderr);
	ck_assert_str_eq(patch,
		"--- ok.gw\n+++ ok.gw\n"
		"@@ -4,6 +4,7 @@\n"
		" connect app\n kill app\n query app SELECT 1\n"
		"-\texpect any   # what now?\n"
		"+\texpect CR_SERVER_LOST within 1.5s  # what now?\n"
		" query app SELECT 2\n"
		"+\texpect CR_SERVER_GONE_ERROR within 1s\n"
		" status Aborted_clients\n");
	free(out);
	free(patch);
	ga_record_case_free(&rc);
	ga_scenario_free(sc);
}
END_TEST

/* Two servers that differ: the first's is the default, the other's a
 * line of its flavour; both hold by the result. */
START_TEST(test_two_servers)
{
	struct ga_scenario *sc = parse_ok(draft), *back;
	struct ga_record_case rc[2];
	char *out;

	make_case(&rc[0], sc, "local", GA_FLAVOUR_MARIADB, 101119, "builtin");
	make_case(&rc[1], sc, "mysql-9.7", GA_FLAVOUR_MYSQL, 90704, "builtin");
	failed(&rc[0], 3, 2006, NULL, 0);
	failed(&rc[1], 3, 4031, NULL, 2);
	out = recorded(sc, draft, rc, 2, NULL);
	ck_assert_ptr_nonnull(strstr(out, "query app SELECT 2\n"
		"\texpect CR_SERVER_GONE_ERROR within 1s\n"
		"\texpect [mysql] 4031 within 1s\n"));
	back = parse_ok(out);
	ck_assert_uint_eq(back->steps[3].nexpects, 2);
	ga_scenario_free(back);
	free(out);
	ga_record_case_free(&rc[0]);
	ga_record_case_free(&rc[1]);
	ga_scenario_free(sc);
}
END_TEST

static const char published[] =
	"title t\n"                                     /* 1 */
	"cause c\n"                                     /* 2 */
	"connection app\n"                              /* 3 */
	"connect app\n"                                 /* 4 */
	"kill app\n"                                    /* 5 */
	"query app SELECT 1\n"                          /* 6 */
	"    expect CR_SERVER_GONE_ERROR within 1s\n"   /* 7 */
	"    expect [mysql >= 8.0.24] 4031 within 1s\n" /* 8 */
	"    expect [client=go] driver.ErrBadConn\n";   /* 9 */

/* Another client: only its own lines, where it differs; with the server
 * condition of the line it differs from. */
START_TEST(test_client_lines)
{
	struct ga_scenario *sc = parse_ok(published);
	struct ga_record_case rc[4];
	char *out, *patch = NULL;

	make_case(&rc[0], sc, "local", GA_FLAVOUR_MARIADB, 101119, "builtin");
	failed(&rc[0], 2, 2006, NULL, 0);
	rc[0].steps[2].expect = &sc->steps[2].expects[0];
	rc[0].steps[2].matched = true;
	make_case(&rc[1], sc, "local", GA_FLAVOUR_MARIADB, 101119, "pymysql");
	failed(&rc[1], 2, 0, "InterfaceError", 0);
	rc[1].steps[2].expect = &sc->steps[2].expects[0];
	make_case(&rc[2], sc, "mysql-9.7", GA_FLAVOUR_MYSQL, 90704, "pymysql");
	failed(&rc[2], 2, 2013, "OperationalError", 1);
	rc[2].steps[2].expect = &sc->steps[2].expects[1];
	make_case(&rc[3], sc, "local", GA_FLAVOUR_MARIADB, 101119, "php");
	failed(&rc[3], 2, 2006, "mysqli_sql_exception", 0);
	rc[3].steps[2].expect = &sc->steps[2].expects[0];
	rc[3].steps[2].matched = true;          /* the same as everyone's */
	out = recorded(sc, published, rc, 4, &patch);
	fputs(patch, stderr);
	ck_assert_ptr_nonnull(strstr(out,
		"    expect CR_SERVER_GONE_ERROR within 1s\n"
		"    expect [mysql >= 8.0.24, client=pymysql] CR_SERVER_LOST "
		"within 1s\n"
		"    expect [mysql >= 8.0.24] 4031 within 1s\n"
		"    expect [client=go] driver.ErrBadConn\n"
		"    expect [client=pymysql] InterfaceError within 1s\n"));
	ck_assert_ptr_null(strstr(out, "client=php"));
	ck_assert_ptr_null(strstr(patch, "\n-"));       /* nothing removed */
	free(out);
	free(patch);
	for (int i = 0; i < 4; i++)
		ga_record_case_free(&rc[i]);
	ga_scenario_free(sc);
}
END_TEST

/* Lines that hold: nothing to change. */
START_TEST(test_nothing)
{
	struct ga_scenario *sc = parse_ok(published);
	struct ga_line_edits e = { NULL, 0 };
	struct ga_record_case rc;
	struct ga_error err;
	char notes[64];

	make_case(&rc, sc, "local", GA_FLAVOUR_MARIADB, 101119, "builtin");
	failed(&rc, 2, 2006, NULL, 0);
	rc.steps[2].expect = &sc->steps[2].expects[0];
	rc.steps[2].matched = true;
	ck_assert_int_eq(ga_record_scenario(sc, published, &rc, 1, &e, notes,
					    sizeof(notes), &err), 0);
	ck_assert_uint_eq(e.n, 0);
	ga_record_case_free(&rc);
	ga_scenario_free(sc);
}
END_TEST

/* Every allocation of a scenario's recording made to fail in turn
 * (util/alloc.h): each is a clean -1 with a reason, never a crash.  A
 * failing split of the text into lines once freed the recording's
 * state before it was set (an uninitialised pointer). */
START_TEST(test_record_out_of_memory)
{
	struct ga_scenario *sc = parse_ok(draft);
	struct ga_line_edits e = { NULL, 0 };
	struct ga_record_case rc;
	struct ga_error err;
	char notes[512];
	long k, total;
	int r;

	ck_assert_msg(ga_alloc_wrapped(), "check-unit is not linked with "
		      "GA_ALLOC_WRAP: nothing can fail");
	make_case(&rc, sc, "local", GA_FLAVOUR_MARIADB, 101119, "builtin");
	failed(&rc, 2, 2013, NULL, 2);
	failed(&rc, 3, 2006, NULL, 0);
	ga_alloc_fail_at(0);
	r = ga_record_scenario(sc, draft, &rc, 1, &e, notes, sizeof(notes),
			       &err);
	total = ga_alloc_count();
	ga_alloc_disarm();
	ck_assert_int_eq(r, 0);
	ck_assert_uint_gt(e.n, 0);
	ga_line_edits_free(&e);
	for (k = 1; k <= total; k++) {
		err.msg[0] = '\0';
		ga_alloc_fail_at(k);
		r = ga_record_scenario(sc, draft, &rc, 1, &e, notes,
				       sizeof(notes), &err);
		ga_alloc_disarm();
		ck_assert_msg(ga_alloc_failed(), "allocation %ld of %ld never "
			      "came", k, total);
		ck_assert_msg(r == -1 && err.msg[0], "allocation %ld of %ld "
			      "failed: returned %d, '%s'", k, total, r,
			      err.msg);
		ga_line_edits_free(&e);
	}
	ga_record_case_free(&rc);
	ga_scenario_free(sc);
}
END_TEST

/* ---- an expectation file ------------------------------------------------ */

START_TEST(test_expectations)
{
	struct ga_scenario *sc = parse_ok(published);
	struct ga_expectations x;
	struct ga_record_case rc[3];
	struct ga_error err;
	char b[256];
	size_t i;

	free(sc->label);
	sc->label = strdup("p");
	memset(&x, 0, sizeof(x));
	x.path = strdup("x.expect");
	x.client = strdup("pymysql");
	make_case(&rc[0], sc, "local", GA_FLAVOUR_MARIADB, 101119, "pymysql");
	failed(&rc[0], 2, 2006, "OperationalError", 0);
	rc[0].steps[2].expect = &sc->steps[2].expects[0];
	rc[0].steps[2].matched = true;
	make_case(&rc[1], sc, "mysql-9.7", GA_FLAVOUR_MYSQL, 90704, "pymysql");
	failed(&rc[1], 2, 2013, "OperationalError", 1);
	rc[1].steps[2].expect = &sc->steps[2].expects[1];
	make_case(&rc[2], sc, "local", GA_FLAVOUR_MARIADB, 101119, "builtin");
	ck_assert_int_eq(ga_record_expectations(&x, sc, rc, 3, &err), 0);
	ga_expectations_sort(&x);
	/* connect (*), the query (* and mysql-9.7's own) */
	ck_assert_uint_eq(x.n, 3);
	ck_assert_int_eq(x.items[0].step_line, 4);
	ck_assert_str_eq(x.items[0].server, "");
	ga_expect_text(&x.items[0].expect, false, b, sizeof(b));
	ck_assert_str_eq(b, "ok");
	ck_assert_int_eq(x.items[1].step_line, 6);
	ck_assert_str_eq(x.items[1].server, "");
	ga_expect_text(&x.items[1].expect, false, b, sizeof(b));
	ck_assert_str_eq(b, "CR_SERVER_GONE_ERROR within 1s");  /* as it was */
	ck_assert_str_eq(x.items[2].server, "mysql-9.7");
	ga_expect_text(&x.items[2].expect, false, b, sizeof(b));
	ck_assert_str_eq(b, "CR_SERVER_LOST within 1s");
	/* again with local only: mysql-9.7's line stays */
	ck_assert_int_eq(ga_record_expectations(&x, sc, rc, 1, &err), 0);
	ck_assert_uint_eq(x.n, 3);
	ck_assert_ptr_nonnull(ga_expectations_find(&x, "p", 6, "mysql-9.7"));
	for (i = 0; i < 3; i++)
		ga_record_case_free(&rc[i]);
	ga_expectations_free(&x);
	ga_scenario_free(sc);
}
END_TEST

/* ---- a driver's text is data ------------------------------------------- */

/* Error classes a driver may report that an expect line cannot hold as
 * they came: each would change what the line says (a new line holding a
 * step, a word that means success or another error, a comment, a
 * quote).  The protocol refuses control characters (client/protocol.h);
 * the recorder must still never write any of these as a class. */
static const char *const hostile[] = {
	"Foo\nadmin SET GLOBAL max_connections=1",
	"ok", "hang", "error", "any", "CR_SERVER_LOST",
	"Err\"quote", "<script>alert(1)</script>", "x]]>", "#", "a|b",
	"Err#TODO", "E r r",
};

START_TEST(test_hostile_class)
{
	struct ga_scenario *sc = parse_ok(published), *back;
	struct ga_line_edits e = { NULL, 0 };
	struct ga_record_case rc;
	struct ga_diags d = { 0 };
	struct ga_error err;
	char notes[1024], *out = NULL;
	const char *cls = hostile[_i];
	const struct ga_expect *x;
	size_t k;

	make_case(&rc, sc, "local", GA_FLAVOUR_MARIADB, 101119, "bad-x");
	failed(&rc, 2, 0, cls, 0);
	rc.steps[2].expect = &sc->steps[2].expects[0];
	ck_assert_int_eq(ga_record_scenario(sc, published, &rc, 1, &e, notes,
					    sizeof(notes), &err), 0);
	ck_assert_msg(strstr(notes, "is no class an expect line can hold") !=
		      NULL, "notes: %s", notes);
	ck_assert_int_eq(ga_text_edit(published, &e, &out, &err), 0);
	fputs(out, stderr);
	/* it reads back: the same steps, the driver's line says "error" */
	ck_assert_int_eq(ga_parse_text("back.gw", out, &back, &d), 0);
	ck_assert_uint_eq(back->nsteps, sc->nsteps);
	for (k = 0; k < back->nsteps; k++) {
		ck_assert_int_eq(back->steps[k].kind, sc->steps[k].kind);
		ck_assert_int_eq(back->steps[k].line, sc->steps[k].line);
	}
	ck_assert_uint_eq(back->steps[2].nexpects, 4);
	x = &back->steps[2].expects[3];
	ck_assert_str_eq(x->selector.client, "bad-x");
	ck_assert(x->set.any_error);
	ck_assert(!x->set.ok && !x->set.hang && !x->set.any);
	ck_assert_uint_eq(x->set.ncodes, 0);
	ck_assert_uint_eq(x->set.nclasses, 0);
	ck_assert_ptr_null(strstr(out, "admin"));
	ck_assert_ptr_null(strstr(out, "script"));
	ga_scenario_free(back);
	free(out);
	ga_line_edits_free(&e);
	ga_record_case_free(&rc);
	ga_scenario_free(sc);
}
END_TEST

/* The same into an expectation file: what is written reads back as the
 * lines that were recorded, "error" in the hostile class's place. */
START_TEST(test_hostile_class_expectations)
{
	struct ga_scenario *sc = parse_ok(published);
	struct ga_expectations x, back;
	struct ga_record_case rc;
	struct ga_diags d = { 0 };
	struct ga_error err;
	char *text = NULL, a[256], b[256];
	size_t len = 0, i;
	FILE *f;

	free(sc->label);
	sc->label = strdup("p");
	memset(&x, 0, sizeof(x));
	memset(&back, 0, sizeof(back));
	x.path = strdup("x.expect");
	x.client = strdup("bad-x");
	make_case(&rc, sc, "local", GA_FLAVOUR_MARIADB, 101119, "bad-x");
	failed(&rc, 2, 0, hostile[_i], 0);
	rc.steps[2].expect = &sc->steps[2].expects[0];
	ck_assert_int_eq(ga_record_expectations(&x, sc, &rc, 1, &err), 0);
	f = open_memstream(&text, &len);
	ck_assert_int_eq(ga_expectations_write(f, &x), 0);
	fclose(f);
	fputs(text, stderr);
	ck_assert_ptr_null(strstr(text, "admin"));
	ck_assert_int_eq(ga_expectations_parse_text("x.expect", text, &back,
						    &d), 0);
	ck_assert_uint_eq(back.n, x.n);
	for (i = 0; i < x.n; i++) {
		ck_assert_int_eq(back.items[i].step_line, x.items[i].step_line);
		ga_expect_text(&x.items[i].expect, false, a, sizeof(a));
		ga_expect_text(&back.items[i].expect, false, b, sizeof(b));
		ck_assert_str_eq(a, b);
	}
	ga_expect_text(&back.items[1].expect, false, b, sizeof(b));
	ck_assert_str_eq(b, "error within 1s");
	free(text);
	ga_expectations_free(&back);
	ga_expectations_free(&x);
	ga_record_case_free(&rc);
	ga_scenario_free(sc);
}
END_TEST

/* ga_expect_text itself never writes a class or client name that would
 * read back as something else: it leaves it out and says so (-1). */
START_TEST(test_expect_text_refuses)
{
	struct ga_expect e;
	char b[256];

	memset(&e, 0, sizeof(e));
	e.after_ms = e.within_ms = -1;
	e.set.nclasses = 2;
	snprintf(e.set.classes[0], GA_CLASS_MAX, "InterfaceError");
	snprintf(e.set.classes[1], GA_CLASS_MAX, "X\nadmin SET GLOBAL a=1");
	ck_assert_int_eq(ga_expect_text(&e, true, b, sizeof(b)), -1);
	ck_assert_str_eq(b, "InterfaceError");
	e.set.nclasses = 1;
	snprintf(e.selector.client, sizeof(e.selector.client), "a]\nkill");
	ck_assert_int_eq(ga_expect_text(&e, true, b, sizeof(b)), -1);
	ck_assert_str_eq(b, "InterfaceError");
	ck_assert(ga_class_text_ok("Mysql2::Error"));
	ck_assert(ga_class_text_ok("Foo\\Bar\\Exception"));
	ck_assert(!ga_class_text_ok("ok"));
	ck_assert(!ga_class_text_ok("CR_SERVER_LOST"));
	ck_assert(!ga_class_text_ok("a b"));
	ck_assert(!ga_class_text_ok(""));
}
END_TEST

/* ---- text edits ---------------------------------------------------------- */

START_TEST(test_textedit)
{
	const char *text = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nl\n";
	struct ga_line_edits e = { NULL, 0 };
	struct ga_error err;
	char *out = NULL, *patch = NULL;
	size_t len = 0;
	FILE *f;

	ck_assert_int_eq(ga_line_edits_add(&e, 12, 1, "L\n", &err), 0);
	ck_assert_int_eq(ga_line_edits_add(&e, 2, 0, "x\ny\n", &err), 0);
	ck_assert_int_eq(ga_line_edits_add(&e, 13, 0, "end\n", &err), 0);
	ck_assert_int_eq(ga_text_edit(text, &e, &out, &err), 0);
	ck_assert_str_eq(out, "a\nx\ny\nb\nc\nd\ne\nf\ng\nh\ni\nj\nk\nL\nend\n");
	f = open_memstream(&patch, &len);
	ck_assert_int_eq(ga_text_udiff(f, "t.gw", text, &e, &err), 0);
	fclose(f);
	ck_assert_str_eq(patch, "--- t.gw\n+++ t.gw\n"
			 "@@ -1,4 +1,6 @@\n a\n+x\n+y\n b\n c\n d\n"
			 "@@ -9,4 +11,5 @@\n i\n j\n k\n-l\n+L\n+end\n");
	free(out);
	free(patch);
	/* edits that overlap or run past the text are refused */
	ck_assert_int_eq(ga_line_edits_add(&e, 12, 2, "", &err), 0);
	ck_assert_int_eq(ga_text_edit(text, &e, &out, &err), -1);
	ga_line_edits_free(&e);
	ck_assert_int_eq(ga_line_edits_add(&e, 20, 0, "z\n", &err), 0);
	ck_assert_int_eq(ga_text_edit(text, &e, &out, &err), -1);
	ga_line_edits_free(&e);
}
END_TEST

Suite *make_record_suite(void)
{
	Suite *s = suite_create("record");
	TCase *tc = tcase_create("lines");

	tcase_add_test(tc, test_line);
	tcase_add_test(tc, test_line_rows);
	tcase_add_test(tc, test_line_repeat_pool);
	tcase_add_test(tc, test_draft);
	tcase_add_test(tc, test_two_servers);
	tcase_add_test(tc, test_client_lines);
	tcase_add_test(tc, test_nothing);
	tcase_add_test(tc, test_record_out_of_memory);
	tcase_add_test(tc, test_expectations);
	tcase_add_test(tc, test_textedit);
	tcase_add_loop_test(tc, test_hostile_class, 0,
			    (int)(sizeof(hostile) / sizeof(hostile[0])));
	tcase_add_loop_test(tc, test_hostile_class_expectations, 0,
			    (int)(sizeof(hostile) / sizeof(hostile[0])));
	tcase_add_test(tc, test_expect_text_refuses);
	suite_add_tcase(s, tc);
	return s;
}
