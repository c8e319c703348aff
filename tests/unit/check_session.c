/* check_session.c - the language's steps about a connection's server
 * session: "kill NAME query", "%thread[NAME]%" in SQL and in errorlog's
 * text (lang/threadvar.c, read by the parser and substituted when the
 * step runs), and the pool's
 * "reset" and "change-user" steps; and the "rows CMP N" clause of an
 * expect line (how far a failed fetch got), parsed and matched.
 *
 * As in check_parse.c: good texts are parsed and the fields in question
 * checked; each diagnostic is provoked once (exact line and column,
 * message substring).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/protocol.h"
#include "lang/diag.h"
#include "lang/expand.h"
#include "lang/parse.h"
#include "lang/scenario.h"
#include "lang/step.h"
#include "lang/threadvar.h"
#include "lang/outcome.h"
#include "parse_util.h"
#include "run/expect.h"
#include "suites.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Three header lines and two connections: the first step is on line 5. */
#define HEAD "title t\ncause c\nconnection app\nconnection dba\n"

/* ---- kill NAME [query] -------------------------------------------------- */

START_TEST(test_kill_query)
{
	struct ga_scenario *sc = parse_ok(HEAD "connect app\n"
					  "send app SELECT SLEEP(5)\n"
					  "kill app query # the statement only\n"
					  "reap app\n kill app\n");

	ck_assert_uint_eq(sc->nsteps, 5);
	ck_assert_int_eq(sc->steps[2].kind, GA_STEP_KILL);
	ck_assert_int_eq(sc->steps[2].conn, 0);
	ck_assert(sc->steps[2].kill_query);
	ck_assert_int_eq(sc->steps[2].line, 7);
	ck_assert_int_eq(sc->steps[4].kind, GA_STEP_KILL);
	ck_assert(!sc->steps[4].kill_query);
	ga_scenario_free(sc);
}
END_TEST

/* ---- reset, change-user --------------------------------------------------- */

START_TEST(test_reset_change_user)
{
	struct ga_scenario *sc = parse_ok(HEAD "connect app\n"
					  "reset app\n expect ok same-thread\n"
					  "change-user app\n"
					  " expect ok same-thread\n"
					  " expect [mysql] 2013\n"
					  "change-user dba # another\n");

	ck_assert_uint_eq(sc->nsteps, 4);
	ck_assert_int_eq(sc->steps[1].kind, GA_STEP_RESET);
	ck_assert_int_eq(sc->steps[1].conn, 0);
	ck_assert_int_eq(sc->steps[1].expects[0].thread, GA_THREAD_SAME);
	ck_assert_int_eq(sc->steps[2].kind, GA_STEP_CHANGE_USER);
	ck_assert_uint_eq(sc->steps[2].nexpects, 2);
	ck_assert_int_eq(sc->steps[3].kind, GA_STEP_CHANGE_USER);
	ck_assert_int_eq(sc->steps[3].conn, 1);
	ck_assert(ga_step_kind_is(GA_STEP_RESET, GA_STEP_ON_CLIENT |
				  GA_STEP_CAN_HANG | GA_STEP_HAS_THREAD));
	ck_assert(ga_step_kind_is(GA_STEP_CHANGE_USER, GA_STEP_ON_CLIENT |
				  GA_STEP_CAN_HANG | GA_STEP_HAS_THREAD));
	ck_assert(!ga_step_kind_is(GA_STEP_RESET, GA_STEP_HAS_VALUE));
	ga_scenario_free(sc);
}
END_TEST

/* What a driver is sent: change-user carries the login, reset nothing. */
START_TEST(test_requests)
{
	const struct ga_protocol_request *r;

	r = ga_protocol_request(GA_STEP_RESET);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->step, "reset");
	ck_assert_ptr_null(r->members[0]);
	r = ga_protocol_request(GA_STEP_CHANGE_USER);
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->step, "change-user");
	ck_assert_str_eq(r->members[0], "user");
	ck_assert_str_eq(r->members[1], "password");
	ck_assert_str_eq(r->members[2], "database");
	ck_assert_ptr_null(r->members[3]);
	ck_assert(ga_protocol_is_step("change-user"));
}
END_TEST

/* ---- %thread[NAME]% ---------------------------------------------------------- */

struct thread_case {
	const char *label;
	const char *text;       /* after HEAD; its last step is checked */
	size_t n;               /* references found */
	int conns[4];
};

static const struct thread_case thread_cases[] = {
	{ "admin", "connect app\nadmin KILL QUERY %thread[app]%\n", 1,
	  { 0 } },
	{ "a query naming another", "connect app\nconnect dba\n"
	  "query dba SELECT %thread[app]% # not a comment\n", 1, { 0 } },
	{ "two, both ways", "admin SELECT %thread[dba]%, %thread[app]%, "
	  "%thread[dba]%\n", 3, { 1, 0, 1 } },
	{ "send", "send app KILL %thread[app]%\nreap app\n", 0, { 0 } },
	{ "stream", "stream dba SELECT * FROM t WHERE id = %thread[app]%\n",
	  1, { 0 } },
	{ "prepare", "prepare app SELECT %thread[dba]%\n", 1, { 1 } },
	{ "next to a repeat", "admin SELECT '%repeat[3 x a]%', "
	  "%thread[app]%\n", 1, { 0 } },
	{ "none", "admin SELECT '%thread', '%thread [a]%', ']%'\n # x\n", 0,
	  { 0 } },
	{ "errorlog: the line of a session", "errorlog Aborted connection "
	  "%thread[dba]% to db\n", 1, { 1 } },
};

START_TEST(test_thread_refs)
{
	const struct thread_case *c = &thread_cases[_i];
	char text[512];
	struct ga_scenario *sc;
	const struct ga_step *st;
	size_t k;

	snprintf(text, sizeof(text), HEAD "%s", c->text);
	sc = parse_ok(text);
	st = &sc->steps[sc->nsteps - 1];
	if (strcmp(c->label, "send") == 0)
		st = &sc->steps[0];     /* the send, not its reap */
	if (strcmp(c->label, "send") == 0) {
		ck_assert_ptr_nonnull(st->threads);
		ck_assert_uint_eq(st->threads->n, 1);
	} else if (c->n == 0) {
		ck_assert_msg(st->threads == NULL, "%s", c->label);
	} else {
		ck_assert_ptr_nonnull(st->threads);
		ck_assert_uint_eq(st->threads->n, c->n);
		for (k = 0; k < c->n; k++)
			ck_assert_int_eq(st->threads->conns[k], c->conns[k]);
	}
	ga_scenario_free(sc);
}
END_TEST

struct subst_case {
	const char *label;
	const char *text;       /* a step after HEAD */
	unsigned long ids[2];
	const char *want;
};

static const struct subst_case subst_cases[] = {
	{ "one", "admin KILL QUERY %thread[app]%\n", { 17, 0 },
	  "KILL QUERY 17" },
	{ "three", "admin SELECT %thread[dba]%,%thread[app]%,%thread[dba]%\n",
	  { 4, 123456789012UL }, "SELECT 123456789012,4,123456789012" },
	{ "at both ends", "admin %thread[app]% %thread[app]%\n", { 9, 0 },
	  "9 9" },
	{ "after a repeat", "admin SELECT '%repeat[3 x a]%', "
	  "%thread[app]%\n", { 42, 0 }, "SELECT 'aaa', 42" },
	{ "errorlog", "errorlog Aborted connection %thread[app]% to db\n",
	  { 31, 0 }, "Aborted connection 31 to db" },
	{ "the largest id", "admin KILL %thread[dba]%\n",
	  { 0, 18446744073709551615UL }, "KILL 18446744073709551615" },
};

START_TEST(test_thread_substitute)
{
	const struct subst_case *c = &subst_cases[_i];
	char text[512];
	struct ga_scenario *sc;
	const struct ga_step *st;
	struct ga_error err;
	const char *sql, *out, *first;

	snprintf(text, sizeof(text), HEAD "%s", c->text);
	sc = parse_ok(text);
	st = &sc->steps[0];
	ck_assert_int_eq(ga_expand_step(st, &sql, &err), 0);
	ck_assert_int_eq(ga_threadvars_apply(st, sql, c->ids, &out, &err), 0);
	ck_assert_str_eq(out, c->want);
	/* once more, with other ids: a new text, the first kept readable
	 * (a call that was abandoned may still read it) */
	first = out;
	{
		unsigned long other[2] = { 5, 6 };

		ck_assert_int_eq(ga_threadvars_apply(st, sql, other, &out,
						     &err), 0);
		ck_assert_ptr_ne(out, first);
		ck_assert_str_eq(first, c->want);
		ck_assert_uint_eq(st->threads->nold, 1);
	}
	ga_scenario_free(sc);
}
END_TEST

/* A step without %thread[...]% gives its SQL as it is. */
START_TEST(test_thread_none)
{
	struct ga_scenario *sc = parse_ok(HEAD "admin SELECT 1\n");
	unsigned long ids[2] = { 1, 2 };
	struct ga_error err;
	const char *out;

	ck_assert_int_eq(ga_threadvars_apply(&sc->steps[0], "SELECT 1", ids,
					     &out, &err), 0);
	ck_assert_str_eq(out, "SELECT 1");
	ga_scenario_free(sc);
}
END_TEST

START_TEST(test_threadvar_next)
{
	const char *s = "x %thread[ab]% y";
	const char *name;
	size_t start, end, len;
	char msg[128];

	ck_assert_int_eq(ga_threadvar_next(s, strlen(s), 0, &start, &name,
					   &len, &end, msg, sizeof(msg)), 1);
	ck_assert_uint_eq(start, 2);
	ck_assert_uint_eq(len, 2);
	ck_assert_int_eq(name[0], 'a');
	ck_assert_uint_eq(end, 14);
	ck_assert_int_eq(ga_threadvar_next(s, strlen(s), end, &start, &name,
					   &len, &end, msg, sizeof(msg)), 0);
	/* n ends before the reference is closed */
	ck_assert_int_eq(ga_threadvar_next(s, 12, 0, &start, &name, &len,
					   &end, msg, sizeof(msg)), -1);
}
END_TEST

/* ---- diagnostics --------------------------------------------------------------- */

struct bad_case {
	const char *text;       /* after HEAD: steps start on line 5 */
	int line, col;
	const char *msg;
};

static const struct bad_case bad_cases[] = {
	{ "kill app now\n", 5, 10, "expected 'query' or the end of the line "
	  "after the connection name, found 'now'" },
	{ "kill app query please\n", 5, 16, "unexpected 'please' after "
	  "'query'" },
	{ "kill query\n", 5, 6, "unknown connection 'query'" },
	{ "kill\n", 5, 1, "'kill' needs a connection name" },
	{ "reset\n", 5, 1, "'reset' needs a connection name" },
	{ "reset app now\n", 5, 11, "unexpected 'now' after the connection "
	  "name" },
	{ "change-user ap\n", 5, 13, "unknown connection 'ap'; did you mean "
	  "'app'?" },
	{ "change-user app root\n", 5, 17, "unexpected 'root' after the "
	  "connection name" },
	{ "admin KILL %thread[ap]%\n", 5, 20, "unknown connection 'ap' in "
	  "%thread[...]%; did you mean 'app'?" },
	{ "query app SELECT %thread[app]\n", 5, 18, "'%thread[' without its "
	  "closing ']%'" },
	{ "admin KILL %thread[]%\n", 5, 12, "%thread[] needs a connection's "
	  "name" },
	{ "query dba SELECT 1, %thread[nobody]%\n", 5, 29, "unknown "
	  "connection 'nobody' in %thread[...]%" },
	{ "errorlog Aborted connection %thread[ap]% to db\n", 5, 37,
	  "unknown connection 'ap' in %thread[...]%; did you mean 'app'?" },
	{ "errorlog Aborted %thread[app\n", 5, 18, "'%thread[' without "
	  "its closing ']%'" },
	{ "connect app\nreset app\n expect ok reconnected matching x\n", 7,
	  24, "'matching' checks an error message" },
	{ "change-user app\n expect ok = 1\n", 6, 12, "'change-user' "
	  "returns no value to check" },
};

START_TEST(test_bad)
{
	const struct bad_case *c = &bad_cases[_i];
	char text[512];
	struct ga_diags d = { 0 };

	snprintf(text, sizeof(text), HEAD "%s", c->text);
	parse_bad(text, &d);
	assert_diag(&d, 0, c->line, c->col, c->msg);
	ga_diags_free(&d);
}
END_TEST

/* ---- rows CMP N ------------------------------------------------------------------ */

START_TEST(test_rows_parse)
{
	struct ga_scenario *sc = parse_ok(HEAD "connect app\n"
					  "stream app SELECT 1\n"
					  " expect 2013 rows = 0\n"
					  "fetch app\n"
					  " expect CR_SERVER_LOST within 1s rows < 1000\n"
					  " expect [client=x] error rows >= 5\n");
	const struct ga_expect *e = &sc->steps[2].expects[0];

	ck_assert_int_eq(sc->steps[1].expects[0].rows_cmp, GA_CMP_EQ);
	ck_assert_int_eq(sc->steps[1].expects[0].rows, 0);
	ck_assert_int_eq(e->rows_cmp, GA_CMP_LT);
	ck_assert_int_eq(e->rows, 1000);
	ck_assert_int_eq(e->within_ms, 1000);
	ck_assert_int_eq(sc->steps[2].expects[1].rows_cmp, GA_CMP_GE);
	ck_assert_int_eq(sc->steps[2].expects[1].rows, 5);
	ga_scenario_free(sc);
}
END_TEST

struct rows_case {
	enum ga_result result;
	bool has_rows;
	long rows;
	bool match;
	const char *why;        /* in the mismatch's text */
};

static const struct rows_case rows_cases[] = {
	{ GA_RESULT_ERROR, true, 12, true, NULL },
	{ GA_RESULT_ERROR, true, 0, true, NULL },
	{ GA_RESULT_ERROR, true, 99, true, NULL },
	{ GA_RESULT_ERROR, true, 100, false,
	  "100 rows read before the error, when expecting rows < 100" },
	{ GA_RESULT_ERROR, false, 0, false,
	  "the client did not say how many rows it read" },
	/* a success is the other line's: rows only judge an error */
	{ GA_RESULT_OK, false, 0, true, NULL },
};

START_TEST(test_rows_match)
{
	const struct rows_case *c = &rows_cases[_i];
	struct ga_scenario *sc = parse_ok(HEAD "connect app\n"
					  "stream app SELECT 1\n"
					  "fetch app\n"
					  " expect ok | 2013 rows < 100\n");
	struct ga_outcome out;
	char why[1024];
	bool m;

	memset(&out, 0, sizeof(out));
	out.result = c->result;
	out.err = c->result == GA_RESULT_ERROR ? 2013 : 0;
	out.has_rows = c->has_rows;
	out.rows = c->rows;
	m = ga_expect_match(&sc->steps[2].expects[0], &out, why, sizeof(why));
	ck_assert_msg(m == c->match, "case %d: %s", _i, why);
	if (c->why)
		ck_assert_msg(strstr(why, c->why) != NULL, "%s", why);
	ga_expect_describe(&sc->steps[2].expects[0], why, sizeof(why));
	ck_assert_msg(strstr(why, "with rows < 100 read before it") != NULL,
		      "%s", why);
	ga_scenario_free(sc);
}
END_TEST

static const struct bad_case rows_bad[] = {
	{ "query app SELECT 1\n expect 2013 rows < 5\n", 6, 14,
	  "'rows' counts what a failed fetch or stream read, not 'query'" },
	{ "stream app SELECT 1\nfetch app\n expect ok rows < 5\n", 7, 12,
	  "'rows' counts what a failed fetch read before its error: list an "
	  "error among the outcomes" },
	{ "stream app SELECT 1\nfetch app\n expect 2013 rows 5\n", 7, 14,
	  "'rows' needs a comparison and a count, e.g. rows < 1000" },
	{ "stream app SELECT 1\nfetch app\n expect 2013 rows < x\n", 7, 21,
	  "'rows <' needs a count of rows" },
	{ "stream app SELECT 1\nfetch app\n expect 2013 rows <\n", 7, 14,
	  "'rows <' needs a count of rows" },
	{ "stream app SELECT 1\nfetch app\n expect 2013 rows < 1 rows > 0\n",
	  7, 23, "'rows' is given twice" },
};

START_TEST(test_rows_bad)
{
	const struct bad_case *c = &rows_bad[_i];
	char text[512];
	struct ga_diags d = { 0 };

	snprintf(text, sizeof(text), HEAD "%s", c->text);
	parse_bad(text, &d);
	assert_diag(&d, 0, c->line, c->col, c->msg);
	ga_diags_free(&d);
}
END_TEST

Suite *make_session_suite(void)
{
	Suite *s = suite_create("session");
	TCase *tc = tcase_create("steps");

	tcase_add_test(tc, test_kill_query);
	tcase_add_test(tc, test_reset_change_user);
	tcase_add_test(tc, test_requests);
	tcase_add_loop_test(tc, test_thread_refs, 0, N(thread_cases));
	tcase_add_loop_test(tc, test_thread_substitute, 0, N(subst_cases));
	tcase_add_test(tc, test_thread_none);
	tcase_add_test(tc, test_threadvar_next);
	tcase_add_loop_test(tc, test_bad, 0, N(bad_cases));
	suite_add_tcase(s, tc);
	tc = tcase_create("rows");
	tcase_add_test(tc, test_rows_parse);
	tcase_add_loop_test(tc, test_rows_match, 0, N(rows_cases));
	tcase_add_loop_test(tc, test_rows_bad, 0, N(rows_bad));
	suite_add_tcase(s, tc);
	return s;
}
