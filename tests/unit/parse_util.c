/* parse_util.c - see parse_util.h */
#include "parse_util.h"

#include <check.h>
#include <stdio.h>
#include <string.h>

#include "lang/parse.h"

struct ga_scenario *parse_ok(const char *text)
{
	struct ga_diags d = { 0 };
	struct ga_scenario *sc = NULL;
	int rc;

	rc = ga_parse_text("dir/ok.gw", text, &sc, &d);
	if (rc != 0)
		ga_diags_print(&d, stderr);
	ck_assert_int_eq(rc, 0);
	ck_assert_uint_eq(d.n, 0);
	ck_assert_ptr_nonnull(sc);
	ga_diags_free(&d);
	return sc;
}

void parse_bad(const char *text, struct ga_diags *d)
{
	struct ga_scenario *sc = (struct ga_scenario *)&sc;
	int rc;

	rc = ga_parse_text("bad.gw", text, &sc, d);
	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_null(sc);
	ck_assert_uint_ge(d->n, 1);
}

void assert_diag(const struct ga_diags *d, size_t i, int line, int col,
		 const char *substring)
{
	ck_assert_uint_gt(d->n, i);
	ck_assert_msg(strstr(d->items[i].msg, substring) != NULL,
		      "diagnostic %zu is '%s', expected it to contain '%s'",
		      i, d->items[i].msg, substring);
	ck_assert_msg(d->items[i].line == line && d->items[i].col == col,
		      "diagnostic '%s' is at %d:%d, expected %d:%d",
		      d->items[i].msg, d->items[i].line, d->items[i].col,
		      line, col);
	ck_assert_str_eq(d->items[i].path, "bad.gw");
}

void parse_bad_one(const char *text, int line, int col, const char *substring)
{
	struct ga_diags d = { 0 };

	parse_bad(text, &d);
	if (d.n != 1)
		ga_diags_print(&d, stderr);
	ck_assert_uint_eq(d.n, 1);
	assert_diag(&d, 0, line, col, substring);
	ga_diags_free(&d);
}
