/* check_workers.c - what -j builds on: a case result survives the trip from
 * a worker to its parent whole, a broken one is refused, and runs folded
 * in order give the verdict a run one after another would. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run/expect.h"
#include "run/internal.h"
#include "plan/jobs_wire.h"
#include "suites.h"

/* A scenario of two queries, the second with two expect lines. */
struct two_steps {
	struct ga_expect expects[2];
	struct ga_step steps[2];
	struct ga_scenario sc;
};

static void two_steps_init(struct two_steps *t)
{
	memset(t, 0, sizeof(*t));
	t->steps[0].line = 3;
	t->steps[0].kind = GA_STEP_QUERY;
	t->steps[1].line = 5;
	t->steps[1].kind = GA_STEP_QUERY;
	t->steps[1].expects = t->expects;
	t->steps[1].nexpects = 2;
	t->sc.steps = t->steps;
	t->sc.nsteps = 2;
	t->sc.repeat = 3;
	t->sc.path = (char *)"scenarios/two.gw";
	t->sc.label = (char *)"two";
}

/* One run's result: step 1 ok, step 2 err (0: ok). */
static void one_run(struct two_steps *t, struct ga_case_result *res,
		    unsigned err, enum ga_verdict v)
{
	memset(res, 0, sizeof(*res));
	res->steps = calloc(2, sizeof(*res->steps));
	ck_assert_ptr_nonnull(res->steps);
	res->nsteps = 2;
	res->repeat = 3;
	res->steps[0].ran = res->steps[1].ran = true;
	res->steps[0].expect = ga_expect_implicit();
	res->steps[1].expect = &t->expects[1];
	res->steps[1].out.result = err ? GA_RESULT_ERROR : GA_RESULT_OK;
	res->steps[1].out.err = err;
	res->steps[1].out.api = "mysql_real_query";
	snprintf(res->steps[1].out.message, sizeof(res->steps[1].out.message),
		 "Lost connection");
	res->verdict = v;
	if (v != GA_VERDICT_PASS)
		snprintf(res->reason, sizeof(res->reason), "expected ok");
	res->line = v != GA_VERDICT_PASS ? 5 : 0;
	res->wall_ms = 100;
	snprintf(res->server_version, sizeof(res->server_version), "10.11");
	res->runs = 1;
	ck_assert_int_eq(ga_tally_run(res), 0);
}

START_TEST(test_wire_round_trip)
{
	struct ga_driver names;
	char api[] = "a call name in the worker's memory";
	struct two_steps t;
	struct ga_case_result in, out;
	struct ga_error err;
	uint64_t id = 0;
	int fd[2];

	two_steps_init(&t);
	one_run(&t, &in, 2013, GA_VERDICT_FAIL);
	in.steps[0].out.api = api;
	/* what results.jsonl leaves out and a worker's parent needs */
	in.steps[1].tally[0].max_ms = 12.5;
	in.first_bad = 1;
	in.run_verdicts[GA_VERDICT_FAIL] = 1;
	snprintf(in.bad_runs, sizeof(in.bad_runs), "1");
	in.kept_key = 0xfedcba9876543210ull;
	in.kept_drivers = 3;
	in.skip = GA_SKIP_DRIVER;
	snprintf(in.results, sizeof(in.results), "/tmp/o/two");
	memset(&names, 0, sizeof(names));
	ck_assert_int_eq(pipe(fd), 0);
	ck_assert_int_eq(ga_workers_send(fd[1], 42, &t.sc, &in, &err), 0);
	close(fd[1]);
	ck_assert_int_eq(ga_workers_recv(fd[0], &t.sc, &names, 1000, &id, &out, &err), 0);
	ck_assert_uint_eq(id, 42);
	ck_assert_int_eq(out.verdict, GA_VERDICT_FAIL);
	ck_assert_str_eq(out.reason, "expected ok");
	ck_assert_str_eq(out.server_version, "10.11");
	ck_assert_uint_eq(out.nsteps, 2);
	ck_assert_ptr_eq(out.steps[1].expect, &t.expects[1]);
	ck_assert_ptr_eq(out.steps[0].expect, ga_expect_implicit());
	ck_assert_uint_eq(out.steps[1].out.err, 2013);
	ck_assert_str_eq(out.steps[1].out.api, "mysql_real_query");
	/* kept by the reader, not pointing into the sender's memory */
	ck_assert_str_eq(out.steps[0].out.api, api);
	ck_assert_ptr_ne(out.steps[0].out.api, api);
	ck_assert_uint_eq(out.steps[1].ntally, 1);
	ck_assert_uint_eq(out.steps[1].tally[0].err, 2013);
	ck_assert_double_eq(out.steps[1].tally[0].max_ms, 12.5);
	ck_assert_int_eq(out.first_bad, 1);
	ck_assert_int_eq(out.run_verdicts[GA_VERDICT_FAIL], 1);
	ck_assert_str_eq(out.bad_runs, "1");
	ck_assert(out.kept_key == 0xfedcba9876543210ull);
	ck_assert_int_eq(out.kept_drivers, 3);
	ck_assert_int_eq(out.skip, GA_SKIP_DRIVER);
	ck_assert_str_eq(out.results, "/tmp/o/two");
	ga_case_result_free(&out);
	/* the end of the pipe: a clean end, no result */
	ck_assert_int_eq(ga_workers_recv(fd[0], &t.sc, &names, 1000, &id, &out, &err), 1);
	ck_assert_ptr_null(out.steps);
	close(fd[0]);
	ga_case_result_free(&in);
	ga_driver_release(&names);
}
END_TEST

/* Issue 38: what --record reads of a repeated step comes through a
 * worker too: the pool's events of each outcome, and whether the
 * successes read one value and thread change (a wire that dropped them
 * made every value check of a -j run's record look varied, so --record
 * -j 2 dropped "= 1" where -j 1 kept it). */
START_TEST(test_wire_keeps_what_record_reads)
{
	struct ga_driver names;
	struct two_steps t;
	struct ga_case_result in, out;
	struct ga_tally *ty;
	struct ga_error err;
	uint64_t id = 0;
	int fd[2];

	two_steps_init(&t);
	one_run(&t, &in, 0, GA_VERDICT_PASS);
	ty = &in.steps[1].tally[0];
	ty->has_pool_events = true;
	ty->pool_events = GA_POOL_EVENT(DISCARDED) | GA_POOL_EVENT(OPENED);
	ty->ok_varied = false;
	ty->has_value = true;
	snprintf(ty->value, sizeof(ty->value), "1");
	ty->thread = GA_THREAD_NEW;
	in.steps[0].tally[0].ok_varied = true;
	memset(&names, 0, sizeof(names));
	ck_assert_int_eq(pipe(fd), 0);
	ck_assert_int_eq(ga_workers_send(fd[1], 7, &t.sc, &in, &err), 0);
	close(fd[1]);
	ck_assert_int_eq(ga_workers_recv(fd[0], &t.sc, &names, 1000, &id, &out, &err), 0);
	close(fd[0]);
	ck_assert_uint_eq(out.steps[1].ntally, 1);
	ty = &out.steps[1].tally[0];
	ck_assert(ty->has_pool_events);
	ck_assert_uint_eq(ty->pool_events,
			  GA_POOL_EVENT(DISCARDED) | GA_POOL_EVENT(OPENED));
	ck_assert(!ty->ok_varied);
	ck_assert(ty->has_value);
	ck_assert(!ty->value_null);
	ck_assert_str_eq(ty->value, "1");
	ck_assert_int_eq(ty->thread, GA_THREAD_NEW);
	/* ... and one that varied stays varied */
	ck_assert(out.steps[0].tally[0].ok_varied);
	ga_case_result_free(&out);
	ga_case_result_free(&in);
	ga_driver_release(&names);
}
END_TEST

/* Sends res, a result of t's scenario, cut by skip_tail bytes, and reads it
 * back for the scenario to: returns what recv says. */
static int send_broken(struct two_steps *t, const struct ga_scenario *to,
		       struct ga_case_result *res, size_t skip_tail,
		       struct ga_error *err)
{
	struct ga_case_result out;
	uint64_t id;
	char buf[1 << 16];
	ssize_t n;
	int fd[2], rc;

	ck_assert_int_eq(pipe(fd), 0);
	ck_assert_int_eq(ga_workers_send(fd[1], 1, &t->sc, res, err), 0);
	close(fd[1]);
	n = read(fd[0], buf, sizeof(buf));
	close(fd[0]);
	ck_assert_int_gt(n, (ssize_t)skip_tail);
	ck_assert_int_eq(pipe(fd), 0);
	ck_assert_int_eq(write(fd[1], buf, (size_t)n - skip_tail),
			 n - (ssize_t)skip_tail);
	close(fd[1]);
	rc = ga_workers_recv(fd[0], to, NULL, 1000, &id, &out, err);
	close(fd[0]);
	ck_assert_ptr_null(out.steps);
	return rc;
}

START_TEST(test_wire_refuses_broken_results)
{
	struct two_steps t, other;
	struct ga_case_result res;
	struct ga_error err;

	two_steps_init(&t);
	two_steps_init(&other);
	one_run(&t, &res, 2006, GA_VERDICT_PASS);
	/* cut short: an error, not a result */
	ck_assert_int_eq(send_broken(&t, &t.sc, &res, 3, &err), -1);
	ck_assert_msg(strstr(err.msg, "ended") != NULL, "%s", err.msg);
	/* an expect line of another scenario */
	res.steps[1].expect = &other.expects[0];
	ck_assert_int_eq(send_broken(&t, &t.sc, &res, 0, &err), -1);
	ck_assert_msg(strstr(err.msg, "step 2 of the result") != NULL, "%s",
		      err.msg);
	res.steps[1].expect = &t.expects[1];
	/* read for a scenario with another number of steps */
	other.sc.nsteps = 1;
	ck_assert_int_eq(send_broken(&t, &other.sc, &res, 0, &err), -1);
	ck_assert_msg(strstr(err.msg, "not one") != NULL, "%s", err.msg);
	ga_case_result_free(&res);
}
END_TEST

/* By default every run is folded: the first that did not PASS gives
 * the verdict and the step lines, all give the spread; --stop-early
 * leaves out what a run in order would then never have made. */
START_TEST(test_fold_keeps_the_first_run_that_did_not_pass)
{
	struct two_steps t;
	struct ga_run_options opts;
	struct ga_case_result acc, runs[3];
	size_t i;

	two_steps_init(&t);
	memset(&opts, 0, sizeof(opts));
	opts.stop_early = _i == 1;
	ck_assert_int_eq(ga_case_result_init(&acc, &opts, &t.sc), 0);
	one_run(&t, &runs[0], 0, GA_VERDICT_PASS);
	one_run(&t, &runs[1], 2013, GA_VERDICT_FAIL);
	one_run(&t, &runs[2], 2006, GA_VERDICT_FAIL);  /* ran at once too */
	for (i = 0; i < 3; i++)
		ck_assert_int_eq(ga_case_fold(&opts, &acc, &runs[i]), 0);
	ga_case_finish(&opts, &t.sc, &acc);
	ck_assert_int_eq(acc.verdict, GA_VERDICT_FAIL);
	ck_assert_int_eq(acc.first_bad, 2);
	ck_assert_uint_eq(acc.steps[1].out.err, 2013);
	if (opts.stop_early) {
		ck_assert_int_eq(acc.runs, 2);
		ck_assert_str_eq(acc.reason, "expected ok (run 2 of 3)");
		ck_assert_uint_eq(acc.steps[1].ntally, 2); /* ok 1, 2013 1 */
		ck_assert_double_eq(acc.wall_ms, 200);
	} else {
		ck_assert_int_eq(acc.runs, 3);
		ck_assert_str_eq(acc.reason, "expected ok (run 2 of 3; 2 of 3 "
				 "runs FAILed: 2, 3)");
		ck_assert_uint_eq(acc.steps[1].ntally, 3); /* and 2006 1 */
		ck_assert_double_eq(acc.wall_ms, 300);
		ck_assert_int_eq(acc.run_verdicts[GA_VERDICT_PASS], 1);
		ck_assert_int_eq(acc.run_verdicts[GA_VERDICT_FAIL], 2);
	}
	for (i = 0; i < 3; i++)
		ga_case_result_free(&runs[i]);
	ga_case_result_free(&acc);
}
END_TEST

START_TEST(test_fold_counts_every_run_that_passed)
{
	struct two_steps t;
	struct ga_run_options opts;
	struct ga_case_result acc, run;
	char spread[256];
	size_t i;

	two_steps_init(&t);
	memset(&opts, 0, sizeof(opts));
	ck_assert_int_eq(ga_case_result_init(&acc, &opts, &t.sc), 0);
	for (i = 0; i < 3; i++) {
		one_run(&t, &run, i == 1 ? 0 : 2013, GA_VERDICT_PASS);
		ck_assert_int_eq(ga_case_fold(&opts, &acc, &run), 0);
		ga_case_result_free(&run);
	}
	ga_case_finish(&opts, &t.sc, &acc);
	ck_assert_int_eq(acc.verdict, GA_VERDICT_PASS);
	ck_assert_int_eq(acc.runs, 3);
	ga_step_spread(&acc.steps[1], spread, sizeof(spread));
	ck_assert_str_eq(spread, "2013 (CR_SERVER_LOST) 2, ok 1");
	ga_case_result_free(&acc);
}
END_TEST

Suite *make_workers_suite(void)
{
	Suite *s = suite_create("workers");
	TCase *tc = tcase_create("wire and fold");

	tcase_add_test(tc, test_wire_round_trip);
	tcase_add_test(tc, test_wire_keeps_what_record_reads);
	tcase_add_test(tc, test_wire_refuses_broken_results);
	tcase_add_loop_test(tc, test_fold_keeps_the_first_run_that_did_not_pass,
			    0, 2);
	tcase_add_test(tc, test_fold_counts_every_run_that_passed);
	suite_add_tcase(s, tc);
	return s;
}
