/* check_allow.c - --allow-skip KIND[:SCENARIO][@CLIENT] rules: parsed,
 * refused with a reason, and which SKIPs they cover (plan/allow.c). */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "plan/allow.h"
#include "run/runner.h"
#include "suites.h"

/* A rule that parses, and what it holds. */
static const struct {
	const char *rule;
	enum ga_skip_kind kind;
	const char *scenario, *client;
} good[] = {
	{ "netem", GA_SKIP_NETEM, "", "" },
	{ "root", GA_SKIP_ROOT, "", "" },
	{ "driver@pymysql", GA_SKIP_DRIVER, "", "pymysql" },
	{ "driver:forked-connection-share@pymysql", GA_SKIP_DRIVER,
	  "forked-connection-share", "pymysql" },
	{ "flavour:requires-mysql", GA_SKIP_FLAVOUR, "requires-mysql", "" },
	{ "driver:a/x@pymysql#2", GA_SKIP_DRIVER, "a/x", "pymysql#2" },
	/* the first '@' ends the scenario; a client may hold ':' and '@' */
	{ "fault:x:y@c@d:e", GA_SKIP_FAULT, "x:y", "c@d:e" },
	{ "server@x:y", GA_SKIP_SERVER, "", "x:y" },
};

START_TEST(test_good_rules)
{
	struct ga_allow al;
	struct ga_error err;

	memset(&al, 0, sizeof(al));
	ck_assert_msg(ga_allow_add(&al, good[_i].rule, &err) == 0, "%s: %s",
		      good[_i].rule, err.msg);
	ck_assert_uint_eq(al.n, 1);
	ck_assert_int_eq(al.rule[0].kind, good[_i].kind);
	ck_assert_str_eq(al.rule[0].scenario, good[_i].scenario);
	ck_assert_str_eq(al.rule[0].client, good[_i].client);
}
END_TEST

/* A rule refused, and words its message must hold. */
static const struct {
	const char *rule, *msg;
} bad[] = {
	{ "nope", "'nope' is not one of: root, server, flavour, netem, "
		  "fault, driver" },
	{ "", "'' is not one of: root" },
	{ "none", "'none' is not one of" },
	{ "Driver", "'Driver' is not one of" },
	{ "nope:kill-idle@pymysql", "'nope:kill-idle@pymysql': 'nope' is not "
				    "one of: root, server" },
	{ ":kill-idle", "'' is not one of" },
	{ "@pymysql", "'' is not one of" },
	{ "driver:", "no scenario after ':'" },
	{ "driver:@pymysql", "no scenario after ':'" },
	{ "driver@", "no client after '@'" },
	{ "driver:kill-idle@", "no client after '@'" },
	{ "driver:kill-idle.gw@pymysql", "without its \".gw\" ('kill-idle')" },
	{ "driver netem", "is not one of" },
};

START_TEST(test_bad_rules)
{
	struct ga_allow al;
	struct ga_error err;

	memset(&al, 0, sizeof(al));
	err.msg[0] = '\0';
	ck_assert_msg(ga_allow_add(&al, bad[_i].rule, &err) == -1,
		      "'%s' was taken", bad[_i].rule);
	ck_assert_msg(strstr(err.msg, bad[_i].msg) != NULL,
		      "'%s': \"%s\" lacks \"%s\"", bad[_i].rule, err.msg,
		      bad[_i].msg);
	ck_assert_uint_eq(al.n, 0);
}
END_TEST

START_TEST(test_limits)
{
	static struct ga_allow al;
	struct ga_error err;
	char rule[512];
	int i;

	memset(&al, 0, sizeof(al));
	/* a scenario name of 255 bytes fits, 256 does not */
	memset(rule, 'x', sizeof(rule));
	memcpy(rule, "driver:", 7);
	rule[7 + 255] = '\0';
	ck_assert_int_eq(ga_allow_add(&al, rule, &err), 0);
	rule[7 + 255] = 'x';
	rule[7 + 256] = '\0';
	ck_assert_int_eq(ga_allow_add(&al, rule, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "longer than 255 bytes"));
	/* a client name of 128 bytes does not fit */
	memset(rule, 'c', sizeof(rule));
	memcpy(rule, "driver@", 7);
	rule[7 + 128] = '\0';
	ck_assert_int_eq(ga_allow_add(&al, rule, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "longer than 127 bytes"));
	/* at most GA_ALLOW_MAX rules */
	memset(&al, 0, sizeof(al));
	for (i = 0; i < GA_ALLOW_MAX; i++)
		ck_assert_int_eq(ga_allow_add(&al, "netem", &err), 0);
	ck_assert_int_eq(ga_allow_add(&al, "netem", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "at most 64 rules"));
	ck_assert_uint_eq(al.n, GA_ALLOW_MAX);
}
END_TEST

static bool covers(const char *const *rules, int kind, const char *scenario,
		   const char *label, const char *client, const char *clabel)
{
	struct ga_allow al;
	struct ga_error err;

	memset(&al, 0, sizeof(al));
	for (; *rules; rules++)
		ck_assert_msg(ga_allow_add(&al, *rules, &err) == 0, "%s: %s",
			      *rules, err.msg);
	return ga_allow_covers(&al, kind, scenario, label, client, clabel);
}

#define RULES(...) ((const char *const[]){ __VA_ARGS__, NULL })

START_TEST(test_covers)
{
	const int drv = GA_SKIP_DRIVER;
	const char *const *one =
		RULES("driver:forked-connection-share@pymysql");

	/* no rule: nothing */
	ck_assert(!covers((const char *const[]){ NULL }, drv, "x", "x",
			  "pymysql", NULL));
	/* a kind alone: every scenario and client */
	ck_assert(covers(RULES("netem"), GA_SKIP_NETEM, "netem-delay",
			 "netem-delay", "go", NULL));
	ck_assert(!covers(RULES("netem"), drv, "netem-delay", "netem-delay",
			  "go", NULL));
	/* a scenario and a client: that case only */
	ck_assert(covers(one, drv, "forked-connection-share",
			 "forked-connection-share", "pymysql", NULL));
	ck_assert(!covers(one, drv, "forked-connection-exit",
			  "forked-connection-exit", "pymysql", NULL));
	ck_assert(!covers(one, drv, "forked-connection-share",
			  "forked-connection-share", "php-mysqli", NULL));
	ck_assert(!covers(one, GA_SKIP_FAULT, "forked-connection-share",
			  "forked-connection-share", "pymysql", NULL));
	/* a prefix of a name is not the name */
	ck_assert(!covers(RULES("driver:forked@pymysql"), drv,
			  "forked-connection-share", "forked-connection-share",
			  "pymysql", NULL));
	ck_assert(!covers(RULES("driver@py"), drv, "x", "x", "pymysql",
			  NULL));
	/* a client alone: every scenario of that client */
	ck_assert(covers(RULES("driver@pymysql"), drv, "anything", "anything",
			 "pymysql", NULL));
	ck_assert(!covers(RULES("driver@pymysql"), drv, "anything",
			  "anything", "mysqlclient", NULL));
	/* a scenario alone: every client */
	ck_assert(covers(RULES("driver:x"), drv, "x", "x", "go", NULL));
	/* the scenario by its name or its label (two files named x) */
	ck_assert(covers(RULES("driver:x"), drv, "x", "a/x", "go", NULL));
	ck_assert(covers(RULES("driver:a/x"), drv, "x", "a/x", "go", NULL));
	ck_assert(!covers(RULES("driver:a/x"), drv, "x", "b/x", "go", NULL));
	/* the client by its name or its label (two that greet as one) */
	ck_assert(covers(RULES("driver@pymysql#2"), drv, "x", "x", "pymysql",
			 "pymysql#2"));
	ck_assert(!covers(RULES("driver@pymysql#2"), drv, "x", "x", "pymysql",
			  "pymysql#1"));
	ck_assert(covers(RULES("driver@pymysql"), drv, "x", "x", "pymysql",
			 "pymysql#1"));
	/* any of several rules */
	ck_assert(covers(RULES("netem", "driver:y@go", "driver:x@go"), drv,
			 "x", "x", "go", NULL));
	ck_assert(!covers(RULES("netem", "driver:y@go", "driver:x@php"), drv,
			  "x", "x", "go", NULL));
}
END_TEST

Suite *make_allow_suite(void)
{
	Suite *s = suite_create("allow");
	TCase *tc = tcase_create("allow");

	tcase_add_loop_test(tc, test_good_rules, 0,
			    (int)(sizeof(good) / sizeof(good[0])));
	tcase_add_loop_test(tc, test_bad_rules, 0,
			    (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_covers);
	suite_add_tcase(s, tc);
	return s;
}
