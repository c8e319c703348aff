/* check_plan.c - the run's floor (plan/): a plan's defaults and values,
 * its combinations, labels and evidence directories, the case sinks
 * (their order, the totals, the table, --strict as each case ends and
 * deferred, a case's folder), the outputs a plan opens, and the rules
 * of -j's parent (the jobs' order, when a case can be reported, the
 * measured server start): plan/plan.c, plan/combo.c, plan/sink_list.c,
 * plan/sink_totals.c, plan/sink_table.c, plan/sink_strict.c,
 * plan/sink_casefolder.c, plan/sink_outputs.c, plan/jobs_run.c. */
#include <check.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lang/proxynames.h"
#include "plan/internal.h"
#include "plan/paths.h"
#include "proxy/proxy.h"
#include "report/outputs.h"
#include "util/fsutil.h"
#include "util/ownmark.h"
#include "parse_util.h"
#include "suites.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const char scenario_text[] =
	"title t\ncause c\nconnection app\nconnect app\n"
	"query app SELECT 1\n";

/* A plan as the command line leaves it (a zeroed one would do too: the
 * tests need a heap one, it is large). */
static struct ga_plan *new_plan(void)
{
	struct ga_plan *p = malloc(sizeof(*p));

	ck_assert_ptr_nonnull(p);
	ga_plan_init(p);
	return p;
}

/* Client i of p as if opened: its greeting's name, drivers.list's alias. */
static void fake_client(struct ga_plan *p, size_t i, const char *spec,
			const char *name, const char *alias)
{
	p->clients[i] = spec;
	if (i >= p->nclients)
		p->nclients = i + 1;
	snprintf(p->drivers[i].name, sizeof(p->drivers[i].name), "%s", name);
	snprintf(p->drivers[i].alias, sizeof(p->drivers[i].alias), "%s",
		 alias);
	snprintf(p->drivers[i].library, sizeof(p->drivers[i].library),
		 "lib-%s", name);
}

/* ---- the plan: defaults and values ------------------------------------------ */

START_TEST(test_defaults)
{
	struct ga_plan *p = new_plan();

	ck_assert_str_eq(p->opts.results_dir, "goneaway-results");
	ck_assert_str_eq(p->console->name, "human");
	ck_assert(p->opts.capture);
	ck_assert_int_eq(p->opts.step_timeout_ms, 60000);
	ck_assert_str_eq(p->opts.server_opts.cache_dir, p->cache);
	ck_assert_uint_eq(p->nservers, 0);
	ck_assert_uint_eq(p->jobs, 0);
	free(p);
}
END_TEST

START_TEST(test_add_values)
{
	struct ga_plan *p = new_plan();
	struct ga_error err;
	size_t i;

	ck_assert_int_eq(ga_plan_add_server(p, "local", &err), 0);
	ck_assert_str_eq(p->server_ops[0]->name, "local");
	ck_assert_int_eq(ga_plan_add_server(p, "nosuch-backend", &err), -1);
	ck_assert_msg(strncmp(err.msg, "--server: 'nosuch-backend' is not a "
			      "server backend", 36) == 0, "%s", err.msg);
	ck_assert_uint_eq(p->nservers, 1);
	/* the proxies of the table and none; another is refused with them */
	ck_assert_int_eq(ga_plan_add_proxy(p, "none", &err), 0);
	ck_assert_int_eq(ga_plan_add_proxy(p, ga_proxy_kind_names()[0], &err),
			 0);
	ck_assert_int_eq(ga_plan_add_proxy(p, "nginx", &err), -1);
	ck_assert_msg(strstr(err.msg, "'nginx' is not a proxy goneaway can "
			     "run (known: none, ") != NULL, "%s", err.msg);
	ck_assert_msg(strstr(err.msg, ga_proxy_kind_names()[0]) != NULL, "%s",
		      err.msg);
	for (i = 0; i < GA_PLAN_CHOICES; i++)
		ck_assert_int_eq(ga_plan_add_client(p, "builtin", &err), 0);
	ck_assert(p->clients_given);
	ck_assert_int_eq(ga_plan_add_client(p, "builtin", &err), -1);
	ck_assert_str_eq(err.msg, "at most 16 --client");
	free(p);
}
END_TEST

/* ---- combinations -------------------------------------------------------------- */

START_TEST(test_one_combination)
{
	struct ga_plan *p = new_plan();
	struct ga_combo k;

	p->servers[0] = "local";
	p->nservers = 1;
	fake_client(p, 0, "builtin", "builtin", "");
	ck_assert_uint_eq(ga_plan_ncombos(p), 1);
	ga_plan_combo(p, 0, &k);
	ck_assert_str_eq(k.label, "");         /* one: no label, no folder */
	ck_assert_str_eq(k.sub, "");
	free(p);
}
END_TEST

/* servers outermost, then clients, proxies innermost */
START_TEST(test_combinations)
{
	static const char *const want[][2] = {
		{ "local/pymysql/none", "local-pymysql-none" },
		{ "local/pymysql/haproxy", "local-pymysql-haproxy" },
		{ "local/builtin/none", "local-builtin-none" },
		{ "local/builtin/haproxy", "local-builtin-haproxy" },
		{ "docker:mysql:8.4/pymysql/none", "docker_mysql_8.4-pymysql-none" },
		{ "docker:mysql:8.4/pymysql/haproxy",
		  "docker_mysql_8.4-pymysql-haproxy" },
		{ "docker:mysql:8.4/builtin/none", "docker_mysql_8.4-builtin-none" },
		{ "docker:mysql:8.4/builtin/haproxy",
		  "docker_mysql_8.4-builtin-haproxy" },
	};
	struct ga_plan *p = new_plan();
	struct ga_run_options o;
	struct ga_combo k;
	size_t i;

	p->servers[0] = "local";
	p->servers[1] = "docker:mysql:8.4";
	p->nservers = 2;
	fake_client(p, 0, "pymysql", "pymysql", "pymysql");
	fake_client(p, 1, "builtin", "builtin", "");
	p->proxies[0] = "none";
	p->proxies[1] = "haproxy";
	p->nproxies = 2;
	ck_assert_uint_eq(ga_plan_ncombos(p), N(want));
	for (i = 0; i < N(want); i++) {
		ga_plan_combo(p, i, &k);
		ck_assert_uint_eq(k.column, i);
		ck_assert_str_eq(k.label, want[i][0]);
		ck_assert_str_eq(k.sub, want[i][1]);
		ga_plan_combo_options(p, &k, &o);
		ck_assert_str_eq(o.server_name, p->servers[i / 4]);
		ck_assert_ptr_eq(o.driver, &p->drivers[i / 2 % 2]);
		ck_assert_str_eq(o.client_spec, p->clients[i / 2 % 2]);
		ck_assert_str_eq(o.proxy, p->proxies[i % 2]);
		ck_assert_str_eq(o.results_sub, want[i][1]);
	}
	free(p);
}
END_TEST

/* two clients that greet with one name are NAME#1 and NAME#2; another
 * version of a connector goes by what was asked for */
START_TEST(test_client_labels)
{
	struct ga_plan *p = new_plan();
	char buf[96];

	fake_client(p, 0, "mysql2", "mysql2", "mysql2");
	fake_client(p, 1, "cmd:node x.mjs", "mysql2", "");
	fake_client(p, 2, "mysql2@3.9.0", "mysql2", "mysql2@3.9.0");
	fake_client(p, 3, "builtin", "builtin", "");
	ck_assert_str_eq(ga_plan_client_label(p, 0, buf, sizeof(buf)),
			 "mysql2#1");
	ck_assert_str_eq(ga_plan_client_label(p, 1, buf, sizeof(buf)),
			 "mysql2#2");
	ck_assert_str_eq(ga_plan_client_label(p, 2, buf, sizeof(buf)),
			 "mysql2@3.9.0");
	ck_assert_str_eq(ga_plan_client_label(p, 3, buf, sizeof(buf)),
			 "builtin");
	free(p);
}
END_TEST

/* a folder is one directory: "." and ".." are not; names that differ
 * only in '/', ':' or ' ' would share one, which is told */
START_TEST(test_combination_folders)
{
	struct ga_plan *p = new_plan();
	struct ga_combo k;
	int err_fd, null_fd;

	p->servers[0] = "a/b";
	p->servers[1] = "a:b";
	p->nservers = 2;
	fake_client(p, 0, "builtin", "builtin", "");
	ga_plan_combo(p, 1, &k);
	ck_assert_str_eq(k.sub, "a_b-builtin");
	fflush(stderr);
	err_fd = dup(STDERR_FILENO);
	null_fd = open("/dev/null", O_WRONLY);
	dup2(null_fd, STDERR_FILENO);
	p->servers[1] = "a-b";
	ck_assert_uint_eq(ga_plan_check_combos(p), 1);
	p->servers[1] = "a:b";
	ck_assert_uint_eq(ga_plan_check_combos(p), 0);
	p->opts.results_dir = NULL;     /* nothing kept: nothing shared */
	p->servers[1] = "a-b";
	ck_assert_uint_eq(ga_plan_check_combos(p), 0);
	dup2(err_fd, STDERR_FILENO);
	close(err_fd);
	close(null_fd);
	free(p);
}
END_TEST

/* ---- sinks ------------------------------------------------------------------ */

/* A sink that writes what it is fed into a log, and adds a word to the
 * case's evidence_lost (what the case folder does) when it is first. */
struct rec {
	char *log;
	size_t size;
	const char *name;
	bool mark;
};

static void rec_add(struct rec *r, const char *what)
{
	size_t n = strlen(r->log);

	snprintf(r->log + n, r->size - n, "%s%s:%s", n ? " " : "", r->name,
		 what);
}

static void rec_begin_run(struct ga_sink *s, size_t ncases)
{
	char what[32];

	snprintf(what, sizeof(what), "begin_run(%zu)", ncases);
	rec_add(s->state, what);
}

static void rec_end_case(struct ga_sink *s, const struct ga_case_end *e)
{
	struct rec *r = s->state;
	char what[128];

	snprintf(what, sizeof(what), "end_case(%zu,%s)", e->index,
		 e->res->evidence_lost[0] ? e->res->evidence_lost : "-");
	rec_add(r, what);
	if (r->mark)
		snprintf(e->res->evidence_lost, sizeof(e->res->evidence_lost),
			 "lost");
}

static void rec_end_run(struct ga_sink *s, const struct ga_run_summary *sum)
{
	char what[32];

	snprintf(what, sizeof(what), "end_run(%zu)", sum->pass);
	rec_add(s->state, what);
}

static int destroyed;

static void rec_destroy(struct ga_sink *s)
{
	destroyed++;
	free(s->state);
}

static const struct ga_sink_ops rec_ops = {
	.name = "rec",
	.begin_run = rec_begin_run,
	.end_case = rec_end_case,
	.end_run = rec_end_run,
	.destroy = rec_destroy,
};

static int add_rec(struct ga_sinks *l, char *log, size_t size,
		   const char *name, bool mark)
{
	struct rec *r = calloc(1, sizeof(*r));

	ck_assert_ptr_nonnull(r);
	r->log = log;
	r->size = size;
	r->name = name;
	r->mark = mark;
	return ga_sinks_add(l, &rec_ops, r);
}

/* fed in the list's order; each sees what the ones before it did to the
 * case; a sink without an operation is skipped; each destroyed once */
START_TEST(test_sinks_order)
{
	static const struct ga_sink_ops empty = { .name = "empty" };
	struct ga_sinks l = { 0 };
	struct ga_case_result res;
	struct ga_run_summary sum;
	struct ga_case_end e;
	char log[512] = "";

	memset(&res, 0, sizeof(res));
	memset(&sum, 0, sizeof(sum));
	memset(&e, 0, sizeof(e));
	e.index = 3;
	e.res = &res;
	sum.pass = 1;
	destroyed = 0;
	ck_assert_int_eq(add_rec(&l, log, sizeof(log), "a", true), 0);
	ck_assert_int_eq(ga_sinks_add(&l, &empty, NULL), 0);
	ck_assert_int_eq(add_rec(&l, log, sizeof(log), "b", false), 0);
	ga_sinks_begin_run(&l, 1);
	ga_sinks_begin_case(&l, 3, NULL);
	ga_sinks_end_case(&l, &e);
	ga_sinks_end_run(&l, &sum);
	ck_assert_str_eq(log, "a:begin_run(1) b:begin_run(1) "
			 "a:end_case(3,-) b:end_case(3,lost) a:end_run(1) "
			 "b:end_run(1)");
	ga_sinks_free(&l);
	ck_assert_int_eq(destroyed, 2);
	ck_assert_uint_eq(l.n, 0);
}
END_TEST

/* A case of sc ended with verdict v (and reason, skip kind). */
static void make_case(struct ga_case_result *res, enum ga_verdict v,
		      enum ga_skip_kind skip, const char *combo)
{
	memset(res, 0, sizeof(*res));
	res->verdict = v;
	res->skip = skip;
	res->runs = 1;
	res->servers_started = 1;
	snprintf(res->reason, sizeof(res->reason), "why");
	snprintf(res->client, sizeof(res->client), "builtin");
	snprintf(res->combo, sizeof(res->combo), "%s", combo);
}

START_TEST(test_totals)
{
	static const enum ga_verdict v[] = {
		GA_VERDICT_PASS, GA_VERDICT_FAIL, GA_VERDICT_SKIP,
		GA_VERDICT_ERROR, GA_VERDICT_FAIL,
	};
	struct ga_scenario *sc = parse_ok(scenario_text);
	struct ga_plan_result r;
	struct ga_sinks l = { 0 };
	struct ga_case_result res;
	struct ga_case_end e = { .sc = sc, .res = &res };
	size_t i;

	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(ga_sink_add_totals(&l, &r), 0);
	for (i = 0; i < N(v); i++) {
		make_case(&res, v[i], GA_SKIP_NONE, i == 4 ? "local/b" : "");
		ga_sinks_end_case(&l, &e);
	}
	ck_assert_uint_eq(r.sum.pass, 1);
	ck_assert_uint_eq(r.sum.fail, 2);
	ck_assert_uint_eq(r.sum.skip, 1);
	ck_assert_uint_eq(r.sum.error, 1);
	ck_assert_uint_eq(r.sum.runs, N(v));
	ck_assert_uint_eq(r.sum.servers_started, N(v));
	ck_assert_uint_eq(r.why.nfail, 2);
	ck_assert_str_eq(r.why.fail, "ok, ok (local/b)");
	ck_assert_uint_eq(r.why.nerror, 1);
	ga_sinks_free(&l);
	ga_scenario_free(sc);
}
END_TEST

START_TEST(test_table)
{
	struct ga_scenario *sc = parse_ok(scenario_text);
	struct ga_sinks l = { 0 };
	struct ga_case_result res;
	struct ga_case_end e = { .row = 0, .column = 1, .sc = sc,
				 .res = &res };
	struct ga_matrix m;

	ck_assert_int_eq(ga_matrix_init(&m, &sc, 1, 2), 0);
	ck_assert_int_eq(ga_sink_add_table(&l, &m), 0);
	make_case(&res, GA_VERDICT_FAIL, GA_SKIP_NONE, "");
	ga_sinks_end_case(&l, &e);
	ck_assert(!m.cells[0].done);
	ck_assert(m.cells[1].done);
	ck_assert_int_eq(m.cells[1].verdict, GA_VERDICT_FAIL);
	ga_sinks_free(&l);
	ga_matrix_free(&m);
	ga_scenario_free(sc);
}
END_TEST

/* --strict counts a SKIP no rule covers and evidence not kept, as each
 * case ends; deferred (a report), only when the run ends */
START_TEST(test_strict)
{
	struct ga_scenario *sc = parse_ok(scenario_text);
	struct ga_plan_result r;
	struct ga_allow allow;
	struct ga_sinks l = { 0 };
	struct ga_case_result skip, lost, netem;
	struct ga_run_summary sum;
	struct ga_error err;
	int err_fd, null_fd;
	bool deferred = _i;

	memset(&r, 0, sizeof(r));
	memset(&sum, 0, sizeof(sum));
	memset(&allow, 0, sizeof(allow));
	ck_assert_int_eq(ga_allow_add(&allow, "netem", &err), 0);
	make_case(&skip, GA_VERDICT_SKIP, GA_SKIP_DRIVER, "");
	make_case(&netem, GA_VERDICT_SKIP, GA_SKIP_NETEM, "");
	make_case(&lost, GA_VERDICT_PASS, GA_SKIP_NONE, "");
	snprintf(lost.evidence_lost, sizeof(lost.evidence_lost), "disk full");
	ck_assert_int_eq(ga_sink_add_strict(&l, &allow, &r, deferred), 0);
	fflush(stderr);
	err_fd = dup(STDERR_FILENO);
	null_fd = open("/dev/null", O_WRONLY);
	dup2(null_fd, STDERR_FILENO);
	{
		struct ga_case_end a = { .sc = sc, .res = &skip };
		struct ga_case_end b = { .sc = sc, .res = &netem };
		struct ga_case_end c = { .sc = sc, .res = &lost };

		ga_sinks_end_case(&l, &a);
		ga_sinks_end_case(&l, &b);
		ga_sinks_end_case(&l, &c);
	}
	ck_assert_uint_eq(r.violations, deferred ? 0 : 2);
	ga_sinks_end_run(&l, &sum);
	dup2(err_fd, STDERR_FILENO);
	close(err_fd);
	close(null_fd);
	ck_assert_uint_eq(r.violations, 2);
	ck_assert_uint_eq(r.why.nstrict, 2);
	ck_assert_msg(strstr(r.why.strict[0], "--allow-skip driver:ok@builtin "
			     "would let it through") != NULL, "%s",
		      r.why.strict[0]);
	ck_assert_msg(strstr(r.why.strict[1], "evidence not kept: disk full")
		      != NULL, "%s", r.why.strict[1]);
	ga_sinks_free(&l);
	ga_scenario_free(sc);
}
END_TEST

/* A case's folder under -o, as the runner made it: results.jsonl (the
 * case alone), report.txt, SHA256SUMS; one that is not there is
 * evidence lost. */
START_TEST(test_case_folder)
{
	static const char *const files[] = {
		"results.jsonl", "report.txt", GA_CASE_DIGESTS,
	};
	struct ga_scenario *sc = parse_ok(scenario_text);
	struct ga_plan *p = new_plan();
	struct ga_sinks l = { 0 };
	struct ga_case_result res;
	struct ga_case_end e = { .sc = sc, .res = &res };
	struct ga_error err;
	char dir[] = "/tmp/ga-check-plan-XXXXXX", path[PATH_MAX + 64];
	char *argv[] = { (char *)"goneaway", NULL };
	char *text = NULL;
	size_t i;
	int fd, made;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	p->opts.results_dir = dir;
	p->meta.version = "0.0";
	p->meta.argc = 1;
	p->meta.argv = argv;
	ck_assert_int_eq(ga_sink_add_folder(&l, p), 0);
	make_case(&res, GA_VERDICT_PASS, GA_SKIP_NONE, "");
	snprintf(res.results, sizeof(res.results), "%s/%s", dir, ga_scenario_label(sc));
	/* the folder is not there yet */
	ga_sinks_end_case(&l, &e);
	ck_assert_msg(strncmp(res.evidence_lost, "the case's folder: ", 19)
		      == 0, "%s", res.evidence_lost);
	/* as the runner makes it */
	res.evidence_lost[0] = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	made = ga_mark_open_at(fd, ga_scenario_label(sc), true, ga_scenario_label(sc), &err);
	ck_assert_msg(made >= 0, "%s", err.msg);
	close(made);
	close(fd);
	ga_sinks_end_case(&l, &e);
	ck_assert_str_eq(res.evidence_lost, "");
	for (i = 0; i < N(files); i++) {
		snprintf(path, sizeof(path), "%s/%s/%s", dir, ga_scenario_label(sc),
			 files[i]);
		ck_assert_int_eq(ga_file_read(path, 1 << 20, &text, NULL,
					      &err), 0);
		ck_assert_msg(text[0], "%s is empty", path);
		free(text);
	}
	snprintf(path, sizeof(path), "%s/%s/%s", dir, ga_scenario_label(sc),
		 GA_CASE_DIGESTS);
	ck_assert_int_eq(ga_file_read(path, 1 << 20, &text, NULL, &err), 0);
	ck_assert_ptr_nonnull(strstr(text, "  results.jsonl\n"));
	free(text);
	ga_sinks_free(&l);
	ck_assert_int_eq(ga_tree_remove(dir, &err), 0);
	ga_scenario_free(sc);
	free(p);
}
END_TEST

/* ---- outputs ------------------------------------------------------------------ */

/* Every row of the table can be opened as a plan opens it: on the
 * console, or to a file for each command that takes --NAME FILE; the
 * names are one each. */
START_TEST(test_outputs)
{
	const struct ga_output *const *o = ga_outputs();
	struct ga_plan *p = new_plan();
	struct ga_sinks l = { 0 };
	char dir[] = "/tmp/ga-check-plan-XXXXXX", path[PATH_MAX + 64];
	struct ga_error err;
	size_t i, j, n;
	FILE *console;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	console = fopen("/dev/null", "we");
	ck_assert_ptr_nonnull(console);
	for (i = 0; o[i]; i++) {
		ck_assert_ptr_eq(ga_output_find(o[i]->name), o[i]);
		ck_assert_uint_eq(ga_output_index(o[i]), i);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(o[j]->name, o[i]->name);
		ck_assert_msg(o[i]->console || o[i]->file, "%s serves nothing",
			      o[i]->name);
		ck_assert_msg(!o[i]->file || (o[i]->help && o[i]->help[0]),
			      "%s: --%s FILE has no words for --help",
			      o[i]->name, o[i]->name);
		ck_assert_msg(!(o[i]->table && o[i]->console), "%s", o[i]->name);
		if (o[i]->file) {
			snprintf(path, sizeof(path), "%s/out-%s", dir,
				 o[i]->name);
			p->files[i] = strdup(path);
		}
	}
	ck_assert_uint_lt(i, GA_OUTPUTS_MAX);
	ck_assert_ptr_null(ga_output_find("nosuch"));
	/* what goneaway report takes: the console, then its files */
	for (i = 0, n = 1; o[i]; i++)
		n += (o[i]->file & GA_OUTPUT_REPORT) != 0;
	ck_assert_int_eq(ga_sink_add_outputs(&l, p, GA_OUTPUT_REPORT,
					     "check"), 0);
	ck_assert_uint_eq(l.n, n);
	ga_sinks_free(&l);
	for (i = 0; o[i]; i++)
		free((char *)p->files[i]);
	ck_assert_int_eq(ga_tree_remove(dir, &err), 0);
	fclose(console);
	free(p);
}
END_TEST

START_TEST(test_output_formats)
{
	const struct ga_output *const *o = ga_outputs();
	char buf[256], want[256] = "";
	size_t i, n = 0, k = 0;

	for (i = 0; o[i]; i++)
		n += (o[i]->console & GA_OUTPUT_RUN) != 0;
	ck_assert_uint_ge(n, 2);
	for (i = 0; o[i]; i++) {
		if (!(o[i]->console & GA_OUTPUT_RUN))
			continue;
		strcat(want, k == 0 ? "" : k + 1 == n ? " or " : ", ");
		strcat(want, o[i]->name);
		if (k++ == 0)
			strcat(want, " (default)");
	}
	ga_output_formats(GA_OUTPUT_RUN, true, buf, sizeof(buf));
	ck_assert_str_eq(buf, want);
	ck_assert_str_eq(ga_outputs()[0]->name, "human");
}
END_TEST

/* ---- -j's parent ---------------------------------------------------------------- */

START_TEST(test_jobs_order)
{
	struct ga_pjob j[] = {
		{ .pcase = 2, .rep = 1, .cost = 1.0 },
		{ .pcase = 0, .rep = 2, .cost = 5.0 },
		{ .pcase = 1, .rep = 1, .cost = 1.0 },
		{ .pcase = 0, .rep = 1, .cost = 5.0 },
		{ .pcase = 3, .rep = 1, .cost = 9.0 },
	};
	static const size_t want[][2] = {
		{ 3, 1 }, { 0, 1 }, { 0, 2 }, { 1, 1 }, { 2, 1 },
	};
	size_t i;

	qsort(j, N(j), sizeof(j[0]), ga_pjob_by_cost);
	for (i = 0; i < N(j); i++) {
		ck_assert_uint_eq(j[i].pcase, want[i][0]);
		ck_assert_int_eq(j[i].rep, (long)want[i][1]);
	}
}
END_TEST

/* A sweep's runs, ever longer: ordered by their longest, the last's,
 * they come before a case shorter than that, and still in order. */
START_TEST(test_jobs_sweep_order)
{
	struct ga_pjob j[] = {
		{ .pcase = 0, .rep = 1, .own = 0.1 },
		{ .pcase = 0, .rep = 2, .own = 1.6 },
		{ .pcase = 0, .rep = 3, .own = 3.1 },
		{ .pcase = 0, .rep = 4, .own = 4.6 },
		{ .pcase = 1, .rep = 1, .own = 4.0 },
		{ .pcase = 1, .rep = 2, .own = 1.0 },
		{ .pcase = 2, .rep = 1, .own = 3.0, .cost = 3.0 },
	};
	static const size_t want[][2] = {
		{ 0, 1 }, { 0, 2 }, { 0, 3 }, { 0, 4 }, { 1, 1 }, { 2, 1 },
		{ 1, 2 },
	};
	size_t i;

	ga_pjobs_order(j, 4);
	ga_pjobs_order(j + 4, 2);
	for (i = 0; i < 4; i++)
		ck_assert(j[i].cost == 4.6);
	ck_assert(j[4].cost == 4.0 && j[5].cost == 1.0);
	ck_assert(j[1].own == 1.6);             /* its own is kept */
	qsort(j, N(j), sizeof(j[0]), ga_pjob_by_cost);
	for (i = 0; i < N(j); i++) {
		ck_assert_uint_eq(j[i].pcase, want[i][0]);
		ck_assert_int_eq(j[i].rep, (long)want[i][1]);
	}
}
END_TEST

/* when a case can be reported: every run it will ever get has ended */
START_TEST(test_case_complete)
{
	struct ga_pcase pc;

	memset(&pc, 0, sizeof(pc));
	pc.repeat = 3;
	ck_assert(!ga_pcase_complete(&pc, true));       /* not given yet */
	ck_assert(ga_pcase_complete(&pc, false));       /* never will be */
	pc.started = true;
	pc.dispatched = 2;
	pc.ended = 1;
	ck_assert(!ga_pcase_complete(&pc, true));       /* one running */
	ck_assert(!ga_pcase_complete(&pc, false));
	pc.ended = 2;
	ck_assert(!ga_pcase_complete(&pc, true));       /* a third to come */
	ck_assert(ga_pcase_complete(&pc, false));       /* no more given */
	pc.stopped = true;
	ck_assert(ga_pcase_complete(&pc, true));        /* --stop-early */
	pc.stopped = false;
	pc.dispatched = pc.ended = 3;
	ck_assert(ga_pcase_complete(&pc, true));        /* all three */
}
END_TEST

/* A case's runs are given in order whichever of them the schedule
 * picks: a worker that took run 3 while run 1 was left to another, and
 * whose run 3 SKIPped, stopped the case with run 1 never given, and its
 * folding read runs 1..1 (t0040, no mariadbd, a busy machine: "not
 * every run was made"). */
START_TEST(test_case_runs_given_in_order)
{
	size_t job_of[3] = { 7, 2, 5 };         /* runs 1, 2, 3: their jobs */
	struct ga_pcase pc;

	memset(&pc, 0, sizeof(pc));
	pc.repeat = 3;
	pc.job_of = job_of;
	ck_assert_uint_eq(ga_pcase_next_job(&pc, 5), 7);  /* picked run 3 */
	pc.dispatched = 1;
	ck_assert_uint_eq(ga_pcase_next_job(&pc, 5), 2);
	ck_assert_uint_eq(ga_pcase_next_job(&pc, 2), 2);
	pc.dispatched = 2;
	ck_assert_uint_eq(ga_pcase_next_job(&pc, 5), 5);
	pc.dispatched = 3;                      /* none left: as picked */
	ck_assert_uint_eq(ga_pcase_next_job(&pc, 5), 5);
	pc.dispatched = 1;
	pc.stopped = true;                      /* stopped: taken, not run */
	ck_assert_uint_eq(ga_pcase_next_job(&pc, 5), 5);
}
END_TEST

/* a server start, measured, joins the estimate: a running mean, only of
 * cases that started one server */
START_TEST(test_start_learn)
{
	struct ga_case_result res;
	double start = 400.0;
	unsigned seen = 0;

	memset(&res, 0, sizeof(res));
	res.servers_started = 0;
	res.setup_ms = 100.0;
	ga_start_learn(&start, &seen, &res);            /* a kept server */
	ck_assert_uint_eq(seen, 0);
	res.servers_started = 1;
	ga_start_learn(&start, &seen, &res);
	ck_assert_uint_eq(seen, 1);
	ck_assert(start > 249.9 && start < 250.1);      /* (400 + 100) / 2 */
	res.setup_ms = 250.0;
	ga_start_learn(&start, &seen, &res);
	ck_assert(start > 249.9 && start < 250.1);
	res.servers_started = 2;                        /* a repeated one */
	res.setup_ms = 9000.0;
	ga_start_learn(&start, &seen, &res);
	ck_assert_uint_eq(seen, 2);
	/* the wait for a start slot is the other starts': not this one's */
	res.servers_started = 1;
	res.setup_ms = 20250.0;
	res.start_wait_ms = 20000.0;
	ga_start_learn(&start, &seen, &res);
	ck_assert_uint_eq(seen, 3);
	ck_assert(start > 249.9 && start < 250.1);
	res.setup_ms = 300.0;                           /* all of it waiting */
	res.start_wait_ms = 300.0;
	ga_start_learn(&start, &seen, &res);
	ck_assert_uint_eq(seen, 3);
}
END_TEST

Suite *make_plan_suite(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("plan");

	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_add_values);
	tcase_add_test(tc, test_one_combination);
	tcase_add_test(tc, test_combinations);
	tcase_add_test(tc, test_client_labels);
	tcase_add_test(tc, test_combination_folders);
	tcase_add_test(tc, test_sinks_order);
	tcase_add_test(tc, test_totals);
	tcase_add_test(tc, test_table);
	tcase_add_loop_test(tc, test_strict, 0, 2);
	tcase_add_test(tc, test_case_folder);
	tcase_add_test(tc, test_outputs);
	tcase_add_test(tc, test_output_formats);
	tcase_add_test(tc, test_jobs_order);
	tcase_add_test(tc, test_jobs_sweep_order);
	tcase_add_test(tc, test_case_complete);
	tcase_add_test(tc, test_case_runs_given_in_order);
	tcase_add_test(tc, test_start_learn);
	suite_add_tcase(s, tc);
	return s;
}
