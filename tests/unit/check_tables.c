/* check_tables.c - the one list of each kind: every row of the tables
 * that everything else reads (the fault kinds, faults/fault.h; the
 * server backends, server/internal.h) carries what its readers take
 * from it, so that adding a row is all a new kind needs.  (The outputs:
 * check_plan.c; the proxies: check_proxy.c.) */
#include <check.h>
#include <string.h>

#include "faults/fault.h"
#include "lang/faultkind.h"
#include "server/backends.h"
#include "suites.h"

/* What the parser, the revert stack and doctor read of a fault kind;
 * the parser knows every kind of the table, by its name. */
START_TEST(test_fault_kinds)
{
	const struct ga_fault_kind *const *k = ga_fault_table();
	size_t i, j;

	ck_assert_ptr_nonnull(k[0]);
	for (i = 0; k[i]; i++) {
		ck_assert_msg(k[i]->name && k[i]->name[0], "row %zu", i);
		ck_assert_msg(k[i]->usage && k[i]->parse && k[i]->validate &&
			      k[i]->describe && k[i]->free_spec, "%s",
			      k[i]->name);
		ck_assert_msg(k[i]->ops && k[i]->ops->apply &&
			      k[i]->ops->revert && k[i]->ops->probe &&
			      k[i]->ops->probe_name && k[i]->ops->probe_ok,
			      "%s: its ops", k[i]->name);
		ck_assert_ptr_eq(ga_fault_kind_find(k[i]->name), k[i]);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(k[j]->name, k[i]->name);
	}
}
END_TEST

/* What --server, --help, doctor and sweep read of a backend. */
START_TEST(test_server_backends)
{
	const struct ga_server_backend_ops *const *b = ga_server_backends();
	size_t i, j;

	ck_assert_ptr_nonnull(b[0]);
	ck_assert_str_eq(b[0]->name, "local");  /* --server's default */
	for (i = 0; b[i]; i++) {
		ck_assert_msg(b[i]->name && b[i]->prefix && b[i]->usage &&
			      b[i]->help && b[i]->help[0], "row %zu", i);
		ck_assert_msg(!b[i]->parse_name == !b[i]->names_usage &&
			      !b[i]->names_usage == !b[i]->names_help,
			      "%s: names it knows without their words",
			      b[i]->name);
		ck_assert_msg(b[i]->prepare && b[i]->create && b[i]->own_netns &&
			      b[i]->spawn && b[i]->reap, "%s", b[i]->name);
		ck_assert_ptr_eq(ga_server_backend_find(b[i]->name), b[i]);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(b[j]->prefix, b[i]->prefix);
	}
}
END_TEST

Suite *make_tables_suite(void)
{
	Suite *s = suite_create("tables");
	TCase *tc = tcase_create("tables");

	tcase_add_test(tc, test_fault_kinds);
	tcase_add_test(tc, test_server_backends);
	suite_add_tcase(s, tc);
	return s;
}
