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
#define ADD(name) srunner_add_suite(sr, make_##name##_suite());
#define ADD_NEEDS(name) srunner_add_suite(sr, make_##name##_suite(&needs));
	sr = srunner_create(NULL);
	GA_UNIT_SUITES(ADD, ADD_NEEDS)
#undef ADD
#undef ADD_NEEDS
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (unit_needs_report(&needs))
		failed++;
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
