/* check_run.c - a repeated scenario's counts (run/repeat.c): every
 * distinct outcome is counted, however many there are, and the seen
 * lines judge the real counts. */
#include <stdio.h>
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

/* ---- every run of a repeated scenario, and a sleep that varies ---------- */

/* A sweep sleeps LO in the first run, HI in the last, evenly between
 * (rounded to the nearest ms). */
START_TEST(test_sweep_per_run)
{
	struct ga_step st = { .line = 7, .kind = GA_STEP_SLEEP,
			      .duration_ms = 10, .vary = GA_SLEEP_SWEEP,
			      .vary_ms = 200 };
	struct ga_scenario sc = { .name = (char *)"sweep", .steps = &st,
				  .nsteps = 1, .repeat = 20 };
	const long four[4] = { 0, 33, 67, 100 };
	char how[64];
	long k;

	for (k = 1; k <= 20; k++)
		ck_assert_int_eq(ga_sleep_for_run(&sc, &st, k, how, sizeof(how)),
				 10 + 10 * (k - 1));
	ck_assert_str_eq(how, "200ms, run 20 of 20");
	ga_sleep_for_run(&sc, &st, 1, how, sizeof(how));
	ck_assert_str_eq(how, "10ms, run 1 of 20");
	sc.repeat = 4;
	st.duration_ms = 0;
	st.vary_ms = 100;
	for (k = 1; k <= 4; k++)
		ck_assert_int_eq(ga_sleep_for_run(&sc, &st, k, NULL, 0),
				 four[k - 1]);
	/* the largest: no overflow on the way */
	sc.repeat = 1000;
	st.vary_ms = 86400000;
	ck_assert_int_eq(ga_sleep_for_run(&sc, &st, 1000, NULL, 0), 86400000);
	ck_assert_int_eq(ga_sleep_for_run(&sc, &st, 500, NULL, 0),
			 (86400000L * 499 * 2 + 999) / (2 * 999));
	/* a plain sleep is its duration, and says nothing more */
	st.vary = GA_SLEEP_FIXED;
	st.duration_ms = 250;
	ck_assert_int_eq(ga_sleep_for_run(&sc, &st, 3, how, sizeof(how)), 250);
	ck_assert_str_eq(how, "");
}
END_TEST

/* A jitter stays in D-J..D+J, is the same for the same scenario, line
 * and run (a rerun sleeps the same), and varies over the runs. */
START_TEST(test_jitter_per_run)
{
	struct ga_step st = { .line = 9, .kind = GA_STEP_SLEEP,
			      .duration_ms = 100, .vary = GA_SLEEP_JITTER,
			      .vary_ms = 20 };
	struct ga_scenario sc = { .name = (char *)"jitter", .steps = &st,
				  .nsteps = 1, .repeat = 200 };
	struct ga_scenario other = sc;
	char how[64], want[64];
	long k, ms, lo = 1000, hi = 0, same = 0, differ = 0;

	other.name = (char *)"jitter2";
	for (k = 1; k <= 200; k++) {
		ms = ga_sleep_for_run(&sc, &st, k, how, sizeof(how));
		ck_assert_int_eq(ga_sleep_for_run(&sc, &st, k, NULL, 0), ms);
		ck_assert_msg(ms >= 80 && ms <= 120, "run %ld: %ld", k, ms);
		snprintf(want, sizeof(want), "%ldms, seed ", ms);
		ck_assert_msg(strncmp(how, want, strlen(want)) == 0 &&
			      strlen(how) == strlen(want) + 16, "%s", how);
		lo = ms < lo ? ms : lo;
		hi = ms > hi ? ms : hi;
		if (ga_sleep_for_run(&sc, &st, k == 1 ? 2 : k - 1, NULL, 0) ==
		    ms)
			same++;
		if (ga_sleep_for_run(&other, &st, k, NULL, 0) != ms)
			differ++;
	}
	/* 200 draws from 41 values: both ends come up, neighbours differ */
	ck_assert_int_le(lo, 84);
	ck_assert_int_ge(hi, 116);
	ck_assert_int_lt(same, 40);
	ck_assert_int_gt(differ, 150);
	/* another line of the same scenario draws otherwise */
	st.line = 10;
	differ = 0;
	for (k = 1; k <= 50; k++)
		if (ga_sleep_for_run(&sc, &st, k, NULL, 0) !=
		    ga_sleep_for_run(&other, &st, k, NULL, 0))
			differ++;
	ck_assert_int_gt(differ, 30);
}
END_TEST

/* One run's result of a one-step scenario: the step's outcome err (0:
 * ok), verdict v, signal signo. */
static void rep_run(struct ga_case_result *res, unsigned err,
		    enum ga_verdict v, int signo)
{
	memset(res, 0, sizeof(*res));
	res->steps = calloc(1, sizeof(*res->steps));
	ck_assert_ptr_nonnull(res->steps);
	res->nsteps = 1;
	res->steps[0].ran = true;
	res->steps[0].out.result = err ? GA_RESULT_ERROR : GA_RESULT_OK;
	res->steps[0].out.err = err;
	res->verdict = v;
	res->signo = signo;
	res->line = v == GA_VERDICT_PASS ? 0 : 4;
	snprintf(res->reason, sizeof(res->reason), "%s",
		 v == GA_VERDICT_PASS ? "" : signo ? "interrupted" :
		 err == 2013 ? "got 2013" : "got 2006");
	res->wall_ms = 10;
	res->runs = 1;
	ck_assert_int_eq(ga_tally_run(res), 0);
}

/* verdicts: P, F (2013), f (2006), E (error 2006), S, I (interrupted) */
static void fold_runs(const struct ga_run_options *o,
		      const struct ga_scenario *sc, const char *verdicts,
		      struct ga_case_result *acc)
{
	struct ga_case_result run;
	size_t i;

	ck_assert_int_eq(ga_case_result_init(acc, o, sc), 0);
	for (i = 0; verdicts[i]; i++) {
		switch (verdicts[i]) {
		case 'P': rep_run(&run, 0, GA_VERDICT_PASS, 0); break;
		case 'F': rep_run(&run, 2013, GA_VERDICT_FAIL, 0); break;
		case 'f': rep_run(&run, 2006, GA_VERDICT_FAIL, 0); break;
		case 'E': rep_run(&run, 2006, GA_VERDICT_ERROR, 0); break;
		case 'S': rep_run(&run, 0, GA_VERDICT_SKIP, 0); break;
		default: rep_run(&run, 0, GA_VERDICT_ERROR, 2); break;
		}
		ck_assert_int_eq(ga_case_fold(o, acc, &run), 0);
		ga_case_result_free(&run);
	}
	ga_case_finish(o, sc, acc);
}

static const struct {
	const char *runs;               /* as fold_runs reads them */
	bool stop_early;
	enum ga_verdict verdict;
	long counted, first_bad;
	const char *reason;
	const char *spread;             /* of the step, "" when not shown */
} fold_cases[] = {
	{ "PPPPP", false, GA_VERDICT_PASS, 5, 0, "", "ok 5" },
	/* the first that did not PASS decides; every run counts */
	{ "PFPfP", false, GA_VERDICT_FAIL, 5, 2,
	  "got 2013 (run 2 of 5; 2 of 5 runs FAILed: 2, 4)",
	  "ok 3, 2013 (CR_SERVER_LOST) 1, 2006 (CR_SERVER_GONE_ERROR) 1" },
	{ "PEFfP", false, GA_VERDICT_ERROR, 5, 2,
	  "got 2006 (run 2 of 5; 3 of 5 runs did not PASS (2 FAIL, 1 "
	  "ERROR): 2, 3, 4)",
	  "ok 2, 2006 (CR_SERVER_GONE_ERROR) 2, 2013 (CR_SERVER_LOST) 1" },
	{ "EPPPE", false, GA_VERDICT_ERROR, 5, 1,
	  "got 2006 (run 1 of 5; 2 of 5 runs were ERROR: 1, 5)", "" },
	/* --stop-early: what a run in order then never made is left out */
	{ "PFPfP", true, GA_VERDICT_FAIL, 2, 2, "got 2013 (run 2 of 5)",
	  "ok 1, 2013 (CR_SERVER_LOST) 1" },
	/* a SKIP stops: every run would SKIP */
	{ "SPPPP", false, GA_VERDICT_SKIP, 1, 1, "", "" },
	/* the only one, and the last: "run K of N" says it all */
	{ "PPPPF", false, GA_VERDICT_FAIL, 5, 5, "got 2013 (run 5 of 5)",
	  "ok 4, 2013 (CR_SERVER_LOST) 1" },
	/* a signal stops at once, and the runs made are told */
	{ "PFIPP", false, GA_VERDICT_FAIL, 2, 2,
	  "got 2013 (run 2 of 5; interrupted after 2 runs)", "" },
	{ "PFfIP", false, GA_VERDICT_FAIL, 3, 2,
	  "got 2013 (run 2 of 5; 2 of 3 runs FAILed: 2, 3; interrupted "
	  "after 3 runs)", "" },
	/* ... before any did not PASS, the interrupted run is the verdict */
	{ "PPIPP", false, GA_VERDICT_ERROR, 3, 3, "interrupted (run 3 of 5)",
	  "" },
};

START_TEST(test_fold_every_run)
{
	struct ga_step step = { .line = 4, .kind = GA_STEP_QUERY,
				.nexpects = 1 };
	struct ga_scenario sc = { .name = (char *)"r", .steps = &step,
				  .nsteps = 1, .repeat = 5 };
	struct ga_run_options o;
	struct ga_case_result acc;
	char spread[256];

	memset(&o, 0, sizeof(o));
	o.stop_early = fold_cases[_i].stop_early;
	fold_runs(&o, &sc, fold_cases[_i].runs, &acc);
	ck_assert_int_eq(acc.verdict, fold_cases[_i].verdict);
	ck_assert_int_eq(acc.runs, fold_cases[_i].counted);
	ck_assert_int_eq(acc.first_bad, fold_cases[_i].first_bad);
	ck_assert_double_eq(acc.wall_ms, 10.0 * fold_cases[_i].counted);
	if (fold_cases[_i].reason[0] || acc.verdict != GA_VERDICT_SKIP)
		ck_assert_str_eq(acc.reason, fold_cases[_i].reason);
	if (fold_cases[_i].spread[0]) {
		ga_step_spread(&acc.steps[0], spread, sizeof(spread));
		ck_assert_str_eq(spread, fold_cases[_i].spread);
	}
	/* the step line is the deciding run's */
	if (acc.first_bad)
		ck_assert_uint_eq(acc.steps[0].out.err,
				  fold_cases[_i].runs[acc.first_bad - 1] == 'F' ?
				  2013u : fold_cases[_i].runs[acc.first_bad - 1] ==
				  'I' || fold_cases[_i].runs[acc.first_bad - 1] ==
				  'S' ? 0u : 2006u);
	ga_case_result_free(&acc);
}
END_TEST

/* After the last run all PASSed, a signal that came between runs (the
 * loop in run/runner.c sets signo) makes the case ERROR, not a PASS of
 * fewer runs. */
START_TEST(test_fold_signal_between_runs)
{
	struct ga_step step = { .line = 4, .kind = GA_STEP_QUERY };
	struct ga_scenario sc = { .name = (char *)"r", .steps = &step,
				  .nsteps = 1, .repeat = 5 };
	struct ga_run_options o;
	struct ga_case_result acc, run;

	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(ga_case_result_init(&acc, &o, &sc), 0);
	rep_run(&run, 0, GA_VERDICT_PASS, 0);
	ck_assert_int_eq(ga_case_fold(&o, &acc, &run), 0);
	ga_case_result_free(&run);
	ck_assert(!ga_case_stops(&o, &acc));
	acc.signo = 15;
	ck_assert(ga_case_stops(&o, &acc));
	ga_case_finish(&o, &sc, &acc);
	ck_assert_int_eq(acc.verdict, GA_VERDICT_ERROR);
	ck_assert_str_eq(acc.reason, "interrupted by a signal before all its "
			 "runs");
	ga_case_result_free(&acc);
}
END_TEST

/* A thousand failing runs: the list of them ends in "..." and fits. */
START_TEST(test_fold_many_bad_runs)
{
	struct ga_step step = { .line = 4, .kind = GA_STEP_QUERY };
	struct ga_scenario sc = { .name = (char *)"r", .steps = &step,
				  .nsteps = 1, .repeat = 1000 };
	struct ga_run_options o;
	struct ga_case_result acc, run;
	size_t n;
	long k;

	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(ga_case_result_init(&acc, &o, &sc), 0);
	for (k = 0; k < 1000; k++) {
		rep_run(&run, 2013, GA_VERDICT_FAIL, 0);
		ck_assert_int_eq(ga_case_fold(&o, &acc, &run), 0);
		ga_case_result_free(&run);
	}
	ga_case_finish(&o, &sc, &acc);
	n = strlen(acc.bad_runs);
	ck_assert_uint_lt(n, sizeof(acc.bad_runs));
	ck_assert_str_eq(acc.bad_runs + n - 5, ", ...");
	ck_assert_msg(strncmp(acc.bad_runs, "1, 2, 3, ", 9) == 0, "%s",
		      acc.bad_runs);
	ck_assert_msg(strstr(acc.reason, "(run 1 of 1000; 1000 of 1000 runs "
			     "FAILed: 1, 2, 3, ") != NULL, "%s", acc.reason);
	ck_assert_int_eq(acc.runs, 1000);
	ga_case_result_free(&acc);
}
END_TEST

/* The session that wrote an error log line: MariaDB's and MySQL's
 * shapes name it after the time; other lines, and lines that only look
 * close, name none (the log is the server's: untrusted). */
static const struct {
	const char *log;        /* the text read, from a line's start */
	const char *match;      /* what the step looks for in it */
	bool named;
	unsigned long id;
} errlog_lines[] = {
	{ "2026-11-27  4:16:38 7 [Warning] Aborted connection 7 to db: "
	  "'goneaway' user: 'goneaway' host: '198.18.0.1' (Got timeout "
	  "reading communication packets)\n", "Aborted connection", true, 7 },
	{ "2026-11-27 14:16:38 0 [Note] InnoDB: Buffer pool(s) load "
	  "completed\n2026-11-27 14:16:39 123456 [Warning] Aborted "
	  "connection 123456 to db\n", "Aborted connection", true, 123456 },
	{ "2026-11-27T04:16:38.123456Z 31 [Note] [MY-010914] [Server] "
	  "Aborted connection 31 to db: 'goneaway' user: 'goneaway' host: "
	  "'198.18.0.1' (The client was disconnected by the server because "
	  "of inactivity.).\n", "disconnected by the server", true, 31 },
	{ "2026-11-27T04:16:38.123456Z 0 [System] [MY-010931] [Server] "
	  "ready for connections\n", "ready for", true, 0 },
	{ "Version: '10.11.19-MariaDB'  socket: '/run/s.sock'  port: 3306\n",
	  "socket", false, 0 },
	{ "stack_bottom = 0x0 thread_stack 0x49000 [Warning]\n", "Warning",
	  false, 0 },
	{ "2026-11-27  4:16:38 x7 [Warning] Aborted\n", "Aborted", false, 0 },
	{ "2026-11-27  4:16:38 99999999999999999999999 [Warning] Aborted\n",
	  "Aborted", false, 0 },
	{ "7 [Warning] Aborted\n", "Aborted", false, 0 },
	{ "2026-11-27  4:16:38 7\n[Warning] Aborted\n", "Aborted", false, 0 },
	{ "2026-11-27  4:16:38 7 Aborted, no level\n", "Aborted", false, 0 },
};

START_TEST(test_errlog_line_session)
{
	const char *log = errlog_lines[_i].log;
	const char *at = strstr(log, errlog_lines[_i].match);
	unsigned long id = 4242;

	ck_assert_ptr_nonnull(at);
	ck_assert_msg(ga_errlog_line_session(log, at, &id) ==
		      errlog_lines[_i].named, "%s", log);
	ck_assert_uint_eq(id, errlog_lines[_i].named ? errlog_lines[_i].id :
			  4242);
}
END_TEST

Suite *make_run_suite(void)
{
	Suite *s = suite_create("run");
	TCase *tc = tcase_create("repeat");

	tcase_set_timeout(tc, 5);
	tcase_add_test(tc, test_tally_has_no_limit);
	tcase_add_test(tc, test_tally_keeps_driver_classes);
	tcase_add_test(tc, test_sweep_per_run);
	tcase_add_test(tc, test_jitter_per_run);
	tcase_add_loop_test(tc, test_fold_every_run, 0,
			    (int)(sizeof(fold_cases) / sizeof(fold_cases[0])));
	tcase_add_test(tc, test_fold_signal_between_runs);
	tcase_add_test(tc, test_fold_many_bad_runs);
	suite_add_tcase(s, tc);

	tc = tcase_create("steps");
	tcase_add_loop_test(tc, test_every_step_kind_is_handled, 0,
			    GA_STEP_KIND_COUNT);
	tcase_add_loop_test(tc, test_errlog_line_session, 0,
			    (int)(sizeof(errlog_lines) /
				  sizeof(errlog_lines[0])));
	suite_add_tcase(s, tc);
	return s;
}
