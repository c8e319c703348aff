/* check_parse_pool.c - pools in the scenario language: the "pool" line,
 * a connection's pool=NAME, the borrow, return and evict steps and the
 * expect lines' "pool EVENTS" clause (lang/parse_pool.c,
 * lang/parse_expect.c), the text written back (lang/expect_text.c) and
 * the match against what a driver reported (run/expect.c). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "lang/expect_text.h"
#include "lang/outcome.h"
#include "run/expect.h"
#include "parse_util.h"
#include "suites.h"

#define TIMEOUT 10

#define POOL_HEAD "title t\ncause c\npool p size=1 pre_ping=on " \
	"recycle=1500ms idle_timeout=30s validation=\"SELECT 1\"\n" \
	"connection app pool=p read_timeout=5s\n"

START_TEST(a_pool_and_its_connection)
{
	struct ga_scenario *sc = parse_ok(POOL_HEAD
		"connect app\nborrow app\n expect ok reconnected "
		"pool discarded+opened\nquery app SELECT 1\n"
		" expect 2013 pool none\nreturn app\nevict app\n"
		"close app\n");
	const struct ga_connection *c = &sc->connections[0];
	const struct ga_expect *e;

	ck_assert_int_eq(c->pool.line, 3);
	ck_assert_str_eq(c->pool.name, "p");
	ck_assert_int_eq(c->pool.size, 1);
	ck_assert_int_eq(c->pool.pre_ping, 1);
	ck_assert_int_eq(c->pool.recycle_ms, 1500);
	ck_assert_int_eq(c->pool.idle_timeout_ms, 30000);
	ck_assert_str_eq(c->pool.validation, "SELECT 1");
	ck_assert_int_eq(c->read_timeout_s, 5);
	ck_assert_uint_eq(sc->nsteps, 6);
	ck_assert_int_eq(sc->steps[1].kind, GA_STEP_BORROW);
	ck_assert_int_eq(sc->steps[3].kind, GA_STEP_RETURN);
	ck_assert_int_eq(sc->steps[4].kind, GA_STEP_EVICT);
	e = &sc->steps[1].expects[0];
	ck_assert_uint_eq(e->pool_sets, GA_POOL_SET(GA_POOL_EVENT(DISCARDED) |
						    GA_POOL_EVENT(OPENED)));
	ck_assert_int_eq(e->thread, GA_THREAD_NEW);
	e = &sc->steps[2].expects[0];
	ck_assert_uint_eq(e->pool_sets, GA_POOL_SET(0));
	ga_scenario_free(sc);
}
END_TEST

START_TEST(settings_not_given_are_the_pools_own)
{
	struct ga_scenario *sc = parse_ok("title t\ncause c\npool p\n"
		"connection app pool=p\nconnection plain\nconnect app\n"
		"connect plain\n");

	ck_assert_int_eq(sc->connections[0].pool.size, 0);
	ck_assert_int_eq(sc->connections[0].pool.pre_ping, -1);
	ck_assert_int_eq(sc->connections[0].pool.recycle_ms, 0);
	ck_assert_int_eq(sc->connections[0].pool.idle_timeout_ms, 0);
	ck_assert_ptr_null(sc->connections[0].pool.validation);
	ck_assert_int_eq(sc->connections[1].pool.line, 0);
	ga_scenario_free(sc);
}
END_TEST

/* every set of events is written back as it is read */
START_TEST(events_written_back)
{
	struct ga_scenario *sc = parse_ok(POOL_HEAD "borrow app\n"
		" expect ok same-thread pool revalidated within 2s\n"
		"query app SELECT 1\n expect [client=go-pool] 2006 | ok "
		"pool expired+opened+error\nreturn app\n expect ok pool none\n");
	char buf[256];

	ck_assert_int_eq(ga_expect_text(&sc->steps[0].expects[0], true, buf,
					sizeof(buf)), 0);
	ck_assert_str_eq(buf, "ok same-thread pool revalidated within 2s");
	ck_assert_int_eq(ga_expect_text(&sc->steps[1].expects[0], true, buf,
					sizeof(buf)), 0);
	ck_assert_str_eq(buf, "[client=go-pool] ok | CR_SERVER_GONE_ERROR "
			 "pool expired+opened+error");
	ck_assert_int_eq(ga_expect_text(&sc->steps[2].expects[0], true, buf,
					sizeof(buf)), 0);
	ck_assert_str_eq(buf, "ok pool none");
	ga_scenario_free(sc);
}
END_TEST

/* the events reported must be the set, exactly; a hang has none */
START_TEST(events_matched)
{
	struct ga_scenario *sc = parse_ok(POOL_HEAD "borrow app\n"
		" expect ok | hang after 5s pool discarded+opened\n");
	const struct ga_expect *e = &sc->steps[0].expects[0];
	struct ga_outcome out;
	char why[600];

	memset(&out, 0, sizeof(out));
	out.result = GA_RESULT_OK;
	ck_assert(!ga_expect_match(e, &out, why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "the client reported no pool "
				     "events, when expecting pool "
				     "discarded+opened"));
	out.has_pool_events = true;
	out.pool_events = GA_POOL_EVENT(DISCARDED);
	snprintf(out.pool_detail, sizeof(out.pool_detail),
		 "discarded thread 12 (dead)");
	ck_assert(!ga_expect_match(e, &out, why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "the pool reported discarded "
				     "(discarded thread 12 (dead)), when "
				     "expecting pool discarded+opened"));
	out.pool_events |= GA_POOL_EVENT(OPENED);
	ck_assert(ga_expect_match(e, &out, why, sizeof(why)));
	out.pool_events |= GA_POOL_EVENT(ERROR);
	ck_assert(!ga_expect_match(e, &out, why, sizeof(why)));
	memset(&out, 0, sizeof(out));
	out.result = GA_RESULT_HANG;
	ck_assert(ga_expect_match(e, &out, why, sizeof(why)));
	ga_scenario_free(sc);
}
END_TEST

/* Issue 38: a repeated scenario's runs may see a pool do one thing or
 * another (a race): "pool A | B" accepts either set, exactly; written
 * back in the sets' order. */
START_TEST(event_sets_alternatives)
{
	struct ga_scenario *sc = parse_ok(POOL_HEAD "borrow app\n"
		" expect ok pool discarded+opened | none within 2s\n");
	const struct ga_expect *e = &sc->steps[0].expects[0];
	struct ga_outcome out;
	char why[600], buf[256];

	ck_assert_uint_eq(e->pool_sets, GA_POOL_SET(0) |
			  GA_POOL_SET(GA_POOL_EVENT(DISCARDED) |
				      GA_POOL_EVENT(OPENED)));
	ck_assert_int_eq(e->within_ms, 2000);
	ck_assert_int_eq(ga_expect_text(e, true, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "ok pool none | discarded+opened within 2s");
	memset(&out, 0, sizeof(out));
	out.result = GA_RESULT_OK;
	out.has_pool_events = true;
	ck_assert(ga_expect_match(e, &out, why, sizeof(why)));
	out.pool_events = GA_POOL_EVENT(DISCARDED) | GA_POOL_EVENT(OPENED);
	ck_assert(ga_expect_match(e, &out, why, sizeof(why)));
	out.pool_events = GA_POOL_EVENT(OPENED);
	ck_assert(!ga_expect_match(e, &out, why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "the pool reported opened, when "
				     "expecting pool none | "
				     "discarded+opened"));
	ga_scenario_free(sc);
}
END_TEST

static const struct {
	const char *text;
	int line, col;
	const char *msg;
} diag_cases[] = {
	{ "title t\ncause c\npool\nconnection app\nconnect app\n", 3, 1,
	  "'pool' needs a name, e.g. pool app-pool pre_ping=on" },
	{ "title t\ncause c\npool 1p\nconnection app\nconnect app\n", 3, 6,
	  "invalid pool name '1p': letters, digits, '_' and '-', starting "
	  "with a letter, at most 31 characters" },
	{ "title t\ncause c\npool p\npool p\nconnection app pool=p\n"
	  "connect app\n", 4, 6, "pool 'p' is already declared at line 3" },
	{ "title t\ncause c\npool p sise=2\nconnection app pool=p\n"
	  "connect app\n", 3, 8, "unknown pool setting 'sise'; did you mean "
	  "'size'? (known: size, pre_ping, recycle, idle_timeout, "
	  "validation)" },
	{ "title t\ncause c\npool p size=1 size=2\nconnection app pool=p\n"
	  "connect app\n", 3, 15, "'size' is given twice" },
	{ "title t\ncause c\npool p size\nconnection app pool=p\n"
	  "connect app\n", 3, 8, "'size' needs a value: size=VALUE" },
	{ "title t\ncause c\npool p size=0\nconnection app pool=p\n"
	  "connect app\n", 3, 13, "size must be a number from 1 to 100, not "
	  "'0'" },
	{ "title t\ncause c\npool p pre_ping=yes\nconnection app pool=p\n"
	  "connect app\n", 3, 17, "pre_ping must be 'on' or 'off', not 'yes'" },
	{ "title t\ncause c\npool p recycle=2m\nconnection app pool=p\n"
	  "connect app\n", 3, 16, "invalid duration '2m' for recycle: write "
	  "e.g. 30s or 1500ms" },
	{ "title t\ncause c\npool p idle_timeout=0ms\nconnection app pool=p\n"
	  "connect app\n", 3, 21, "idle_timeout must be at least 1ms" },
	{ "title t\ncause c\npool p validation=\"\"\nconnection app pool=p\n"
	  "connect app\n", 3, 19, "validation needs the SQL the pool runs, "
	  "e.g. validation=\"SELECT 1\"" },
	{ "title t\ncause c\npool pp\nconnection app pool=p\n"
	  "connection b pool=pp\nconnect app\n", 4, 21, "unknown pool 'p'; "
	  "did you mean 'pp'?: declare it before the connection, e.g. pool p "
	  "pre_ping=on" },
	{ "title t\ncause c\nconnection app pool=p\npool p\n"
	  "connection b pool=p\nconnect app\n", 3, 21, "unknown pool 'p': "
	  "declare it before the connection" },
	{ "title t\ncause c\npool p\nconnection app pool=p\n"
	  "connection two pool=p\nconnect app\n", 5, 21, "pool 'p' is "
	  "already taken by connection 'app' (line 4): a pool lives in one "
	  "connection's driver process; declare another pool" },
	{ "title t\ncause c\npool p\nconnection app pool=p transport=raw\n"
	  "connect app\n", 4, 1, "a raw connection (transport=raw) speaks no "
	  "MySQL: no pool can hold it" },
	{ "title t\ncause c\npool p\nconnection app\nconnect app\n", 3, 0,
	  "pool 'p' is declared but no connection takes from it: add "
	  "pool=p to a connection" },
	{ "title t\ncause c\nconnection app\nborrow app\n", 4, 8,
	  "'borrow' acts on a pool's connection: declare 'app' with "
	  "pool=NAME (and the pool with 'pool NAME ...')" },
	{ "title t\ncause c\nconnection app\nconnect app\nevict app\n", 5, 7,
	  "'evict' acts on a pool's connection" },
	{ POOL_HEAD "borrow app\n expect ok pool\n", 6, 12,
	  "'pool' needs the pool's events, e.g. pool discarded+opened, or "
	  "pool none" },
	{ POOL_HEAD "borrow app\n expect ok pool opend\n", 6, 17,
	  "unknown pool event 'opend'; did you mean 'opened'? (known: "
	  "revalidated, discarded, expired, opened, error; or none)" },
	{ POOL_HEAD "borrow app\n expect ok pool opened+opened\n", 6, 24,
	  "pool event 'opened' is listed twice" },
	{ POOL_HEAD "borrow app\n expect ok pool opened+\n", 6, 24,
	  "expected a pool event after '+', e.g. pool discarded+opened" },
	{ POOL_HEAD "borrow app\n expect ok pool +opened\n", 6, 17,
	  "expected a pool event before '+'" },
	{ POOL_HEAD "borrow app\n expect ok pool opened+none\n", 6, 24,
	  "'none' stands alone: the pool reported no event" },
	{ POOL_HEAD "borrow app\n expect ok pool none pool none\n", 6, 22,
	  "'pool' is given twice" },
	{ POOL_HEAD "borrow app\n expect ok pool opened | \n", 6, 26,
	  "expected the pool's events after '|', e.g. pool none | "
	  "discarded+opened" },
	{ POOL_HEAD "borrow app\n expect ok pool opened | opened\n", 6, 26,
	  "the pool's events 'opened' are given twice" },
	{ POOL_HEAD "borrow app\n expect any pool none\n", 6, 13,
	  "'any' takes no clause but 'after D'" },
	{ "title t\ncause c\nconnection app\nconnect app\n"
	  " expect ok pool none\n", 5, 12, "'pool' checks the events a pool "
	  "reported: 'connect' is no step on a connection of a pool" },
	{ POOL_HEAD "borrow app\nstatus Threads_connected now\n"
	  " expect ok pool none\n", 7, 12, "'pool' checks the events a pool "
	  "reported: 'status' is no step on a connection of a pool" },
};

START_TEST(diagnostic)
{
	parse_bad_one(diag_cases[_i].text, diag_cases[_i].line, diag_cases[_i].col,
		      diag_cases[_i].msg);
}
END_TEST

Suite *make_parse_pool_suite(void)
{
	Suite *s = suite_create("parse_pool");
	TCase *tc = tcase_create("pools");

	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, a_pool_and_its_connection);
	tcase_add_test(tc, settings_not_given_are_the_pools_own);
	tcase_add_test(tc, events_written_back);
	tcase_add_test(tc, events_matched);
	tcase_add_test(tc, event_sets_alternatives);
	tcase_add_loop_test(tc, diagnostic, 0,
			    sizeof(diag_cases) / sizeof(diag_cases[0]));
	suite_add_tcase(s, tc);
	return s;
}
