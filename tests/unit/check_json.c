/* check_json.c - the driver protocol's JSON (util/json.c) read from
 * programs goneaway does not trust: what is accepted, what is refused and
 * where, and that a hostile line costs memory in proportion to what it
 * holds, not to its length times its strings. */
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>

#include "util/among.h"
#include "util/escape.h"
#include "util/grow.h"
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
	{ "100000000000000000000", 1e20 },      /* past 2^63: a double */
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

/* The one UTF-8 decoder (util/escape.h) the writer, the escapes and
 * the Go encoder share: each length, its edges, and what it refuses. */
START_TEST(test_utf8_char)
{
	static const struct {
		const char *s;
		size_t n, want;
		uint32_t cp;
	} c[] = {
		{ "A", 1, 1, 0x41 },
		{ "\xc3\xa9", 2, 2, 0xe9 },
		{ "\xe2\x82\xac", 3, 3, 0x20ac },
		{ "\xf0\x9f\x98\x80", 4, 4, 0x1f600 },
		{ "\xf4\x8f\xbf\xbf", 4, 4, 0x10ffff },
		{ "\xc3\xa9", 1, 0, 0 },                /* cut by n */
		{ "\xc0\x80", 2, 0, 0 },                /* overlong */
		{ "\xc1\xbf", 2, 0, 0 },
		{ "\xe0\x9f\xbf", 3, 0, 0 },
		{ "\xf0\x8f\xbf\xbf", 4, 0, 0 },
		{ "\xed\xa0\x80", 3, 0, 0 },            /* a surrogate */
		{ "\xf4\x90\x80\x80", 4, 0, 0 },        /* past U+10FFFF */
		{ "\xf5\x80\x80\x80", 4, 0, 0 },
		{ "\x80", 1, 0, 0 },                    /* a stray byte */
		{ "\xff", 1, 0, 0 },
		{ "\xc3" "A", 2, 0, 0 },                /* no continuation */
		{ "\xe2\x82", 3, 0, 0 },                /* the NUL ends it */
		{ "", 0, 0, 0 },
	};
	uint32_t cp;
	size_t i;

	for (i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		cp = 0xdead;
		ck_assert_uint_eq(ga_utf8_char((const unsigned char *)c[i].s,
					       c[i].n, &cp), c[i].want);
		if (c[i].want)
			ck_assert_uint_eq(cp, c[i].cp);
		ck_assert_uint_eq(ga_utf8_char((const unsigned char *)c[i].s,
					       c[i].n, NULL), c[i].want);
	}
}
END_TEST

/* A growable array (util/grow.h): room made by doubling from the first
 * size, nothing done while there is room, the array kept on a size
 * past SIZE_MAX. */
START_TEST(test_grow)
{
	int *a = NULL, *kept;
	size_t cap = 0, n;

	for (n = 0; n < 100; n++) {
		ck_assert_int_eq(ga_grow(&a, &cap, n, sizeof(*a), 4), 0);
		ck_assert_uint_ge(cap, n + 1);
		a[n] = (int)n;
	}
	ck_assert_uint_eq(cap, 128);
	ck_assert_int_eq(ga_grow(&a, &cap, 50, sizeof(*a), 4), 0);
	ck_assert_uint_eq(cap, 128);
	kept = a;
	cap = SIZE_MAX / 2 + 1;
	ck_assert_int_eq(ga_grow(&a, &cap, cap, sizeof(*a), 4), -1);
	ck_assert_ptr_eq(a, kept);
	ck_assert_uint_eq(cap, SIZE_MAX / 2 + 1);
	for (n = 0; n < 100; n++)
		ck_assert_int_eq(a[n], (int)n);
	free(a);
}
END_TEST

/* Whether a value is one of an array's (util/among.h): each element
 * found, a value of none not, and nothing in an empty array; an ino_t
 * array as an int one. */
START_TEST(test_among)
{
	const int fds[] = { 7, -1, 3, 12 };
	const ino_t inos[] = { 42, (ino_t)1 << 40 };
	ino_t ino = (ino_t)1 << 40;
	int fd, i;

	for (i = 0; i < 4; i++)
		ck_assert(ga_among(&fds[i], fds, 4, sizeof(*fds)));
	fd = 4;
	ck_assert(!ga_among(&fd, fds, 4, sizeof(*fds)));
	fd = 12;
	ck_assert(!ga_among(&fd, fds, 3, sizeof(*fds)));
	ck_assert(!ga_among(&fd, fds, 0, sizeof(*fds)));
	ck_assert(ga_among(&ino, inos, 2, sizeof(*inos)));
	ino = 1;
	ck_assert(!ga_among(&ino, inos, 2, sizeof(*inos)));
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

/* ---- refused, with the message, the line and the column ------------------ */

/* jansson's words (util/json.c reads with json_loadb) and goneaway's own
 * for its bounds; the column is jansson's, the character it had read
 * last, and counts characters, not bytes. */
static const struct {
	const char *in;
	size_t len;             /* 0: strlen(in) */
	const char *msg;        /* the whole message */
} bad[] = {
	/* numbers: the strict grammar (the old parser handed any run of
	 * "+-0123456789.eE" to strtod) */
	{ "+1", 0, "invalid token near '+' at line 1, column 1" },
	{ "01", 0, "invalid token near '0' at line 1, column 1" },
	{ "-01", 0, "invalid token near '-0' at line 1, column 2" },
	{ ".5", 0, "invalid token near '.' at line 1, column 1" },
	{ "1.", 0, "invalid token near '1.' at line 1, column 2" },
	{ "1.e5", 0, "invalid token near '1.' at line 1, column 2" },
	{ "1e", 0, "invalid token near '1e' at line 1, column 2" },
	{ "1e+", 0, "invalid token near '1e+' at line 1, column 3" },
	{ "-", 0, "invalid token near '-' at line 1, column 1" },
	{ "--1", 0, "invalid token near '-' at line 1, column 1" },
	{ "1-2", 0, "end of file expected near '-2' at line 1, column 3" },
	{ "1e5e5", 0, "end of file expected near 'e' at line 1, column 4" },
	{ "{\"id\":1.2.3}", 0, "'}' expected near '.' at line 1, column 10" },
	{ "Infinity", 0, "invalid token near 'Infinity' at line 1, column 8" },
	{ "-Infinity", 0, "invalid token near '-' at line 1, column 1" },
	{ "NaN", 0, "invalid token near 'NaN' at line 1, column 3" },
	{ "0x10", 0, "end of file expected near 'x' at line 1, column 2" },
	/* not finite: strtod's HUGE_VAL was taken as a number */
	{ "1e999", 0, "real number overflow near '1e999' at line 1, column 5" },
	{ "{\"elapsed_ms\":-1e400}", 0,
	  "real number overflow near '-1e400' at line 1, column 20" },
	/* NUL bytes (goneaway's own check): in a number strchr() matched
	 * the terminator, so "1\0" was the number 1 */
	{ "{\"id\":1\0}", 9, "NUL byte at line 1, column 8" },
	{ "1\0", 2, "NUL byte at line 1, column 2" },
	{ "[1,\0 2]", 7, "NUL byte at line 1, column 4" },
	{ "\"a\0b\"", 5, "NUL byte at line 1, column 3" },
	{ "\"a\\u0000b\"", 0, "\\u0000 in a string at line 1, column 10" },
	/* raw bytes are UTF-8 */
	{ "\"\xff\"", 0, "unable to decode byte 0xff near '\"' at line 1, column 1" },
	{ "\"ab\xc3\"", 0,                                      /* cut short */
	  "unable to decode byte 0xc3 near '\"ab' at line 1, column 3" },
	{ "\"\xc0\xaf\"", 0,                                    /* overlong */
	  "unable to decode byte 0xc0 near '\"' at line 1, column 1" },
	{ "\"\xed\xa0\x80\"", 0,                                /* surrogate */
	  "unable to decode byte 0xed near '\"' at line 1, column 1" },
	{ "\"\xf4\x90\x80\x80\"", 0,                            /* > 10FFFF */
	  "unable to decode byte 0xf4 near '\"' at line 1, column 1" },
	{ "\"\x80\"", 0, "unable to decode byte 0x80 near '\"' at line 1, column 1" },
	{ "{\"k\xfe\":1}", 0,                                   /* in a key */
	  "unable to decode byte 0xfe near '\"k' at line 1, column 3" },
	/* lone surrogates: the old parser wrote them as UTF-8 (ED A0 80) */
	{ "\"\\ud800\"", 0,
	  "invalid Unicode '\\uD800' near '\"\\ud800\"' at line 1, column 8" },
	{ "\"x\\ud800y\"", 0,
	  "invalid Unicode '\\uD800' near '\"x\\ud800y\"' at line 1, column 10" },
	{ "\"\\ud800\\u0041\"", 0, "invalid Unicode '\\uD800\\u0041' near "
	  "'\"\\ud800\\u0041\"' at line 1, column 14" },
	{ "\"\\ud800\\ud800\"", 0, "invalid Unicode '\\uD800\\uD800' near "
	  "'\"\\ud800\\ud800\"' at line 1, column 14" },
	{ "\"\\udc00\"", 0,
	  "invalid Unicode '\\uDC00' near '\"\\udc00\"' at line 1, column 8" },
	{ "\"\\ude00\\ud83d\"", 0, "invalid Unicode '\\uDE00' near "
	  "'\"\\ude00\\ud83d\"' at line 1, column 14" },
	{ "\"\\u12\"", 0, "invalid escape near '\"\\u12\"' at line 1, column 6" },
	{ "\"\\u12zz\"", 0, "invalid escape near '\"\\u12z' at line 1, column 6" },
	{ "\"\\x\"", 0, "invalid escape near '\"\\x' at line 1, column 3" },
	{ "\"\x1b[2J\"", 0,
	  "control character 0x1b near '\"' at line 1, column 1" },
	{ "\"abc", 0, "premature end of input near '\"abc' at line 1, column 4" },
	{ "\"abc\\\"", 0,
	  "premature end of input near '\"abc\\\"' at line 1, column 6" },
	/* duplicate members: one name, one meaning */
	{ "{\"id\":1,\"id\":2}", 0,
	  "duplicate object key near '\"id\"' at line 1, column 12" },
	{ "{\"a\":{\"x\":1,\"y\":2,\"x\":3}}", 0,
	  "duplicate object key near '\"x\"' at line 1, column 21" },
	/* the rest of the grammar */
	{ "", 0, "unexpected token near end of file at line 1, column 0" },
	{ "{\"a\":1,}", 0, "string or '}' expected near '}' at line 1, column 8" },
	{ "[1,]", 0, "unexpected token near ']' at line 1, column 4" },
	{ "{\"a\" 1}", 0, "':' expected near '1' at line 1, column 6" },
	{ "tru", 0, "invalid token near 'tru' at line 1, column 3" },
	{ "{} {}", 0, "end of file expected near '{' at line 1, column 4" },
	/* where: a later line; a column counts characters, not bytes */
	{ "{\n  \"a\": 1,\n  \"a\": 2\n}", 0,
	  "duplicate object key near '\"a\"' at line 3, column 5" },
	{ "[\"\xc3\xa9\", x]", 0, "invalid token near 'x' at line 1, column 7" },
	{ "[\n[\"\xc3\xa9\",\0]]", 10, "NUL byte at line 2, column 6" },
	/* what jansson quotes of the text is shown escaped: no ESC reaches
	 * a terminal */
	{ "\x1b[2J", 0, "invalid token near '\\x1B' at line 1, column 1" },
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

/* Nesting: 32 levels are read, the 33rd is refused where it opens, by
 * goneaway before jansson (whose own limit is 2048); brackets in a
 * string are text, and 100,000 of them open are refused at once. */
START_TEST(test_depth)
{
	size_t n = 100000;
	char *line = malloc(n), deep[80];
	struct ga_error err;
	struct ga_json *j;

	ck_assert_ptr_nonnull(line);
	memset(line, '[', 32);
	line[32] = '1';
	memset(line + 33, ']', 32);
	j = ga_json_parse(line, 65, &err);
	ck_assert_msg(j, "32 levels refused: %s", err.msg);
	ga_json_free(j);
	memset(line, '[', n);
	j = ga_json_parse(line, 65, &err);
	ck_assert_ptr_null(j);
	ck_assert_str_eq(err.msg, "nested too deep at line 1, column 33");
	j = ga_json_parse(line, n, &err);
	ck_assert_ptr_null(j);
	ck_assert_str_eq(err.msg, "nested too deep at line 1, column 33");
	snprintf(deep, sizeof(deep), "[\"%.40s\\\"]\"]", line);
	j = ga_json_parse(deep, strlen(deep), &err);
	ck_assert_msg(j, "'%s' refused: %s", deep, err.msg);
	ck_assert_uint_eq(j->nitems, 1);
	ck_assert_uint_eq(j->items[0].len, 42);
	ga_json_free(j);
	free(line);
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
	/* member 10001's ',' is byte 10000 * 13 (each is ,"kNNNNNNN":1),
	 * its column one more */
	snprintf(want, sizeof(want), "more than %d values at line 1, "
		 "column %d", GA_JSON_MAX_VALUES, GA_JSON_MAX_VALUES * 13 + 1);
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
	tcase_add_test(tc, test_utf8_char);
	tcase_add_test(tc, test_grow);
	tcase_add_loop_test(tc, test_bad, 0, N(bad));
	tcase_add_test(tc, test_keys_distinct);
	tcase_add_test(tc, test_write_reads_back);
	suite_add_tcase(s, tc);

	tc = tcase_create("bounds");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_depth);
	tcase_add_test(tc, test_many_members_refused);
	tcase_add_test(tc, test_memory_proportional);
	tcase_add_test(tc, test_items_bounded);
	tcase_add_test(tc, test_among);
	suite_add_tcase(s, tc);
	return s;
}
