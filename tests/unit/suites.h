/* suites.h - one Suite constructor per test file, run by check_main.c.
 * Suites with test cases that need root take the run's struct unit_needs
 * and ask it before registering them (needs.h). */
#ifndef GA_TEST_SUITES_H
#define GA_TEST_SUITES_H

#include <check.h>

#include "needs.h"

Suite *make_errnames_suite(void);
Suite *make_parse_suite(void);
Suite *make_parse_steps_suite(void);
Suite *make_expand_suite(void);
Suite *make_expect_suite(void);
Suite *make_lab_suite(struct unit_needs *needs);
Suite *make_report_suite(void);
Suite *make_results_suite(void);
Suite *make_fault_firewall_suite(struct unit_needs *needs);
Suite *make_fault_point_suite(struct unit_needs *needs);
Suite *make_proxy_suite(struct unit_needs *needs);
Suite *make_fault_qdisc_suite(struct unit_needs *needs);
Suite *make_netem_suite(struct unit_needs *needs);
Suite *make_fault_stack_suite(struct unit_needs *needs);
Suite *make_client_suite(struct unit_needs *needs);
Suite *make_run_suite(void);
Suite *make_fsutil_suite(struct unit_needs *needs);
Suite *make_spawn_suite(struct unit_needs *needs);
Suite *make_rundir_suite(struct unit_needs *needs);
Suite *make_ownmark_suite(void);
Suite *make_template_suite(void);
Suite *make_units_suite(void);
Suite *make_json_suite(void);
Suite *make_protocol_suite(void);
Suite *make_fault_args_suite(void);
Suite *make_rootfs_suite(void);
Suite *make_docker_suite(void);
Suite *make_select_suite(void);
Suite *make_pool_suite(void);
Suite *make_matrix_html_suite(void);
Suite *make_allow_suite(void);
Suite *make_expectations_suite(void);
Suite *make_record_suite(void);
Suite *make_bundle_suite(void);
Suite *make_capture_suite(struct unit_needs *needs);
Suite *make_session_suite(void);
Suite *make_trust_suite(void);
Suite *make_reuse_suite(void);
Suite *make_machine_suite(void);
Suite *make_schedule_suite(void);
Suite *make_plan_suite(void);

#endif
