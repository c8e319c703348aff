/* check_run.c - a repeated scenario's counts (run/repeat.c): every
 * distinct outcome is counted, however many there are, and the seen
 * lines judge the real counts. */
#include <stdlib.h>
#include <string.h>

#include "lang/parse.h"
#include "run/internal.h"
#include "suites.h"

START_TEST(test_tally_has_no_limit)
{
	struct ga_step step = { .line = 4, .kind = GA_STEP_QUERY };
	struct ga_scenario sc = { .steps = &step, .nsteps = 1 };
	struct ga_step_result sr;
	struct ga_case_result res;
	char spread[1024];
	unsigned codes[12] = { 1040, 1045, 1146, 1153, 1205, 1213, 1317,
			       1927, 2002, 2006, 2013, 2026 };
	size_t i;

	memset(&res, 0, sizeof(res));
	memset(&sr, 0, sizeof(sr));
	res.steps = &sr;
	res.nsteps = 1;
	for (i = 0; i < 12; i++) {
		memset(&sr.out, 0, sizeof(sr.out));
		sr.ran = true;
		sr.out.result = GA_RESULT_ERROR;
		sr.out.err = codes[i];
		ck_assert_int_eq(ga_tally_run(&res), 0);
		res.runs++;
	}
	/* once more the last one */
	ck_assert_int_eq(ga_tally_run(&res), 0);
	res.runs++;
	ck_assert_uint_eq(sr.ntally, 12);
	for (i = 0; i < 12; i++) {
		ck_assert_uint_eq(sr.tally[i].err, codes[i]);
		ck_assert_int_eq(sr.tally[i].count, i == 11 ? 2 : 1);
	}
	ga_step_spread(&sr, spread, sizeof(spread));
	ck_assert_msg(strncmp(spread, "2026 (CR_SSL_CONNECTION_ERROR) 2, ",
			      34) == 0 || strncmp(spread, "2026 ", 5) == 0,
		      "%s", spread);
	ck_assert_msg(strstr(spread, "1040 (ER_CON_COUNT_ERROR) 1") != NULL,
		      "%s", spread);

	/* the 9th outcome and later ones are counted as themselves */
	step.seen.line = 5;
	step.seen.set.codes[0] = 2006;
	step.seen.set.ncodes = 1;
	step.seen.cmp = GA_CMP_EQ;
	step.seen.count = 1;
	res.verdict = GA_VERDICT_PASS;
	ga_check_seen(&sc, &res);
	ck_assert_int_eq(res.verdict, GA_VERDICT_PASS);
	step.seen.set.codes[0] = 2026;
	step.seen.count = 2;
	ga_check_seen(&sc, &res);
	ck_assert_msg(res.verdict == GA_VERDICT_PASS, "%s", res.reason);
	step.seen.count = 3;
	ga_check_seen(&sc, &res);
	ck_assert_int_eq(res.verdict, GA_VERDICT_FAIL);
	ck_assert_msg(strstr(res.reason, "came up 2 times in 13 runs") != NULL,
		      "%s", res.reason);
	free(sr.tally);
}
END_TEST

/* A driver's errors without a number (errno 0) are told apart by their
 * class, in the counts and in the spread, and a seen line counts them. */
START_TEST(test_tally_keeps_driver_classes)
{
	struct ga_step step = { .line = 4, .kind = GA_STEP_QUERY };
	struct ga_scenario sc = { .steps = &step, .nsteps = 1 };
	struct ga_step_result sr;
	struct ga_case_result res;
	char spread[512];
	const char *classes[5] = { "PROTOCOL_SEQUENCE_TIMEOUT", "ECONNRESET",
				   "PROTOCOL_SEQUENCE_TIMEOUT", "", "ECONNRESET" };
	size_t i;

	memset(&res, 0, sizeof(res));
	memset(&sr, 0, sizeof(sr));
	res.steps = &sr;
	res.nsteps = 1;
	for (i = 0; i < 6; i++) {
		memset(&sr.out, 0, sizeof(sr.out));
		sr.ran = true;
		sr.out.result = i == 5 ? GA_RESULT_OK : GA_RESULT_ERROR;
		if (i < 5)
			snprintf(sr.out.error_class, sizeof(sr.out.error_class),
				 "%s", classes[i]);
		ck_assert_int_eq(ga_tally_run(&res), 0);
		res.runs++;
	}
	ck_assert_uint_eq(sr.ntally, 4);
	ga_step_spread(&sr, spread, sizeof(spread));
	ck_assert_str_eq(spread, "PROTOCOL_SEQUENCE_TIMEOUT 2, ECONNRESET 2, "
			 "0 1, ok 1");

	step.seen.line = 5;
	step.seen.set.nclasses = 1;
	snprintf(step.seen.set.classes[0], GA_CLASS_MAX, "ECONNRESET");
	step.seen.cmp = GA_CMP_EQ;
	step.seen.count = 2;
	res.verdict = GA_VERDICT_PASS;
	ga_check_seen(&sc, &res);
	ck_assert_msg(res.verdict == GA_VERDICT_PASS, "%s", res.reason);
	free(sr.tally);
}
END_TEST

/* Every row of the step table (lang/step.h) can be written and run. */
START_TEST(test_every_step_kind_is_handled)
{
	enum ga_step_kind k = (enum ga_step_kind)_i;

	ck_assert_msg(ga_parse_knows_step(k), "the parser has no handler for "
		      "'%s'", ga_step_kind_name(k));
	ck_assert_msg(ga_case_can_run(k), "the runner cannot run '%s'",
		      ga_step_kind_name(k));
	ck_assert_str_ne(ga_step_kind_name(k), "unknown");
}
END_TEST

Suite *make_run_suite(void)
{
	Suite *s = suite_create("run");
	TCase *tc = tcase_create("repeat");

	tcase_set_timeout(tc, 5);
	tcase_add_test(tc, test_tally_has_no_limit);
	tcase_add_test(tc, test_tally_keeps_driver_classes);
	suite_add_tcase(s, tc);

	tc = tcase_create("steps");
	tcase_add_loop_test(tc, test_every_step_kind_is_handled, 0,
			    GA_STEP_KIND_COUNT);
	suite_add_tcase(s, tc);
	return s;
}
