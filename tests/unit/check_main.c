/* check_main.c - runs every unit-test suite (libnl's check-all.c style).
 *
 * Some test cases need root (network and mount namespaces, nftables,
 * qdiscs, chown).  Without root they are not registered at all: Check
 * would count a test that returns early as passed.  Each one left out is named on stdout
 * before the run ("SKIP lab/traffic: needs root (network namespaces)")
 * and counted after Check's summary ("SKIPPED: 9 test cases need root
 * ..."); Check's "Checks:" count is only what really ran.
 *
 * GA_UNIT_REQUIRE_ROOT=1 turns that skip into a failure: the lines say
 * FAIL and the exit status is non-zero, so a run that was meant to test
 * everything cannot come out green without root.  "make check" sets it
 * (CI runs "make check" as root); "make unit" and running this binary by
 * hand do not, so a developer without root gets the tests that can run,
 * and a visible list of those that did not.
 *
 * CK_RUN_SUITE, CK_RUN_CASE and CK_VERBOSITY work as in Check; a test
 * case they do not select is not reported as skipped.
 */
#include <stdio.h>
#include <stdlib.h>

#include "faults/fault.h"
#include "lang/proxynames.h"
#include "proxy/proxy.h"
#include "needs.h"
#include "suites.h"

int main(void)
{
	struct unit_needs needs;
	SRunner *sr;
	int failed;

	ga_fault_kinds_use(ga_fault_table());
	ga_proxy_names_use(ga_proxy_kind_names());
	unit_needs_init(&needs, stdout);
	sr = srunner_create(make_units_suite());
	srunner_add_suite(sr, make_json_suite());
	srunner_add_suite(sr, make_protocol_suite());
	srunner_add_suite(sr, make_errnames_suite());
	srunner_add_suite(sr, make_parse_suite());
	srunner_add_suite(sr, make_parse_steps_suite());
	srunner_add_suite(sr, make_expand_suite());
	srunner_add_suite(sr, make_expect_suite());
	srunner_add_suite(sr, make_lab_suite(&needs));
	srunner_add_suite(sr, make_report_suite());
	srunner_add_suite(sr, make_results_suite());
	srunner_add_suite(sr, make_fault_firewall_suite(&needs));
	srunner_add_suite(sr, make_fault_point_suite(&needs));
	srunner_add_suite(sr, make_proxy_suite(&needs));
	srunner_add_suite(sr, make_fault_qdisc_suite(&needs));
	srunner_add_suite(sr, make_netem_suite(&needs));
	srunner_add_suite(sr, make_fault_stack_suite(&needs));
	srunner_add_suite(sr, make_client_suite(&needs));
	srunner_add_suite(sr, make_run_suite());
	srunner_add_suite(sr, make_fsutil_suite(&needs));
	srunner_add_suite(sr, make_spawn_suite(&needs));
	srunner_add_suite(sr, make_rundir_suite(&needs));
	srunner_add_suite(sr, make_ownmark_suite());
	srunner_add_suite(sr, make_template_suite());
	srunner_add_suite(sr, make_machine_suite());
	srunner_add_suite(sr, make_fault_args_suite());
	srunner_add_suite(sr, make_rootfs_suite());
	srunner_add_suite(sr, make_docker_suite());
	srunner_add_suite(sr, make_select_suite());
	srunner_add_suite(sr, make_pool_suite());
	srunner_add_suite(sr, make_matrix_html_suite());
	srunner_add_suite(sr, make_allow_suite());
	srunner_add_suite(sr, make_expectations_suite());
	srunner_add_suite(sr, make_record_suite());
	srunner_add_suite(sr, make_bundle_suite());
	srunner_add_suite(sr, make_trust_suite());
	srunner_add_suite(sr, make_capture_suite(&needs));
	srunner_add_suite(sr, make_session_suite());
	srunner_add_suite(sr, make_reuse_suite());
	srunner_add_suite(sr, make_schedule_suite());
	srunner_add_suite(sr, make_plan_suite());
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (unit_needs_report(&needs))
		failed++;
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
