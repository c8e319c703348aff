/* check_select.c - -k expressions and --shard splits (lang/select.c). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "lang/select.h"
#include "suites.h"

static char kw_kill[] = "kill", kw_tls[] = "tls", kw_server[] = "server";
static char kw_to[] = "timeout", kw_client[] = "client";
static char *kw_kill_tls[] = { kw_kill, kw_tls, kw_server };
static char *kw_timeout[] = { kw_to, kw_client };

static struct ga_scenario scenario(const char *name, char **kw, size_t nkw)
{
	struct ga_scenario sc;

	memset(&sc, 0, sizeof(sc));
	sc.name = (char *)name;
	sc.label = (char *)name;
	sc.keywords = kw;
	sc.nkeywords = nkw;
	return sc;
}

static bool matches(const char *expr, const struct ga_scenario *sc)
{
	struct ga_select *s;
	struct ga_error err;
	bool m;

	ck_assert_msg(ga_select_parse(expr, &s, &err) == 0, "%s: %s", expr,
		      err.msg);
	m = ga_select_match(s, sc);
	ga_select_free(s);
	return m;
}

START_TEST(test_words_and_keywords)
{
	struct ga_scenario a = scenario("kill-running-tls", kw_kill_tls, 3);
	struct ga_scenario b = scenario("client-read-timeout", kw_timeout, 2);

	ck_assert(matches("kill", &a));
	ck_assert(matches("KILL", &a));         /* keywords: case aside */
	ck_assert(matches("running", &a));      /* part of the name */
	ck_assert(!matches("kill", &b));
	ck_assert(matches("kill and not tls", &b) == false);
	ck_assert(!matches("kill and not tls", &a));
	ck_assert(matches("kill or timeout", &b));
	ck_assert(matches("not netem", &b));
	/* and binds tighter than or */
	ck_assert(matches("timeout or kill and netem", &b));
	ck_assert(!matches("(timeout or kill) and netem", &b));
	ck_assert(matches("not (kill and tls)", &b));
	ck_assert(matches("read-timeout", &b));
}
END_TEST

START_TEST(test_bad_expressions)
{
	static const char *const bad[][2] = {
		{ "", "-k: expected a word at the end at column 1" },
		{ "kill and", "-k: expected a word at the end at column 9" },
		{ "and kill", "-k: expected a word at column 1" },
		{ "(kill", "-k: expected ')' at column 6" },
		{ "kill)", "-k: expected 'and', 'or' or the end at column 5" },
		{ "kill tls", "-k: expected 'and', 'or' or the end at column 6" },
		{ "kill & tls", "-k: unexpected character at column 6" },
		{ "not", "-k: expected a word at the end at column 4" },
	};
	struct ga_select *s = (struct ga_select *)1;
	struct ga_error err;
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(ga_select_parse(bad[i][0], &s, &err), -1);
		ck_assert_ptr_null(s);
		ck_assert_str_eq(err.msg, bad[i][1]);
	}
}
END_TEST

START_TEST(test_deep_nesting_refused)
{
	char expr[400];
	struct ga_select *s;
	struct ga_error err;
	int i;

	for (i = 0; i < 100; i++)
		expr[i] = '(';
	strcpy(expr + 100, "kill");
	ck_assert_int_eq(ga_select_parse(expr, &s, &err), -1);
	ck_assert(strstr(err.msg, "nested too deep") != NULL);
}
END_TEST

START_TEST(test_shard_parse)
{
	struct ga_error err;
	unsigned k = 0, n = 0;

	ck_assert_int_eq(ga_shard_parse("2/3", &k, &n, &err), 0);
	ck_assert_uint_eq(k, 2);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(ga_shard_parse("0/3", &k, &n, &err), -1);
	ck_assert_int_eq(ga_shard_parse("4/3", &k, &n, &err), -1);
	ck_assert_int_eq(ga_shard_parse("1/0", &k, &n, &err), -1);
	ck_assert_int_eq(ga_shard_parse("1/3x", &k, &n, &err), -1);
	ck_assert_int_eq(ga_shard_parse("-1/3", &k, &n, &err), -1);
	ck_assert_int_eq(ga_shard_parse("1/1001", &k, &n, &err), -1);
	ck_assert_int_eq(ga_shard_parse("1/3", &k, &n, &err), 0);
}
END_TEST

/* Every item in exactly one shard, the split balanced and the same
 * whatever order the items come in. */
START_TEST(test_shard_split)
{
	static const double cost[] = { 9, 1, 1, 1, 4, 4, 1, 3, 0.5, 0.5 };
	static const char *const names[] = { "a", "b", "c", "d", "e", "f",
					     "g", "h", "i", "j" };
	const char *rnames[10];
	double rcost[10], load[3] = { 0, 0, 0 }, total = 0, max = 0;
	unsigned of[10], rof[10];
	size_t i;

	ga_shard_assign(cost, names, 10, 3, of);
	for (i = 0; i < 10; i++) {
		ck_assert_uint_lt(of[i], 3);
		load[of[i]] += cost[i];
		total += cost[i];
	}
	for (i = 0; i < 3; i++)
		max = load[i] > max ? load[i] : max;
	/* LPT: within 4/3 of the ideal; here the 9 alone is the floor */
	ck_assert(max <= 9.0);
	ck_assert(total == 25.0);
	for (i = 0; i < 10; i++) {
		rnames[i] = names[9 - i];
		rcost[i] = cost[9 - i];
	}
	ga_shard_assign(rcost, rnames, 10, 3, rof);
	for (i = 0; i < 10; i++)
		ck_assert_uint_eq(rof[9 - i], of[i]);
}
END_TEST

START_TEST(test_one_shard_is_everything)
{
	static const double cost[] = { 1, 2, 3 };
	static const char *const names[] = { "x", "y", "z" };
	unsigned of[3];

	ga_shard_assign(cost, names, 3, 1, of);
	ck_assert_uint_eq(of[0] + of[1] + of[2], 0);
}
END_TEST

Suite *make_select_suite(void)
{
	Suite *s = suite_create("select");
	TCase *tc = tcase_create("select");

	tcase_add_test(tc, test_words_and_keywords);
	tcase_add_test(tc, test_bad_expressions);
	tcase_add_test(tc, test_deep_nesting_refused);
	tcase_add_test(tc, test_shard_parse);
	tcase_add_test(tc, test_shard_split);
	tcase_add_test(tc, test_one_shard_is_everything);
	suite_add_tcase(s, tc);
	return s;
}
