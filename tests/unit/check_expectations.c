/* check_expectations.c - a connector's expectation file (lang/
 * expectations.c), expect lines written back (lang/expect_text.c) and
 * the "expect any" placeholder: read, every diagnostic at its line and
 * column, written sorted and read back the same, put into scenarios
 * ahead of their own lines, and every line the writer makes parsed back
 * into the expectation it came from. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/expect_text.h"
#include "lang/expectations.h"
#include "lang/parse.h"
#include "parse_util.h"
#include "run/expect.h"
#include "suites.h"

static const char scenario_text[] =
	"title t\n"                                     /* 1 */
	"cause c\n"                                     /* 2 */
	"connection app\n"                              /* 3 */
	"connect app\n"                                 /* 4 */
	"query app SELECT 1\n"                          /* 5 */
	"    expect ok = 1\n"                           /* 6 */
	"kill app\n"                                    /* 7 */
	"query app SELECT 1\n"                          /* 8 */
	"    expect CR_SERVER_LOST within 1s\n"         /* 9 */
	"    expect [mysql] 4031 within 1s\n"           /* 10 */
	"status Aborted_clients\n";                     /* 11 */

static const char good[] =
	"# a comment\n"
	"goneaway-expectations 1\n"
	"client pymysql\n"
	"driver cmd:python3 d.py  # the rest of the line\n"
	"\n"
	"ok:8 mysql-9.7 query app 2013 within 2s\n"
	"ok:8 * query app InterfaceError | 2006 within 1s\n"
	"ok:5 * query app ok = 1\n"
	"ok:11 * status ok >= 1\n"
	"other:3 * connect app ok\n"
	"oom:9 * server oom-kills ok = 1\n";

static int parse_x(const char *text, struct ga_expectations *x,
		   struct ga_diags *d)
{
	memset(x, 0, sizeof(*x));
	memset(d, 0, sizeof(*d));
	return ga_expectations_parse_text("x.expect", text, x, d);
}

/* x as the file is written (free() it); printed. */
static char *written(struct ga_expectations *x)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ga_expectations_write(f, x), 0);
	fclose(f);
	fputs(buf, stderr);
	return buf;
}

/* The lines of text put into scs[0] (a scenario of its own): apply
 * returns want (0, or -1 with diagnostics in d, printed). */
static void apply_text(struct ga_scenario **scs, const char *text, int want,
		       struct ga_expectations *x, struct ga_diags *d)
{
	ck_assert_int_eq(parse_x(text, x, d), 0);
	ck_assert_int_eq(ga_expectations_apply(x, scs, 1, NULL, d), want);
	ga_diags_print(d, stderr);
}

/* The scenario of text, its label set to label (as a run names it). */
static struct ga_scenario *labelled(const char *text, const char *label)
{
	struct ga_scenario *sc = parse_ok(text);

	free(sc->label);
	sc->label = strdup(label);
	ck_assert_ptr_nonnull(sc->label);
	return sc;
}

START_TEST(test_read_good)
{
	struct ga_expectations x;
	struct ga_diags d;

	ck_assert_int_eq(parse_x(good, &x, &d), 0);
	ga_diags_print(&d, stderr);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_str_eq(x.client, "pymysql");
	ck_assert_str_eq(x.driver, "cmd:python3 d.py");
	ck_assert_uint_eq(x.n, 6);
	ck_assert_str_eq(x.items[0].label, "ok");
	ck_assert_int_eq(x.items[0].step_line, 8);
	ck_assert_str_eq(x.items[0].server, "mysql-9.7");
	ck_assert_int_eq(x.items[0].kind, GA_STEP_QUERY);
	ck_assert_str_eq(x.items[0].conn, "app");
	ck_assert_uint_eq(x.items[0].expect.set.ncodes, 1);
	ck_assert_uint_eq(x.items[0].expect.set.codes[0], 2013);
	ck_assert_int_eq(x.items[0].expect.within_ms, 2000);
	ck_assert_str_eq(x.items[1].server, "");
	ck_assert_uint_eq(x.items[1].expect.set.nclasses, 1);
	ck_assert_str_eq(x.items[1].expect.set.classes[0], "InterfaceError");
	ck_assert_int_eq(x.items[3].kind, GA_STEP_STATUS);
	ck_assert_str_eq(x.items[3].conn, "");
	ck_assert_int_eq(x.items[3].expect.value.cmp, GA_CMP_GE);
	/* a keyword of two words */
	ck_assert_int_eq(x.items[5].kind, GA_STEP_SERVER_OOM_KILLS);
	ck_assert_str_eq(x.items[5].conn, "");
	ga_expectations_free(&x);
	ga_diags_free(&d);
}
END_TEST

struct bad_case {
	const char *text;
	int line, col;
	const char *msg;
};

#define HEAD "goneaway-expectations 1\nclient c\n"
static const struct bad_case bad_cases[] = {
	{ "", 1, 0, "not an expectation file: it begins with" },
	{ "client c\n", 1, 1, "not an expectation file" },
	{ "goneaway-expectations 2\n", 1, 23, "format 2, and this goneaway "
	  "reads format 1 only" },
	{ "goneaway-expectations\n", 1, 1, "needs the format's version" },
	{ HEAD "client d\n", 3, 1, "a second 'client' line (the first is "
	  "at line 2)" },
	{ HEAD "driver\n", 3, 1, "'driver' needs how to start the client" },
	{ HEAD "k:1 * query app ok\nclient d\n", 4, 1, "'client' after the "
	  "first step's line" },
	{ HEAD "kill-idle 1 * query app ok\n", 3, 1, "unknown line "
	  "'kill-idle'" },
	{ HEAD "clinet x\n", 3, 1, "did you mean 'client'?" },
	{ HEAD "k:x * query app ok\n", 3, 3, "invalid line 'x'" },
	{ HEAD ":3 * query app ok\n", 3, 1, "expected SCENARIO:LINE" },
	{ HEAD "k:3\n", 3, 4, "expected the server after 'k:3'" },
	{ HEAD "k:3 *\n", 3, 6, "expected the step's keyword" },
	{ HEAD "k:3 * qeury app ok\n", 3, 7, "unknown step 'qeury'; did you "
	  "mean 'query'?" },
	{ HEAD "k:3 * kill app ok\n", 3, 7, "'kill' has no outcome to "
	  "expect: it is an action" },
	{ HEAD "k:3 * server oom ok\n", 3, 7, "unknown step 'server oom'" },
	{ HEAD "k:3 * server restart ok\n", 3, 7, "'server restart' has no "
	  "outcome to expect: it is an action" },
	{ HEAD "k:3 * send app ok\n", 3, 7, "its 'reap' has" },
	{ HEAD "k:3 * query\n", 3, 12, "'query' needs its connection's name" },
	{ HEAD "k:3 * query 1app ok\n", 3, 13, "invalid connection name" },
	{ HEAD "k:3 * query app [mysql] ok\n", 3, 17, "a selector has no "
	  "place here" },
	{ HEAD "k:3 * query app any\n", 3, 1, "'any' is a draft's "
	  "placeholder" },
	{ HEAD "k:3 * query app\n", 3, 16, "needs at least one outcome" },
	{ HEAD "k:3 * query app Mysql2::\n", 3, 17, "invalid error class" },
	{ HEAD "k:3 * status hang after 1s\n", 3, 14, "'hang' applies only" },
	{ HEAD "k:3 * query app ok\nk:3 * query app 2013\n", 4, 1, "a second "
	  "line for this step and server (the first is at line 3)" },
};

START_TEST(test_read_bad)
{
	const struct bad_case *bc = &bad_cases[_i];
	struct ga_expectations x;
	struct ga_diags d;

	ck_assert_int_eq(parse_x(bc->text, &x, &d), -1);
	ga_diags_print(&d, stderr);
	ck_assert_uint_ge(d.n, 1);
	ck_assert_str_eq(d.items[0].path, "x.expect");
	ck_assert_int_eq(d.items[0].line, bc->line);
	ck_assert_int_eq(d.items[0].col, bc->col);
	ck_assert_msg(strstr(d.items[0].msg, bc->msg), "'%s' lacks '%s'",
		      d.items[0].msg, bc->msg);
	ga_expectations_free(&x);
	ga_diags_free(&d);
}
END_TEST

/* Written sorted, and read back into the same lines. */
START_TEST(test_write_read_back)
{
	struct ga_expectations x, y;
	struct ga_diags d;
	char *buf, a[512], b[512];
	size_t i;

	ck_assert_int_eq(parse_x(good, &x, &d), 0);
	buf = written(&x);
	ck_assert_ptr_nonnull(strstr(buf, "\nok:5   "));
	ck_assert(strstr(buf, "ok:5 ") < strstr(buf, "ok:8 "));
	/* '*' before a server's own line */
	ck_assert(strstr(buf, "ok:8                         *") <
		  strstr(buf, "ok:8                         mysql-9.7"));
	ck_assert(strstr(buf, "ok:11 ") < strstr(buf, "other:3 "));
	ck_assert_int_eq(parse_x(buf, &y, &d), 0);
	ck_assert_uint_eq(y.n, x.n);
	ck_assert_str_eq(y.client, "pymysql");
	ck_assert_str_eq(y.driver, "cmd:python3 d.py");
	for (i = 0; i < x.n; i++) {
		ck_assert_str_eq(y.items[i].label, x.items[i].label);
		ck_assert_int_eq(y.items[i].step_line, x.items[i].step_line);
		ck_assert_str_eq(y.items[i].server, x.items[i].server);
		ga_expect_text(&x.items[i].expect, false, a, sizeof(a));
		ga_expect_text(&y.items[i].expect, false, b, sizeof(b));
		ck_assert_str_eq(a, b);
	}
	free(buf);
	ga_expectations_free(&x);
	ga_expectations_free(&y);
	ga_diags_free(&d);
}
END_TEST

/* Issue 38: a re-record wrote the file whole and dropped its comments.
 * Each comment is kept where it was: the file's own head instead of the
 * written one, a block before a line and a line's trailing comment with
 * that line (wherever sorting puts it), the rest at the end; written
 * twice, the same bytes. */
START_TEST(test_write_keeps_comments)
{
	static const char text[] =
		"# our head, kept\n"
		"goneaway-expectations 1\n"
		"client pymysql\n"
		"\n"
		"# why 8 is 2013 on MySQL\n"
		"#   (two lines)\n"
		"ok:8 mysql-9.7 query app 2013 within 2s   # CI's MySQL\n"
		"ok:5 * query app ok = 1\n"
		"# the end\n";
	struct ga_expectations x, y;
	struct ga_diags d;
	char *buf, *again;

	ck_assert_int_eq(parse_x(text, &x, &d), 0);
	buf = written(&x);
	ck_assert_ptr_eq(strstr(buf, "# our head, kept\ngoneaway-"
				"expectations 1\n"), buf);
	ck_assert_ptr_null(strstr(buf, "Written by goneaway"));
	ck_assert_ptr_nonnull(strstr(buf, "# why 8 is 2013 on MySQL\n"
				     "#   (two lines)\nok:8 "));
	ck_assert_ptr_nonnull(strstr(buf, "CR_SERVER_LOST within 2s  # CI's MySQL\n"));
	ck_assert(strstr(buf, "ok:5 ") < strstr(buf, "# why 8"));
	ck_assert_ptr_nonnull(strstr(buf, "# CI's MySQL\n# the end\n"));
	ck_assert_int_eq(parse_x(buf, &y, &d), 0);
	again = written(&y);
	ck_assert_str_eq(again, buf);
	free(buf);
	free(again);
	ga_expectations_free(&x);
	ga_expectations_free(&y);
	ga_diags_free(&d);
}
END_TEST

/* Put into the scenario: ahead of its own lines, the server's first;
 * they apply to the file's client only. */
/* Issue 24: the columns stay aligned when a label (or a server, or a
 * step) is longer than the least width: every line's second, third and
 * fourth column start where every other line's do. */
START_TEST(test_write_aligned)
{
	static const char text[] =
		"goneaway-expectations 1\n"
		"client pymysql\n"
		"\n"
		"prepared-statement-lost-binary:120 * query app ok\n"
		"ok:8 docker:mysql:8.4-with-a-long-name query app 2013\n"
		"ok:5 * query app ok = 1\n"
		"other:3 * connect app ok\n";
	struct ga_expectations x;
	struct ga_diags d;
	char *buf = NULL, *line, *save = NULL;
	size_t len = 0;
	long server_col = -1, step_col = -1, outcome_col = -1, lines = 0;
	FILE *f;

	ck_assert_int_eq(parse_x(text, &x, &d), 0);
	f = open_memstream(&buf, &len);
	ck_assert_int_eq(ga_expectations_write(f, &x), 0);
	fclose(f);
	fputs(buf, stderr);
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *p;
		long c[3];
		int k;

		if (!strchr(line, ':') || line[0] == '#')
			continue;
		/* the start of the 2nd, 3rd (the step keyword) and 5th
		 * words (the outcome): each after a run of blanks */
		for (p = line, k = 0; *p && k < 3; ) {
			p += strcspn(p, " ");
			p += strspn(p, " ");
			c[k++] = p - line;
			if (k == 2) {   /* "query app": skip the connection */
				p += strcspn(p, " ");
				p += strspn(p, " ");
			}
		}
		ck_assert_int_eq(k, 3);
		if (lines++ == 0) {
			server_col = c[0];
			step_col = c[1];
			outcome_col = c[2];
		}
		ck_assert_msg(c[0] == server_col && c[1] == step_col &&
			      c[2] == outcome_col, "'%s': columns %ld %ld %ld, "
			      "not %ld %ld %ld", line, c[0], c[1], c[2],
			      server_col, step_col, outcome_col);
	}
	ck_assert_int_eq(lines, 4);
	free(buf);
	ga_expectations_free(&x);
	ga_diags_free(&d);
}
END_TEST

START_TEST(test_apply)
{
	struct ga_scenario *sc = labelled(scenario_text, "ok");
	struct ga_scenario *scs[1] = { sc };
	struct ga_server_id who = { GA_FLAVOUR_MARIADB, 101100, "pymysql",
				    NULL, 10000, "local" };
	struct ga_expectations x;
	const struct ga_expect *e;
	struct ga_diags d;
	size_t unused = 99;

	ck_assert_int_eq(parse_x(good, &x, &d), 0);
	ck_assert_int_eq(ga_expectations_apply(&x, scs, 1, &unused, &d), 0);
	ck_assert_uint_eq(unused, 2);           /* other:3, oom:9 */
	ck_assert_uint_eq(sc->steps[3].nexpects, 4);
	ck_assert_str_eq(sc->steps[3].expects[0].selector.server, "mysql-9.7");
	ck_assert_str_eq(sc->steps[3].expects[1].selector.server, "");
	ck_assert_str_eq(sc->steps[3].expects[1].selector.client, "pymysql");
	ck_assert(ga_expect_from_file(&sc->steps[3].expects[1]));
	ck_assert(!ga_expect_from_file(&sc->steps[3].expects[2]));
	e = ga_expect_select(&sc->steps[3], &who);
	ck_assert_ptr_eq(e, &sc->steps[3].expects[1]);
	ck_assert_int_eq(e->line, 7);           /* its line in the file */
	who.server_name = "mysql-9.7";
	e = ga_expect_select(&sc->steps[3], &who);
	ck_assert_ptr_eq(e, &sc->steps[3].expects[0]);
	who.client = "builtin";                 /* another client: the
						 * scenario's own */
	who.flavour = GA_FLAVOUR_MYSQL;
	e = ga_expect_select(&sc->steps[3], &who);
	ck_assert_ptr_eq(e, &sc->steps[3].expects[3]);
	ga_scenario_free(sc);
	ga_expectations_free(&x);
	ga_diags_free(&d);
}
END_TEST

START_TEST(test_apply_stale)
{
	struct ga_scenario *sc = labelled(scenario_text, "ok");
	struct ga_scenario *scs[1] = { sc };
	struct ga_expectations x;
	struct ga_diags d;

	apply_text(scs, HEAD "ok:9 * query app ok\n" "ok:8 * reap app ok\n"
		   "ok:4 * connect other ok\n", -1, &x, &d);
	ck_assert_uint_eq(d.n, 3);
	ck_assert_int_eq(d.items[0].line, 3);
	ck_assert_ptr_nonnull(strstr(d.items[0].msg, "ok has no step at "
				     "line 9"));
	ck_assert_int_eq(d.items[1].line, 4);
	ck_assert_int_eq(d.items[1].col, 8);
	ck_assert_ptr_nonnull(strstr(d.items[1].msg, "is 'query app', not "
				     "'reap app'"));
	ck_assert_ptr_nonnull(strstr(d.items[2].msg, "is 'connect app', "
				     "not 'connect other'"));
	/* nothing was put anywhere */
	ck_assert_uint_eq(sc->steps[3].nexpects, 2);
	ga_scenario_free(sc);
	ga_expectations_free(&x);
	ga_diags_free(&d);
}
END_TEST

/* Every line the writer makes reads back as the same expectation. */
static const char *const lines[] = {
	"ok",
	"ok = 1",
	"ok = \"a b # c\"",
	"ok = \"NULL\"",
	"ok != NULL",
	"ok >= 1.5",
	"ok reconnected",
	"ok | CR_SERVER_LOST same-thread",
	"CR_SERVER_LOST | CR_SERVER_GONE_ERROR within 1.5s",
	"4031 within 45s",
	"CR_SERVER_LOST matching \"(110)\" after 900ms within 3s",
	"hang after 5s",
	"CR_SERVER_LOST | hang after 100ms",
	"error",
	"[mysql >= 8.0.24] 4031",
	"[client=pymysql < 1.1, mysql] InterfaceError | 2006",
	"[client=php] Foo\\Bar\\Exception",
	"[mariadb = 10.5.23] 1927 within 1s",
	"any",
	"any after 3s",
};

/* Issue 38: a recorded line with a "pool EVENTS" clause was refused when
 * read back (the reader checked it against a step on no connection); it
 * reads back, and is refused only against a scenario whose step at that
 * line is not on a pool's connection. */
static const char pool_scenario_text[] =
	"title t\n"                                     /* 1 */
	"cause c\n"                                     /* 2 */
	"pool p size=1\n"                               /* 3 */
	"connection app pool=p\n"                       /* 4 */
	"connection plain\n"                            /* 5 */
	"connect app\n"                                 /* 6 */
	"borrow app\n"                                  /* 7 */
	"    expect ok pool opened\n"                   /* 8 */
	"query app SELECT 1\n"                          /* 9 */
	"connect plain\n"                               /* 10 */
	"query plain SELECT 1\n";                       /* 11 */

START_TEST(test_pool_clause)
{
	struct ga_scenario *sc = labelled(pool_scenario_text, "p");
	struct ga_scenario *scs[1] = { sc };
	struct ga_expectations x;
	struct ga_diags d;

	apply_text(scs, HEAD "p:7 * borrow app ok reconnected pool "
		   "discarded+opened\n"
		   "p:9 * query app ok = 1 same-thread pool none\n", 0, &x, &d);
	ck_assert_uint_eq(d.n, 0);
	ck_assert(x.items[0].expect.pool_sets);
	ck_assert_uint_eq(sc->steps[1].nexpects, 2);
	ck_assert(sc->steps[1].expects[0].pool_sets);
	ga_expectations_free(&x);

	/* the same clause on a plain connection's step: its line, not the
	 * reader's guess */
	apply_text(scs, HEAD "p:11 * query plain ok pool none\n", -1, &x, &d);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_int_eq(d.items[0].line, 3);
	ck_assert_ptr_nonnull(strstr(d.items[0].msg, "'pool' checks the "
				     "events a pool reported, and line 11 of "));
	ck_assert_uint_eq(sc->steps[4].nexpects, 0);
	ga_scenario_free(sc);
	ga_expectations_free(&x);
}
END_TEST

START_TEST(test_text_round_trip)
{
	char src[600], text[600], back[600];
	struct ga_scenario *sc;
	const struct ga_expect *e;

	snprintf(src, sizeof(src), "title t\ncause c\nconnection app\n"
		 "query app SELECT 1\n    expect %s\n", lines[_i]);
	sc = parse_ok(src);
	e = &sc->steps[0].expects[0];
	ck_assert_int_eq(ga_expect_text(e, true, text, sizeof(text)), 0);
	ga_scenario_free(sc);
	snprintf(src, sizeof(src), "title t\ncause c\nconnection app\n"
		 "query app SELECT 1\n    expect %s\n", text);
	sc = parse_ok(src);
	ga_expect_text(&sc->steps[0].expects[0], true, back, sizeof(back));
	ck_assert_str_eq(back, text);
	ga_scenario_free(sc);
}
END_TEST

START_TEST(test_durations)
{
	char b[32];

	ga_duration_text(1000, b, sizeof(b));
	ck_assert_str_eq(b, "1s");
	ga_duration_text(1500, b, sizeof(b));
	ck_assert_str_eq(b, "1.5s");
	ga_duration_text(45000, b, sizeof(b));
	ck_assert_str_eq(b, "45s");
	ga_duration_text(900, b, sizeof(b));
	ck_assert_str_eq(b, "900ms");
	ga_duration_text(1234, b, sizeof(b));
	ck_assert_str_eq(b, "1234ms");
}
END_TEST

/* "any" matches everything, stands alone, is no "seen" outcome. */
START_TEST(test_any)
{
	struct ga_scenario *sc = parse_ok("title t\ncause c\nconnection a\n"
					  "query a SELECT 1\n"
					  "    expect any after 2s\n");
	const struct ga_expect *e = &sc->steps[0].expects[0];
	struct ga_outcome o;
	struct ga_diags d = { 0 };

	memset(&o, 0, sizeof(o));
	ck_assert(e->set.any);
	ck_assert_int_eq(e->after_ms, 2000);
	o.result = GA_RESULT_HANG;
	o.elapsed_ms = 2000;
	ck_assert(ga_expect_match(e, &o, NULL, 0));
	o.result = GA_RESULT_ERROR;
	o.err = 2013;
	o.elapsed_ms = 1;     /* "after" is no lower bound for "any" */
	ck_assert(ga_expect_match(e, &o, NULL, 0));
	ga_scenario_free(sc);
	parse_bad("title t\ncause c\nconnection a\nquery a SELECT 1\n"
		  "    seen any >= 1\n", &d);
	assert_diag(&d, 0, 5, 10, "'seen' counts some outcomes");
	ga_diags_free(&d);
	parse_bad("title t\ncause c\nconnection a\nquery a SELECT 1\n"
		  "    expect any, ok\n", &d);
	assert_diag(&d, 0, 5, 12, "stands alone");
	ga_diags_free(&d);
	parse_bad("title t\ncause c\nconnection a\nquery a SELECT 1\n"
		  "    expect any = 1\n", &d);
	assert_diag(&d, 0, 5, 16, "takes no clause but 'after D'");
	ga_diags_free(&d);
}
END_TEST

/* A file of n step lines, each its own step (distinct places), then
 * extra as it is. */
static char *many_lines(size_t n, const char *extra)
{
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	fputs("goneaway-expectations 1\nclient x\n", f);
	for (i = 0; i < n; i++)
		fprintf(f, "s%zu:%zu * query app ok\n", i % 97, i + 1);
	fputs(extra, f);
	fclose(f);
	return buf;
}

/* Issue 26: every line was compared with every line before it for a
 * second line of its step (40,000 lines took 89 s); now a file of the
 * most lines one may hold is read in linear time (well within the
 * test's timeout, sanitizers included), one more is an error naming
 * the cap, and the duplicate check still finds its line. */
START_TEST(test_many_lines)
{
	struct ga_expectations x;
	struct ga_diags d;
	char *text = many_lines(GA_EXPECTATIONS_MAX_LINES,
				"s5:6 * query app ok\n");

	ck_assert_int_eq(parse_x(text, &x, &d), -1);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_int_eq(d.items[0].line, GA_EXPECTATIONS_MAX_LINES + 3);
	ck_assert_msg(strstr(d.items[0].msg, "GA_EXPECTATIONS_MAX_LINES"),
		      "%s", d.items[0].msg);
	ck_assert_uint_eq(x.n, GA_EXPECTATIONS_MAX_LINES);
	ga_expectations_free(&x);
	ga_diags_free(&d);
	free(text);
	text = many_lines(1000, "s5:6 mysql-9.7 query app ok\n"
			  "s5:6 * query app ok\n");
	ck_assert_int_eq(parse_x(text, &x, &d), -1);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.items[0].msg, "a second line for this step and "
			 "server (the first is at line 8)");
	ga_expectations_free(&x);
	ga_diags_free(&d);
	free(text);
}
END_TEST

/* A file of bad lines stops at GA_EXPECTATIONS_MAX_ERRORS problems
 * rather than keep a diagnostic for each of millions. */
START_TEST(test_many_errors)
{
	struct ga_expectations x;
	struct ga_diags d;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	fputs("goneaway-expectations 1\n", f);
	for (i = 0; i < 100000; i++)
		fputs("x\n", f);
	fclose(f);
	ck_assert_int_eq(parse_x(buf, &x, &d), -1);
	ck_assert_uint_eq(d.n, GA_EXPECTATIONS_MAX_ERRORS + 1);
	ck_assert_msg(strstr(d.items[d.n - 1].msg, "the rest of the file is "
			     "not read"), "%s", d.items[d.n - 1].msg);
	ga_expectations_free(&x);
	ga_diags_free(&d);
	free(buf);
}
END_TEST

Suite *make_expectations_suite(void)
{
	Suite *s = suite_create("expectations");
	TCase *tc = tcase_create("file");

	tcase_add_test(tc, test_read_good);
	tcase_add_loop_test(tc, test_read_bad, 0,
			    (int)(sizeof(bad_cases) / sizeof(bad_cases[0])));
	tcase_add_test(tc, test_write_read_back);
	tcase_add_test(tc, test_write_aligned);
	tcase_add_test(tc, test_write_keeps_comments);
	tcase_add_test(tc, test_apply);
	tcase_add_test(tc, test_apply_stale);
	tcase_add_test(tc, test_pool_clause);
	suite_add_tcase(s, tc);
	tc = tcase_create("bounds");
	tcase_add_test(tc, test_many_lines);
	tcase_add_test(tc, test_many_errors);
	tcase_set_timeout(tc, 30);
	suite_add_tcase(s, tc);
	tc = tcase_create("text");
	tcase_add_loop_test(tc, test_text_round_trip, 0,
			    (int)(sizeof(lines) / sizeof(lines[0])));
	tcase_add_test(tc, test_durations);
	tcase_add_test(tc, test_any);
	suite_add_tcase(s, tc);
	return s;
}
