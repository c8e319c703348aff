/* check_matrix_html.c - the results matrix as an HTML page
 * (ga_matrix_html_write): what comes from outside is escaped, each cell
 * says its verdict in its class, a cell links to its steps.log only when
 * its evidence was kept, and a page that cannot be written is an error;
 * a cell names every outcome a repeated step had. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/matrix.h"
#include "suites.h"

#define HOSTILE "<script>&\"'"
#define HOSTILE_ESCAPED "&lt;script&gt;&amp;&quot;&apos;"

/* A scenario of one query step with one expect line: its result's
 * error class becomes the cell's codes.  Freed with ga_scenario_free(). */
static struct ga_scenario *make_scenario(const char *name)
{
	struct ga_scenario *sc = calloc(1, sizeof(*sc));

	ck_assert_ptr_nonnull(sc);
	sc->name = strdup(name);
	sc->path = strdup("x.gw");
	sc->steps = calloc(1, sizeof(*sc->steps));
	ck_assert_ptr_nonnull(sc->steps);
	sc->steps[0].kind = GA_STEP_QUERY;
	sc->steps[0].expects = calloc(1, sizeof(*sc->steps[0].expects));
	ck_assert_ptr_nonnull(sc->steps[0].expects);
	sc->steps[0].nexpects = 1;
	sc->nsteps = 1;
	return sc;
}

/* A result with verdict v, evidence kept in results ("" for none), its
 * one step an error of class cls ("" for success). */
static void make_result(struct ga_case_result *res, enum ga_verdict v,
			const char *results, const char *cls)
{
	memset(res, 0, sizeof(*res));
	res->verdict = v;
	snprintf(res->results, sizeof(res->results), "%s", results);
	res->steps = calloc(1, sizeof(*res->steps));
	ck_assert_ptr_nonnull(res->steps);
	res->nsteps = 1;
	res->steps[0].ran = true;
	res->steps[0].out.result = cls[0] ? GA_RESULT_ERROR : GA_RESULT_OK;
	res->steps[0].matched = !cls[0];   /* an ok step matched */
	snprintf(res->steps[0].out.error_class,
		 sizeof(res->steps[0].out.error_class), "%s", cls);
}

/* The page of m, as a string (free() it). */
static char *page(const struct ga_matrix *m, const char *base)
{
	struct ga_error err;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ga_matrix_html_write(m, f, "t<i>tle", base, &err), 0);
	ck_assert_int_eq(fclose(f), 0);
	return buf;
}

/* A table of one scenario and one column, its cell from results. */
static char *one_cell(const char *results, const char *base)
{
	struct ga_scenario *sc = make_scenario("one");
	struct ga_case_result res;
	struct ga_matrix m;
	char *html;

	ck_assert_int_eq(ga_matrix_init(&m, &sc, 1, 1), 0);
	ck_assert_int_eq(ga_matrix_column(&m, 0, "local"), 0);
	make_result(&res, GA_VERDICT_PASS, results, "");
	ga_matrix_set(&m, 0, 0, sc, &res, "builtin");
	ga_case_result_free(&res);
	html = page(&m, base);
	ga_matrix_free(&m);
	ga_scenario_free(sc);
	return html;
}

START_TEST(test_html_escapes_outside_text)
{
	struct ga_scenario *sc = make_scenario(HOSTILE);
	struct ga_case_result res;
	struct ga_matrix m;
	char *html;

	ck_assert_int_eq(ga_matrix_init(&m, &sc, 1, 1), 0);
	ck_assert_int_eq(ga_matrix_column(&m, 0, "srv<b>/cli"), 0);
	make_result(&res, GA_VERDICT_FAIL, "", "<img src=x>");
	snprintf(res.server_version, sizeof(res.server_version),
		 "10.11\"><hr");
	ga_matrix_set(&m, 0, 0, sc, &res, "lib'&");
	ga_case_result_free(&res);
	html = page(&m, NULL);

	ck_assert_ptr_nonnull(strstr(html, "<th scope=\"row\">"
				     HOSTILE_ESCAPED "</th>"));
	ck_assert_ptr_nonnull(strstr(html, "srv&lt;b&gt;/cli"));
	ck_assert_ptr_nonnull(strstr(html, "FAIL &lt;img src=x&gt;</td>"));
	ck_assert_ptr_nonnull(strstr(html, "10.11&quot;&gt;&lt;hr, "
				     "client lib&apos;&amp;"));
	ck_assert_ptr_nonnull(strstr(html, "<title>t&lt;i&gt;tle</title>"));
	ck_assert_ptr_null(strstr(html, "<script"));
	ck_assert_ptr_null(strstr(html, "<img"));
	ck_assert_ptr_null(strstr(html, "<hr"));
	ck_assert_ptr_null(strstr(html, "<b>"));
	ck_assert_ptr_null(strstr(html, "<i>"));
	free(html);
	ga_matrix_free(&m);
	ga_scenario_free(sc);
}
END_TEST

START_TEST(test_html_class_per_verdict)
{
	static const char *const names[] = { "p", "f", "s", "e" };
	static const enum ga_verdict verdicts[] = {
		GA_VERDICT_PASS, GA_VERDICT_FAIL, GA_VERDICT_SKIP,
		GA_VERDICT_ERROR,
	};
	static const char *const rows[] = {
		"<tr><th scope=\"row\">p</th><td class=\"pass\" "
		"data-verdict=\"pass\">PASS ok</td><td class=\"none\"",
		"<tr><th scope=\"row\">f</th><td class=\"fail\" "
		"data-verdict=\"fail\">FAIL 2013</td><td class=\"none\"",
		"<tr><th scope=\"row\">s</th><td class=\"skip\" "
		"data-verdict=\"skip\">SKIP</td><td class=\"none\"",
		"<tr><th scope=\"row\">e</th><td class=\"error\" "
		"data-verdict=\"error\">ERROR</td><td class=\"none\"",
	};
	struct ga_scenario *sc[4];
	struct ga_case_result res;
	struct ga_matrix m;
	char *html;
	size_t i;

	for (i = 0; i < 4; i++)
		sc[i] = make_scenario(names[i]);
	ck_assert_int_eq(ga_matrix_init(&m, sc, 4, 2), 0);
	ck_assert_int_eq(ga_matrix_column(&m, 0, "a"), 0);
	ck_assert_int_eq(ga_matrix_column(&m, 1, "b"), 0);
	for (i = 0; i < 4; i++) {
		make_result(&res, verdicts[i], "", "");
		if (verdicts[i] == GA_VERDICT_FAIL) {
			res.steps[0].out.result = GA_RESULT_ERROR;
			res.steps[0].out.err = 2013;
		}
		ga_matrix_set(&m, i, 0, sc[i], &res, "builtin");
		ga_case_result_free(&res);
	}
	html = page(&m, NULL);
	for (i = 0; i < 4; i++)
		ck_assert_msg(strstr(html, rows[i]), "no row: %s\n%s",
			      rows[i], html);
	ck_assert_ptr_nonnull(strstr(html, "<td class=\"none\" "
				     "data-verdict=\"none\">\xe2\x80\x94</td>"));
	ck_assert_ptr_nonnull(strstr(html, "1 PASS</span>, "));
	ck_assert_ptr_nonnull(strstr(html, "1 ERROR</span>, "));
	ck_assert_ptr_nonnull(strstr(html, "4 not run</span>"));
	ck_assert_ptr_null(strstr(html, "<a "));
	free(html);
	ga_matrix_free(&m);
	for (i = 0; i < 4; i++)
		ga_scenario_free(sc[i]);
}
END_TEST

START_TEST(test_html_link_only_with_evidence)
{
	char cwd[4096], *html;

	/* below the page's directory: relative, percent-encoded */
	html = one_cell("/nonexistent-ga/out/res/a b\"<", "/nonexistent-ga/out");
	ck_assert_msg(strstr(html, "<a href=\"res/a%20b%22%3C/steps.log\">"
			     "PASS ok</a></td>"), "%s", html);
	free(html);
	/* elsewhere: relative still, through "..", so that the page
	 * and the evidence move together (issue 24) */
	html = one_cell("/nonexistent-ga/res/x", "/nonexistent-ga/out");
	ck_assert_msg(strstr(html, "<a href=\"../res/x/steps.log\">"), "%s",
		      html);
	free(html);
	html = one_cell("/nonexistent-ga/res/x", "/nonexistent-ga/a/b/");
	ck_assert_msg(strstr(html, "<a href=\"../../res/x/steps.log\">"),
		      "%s", html);
	free(html);
	html = one_cell("/nonexistent-ga/res/x", "/");
	ck_assert_msg(strstr(html, "<a href=\"nonexistent-ga/res/x/"
			     "steps.log\">"), "%s", html);
	free(html);
	html = one_cell("/nonexistent-ga/outer/x", "/nonexistent-ga/out");
	ck_assert_msg(strstr(html, "<a href=\"../outer/x/steps.log\">"),
		      "%s", html);
	free(html);
	/* no directory given: a file: URL */
	html = one_cell("/nonexistent-ga/out/x", NULL);
	ck_assert_ptr_nonnull(strstr(html, "href=\"file:///nonexistent-ga/"
				     "out/x/steps.log\""));
	free(html);
	/* relative to the working directory, the page in it */
	ck_assert_ptr_nonnull(getcwd(cwd, sizeof(cwd)));
	html = one_cell("nonexistent-ga/x", cwd);
	ck_assert_ptr_nonnull(strstr(html, "href=\"nonexistent-ga/x/"
				     "steps.log\""));
	free(html);
	/* no evidence: no link */
	html = one_cell("", "/nonexistent-ga/out");
	ck_assert_ptr_null(strstr(html, "<a"));
	ck_assert_ptr_null(strstr(html, "href"));
	ck_assert_ptr_nonnull(strstr(html, "data-verdict=\"pass\">PASS ok</td>"));
	free(html);
}
END_TEST

START_TEST(test_html_self_contained)
{
	char *html = one_cell("/nonexistent-ga/x", NULL);

	ck_assert_ptr_nonnull(strstr(html, "<!DOCTYPE html>\n"));
	ck_assert_ptr_nonnull(strstr(html, "<meta charset=\"utf-8\">"));
	ck_assert_ptr_nonnull(strstr(html, "<style>"));
	ck_assert_ptr_nonnull(strstr(html, "</html>\n"));
	ck_assert_ptr_null(strstr(html, "<script"));
	ck_assert_ptr_null(strstr(html, "<link"));
	ck_assert_ptr_null(strstr(html, "http"));
	ck_assert_ptr_null(strstr(html, "url("));
	free(html);
}
END_TEST

START_TEST(test_html_unwritable)
{
	struct ga_scenario *sc = make_scenario("one");
	struct ga_matrix m;
	struct ga_error err;
	FILE *f = fopen("/dev/full", "w");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(ga_matrix_init(&m, &sc, 1, 1), 0);
	err.msg[0] = '\0';
	ck_assert_int_eq(ga_matrix_html_write(&m, f, "t", NULL, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "cannot write"));
	fclose(f);
	ga_matrix_free(&m);
	ga_scenario_free(sc);
}
END_TEST

/* A step whose outcome varied over a repeat's runs shows every outcome,
 * the most frequent first, not the last run's alone; one that never
 * varied shows as a single run does. */
START_TEST(test_cell_shows_spread)
{
	struct ga_scenario *sc = make_scenario("lossy");
	struct ga_case_result res;
	struct ga_tally *t;
	char codes[128];

	make_result(&res, GA_VERDICT_PASS, "", "");
	res.runs = 6;
	t = calloc(2, sizeof(*t));
	ck_assert_ptr_nonnull(t);
	t[0].result = GA_RESULT_OK;
	t[0].count = 2;
	t[1].result = GA_RESULT_ERROR;
	t[1].err = 2013;
	t[1].count = 4;
	res.steps[0].tally = t;
	res.steps[0].ntally = 2;
	ga_matrix_codes(sc, &res, codes, sizeof(codes));
	ck_assert_str_eq(codes, "2013/ok");
	res.steps[0].ntally = 1;        /* ok in every run */
	ga_matrix_codes(sc, &res, codes, sizeof(codes));
	ck_assert_str_eq(codes, "ok");
	/* ok counted apart for each set of a pool's events: named once */
	t = realloc(t, 3 * sizeof(*t));
	ck_assert_ptr_nonnull(t);
	res.steps[0].tally = t;
	t[2] = t[0];
	t[2].has_pool_events = true;
	t[2].pool_events = GA_POOL_EVENT(OPENED);
	t[2].count = 1;
	res.steps[0].ntally = 3;
	ga_matrix_codes(sc, &res, codes, sizeof(codes));
	ck_assert_str_eq(codes, "2013/ok");
	res.steps[0].ntally = 2;
	ga_case_result_free(&res);
	ga_scenario_free(sc);
}
END_TEST

/* Issue 38: a pool's events are what tells its remedies apart; a cell
 * shows them after the step's word, when the pool did more than open a
 * connection ("ok[discarded+opened]", "2013[discarded]"). */
START_TEST(test_cell_shows_pool_events)
{
	struct ga_scenario *sc = make_scenario("pooled");
	struct ga_case_result res;
	char codes[128];

	make_result(&res, GA_VERDICT_PASS, "", "");
	res.steps[0].out.has_pool_events = true;
	res.steps[0].out.pool_events = GA_POOL_EVENT(DISCARDED) |
				       GA_POOL_EVENT(OPENED);
	ga_matrix_codes(sc, &res, codes, sizeof(codes));
	ck_assert_str_eq(codes, "ok[discarded+opened]");
	/* a first borrow, which opens a connection: nothing to show */
	res.steps[0].out.pool_events = GA_POOL_EVENT(OPENED);
	ga_matrix_codes(sc, &res, codes, sizeof(codes));
	ck_assert_str_eq(codes, "ok");
	/* an error and what the pool did with it */
	res.steps[0].out.result = GA_RESULT_ERROR;
	res.steps[0].out.err = 2013;
	res.steps[0].matched = true;
	res.steps[0].out.pool_events = GA_POOL_EVENT(DISCARDED);
	ga_matrix_codes(sc, &res, codes, sizeof(codes));
	ck_assert_str_eq(codes, "2013[discarded]");
	ga_case_result_free(&res);
	ga_scenario_free(sc);
}
END_TEST

Suite *make_matrix_html_suite(void)
{
	Suite *s = suite_create("matrix_html");
	TCase *tc = tcase_create("html");

	tcase_add_test(tc, test_html_escapes_outside_text);
	tcase_add_test(tc, test_html_class_per_verdict);
	tcase_add_test(tc, test_html_link_only_with_evidence);
	tcase_add_test(tc, test_html_self_contained);
	tcase_add_test(tc, test_html_unwritable);
	suite_add_tcase(s, tc);
	tc = tcase_create("codes");
	tcase_add_test(tc, test_cell_shows_pool_events);
	tcase_add_test(tc, test_cell_shows_spread);
	suite_add_tcase(s, tc);
	return s;
}
