/* check_json.c - the driver protocol's JSON (util/json.c) read from
 * programs goneaway does not trust: what is accepted, what is refused and
 * where, and that a hostile line costs memory in proportion to what it
 * holds, not to its length times its strings. */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/json.h"
#include "suites.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Parses the first len bytes of s (len 0: all of it, up to its NUL). */
static struct ga_json *parse(const char *s, size_t len, struct ga_error *err)
{
	memset(err, 0, sizeof(*err));
	return ga_json_parse(s, len ? len : strlen(s), err);
}

/* ---- accepted ---------------------------------------------------------- */

START_TEST(test_reply)
{
	static const char line[] = "{\"id\":3,\"result\":\"error\",\"errno\":2013,"
		"\"sqlstate\":\"HY000\",\"message\":\"Lost \\u00e9t\\u00E9\","
		"\"elapsed_ms\":1.5e3,\"ok\":true,\"value\":null,"
		"\"list\":[1,-0,0.25,[],{}]}";
	struct ga_error err;
	struct ga_json *j = parse(line, 0, &err);

	ck_assert_msg(j, "refused: %s", err.msg);
	ck_assert_int_eq(j->type, GA_JSON_OBJECT);
	ck_assert_double_eq(ga_json_num(j, "id", -1), 3);
	ck_assert_str_eq(ga_json_str(j, "message", ""), "Lost \xc3\xa9t\xc3\xa9");
	ck_assert_double_eq(ga_json_num(j, "elapsed_ms", -1), 1500);
	ck_assert(ga_json_bool(j, "ok", false));
	ck_assert_int_eq(ga_json_get(j, "value")->type, GA_JSON_NULL);
	ck_assert_uint_eq(ga_json_get(j, "list")->nitems, 5);
	ga_json_free(j);
}
END_TEST

static const struct {
	const char *in;
	double want;
} good_numbers[] = {
	{ "0", 0 }, { "-0", 0 }, { "7", 7 }, { "-12", -12 }, { "0.5", 0.5 },
	{ "1e3", 1000 }, { "1E+3", 1000 }, { "25e-1", 2.5 }, { "-0.0e0", 0 },
	{ "1e-400", 0 },                /* underflow is a number: zero */
	{ "1.000000000000000000000000000000000000000000000000000000000000"
	  "00000000000000000000001", 1 },       /* longer than 64 bytes */
};

START_TEST(test_good_number)
{
	struct ga_error err;
	struct ga_json *j = parse(good_numbers[_i].in, 0, &err);

	ck_assert_msg(j, "'%s' refused: %s", good_numbers[_i].in, err.msg);
	ck_assert_int_eq(j->type, GA_JSON_NUMBER);
	ck_assert_double_eq(j->num, good_numbers[_i].want);
	ga_json_free(j);
}
END_TEST

/* Valid UTF-8 of every length, and a surrogate pair, come through. */
START_TEST(test_utf8_kept)
{
	static const char line[] = "[\"a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\","
		"\"\\ud83d\\ude00\"]";
	struct ga_error err;
	struct ga_json *j = parse(line, 0, &err);

	ck_assert_msg(j, "refused: %s", err.msg);
	ck_assert_str_eq(j->items[0].str, "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80");
	ck_assert_uint_eq(j->items[0].len, 10);
	ck_assert_str_eq(j->items[1].str, "\xf0\x9f\x98\x80");
	ga_json_free(j);
}
END_TEST

/* ---- refused, with the message and the byte ----------------------------- */

static const struct {
	const char *in;
	size_t len;             /* 0: strlen(in) */
	const char *msg;        /* the whole message */
} bad[] = {
	/* numbers: the strict grammar (the old parser handed any run of
	 * "+-0123456789.eE" to strtod) */
	{ "+1", 0, "unexpected character at byte 0" },
	{ "01", 0, "bad number: a leading zero at byte 1" },
	{ "-01", 0, "bad number: a leading zero at byte 2" },
	{ ".5", 0, "unexpected character at byte 0" },
	{ "1.", 0, "bad number: no digit after '.' at byte 2" },
	{ "1.e5", 0, "bad number: no digit after '.' at byte 2" },
	{ "1e", 0, "bad number: no digit in the exponent at byte 2" },
	{ "1e+", 0, "bad number: no digit in the exponent at byte 3" },
	{ "-", 0, "bad number: no digit at byte 1" },
	{ "--1", 0, "bad number: no digit at byte 1" },
	{ "1-2", 0, "trailing characters at byte 1" },
	{ "1e5e5", 0, "trailing characters at byte 3" },
	{ "{\"id\":1.2.3}", 0, "expected ',' or '}' at byte 9" },
	{ "Infinity", 0, "unexpected character at byte 0" },
	{ "-Infinity", 0, "bad number: no digit at byte 1" },
	{ "NaN", 0, "unexpected character at byte 0" },
	{ "0x10", 0, "trailing characters at byte 1" },
	/* not finite: strtod's HUGE_VAL was taken as a number */
	{ "1e999", 0, "number out of range at byte 0" },
	{ "{\"elapsed_ms\":-1e400}", 0, "number out of range at byte 14" },
	/* NUL bytes: in a number strchr() matched the terminator, so
	 * "1\0" was the number 1 */
	{ "{\"id\":1\0}", 9, "NUL byte at byte 7" },
	{ "1\0", 2, "NUL byte at byte 1" },
	{ "[1,\0 2]", 7, "NUL byte at byte 3" },
	{ "\"a\0b\"", 5, "NUL byte at byte 2" },
	{ "\"a\\u0000b\"", 0, "\\u0000 in a string at byte 2" },
	/* strings: raw bytes are UTF-8 */
	{ "\"\xff\"", 0, "invalid UTF-8 at byte 1" },
	{ "\"ab\xc3\"", 0, "invalid UTF-8 at byte 3" },       /* cut short */
	{ "\"\xc0\xaf\"", 0, "invalid UTF-8 at byte 1" },     /* overlong */
	{ "\"\xed\xa0\x80\"", 0, "invalid UTF-8 at byte 1" }, /* surrogate */
	{ "\"\xf4\x90\x80\x80\"", 0, "invalid UTF-8 at byte 1" }, /* > 10FFFF */
	{ "\"\x80\"", 0, "invalid UTF-8 at byte 1" },
	{ "{\"k\xfe\":1}", 0, "invalid UTF-8 at byte 3" },    /* in a key */
	/* lone surrogates: the old parser wrote them as UTF-8 (ED A0 80) */
	{ "\"\\ud800\"", 0, "lone high surrogate in a \\u escape at byte 1" },
	{ "\"x\\ud800y\"", 0, "lone high surrogate in a \\u escape at byte 2" },
	{ "\"\\ud800\\u0041\"", 0,
	  "lone high surrogate in a \\u escape at byte 1" },
	{ "\"\\ud800\\ud800\"", 0,
	  "lone high surrogate in a \\u escape at byte 1" },
	{ "\"\\udc00\"", 0, "lone low surrogate in a \\u escape at byte 1" },
	{ "\"\\ude00\\ud83d\"", 0,
	  "lone low surrogate in a \\u escape at byte 1" },
	{ "\"\\u12\"", 0, "short \\u escape at byte 3" },
	{ "\"\\u12zz\"", 0, "bad \\u escape at byte 5" },
	{ "\"\\x\"", 0, "bad escape at byte 1" },
	{ "\"\x1b[2J\"", 0, "control character in a string at byte 1" },
	{ "\"abc", 0, "unterminated string at byte 4" },
	{ "\"abc\\\"", 0, "unterminated string at byte 6" },
	/* duplicate members: one name, one meaning */
	{ "{\"id\":1,\"id\":2}", 0,
	  "duplicate member 'id' in the object at byte 0" },
	{ "{\"a\":{\"x\":1,\"y\":2,\"x\":3}}", 0,
	  "duplicate member 'x' in the object at byte 5" },
	/* the rest of the grammar */
	{ "", 0, "unexpected end at byte 0" },
	{ "{\"a\":1,}", 0, "expected a string at byte 7" },
	{ "[1,]", 0, "unexpected character at byte 3" },
	{ "{\"a\" 1}", 0, "expected ':' at byte 5" },
	{ "tru", 0, "unexpected character at byte 0" },
	{ "{} {}", 0, "trailing characters at byte 3" },
};

START_TEST(test_bad)
{
	struct ga_error err;
	struct ga_json *j = parse(bad[_i].in, bad[_i].len, &err);

	ck_assert_msg(!j, "case %d accepted", _i);
	ck_assert_str_eq(err.msg, bad[_i].msg);
}
END_TEST

/* Objects nested in arrays still see their duplicates; different names
 * that share a prefix are no duplicate. */
START_TEST(test_keys_distinct)
{
	struct ga_error err;
	struct ga_json *j = parse("[{\"a\":1,\"ab\":2,\"b\":3},{\"a\":1}]", 0,
				  &err);

	ck_assert_msg(j, "refused: %s", err.msg);
	ga_json_free(j);
}
END_TEST

/* ---- what a line costs ------------------------------------------------- */

/* Bytes malloc has handed out and not had back (glibc; 0 where the
 * allocator does not tell, as under AddressSanitizer). */
static size_t in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/* A 6.9 MB reply with 500,000 short members took 2.0 GB: every string
 * allocated the rest of the line.  Such a line is now refused at its
 * GA_JSON_MAX_VALUES+1st member, long before its end, and fast. */
START_TEST(test_many_members_refused)
{
	const size_t members = 500000;
	size_t cap = members * 16 + 16, n = 0, i;
	char *line = malloc(cap), want[80];
	struct ga_error err;
	struct ga_json *j;
	struct timespec t0, t1;
	double ms;

	ck_assert_ptr_nonnull(line);
	line[n++] = '{';
	for (i = 0; i < members; i++)
		n += (size_t)snprintf(line + n, cap - n, "%s\"k%07zu\":1",
				      i ? "," : "", i);
	line[n++] = '}';
	ck_assert_uint_gt(n, 6000000);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	j = ga_json_parse(line, n, &err);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	     (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
	ck_assert_ptr_null(j);
	/* member 10001 starts at 1 + 10000 * 13 (each is "kNNNNNNN":1,) */
	snprintf(want, sizeof(want), "more than %d values at byte %d",
		 GA_JSON_MAX_VALUES, 1 + GA_JSON_MAX_VALUES * 13 + 11);
	ck_assert_str_eq(err.msg, want);
	ck_assert_msg(ms < 1000, "took %.0f ms", ms);
	free(line);
}
END_TEST

/* A line within the bounds keeps only what it holds: 9,000 short strings
 * followed by a long one (about 7 MB in all) made the old parser allocate
 * the rest of the line for each short one (9,000 x 7 MB). */
START_TEST(test_memory_proportional)
{
	const size_t strings = 9000, tail = 7000000;
	size_t cap = strings * 8 + tail + 16, n = 0, i, before, grew;
	char *line = malloc(cap);
	struct ga_error err;
	struct ga_json *j;

	ck_assert_ptr_nonnull(line);
	line[n++] = '[';
	for (i = 0; i < strings; i++)
		n += (size_t)snprintf(line + n, cap - n, "\"s%04zu\",", i);
	line[n++] = '"';
	memset(line + n, 'x', tail);
	n += tail;
	line[n++] = '"';
	line[n++] = ']';
	before = in_use();
	j = ga_json_parse(line, n, &err);
	grew = in_use() - before;
	ck_assert_msg(j, "refused: %s", err.msg);
	ck_assert_uint_eq(j->nitems, strings + 1);
	ck_assert_uint_eq(j->items[strings].len, tail);
	ck_assert_msg(grew < 3 * n, "a %zu-byte line kept %zu bytes", n, grew);
	ga_json_free(j);
	free(line);
}
END_TEST

/* Many items in one array: the array grows by doubling, not one item at
 * a time (a realloc per item is quadratic). */
START_TEST(test_items_bounded)
{
	size_t cap = GA_JSON_MAX_VALUES * 2 + 8, n = 0, i;
	char *line = malloc(cap);
	struct ga_error err;
	struct ga_json *j;

	ck_assert_ptr_nonnull(line);
	line[n++] = '[';
	for (i = 0; i < GA_JSON_MAX_VALUES; i++) {
		line[n++] = i ? ',' : '0';
		if (i)
			line[n++] = '0';
	}
	line[n++] = ']';
	j = ga_json_parse(line, n, &err);
	ck_assert_msg(j, "refused: %s", err.msg);
	ck_assert_uint_eq(j->nitems, GA_JSON_MAX_VALUES);
	ga_json_free(j);
	/* one more is refused */
	line[n - 1] = ',';
	line[n++] = '0';
	line[n++] = ']';
	j = ga_json_parse(line, n, &err);
	ck_assert_ptr_null(j);
	ck_assert_ptr_nonnull(strstr(err.msg, "more than 10000 values"));
	free(line);
}
END_TEST

/* ---- writing ----------------------------------------------------------- */

START_TEST(test_write_reads_back)
{
	static const char s[] = "q\"\\\n\t\x1b\x7f\xc3\xa9";
	char *text = NULL;
	size_t len = 0;
	struct ga_error err;
	struct ga_json *j;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	ga_json_write_string(f, s, sizeof(s) - 1);
	fclose(f);
	j = parse(text, len, &err);
	ck_assert_msg(j, "'%s' refused: %s", text, err.msg);
	ck_assert_str_eq(j->str, s);
	ga_json_free(j);
	free(text);
}
END_TEST

Suite *make_json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("parse");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_reply);
	tcase_add_loop_test(tc, test_good_number, 0, N(good_numbers));
	tcase_add_test(tc, test_utf8_kept);
	tcase_add_loop_test(tc, test_bad, 0, N(bad));
	tcase_add_test(tc, test_keys_distinct);
	tcase_add_test(tc, test_write_reads_back);
	suite_add_tcase(s, tc);

	tc = tcase_create("bounds");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_many_members_refused);
	tcase_add_test(tc, test_memory_proportional);
	tcase_add_test(tc, test_items_bounded);
	suite_add_tcase(s, tc);
	return s;
}
