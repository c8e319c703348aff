/* suites.h - one Suite constructor per test file, run by check_main.c,
 * one row each of GA_UNIT_SUITES.
 * Suites with test cases that need root take the run's struct unit_needs
 * and ask it before registering them (needs.h). */
#ifndef GA_TEST_SUITES_H
#define GA_TEST_SUITES_H

#include <check.h>

#include "needs.h"

/* The suites, in the order check_main.c runs them: S(NAME) is
 * make_NAME_suite(void), N(NAME) make_NAME_suite(struct unit_needs *),
 * for a suite with test cases that need root.  A new test file is its
 * row here. */
#define GA_UNIT_SUITES(S, N) \
	S(units) S(json) S(protocol) S(errnames) S(parse) S(parse_steps) \
	S(parse_pool) S(expand) S(expect) N(lab) S(report) S(results) \
	N(fault_firewall) N(fault_point) N(proxy) N(fault_qdisc) N(netem) \
	N(fault_stack) N(client) S(run) N(fsutil) N(spawn) N(rundir) \
	N(memcg) N(memfs) S(ownmark) S(template) S(machine) S(interrupt) S(linewatch) S(fault_args) S(rootfs) \
	S(docker) S(select) S(workers) S(matrix_html) S(allow) S(expectations) \
	S(record) S(bundle) S(trust) N(capture) S(session) S(reuse) S(torture) \
	S(schedule) S(plan) S(beneath) N(trustdir) S(infile) S(parse_scale) S(sqltok) S(sqlset) \
	S(serve_http) S(serve_api) S(serve_chain) S(serve_wire) S(serve_upadmin) \
	S(tables) S(golden) S(reply)

#define GA_UNIT_SUITE(name) Suite *make_##name##_suite(void);
#define GA_UNIT_NEEDS(name) Suite *make_##name##_suite(struct unit_needs *needs);
GA_UNIT_SUITES(GA_UNIT_SUITE, GA_UNIT_NEEDS)
#undef GA_UNIT_SUITE
#undef GA_UNIT_NEEDS

#endif
