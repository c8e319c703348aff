/* check_duration.c - ga_duration_parse(): the durations of scenario files
 * ("500ms", "2s", "1.5s"), held as whole milliseconds, at most one day. */
#include <stddef.h>

#include "util/duration.h"
#include "suites.h"

#define SENTINEL (-12345L)

struct good_case {
	const char *text;
	long ms;
};

static const struct good_case good[] = {
	{ "500ms", 500 },
	{ "2s", 2000 },
	{ "1.5s", 1500 },
	{ "0ms", 0 },
	{ "0s", 0 },
	{ "1ms", 1 },
	{ "0.25s", 250 },
	{ "2.003s", 2003 },
	{ "86400s", 86400000L },        /* exactly one day is allowed */
	{ "86400000ms", 86400000L },
};

static const char *const bad[] = {
	"",
	"s",
	"ms",
	"2",                    /* no unit */
	"-1s",
	"-0ms",
	"+2s",
	" 2s",
	"2 s",
	"2s ",
	"2sec",
	"2S",
	"2MS",
	"1.0005s",              /* a fraction of a millisecond */
	"0.5ms",
	"2ms5",
	"2m",
	"2h",
	".5s",
	"100000000s",           /* more than a day */
	"86400001ms",
	"86400.001s",
	"nan",
	"inf",
};

START_TEST(test_duration_good)
{
	const struct good_case *c = &good[_i];
	long ms = SENTINEL;

	ck_assert_msg(ga_duration_parse(c->text, &ms) == 0,
		      "\"%s\" was rejected", c->text);
	ck_assert_msg(ms == c->ms, "\"%s\" gave %ld ms, want %ld", c->text,
		      ms, c->ms);
}
END_TEST

START_TEST(test_duration_bad)
{
	const char *text = bad[_i];
	long ms = SENTINEL;

	ck_assert_msg(ga_duration_parse(text, &ms) == -1,
		      "\"%s\" was accepted as %ld ms", text, ms);
	ck_assert_msg(ms == SENTINEL, "\"%s\" changed *ms to %ld on failure",
		      text, ms);
}
END_TEST

START_TEST(test_duration_null)
{
	long ms = SENTINEL;

	ck_assert_int_eq(ga_duration_parse(NULL, &ms), -1);
	ck_assert_int_eq(ms, SENTINEL);
}
END_TEST

/* Regression: whole-millisecond durations written in seconds with three
 * decimals were refused when v * 1000 was not exact in binary floating
 * point ("1.001s" -> 1000.9999999999999).  Any whole number of
 * milliseconds is a duration (docs/scenario-format.md). */
static const struct good_case bug_exact_ms[] = {
	{ "1.001s", 1001 },
	{ "1.005s", 1005 },
	{ "4.001s", 4001 },
};

START_TEST(test_duration_bug_exact_ms)
{
	const struct good_case *c = &bug_exact_ms[_i];
	long ms = SENTINEL;

	ck_assert_msg(ga_duration_parse(c->text, &ms) == 0,
		      "\"%s\" (a whole %ld ms) was rejected",
		      c->text, c->ms);
	ck_assert_int_eq(ms, c->ms);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *make_duration_suite(void)
{
	Suite *s = suite_create("duration");
	TCase *tc;

	tc = tcase_create("accepted");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_duration_good, 0, N(good));
	suite_add_tcase(s, tc);

	tc = tcase_create("rejected");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_duration_bad, 0, N(bad));
	tcase_add_test(tc, test_duration_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("exact_ms");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_duration_bug_exact_ms, 0, N(bug_exact_ms));
	suite_add_tcase(s, tc);
	return s;
}
