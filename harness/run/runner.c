/* runner.c - see runner.h */
#include "run/runner.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "client/client.h"
#include "util/clock.h"
#include "lang/errnames.h"
#include "run/expect.h"
#include "faults/fault.h"
#include "util/fsutil.h"
#include "lab/lab.h"
#include "lab/server.h"
#include "lab/template.h"
#include "run/rundir.h"

#define HANG_GRACE_MS 2000      /* past "within", a call counts as hung */
#define ERRORLOG_WAIT_MS 2000   /* the server writes its log a bit late */

/* A fault that is in place: popped by its lift or at teardown. */
struct applied_fault {
	size_t step;                    /* the fault step that applied it */
	void *state;                    /* the kind's, freed by revert */
	bool active;
};

/* Everything one scenario makes, so teardown can undo it in reverse. */
struct scenario_ctx {
	struct ga_runner *r;
	const struct ga_scenario *sc;
	struct ga_case_result *res;
	char dir[PATH_MAX];
	bool dir_made;
	struct ga_lab lab;
	bool lab_made;
	struct ga_server srv;
	bool srv_inited;
	struct ga_client *clients;      /* owned, one per connection */
	struct ga_client_env env;
	struct applied_fault *faults;   /* owned: the revert stack */
	size_t nfaults;
	unsigned tag;                   /* names the lab's kernel objects */
};

const char *ga_verdict_name(enum ga_verdict v)
{
	switch (v) {
	case GA_VERDICT_PASS: return "PASS";
	case GA_VERDICT_FAIL: return "FAIL";
	case GA_VERDICT_SKIP: return "SKIP";
	case GA_VERDICT_ERROR: return "ERROR";
	}
	return "?";
}

void ga_case_result_free(struct ga_case_result *res)
{
	free(res->steps);
	res->steps = NULL;
	res->nsteps = 0;
}

void ga_step_spread(const struct ga_step_result *sr, char *buf, size_t len)
{
	const struct ga_tally *order[GA_MAX_TALLY], *tmp;
	const char *name;
	size_t i, j, used = 0;

	buf[0] = '\0';
	for (i = 0; i < sr->ntally; i++)
		order[i] = &sr->tally[i];
	for (i = 1; i < sr->ntally; i++)        /* stable: by count, desc */
		for (j = i; j > 0 && order[j - 1]->count < order[j]->count; j--) {
			tmp = order[j];
			order[j] = order[j - 1];
			order[j - 1] = tmp;
		}
	for (i = 0; i < sr->ntally && used < len; i++) {
		const struct ga_tally *t = order[i];
		int n;

		switch (t->result) {
		case GA_RESULT_OK:
			n = snprintf(buf + used, len - used, "%sok %ld",
				     i ? ", " : "", t->count);
			break;
		case GA_RESULT_HANG:
			n = snprintf(buf + used, len - used, "%shang %ld",
				     i ? ", " : "", t->count);
			break;
		case GA_RESULT_WRONG:
			n = snprintf(buf + used, len - used, "%swrong-result %ld",
				     i ? ", " : "", t->count);
			break;
		case GA_RESULT_ERROR:
		default:
			name = ga_errname_name(t->err);
			n = snprintf(buf + used, len - used, "%s%u%s%s%s %ld",
				     i ? ", " : "", t->err, name ? " (" : "",
				     name ? name : "", name ? ")" : "",
				     t->count);
			break;
		}
		if (n < 0)
			break;
		used += (size_t)n;
	}
}

/* Checks made once per run.  A missing requirement becomes skip_reason;
 * a harness failure becomes error_reason. */
static void preflight(struct ga_runner *r)
{
	const struct ga_run_options *o = r->opts;
	char cnf[PATH_MAX], sql[PATH_MAX];
	struct ga_template_opts t;
	struct ga_error err;
	int built;

	if (geteuid() != 0) {
		snprintf(r->skip_reason, sizeof(r->skip_reason),
			 "needs root: a scenario runs in network namespaces of "
			 "its own (run as root, or with sudo)");
		return;
	}
	if (access(o->mariadbd, X_OK) != 0) {
		snprintf(r->skip_reason, sizeof(r->skip_reason),
			 "no mariadbd at %s (install mariadb-server, or pass "
			 "--mariadbd PATH)", o->mariadbd);
		return;
	}
	if (access(o->install_db, X_OK) != 0) {
		snprintf(r->skip_reason, sizeof(r->skip_reason),
			 "no mariadb-install-db at %s (install mariadb-server, "
			 "or pass --install-db PATH)", o->install_db);
		return;
	}
	snprintf(cnf, sizeof(cnf), "%s/server/mariadb.cnf", o->fixtures_dir);
	snprintf(sql, sizeof(sql), "%s/server/bootstrap.sql", o->fixtures_dir);
	if (ga_file_read(cnf, 1 << 20, &r->fixture_cnf, NULL, &err)) {
		snprintf(r->error_reason, sizeof(r->error_reason),
			 "fixture config: %s (pass --fixtures DIR)", err.msg);
		return;
	}
	t.cache_dir = o->cache_dir;
	t.mariadbd = o->mariadbd;
	t.install_db = o->install_db;
	t.fixture_cnf_path = cnf;
	t.bootstrap_sql_path = sql;
	if (ga_template_ensure(&t, r->in, r->template_dir,
			       sizeof(r->template_dir), &built, &err))
		snprintf(r->error_reason, sizeof(r->error_reason), "%s", err.msg);
}

int ga_runner_open(struct ga_runner *r, const struct ga_run_options *opts,
		   struct ga_interrupt *in, struct ga_error *err)
{
	memset(r, 0, sizeof(*r));
	r->opts = opts;
	r->in = in;
	r->run_lock_fd = -1;
	ga_rundir_sweep(opts->tmp_root);
	if (ga_rundir_make(opts->tmp_root, r->run_dir, sizeof(r->run_dir),
			   &r->run_lock_fd, err)) {
		ga_runner_close(r);
		return -1;
	}
	preflight(r);
	return 0;
}

void ga_runner_close(struct ga_runner *r)
{
	struct ga_error ignored;

	if (r->run_dir[0])
		ga_tree_remove(r->run_dir, &ignored);
	r->run_dir[0] = '\0';
	if (r->run_lock_fd >= 0)
		close(r->run_lock_fd);
	r->run_lock_fd = -1;
	free(r->fixture_cnf);
	r->fixture_cnf = NULL;
}

/* ---- verdict helpers ------------------------------------------------------ */

static void set_verdict(struct ga_case_result *res, enum ga_verdict v,
			int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void set_verdict(struct ga_case_result *res, enum ga_verdict v,
			int line, const char *fmt, ...)
{
	va_list ap;

	res->verdict = v;
	res->line = line;
	va_start(ap, fmt);
	vsnprintf(res->reason, sizeof(res->reason), fmt, ap);
	va_end(ap);
}

/* How long to wait for a client call before calling it a hang. */
static long watchdog_ms(const struct ga_runner *r, const struct ga_expect *e)
{
	long w = r->opts->step_timeout_ms;

	if (!e)
		return w;
	if (e->set.hang && e->after_ms >= 0)
		return e->after_ms;
	if (e->within_ms >= 0 && e->within_ms + HANG_GRACE_MS < w)
		return e->within_ms + HANG_GRACE_MS;
	return w;
}

/* ---- steps ------------------------------------------------------------------ */

/* Returns 0 to go on, -1 to stop (the verdict is set). */
static int check_outcome(struct scenario_ctx *c, const struct ga_step *step,
			 struct ga_step_result *sr)
{
	char why[900];

	sr->ran = true;
	if (!sr->expect) {
		/* no expect line applies: setup and actions must succeed */
		if (sr->out.result == GA_RESULT_OK) {
			sr->matched = true;
			return 0;
		}
		ga_outcome_describe(&sr->out, why, sizeof(why));
		set_verdict(c->res, GA_VERDICT_ERROR, step->line,
			    "%s: %s", ga_step_kind_name(step->kind), why);
		return -1;
	}
	sr->matched = ga_expect_match(sr->expect, &sr->out, why, sizeof(why));
	if (sr->matched)
		return 0;
	set_verdict(c->res, GA_VERDICT_FAIL, step->line, "%s%s%s: %s",
		    ga_step_kind_name(step->kind),
		    step->conn >= 0 ? " " : "",
		    step->conn >= 0 ? c->sc->connections[step->conn].name : "",
		    why);
	if (sr->expect->line > 0) {
		size_t n = strlen(c->res->reason);

		snprintf(c->res->reason + n, sizeof(c->res->reason) - n,
			 " (expect line %d)", sr->expect->line);
	}
	return -1;
}

static int interrupted(struct scenario_ctx *c, const struct ga_step *step)
{
	c->res->signo = c->r->in ? c->r->in->signo : 0;
	set_verdict(c->res, GA_VERDICT_ERROR, step->line,
		    "interrupted by signal %d (%s)", c->res->signo,
		    strsignal(c->res->signo));
	return -1;
}

static int harness_error(struct scenario_ctx *c, const struct ga_step *step,
			 const struct ga_error *err)
{
	set_verdict(c->res, GA_VERDICT_ERROR, step->line, "%s: %s",
		    ga_step_kind_name(step->kind), err->msg);
	return -1;
}

static int client_step(struct scenario_ctx *c, const struct ga_step *step,
		       struct ga_step_result *sr)
{
	struct ga_client *cl = &c->clients[step->conn];
	struct ga_call *call;
	struct ga_error err;
	int r;

	if (cl->pending) {
		ga_error_set(&err, "connection '%s' still has a query in flight",
			     cl->decl->name);
		return harness_error(c, step, &err);
	}
	call = ga_call_start(cl, step, &c->env, &err);
	if (!call)
		return harness_error(c, step, &err);
	if (step->kind == GA_STEP_SEND) {
		cl->pending = call;
		sr->ran = true;
		sr->matched = true;
		sr->out.result = GA_RESULT_OK;
		sr->out.api = "mysql_real_query (sent)";
		return 0;
	}
	r = ga_call_wait(call, c->r->in, watchdog_ms(c->r, sr->expect), &sr->out);
	ga_call_finish(call);
	if (r < 0)
		return interrupted(c, step);
	if (sr->out.result != GA_RESULT_HANG)   /* a hang tells nothing */
		cl->thread_id = cl->mysql ? sr->out.thread_after : 0;
	return check_outcome(c, step, sr);
}

static int reap_step(struct scenario_ctx *c, const struct ga_step *step,
		     struct ga_step_result *sr)
{
	struct ga_client *cl = &c->clients[step->conn];
	struct ga_error err;
	int r;

	if (!cl->pending) {
		ga_error_set(&err, "nothing was sent on '%s'", cl->decl->name);
		return harness_error(c, step, &err);
	}
	r = ga_call_wait(cl->pending, c->r->in, watchdog_ms(c->r, sr->expect),
			 &sr->out);
	ga_call_finish(cl->pending);
	cl->pending = NULL;
	if (r < 0)
		return interrupted(c, step);
	if (sr->out.result != GA_RESULT_HANG)
		cl->thread_id = sr->out.thread_after;
	return check_outcome(c, step, sr);
}

static int kill_step(struct scenario_ctx *c, const struct ga_step *step,
		     struct ga_step_result *sr)
{
	struct ga_client *cl = &c->clients[step->conn];
	unsigned long id = cl->thread_id;
	char sql[64];
	struct ga_error err;

	if (!id) {
		ga_error_set(&err, "'%s' has no server thread to KILL "
			     "(never connected or closed)", cl->decl->name);
		return harness_error(c, step, &err);
	}
	snprintf(sql, sizeof(sql), "KILL %lu", id);
	ga_server_admin_query(&c->srv, sql, &sr->out);
	sr->out.api = "KILL";
	return check_outcome(c, step, sr);
}

static int status_step(struct scenario_ctx *c, const struct ga_step *step,
		       struct ga_step_result *sr)
{
	char sql[256];
	struct ga_error err;

	snprintf(sql, sizeof(sql), "SELECT VARIABLE_VALUE FROM "
		 "information_schema.GLOBAL_STATUS WHERE VARIABLE_NAME = '%s'",
		 step->text);
	ga_server_admin_query(&c->srv, sql, &sr->out);
	sr->out.api = "status";
	if (sr->out.result == GA_RESULT_OK && !sr->out.has_value) {
		ga_error_set(&err, "the server has no status variable '%s'",
			     step->text);
		return harness_error(c, step, &err);
	}
	return check_outcome(c, step, sr);
}

static int errorlog_step(struct scenario_ctx *c, const struct ga_step *step,
			 struct ga_step_result *sr)
{
	double start = ga_clock_ms();
	struct ga_error err;
	char *text;
	bool found = false;

	sr->out.api = "errorlog";
	for (;;) {
		if (ga_file_read(c->srv.errlog, 64 << 20, &text, NULL, &err))
			return harness_error(c, step, &err);
		found = strstr(text, step->text) != NULL;
		free(text);
		if (found || ga_clock_ms() - start > ERRORLOG_WAIT_MS)
			break;
		if (ga_interrupt_wait(c->r->in, -1, 50) < 0)
			return interrupted(c, step);
	}
	sr->out.elapsed_ms = ga_clock_ms() - start;
	if (found) {
		sr->out.result = GA_RESULT_OK;
	} else {
		sr->out.result = GA_RESULT_ERROR;
		snprintf(sr->out.message, sizeof(sr->out.message),
			 "the server's error log has no line containing '%s'",
			 step->text);
	}
	return check_outcome(c, step, sr);
}

static int server_step(struct scenario_ctx *c, const struct ga_step *step,
		       struct ga_step_result *sr)
{
	long t = c->r->opts->server_timeout_ms;
	double start = ga_clock_ms();
	struct ga_error err;
	int rc = 0;

	switch (step->kind) {
	case GA_STEP_SERVER_STOP:
		rc = ga_server_stop(&c->srv, c->r->in, t, &err);
		break;
	case GA_STEP_SERVER_START:
		rc = ga_server_start(&c->srv, c->r->in, t, &err);
		break;
	case GA_STEP_SERVER_RESTART:
		rc = ga_server_stop(&c->srv, c->r->in, t, &err);
		if (rc == 0)
			rc = ga_server_start(&c->srv, c->r->in, t, &err);
		break;
	case GA_STEP_SERVER_CRASH:
		rc = ga_server_crash(&c->srv, &err);
		break;
	default:
		ga_error_set(&err, "not a server step");
		rc = -1;
	}
	sr->ran = true;
	sr->out.api = ga_step_kind_name(step->kind);
	sr->out.elapsed_ms = ga_clock_ms() - start;
	if (rc)
		return harness_error(c, step, &err);
	sr->out.result = GA_RESULT_OK;
	sr->matched = true;
	return 0;
}

/* ---- faults ------------------------------------------------------------- */

static void fault_target(const struct scenario_ctx *c,
			 struct ga_fault_target *t)
{
	memset(t, 0, sizeof(*t));
	t->client_ns = c->lab.client_ns;
	t->server_ns = c->lab.server_ns;
	t->client_if = c->lab.client_if;
	t->server_if = c->lab.server_if;
	t->client_addr = GA_LAB_CLIENT_ADDR;
	t->server_addr = GA_LAB_SERVER_ADDR;
	t->server_port = GA_SERVER_PORT;
	t->tag = c->tag;
	t->server_pid = c->srv.pid;
}

static int fault_step(struct scenario_ctx *c, size_t i,
		      struct ga_step_result *sr)
{
	const struct ga_step *step = &c->sc->steps[i];
	struct ga_fault_target t;
	struct applied_fault *af;
	struct ga_error err;
	double start = ga_clock_ms();
	void *state = NULL;
	int rc;

	af = realloc(c->faults, (c->nfaults + 1) * sizeof(*af));
	if (!af) {
		ga_error_set(&err, "out of memory");
		return harness_error(c, step, &err);
	}
	c->faults = af;
	fault_target(c, &t);
	rc = step->fault->apply(step->fault_spec, &t, &state, &err);
	sr->ran = true;
	sr->out.api = step->fault->name;
	sr->out.elapsed_ms = ga_clock_ms() - start;
	if (rc) {
		sr->out.result = GA_RESULT_ERROR;
		snprintf(sr->out.message, sizeof(sr->out.message), "%s",
			 err.msg);
	}
	if (rc == GA_FAULT_UNSUPPORTED) {
		set_verdict(c->res, GA_VERDICT_SKIP, step->line,
			    "fault '%s' (%s) cannot be made here: %s",
			    step->text, step->fault->name, err.msg);
		return -1;
	}
	if (rc)
		return harness_error(c, step, &err);
	af[c->nfaults].step = i;
	af[c->nfaults].state = state;
	af[c->nfaults].active = true;
	c->nfaults++;
	sr->out.result = GA_RESULT_OK;
	sr->matched = true;
	return 0;
}

static int revert_fault(struct scenario_ctx *c, struct applied_fault *af,
			struct ga_error *err)
{
	const struct ga_step *fs = &c->sc->steps[af->step];
	struct ga_fault_target t;

	af->active = false;
	fault_target(c, &t);
	if (fs->fault->revert(fs->fault_spec, &t, af->state, err))
		return ga_error_prefix(err, "lifting fault '%s'", fs->text);
	return 0;
}

static int lift_step(struct scenario_ctx *c, const struct ga_step *step,
		     struct ga_step_result *sr)
{
	double start = ga_clock_ms();
	struct ga_error err;
	size_t k;

	sr->ran = true;
	sr->out.api = "lift";
	for (k = c->nfaults; k-- > 0;) {
		if (c->faults[k].step != (size_t)step->fault_step ||
		    !c->faults[k].active)
			continue;
		if (revert_fault(c, &c->faults[k], &err))
			return harness_error(c, step, &err);
		sr->out.elapsed_ms = ga_clock_ms() - start;
		sr->out.result = GA_RESULT_OK;
		sr->matched = true;
		return 0;
	}
	ga_error_set(&err, "fault '%s' is not in place", step->text);
	return harness_error(c, step, &err);
}

/* Reverts every fault still in place, last applied first.  A fault that
 * cannot be reverted makes a passing scenario ERROR: its lab is
 * destroyed anyway, but the verdict must not hide it. */
static void revert_all_faults(struct scenario_ctx *c)
{
	struct ga_error err;
	size_t k;

	for (k = c->nfaults; k-- > 0;) {
		const struct ga_step *fs = &c->sc->steps[c->faults[k].step];
		size_t n = strlen(c->res->reverted);
		char desc[256];

		if (!c->faults[k].active)
			continue;
		fs->fault->describe(fs->fault_spec, desc, sizeof(desc));
		/* the qdisc kinds describe themselves with their name */
		if (strncmp(desc, fs->fault->name, strlen(fs->fault->name)) == 0
		    && desc[strlen(fs->fault->name)] == ' ')
			memmove(desc, desc + strlen(fs->fault->name) + 1,
				strlen(desc) - strlen(fs->fault->name));
		snprintf(c->res->reverted + n, sizeof(c->res->reverted) - n,
			 "%s%s (%s%s%s)", n ? ", " : "", fs->text,
			 fs->fault->name, desc[0] ? " " : "", desc);
		if (revert_fault(c, &c->faults[k], &err) == 0)
			continue;
		fprintf(stderr, "goneaway: %s: %s\n", c->sc->name, err.msg);
		if (c->res->verdict == GA_VERDICT_PASS)
			set_verdict(c->res, GA_VERDICT_ERROR, 0, "%s", err.msg);
	}
	free(c->faults);
	c->faults = NULL;
	c->nfaults = 0;
}

static int run_step(struct scenario_ctx *c, size_t i)
{
	const struct ga_step *step = &c->sc->steps[i];
	struct ga_step_result *sr = &c->res->steps[i];
	struct ga_server_id id = c->srv.id;
	int r;

	if (ga_interrupted(c->r->in))
		return interrupted(c, step);
	sr->expect = NULL;
	if (step->nexpects > 0 || !ga_step_is_action(step->kind)) {
		sr->expect = ga_expect_select(step, &id);
		if (!sr->expect) {
			set_verdict(c->res, GA_VERDICT_ERROR, step->line,
				    "no expect line applies to %s",
				    c->srv.version);
			return -1;
		}
	}
	/* An admin query without expect lines is setup: it must succeed,
	 * and if it cannot, the scenario is ERROR, not FAIL. */
	if (step->kind == GA_STEP_ADMIN && step->nexpects == 0)
		sr->expect = NULL;

	switch (step->kind) {
	case GA_STEP_CONNECT:
	case GA_STEP_QUERY:
	case GA_STEP_SEND:
	case GA_STEP_PING:
	case GA_STEP_CLOSE:
	case GA_STEP_PREPARE:
	case GA_STEP_EXECUTE:
	case GA_STEP_LONG_DATA:
	case GA_STEP_STREAM:
	case GA_STEP_FETCH:
	case GA_STEP_FORK:
	case GA_STEP_DRAIN:
		return client_step(c, step, sr);
	case GA_STEP_FAULT:
		return fault_step(c, i, sr);
	case GA_STEP_LIFT:
		return lift_step(c, step, sr);
	case GA_STEP_REAP:
		return reap_step(c, step, sr);
	case GA_STEP_SLEEP:
		r = ga_interrupt_wait(c->r->in, -1, step->duration_ms);
		if (r < 0)
			return interrupted(c, step);
		sr->ran = true;
		sr->out.api = "sleep";
		sr->out.elapsed_ms = (double)step->duration_ms;
		sr->matched = true;
		c->res->waits_ms += (double)step->duration_ms;
		return 0;
	case GA_STEP_KILL:
		return kill_step(c, step, sr);
	case GA_STEP_ADMIN:
		ga_server_admin_query(&c->srv, step->text, &sr->out);
		return check_outcome(c, step, sr);
	case GA_STEP_STATUS:
		return status_step(c, step, sr);
	case GA_STEP_ERRORLOG:
		return errorlog_step(c, step, sr);
	case GA_STEP_SERVER_STOP:
	case GA_STEP_SERVER_START:
	case GA_STEP_SERVER_RESTART:
	case GA_STEP_SERVER_CRASH:
		return server_step(c, step, sr);
	}
	set_verdict(c->res, GA_VERDICT_ERROR, step->line, "unknown step kind");
	return -1;
}

/* ---- set-up, teardown, results ------------------------------------------- */

static int setup(struct scenario_ctx *c, struct ga_error *err)
{
	struct ga_runner *r = c->r;
	unsigned tag = ((unsigned)getpid() & 0xfff) << 12 | (r->ncases & 0xfff);
	size_t i;

	c->tag = tag;
	snprintf(c->dir, sizeof(c->dir), "%s/%u", r->run_dir, r->ncases);
	if (mkdir(c->dir, 0700) != 0)
		return ga_error_errno(err, errno, "mkdir %s", c->dir);
	c->dir_made = true;
	if (ga_lab_create(&c->lab, tag, err))
		return ga_error_prefix(err, "creating the lab");
	c->lab_made = true;
	if (ga_server_init(&c->srv, r->opts->mariadbd, c->dir,
			   c->lab.server_ns, err))
		return -1;
	c->srv_inited = true;
	if (ga_template_copy(r->template_dir, c->srv.datadir, err))
		return ga_error_prefix(err, "copying the template datadir");
	if (ga_server_write_config(&c->srv, r->fixture_cnf, c->sc, err))
		return -1;
	if (ga_server_start(&c->srv, r->in, r->opts->server_timeout_ms, err))
		return -1;
	snprintf(c->res->server_version, sizeof(c->res->server_version), "%s",
		 c->srv.version);
	c->clients = calloc(c->sc->nconnections ? c->sc->nconnections : 1,
			    sizeof(*c->clients));
	if (!c->clients)
		return ga_error_set(err, "out of memory");
	for (i = 0; i < c->sc->nconnections; i++)
		ga_client_init(&c->clients[i], &c->sc->connections[i]);
	c->env.netns_fd = c->lab.client_ns;
	c->env.host = GA_LAB_SERVER_ADDR;
	c->env.port = GA_SERVER_PORT;
	c->env.socket = c->srv.socket;
	return 0;
}

static void write_steps_log(const struct ga_scenario *sc,
			    const struct ga_case_result *res, const char *path)
{
	char got[900], want[512];
	FILE *f;
	size_t i;

	f = fopen(path, "we");
	if (!f)
		return;
	fprintf(f, "scenario: %s\nverdict: %s\n", sc->path,
		ga_verdict_name(res->verdict));
	if (res->reason[0])
		fprintf(f, "reason: line %d: %s\n", res->line, res->reason);
	fprintf(f, "server: %s\n", res->server_version);
	if (res->runs > 1)
		fprintf(f, "runs: %ld of %ld (the steps below are the last "
			"run's)\n", res->runs, res->repeat);
	if (res->reverted[0])
		fprintf(f, "teardown reverted: %s\n", res->reverted);
	for (i = 0; i < res->nsteps; i++) {
		const struct ga_step *s = &sc->steps[i];
		const struct ga_step_result *sr = &res->steps[i];

		if (!sr->ran)
			continue;
		ga_outcome_describe(&sr->out, got, sizeof(got));
		fprintf(f, "line %d: %s%s%s: %s: %s", s->line,
			ga_step_kind_name(s->kind), s->conn >= 0 ? " " : "",
			s->conn >= 0 ? sc->connections[s->conn].name : "",
			sr->out.api ? sr->out.api : "-", got);
		if (sr->out.sqlstate[0])
			fprintf(f, " [sqlstate %s]", sr->out.sqlstate);
		if (sr->expect) {
			ga_expect_describe(sr->expect, want, sizeof(want));
			fprintf(f, "; expected %s: %s", want,
				sr->matched ? "matched" : "MISMATCH");
		}
		fputc('\n', f);
		if (res->runs > 1 && (s->nexpects > 0 || s->seen.line)) {
			ga_step_spread(sr, got, sizeof(got));
			fprintf(f, "line %d: spread over %ld runs: %s\n",
				s->line, res->runs, got);
		}
	}
	fclose(f);
}

/* Keeps the scenario's evidence in results_dir/<name>/. */
static void keep_results(struct scenario_ctx *c)
{
	const char *root = c->r->opts->results_dir;
	char dir[PATH_MAX], path[PATH_MAX + 32];
	struct ga_error err;

	if (!root)
		return;
	if (snprintf(dir, sizeof(dir), "%s/%s", root, c->sc->name) >= (int)sizeof(dir))
		return;
	if (ga_tree_remove(dir, &err) || ga_mkdirs(dir, &err)) {
		fprintf(stderr, "goneaway: keeping results: %s\n", err.msg);
		return;
	}
	snprintf(c->res->results, sizeof(c->res->results), "%s", dir);
	snprintf(path, sizeof(path), "%s/scenario.gw", dir);
	ga_file_copy(c->sc->path, path, &err);
	snprintf(path, sizeof(path), "%s/steps.log", dir);
	write_steps_log(c->sc, c->res, path);
	if (!c->srv_inited)
		return;
	snprintf(path, sizeof(path), "%s/my.cnf", dir);
	ga_file_copy(c->srv.cnf, path, &err);
	snprintf(path, sizeof(path), "%s/mariadbd.err", dir);
	ga_file_copy(c->srv.errlog, path, &err);
}

/* Undoes setup() in reverse order; runs whatever the verdict was. */
static void teardown(struct scenario_ctx *c)
{
	struct ga_error err;
	size_t i;

	/* Faults first, last applied first (a paused server is thawed), then
	 * kill the server: a client blocked in a read then returns at once
	 * instead of waiting for a watchdog. */
	revert_all_faults(c);
	if (c->srv_inited)
		ga_server_teardown(&c->srv);
	if (c->clients) {
		for (i = 0; i < c->sc->nconnections; i++)
			ga_client_teardown(&c->clients[i]);
		free(c->clients);
		c->clients = NULL;
	}
	if (c->lab_made)
		ga_lab_destroy(&c->lab);
	keep_results(c);
	if (c->dir_made && ga_tree_remove(c->dir, &err))
		fprintf(stderr, "goneaway: %s\n", err.msg);
}

/* Counts the outcome of every step that ran in this run. */
static void tally_run(struct ga_case_result *res)
{
	struct ga_step_result *sr;
	struct ga_tally *t;
	size_t i, k;

	for (i = 0; i < res->nsteps; i++) {
		sr = &res->steps[i];
		if (!sr->ran)
			continue;
		for (k = 0; k < sr->ntally; k++) {
			t = &sr->tally[k];
			if (t->result == sr->out.result &&
			    (t->result != GA_RESULT_ERROR ||
			     t->err == sr->out.err))
				break;
		}
		if (k == GA_MAX_TALLY)
			k--;    /* out of room: the last entry collects */
		t = &sr->tally[k];
		if (k == sr->ntally) {
			sr->ntally++;
			t->result = sr->out.result;
			t->err = sr->out.err;
		}
		t->count++;
	}
}

/* The "seen" lines, once every run matched its expect lines. */
static void check_seen(const struct ga_scenario *sc,
		       struct ga_case_result *res)
{
	struct ga_outcome probe;
	long n;
	size_t i, k;

	for (i = 0; i < sc->nsteps; i++) {
		const struct ga_seen *seen = &sc->steps[i].seen;
		const struct ga_step_result *sr = &res->steps[i];
		bool holds;

		if (!seen->line)
			continue;
		n = 0;
		for (k = 0; k < sr->ntally; k++) {
			memset(&probe, 0, sizeof(probe));
			probe.result = sr->tally[k].result;
			probe.err = sr->tally[k].err;
			if (ga_outcome_in_set(&seen->set, &probe))
				n += sr->tally[k].count;
		}
		switch (seen->cmp) {
		case GA_CMP_EQ: holds = n == seen->count; break;
		case GA_CMP_NE: holds = n != seen->count; break;
		case GA_CMP_LT: holds = n < seen->count; break;
		case GA_CMP_LE: holds = n <= seen->count; break;
		case GA_CMP_GT: holds = n > seen->count; break;
		case GA_CMP_GE: holds = n >= seen->count; break;
		case GA_CMP_NONE:
		default: holds = true; break;
		}
		if (holds)
			continue;
		set_verdict(res, GA_VERDICT_FAIL, sc->steps[i].line,
			    "%s: the outcomes counted by the seen line came up "
			    "%ld times in %ld runs, which fails the seen line "
			    "(seen line %d)", ga_step_kind_name(sc->steps[i].kind),
			    n, res->runs, seen->line);
		return;
	}
}

/* One run of the scenario: set-up, steps, teardown. */
static void run_once(struct ga_runner *r, const struct ga_scenario *sc,
		     struct ga_case_result *res)
{
	struct scenario_ctx c;
	struct ga_error err;
	double t0 = ga_clock_ms(), t1, t2;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.r = r;
	c.sc = sc;
	c.res = res;
	c.lab.host_ns = c.lab.client_ns = c.lab.server_ns = -1;
	r->ncases++;
	for (i = 0; i < res->nsteps; i++) {
		res->steps[i].ran = false;
		res->steps[i].matched = false;
		res->steps[i].expect = NULL;
		memset(&res->steps[i].out, 0, sizeof(res->steps[i].out));
	}

	res->verdict = GA_VERDICT_PASS;
	res->reverted[0] = '\0';
	if (setup(&c, &err)) {
		if (ga_interrupted(r->in))
			res->signo = r->in->signo;
		set_verdict(res, GA_VERDICT_ERROR, 0, "%s", err.msg);
	}
	t1 = ga_clock_ms();
	for (i = 0; res->verdict == GA_VERDICT_PASS && i < sc->nsteps; i++)
		if (run_step(&c, i))
			break;
	t2 = ga_clock_ms();
	teardown(&c);
	res->setup_ms += t1 - t0;
	res->steps_ms += t2 - t1;
	res->teardown_ms += ga_clock_ms() - t2;
	res->wall_ms += ga_clock_ms() - t0;
}

void ga_runner_run(struct ga_runner *r, const struct ga_scenario *sc,
		   struct ga_case_result *res)
{
	size_t n;

	memset(res, 0, sizeof(*res));
	res->repeat = sc->repeat > 0 ? sc->repeat : 1;
	res->steps = calloc(sc->nsteps ? sc->nsteps : 1, sizeof(*res->steps));
	res->nsteps = sc->nsteps;
	if (!res->steps) {
		set_verdict(res, GA_VERDICT_ERROR, 0, "out of memory");
		return;
	}
	if (r->skip_reason[0]) {
		set_verdict(res, GA_VERDICT_SKIP, 0, "%s", r->skip_reason);
		return;
	}
	if (r->error_reason[0]) {
		set_verdict(res, GA_VERDICT_ERROR, 0, "%s", r->error_reason);
		return;
	}
	while (res->runs < res->repeat) {
		run_once(r, sc, res);
		res->runs++;
		tally_run(res);
		if (res->verdict != GA_VERDICT_PASS)
			break;
	}
	if (res->verdict != GA_VERDICT_PASS && res->repeat > 1 &&
	    res->verdict != GA_VERDICT_SKIP) {
		n = strlen(res->reason);
		snprintf(res->reason + n, sizeof(res->reason) - n,
			 " (run %ld of %ld)", res->runs, res->repeat);
	}
	if (res->verdict == GA_VERDICT_PASS)
		check_seen(sc, res);
	/* each run kept its evidence; the log must tell the final verdict,
	 * the spread over every run and the seen lines' judgement */
	if (res->results[0] && res->repeat > 1) {
		char path[PATH_MAX + 16];

		snprintf(path, sizeof(path), "%s/steps.log", res->results);
		write_steps_log(sc, res, path);
	}
}
