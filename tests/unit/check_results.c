/* check_results.c - results for programs: the JSON Lines reporter
 * (result/jsonl_write.c) and its reader (result/jsonl_read.c).  Synthetic cases,
 * messages with ESC bytes and UTF-8 among them, are written, read back
 * and compared field by field and as the reporters show them; files
 * that are not whole, or not goneaway's, are refused with their line. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/matrix.h"
#include "report/report.h"
#include "result/results.h"
#include "suites.h"

#define NCASES 3

/* an ESC sequence that would turn a terminal red, and UTF-8 */
#define ESC_MESSAGE "Lost \033[31mconnection\033[0m to server \xe2\x80\x94 caf\xc3\xa9"
#define UTF8_VALUE "\xe6\x97\xa5\xe6\x9c\xac \xf0\x9f\x90\xac"

struct fixture {
	char dir[64];
	char path[128];
	struct ga_scenario *sc[NCASES];
	struct ga_case_result res[NCASES];
	struct ga_run_summary sum;
};

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	ck_assert_ptr_nonnull(p);
	return p;
}

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	ck_assert_ptr_nonnull(p);
	return p;
}

/* connect app (line 5), query app (line 7, one expect line), sleep
 * (line 9, never ran) */
static struct ga_scenario *make_scenario(const char *name)
{
	struct ga_scenario *sc = xcalloc(1, sizeof(*sc));
	char path[128];

	snprintf(path, sizeof(path), "scenarios/%s.gw", name);
	sc->path = xstrdup(path);
	sc->name = xstrdup(name);
	sc->label = xstrdup(name);
	sc->title = xstrdup("a title with \"quotes\"");
	sc->connections = xcalloc(1, sizeof(*sc->connections));
	sc->nconnections = 1;
	snprintf(sc->connections[0].name, GA_NAME_MAX, "app");
	sc->steps = xcalloc(3, sizeof(*sc->steps));
	sc->nsteps = 3;
	sc->steps[0].line = 5;
	sc->steps[0].kind = GA_STEP_CONNECT;
	sc->steps[0].conn = 0;
	sc->steps[1].line = 7;
	sc->steps[1].kind = GA_STEP_QUERY;
	sc->steps[1].conn = 0;
	sc->steps[1].expects = xcalloc(1, sizeof(struct ga_expect));
	sc->steps[1].nexpects = 1;
	sc->steps[1].expects[0].line = 8;
	sc->steps[1].expects[0].set.codes[0] = 2013;
	sc->steps[1].expects[0].set.ncodes = 1;
	sc->steps[1].expects[0].after_ms = -1;
	sc->steps[1].expects[0].within_ms = 2000;
	sc->steps[2].line = 9;
	sc->steps[2].kind = GA_STEP_SLEEP;
	sc->steps[2].conn = -1;
	return sc;
}

static void fixture_init(struct fixture *fx)
{
	static const char *const names[NCASES] = {
		"pass-case", "fail-case", "skip-case",
	};
	size_t i;

	memset(fx, 0, sizeof(*fx));
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/ga-check-results.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(fx->dir));
	snprintf(fx->path, sizeof(fx->path), "%s/" GA_RESULTS_FILE, fx->dir);
	for (i = 0; i < NCASES; i++) {
		struct ga_case_result *r = &fx->res[i];
		struct ga_step_result *sr;

		fx->sc[i] = make_scenario(names[i]);
		r->steps = xcalloc(3, sizeof(*r->steps));
		r->nsteps = 3;
		r->wall_ms = 1500.25;
		r->waits_ms = 1000;
		r->setup_ms = 300.5;
		r->start_wait_ms = 120.25;
		r->steps_ms = 1100;
		r->teardown_ms = 99.75;
		r->runs = 1;
		r->repeat = 1;
		r->flavour = GA_FLAVOUR_MARIADB;
		snprintf(r->server, sizeof(r->server), "docker:mariadb:11.4");
		snprintf(r->backend, sizeof(r->backend), "docker");
		snprintf(r->client, sizeof(r->client), "builtin");
		snprintf(r->library, sizeof(r->library), "Connector/C 3.3");
		snprintf(r->server_version, sizeof(r->server_version),
			 "11.4.2-MariaDB");
		snprintf(r->server_notes, sizeof(r->server_notes),
			 "wait_timeout=2: taken\nsecond line");
		if (i == 1)
			snprintf(r->evidence_cut, sizeof(r->evidence_cut),
				 "driver-app.log: 67108864 bytes, 58720256 cut");
		snprintf(r->results, sizeof(r->results), "%s/%s", fx->dir,
			 names[i]);
		if (i == 2) {
			/* partly skipped: its connect ran, its query not */
			sr = &r->steps[0];
			sr->ran = sr->matched = true;
			sr->out.api = "mysql_real_connect";
			sr->out.thread_after = 7;
			snprintf(r->steps[1].skipped,
				 sizeof(r->steps[1].skipped), "connection "
				 "'app' is skipped since line 3: no \033[2J");
			continue;
		}
		sr = &r->steps[0];
		sr->ran = sr->matched = true;
		sr->out.api = "mysql_real_connect";
		sr->out.elapsed_ms = 1.5;
		sr->out.thread_after = 42;
		sr->out.flavour = GA_FLAVOUR_MARIADB;
		sr = &r->steps[1];
		sr->ran = true;
		sr->out.api = "mysql_real_query";
		sr->out.result = GA_RESULT_ERROR;
		sr->out.err = 2013;
		snprintf(sr->out.sqlstate, sizeof(sr->out.sqlstate), "HY000");
		snprintf(sr->out.message, sizeof(sr->out.message), "%s",
			 ESC_MESSAGE);
		snprintf(sr->out.error_class, sizeof(sr->out.error_class),
			 "OperationalError");
		sr->out.elapsed_ms = 1002.125;
		sr->out.thread_before = 42;
		sr->out.flavour = GA_FLAVOUR_MARIADB;
		sr->expect = &fx->sc[i]->steps[1].expects[0];
		sr->matched = i == 0;
	}
	/* the PASS case's query "succeeded" with a UTF-8 value instead */
	fx->res[0].steps[0].out.has_value = true;
	snprintf(fx->res[0].steps[0].out.value,
		 sizeof(fx->res[0].steps[0].out.value), "%s", UTF8_VALUE);
	fx->res[1].verdict = GA_VERDICT_FAIL;
	fx->res[1].line = 7;
	snprintf(fx->res[1].reason, sizeof(fx->res[1].reason),
		 "returned 2013 \033[2J, when expecting \"ok\"");
	fx->res[2].verdict = GA_VERDICT_SKIP;
	fx->res[2].skip = GA_SKIP_NETEM;
	snprintf(fx->res[2].reason, sizeof(fx->res[2].reason),
		 "the kernel has no sch_netem");
	fx->sum.pass = fx->sum.fail = fx->sum.skip = 1;
	fx->sum.wall_ms = 4500.5;
}

static void fixture_free(struct fixture *fx)
{
	char cmd[128];
	size_t i;

	for (i = 0; i < NCASES; i++) {
		ga_case_result_free(&fx->res[i]);
		ga_scenario_free(fx->sc[i]);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fx->dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void write_results(struct fixture *fx)
{
	static char a0[] = "run", a1[] = "-o", a2[] = "x", a3[] = "sc\033";
	static char *argv[] = { a0, a1, a2, a3, NULL };
	struct ga_jsonl_meta meta = {
		.version = "9.9.9", .argc = 4, .argv = argv,
		.results_dir = fx->dir,
	};
	struct ga_reporter *rep;
	struct ga_error err;
	size_t i;

	rep = ga_report_jsonl_new(fx->path, &meta, true, &err);
	ck_assert_msg(rep != NULL, "%s", err.msg);
	rep->ops->begin_run(rep, NCASES);
	for (i = 0; i < NCASES; i++) {
		rep->ops->begin_case(rep, i, fx->sc[i]);
		rep->ops->end_case(rep, i, fx->sc[i], &fx->res[i]);
	}
	rep->ops->end_run(rep, &fx->sum);
	ga_reporter_free(rep);
}

/* What the reporters show of a case: its step lines. */
static char *shown(const struct ga_scenario *sc,
		   const struct ga_case_result *res)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ga_report_steps(f, "  ", sc, res, false);
	fclose(f);
	return buf;
}

static void same_outcome(const struct ga_outcome *a, const struct ga_outcome *b)
{
	ck_assert_int_eq(a->result, b->result);
	ck_assert_str_eq(a->api ? a->api : "-", b->api ? b->api : "-");
	ck_assert_uint_eq(a->err, b->err);
	ck_assert_str_eq(a->sqlstate, b->sqlstate);
	ck_assert_str_eq(a->message, b->message);
	ck_assert_str_eq(a->error_class, b->error_class);
	ck_assert(a->elapsed_ms == b->elapsed_ms);
	ck_assert_int_eq(a->has_value, b->has_value);
	ck_assert_int_eq(a->value_null, b->value_null);
	ck_assert_str_eq(a->value, b->value);
	ck_assert_uint_eq(a->thread_before, b->thread_before);
	ck_assert_uint_eq(a->thread_after, b->thread_after);
	ck_assert_int_eq(a->flavour, b->flavour);
}

START_TEST(test_round_trip)
{
	struct ga_results r = { 0 };
	struct fixture fx;
	struct ga_error err;
	size_t i, k;

	fixture_init(&fx);
	write_results(&fx);
	ck_assert_msg(ga_results_read(&r, fx.dir, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(r.n, NCASES);
	ck_assert_uint_eq(r.sum.pass, 1);
	ck_assert_uint_eq(r.sum.fail, 1);
	ck_assert_uint_eq(r.sum.skip, 1);
	ck_assert(r.sum.wall_ms == 4500.5);
	for (i = 0; i < NCASES; i++) {
		const struct ga_results_case *c = &r.cases[i];
		const struct ga_case_result *a = &fx.res[i], *b = &c->res;
		char *s1, *s2;

		ck_assert_str_eq(c->sc->label, fx.sc[i]->label);
		ck_assert_str_eq(c->sc->path, fx.sc[i]->path);
		ck_assert_str_eq(c->sc->title, fx.sc[i]->title);
		ck_assert_int_eq(b->verdict, a->verdict);
		ck_assert_int_eq(b->skip, a->skip);
		ck_assert_int_eq(b->line, a->line);
		ck_assert_str_eq(b->reason, a->reason);
		ck_assert_str_eq(b->server, a->server);
		ck_assert_str_eq(b->backend, a->backend);
		ck_assert_str_eq(b->client, a->client);
		ck_assert_str_eq(b->library, a->library);
		ck_assert_str_eq(b->server_version, a->server_version);
		ck_assert_str_eq(b->server_notes, a->server_notes);
		ck_assert_str_eq(b->evidence_cut, a->evidence_cut);
		ck_assert_int_eq(b->flavour, a->flavour);
		ck_assert_str_eq(b->results, a->results);
		ck_assert(b->wall_ms == a->wall_ms && b->setup_ms == a->setup_ms &&
			  b->start_wait_ms == a->start_wait_ms &&
			  b->teardown_ms == a->teardown_ms &&
			  b->waits_ms == a->waits_ms);
		ck_assert_uint_eq(b->nsteps, a->nsteps);
		ck_assert_uint_eq(c->sc->nsteps, fx.sc[i]->nsteps);
		for (k = 0; k < b->nsteps; k++) {
			ck_assert_int_eq(c->sc->steps[k].line,
					 fx.sc[i]->steps[k].line);
			ck_assert_int_eq(c->sc->steps[k].kind,
					 fx.sc[i]->steps[k].kind);
			ck_assert_int_eq(c->sc->steps[k].conn,
					 fx.sc[i]->steps[k].conn);
			ck_assert_uint_eq(c->sc->steps[k].nexpects,
					  fx.sc[i]->steps[k].nexpects);
			ck_assert_int_eq(b->steps[k].ran, a->steps[k].ran);
			ck_assert_str_eq(b->steps[k].skipped,
					 a->steps[k].skipped);
			ck_assert_int_eq(b->steps[k].matched,
					 a->steps[k].matched);
			same_outcome(&b->steps[k].out, &a->steps[k].out);
		}
		s1 = shown(fx.sc[i], a);
		s2 = shown(c->sc, b);
		ck_assert_str_eq(s2, s1);
		free(s1);
		free(s2);
	}
	/* the run line: its version and command line, shell-quoted */
	ck_assert_uint_eq(r.nfiles, 1);
	ck_assert_str_eq(r.runs[0].goneaway, "9.9.9");
	ck_assert_str_eq(r.runs[0].command, "goneaway run -o x 'sc\033'");
	ck_assert_uint_eq(strlen(r.runs[0].date), 20);  /* ...T..:..:..Z */
	ck_assert_int_eq(r.runs[0].date[10], 'T');
	ck_assert(r.runs[0].kernel[0] != '\0' && r.runs[0].machine[0] != '\0');
	/* the ESC sequence came back as it was, and is shown escaped */
	ck_assert_str_eq(r.cases[1].res.steps[1].out.message, ESC_MESSAGE);
	/* the partly skipped case is one again, its skipped step shown */
	ck_assert(ga_case_partly_skipped(&r.cases[2].res));
	ck_assert(!ga_case_partly_skipped(&r.cases[1].res));
	{
		char *s = shown(r.cases[2].sc, &r.cases[2].res), codes[96];

		ck_assert_msg(strstr(s, "query app: skipped: connection 'app' "
				     "is skipped since line 3: no \\x1B[2J"),
			      "%s", s);
		free(s);
		ga_matrix_codes(r.cases[2].sc, &r.cases[2].res, codes,
				sizeof(codes));
		ck_assert_str_eq(codes, "part ok");
	}
	ga_results_free(&r);
	fixture_free(&fx);
}
END_TEST

/* A byte that is not UTF-8 cannot be a JSON string's: it comes back as
 * the character of that code (docs/results-jsonl.md). */
START_TEST(test_invalid_utf8_is_latin1)
{
	struct ga_results r = { 0 };
	struct fixture fx;
	struct ga_error err;

	fixture_init(&fx);
	snprintf(fx.res[0].steps[1].out.message,
		 sizeof(fx.res[0].steps[1].out.message), "A\xff" "B");
	write_results(&fx);
	ck_assert_msg(ga_results_read(&r, fx.path, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(r.cases[0].res.steps[1].out.message, "A\xc3\xbf" "B");
	ga_results_free(&r);
	fixture_free(&fx);
}
END_TEST

/* Two runs in reverse order merge into one order; an identical copy is
 * dropped; a different copy of a case is refused, naming both files. */
START_TEST(test_merge_order_and_conflicts)
{
	struct ga_results r = { 0 };
	struct fixture fx;
	struct ga_error err;
	char other[160];
	FILE *f;
	char cmd[400];

	fixture_init(&fx);
	write_results(&fx);
	ck_assert_int_eq(ga_results_read(&r, fx.path, &err), 0);
	ck_assert_int_eq(ga_results_read(&r, fx.dir, &err), 0);
	ck_assert_uint_eq(r.n, 2 * NCASES);
	ck_assert_int_eq(ga_results_sort(&r, &err), 0);
	ck_assert_uint_eq(r.n, NCASES);
	ck_assert_str_eq(r.cases[0].sc->label, "fail-case");
	ck_assert_str_eq(r.cases[1].sc->label, "pass-case");
	ck_assert_str_eq(r.cases[2].sc->label, "skip-case");
	ga_results_free(&r);

	/* the same run with one wall time changed */
	snprintf(other, sizeof(other), "%s/other.jsonl", fx.dir);
	snprintf(cmd, sizeof(cmd), "sed 's/\"wall_ms\":1500.250/"
		 "\"wall_ms\":1500.500/' '%s' > '%s'", fx.path, other);
	ck_assert_int_eq(system(cmd), 0);
	ck_assert_int_eq(ga_results_read(&r, fx.path, &err), 0);
	ck_assert_int_eq(ga_results_read(&r, other, &err), 0);
	ck_assert_int_eq(ga_results_sort(&r, &err), -1);
	ck_assert_msg(strstr(err.msg, "fail-case") && strstr(err.msg, other) &&
		      strstr(err.msg, "differ"), "%s", err.msg);
	ga_results_free(&r);
	f = fopen(other, "we");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	fixture_free(&fx);
}
END_TEST

/* Each damaged copy: which line of the good file to change (0: none),
 * to what (NULL: drop it; "" keeps the line but cuts the file there),
 * and the words the error must hold. */
static const struct {
	int line;
	const char *text;
	const char *want;
} damaged[] = {
	{ 1, "{\"type\":\"run\",\"schema\":2}", ":1: schema 2" },
	{ 1, "{\"type\":\"step\"}", ":1: not a goneaway results file" },
	{ 2, "{\"type\":\"step\",", ":2: not JSON" },
	{ 2, "[1,2]", ":2: not a JSON object" },
	{ 2, "{\"type\":\"note\"}", ":2: \"type\" is \"note\"" },
	{ 2, NULL, ":2: step 1 of case 1 where step 0 was due" },
	{ 4, NULL, ":4: case 1 has 3 steps, but 2 step lines" },
	{ 5, NULL, ":5: case 2 begins before case 1 ended" },
	{ 14, NULL, ":13: the file ends without the run's \"end\" line" },
	{ 14, "{\"type\":\"end\",\"pass\":2,\"fail\":0,\"skip\":1,"
	  "\"error\":0,\"wall_ms\":1,\"signo\":0}", ":14: the run's counts" },
	{ 9, "{\"type\":\"case\"}", ":9: no \"case\" member" },
	{ 3, "{\"type\":\"step\",\"case\":1,\"index\":1}", ":3: no \"line\"" },
	{ 0, "", "cut short" },
};

/* The good file with line n changed into text. */
static void damage(const char *from, const char *to, int n, const char *text)
{
	FILE *in = fopen(from, "re"), *out = fopen(to, "we");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int i = 0;

	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(out);
	while ((len = getline(&line, &cap, in)) > 0) {
		i++;
		if (n == 0 && i == 2) {
			fwrite(line, 1, (size_t)len / 2, out);
			break;
		}
		if (i == n && text)
			fprintf(out, "%s\n", text);
		else if (i != n)
			fwrite(line, 1, (size_t)len, out);
	}
	free(line);
	fclose(in);
	fclose(out);
}

START_TEST(test_damaged)
{
	struct ga_results r = { 0 };
	struct fixture fx;
	struct ga_error err;
	char bad[160];

	fixture_init(&fx);
	write_results(&fx);
	snprintf(bad, sizeof(bad), "%s/bad.jsonl", fx.dir);
	damage(fx.path, bad, damaged[_i].line, damaged[_i].text);
	ck_assert_int_eq(ga_results_read(&r, bad, &err), -1);
	ck_assert_msg(strstr(err.msg, bad) && strstr(err.msg, damaged[_i].want),
		      "case %d: %s", _i, err.msg);
	ck_assert_uint_eq(r.n, 0);
	ga_results_free(&r);
	fixture_free(&fx);
}
END_TEST

/* A line far longer than any of goneaway's is refused at the bound,
 * without reading the rest. */
START_TEST(test_long_line)
{
	struct ga_results r = { 0 };
	struct fixture fx;
	struct ga_error err;
	char bad[160];
	FILE *f;
	size_t i;

	fixture_init(&fx);
	snprintf(bad, sizeof(bad), "%s/long.jsonl", fx.dir);
	f = fopen(bad, "we");
	ck_assert_ptr_nonnull(f);
	fputs("{\"type\":\"run\",\"schema\":1,\"goneaway\":\"x\",\"argv\":[],"
	      "\"cases\":1}\n{\"type\":\"step\",\"message\":\"", f);
	for (i = 0; i < 2 * GA_RESULTS_LINE_MAX; i++)
		fputc('x', f);
	fputs("\"}\n", f);
	fclose(f);
	ck_assert_int_eq(ga_results_read(&r, bad, &err), -1);
	ck_assert_msg(strstr(err.msg, ":2: the line is longer than"), "%s",
		      err.msg);
	ga_results_free(&r);
	fixture_free(&fx);
}
END_TEST

/* The good file with every from replaced by to. */
static void rewrite(const char *path, const char *to_path, const char *from,
		    const char *to)
{
	FILE *in = fopen(path, "re"), *out = fopen(to_path, "we");
	char *text = NULL, *p, *q;
	size_t len = 0;

	ck_assert_ptr_nonnull(in);
	ck_assert_ptr_nonnull(out);
	ck_assert(getdelim(&text, &len, '\0', in) > 0);
	for (p = text; (q = strstr(p, from)); p = q + strlen(from)) {
		fwrite(p, 1, (size_t)(q - p), out);
		fputs(to, out);
	}
	fputs(p, out);
	free(text);
	fclose(in);
	fclose(out);
}

/* Issue 26: a step line's "expects" is a count the reporters show, not
 * a size to allocate: 1000 claimed cost 912 KB a line before. */
START_TEST(test_expects_claimed)
{
	struct ga_results r = { 0 };
	struct fixture fx;
	struct ga_error err;
	char amp[160];
	size_t i, k, claimed = 0;

	fixture_init(&fx);
	write_results(&fx);
	snprintf(amp, sizeof(amp), "%s/amp.jsonl", fx.dir);
	rewrite(fx.path, amp, "\"expects\":1,", "\"expects\":1000,");
	ck_assert_msg(ga_results_read(&r, amp, &err) == 0, "%s", err.msg);
	for (i = 0; i < r.n; i++)
		for (k = 0; k < r.cases[i].sc->nsteps; k++) {
			const struct ga_step *st = &r.cases[i].sc->steps[k];

			ck_assert_ptr_null(st->expects);
			if (st->nexpects == 1000)
				claimed++;
		}
	ck_assert_uint_eq(claimed, NCASES);
	/* a few kilobytes a line, not 912 KB */
	ck_assert_msg(r.held < 256 * 1024, "%zu bytes held", r.held);
	ga_results_free(&r);
	fixture_free(&fx);
}
END_TEST

/* The results of one report hold at most GA_RESULTS_MEM_MAX, and the
 * error names the cap. */
START_TEST(test_memory_cap)
{
	struct ga_results r = { 0 };
	struct fixture fx;
	struct ga_error err;

	fixture_init(&fx);
	write_results(&fx);
	ck_assert_msg(ga_results_read(&r, fx.path, &err) == 0, "%s", err.msg);
	ck_assert(r.held > 0);
	ga_results_free(&r);
	/* as if what was read before had filled nearly all of it */
	r.held = GA_RESULTS_MEM_MAX - 1000;
	ck_assert_int_eq(ga_results_read(&r, fx.path, &err), -1);
	ck_assert_msg(strstr(err.msg, "GA_RESULTS_MEM_MAX") &&
		      strstr(err.msg, "1024 MiB"), "%s", err.msg);
	ck_assert_uint_eq(r.n, 0);
	ga_results_free(&r);
	fixture_free(&fx);
}
END_TEST

/* Merged results of two servers: one JUnit suite each, every case in
 * its suite (a suite's cases once went to freed memory when the second
 * suite was made). */
START_TEST(test_junit_two_suites)
{
	struct ga_reporter *rep;
	struct fixture fx;
	struct ga_error err;
	char xml[160], *text = NULL, *p;
	size_t i, len = 0, n = 0;
	FILE *f;

	fixture_init(&fx);
	snprintf(xml, sizeof(xml), "%s/junit.xml", fx.dir);
	snprintf(fx.res[0].combo, sizeof(fx.res[0].combo), "local/builtin");
	snprintf(fx.res[1].combo, sizeof(fx.res[1].combo), "mysql-9.7/builtin");
	snprintf(fx.res[2].combo, sizeof(fx.res[2].combo), "local/builtin");
	rep = ga_report_junit_new(xml, &err);
	ck_assert_ptr_nonnull(rep);
	rep->ops->begin_run(rep, NCASES);
	for (i = 0; i < NCASES; i++)
		rep->ops->end_case(rep, i, fx.sc[i], &fx.res[i]);
	rep->ops->end_run(rep, &fx.sum);
	ga_reporter_free(rep);
	f = fopen(xml, "re");
	ck_assert_ptr_nonnull(f);
	ck_assert(getdelim(&text, &len, '\0', f) > 0);
	fclose(f);
	p = strstr(text, "<testsuite name=\"local/builtin\" tests=\"2\"");
	ck_assert_msg(p != NULL, "%s", text);
	for (p = text; (p = strstr(p, "<testcase classname=\"local/builtin\"")); p++)
		n++;
	ck_assert_uint_eq(n, 2);
	ck_assert_ptr_nonnull(strstr(text, "<testcase classname=\"mysql-9.7/builtin\" name=\"fail-case\""));
	free(text);
	fixture_free(&fx);
}
END_TEST

/* The line a table of results starts with (goneaway report --markdown):
 * when, by which goneaway, on what, with which command; what a run line
 * lacks is left out, and a command from outside is shown as text. */
START_TEST(test_run_line_and_markdown_head)
{
	struct ga_results_run run;
	struct ga_scenario *sc = make_scenario("kill-idle");
	struct ga_matrix m;
	static const char want[] = "Measured 2026-11-24T09:48:53Z by "
		"goneaway 0.3.0 on Linux 6.1.0-28-amd64 (x86_64): goneaway "
		"run -o 'a\\|b' 'kill-\\*.gw' '\\<b\\>\\`x\\`\\</b\\>' "
		"'\\\\x1B\\[2J'\n\n| scenario ";
	char line[1400], *buf = NULL;
	size_t len = 0;
	FILE *f;

	memset(&run, 0, sizeof(run));
	ga_results_run_line(&run, line, sizeof(line));
	ck_assert_str_eq(line, "Measured at an unknown date.");
	snprintf(run.date, sizeof(run.date), "2026-11-24T09:48:53Z");
	snprintf(run.goneaway, sizeof(run.goneaway), "0.3.0");
	snprintf(run.kernel, sizeof(run.kernel), "6.1.0-28-amd64");
	snprintf(run.machine, sizeof(run.machine), "x86_64");
	snprintf(run.command, sizeof(run.command),
		 "goneaway run -o 'a|b' 'kill-*.gw' '<b>`x`</b>' '\033[2J'");
	ga_results_run_line(&run, line, sizeof(line));
	ck_assert_str_eq(line, "Measured 2026-11-24T09:48:53Z by goneaway "
			 "0.3.0 on Linux 6.1.0-28-amd64 (x86_64): goneaway "
			 "run -o 'a|b' 'kill-*.gw' '<b>`x`</b>' '\033[2J'");

	ck_assert_int_eq(ga_matrix_init(&m, &sc, 1, 1), 0);
	ck_assert_int_eq(ga_matrix_column(&m, 0, "local"), 0);
	ck_assert_int_eq(ga_matrix_head(&m, line), 0);
	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	ga_matrix_print(&m, f, true);
	ck_assert_int_eq(fclose(f), 0);
	/* its own paragraph, markup escaped, the control bytes shown */
	ck_assert_msg(strncmp(buf, want, strlen(want)) == 0, "%s", buf);
	free(buf);
	/* the aligned text table starts with its header, no head */
	buf = NULL;
	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	ga_matrix_print(&m, f, false);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_msg(strncmp(buf, "scenario ", 9) == 0, "%s", buf);
	free(buf);
	ga_matrix_free(&m);
	ga_scenario_free(sc);
}
END_TEST

Suite *make_results_suite(void)
{
	Suite *s = suite_create("results");
	TCase *tc = tcase_create("round-trip");

	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_invalid_utf8_is_latin1);
	tcase_add_test(tc, test_merge_order_and_conflicts);
	tcase_add_test(tc, test_junit_two_suites);
	tcase_add_test(tc, test_run_line_and_markdown_head);
	tcase_set_timeout(tc, 10);
	suite_add_tcase(s, tc);
	tc = tcase_create("untrusted");
	tcase_add_loop_test(tc, test_damaged, 0,
			    (int)(sizeof(damaged) / sizeof(damaged[0])));
	tcase_add_test(tc, test_long_line);
	tcase_add_test(tc, test_expects_claimed);
	tcase_add_test(tc, test_memory_cap);
	tcase_set_timeout(tc, 10);
	suite_add_tcase(s, tc);
	return s;
}
