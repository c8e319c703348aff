/* check_fault_args.c - the fault-argument lexer (faults/args.c): words
 * and their byte offsets, numbers at their bounds, and the shared
 * diagnostics.  The kinds' own tests (check_fault_firewall.c,
 * check_fault_qdisc.c) check every message through their parsers. */
#include <stdio.h>
#include <string.h>

#include "faults/args.h"
#include "suites.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The words of a text, "word@offset" joined by blanks, and the end. */
static const struct {
	const char *text;
	const char *words;
	size_t end;
} lexed[] = {
	{ "", "", 0 },
	{ "   ", "", 3 },
	{ "drop", "drop@0", 4 },
	{ "on server rate 16kbit", "on@0 server@3 rate@10 16kbit@15", 21 },
	{ "  on\tserver\t\t rate  ", "on@2 server@5 rate@14", 20 },
	{ "a\tb c  ", "a@0 b@2 c@4", 7 },
	{ "x%y 'q' \"z\"", "x%y@0 'q'@4 \"z\"@8", 11 },
};

START_TEST(test_lex)
{
	char got[256] = "";
	struct ga_args a;
	struct ga_arg w;
	size_t used = 0;

	ga_args_init(&a, lexed[_i].text);
	while (ga_args_next(&a, &w))
		used += (size_t)snprintf(got + used, sizeof(got) - used,
					 "%s%.*s@%zu", used ? " " : "",
					 (int)w.len, w.text, w.at);
	ck_assert_str_eq(got, lexed[_i].words);
	ck_assert_uint_eq(w.len, 0);
	ck_assert_uint_eq(w.at, lexed[_i].end);
	/* the end stays the end */
	ck_assert(!ga_args_next(&a, &w));
	ck_assert_uint_eq(w.at, lexed[_i].end);
}
END_TEST

static const struct {
	const char *text;
	unsigned long min, max;
	int rc;
	unsigned long want;
} numbers[] = {
	{ "1", 1, 65535, 0, 1 },
	{ "65535", 1, 65535, 0, 65535 },
	{ "000065535", 1, 65535, 0, 65535 },
	{ "0", 1, 65535, -1, 0 },
	{ "65536", 1, 65535, -1, 0 },
	{ "655350", 1, 65535, -1, 0 },
	{ "18446744073709551615", 0, (unsigned long)-1, 0,
	  (unsigned long)-1 },
	{ "18446744073709551616", 0, (unsigned long)-1, -1, 0 },
	{ "99999999999999999999999", 0, (unsigned long)-1, -1, 0 },
	{ "-1", 0, 65535, -1, 0 },
	{ "+1", 0, 65535, -1, 0 },
	{ "1.0", 0, 65535, -1, 0 },
	{ "0x10", 0, 65535, -1, 0 },
	{ "7", 0, 0, -1, 0 },
	{ "0", 0, 0, 0, 0 },
};

START_TEST(test_uint)
{
	struct ga_args a;
	struct ga_arg w;
	unsigned long v = 4242;

	ga_args_init(&a, numbers[_i].text);
	ck_assert(ga_args_next(&a, &w));
	ck_assert_int_eq(ga_arg_uint(&w, numbers[_i].min, numbers[_i].max, &v),
			 numbers[_i].rc);
	ck_assert_uint_eq(v, numbers[_i].rc == 0 ? numbers[_i].want : 4242);
}
END_TEST

START_TEST(test_str_and_is)
{
	static const char *const kinds[] = { "drop", "reject", NULL };
	struct ga_args a;
	struct ga_arg w;
	char buf[8];

	ga_args_init(&a, "reject dropped 12345678");
	ck_assert(ga_args_next(&a, &w));
	ck_assert(ga_arg_is(&w, "reject"));
	ck_assert(!ga_arg_is(&w, "rejec"));
	ck_assert(!ga_arg_is(&w, "rejects"));
	ck_assert_int_eq(ga_arg_which(&w, kinds), 1);
	ck_assert_str_eq(ga_arg_str(&w, buf, sizeof(buf)), "reject");
	ck_assert(ga_args_next(&a, &w));
	ck_assert_int_eq(ga_arg_which(&w, kinds), -1);
	/* 7 characters fit, 8 are cut to "...", which nothing reads */
	ck_assert_str_eq(ga_arg_str(&w, buf, sizeof(buf)), "dropped");
	ck_assert(ga_args_next(&a, &w));
	ck_assert_str_eq(ga_arg_str(&w, buf, sizeof(buf)), "1234...");
}
END_TEST

START_TEST(test_diagnostics)
{
	static const char *const cands[] = { "reset", "icmp", NULL };
	struct ga_fault_diag diag;
	struct ga_arg w, key;
	struct ga_args a;

	ga_args_init(&a, "rate with rst");
	ga_args_next(&a, &key);
	ck_assert_int_eq(ga_args_needs_value(&diag, &key, "RATE"), -1);
	ck_assert_str_eq(diag.msg, "'rate' needs a value (RATE)");
	ck_assert_uint_eq(diag.offset, 0);
	ck_assert_int_eq(ga_args_twice(&diag, &key), -1);
	ck_assert_str_eq(diag.msg, "'rate' given twice");

	ga_args_next(&a, &w);
	ga_args_next(&a, &w);
	ck_assert_int_eq(ga_args_expected(&diag, "reset or icmp after 'with'",
					  &w, cands), -1);
	ck_assert_str_eq(diag.msg, "expected reset or icmp after 'with', "
			 "found 'rst'; did you mean 'reset'?");
	ck_assert_uint_eq(diag.offset, 10);
	ck_assert_int_eq(ga_args_expected(&diag, "a thing", &w, NULL), -1);
	ck_assert_str_eq(diag.msg, "expected a thing, found 'rst'");

	ga_args_next(&a, &w);
	ck_assert_int_eq(ga_args_expected(&diag, "a thing", &w, cands), -1);
	ck_assert_str_eq(diag.msg, "expected a thing, found end of line");
	ck_assert_uint_eq(diag.offset, 13);

	ck_assert_int_eq(ga_fault_diag_set(&diag, 3, "%s %d", "x", 5), -1);
	ck_assert_str_eq(diag.msg, "x 5");
	ck_assert_uint_eq(diag.offset, 3);
}
END_TEST

Suite *make_fault_args_suite(void)
{
	Suite *s = suite_create("fault_args");
	TCase *tc;

	tc = tcase_create("args");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_lex, 0, N(lexed));
	tcase_add_loop_test(tc, test_uint, 0, N(numbers));
	tcase_add_test(tc, test_str_and_is);
	tcase_add_test(tc, test_diagnostics);
	suite_add_tcase(s, tc);
	return s;
}
