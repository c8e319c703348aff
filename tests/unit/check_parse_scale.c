/* check_parse_scale.c - the parser's work grows with the file, not with
 * its square: many connection, pool and fault names, each declared,
 * used and misspelt, and many diagnostics out of line order (issue 34:
 * 1 MiB of "connection cN" lines took 26 s of CPU in goneaway check).
 *
 * Not a timing test: each file here has N = 100,000 names or more.  A
 * parser that compares a name with every name before it makes 5 * 10^9
 * comparisons or more for one of them, minutes of CPU; one that looks
 * names up in a table parses each file in well under a second of CPU
 * (under 1.5 s sanitized).  The bound is the test process's CPU time,
 * not the clock: each test runs under RLIMIT_CPU of CPU_BUDGET_S
 * seconds (three times that sanitized), and the kernel ends it with
 * SIGXCPU past it.  So a quadratic loop anywhere in these paths fails
 * by a wide margin, and a busy machine, which stretches the wall time
 * (ten times at load 15 on 2 cores, under the sanitizers: Check's 12 s
 * wall timeout failed three of these tests in a fresh machine's run),
 * cannot make a linear parser fail: the wall timeout is only against a
 * hang. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "lang/nameindex.h"
#include "lang/parse.h"
#include "parse_util.h"
#include "suites.h"

#define N 100000
#define CPU_BUDGET_S 10         /* a test's CPU seconds, unsanitized */
#define WALL_TIMEOUT_S 120      /* against a hang only */

/* Each test's CPU bound (Check forks a process per test: the limit is
 * that process's alone). */
static void cpu_budget(void)
{
	rlim_t s = getenv("GA_UNIT_SANITIZED") ? 3 * CPU_BUDGET_S :
		   CPU_BUDGET_S;
	struct rlimit rl = { s, s + 1 };

	ck_assert_int_eq(setrlimit(RLIMIT_CPU, &rl), 0);
}

/* A scenario's text, written line by line. */
struct text {
	FILE *f;
	char *data;             /* owned, once done() */
	size_t len;
};

static void start(struct text *t)
{
	t->data = NULL;
	t->f = open_memstream(&t->data, &t->len);
	ck_assert_ptr_nonnull(t->f);
	fputs("title t\ncause c\n", t->f);
}

/* N lines, i from 0: "A<i>", "A<i>B" or "A<i>B<i>C" (B, C NULL for
 * none). */
static void lines(struct text *t, const char *a, const char *b,
		  const char *c)
{
	int i;

	for (i = 0; i < N; i++) {
		fprintf(t->f, "%s%d%s", a, i, b ? b : "");
		if (c)
			fprintf(t->f, "%d%s", i, c);
		fputc('\n', t->f);
	}
}

static const char *done(struct text *t)
{
	ck_assert_int_eq(fclose(t->f), 0);
	return t->data;
}

/* N connections, each connected and queried by its name, with its own
 * thread id in the SQL. */
START_TEST(test_many_connections)
{
	struct text b;
	struct ga_scenario *sc;

	start(&b);
	lines(&b, "connection c", NULL, NULL);
	lines(&b, "connect c", NULL, NULL);
	lines(&b, "query c", " SELECT %thread[c", "]%");
	sc = parse_ok(done(&b));
	ck_assert_uint_eq(sc->nconnections, N);
	ck_assert_uint_eq(sc->nsteps, 2 * N);
	ck_assert_int_eq(sc->steps[2 * N - 1].conn, N - 1);
	ga_scenario_free(sc);
	free(b.data);
}
END_TEST

/* N pools, each taken by one connection. */
START_TEST(test_many_pools)
{
	struct text b;
	struct ga_scenario *sc;

	start(&b);
	lines(&b, "pool p", NULL, NULL);
	lines(&b, "connection c", " pool=p", "");
	fputs("connect c0\n", b.f);
	sc = parse_ok(done(&b));
	ck_assert_str_eq(sc->connections[N - 1].pool.name, "p99999");
	ga_scenario_free(sc);
	free(b.data);
}
END_TEST

/* N faults, each lifted by its name. */
START_TEST(test_many_faults)
{
	struct text b;
	struct ga_scenario *sc;

	start(&b);
	lines(&b, "fault f", " pause", NULL);
	lines(&b, "lift f", NULL, NULL);
	sc = parse_ok(done(&b));
	ck_assert_uint_eq(sc->nsteps, 2 * N);
	ga_scenario_free(sc);
	free(b.data);
}
END_TEST

/* The first diagnostic of d (in line order) that has its text: those
 * found after the first GA_DIAGS_SHOWN_MAX have none. */
static size_t first_shown(const struct ga_diags *d)
{
	size_t i;

	for (i = 0; i < d->n && !d->items[i].msg; i++)
		;
	ck_assert_uint_lt(i, d->n);
	return i;
}

/* Files with N problems or more of one kind: every one reported (a
 * count), the first shown at its place, and the parse linear. */
static const struct bad_file {
	const char *what;
	struct { const char *a, *b, *c; } lines[3];     /* lines(): each
							 * a NULL for none */
	const char *head, *tail;        /* a line before, after; or NULL */
	size_t diags;                   /* times N */
	int line;                       /* the first shown: at line N +
					 * line */
	int col;
	const char *first;
} bad_files[] = {
	{ "connection names declared twice",
	  { { "connection c", NULL, NULL }, { "connection c", NULL, NULL } },
	  NULL, "connect c0", 1, 3, 12,
	  "connection 'c0' is already declared at line 3" },
	{ "steps on an unknown connection, the first ones with the name meant",
	  { { "connection c", NULL, NULL }, { "connect d", NULL, NULL } },
	  NULL, NULL, 1, 3, 9, "unknown connection 'd0'; did you mean 'c0'?" },
	{ "%thread[] of an unknown connection",
	  { { "connection c", NULL, NULL },
	    { "query c", " SELECT %thread[e", "]%" } },
	  NULL, NULL, 1, 3, 25,
	  "unknown connection 'e0' in %thread[...]%; did you mean 'c0'?" },
	/* each pool declared again (from line N + 3: found first), taken
	 * by no connection (from line 3: found at the end of the file),
	 * and the connections' pools unknown */
	{ "pools declared twice, connections taking unknown pools",
	  { { "pool p", NULL, NULL }, { "pool p", NULL, NULL },
	    { "connection c", " pool=q", "" } },
	  NULL, "connect c0", 3, 3, 6, "pool 'p0' is already declared at "
	  "line 3" },
	{ "faults declared twice, lifts of unknown faults",
	  { { "fault f", " pause", NULL }, { "fault f", " pause", NULL },
	    { "lift g", NULL, NULL } },
	  NULL, NULL, 2, 3, 7, "fault 'f0' is already declared at line 3" },
	{ "sweeps in a scenario run once",
	  { { "sleep 1ms..1", "ms", NULL } },
	  "repeat 1", NULL, 1, -N + 4, 7,
	  "a sweep varies the sleep over the runs" },
};

START_TEST(test_many_errors)
{
	const struct bad_file *f = &bad_files[_i];
	struct ga_diags d = { 0 };
	struct text b;
	size_t k;

	start(&b);
	if (f->head)
		fprintf(b.f, "%s\n", f->head);
	for (k = 0; k < 3 && f->lines[k].a; k++)
		lines(&b, f->lines[k].a, f->lines[k].b, f->lines[k].c);
	if (f->tail)
		fprintf(b.f, "%s\n", f->tail);
	parse_bad(done(&b), &d);
	ck_assert_msg(d.n == f->diags * N, "%s: %zu diagnostics", f->what,
		      d.n);
	assert_diag(&d, first_shown(&d), N + f->line, f->col, f->first);
	ga_diags_free(&d);
	free(b.data);
}
END_TEST

/* N sends never reaped, sent in the reverse order of their
 * connections: the diagnostics come at the end of the file, in the
 * reverse of line order (by connection), and are put back in order;
 * those of c0 to c999 (lines 2N + 2 down to 2N - 997) have their
 * text. */
START_TEST(test_many_diagnostics_sorted)
{
	struct text b;
	struct ga_diags d = { 0 };
	size_t k;
	int i;

	start(&b);
	lines(&b, "connection c", NULL, NULL);
	for (i = N - 1; i >= 0; i--)
		fprintf(b.f, "send c%d SELECT 1\n", i);
	parse_bad(done(&b), &d);
	ck_assert_uint_eq(d.n, N);
	for (k = 1; k < d.n; k++)
		ck_assert_int_lt(d.items[k - 1].line, d.items[k].line);
	assert_diag(&d, first_shown(&d), 2 * N - 997, 1, "the query sent on "
		    "'c999' is never reaped");
	ga_diags_free(&d);
	free(b.data);
}
END_TEST

/* The index itself: names found by their bytes (not NUL-terminated),
 * too long ones refused, suggestions bounded by the budget. */
START_TEST(test_nameindex)
{
	struct ga_nameindex ix = { 0 };
	struct ga_suggest sg;
	char name[GA_NAME_MAX + 1];
	size_t budget;
	int i;

	ck_assert_int_eq(ga_nameindex_find(&ix, "a", 1), -1);
	for (i = 0; i < 1000; i++) {
		snprintf(name, sizeof(name), "n%d", i);
		ck_assert_int_eq(ga_nameindex_add(&ix, name), i);
	}
	ck_assert_int_eq(ga_nameindex_find(&ix, "n999", 4), 999);
	ck_assert_int_eq(ga_nameindex_find(&ix, "n12xyz", 3), 12);
	ck_assert_int_eq(ga_nameindex_find(&ix, "n1000", 5), -1);
	ck_assert_int_eq(ga_nameindex_find(&ix, "n", 1), -1);
	memset(name, 'x', GA_NAME_MAX);
	name[GA_NAME_MAX] = '\0';
	ck_assert_int_eq(ga_nameindex_add(&ix, name), -1);
	ck_assert_int_eq(ga_nameindex_find(&ix, name, GA_NAME_MAX), -1);
	name[GA_NAME_MAX - 1] = '\0';
	ck_assert_int_eq(ga_nameindex_add(&ix, name), 1000);
	ck_assert_int_eq(ga_nameindex_find(&ix, name, GA_NAME_MAX - 1), 1000);

	budget = 3;     /* n0, n1, n2 tried: "n7" is not among them */
	ga_suggest_init(&sg, "m7", 1);
	ga_nameindex_suggest(&ix, &sg, &budget);
	ck_assert_uint_eq(budget, 0);
	ck_assert_ptr_null(sg.best);
	budget = 10;
	ga_suggest_init(&sg, "m7", 1);
	ga_nameindex_suggest(&ix, &sg, &budget);
	ck_assert_str_eq(sg.best, "n7");
	ga_nameindex_free(&ix);
	ck_assert_uint_eq(ix.n, 0);
}
END_TEST

Suite *make_parse_scale_suite(void)
{
	Suite *s = suite_create("parse_scale");
	TCase *tc = tcase_create("linear");

	tcase_add_checked_fixture(tc, cpu_budget, NULL);
	tcase_set_timeout(tc, WALL_TIMEOUT_S);

	tcase_add_test(tc, test_nameindex);
	tcase_add_test(tc, test_many_connections);
	tcase_add_test(tc, test_many_pools);
	tcase_add_test(tc, test_many_faults);
	tcase_add_loop_test(tc, test_many_errors, 0,
			    (int)(sizeof(bad_files) / sizeof(bad_files[0])));
	tcase_add_test(tc, test_many_diagnostics_sorted);
	suite_add_tcase(s, tc);
	return s;
}
