/* check_report.c - the human, TAP and JUnit reporters, driven through
 * their ops tables with four hand-made cases: PASS, FAIL, SKIP, ERROR. */
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lang/diag.h"
#include "report/internal.h"
#include "report/report.h"
#include "suites.h"

#define NCASES 4

/* The reason of the failing case carries XML's special characters. */
#define FAIL_REASON "returned 2006 < 2013 & \"gone\""
#define SKIP_REASON "needs mysql >= 8.0.24"
#define ERROR_REASON "cannot start mariadbd: exit 1"

struct fixture {
	struct ga_scenario *sc[NCASES];
	struct ga_case_result res[NCASES];
	struct ga_run_summary sum;
};

static char *xstrdup(const char *s)
{
	char *p = strdup(s);

	ck_assert_ptr_nonnull(p);
	return p;
}

static void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n, size);

	ck_assert_ptr_nonnull(p);
	return p;
}

/* "connect app" on line 5 (no expect line), then "query app SELECT
 * SLEEP(10)" on line 7 with "expect CR_SERVER_LOST" on line 8.  Freed
 * with ga_scenario_free(). */
static struct ga_scenario *make_scenario(const char *name)
{
	struct ga_scenario *sc = xcalloc(1, sizeof(*sc));
	char path[128];
	struct ga_expect *e;

	snprintf(path, sizeof(path), "scenarios/%s.gw", name);
	sc->path = xstrdup(path);
	sc->name = xstrdup(name);
	sc->title = xstrdup("the connection dies");
	sc->connections = xcalloc(1, sizeof(*sc->connections));
	sc->nconnections = 1;
	sc->connections[0].line = 3;
	snprintf(sc->connections[0].name, sizeof(sc->connections[0].name),
		 "app");
	sc->steps = xcalloc(2, sizeof(*sc->steps));
	sc->nsteps = 2;
	sc->steps[0].line = 5;
	sc->steps[0].kind = GA_STEP_CONNECT;
	sc->steps[0].conn = 0;
	sc->steps[1].line = 7;
	sc->steps[1].kind = GA_STEP_QUERY;
	sc->steps[1].conn = 0;
	sc->steps[1].text = xstrdup("SELECT SLEEP(10)");
	e = xcalloc(1, sizeof(*e));
	e->line = 8;
	e->set.codes[0] = 2013;
	e->set.ncodes = 1;
	e->after_ms = -1;
	e->within_ms = -1;
	sc->steps[1].expects = e;
	sc->steps[1].nexpects = 1;
	return sc;
}

static void set_step(struct ga_step_result *sr, enum ga_result result,
		     const char *api, unsigned err, const char *message,
		     double elapsed_ms, bool matched)
{
	sr->ran = true;
	sr->matched = matched;
	sr->out.result = result;
	sr->out.api = api;
	sr->out.err = err;
	snprintf(sr->out.message, sizeof(sr->out.message), "%s", message);
	sr->out.elapsed_ms = elapsed_ms;
}

static void fixture_init(struct fixture *fx)
{
	static const char *const names[NCASES] = {
		"pass-case", "fail-case", "skip-case", "error-case",
	};
	static const enum ga_verdict verdicts[NCASES] = {
		GA_VERDICT_PASS, GA_VERDICT_FAIL, GA_VERDICT_SKIP,
		GA_VERDICT_ERROR,
	};
	size_t i;

	memset(fx, 0, sizeof(*fx));
	for (i = 0; i < NCASES; i++) {
		struct ga_case_result *r = &fx->res[i];

		fx->sc[i] = make_scenario(names[i]);
		r->verdict = verdicts[i];
		r->steps = xcalloc(2, sizeof(*r->steps));
		r->nsteps = 2;
		r->wall_ms = 1500;
		r->waits_ms = 1000;
		r->setup_ms = 300;
		r->steps_ms = 1100;
		r->teardown_ms = 100;
		snprintf(r->server_version, sizeof(r->server_version),
			 "10.11.19-MariaDB-0+deb12u1");
	}
	/* PASS: connected, then lost the connection as expected */
	set_step(&fx->res[0].steps[0], GA_RESULT_OK, "mysql_real_connect", 0,
		 "", 2, true);
	set_step(&fx->res[0].steps[1], GA_RESULT_ERROR, "mysql_real_query",
		 2013, "Lost connection to server during query", 1002, true);
	fx->res[0].steps[1].expect = &fx->sc[0]->steps[1].expects[0];
	/* FAIL at line 7 */
	fx->res[1].line = 7;
	snprintf(fx->res[1].reason, sizeof(fx->res[1].reason), "%s",
		 FAIL_REASON);
	set_step(&fx->res[1].steps[0], GA_RESULT_OK, "mysql_real_connect", 0,
		 "", 2, true);
	set_step(&fx->res[1].steps[1], GA_RESULT_ERROR, "mysql_real_query",
		 2006, "MySQL server has gone away", 3, false);
	fx->res[1].steps[1].expect = &fx->sc[1]->steps[1].expects[0];
	/* SKIP before anything ran */
	snprintf(fx->res[2].reason, sizeof(fx->res[2].reason), "%s",
		 SKIP_REASON);
	fx->res[2].wall_ms = 0;
	/* ERROR with no line */
	snprintf(fx->res[3].reason, sizeof(fx->res[3].reason), "%s",
		 ERROR_REASON);

	fx->sum.pass = 1;
	fx->sum.fail = 1;
	fx->sum.skip = 1;
	fx->sum.error = 1;
	fx->sum.wall_ms = 12345;
}

static void fixture_free(struct fixture *fx)
{
	size_t i;

	for (i = 0; i < NCASES; i++) {
		ga_case_result_free(&fx->res[i]);
		ga_scenario_free(fx->sc[i]);
	}
}

static void drive(struct ga_reporter *rep, const struct fixture *fx)
{
	size_t i;

	rep->ops->begin_run(rep, NCASES);
	for (i = 0; i < NCASES; i++) {
		rep->ops->begin_case(rep, i, fx->sc[i]);
		rep->ops->end_case(rep, i, fx->sc[i], &fx->res[i]);
	}
	rep->ops->end_run(rep, &fx->sum);
}

enum out_kind {
	HUMAN,
	HUMAN_COLOR,
	HUMAN_VERBOSE,
	HUMAN_TIMINGS,
	TAP,
	JUNIT,
};

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "re");
	char *buf;
	long n;

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	buf = xcalloc(1, (size_t)n + 1);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

/* Runs one reporter over the four cases; returns its whole output, which
 * the caller frees. */
static char *render_with(enum out_kind kind, const struct fixture *fx)
{
	struct ga_reporter *rep;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (kind == JUNIT) {
		char path[] = "/tmp/ga-junit-XXXXXX";
		struct ga_error err = { "" };
		int fd = mkstemp(path);

		ck_assert_int_ge(fd, 0);
		close(fd);
		rep = ga_report_junit_new(path, &err);
		ck_assert_msg(rep != NULL, "junit: %s", err.msg);
		drive(rep, fx);
		ga_reporter_free(rep);
		buf = read_all(path);
		unlink(path);
		return buf;
	}
	f = open_memstream(&buf, &len);
	ck_assert_ptr_nonnull(f);
	switch (kind) {
	case HUMAN:
		rep = ga_report_human_new(f, false, 0, false);
		break;
	case HUMAN_COLOR:
		rep = ga_report_human_new(f, true, 0, false);
		break;
	case HUMAN_VERBOSE:
		rep = ga_report_human_new(f, false, 1, false);
		break;
	case HUMAN_TIMINGS:
		rep = ga_report_human_new(f, false, 0, true);
		break;
	case TAP:
	case JUNIT:
	default:
		rep = ga_report_tap_new(f);
		break;
	}
	ck_assert_ptr_nonnull(rep);
	drive(rep, fx);
	ga_reporter_free(rep);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_ptr_nonnull(buf);
	return buf;
}

static char *render(enum out_kind kind)
{
	struct fixture fx;
	char *out;

	fixture_init(&fx);
	out = render_with(kind, &fx);
	fixture_free(&fx);
	return out;
}

/* ---- what each output must (or must not) contain ------------------------ */

struct text_case {
	enum out_kind kind;
	bool present;
	const char *text;
};

static const struct text_case text_cases[] = {
	/* human */
	{ HUMAN, true, "[1/4] pass-case " },
	{ HUMAN, true, "[2/4] fail-case " },
	{ HUMAN, true, "[3/4] skip-case " },
	{ HUMAN, true, "[4/4] error-case " },
	{ HUMAN, true, "scenarios/fail-case.gw:7: " FAIL_REASON "\n" },
	{ HUMAN, true, "skipped: " SKIP_REASON "\n" },
	{ HUMAN, true, "scenarios/error-case.gw: " ERROR_REASON "\n" },
	{ HUMAN, true, "line 7: query app: mysql_real_query: returned 2006 "
	  "(CR_SERVER_GONE_ERROR) \"MySQL server has gone away\" after 3 ms\n" },
	{ HUMAN, true, "1.50 s (deliberate waits 1.00 s)" },
	{ HUMAN, true, "\n1 PASS, 1 FAIL, 1 SKIP, 1 ERROR in 12.3 s\n" },
	{ HUMAN, false, "\033[" },
	{ HUMAN, false, "line 5: connect app" },  /* unchecked, matched */
	{ HUMAN, false, "total: wall" },
	{ HUMAN_COLOR, true, "\033[" },
	{ HUMAN_COLOR, true, "\033[32mPASS" },
	{ HUMAN_COLOR, true, "\033[31mFAIL" },
	{ HUMAN_COLOR, true, "\033[0m" },
	{ HUMAN_VERBOSE, true, "line 5: connect app: mysql_real_connect: "
	  "succeeded after 2 ms\n" },
	{ HUMAN_TIMINGS, true, "total: wall" },
	{ HUMAN_TIMINGS, true, "\nscenario " },
	/* TAP */
	{ TAP, true, "ok 1 - pass-case\n" },
	{ TAP, true, "\nnot ok 2 - fail-case\n" },
	{ TAP, true, "\nok 3 - skip-case # SKIP " SKIP_REASON "\n" },
	{ TAP, true, "\nnot ok 4 - error-case\n" },
	{ TAP, true, "  verdict: FAIL\n  file: \"scenarios/fail-case.gw\"\n"
	  "  line: 7\n" },
	{ TAP, true, "  verdict: ERROR\n" },
	{ TAP, true, "\n# 1 passed, 1 failed, 1 error, 1 skipped\n" },
	{ TAP, false, "not ok 1 " },
	{ TAP, false, "not ok 3 " },
	{ TAP, false, "\033[" },
	/* JUnit */
	{ JUNIT, true, "tests=\"4\" failures=\"1\" errors=\"1\" skipped=\"1\"" },
	{ JUNIT, true, "<testsuite name=\"goneaway\" " },
	{ JUNIT, true, "<testcase classname=\"goneaway.scenarios\" "
	  "name=\"fail-case\" file=\"scenarios/fail-case.gw\"" },
	{ JUNIT, true, "<failure message=\"scenarios/fail-case.gw:7: returned "
	  "2006 &lt; 2013 &amp; &quot;gone&quot;\">" },
	{ JUNIT, true, "</failure>" },
	{ JUNIT, true, "<error message=\"scenarios/error-case.gw:" },
	{ JUNIT, true, ERROR_REASON "</error>" },
	{ JUNIT, true, "<skipped message=\"needs mysql &gt;= 8.0.24\"/>" },
	{ JUNIT, true, "server: 10.11.19-MariaDB-0+deb12u1" },
	{ JUNIT, true, "&quot;Lost connection to server during query&quot;" },
	{ JUNIT, false, FAIL_REASON },
	{ JUNIT, false, "< 2013" },
};

START_TEST(test_output_text)
{
	const struct text_case *c = &text_cases[_i];
	char *out = render(c->kind);
	bool found = strstr(out, c->text) != NULL;

	ck_assert_msg(found == c->present, "reporter %d: \"%s\" %s in:\n%s",
		      c->kind, c->text, c->present ? "missing" : "present", out);
	free(out);
}
END_TEST

/* Each case's console line carries its verdict word. */
static const struct {
	const char *prefix;
	const char *verdict;
} verdict_lines[] = {
	{ "[1/4] pass-case", "PASS" },
	{ "[2/4] fail-case", "FAIL" },
	{ "[3/4] skip-case", "SKIP" },
	{ "[4/4] error-case", "ERROR" },
};

START_TEST(test_human_verdict_line)
{
	char *out = render(HUMAN);
	char *line = strstr(out, verdict_lines[_i].prefix);
	char *end;

	ck_assert_msg(line != NULL, "no \"%s\" in:\n%s",
		      verdict_lines[_i].prefix, out);
	ck_assert(line == out || line[-1] == '\n');
	end = strchr(line, '\n');
	ck_assert_ptr_nonnull(end);
	*end = '\0';
	ck_assert_msg(strstr(line, verdict_lines[_i].verdict) != NULL,
		      "line \"%s\" lacks %s", line, verdict_lines[_i].verdict);
	free(out);
}
END_TEST

/* The closing line CI reads, exactly, last: each verdict counted as
 * itself, an ERROR never as a failure. */
START_TEST(test_human_closing_line)
{
	static const char last[] =
		"\nscenarios: 1 passed, 1 failed, 1 error, 1 skipped\n";
	char *out = render(HUMAN);
	size_t n = strlen(out);

	ck_assert_uint_gt(n, sizeof(last) - 1);
	ck_assert_str_eq(out + n - (sizeof(last) - 1), last);
	free(out);
}
END_TEST

/* The closing lines for other counts: what happened, in words. */
static const struct {
	size_t pass, fail, skip, error;
	const char *human_first;        /* kept as it was */
	const char *human_last;
	const char *tap_last;
} summaries[] = {
	{ 0, 0, 0, 1, "\n0 PASS, 0 FAIL, 0 SKIP, 1 ERROR in ",
	  "\nscenarios: 0 passed, 0 failed, 1 error, 0 skipped\n",
	  "\n# 0 passed, 0 failed, 1 error, 0 skipped\n" },
	{ 3, 2, 0, 2, "\n3 PASS, 2 FAIL, 0 SKIP, 2 ERROR in ",
	  "\nscenarios: 3 passed, 2 failed, 2 errors, 0 skipped\n",
	  "\n# 3 passed, 2 failed, 2 errors, 0 skipped\n" },
	{ 33, 0, 1, 0, "\n33 PASS, 0 FAIL, 1 SKIP, 0 ERROR in ",
	  "\nscenarios: 33 passed, 0 failed, 0 errors, 1 skipped\n",
	  "\n# 33 passed, 0 failed, 0 errors, 1 skipped\n" },
};

static void assert_ends_with(const char *out, const char *last)
{
	size_t n = strlen(out), k = strlen(last);

	ck_assert_msg(n >= k && strcmp(out + n - k, last) == 0,
		      "output does not end with \"%s\":\n%s", last, out);
}

START_TEST(test_closing_lines)
{
	struct fixture fx;
	char *human, *tap;

	fixture_init(&fx);
	fx.sum.pass = summaries[_i].pass;
	fx.sum.fail = summaries[_i].fail;
	fx.sum.skip = summaries[_i].skip;
	fx.sum.error = summaries[_i].error;
	human = render_with(HUMAN, &fx);
	tap = render_with(TAP, &fx);
	fixture_free(&fx);
	ck_assert_msg(strstr(human, summaries[_i].human_first) != NULL,
		      "no \"%s\" in:\n%s", summaries[_i].human_first, human);
	assert_ends_with(human, summaries[_i].human_last);
	assert_ends_with(tap, summaries[_i].tap_last);
	free(human);
	free(tap);
}
END_TEST

START_TEST(test_human_interrupted)
{
	struct fixture fx;
	char *out;

	fixture_init(&fx);
	fx.sum.signo = SIGINT;
	out = render_with(HUMAN, &fx);
	fixture_free(&fx);
	ck_assert_ptr_nonnull(strstr(out, "interrupted by signal 2"));
	free(out);
}
END_TEST

START_TEST(test_tap_header)
{
	char *out = render(TAP);

	ck_assert(strncmp(out, "TAP version 13\n1..4\n", 20) == 0);
	free(out);
}
END_TEST

/* Every attribute value is escaped: no raw '<' and no '&' that does not
 * start one of XML's five entities. */
START_TEST(test_junit_attributes_escaped)
{
	static const char *const entities[] = {
		"&lt;", "&gt;", "&amp;", "&quot;", "&apos;",
	};
	char *out = render(JUNIT);
	const char *p = out;
	size_t nattr = 0;

	ck_assert(strncmp(out, "<?xml version=\"1.0\"", 19) == 0);
	while ((p = strstr(p, "=\"")) != NULL) {
		const char *v = p + 2;
		const char *close = strchr(v, '"');
		const char *q;

		ck_assert_ptr_nonnull(close);
		for (q = v; q < close; q++) {
			size_t k;
			bool ok = false;

			ck_assert_msg(*q != '<' && *q != '\n',
				      "raw '%c' in attribute \"%.*s\"", *q,
				      (int)(close - v), v);
			if (*q != '&')
				continue;
			for (k = 0; k < sizeof(entities) / sizeof(entities[0]); k++)
				if (strncmp(q, entities[k], strlen(entities[k])) == 0)
					ok = true;
			ck_assert_msg(ok, "raw '&' in attribute \"%.*s\"",
				      (int)(close - v), v);
		}
		nattr++;
		p = close + 1;
	}
	ck_assert_uint_gt(nattr, 10);
	free(out);
}
END_TEST

START_TEST(test_junit_structure)
{
	char *out = render(JUNIT);
	const char *p = out;
	size_t n = 0;
	static const char tail[] = "  </testsuite>\n</testsuites>\n";
	size_t len = strlen(out);

	while ((p = strstr(p, "<testcase ")) != NULL) {
		n++;
		p++;
	}
	ck_assert_uint_eq(n, NCASES);
	p = out;
	n = 0;
	while ((p = strstr(p, "</testcase>")) != NULL) {
		n++;
		p++;
	}
	ck_assert_uint_eq(n, NCASES);
	ck_assert_uint_gt(len, sizeof(tail) - 1);
	ck_assert_str_eq(out + len - (sizeof(tail) - 1), tail);
	free(out);
}
END_TEST

START_TEST(test_junit_unwritable)
{
	struct ga_error err = { "" };
	struct ga_reporter *rep;

	rep = ga_report_junit_new("/nonexistent-goneaway-dir/report.xml", &err);
	ck_assert_ptr_null(rep);
	ck_assert_ptr_nonnull(strstr(err.msg, "/nonexistent-goneaway-dir/report.xml"));
}
END_TEST

/* Heap bytes in use (glibc's count; under a sanitizer that replaces
 * malloc it stays 0, and the sanitizer's own leak check takes over). */
static size_t heap_in_use(void)
{
	return mallinfo2().uordblks;
}

/* What one aborted run left: its report file's descriptor (closed by
 * now, if all is well) and size, or why it could not run. */
struct aborted_run {
	int fd;
	long long size;
	char why[256];
};

/* One aborted run: a JUnit reporter on path is made, sees one case end,
 * and is freed without end_run.  Asserts nothing (Check's assertions
 * allocate, and the caller measures the heap around this): the caller
 * asserts on *ar. */
static void junit_abort(const char *path, const struct fixture *fx,
			struct aborted_run *ar)
{
	struct ga_error err = { "" };
	struct ga_reporter *rep;
	struct stat st;

	ar->fd = -1;
	ar->size = -1;
	ar->why[0] = '\0';
	rep = ga_report_junit_new(path, &err);
	if (!rep) {
		snprintf(ar->why, sizeof(ar->why), "%s", err.msg);
		return;
	}
	ar->fd = fileno(rep->out);
	rep->ops->begin_run(rep, NCASES);
	rep->ops->begin_case(rep, 0, fx->sc[0]);
	rep->ops->end_case(rep, 0, fx->sc[0], &fx->res[0]);
	ga_reporter_free(rep);
	if (stat(path, &st) < 0)
		snprintf(ar->why, sizeof(ar->why), "stat %s: %s", path,
			 strerror(errno));
	else
		ar->size = (long long)st.st_size;
}

static void assert_aborted_run(const struct aborted_run *ar,
			       const char *path)
{
	ck_assert_msg(ar->why[0] == '\0', "%s", ar->why);
	ck_assert_int_ge(ar->fd, 0);
	ck_assert_msg(ar->size == 0, "%s has %lld bytes after an aborted run",
		      path, ar->size);
	ck_assert_msg(fcntl(ar->fd, F_GETFD) == -1 && errno == EBADF,
		      "the report file (fd %d) is still open", ar->fd);
}

/* A reporter freed before end_run (an aborted run: the runner could not
 * start) writes nothing - no half document a CI system could take for a
 * report, and whatever the file held before is gone - closes its file,
 * and frees what it collected.
 *
 * The heap is measured around ABORT_ROUNDS runs after as many unmeasured
 * ones: stdio and libc allocate some things once, for good, and glibc
 * counts the blocks parked in its per-thread cache (up to 7 of each
 * size) as in use until that cache is full.  After that, the same
 * allocations in the same order leave the count exactly where it was,
 * and a leak of even one byte per run shows as at least ABORT_ROUNDS
 * blocks.  (valgrind with CK_FORK=no says the same, without the rounds.) */
#define ABORT_ROUNDS 16
START_TEST(test_junit_free_without_end)
{
	char path[] = "/tmp/ga-junit-XXXXXX";
	struct aborted_run runs[2 * ABORT_ROUNDS];
	struct fixture fx;
	size_t before, after;
	int fd = mkstemp(path);
	int i;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, "stale report\n", 13), 13);
	close(fd);
	fixture_init(&fx);
	for (i = 0; i < ABORT_ROUNDS; i++)
		junit_abort(path, &fx, &runs[i]);
	before = heap_in_use();
	for (; i < 2 * ABORT_ROUNDS; i++)
		junit_abort(path, &fx, &runs[i]);
	after = heap_in_use();
	unlink(path);
	for (i = 0; i < 2 * ABORT_ROUNDS; i++)
		assert_aborted_run(&runs[i], path);
	ck_assert_msg(after == before, "%zd bytes of heap left behind by %d "
		      "aborted runs", (ssize_t)(after - before), ABORT_ROUNDS);
	fixture_free(&fx);
}
END_TEST

/* Regression: the YAML "message:" is a double-quoted scalar; a reason
 * holding '"' (or '\\') must be escaped or the YAML block is invalid for
 * TAP consumers. */
START_TEST(test_tap_bug_yaml_message_escaped)
{
	static const char key[] = "  message: \"";
	char *out = render(TAP);
	char *line = strstr(out, key);
	char *v, *end, *q;
	char shown[256] = "";
	bool closed = false, escaped = true;

	if (line) {
		v = line + sizeof(key) - 1;
		end = strchr(v, '\n');
		if (end) {
			snprintf(shown, sizeof(shown), "%.*s",
				 (int)(end - line), line);
			closed = end > v && end[-1] == '"';
			for (q = v; closed && q < end - 1; q++) {
				if (*q == '\\')
					q++;
				else if (*q == '"')
					escaped = false;
			}
		}
	}
	free(out);      /* before asserting: no leak when CK_FORK=no */
	ck_assert_msg(line != NULL, "no YAML message line");
	ck_assert_msg(closed, "unterminated: %s", shown);
	ck_assert_msg(escaped, "report_tap.c: unescaped '\"' in YAML "
		      "scalar: %s", shown);
}
END_TEST

/* ---- data that is not text ---------------------------------------------- */

/* What a server or a scenario can put into a reason or a step's message:
 * bytes that are not UTF-8 (SELECT 0xFFFE41), a terminal's escape
 * sequences (set the title, clear the screen), a bell - and characters
 * that are perfectly good UTF-8 and must stay as they are. */
#define NASTY "bad \xff\xfe" "A bytes, \x1b]0;pwned\x07 title, \x1b[2J " \
	      "clear, caf\xc3\xa9 \xe2\x82\xac ok"
#define NICE "caf\xc3\xa9 \xe2\x82\xac ok"

/* The four cases with NASTY in the FAIL reason, the FAIL step's message
 * and value, the SKIP reason and the ERROR reason. */
static void fixture_init_nasty(struct fixture *fx)
{
	fixture_init(fx);
	snprintf(fx->res[1].reason, sizeof(fx->res[1].reason),
		 "value '%s' is not '1'", NASTY);
	snprintf(fx->res[1].steps[1].out.message,
		 sizeof(fx->res[1].steps[1].out.message), "%s", NASTY);
	fx->res[0].steps[0].out.has_value = true;
	snprintf(fx->res[0].steps[0].out.value,
		 sizeof(fx->res[0].steps[0].out.value), "%s", NASTY);
	snprintf(fx->res[2].reason, sizeof(fx->res[2].reason), "%s", NASTY);
	snprintf(fx->res[3].reason, sizeof(fx->res[3].reason), "%s", NASTY);
}

/* Length of the valid UTF-8 character at s, 0 if there is none. */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned long cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/* The reporter's own colour codes, the only escape sequences allowed. */
static size_t own_color_code(const char *p)
{
	static const char *const codes[] = {
		"\033[32m", "\033[31m", "\033[33m", "\033[35m", "\033[0m",
	};
	size_t k;

	for (k = 0; k < sizeof(codes) / sizeof(codes[0]); k++)
		if (strncmp(p, codes[k], strlen(codes[k])) == 0)
			return strlen(codes[k]);
	return 0;
}

/* out is valid UTF-8 with no control character but newline (and the
 * reporter's own colour codes when colors). */
static void assert_clean_text(const char *out, bool colors, const char *what)
{
	const unsigned char *p = (const unsigned char *)out;
	size_t n;

	while (*p) {
		if (colors && *p == 0x1b &&
		    (n = own_color_code((const char *)p)) > 0) {
			p += n;
			continue;
		}
		n = utf8_len(p);
		ck_assert_msg(n > 0, "%s: byte 0x%02x at offset %td is not "
			      "UTF-8:\n%s", what, *p,
			      (const char *)p - out, out);
		ck_assert_msg(n > 1 || *p == '\n' || (*p >= 0x20 && *p != 0x7f),
			      "%s: raw control byte 0x%02x at offset %td:\n%s",
			      what, *p, (const char *)p - out, out);
		p += n;
	}
}

static const enum out_kind nasty_kinds[] = {
	HUMAN, HUMAN_COLOR, HUMAN_VERBOSE, TAP, JUNIT,
};

/* Every reporter: no raw control byte, no invalid UTF-8; the bad bytes
 * shown as \xFF \xFE, the good characters kept as they are. */
START_TEST(test_escapes_data)
{
	enum out_kind kind = nasty_kinds[_i];
	struct fixture fx;
	char *out;

	fixture_init_nasty(&fx);
	out = render_with(kind, &fx);
	fixture_free(&fx);
	assert_clean_text(out, kind == HUMAN_COLOR, "reporter");
	ck_assert_msg(strstr(out, "bad \\xFF\\xFEA bytes") != NULL,
		      "reporter %d does not show the bytes as \\xFF\\xFE:\n%s",
		      kind, out);
	ck_assert_msg(strstr(out, "\\x1B]0;pwned\\x07 title") != NULL,
		      "reporter %d does not show ESC and BEL as \\x1B, \\x07:\n%s",
		      kind, out);
	ck_assert_msg(strstr(out, NICE) != NULL,
		      "reporter %d lost the UTF-8 characters:\n%s", kind, out);
	free(out);
}
END_TEST

/* TAP's YAML message is a double-quoted scalar: a raw byte cannot be
 * written in one, so it appears as the text \xFF (backslash escaped);
 * a control character as YAML's own escape; nothing else unescaped. */
START_TEST(test_tap_yaml_escapes)
{
	static const char key[] = "  message: \"";
	struct fixture fx;
	char *out, *line, *end, *q;

	fixture_init_nasty(&fx);
	out = render_with(TAP, &fx);
	fixture_free(&fx);
	line = strstr(out, key);
	ck_assert_ptr_nonnull(line);
	line += sizeof(key) - 1;
	end = strchr(line, '\n');
	ck_assert_ptr_nonnull(end);
	*end = '\0';
	ck_assert_msg(strstr(line, "bad \\\\xFF\\\\xFEA bytes, \\x1B]0;pwned\\x07"
			     " title") != NULL, "message: %s", line);
	for (q = line; *q && q < end - 1; q++) {
		if (*q != '\\')
			continue;
		q++;
		ck_assert_msg(strchr("\\\"ntrx", *q) != NULL,
			      "unknown YAML escape \\%c in: %s", *q, line);
	}
	free(out);
}
END_TEST

/* Runs a well-formedness checker over path: xmllint, or python3's
 * ElementTree.  Returns its exit status, or -1 if neither is here. */
static int check_xml(const char *path)
{
	char cmd[512];

	if (system("command -v xmllint > /dev/null 2>&1") == 0) {
		snprintf(cmd, sizeof(cmd), "xmllint --noout '%s'", path);
		return WEXITSTATUS(system(cmd));
	}
	if (system("command -v python3 > /dev/null 2>&1") == 0) {
		snprintf(cmd, sizeof(cmd), "python3 -c 'import sys, "
			 "xml.etree.ElementTree as E; E.parse(sys.argv[1])' "
			 "'%s'", path);
		return WEXITSTATUS(system(cmd));
	}
	return -1;
}

/* The JUnit file of the nasty cases is well-formed XML. */
START_TEST(test_junit_well_formed)
{
	char path[] = "/tmp/ga-junit-XXXXXX";
	struct ga_error err = { "" };
	struct ga_reporter *rep;
	struct fixture fx;
	int fd = mkstemp(path), rc;

	ck_assert_int_ge(fd, 0);
	close(fd);
	fixture_init_nasty(&fx);
	rep = ga_report_junit_new(path, &err);
	ck_assert_msg(rep != NULL, "junit: %s", err.msg);
	drive(rep, &fx);
	ga_reporter_free(rep);
	fixture_free(&fx);
	rc = check_xml(path);
	unlink(path);
	ck_assert_msg(rc != -1, "neither xmllint (libxml2-utils) nor python3 "
		      "is installed: cannot check the XML");
	ck_assert_msg(rc == 0, "the JUnit XML is not well-formed (see the "
		      "checker's message above)");
}
END_TEST

/* The escaping helper itself, one input at a time. */
static const struct {
	const char *in;
	enum ga_esc how;
	const char *out;
} escapes[] = {
	{ "plain text", GA_ESC_TEXT, "plain text" },
	{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", GA_ESC_TEXT,
	  "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80" },
	{ "\xff\xfe" "A", GA_ESC_TEXT, "\\xFF\\xFEA" },
	{ "a\tb\nc\rd", GA_ESC_TEXT, "a\tb\\nc\\rd" },
	{ "\x1b[2J\x07\x7f", GA_ESC_TEXT, "\\x1B[2J\\x07\\x7F" },
	{ "\xc2\x85 \xc2\x9b", GA_ESC_TEXT, "\\u0085 \\u009B" },      /* C1 */
	{ "\xef\xbf\xbe", GA_ESC_TEXT, "\\uFFFE" },
	{ "\xc0\xaf", GA_ESC_TEXT, "\\xC0\\xAF" },                  /* overlong */
	{ "\xed\xa0\x80", GA_ESC_TEXT, "\\xED\\xA0\\x80" },         /* surrogate */
	{ "\xf4\x90\x80\x80", GA_ESC_TEXT, "\\xF4\\x90\\x80\\x80" }, /* > 10FFFF */
	{ "end \xe2\x82", GA_ESC_TEXT, "end \\xE2\\x82" },           /* cut */
	{ "back\\slash", GA_ESC_TEXT, "back\\slash" },
	{ "say \"hi\" \\ \xff\t\x1b\n", GA_ESC_YAML,
	  "say \\\"hi\\\" \\\\ \\\\xFF\\t\\x1B\\n" },
	{ "<a href='x'>&</a>\n\t\x01\xff", GA_ESC_XML,
	  "&lt;a href=&apos;x&apos;&gt;&amp;&lt;/a&gt;\n\t\\x01\\xFF" },
	{ "\"q\"\n\t\x1b", GA_ESC_XML_ATTR, "&quot;q&quot;&#10;&#9;\\x1B" },
};

START_TEST(test_escape_table)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ga_esc_write(f, escapes[_i].in, escapes[_i].how);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_str_eq(buf, escapes[_i].out);
	free(buf);
}
END_TEST

/* Into a buffer: whole characters and whole escapes, or nothing. */
START_TEST(test_escape_format_cuts_whole)
{
	char buf[8];

	ga_esc_format(buf, sizeof(buf), "ab\xff\xfe", GA_ESC_TEXT);
	ck_assert_str_eq(buf, "ab\\xFF");
	ga_esc_format(buf, sizeof(buf), "abcde\xe2\x82\xac", GA_ESC_TEXT);
	ck_assert_str_eq(buf, "abcde");
	ga_esc_format(buf, sizeof(buf), "abcdef\xe2\x82\xac", GA_ESC_TEXT);
	ck_assert_str_eq(buf, "abcdef");
	ga_esc_format(buf, sizeof(buf), "abc\xe2\x82\xac", GA_ESC_TEXT);
	ck_assert_str_eq(buf, "abc\xe2\x82\xac");
	ga_esc_format(buf, 1, "abc", GA_ESC_TEXT);
	ck_assert_str_eq(buf, "");
}
END_TEST

/* ---- a driver's words: one step line, the report's and steps.log's ------ */

/* What a driver process may write in its reply (client/process_calls.c keeps
 * it as it came): ESC sequences, a carriage return, DEL and a C1
 * control (U+009B, CSI) in its message, its API name and its
 * sqlstate. */
#define DRIVER_MSG "gone\x1b[2J\r\x7f\xc2\x9b" "31m away"
#define DRIVER_API "mysql_\x1b]0;x\x07query"
#define SHOWN_LINE "line 7: query app: mysql_\\x1B]0;x\\x07query: returned " \
	"2006 (CR_SERVER_GONE_ERROR) \"gone\\x1B[2J\\r\\x7F\\u009B31m away\" " \
	"after 3 ms"

/* The FAIL case's step 7 and reason carry the driver's text. */
static void fixture_init_driver(struct fixture *fx)
{
	struct ga_step_result *sr;

	fixture_init(fx);
	sr = &fx->res[1].steps[1];
	snprintf(sr->out.message, sizeof(sr->out.message), "%s", DRIVER_MSG);
	sr->out.api = DRIVER_API;
	snprintf(sr->out.sqlstate, sizeof(sr->out.sqlstate), "\x1b[1m");
	snprintf(fx->res[1].reason, sizeof(fx->res[1].reason),
		 "driver said %s", DRIVER_MSG);
}

/* The report's line and steps.log's are one format (ga_step_line_write),
 * escaped alike: steps.log's line is the report's plus the sqlstate and
 * the expect line, and neither holds a raw control character.  Before,
 * steps.log wrote everything raw and the report the API name raw. */
START_TEST(test_step_line_escaped_everywhere)
{
	struct fixture fx;
	char *report, *log = NULL;
	size_t len = 0;
	FILE *f;

	fixture_init_driver(&fx);
	report = render_with(HUMAN_VERBOSE, &fx);
	f = open_memstream(&log, &len);
	ck_assert_ptr_nonnull(f);
	ga_steps_log_write(f, fx.sc[1], &fx.res[1]);
	ck_assert_int_eq(fclose(f), 0);
	fixture_free(&fx);
	assert_clean_text(report, false, "report");
	assert_clean_text(log, false, "steps.log");
	ck_assert_msg(strstr(report, "\n      " SHOWN_LINE "\n") != NULL,
		      "the report's step line:\n%s", report);
	ck_assert_msg(strstr(log, "\n" SHOWN_LINE " [sqlstate \\x1B[1m]; "
			     "expected 2013 (CR_SERVER_LOST) (expect line 8, "
			     "no selector): MISMATCH\n") != NULL,
		      "steps.log's step line:\n%s", log);
	ck_assert_msg(strstr(log, "\nreason: line 7: driver said gone\\x1B[2J"
			     "\\r\\x7F\\u009B31m away\n") != NULL,
		      "steps.log's reason:\n%s", log);
	ck_assert_msg(strstr(report, ": driver said gone\\x1B[2J\\r\\x7F"
			     "\\u009B31m away\n") != NULL,
		      "the report's reason:\n%s", report);
	free(report);
	free(log);
}
END_TEST

/* steps.log of the PASS case: the same lines as before, every field. */
START_TEST(test_steps_log_plain)
{
	struct fixture fx;
	char *log = NULL;
	size_t len = 0;
	FILE *f;

	fixture_init(&fx);
	snprintf(fx.res[0].server_notes, sizeof(fx.res[0].server_notes),
		 "note one\nnote \x1b[2J two");
	snprintf(fx.res[0].reverted, sizeof(fx.res[0].reverted),
		 "wall (firewall drop both)");
	fx.res[0].flavour = GA_FLAVOUR_MARIADB;
	snprintf(fx.res[0].server, sizeof(fx.res[0].server), "mariadb-11.8");
	snprintf(fx.res[0].backend, sizeof(fx.res[0].backend), "rootfs");
	snprintf(fx.res[0].client, sizeof(fx.res[0].client), "cmd\x1b");
	snprintf(fx.res[0].library, sizeof(fx.res[0].library), "Lib 1.2");
	f = open_memstream(&log, &len);
	ck_assert_ptr_nonnull(f);
	ga_steps_log_write(f, fx.sc[0], &fx.res[0]);
	ck_assert_int_eq(fclose(f), 0);
	fixture_free(&fx);
	ck_assert_str_eq(log,
		"scenario: scenarios/pass-case.gw\n"
		"verdict: PASS\n"
		"server: mariadb 10.11.19-MariaDB-0+deb12u1 (mariadb-11.8, "
		"rootfs backend)\n"
		"client: cmd\\x1B (Lib 1.2)\n"
		"server notes:\n"
		"note one\n"
		"note \\x1B[2J two\n"
		"teardown reverted: wall (firewall drop both)\n"
		"line 5: connect app: mysql_real_connect: succeeded after 2 ms\n"
		"line 7: query app: mysql_real_query: returned 2013 "
		"(CR_SERVER_LOST) \"Lost connection to server during query\" "
		"after 1002 ms; expected 2013 (CR_SERVER_LOST) "
		"(expect line 8, no selector): "
		"matched\n");
	free(log);
}
END_TEST

/* goneaway check's diagnostics quote the file's words: escaped too. */
START_TEST(test_diagnostics_escaped)
{
	struct ga_diags d = { 0 };
	char *out = NULL;
	size_t len = 0;
	FILE *f;

	ga_diags_add(&d, "scen\x1b[2Jario.gw", 3, 7,
		     "unknown connection '%s'", "ap\x1b]0;x\x07\xff");
	ga_diags_add(&d, "a.gw", 4, 0, "plain");
	f = open_memstream(&out, &len);
	ck_assert_ptr_nonnull(f);
	ga_diags_print(&d, f);
	ck_assert_int_eq(fclose(f), 0);
	ga_diags_free(&d);
	ck_assert_str_eq(out, "scen\\x1B[2Jario.gw:3:7: error: unknown "
			 "connection 'ap\\x1B]0;x\\x07\\xFF'\n"
			 "a.gw:4: error: plain\n");
	free(out);
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *make_report_suite(void)
{
	Suite *s = suite_create("report");
	TCase *tc;

	tc = tcase_create("output");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_output_text, 0, N(text_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("human");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_human_verdict_line, 0, N(verdict_lines));
	tcase_add_test(tc, test_human_closing_line);
	tcase_add_loop_test(tc, test_closing_lines, 0, N(summaries));
	tcase_add_test(tc, test_human_interrupted);
	suite_add_tcase(s, tc);

	tc = tcase_create("tap");
	tcase_set_timeout(tc, 5);
	tcase_add_test(tc, test_tap_header);
	suite_add_tcase(s, tc);

	tc = tcase_create("junit");
	tcase_set_timeout(tc, 5);
	tcase_add_test(tc, test_junit_attributes_escaped);
	tcase_add_test(tc, test_junit_structure);
	tcase_add_test(tc, test_junit_unwritable);
	tcase_add_test(tc, test_junit_free_without_end);
	suite_add_tcase(s, tc);

	tc = tcase_create("escaping");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_escapes_data, 0, N(nasty_kinds));
	tcase_add_test(tc, test_tap_yaml_escapes);
	tcase_add_test(tc, test_junit_well_formed);
	tcase_add_loop_test(tc, test_escape_table, 0, N(escapes));
	tcase_add_test(tc, test_escape_format_cuts_whole);
	tcase_add_test(tc, test_step_line_escaped_everywhere);
	tcase_add_test(tc, test_steps_log_plain);
	tcase_add_test(tc, test_diagnostics_escaped);
	suite_add_tcase(s, tc);

	tc = tcase_create("tap_yaml");
	tcase_set_timeout(tc, 5);
	tcase_add_test(tc, test_tap_bug_yaml_message_escaped);
	suite_add_tcase(s, tc);
	return s;
}
