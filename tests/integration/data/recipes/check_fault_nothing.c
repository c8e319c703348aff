/* check_fault_nothing.c - the unit test of t0006-recipes' fault kind. */
#include <check.h>

#include "faults/fault.h"
#include "lang/faultkind.h"
#include "suites.h"

START_TEST(test_nothing)
{
	const struct ga_fault_kind *k = ga_fault_kind_find("nothing");
	struct ga_fault_diag diag;
	void *spec;

	ck_assert_ptr_eq(k, &ga_fault_nothing);
	ck_assert_int_eq(k->parse("", &spec, &diag), 0);
	ck_assert_int_eq(k->parse("now", &spec, &diag), -1);
}
END_TEST

Suite *make_fault_nothing_suite(void)
{
	Suite *s = suite_create("fault_nothing");
	TCase *tc = tcase_create("nothing");

	tcase_add_test(tc, test_nothing);
	suite_add_tcase(s, tc);
	return s;
}
