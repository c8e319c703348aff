/* runner.c - see runner.h: a run, a scenario's repetitions, set-up and
 * teardown (the verdicts themselves: result/verdict.c). */
#include "run/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lab/capture.h"
#include "lab/memfs.h"
#include "lang/errnames.h"
#include "run/expect.h"
#include "util/clock.h"
#include "util/escape.h"
#include "util/fsutil.h"
#include "run/rundir.h"

/* How long a proxy may take at the end of a case to log the connections
 * it relayed and exit (they have all ended by then: milliseconds). */
#define PROXY_FINISH_MS 2000

/* Checks made once per run.  A missing requirement becomes skip_reason;
 * a harness failure becomes error_reason. */
static void preflight(struct ga_runner *r)
{
	struct ga_server_options so = r->opts->server_opts;
	struct ga_error err;
	int rc;

	if (geteuid() != 0) {
		r->skip_kind = GA_SKIP_ROOT;
		snprintf(r->skip_reason, sizeof(r->skip_reason),
			 "needs root: a scenario runs in network namespaces of "
			 "its own (run as root, or with sudo)");
		return;
	}
	so.run_dir = r->run_dir;
	rc = ga_server_backend_open(&r->backend, r->opts->server, &so, r->in,
				    &err);
	r->backend_open = true;
	if (rc == GA_SERVER_UNAVAILABLE) {
		r->skip_kind = GA_SKIP_SERVER;
		snprintf(r->skip_reason, sizeof(r->skip_reason), "%s", err.msg);
	} else if (rc) {
		snprintf(r->error_reason, sizeof(r->error_reason), "%s",
			 err.msg);
	}
}

/* The run directory in memory (lab/memfs.h) unless the run says not, or
 * the machine cannot: then on disk, and r->run_on_disk_why says why. */
static void in_memory(struct ga_runner *r)
{
	struct ga_error err;

	if (r->opts->run_on_disk) {
		snprintf(r->run_on_disk_why, sizeof(r->run_on_disk_why),
			 "GONEAWAY_RUN_ON_DISK=1");
	} else if (geteuid() != 0) {
		snprintf(r->run_on_disk_why, sizeof(r->run_on_disk_why),
			 "not root");
	} else if (ga_memfs_over(r->run_dir, r->opts->memfs_size, &err)) {
		snprintf(r->run_on_disk_why, sizeof(r->run_on_disk_why), "%s",
			 err.msg);
	} else {
		r->run_in_memory = true;
	}
}

/* The memory cgroups that SIGKILLed runs left in this process's own
 * cgroup (lab/memcg.h: "goneaway sweep" looks everywhere). */
static void sweep_memcgs(void)
{
	struct ga_memcg_home h;
	struct ga_error ignored;
	int removed, left;

	if (ga_memcg_home(&h, &ignored) == 0)
		ga_memcg_sweep(h.own, 0, &removed, &left, &ignored);
}

int ga_runner_open(struct ga_runner *r, const struct ga_run_options *opts,
		   struct ga_interrupt *in, struct ga_error *err)
{
	memset(r, 0, sizeof(*r));
	r->opts = opts;
	r->in = in;
	r->run_lock_fd = -1;
	r->memcg_run.lock_fd = -1;
	ga_clientns_init(&r->clientns);
	ga_driver_builtin(&r->raw);
	ga_rundir_sweep(opts->tmp_root);
	sweep_memcgs();
	if (ga_rundir_make(opts->tmp_root, r->run_dir, sizeof(r->run_dir),
			   &r->run_lock_fd, err)) {
		ga_runner_close(r);
		return -1;
	}
	in_memory(r);
	preflight(r);
	return 0;
}

void ga_runner_close(struct ga_runner *r)
{
	struct ga_error ignored;

	ga_reuse_drop(r);
	ga_runner_clientns_close(r);
	if (r->backend_open)
		ga_server_backend_close(&r->backend);
	r->backend_open = false;
	if (ga_memcg_run_close(&r->memcg_run, &ignored))
		ga_esc_line(stderr, "goneaway: %s", ignored.msg);
	/* the tmpfs goes at once; the directory beneath holds the lock */
	if (r->run_in_memory && ga_memfs_off(r->run_dir, &ignored))
		ga_esc_line(stderr, "goneaway: %s", ignored.msg);
	r->run_in_memory = false;
	if (r->run_dir[0])
		ga_tree_remove(r->run_dir, &ignored);
	r->run_dir[0] = '\0';
	if (r->run_lock_fd >= 0)
		close(r->run_lock_fd);
	r->run_lock_fd = -1;
}

/* ---- set-up and teardown ------------------------------------------------------ */

/* "requires": what the scenario needs of the server it runs against.
 * Returns 0, or 1 with the case SKIPped. */
static int check_requires(struct ga_case *c)
{
	const struct ga_scenario *sc = c->sc;
	struct ga_server_id against;
	enum ga_flavour want;
	size_t i;

	ga_case_identity(c, c->r->opts->driver, &against);
	if (sc->requires_text &&
	    !ga_selector_matches(&sc->requires_selector, &against)) {
		c->res->skip = GA_SKIP_FLAVOUR;
		ga_case_verdict(c->res, GA_VERDICT_SKIP, 0, "requires %s: the "
				"server is %s, the client %s",
				sc->requires_text, c->srv.version,
				against.client);
		return 1;
	}
	for (i = 0; i < sc->nrequires; i++) {
		if (strcmp(sc->requires[i], "mariadbd") == 0)
			want = GA_FLAVOUR_MARIADB;
		else if (strcmp(sc->requires[i], "mysqld") == 0)
			want = GA_FLAVOUR_MYSQL;
		else if (strcmp(sc->requires[i], "resolver") == 0 &&
			 !c->r->backend.ops->lab_resolver) {
			c->res->skip = GA_SKIP_FLAVOUR;
			ga_case_verdict(c->res, GA_VERDICT_SKIP, 0, "requires "
					"resolver: the %s backend's server does "
					"not resolve names through the lab's "
					"resolver (its /etc is its image's)",
					c->r->backend.ops->name);
			return 1;
		} else
			continue;       /* root: checked for the whole run */
		if (c->srv.id.flavour == want)
			continue;
		c->res->skip = GA_SKIP_FLAVOUR;
		ga_case_verdict(c->res, GA_VERDICT_SKIP, 0, "requires %s: the "
				"server is %s", sc->requires[i], c->srv.version);
		return 1;
	}
	return 0;
}

/* The lab's link into the case's directory (kept as capture.pcap); a
 * capture that cannot be made is evidence lost, not an ERROR. */
static void capture_start(struct ga_case *c)
{
	const struct ga_run_options *o = c->r->opts;
	char path[PATH_MAX + 16], key[PATH_MAX + 1024];
	struct ga_error err;
	size_t n;

	if (!o->capture || !o->results_dir)
		return;
	snprintf(path, sizeof(path), "%s/capture.pcap", c->dir);
	/* a case: the scenario (its file) against one combination */
	snprintf(key, sizeof(key), "%s\n%s\n%s\n%s\n%s", c->sc->path ?
		 c->sc->path : "", ga_scenario_label(c->sc), c->res->server,
		 c->res->client_spec[0] ? c->res->client_spec : c->res->client,
		 c->res->proxy);
	if (ga_capture_start(&c->capture, c->lab.client_ns, c->lab.client_if,
			     path, o->capture_limit, o->capture_totals,
			     ga_capture_case_key(key), &err) == 0)
		return;
	n = strlen(c->res->evidence_lost);
	snprintf(c->res->evidence_lost + n, sizeof(c->res->evidence_lost) - n,
		 "%s%s", n ? "; " : "", err.msg);
}

static void capture_stop(struct ga_case *c)
{
	struct ga_capture_stats st;
	struct ga_error err;
	size_t n;

	if (!c->capture)
		return;
	if (ga_capture_stop(c->capture, &st, &err) == 0) {
		ga_capture_stats_text(&st, c->res->capture,
				      sizeof(c->res->capture));
	} else {
		n = strlen(c->res->evidence_lost);
		snprintf(c->res->evidence_lost + n,
			 sizeof(c->res->evidence_lost) - n, "%s%s",
			 n ? "; " : "", err.msg);
	}
	c->capture = NULL;
}

/* The run's memory cgroup, made at the first server that has a limit
 * of its own ("server memory SIZE").  Returns 0, -1 (err set: ERROR),
 * or GA_MEMCG_UNSUPPORTED with err saying why the machine cannot. */
static int memcg_run(struct ga_runner *r, struct ga_error *err)
{
	struct ga_memcg_home h;
	const char *base;
	int rc;

	if (r->memcg_run.path[0])
		return 0;
	rc = ga_memcg_home(&h, err);
	if (rc)
		return rc;
	/* named after the run's directory: goneaway-run-XXXXXX */
	base = strrchr(r->run_dir, '/');
	base = base ? base + 1 : r->run_dir;
	if (strncmp(base, GA_MEMCG_RUN_PREFIX,
		    strlen(GA_MEMCG_RUN_PREFIX)) != 0)
		return ga_error_set(err, "the run directory %s has no '%s' name",
				    r->run_dir, GA_MEMCG_RUN_PREFIX);
	return ga_memcg_run_open(&r->memcg_run, &h,
				 base + strlen(GA_MEMCG_RUN_PREFIX), err);
}

/* "server memory SIZE": the server's memory cgroup, before it starts.
 * Returns 0, -1 (err set: ERROR) or 1 (the case SKIPs: the machine
 * cannot). */
static int limit_memory(struct ga_case *c, struct ga_error *err)
{
	const struct ga_scenario *sc = c->sc;
	int rc;

	if (!sc->server_memory)
		return 0;
	rc = memcg_run(c->r, err);
	if (rc == GA_MEMCG_UNSUPPORTED) {
		c->res->skip = GA_SKIP_FAULT;
		ga_case_verdict(c->res, GA_VERDICT_SKIP, sc->server_memory_line,
				"the server's memory limit ('server memory', "
				"line %d) cannot be made here: %s",
				sc->server_memory_line, err->msg);
		return 1;
	}
	if (rc || ga_server_limit_memory(&c->srv, &c->r->memcg_run,
					 sc->server_memory, err))
		return -1;
	return 0;
}

/* A fresh server for c, with its lab: its own directory beside the
 * case's (a kept server outlives the case), started.  Returns 0, -1
 * (err set) or 1 (the case SKIPs, its verdict set). */
static int fresh_server(struct ga_case *c, struct ga_error *err)
{
	struct ga_runner *r = c->r;
	size_t n;
	int own_ns, rc;

	snprintf(c->srv_dir, sizeof(c->srv_dir), "%s/s%u", r->run_dir,
		 r->ncases);
	if (mkdir(c->srv_dir, 0700) != 0)
		return ga_error_errno(err, errno, "mkdir %s", c->srv_dir);
	c->srv_dir_made = true;
	c->srv_made = true;     /* destroy is safe after a failed create */
	if (ga_server_create(&c->srv, &r->backend, c->srv_dir, c->sc, err))
		return -1;
	rc = limit_memory(c, err);
	if (rc)
		return rc;
	own_ns = r->backend.ops->own_netns(&c->srv);
	if (ga_case_lab_create(c, own_ns, err))
		return ga_error_prefix(err, "creating the lab");
	c->lab_made = true;
	c->srv.netns_fd = c->lab.server_ns;
	c->start_asked = true;
	r->backend.last_start_wait_ms = 0;
	rc = ga_server_start(&c->srv, c->sc, r->in, err);
	c->res->start_wait_ms += r->backend.last_start_wait_ms;
	if (rc) {
		c->res->line = c->srv.rejected_line;
		return -1;
	}
	/* counted once it is up: a start refused, or not ready in time,
	 * started no server */
	r->servers_started++;
	c->res->servers_started++;
	n = strlen(c->res->server_setup);
	snprintf(c->res->server_setup + n, sizeof(c->res->server_setup) - n,
		 "; ");
	n = strlen(c->res->server_setup);
	ga_runner_room_text(r, c->res->server_setup + n,
			    sizeof(c->res->server_setup) - n);
	ga_reuse_baseline(c);
	return 0;
}

/* Returns 0, -1 (err set: ERROR) or 1 (the verdict is set: SKIP). */
static int setup(struct ga_case *c, struct ga_error *err)
{
	struct ga_runner *r = c->r;
	int rc;
	size_t i;

	c->tag = ((unsigned)getpid() & 0xfff) << 12 | (r->ncases & 0xfff);
	snprintf(c->dir, sizeof(c->dir), "%s/%u", r->run_dir, r->ncases);
	if (mkdir(c->dir, 0700) != 0)
		return ga_error_errno(err, errno, "mkdir %s", c->dir);
	c->dir_made = true;
	if (ga_case_fixtures(c, err))
		return -1;
	if (ga_reuse_adopt(c)) {
		c->srv_made = c->lab_made = c->srv_dir_made = true;
	} else if ((rc = fresh_server(c, err)) != 0) {
		return rc;
	}
	capture_start(c);
	c->starts++;            /* the first start: thread ids count from it */
	snprintf(c->res->server_version, sizeof(c->res->server_version), "%s",
		 c->srv.version);
	snprintf(c->res->server_notes, sizeof(c->res->server_notes), "%s",
		 c->srv.notes);
	c->res->flavour = c->srv.id.flavour;
	if (c->proxy) {
		rc = ga_case_start_proxy(c, err);
		if (rc)
			return rc;
	}
	c->clients = calloc(c->sc->nconnections ? c->sc->nconnections : 1,
			    sizeof(*c->clients));
	c->sessions = calloc(c->sc->nconnections ? c->sc->nconnections : 1,
			     sizeof(*c->sessions));
	if (!c->clients || !c->sessions)
		return ga_error_set(err, "out of memory");
	for (i = 0; i < c->sc->nconnections; i++)
		ga_client_init(&c->clients[i], &c->sc->connections[i],
			       c->sc->connections[i].transport == GA_TRANSPORT_RAW ?
			       &r->raw : r->opts->driver);
	c->env.netns_fd = c->lab.client_ns;
	c->env.host = c->lab.connect_addr;
	c->env.port = GA_SERVER_PORT;
	c->env.socket = c->srv.socket;
	c->env.user = GA_APP_USER;
	c->env.password = GA_APP_PASSWORD;
	c->env.database = GA_APP_DATABASE;
	c->env.privileged_user = GA_PRIV_USER;
	c->env.privileged_password = GA_PRIV_PASSWORD;
	c->env.dir = c->dir;
	c->env.infile_dir = c->real_dir[0] ? c->real_dir : NULL;
	c->env.in = r->in;
	/* every driver started and greeted before the first step */
	c->env.keep_dir = r->opts->fresh_drivers || !r->keep_dir[0] ? NULL :
			  r->keep_dir;
	c->env.run_dir = r->run_dir;
	/* the drivers' to write, once what goneaway writes there (the
	 * proxy's files, the capture) is made (client/driver.h) */
	if (ga_driver_case_dir(c->dir, err))
		return -1;
	for (i = 0; i < c->sc->nconnections; i++)
		if (ga_client_prepare(&c->clients[i], &c->env, err))
			return ga_error_prefix(err, "connection '%s'",
					       c->sc->connections[i].name);
	ga_case_client_setup(c);
	return 0;
}

/* Reverts the faults still in place.  A fault that could not be reverted
 * makes the scenario ERROR, whatever its verdict was: its lab is
 * destroyed anyway, but the verdict must not hide it. */
static void revert_faults(struct ga_case *c)
{
	struct ga_case_result *res = c->res;
	struct ga_fault_target t;
	struct ga_error err;
	char before[1200];

	ga_case_fault_target(c, &t);
	if (ga_fault_stack_unwind(&c->faults, &t, &err) == 0) {
		snprintf(res->reverted, sizeof(res->reverted), "%s",
			 c->faults.reverted);
		return;
	}
	snprintf(res->reverted, sizeof(res->reverted), "%s", c->faults.reverted);
	snprintf(res->not_reverted, sizeof(res->not_reverted), "%s",
		 c->faults.failed);
	ga_esc_line(stderr, "goneaway: %s: %s", c->sc->path, err.msg);
	ga_case_ended_text(res, before, sizeof(before));
	ga_case_verdict(res, GA_VERDICT_ERROR, res->line, "teardown: %s%s",
			err.msg, before);
}

/* Undoes setup() in reverse order; runs whatever the verdict was.  A
 * server that may be kept (run/reuse.c) lives on while the clients and
 * the proxy end, and is then checked. */
static void teardown(struct ga_case *c)
{
	struct ga_error err;
	bool may_keep;
	size_t i;

	/* Faults first, last applied first (a paused server is thawed), then
	 * kill the server: a client blocked in a read then returns at once
	 * instead of waiting for a watchdog.  The proxy ends after the
	 * clients, once the connections it relays have ended, so that its
	 * log has them all. */
	revert_faults(c);
	if (c->r->opts->record && c->res->digest_before[0])
		ga_case_digest(c, c->res->digest_after,
			       sizeof(c->res->digest_after), &err);
	may_keep = ga_reuse_may_keep(c);
	if (c->srv_made && !may_keep)
		ga_server_destroy(&c->srv);
	if (c->clients) {
		for (i = 0; i < c->sc->nconnections; i++)
			ga_client_teardown(&c->clients[i]);
		free(c->clients);
		c->clients = NULL;
	}
	ga_proxy_finish(&c->prx, c->r->in, PROXY_FINISH_MS);
	ga_proxy_destroy(&c->prx);
	free(c->sessions);
	c->sessions = NULL;
	free(c->status_from);
	c->status_from = NULL;
	capture_stop(c);        /* its socket holds the client namespace */
	if (may_keep) {
		ga_reuse_keep(c);
		if (c->srv_made)
			ga_server_destroy(&c->srv);
	}
	if (c->lab_made) {
		ga_lab_destroy(&c->lab);
		ga_runner_lab_gone(c->r, &c->lab);
	}
	ga_keep_evidence(c);
	if (c->srv_dir_made && ga_tree_remove(c->srv_dir, &err))
		ga_esc_line(stderr, "goneaway: %s", err.msg);
	if (c->dir_made && ga_tree_remove(c->dir, &err))
		ga_esc_line(stderr, "goneaway: %s", err.msg);
}

/* "lines 14, 16 and 20" of the skipped steps into buf; *first is the
 * first of them. */
static void skipped_lines(const struct ga_case *c, char *buf, size_t len,
			  int *first)
{
	const struct ga_case_result *res = c->res;
	size_t i, used = 0, n = ga_case_skipped_steps(res), k = 0;
	int w;

	buf[0] = '\0';
	*first = 0;
	for (i = 0; i < res->nsteps && i < c->sc->nsteps && used < len; i++) {
		if (!res->steps[i].skipped[0])
			continue;
		if (!*first)
			*first = c->sc->steps[i].line;
		k++;
		w = snprintf(buf + used, len - used, "%s%d",
			     k == 1 ? "" : k == n ? " and " : ", ",
			     c->sc->steps[i].line);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* "connection 'pooled' (line 14): REASON; ..." of every connection the
 * client gave up on, into buf. */
static void skipped_connections(const struct ga_case *c, char *buf,
				size_t len)
{
	size_t i, used = 0;
	int w;

	buf[0] = '\0';
	for (i = 0; c->sessions && i < c->sc->nconnections && used < len;
	     i++) {
		if (!c->sessions[i].skip[0])
			continue;
		w = snprintf(buf + used, len - used, "%sconnection '%s' (line "
			     "%d): %s", used ? "; " : "",
			     c->sc->connections[i].name,
			     c->sessions[i].skip_line, c->sessions[i].skip);
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* After the steps: a case some of whose steps were skipped (the client
 * cannot do what their connection needs) is never PASS.  Every other
 * step ran and was checked: when they all matched the case is SKIP (of
 * kind driver: --strict fails on it unless --allow-skip lets it
 * through), its reason naming the steps skipped and why; a FAIL or an
 * ERROR stays one, and its reason says which steps before it were
 * skipped, since it may depend on them. */
static void partly_skipped(struct ga_case *c)
{
	struct ga_case_result *res = c->res;
	size_t n = ga_case_skipped_steps(res), len, i, ran = 0;
	char lines[200], why[700];
	int first;

	if (n == 0 || res->signo)
		return;
	for (i = 0; i < res->nsteps; i++)
		ran += res->steps[i].ran;
	skipped_lines(c, lines, sizeof(lines), &first);
	skipped_connections(c, why, sizeof(why));
	if (res->verdict == GA_VERDICT_PASS && ran == 0) {
		res->skip = GA_SKIP_DRIVER;
		ga_case_verdict(res, GA_VERDICT_SKIP, first, "no step could "
				"run with this client: %s", why);
		return;
	}
	if (res->verdict == GA_VERDICT_PASS) {
		res->skip = GA_SKIP_DRIVER;
		ga_case_verdict(res, GA_VERDICT_SKIP, first, "partly skipped: "
				"%zu of %zu steps were skipped with this "
				"client, the other %zu ran and matched; "
				"skipped: line%s %s: %s", n, c->sc->nsteps, ran,
				n == 1 ? "" : "s", lines, why);
		return;
	}
	if (res->verdict != GA_VERDICT_FAIL && res->verdict != GA_VERDICT_ERROR)
		return;
	len = strlen(res->reason);
	snprintf(res->reason + len, sizeof(res->reason) - len, " (skipped "
		 "before it, as this client cannot do them: line%s %s: %s; it "
		 "may depend on them)", n == 1 ? "" : "s", lines, why);
}

/* One run of the scenario (repetition rep, 1-based): set-up, steps,
 * teardown. */
static void run_once(struct ga_runner *r, const struct ga_scenario *sc,
		     long rep, struct ga_case_result *res)
{
	struct ga_case c;
	struct ga_error err;
	double t0 = ga_clock_ms(), t1, t2;
	bool go;
	size_t i;
	int rc;

	memset(&c, 0, sizeof(c));
	c.r = r;
	c.sc = sc;
	c.res = res;
	c.rep = rep;
	c.lab.host_ns = c.lab.client_ns = c.lab.server_ns = -1;
	c.lab.proxy_ns = -1;
	ga_proxy_init(&c.prx);
	r->ncases++;
	res->verdict = GA_VERDICT_PASS;
	ga_case_room_watch(&c);
	if (ga_case_choose_proxy(&c)) {
		/* SKIP (or ERROR): nothing is made */
	} else if ((rc = setup(&c, &err)) < 0) {
		if (ga_interrupted(r->in))
			res->signo = r->in->signo;
		ga_case_verdict(res, GA_VERDICT_ERROR, res->line, "%s", err.msg);
	} else if (rc == 0 && check_requires(&c) == 0 &&
		   ga_case_mark(&c, &err)) {
		ga_case_verdict(res, GA_VERDICT_ERROR, 0, "%s", err.msg);
	} else if (r->opts->record && res->verdict == GA_VERDICT_PASS) {
		/* explore's: unread is "" (it says so), never an ERROR */
		ga_case_digest(&c, res->digest_before,
			       sizeof(res->digest_before), &err);
	}
	ga_case_room_server(&c);
	ga_case_room_check(&c, res->line);
	t1 = ga_clock_ms();
	/* --record: on after a step that did not match (its verdict is
	 * kept), never after one that could not be made; never after the
	 * run directory's memory filled */
	go = res->verdict == GA_VERDICT_PASS;
	for (i = 0; go && i < sc->nsteps; i++) {
		if (r->opts->digest_steps && res->digest_before[0] &&
		    ga_step_kind_is(sc->steps[i].kind, GA_STEP_DIGESTED))
			ga_case_digest(&c, res->steps[i].digest_before,
				       sizeof(res->steps[i].digest_before),
				       &err);
		rc = ga_case_run_step(&c, i);
		go = ga_case_room_check(&c, sc->steps[i].line) == 0 &&
		     rc == 0 &&
		     (r->opts->record || res->verdict == GA_VERDICT_PASS);
	}
	if (c.placeholder && !r->opts->record)
		ga_case_verdict_first(res, GA_VERDICT_ERROR, c.placeholder,
				      "'expect any' at line %d is a draft's "
				      "placeholder, which checks nothing: "
				      "record the scenario (goneaway run "
				      "--record) to learn its outcomes",
				      c.placeholder);
	partly_skipped(&c);
	ga_case_room_check(&c, res->line);
	ga_case_room_end(&c);
	t2 = ga_clock_ms();
	teardown(&c);
	res->setup_ms += t1 - t0;
	res->steps_ms += t2 - t1;
	res->teardown_ms += ga_clock_ms() - t2;
	res->wall_ms += ga_clock_ms() - t0;
}

int ga_case_result_init(struct ga_case_result *res,
			const struct ga_run_options *opts,
			const struct ga_scenario *sc)
{
	memset(res, 0, sizeof(*res));
	if (opts->server)
		snprintf(res->backend, sizeof(res->backend), "%s",
			 opts->server->name);
	snprintf(res->server, sizeof(res->server), "%s",
		 opts->server_name ? opts->server_name : res->backend);
	snprintf(res->proxy, sizeof(res->proxy), "%s",
		 opts->proxy ? opts->proxy : "");
	if (opts->driver) {
		snprintf(res->client, sizeof(res->client), "%s",
			 opts->driver->name);
		snprintf(res->library, sizeof(res->library), "%s",
			 opts->driver->library);
	}
	if (opts->client_spec)
		snprintf(res->client_spec, sizeof(res->client_spec), "%s",
			 opts->client_spec);
	res->repeat = sc->repeat > 0 ? sc->repeat : 1;
	res->steps = calloc(sc->nsteps ? sc->nsteps : 1, sizeof(*res->steps));
	res->nsteps = sc->nsteps;
	if (!res->steps) {
		res->nsteps = 0;
		ga_case_verdict(res, GA_VERDICT_ERROR, 0, "out of memory");
		return -1;
	}
	return 0;
}

/* res for one run of sc on r: 0, or -1 when no run is to be made (the
 * verdict says why: the runner SKIPs or ERRORs every case). */
static int run_init(struct ga_runner *r, const struct ga_scenario *sc,
		    struct ga_case_result *res)
{
	if (ga_case_result_init(res, r->opts, sc))
		return -1;
	if (r->skip_reason[0]) {
		res->skip = r->skip_kind;
		ga_case_verdict(res, GA_VERDICT_SKIP, 0, "%s", r->skip_reason);
		return -1;
	}
	if (r->error_reason[0]) {
		ga_case_verdict(res, GA_VERDICT_ERROR, 0, "%s", r->error_reason);
		return -1;
	}
	return 0;
}

void ga_runner_run_rep(struct ga_runner *r, const struct ga_scenario *sc,
		       long rep, struct ga_case_result *res)
{
	if (run_init(r, sc, res))
		return;
	run_once(r, sc, rep, res);
	res->runs = 1;
	if (ga_tally_run(res))
		ga_case_verdict(res, GA_VERDICT_ERROR, 0, "out of memory");
}

void ga_runner_run(struct ga_runner *r, const struct ga_scenario *sc,
		   struct ga_case_result *res)
{
	struct ga_case_result one;
	long rep;

	if (run_init(r, sc, res))
		return;
	if (res->repeat > 1)
		ga_evidence_begin(r->opts, sc, res);
	for (rep = 1; rep <= res->repeat; rep++) {
		/* what the server's next set-up will be for */
		r->backend.next_label = rep < res->repeat ?
			ga_scenario_label(sc) :
			r->next ? ga_scenario_label(r->next) : NULL;
		ga_runner_run_rep(r, sc, rep, &one);
		if (ga_case_fold(r->opts, res, &one))
			ga_case_verdict(res, GA_VERDICT_ERROR, 0,
					"out of memory");
		ga_case_result_free(&one);
		if (rep < res->repeat && ga_interrupted(r->in) && !res->signo)
			res->signo = r->in->signo;      /* stop at once */
		if (ga_case_stops(r->opts, res))
			break;
	}
	ga_case_finish(r->opts, sc, res);
}
