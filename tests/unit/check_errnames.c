/* check_errnames.c - the error-name table generated from the installed
 * errmsg.h and mysqld_error.h, and its two lookups. */
#include <stdbool.h>
#include <string.h>

/* The headers the table is generated from, for a compile-time cross-check. */
#include <errmsg.h>
#include <mysqld_error.h>

#include "lang/errnames.h"
#include "suites.h"

#define SENTINEL 0xdeadbeefu

struct known {
	const char *name;
	unsigned code;
};

/* Numbers typed by hand, as documented by MySQL and MariaDB. */
static const struct known by_hand[] = {
	{ "CR_SERVER_LOST", 2013 },
	{ "CR_SERVER_GONE_ERROR", 2006 },
	{ "ER_NET_PACKET_TOO_LARGE", 1153 },
	{ "ER_CONNECTION_KILLED", 1927 },
	{ "CR_NET_PACKET_TOO_LARGE", 2020 },
	{ "ER_CON_COUNT_ERROR", 1040 },
	{ "CR_UNKNOWN_ERROR", 2000 },
	{ "CR_CONN_HOST_ERROR", 2003 },
	{ "ER_QUERY_INTERRUPTED", 1317 },
	{ "ER_ACCESS_DENIED_ERROR", 1045 },
};

/* The same names against the macros of the headers themselves. */
static const struct known from_header[] = {
	{ "CR_SERVER_LOST", CR_SERVER_LOST },
	{ "CR_SERVER_GONE_ERROR", CR_SERVER_GONE_ERROR },
	{ "CR_NET_PACKET_TOO_LARGE", CR_NET_PACKET_TOO_LARGE },
	{ "CR_CONNECTION_ERROR", CR_CONNECTION_ERROR },
	{ "CR_CONN_HOST_ERROR", CR_CONN_HOST_ERROR },
	{ "CR_COMMANDS_OUT_OF_SYNC", CR_COMMANDS_OUT_OF_SYNC },
	{ "CR_SERVER_LOST_EXTENDED", CR_SERVER_LOST_EXTENDED },
	{ "ER_NET_PACKET_TOO_LARGE", ER_NET_PACKET_TOO_LARGE },
	{ "ER_CONNECTION_KILLED", ER_CONNECTION_KILLED },
	{ "ER_CON_COUNT_ERROR", ER_CON_COUNT_ERROR },
	{ "ER_NET_READ_INTERRUPTED", ER_NET_READ_INTERRUPTED },
	{ "ER_NET_WRITE_INTERRUPTED", ER_NET_WRITE_INTERRUPTED },
	{ "ER_QUERY_INTERRUPTED", ER_QUERY_INTERRUPTED },
	{ "ER_SERVER_SHUTDOWN", ER_SERVER_SHUTDOWN },
};

/* Names the headers define that are not errors, or not names at all. */
static const char *const not_in_table[] = {
	"CR_MIN_ERROR",
	"CR_MAX_ERROR",
	"ER_ERROR_FIRST",
	"ER_ERROR_LAST",
	"ER_ERROR_FIRST_SECTION_2",
	"ER_ERROR_LAST_SECTION_1",
	"CR_MYSQL_LAST_ERROR",          /* defined as another name */
	"CR_MARIADB_LAST_ERROR",
	"ER_UNKNOWN_ERROR_CODE",        /* defined as a string */
	"CR_NO_SUCH_ERROR",
	"",
	"cr_server_lost",               /* names are case-sensitive */
	"CR_SERVER_LOST ",
	"CR_SERVER",
	"2013",
};

/* code -> the first name the headers give it */
static const struct known by_code[] = {
	{ "CR_SERVER_LOST", 2013 },
	{ "CR_SERVER_GONE_ERROR", 2006 },
	{ "ER_CONNECTION_KILLED", 1927 },
	{ "ER_NET_PACKET_TOO_LARGE", 1153 },
	{ "CR_UNKNOWN_ERROR", 2000 },   /* not CR_MIN_ERROR nor a section marker */
	{ "ER_HASHCHK", 1000 },         /* not ER_ERROR_FIRST */
};

static const unsigned unknown_codes[] = { 0, 1, 999, 1999, 2999, 99999, 4294967295u };

START_TEST(test_code_by_hand)
{
	const struct known *k = &by_hand[_i];
	unsigned code = SENTINEL;

	ck_assert_msg(ga_errname_code(k->name, &code) == 0, "%s not found",
		      k->name);
	ck_assert_uint_eq(code, k->code);
}
END_TEST

START_TEST(test_code_from_header)
{
	const struct known *k = &from_header[_i];
	unsigned code = SENTINEL;

	ck_assert_msg(ga_errname_code(k->name, &code) == 0, "%s not found",
		      k->name);
	ck_assert_msg(code == k->code, "%s: table says %u, header says %u",
		      k->name, code, k->code);
}
END_TEST

START_TEST(test_not_in_table)
{
	const char *name = not_in_table[_i];
	unsigned code = SENTINEL;
	size_t i;

	ck_assert_msg(ga_errname_code(name, &code) == -1,
		      "\"%s\" was found as %u", name, code);
	ck_assert_uint_eq(code, SENTINEL);
	for (i = 0; i < ga_nerrnames; i++)
		ck_assert_msg(strcmp(ga_errnames[i].name, name) != 0,
			      "row %zu is \"%s\"", i, name);
}
END_TEST

START_TEST(test_name_by_code)
{
	const struct known *k = &by_code[_i];
	const char *name = ga_errname_name(k->code);

	ck_assert_ptr_nonnull(name);
	ck_assert_str_eq(name, k->name);
}
END_TEST

START_TEST(test_name_unknown_code)
{
	ck_assert_ptr_null(ga_errname_name(unknown_codes[_i]));
}
END_TEST

START_TEST(test_table_size)
{
	ck_assert_msg(ga_nerrnames > 1000, "only %zu rows", ga_nerrnames);
	/* CR_* rows come first (errmsg.h, then mysqld_error.h) */
	ck_assert_str_eq(ga_errnames[0].name, "CR_UNKNOWN_ERROR");
	ck_assert_uint_eq(ga_errnames[0].code, 2000);
}
END_TEST

/* Every row is a well-formed name, no range marker, and round-trips. */
START_TEST(test_every_row_round_trips)
{
	size_t i;

	for (i = 0; i < ga_nerrnames; i++) {
		const struct ga_errname *e = &ga_errnames[i];
		const char *back;
		unsigned code = SENTINEL;

		ck_assert_ptr_nonnull(e->name);
		ck_assert_msg(strncmp(e->name, "CR_", 3) == 0 ||
			      strncmp(e->name, "ER_", 3) == 0,
			      "row %zu: \"%s\"", i, e->name);
		ck_assert_msg(strncmp(e->name, "ER_ERROR_FIRST", 14) != 0 &&
			      strncmp(e->name, "ER_ERROR_LAST", 13) != 0 &&
			      strcmp(e->name, "CR_MIN_ERROR") != 0 &&
			      strcmp(e->name, "CR_MAX_ERROR") != 0,
			      "row %zu: range marker %s", i, e->name);
		ck_assert_msg(e->code >= 1000 && e->code < 10000,
			      "row %zu: %s = %u", i, e->name, e->code);
		ck_assert_msg(ga_errname_code(e->name, &code) == 0 &&
			      code == e->code, "row %zu: %s = %u looked up as %u",
			      i, e->name, e->code, code);
		back = ga_errname_name(e->code);
		ck_assert_ptr_nonnull(back);
		ck_assert_msg(ga_errname_code(back, &code) == 0 &&
			      code == e->code, "row %zu: %u named %s (%u)",
			      i, e->code, back, code);
	}
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *make_errnames_suite(void)
{
	Suite *s = suite_create("errnames");
	TCase *tc;

	tc = tcase_create("name_to_code");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_code_by_hand, 0, N(by_hand));
	tcase_add_loop_test(tc, test_code_from_header, 0, N(from_header));
	tcase_add_loop_test(tc, test_not_in_table, 0, N(not_in_table));
	suite_add_tcase(s, tc);

	tc = tcase_create("code_to_name");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_name_by_code, 0, N(by_code));
	tcase_add_loop_test(tc, test_name_unknown_code, 0, N(unknown_codes));
	suite_add_tcase(s, tc);

	tc = tcase_create("table");
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_table_size);
	tcase_add_test(tc, test_every_row_round_trips);
	suite_add_tcase(s, tc);
	return s;
}
