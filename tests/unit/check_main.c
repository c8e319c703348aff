/* check_main.c - runs every unit-test suite (libnl's check-all.c style). */
#include <stdlib.h>

#include "suites.h"

int main(void)
{
	SRunner *sr;
	int failed;

	sr = srunner_create(make_duration_suite());
	srunner_add_suite(sr, make_errnames_suite());
	srunner_add_suite(sr, make_parse_suite());
	srunner_add_suite(sr, make_parse_steps_suite());
	srunner_add_suite(sr, make_expand_suite());
	srunner_add_suite(sr, make_expect_suite());
	srunner_add_suite(sr, make_lab_suite());
	srunner_add_suite(sr, make_report_suite());
	srunner_add_suite(sr, make_fault_firewall_suite());
	srunner_add_suite(sr, make_fault_qdisc_suite());
	srunner_add_suite(sr, make_fault_stack_suite());
	srunner_add_suite(sr, make_client_suite());
	srunner_add_suite(sr, make_run_suite());
	srunner_add_suite(sr, make_fsutil_suite());
	srunner_add_suite(sr, make_spawn_suite());
	srunner_add_suite(sr, make_rundir_suite());
	srunner_add_suite(sr, make_template_suite());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
