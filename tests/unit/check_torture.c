/* check_torture.c - every allocation of a reader of outside input made to
 * fail in turn (curl's torture; util/alloc.h): the scenario parser, an
 * expectation file, results.jsonl, a worker's result, a driver's
 * replies and a bundle, each over a real input (a shipped scenario,
 * the fuzz targets' seeds).  Each is read once as it is (it must
 * pass), counting its allocations, then once per allocation with that
 * one failing: each time a clean refusal, never a pass, a crash or
 * (under "make sanitize", with LeakSanitizer) a leak. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lang/diag.h"
#include "lang/expectations.h"
#include "lang/parse.h"
#include "client/protocol.h"
#include "plan/casecheck.h"
#include "result/results.h"
#include "suites.h"
#include "util/alloc.h"
#include "util/fsutil.h"
#include "util/json.h"
#include "util/tarball.h"

/* A reader over ctx: 0 read, -1 refused (why says why). */
typedef int (*reader_fn)(void *ctx, char *why, size_t len);

/* Runs read once whole, then once for each of its allocations failing. */
static void torture(const char *what, reader_fn read, void *ctx)
{
	char why[1024];
	long k, total;
	int rc;

	ck_assert_msg(ga_alloc_wrapped(), "check-unit is not linked with "
		      "GA_ALLOC_WRAP: nothing can fail");
	why[0] = '\0';
	ga_alloc_fail_at(0);
	rc = read(ctx, why, sizeof(why));
	total = ga_alloc_count();
	ga_alloc_disarm();
	ck_assert_msg(rc == 0, "%s: refused as it is: %s", what, why);
	ck_assert_msg(total > 0, "%s: no allocation to fail", what);
	if (getenv("GA_TORTURE_VERBOSE"))
		fprintf(stderr, "torture: %s: %ld allocations, each failed "
			"once\n", what, total);
	for (k = 1; k <= total; k++) {
		why[0] = '\0';
		ga_alloc_fail_at(k);
		rc = read(ctx, why, sizeof(why));
		ga_alloc_disarm();
		ck_assert_msg(ga_alloc_failed(), "%s: allocation %ld of %ld "
			      "never came (not the same reading twice?)",
			      what, k, total);
		ck_assert_msg(rc != 0, "%s: allocation %ld of %ld failed, and "
			      "it read as if nothing had", what, k, total);
		ck_assert_msg(why[0], "%s: allocation %ld of %ld failed: "
			      "refused without a word", what, k, total);
	}
}

/* The whole file path (below the top of the tree), owned. */
static char *slurp(const char *path, size_t *len)
{
	struct ga_error err;
	char *text = NULL;

	ck_assert_msg(ga_file_read(path, 1 << 22, &text, len, &err) == 0,
		      "%s: %s", path, err.msg);
	return text;
}

/* ---- the scenario parser ----------------------------------------------------- */

static int read_scenario(void *ctx, char *why, size_t len)
{
	struct ga_scenario *sc = NULL;
	struct ga_diags diags = { 0 };
	int rc = ga_parse_text("scenarios/t.gw", ctx, &sc, &diags);

	if (rc)
		snprintf(why, len, "%s", diags.n ? diags.items[0].msg : "");
	ga_scenario_free(sc);
	ga_diags_free(&diags);
	return rc;
}

START_TEST(test_torture_scenario)
{
	static const char *const files[] = {
		"scenarios/kill-idle.gw", "scenarios/server-crash.gw",
		"scenarios/pool-recycle.gw",
	};
	size_t len;
	char *text = slurp(files[_i], &len);

	torture(files[_i], read_scenario, text);
	free(text);
}
END_TEST

/* ---- an expectation file ------------------------------------------------------- */

static int read_expectations(void *ctx, char *why, size_t len)
{
	struct ga_expectations x;
	struct ga_diags diags = { 0 };
	int rc;

	memset(&x, 0, sizeof(x));
	rc = ga_expectations_parse_text("t.expectations", ctx, &x, &diags);
	if (rc)
		snprintf(why, len, "%s", diags.n ? diags.items[0].msg : "");
	ga_expectations_free(&x);
	ga_diags_free(&diags);
	return rc;
}

START_TEST(test_torture_expectations)
{
	size_t len;
	char *text = slurp("tests/fuzz/corpus/expectations/pymysql-recorded",
			   &len);

	torture("an expectation file", read_expectations, text);
	free(text);
}
END_TEST

/* ---- results.jsonl, and a worker's result ------------------------------------- */

static int read_results(void *ctx, char *why, size_t len)
{
	struct ga_results r = { 0 };
	struct ga_error err;
	int rc = ga_results_read(&r, ctx, &err);

	if (rc == 0)
		rc = ga_results_sort(&r, &err);
	if (rc)
		snprintf(why, len, "%s", err.msg);
	ga_results_free(&r);
	return rc;
}

START_TEST(test_torture_results)
{
	torture("results.jsonl", read_results,
		(void *)"tests/fuzz/corpus/results/case-folder.jsonl");
}
END_TEST

/* The first case of a results file, written whole as a worker sends it,
 * and its scenario as read back. */
struct whole {
	struct ga_results r;
	char *text;
	size_t len;
};

static int read_whole(void *ctx, char *why, size_t len)
{
	struct whole *w = ctx;
	struct ga_case_result res;
	struct ga_error err;
	int rc = ga_results_read_whole(w->text, w->len, "a worker's result",
				       w->r.cases[0].sc, NULL, NULL, NULL,
				       &res, &err);

	if (rc)
		snprintf(why, len, "%s", err.msg);
	ga_case_result_free(&res);
	return rc;
}

START_TEST(test_torture_whole)
{
	struct whole w;
	struct ga_error err;
	FILE *f;

	memset(&w, 0, sizeof(w));
	ck_assert_int_eq(ga_results_read(&w.r,
		"tests/fuzz/corpus/results/case-folder.jsonl", &err), 0);
	ck_assert_uint_ge(w.r.n, 1);
	f = open_memstream(&w.text, &w.len);
	ck_assert_ptr_nonnull(f);
	ga_results_write_whole(f, w.r.cases[0].sc, &w.r.cases[0].res, NULL);
	fclose(f);
	torture("a worker's result", read_whole, &w);
	free(w.text);
	ga_results_free(&w.r);
}
END_TEST

/* ---- a driver's replies ---------------------------------------------------------- */

static int read_replies(void *ctx, char *why, size_t len)
{
	const char *p = ctx, *nl;
	struct ga_error err;
	struct ga_json *j;
	unsigned features;
	int version;

	for (; *p; p = nl + 1) {
		nl = strchr(p, '\n');
		if (!nl)
			nl = p + strlen(p);
		j = ga_json_parse(p, (size_t)(nl - p), &err);
		if (!j) {
			snprintf(why, len, "%s", err.msg);
			return -1;
		}
		if (ga_json_get(j, "hello") &&
		    ga_protocol_greeting(j, &version, &features, why, len)) {
			ga_json_free(j);
			return -1;
		}
		ga_json_free(j);
		if (!*nl)
			break;
	}
	return 0;
}

START_TEST(test_torture_replies)
{
	size_t len;
	char *text = slurp("tests/fuzz/corpus/protocol/pymysql-session", &len);

	torture("a driver's replies", read_replies, text);
	free(text);
}
END_TEST

/* ---- a bundle ------------------------------------------------------------------------ */

/* What replay reads of a bundle before it runs anything: the archive
 * unpacked, SHA256SUMS against the files (the seed has none: as with
 * --trust), the scenario parsed and its
 * steps against results.jsonl (plan/casecheck.h, whose refusals go to
 * stderr: kept here as why). */
static int read_bundle(void *ctx, char *why, size_t len)
{
	char into[] = "/tmp/ga-torture-bundle.XXXXXX", top[256];
	char dir[sizeof(into) + sizeof(top) + 1], gw[sizeof(dir) + 16];
	struct ga_scenario *sc = NULL;
	struct ga_diags diags = { 0 };
	struct ga_error err;
	int rc, out, saved;
	ssize_t n;

	if (!mkdtemp(into)) {
		snprintf(why, len, "mkdtemp");
		return -1;
	}
	rc = ga_tarball_read(ctx, into, top, sizeof(top), &err);
	if (rc) {
		snprintf(why, len, "%s", err.msg);
		goto done;
	}
	snprintf(dir, sizeof(dir), "%s/%s", into, top);
	snprintf(gw, sizeof(gw), "%s/scenario.gw", dir);
	/* no ck_assert while armed: Check allocates too */
	out = memfd_create("stderr", MFD_CLOEXEC);
	saved = dup(2);
	if (out < 0 || saved < 0 || dup2(out, 2) != 2) {
		snprintf(why, len, "cannot take stderr");
		abort();
	}
	rc = ga_case_check_digests(dir, "bundle:", true);
	if (rc == 0 && ga_parse_file(gw, &sc, &diags) != 0) {
		snprintf(why, len, "%s", diags.n ? diags.items[0].msg : "");
		rc = -1;
	}
	if (rc == 0)
		rc = ga_case_check_steps(dir, "bundle:", sc);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	if (rc && !why[0]) {
		n = pread(out, why, len - 1, 0);
		why[n > 0 ? n : 0] = '\0';
	}
	close(out);
done:
	ga_alloc_disarm();      /* what the test removes is not read */
	ga_scenario_free(sc);
	ga_diags_free(&diags);
	ga_tree_remove(into, &err);
	return rc;
}

START_TEST(test_torture_bundle)
{
	torture("a bundle", read_bundle,
		(void *)"tests/fuzz/corpus/bundle/kill-idle.tar.gz");
}
END_TEST

/* The inputs are the source tree's files (t0001 runs the tests
 * elsewhere). */
static void to_top(void)
{
	ck_assert_msg(chdir(unit_top()) == 0, "chdir %s", unit_top());
}

Suite *make_torture_suite(void)
{
	Suite *s = suite_create("torture");
	TCase *tc = tcase_create("every allocation fails in turn");

	tcase_set_timeout(tc, 120);
	tcase_add_checked_fixture(tc, to_top, NULL);
	tcase_add_loop_test(tc, test_torture_scenario, 0, 3);
	tcase_add_test(tc, test_torture_expectations);
	tcase_add_test(tc, test_torture_results);
	tcase_add_test(tc, test_torture_whole);
	tcase_add_test(tc, test_torture_replies);
	tcase_add_test(tc, test_torture_bundle);
	suite_add_tcase(s, tc);
	return s;
}
