/* check_expand.c - %repeat[COUNT x TEXT]% expansion (expand.c); its
 * COUNT is a size, read by util/units.c (check_units.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/expand.h"
#include "suites.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define MIB (1L << 20)

/* ---- ga_expand: good --------------------------------------------------- */

/* The result is either given whole (want) or, for big ones, by its
 * length, its ends and how often one character occurs. */
struct expand_good {
	const char *label;
	const char *in;
	size_t n;               /* 0: strlen(in) */
	const char *want;       /* NULL: check by length */
	size_t len;
	const char *prefix, *suffix;
	char fill;
	size_t nfill;
};

static const struct expand_good good_cases[] = {
	{ "no variables", "SELECT 1", 0, "SELECT 1", .len = 0 },
	{ "empty input", "", 0, "", .len = 0 },
	{ "only a repeat", "%repeat[3 x ab]%", 0, "ababab", .len = 0 },
	{ "one repeat in SQL", "SELECT '%repeat[5 x a]%'", 0,
	  "SELECT 'aaaaa'", .len = 0 },
	{ "two repeats", "a%repeat[2 x xy]%b%repeat[3 x z]%c", 0,
	  "axyxybzzzc", .len = 0 },
	{ "two repeats side by side", "%repeat[2 x a]%%repeat[2 x b]%", 0,
	  "aabb", .len = 0 },
	{ "text with spaces", "%repeat[2 x a b]%", 0, "a ba b", .len = 0 },
	{ "text with ' x '", "%repeat[2 x a x b]%", 0, "a x ba x b", .len = 0 },
	{ "text with '%' and '['", "%repeat[2 x %[]%", 0, "%[%[", .len = 0 },
	{ "count 1", "<%repeat[1 x hello]%>", 0, "<hello>", .len = 0 },
	{ "count 0", "a%repeat[0 x b]%c", 0, "ac", .len = 0 },
	{ "count 2B", "%repeat[2B x q]%", 0, "qq", .len = 0 },
	{ "not a variable", "100%repeat, %rep[3 x a]%, ]%, %%", 0,
	  "100%repeat, %rep[3 x a]%, ]%, %%", .len = 0 },
	{ "n ends before the repeat", "abc%repeat[2 x q]%", 3, "abc", .len = 0 },
	{ "size 1K", "%repeat[1K x a]%", 0, NULL, 1024, "aaa", "aaa", 'a',
	  1024 },
	{ "size 2MiB", "INSERT INTO t VALUES ('%repeat[2MiB x a]%')", 0,
	  NULL, 2 * MIB + 25, "INSERT INTO t VALUES ('aa", "aa')", 'a',
	  2 * MIB + 0 },
	{ "size 1KiB of two bytes", "%repeat[1KiB x ab]%", 0, NULL, 2048,
	  "abab", "abab", 'b', 1024 },
	{ "exactly 64 MiB", "%repeat[32MiB x ab]%", 0, NULL, 64 * MIB,
	  "abab", "abab", 'a', 32 * MIB },
};

START_TEST(test_expand_good)
{
	const struct expand_good *c = &good_cases[_i];
	size_t n = c->n ? c->n : strlen(c->in);
	size_t off = 12345;
	char msg[256] = "untouched";
	char *out = (char *)&off;
	size_t i, k;
	int rc;

	rc = ga_expand(c->in, n, &out, msg, sizeof(msg), &off);
	ck_assert_msg(rc == 0, "%s: rc %d: %s", c->label, rc, msg);
	ck_assert_ptr_nonnull(out);
	ck_assert_str_eq(msg, "untouched");
	if (c->want) {
		ck_assert_str_eq(out, c->want);
	} else {
		ck_assert_msg(strlen(out) == c->len, "%s: %zu bytes, want %zu",
			      c->label, strlen(out), c->len);
		ck_assert(strncmp(out, c->prefix, strlen(c->prefix)) == 0);
		ck_assert_str_eq(out + c->len - strlen(c->suffix), c->suffix);
		for (i = 0, k = 0; i < c->len; i++)
			if (out[i] == c->fill)
				k++;
		ck_assert_uint_eq(k, c->nfill);
	}
	free(out);
}
END_TEST

/* With n cutting the closing "]%", the repeat is unterminated. */
START_TEST(test_expand_n_respected)
{
	const char in[] = "x%repeat[2 x q]%y";
	char msg[256];
	size_t off = 99;
	char *out;

	/* 15 bytes: "x%repeat[2 x q]" */
	ck_assert_int_eq(ga_expand(in, 15, &out, msg, sizeof(msg), &off), -1);
	ck_assert_ptr_null(out);
	ck_assert_uint_eq(off, 1);
	ck_assert_str_eq(msg, "'%repeat[' without its closing ']%'");
	/* 16 bytes: the whole repeat, not the 'y' */
	ck_assert_int_eq(ga_expand(in, 16, &out, msg, sizeof(msg), &off), 0);
	ck_assert_str_eq(out, "xqq");
	free(out);
}
END_TEST

/* ---- ga_expand: bad ---------------------------------------------------- */

static const struct {
	const char *label;
	const char *in;
	size_t offset;
	const char *msg;        /* the whole message */
} bad_cases[] = {
	{ "missing ]%", "SELECT '%repeat[3 x a'", 8,
	  "'%repeat[' without its closing ']%'" },
	{ "only ] without %", "%repeat[3 x a]", 0,
	  "'%repeat[' without its closing ']%'" },
	{ "no ' x '", "ab%repeat[3xa]%", 2,
	  "write %repeat[COUNT x TEXT]%, e.g. %repeat[2MiB x a]%" },
	{ "' x ' after the closing ]%", "%repeat[3]% x a", 0,
	  "write %repeat[COUNT x TEXT]%, e.g. %repeat[2MiB x a]%" },
	{ "no count", "%repeat[ x a]%", 0,
	  "%repeat needs a count before ' x '" },
	{ "bad count", "ab%repeat[lots x a]%", 2,
	  "invalid count 'lots' in %repeat: write e.g. 1000, 64KiB or 2MiB" },
	{ "negative count", "%repeat[-1 x a]%", 0,
	  "invalid count '-1' in %repeat: write e.g. 1000, 64KiB or 2MiB" },
	{ "count with a blank", "%repeat[2 MiB x a]%", 0,
	  "invalid count '2 MiB' in %repeat: write e.g. 1000, 64KiB or 2MiB" },
	{ "count with a bad unit", "%repeat[2MX x a]%", 0,
	  "invalid count '2MX' in %repeat: write e.g. 1000, 64KiB or 2MiB" },
	{ "count not whole", "%repeat[1.5 x a]%", 0,
	  "invalid count '1.5' in %repeat: write e.g. 1000, 64KiB or 2MiB" },
	{ "count over 1 GiB", "%repeat[2G x a]%", 0,
	  "invalid count '2G' in %repeat: write e.g. 1000, 64KiB or 2MiB" },
	{ "empty text", "%repeat[3 x ]%", 0, "%repeat has no text to repeat" },
	{ "one repeat over 64 MiB", "SELECT '%repeat[65MiB x a]%'", 8,
	  "%repeat makes more than 64 MiB" },
	{ "one repeat over 64 MiB by its text", "%repeat[32MiB x abc]%", 0,
	  "%repeat makes more than 64 MiB" },
	{ "64 MiB and one byte", "x%repeat[64MiB x a]%", 1,
	  "the statement grows beyond 64 MiB" },
	{ "two repeats over 64 MiB", "%repeat[40MiB x a]%%repeat[40MiB x a]%",
	  19, "the statement grows beyond 64 MiB" },
	{ "the second repeat is bad", "%repeat[2 x a]%, %repeat[2 x ]%", 17,
	  "%repeat has no text to repeat" },
};

START_TEST(test_expand_bad)
{
	char msg[256] = "";
	size_t off = 12345;
	char *out = (char *)&off;
	int rc;

	rc = ga_expand(bad_cases[_i].in, strlen(bad_cases[_i].in), &out, msg,
		       sizeof(msg), &off);
	ck_assert_msg(rc == -1, "%s: rc %d", bad_cases[_i].label, rc);
	ck_assert_ptr_null(out);
	ck_assert_str_eq(msg, bad_cases[_i].msg);
	ck_assert_msg(off == bad_cases[_i].offset, "%s: offset %zu, want %zu",
		      bad_cases[_i].label, off, bad_cases[_i].offset);
}
END_TEST

/* A small message buffer gets a cut, terminated message. */
START_TEST(test_expand_small_msg)
{
	char msg[8];
	size_t off;
	char *out;

	memset(msg, 'X', sizeof(msg));
	ck_assert_int_eq(ga_expand("%repeat[", 8, &out, msg, sizeof(msg),
				   &off), -1);
	ck_assert_uint_eq(strlen(msg), 7);
	ck_assert_str_eq(msg, "'%repea");
	ck_assert_uint_eq(off, 0);
}
END_TEST

/* ---- ga_expand_measure: the same answer as ga_expand, allocating nothing */

START_TEST(test_measure_good)
{
	const struct expand_good *c = &good_cases[_i];
	size_t n = c->n ? c->n : strlen(c->in);
	size_t len = 7, repeats = 7, off = 12345;
	char msg[256] = "untouched";
	const char *p;
	size_t k = 0;
	char *out;

	ck_assert_int_eq(ga_expand_measure(c->in, n, &len, &repeats, msg,
					   sizeof(msg), &off), 0);
	ck_assert_str_eq(msg, "untouched");
	ck_assert_int_eq(ga_expand(c->in, n, &out, msg, sizeof(msg), &off), 0);
	ck_assert_uint_eq(len, strlen(out));
	free(out);
	for (p = c->in; (p = strstr(p, "%repeat[")) && p < c->in + n; p++)
		k++;
	ck_assert_msg(repeats == k, "%s: %zu repeats, want %zu", c->label,
		      repeats, k);
}
END_TEST

START_TEST(test_measure_bad)
{
	size_t len = 7, repeats = 7, off = 12345;
	char msg[256] = "";

	ck_assert_int_eq(ga_expand_measure(bad_cases[_i].in,
					   strlen(bad_cases[_i].in), &len,
					   &repeats, msg, sizeof(msg), &off), -1);
	ck_assert_str_eq(msg, bad_cases[_i].msg);
	ck_assert_uint_eq(off, bad_cases[_i].offset);
}
END_TEST

/* ---- ga_expand_step: made when the step runs, kept, released ---------- */

START_TEST(test_expand_step)
{
	struct ga_step st;
	struct ga_error err;
	const char *sql = NULL, *again = NULL;

	memset(&st, 0, sizeof(st));
	/* no %repeat: the text itself, nothing made */
	st.text = (char *)"SELECT 1";
	ck_assert_int_eq(ga_expand_step(&st, &sql, &err), 0);
	ck_assert_ptr_eq(sql, st.text);
	/* no text at all */
	st.text = NULL;
	ck_assert_int_eq(ga_expand_step(&st, &sql, &err), 0);
	ck_assert_ptr_null(sql);

	/* a %repeat: made on the first call, the same string after */
	st.text = (char *)"SELECT '%repeat[3 x ab]%'";
	st.expansion = calloc(1, sizeof(*st.expansion));
	ck_assert_ptr_nonnull(st.expansion);
	st.expansion->len = 15;
	ck_assert_ptr_null(st.expansion->text);
	ck_assert_int_eq(ga_expand_step(&st, &sql, &err), 0);
	ck_assert_str_eq(sql, "SELECT 'ababab'");
	ck_assert_uint_eq(strlen(sql), st.expansion->len);
	ck_assert_int_eq(ga_expand_step(&st, &again, &err), 0);
	ck_assert_ptr_eq(again, sql);
	/* released, and made again when asked for */
	ga_expand_step_release(&st);
	ck_assert_ptr_null(st.expansion->text);
	ck_assert_int_eq(ga_expand_step(&st, &again, &err), 0);
	ck_assert_str_eq(again, "SELECT 'ababab'");
	ga_expansion_free(st.expansion);
	ga_expansion_free(NULL);
}
END_TEST

Suite *make_expand_suite(void)
{
	Suite *s = suite_create("expand");
	TCase *tc;

	tc = tcase_create("expand");
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_expand_good, 0, N(good_cases));
	tcase_add_test(tc, test_expand_n_respected);
	tcase_add_loop_test(tc, test_expand_bad, 0, N(bad_cases));
	tcase_add_test(tc, test_expand_small_msg);
	tcase_add_loop_test(tc, test_measure_good, 0, N(good_cases));
	tcase_add_loop_test(tc, test_measure_bad, 0, N(bad_cases));
	tcase_add_test(tc, test_expand_step);
	suite_add_tcase(s, tc);
	return s;
}
