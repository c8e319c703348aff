/* check_sqltok.c - SQL cut into tokens as MySQL 9.7 and MariaDB 11.8 cut
 * it (lang/sqltok.c), each case one the servers were seen to read so:
 * strings, quoted names and their sql_modes, comments, version comments
 * and the readings they make, and what no reading handles. */
#include <stdio.h>
#include <string.h>

#include "lang/sqltok.h"
#include "suites.h"

#define ANSI GA_SQLMODE_ANSI_QUOTES
#define NBE GA_SQLMODE_NO_BACKSLASH_ESCAPES
#define MSSQL GA_SQLMODE_MSSQL

/* sql's tokens under mode and choices, one a word, into out: a word as
 * it is, a name as `content`, a string as 'content', a punctuation byte
 * as it is, a refusal as "REFUSED". */
static const char *tokens(const char *sql, unsigned mode, uint32_t choices,
			  char *out, size_t len)
{
	struct ga_sqllex lx;
	struct ga_sqltok t;
	char text[256];
	size_t n, used = 0;

	out[0] = '\0';
	ga_sqllex_init(&lx, sql, strlen(sql), mode, choices);
	while (ga_sqllex_next(&lx, &t) != GA_SQLTOK_END && used < len) {
		switch (t.kind) {
		case GA_SQLTOK_NAME:
		case GA_SQLTOK_STRING:
			ck_assert_uint_lt(t.len, sizeof(text));
			n = ga_sqltok_text(&lx, &t, text);
			used += (size_t)snprintf(out + used, len - used, "%s%c%.*s%c",
						 used ? " " : "",
						 t.kind == GA_SQLTOK_NAME ? '`' :
						 '\'', (int)n, text,
						 t.kind == GA_SQLTOK_NAME ? '`' :
						 '\'');
			break;
		case GA_SQLTOK_REFUSED:
			used += (size_t)snprintf(out + used, len - used,
						 "%sREFUSED", used ? " " : "");
			break;
		default:
			used += (size_t)snprintf(out + used, len - used, "%s%.*s",
						 used ? " " : "", (int)t.len, t.s);
		}
	}
	return out;
}

static const struct {
	const char *sql;
	unsigned mode;
	uint32_t choices;
	const char *tokens;
} cases[] = {
	/* a backtick separates; a doubled one is one */
	{ "SET`autocommit`=1,GLOBAL general_log_file='x'", 0, 0,
	  "SET `autocommit` = 1 , GLOBAL general_log_file = 'x'" },
	{ "EXECUTE IMMEDIATE`concat`('a')", 0, 0,
	  "EXECUTE IMMEDIATE `concat` ( 'a' )" },
	{ "`a``b`c", 0, 0, "`a`b` c" },
	/* strings: doubled quotes, escapes, side by side */
	{ "'it''s' 'a\\'b' \"q\"\"r\"", 0, 0, "'it's' 'a'b' 'q\"r'" },
	{ "'a\\' 'b'", NBE, 0, "'a\\' 'b'" },
	{ "'a\\' 'b'", 0, 0, "'a' ' b ''" },
	{ "\"x\" 'y'", ANSI, 0, "`x` 'y'" },
	{ "\"a\\\" \"b\"", ANSI, 0, "`a\\` `b`" },
	{ "[a]]b] [c'] 'd'", MSSQL, 0, "`a]b` `c'` 'd'" },
	{ "[a]", 0, 0, "[ a ]" },
	{ "N'x' _utf8mb4'y' x'41'", 0, 0, "N 'x' _utf8mb4 'y' x '41'" },
	{ "'unclosed", 0, 0, "'unclosed'" },
	/* words: letters, digits, '_'; everything else a byte */
	{ "@@global . x := 1.5e3", 0, 0, "@ @ global . x : = 1 . 5e3" },
	/* comments */
	{ "a -- b\nc #d\ne /* f */ g --1 h --\t2\ni --", 0, 0,
	  "a c e g - - 1 h i" },
	{ "a /*+ hint */ b /* '*/ c", 0, 0, "a b c" },
	/* version comments: SQL always, or by the reading's choice */
	{ "/*! a */ b", 0, 0, "a b" },
	{ "/*!1234 a */ b", 0, 0, "1234 a b" },
	{ "/*!50000 a */ b", 0, 0, "b" },
	{ "/*!50000 a */ b", 0, 1, "a b" },
	{ "/*!50000a*/ b", 0, 1, "a b" },
	{ "/*!100000 a */ b", 0, 1, "a b" },
	{ "/*M! a */ b", 0, 0, "b" },
	{ "/*M! a */ b", 0, 1, "a b" },
	{ "/*M!1000001 a */", 0, 1, "1 a" },
	{ "/*m! a */ b", 0, 1, "b" },
	{ "/*!50000 x */ /*!50000 y */", 0, 2, "y" },
	{ "/*!50000 '*/' */ x", 0, 1, "'*/' x" },
	{ "/*!50000 '*/' */ x", 0, 0, "' */ x'" },
	{ "/*! 1 # */\n 2 */ 3", 0, 0, "1 2 3" },
	{ "/*! 1 /* c */ 2 */ 3", 0, 0, "1 2 3" },
	{ "/*!99999 /* nested */ x */ y", 0, 0, "y" },
	{ "/*!99999 /* nested */ x */ y", 0, 1, "x y" },
	{ "/*M!100000 /* nested */ x */ y", 0, 0, "REFUSED" },
	/* what no reading handles */
	{ "/*!100000a*/", 0, 0, "REFUSED" },
	{ "/*!1000000 a */", 0, 0, "REFUSED" },
	{ "/*! /*! a */ */", 0, 0, "REFUSED" },
	{ "a $$ b", 0, 0, "a REFUSED" },
	{ "caf\xc3\xa9", 0, 0, "caf REFUSED" },
	{ "'caf\xc3\xa9' `\xc3\xa9` /* \xc3\xa9 */", 0, 0,
	  "'caf\xc3\xa9' `\xc3\xa9`" },
};

START_TEST(test_tokens)
{
	char out[512];

	ck_assert_str_eq(tokens(cases[_i].sql, cases[_i].mode,
				cases[_i].choices, out, sizeof(out)),
			 cases[_i].tokens);
}
END_TEST

START_TEST(test_text)
{
	static const char sql[] = "'a\\nb\\%\\_\\Z\\0c\\q' `x``y` 'p''q'";
	struct ga_sqllex lx;
	struct ga_sqltok t;
	char out[64];
	size_t n;

	ga_sqllex_init(&lx, sql, sizeof(sql) - 1, 0, 0);
	ck_assert_int_eq(ga_sqllex_next(&lx, &t), GA_SQLTOK_STRING);
	n = ga_sqltok_text(&lx, &t, out);
	ck_assert_uint_eq(n, 11);
	ck_assert_int_eq(memcmp(out, "a\nb\\%\\_\032\0cq", n), 0);
	ck_assert_int_eq(ga_sqllex_next(&lx, &t), GA_SQLTOK_NAME);
	n = ga_sqltok_text(&lx, &t, out);
	ck_assert_int_eq(memcmp(out, "x`y", n), 0);
	ck_assert_int_eq(ga_sqllex_next(&lx, &t), GA_SQLTOK_STRING);
	n = ga_sqltok_text(&lx, &t, out);
	ck_assert_int_eq(memcmp(out, "p'q", n), 0);
	ck_assert_int_eq(ga_sqllex_next(&lx, &t), GA_SQLTOK_END);
	ck_assert_int_eq(ga_sqllex_next(&lx, &t), GA_SQLTOK_END);
	ck_assert(ga_sqltok_is(&(struct ga_sqltok){ GA_SQLTOK_WORD, "sEt", 3 },
			       "SET"));
	ck_assert(!ga_sqltok_is(&(struct ga_sqltok){ GA_SQLTOK_NAME, "set",
						     3 }, "set"));
}
END_TEST

/* Counts the readings, and the modes and choices each had. */
struct count {
	unsigned n;
	unsigned modes;                 /* OR of the modes seen */
	const char *refuse_at;          /* refuse the reading with... */
	unsigned refuse_mode;           /* ... this mode */
};

static const char *count_reading(struct ga_sqllex *lx, void *arg)
{
	struct count *c = arg;

	c->n++;
	c->modes |= lx->mode;
	if (c->refuse_at && lx->mode == c->refuse_mode)
		return c->refuse_at;
	return NULL;
}

/* Each sql_mode that changes a text's tokens, each version comment's
 * two ways, each comment met only where the reading meets it. */
START_TEST(test_readings)
{
	static const struct {
		const char *sql;
		unsigned readings, modes;
	} texts[] = {
		{ "SELECT 1", 1, 0 },
		{ "SELECT \"1\"", 2, ANSI },
		{ "SELECT \"1\\\" [x]", 8, ANSI | NBE | MSSQL },
		{ "SELECT /*! 1 */", 1, 0 },
		{ "SELECT /*!50000 1 */ /*M! 2 */", 4, 0 },
		/* SQL, the second is in the first's string: 1 reading; a
		 * comment, the second is met: 2 */
		{ "/*!50000 '*/ /*!50000 x */ '*/", 3, 0 },
		{ "/*!50000 \"*/ /*!50000 x */ \"*/", 6, ANSI },
	};
	struct count c;
	char nine[9 * 11 + 1] = "";
	size_t i, work;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		memset(&c, 0, sizeof(c));
		ck_assert_ptr_null(ga_sql_readings(texts[i].sql,
						   strlen(texts[i].sql),
						   count_reading, &c, NULL));
		ck_assert_msg(c.n == texts[i].readings && c.modes ==
			      texts[i].modes, "%s: %u readings, modes %u",
			      texts[i].sql, c.n, c.modes);
	}
	/* one reading refused: the text is */
	memset(&c, 0, sizeof(c));
	c.refuse_at = "no";
	c.refuse_mode = NBE;
	ck_assert_str_eq(ga_sql_readings("'\\'", 3, count_reading, &c, NULL),
			 "no");
	/* a refused token refuses the text, though read() let it be */
	memset(&c, 0, sizeof(c));
	ck_assert_ptr_nonnull(strstr(ga_sql_readings("a $ b", 5,
						     count_reading, &c, NULL),
				     "a '$' outside quotes"));
	/* eight version comments: 256 readings; nine: too many */
	for (i = 0; i < 9; i++)
		strcat(nine, "/*!50000 */");
	memset(&c, 0, sizeof(c));
	ck_assert_ptr_null(ga_sql_readings(nine, 8 * 11, count_reading, &c,
					   NULL));
	ck_assert_uint_eq(c.n, 256);
	ck_assert_ptr_nonnull(strstr(ga_sql_readings(nine, 9 * 11,
						     count_reading, &c, NULL),
				     "more than 8 version comments"));
	/* a byte above 0x7F before a backslash, a backtick or a ']' */
	ck_assert_ptr_nonnull(ga_sql_readings("'\xbf\\' x", 6, count_reading,
					      &c, NULL));
	ck_assert_ptr_nonnull(ga_sql_readings("`\xbf``", 4, count_reading,
					      &c, NULL));
	ck_assert_ptr_nonnull(ga_sql_readings("[\xbf]", 3, count_reading, &c,
					      NULL));
	/* the bound on the bytes read, shared: two readings of 3 bytes
	 * count 6; near the bound, a text is refused before it is read */
	work = 0;
	ck_assert_ptr_null(ga_sql_readings("\"x\"", 3, count_reading, &c,
					   &work));
	ck_assert_uint_eq(work, 6);
	work = GA_SQLTOK_WORK_MAX - 5;
	memset(&c, 0, sizeof(c));
	ck_assert_ptr_nonnull(strstr(ga_sql_readings("\"x\"", 3,
						     count_reading, &c, &work),
				     "GA_SQLTOK_WORK_MAX"));
	ck_assert_uint_eq(c.n, 1);
}
END_TEST

Suite *make_sqltok_suite(void)
{
	Suite *s = suite_create("sqltok");
	TCase *tc = tcase_create("readings");

	tcase_add_loop_test(tc, test_tokens, 0,
			    (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_text);
	tcase_add_test(tc, test_readings);
	suite_add_tcase(s, tc);
	return s;
}
