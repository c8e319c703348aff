/* backstage.c - see backstage.h: the server in its lab, its thread of
 * jobs, and the lab's fault stack. */
#include "serve/backstage.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/pidfd.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <mysql.h>

#include "faults/fault.h"
#include "util/fsutil.h"
#include "util/json.h"

/* mysql_kill with query: how often and how long a KILL QUERY looks for
 * its statement running (ga_server_kill_query_running) */
#define KILL_QUERY_POLL_MS 2
#define KILL_QUERY_WAIT_MS 5000

/* What the loop may know of the server, published (the thread's, or
 * the opener's before it started): state, and the pid and version of a
 * server that runs.  The pid goes before an action touches the
 * process, and comes back once it runs again. */
static void publish(struct ga_backstage *b, const char *state)
{
	bool running = strcmp(state, "running") == 0;
	int fd;

	b->up = running;
	pthread_mutex_lock(&b->lock);
	snprintf(b->state, sizeof(b->state), "%s", state);
	b->pid = running ? b->srv.pid : 0;
	snprintf(b->version, sizeof(b->version), "%s", b->srv.version);
	if (running && b->srv.pidfd >= 0) {
		fd = fcntl(b->srv.pidfd, F_DUPFD_CLOEXEC, 0);
		if (fd >= 0) {
			if (b->kill_fd >= 0)
				close(b->kill_fd);
			b->kill_fd = fd;
		}
	}
	pthread_mutex_unlock(&b->lock);
}

int ga_backstage_open_jobs(struct ga_backstage *b, struct ga_error *err)
{
	memset(b, 0, sizeof(*b));
	b->lab.host_ns = b->lab.client_ns = b->lab.server_ns = -1;
	b->lab.proxy_ns = -1;
	b->done_fd = b->cancel[0] = b->cancel[1] = b->kill_fd = -1;
	b->thread_in.fd = -1;
	b->srv.pidfd = -1;
	pthread_mutex_init(&b->lock, NULL);
	pthread_mutex_init(&b->qlock, NULL);
	pthread_cond_init(&b->qcond, NULL);
	publish(b, "stopped");
	b->sc.path = (char *)"goneaway serve";
	b->sc.name = (char *)"serve";
	b->tag = ((unsigned)getpid() & 0xfff) << 12 | 0xfff;
	b->done_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (b->done_fd < 0 || pipe2(b->cancel, O_NONBLOCK | O_CLOEXEC) != 0)
		return ga_error_errno(err, errno, "eventfd");
	b->thread_in.fd = b->cancel[0];
	return 0;
}

int ga_backstage_open(struct ga_backstage *b,
		      const struct ga_server_backend_ops *ops,
		      const struct ga_server_options *so,
		      struct ga_interrupt *in, struct ga_error *err)
{
	int rc, own_ns;

	if (ga_backstage_open_jobs(b, err))
		return -1;
	rc = ga_server_backend_open(&b->be, ops, so, in, err);
	b->be_open = true;
	if (rc)
		return rc;
	snprintf(b->srv_dir, sizeof(b->srv_dir), "%s/server", so->run_dir);
	if (mkdir(b->srv_dir, 0700) != 0)
		return ga_error_errno(err, errno, "mkdir %s", b->srv_dir);
	b->srv_dir_made = true;
	b->srv_made = true;     /* destroy is safe after a failed create */
	if (ga_server_create(&b->srv, &b->be, b->srv_dir, &b->sc, err))
		return ga_error_prefix(err, "the server");
	own_ns = b->be.ops->own_netns(&b->srv);
	if (ga_lab_create_with(&b->lab, b->tag, own_ns, false, err))
		return ga_error_prefix(err, "creating the lab");
	b->lab_made = true;
	b->srv.netns_fd = b->lab.server_ns;
	if (ga_server_start(&b->srv, &b->sc, in, err))
		return ga_error_prefix(err, "starting the server");
	publish(b, "running");
	return 0;
}

void ga_backstage_version(struct ga_backstage *b, char *buf, size_t len)
{
	pthread_mutex_lock(&b->lock);
	snprintf(buf, len, "%s", b->version);
	pthread_mutex_unlock(&b->lock);
}

/* ---- the lab's faults --------------------------------------------------------- */

/* The lab's faults' target: the server at pid (0: none runs). */
static void target(struct ga_backstage *b, pid_t pid,
		   struct ga_fault_target *t)
{
	ga_fault_target_in(t, &b->lab, GA_SERVER_PORT, b->tag);
	t->server_pid = pid;
}

int ga_backstage_fault(struct ga_backstage *b, int lift_line,
		       const struct ga_fault_kind *kind, const void *spec,
		       int line, char *msg, size_t len)
{
	struct ga_fault_target t;
	struct ga_error err;
	int rc = 0;

	pthread_mutex_lock(&b->lock);  /* the pid stays the server's */
	target(b, b->pid, &t);
	if (lift_line && ga_fault_stack_lift(&b->faults, lift_line, &t, &err)) {
		snprintf(msg, len, "%s", err.msg);
		rc = -1;
	}
	if (rc == 0 && kind) {
		rc = ga_fault_stack_apply(&b->faults, kind, spec, kind->name,
					  line, &t, &err);
		if (rc)
			snprintf(msg, len, "%s", err.msg);
	}
	pthread_mutex_unlock(&b->lock);
	return rc;
}

/* ---- the jobs ------------------------------------------------------------------- */

/* The first value sql returns, into buf (as text), as the admin account
 * or, for a SET GLOBAL built here (set_global), the privileged one: the
 * admin account has no SUPER (server/admin.c).  Returns 0, or -1 with
 * job's message set. */
static int query_as(struct ga_backstage *b, bool privileged, const char *sql,
		    char *buf, size_t len, struct ga_sv_job *job)
{
	struct ga_outcome out;
	struct ga_error err;
	int rc;

	memset(&out, 0, sizeof(out));
	rc = privileged ? ga_server_privileged_queries(&b->srv, &sql, 1, &out,
							&err) :
			  ga_server_admin_query(&b->srv, sql, &out, &err);
	if (rc) {
		snprintf(job->msg, sizeof(job->msg), "%s", err.msg);
		return -1;
	}
	if (out.result != GA_RESULT_OK) {
		snprintf(job->msg, sizeof(job->msg), "%s: the server said %u "
			 "(%s): %s", sql, out.err, out.sqlstate, out.message);
		return -1;
	}
	if (buf)
		snprintf(buf, len, "%s", out.has_value ? out.value : "");
	return 0;
}

static int query(struct ga_backstage *b, const char *sql, char *buf,
		 size_t len, struct ga_sv_job *job)
{
	return query_as(b, false, sql, buf, len, job);
}

/* SET GLOBAL name = value, value a number this file made or read back
 * from the server (digits only, checked: the server's words are not
 * goneaway's), as the privileged account. */
static int set_global(struct ga_backstage *b, const char *name,
		      const char *value, struct ga_sv_job *job)
{
	char sql[128];

	if (!*value || strspn(value, "0123456789") != strlen(value) ||
	    strlen(value) > 20) {
		snprintf(job->msg, sizeof(job->msg), "%s: '%.40s' is no "
			 "number", name, value);
		return -1;
	}
	snprintf(sql, sizeof(sql), "SET GLOBAL %s = %s", name, value);
	return query_as(b, true, sql, NULL, 0, job);
}

struct kill_query_wait {
	struct ga_backstage *b;
	struct ga_sv_job *job;
};

/* Between the looks of a KILL QUERY at its session: a pause, then
 * whether the statement's answer came (the loop says). */
static bool kill_query_pause(void *ctx)
{
	struct kill_query_wait *w = ctx;
	struct timespec tick = { 0, KILL_QUERY_POLL_MS * 1000000L };

	nanosleep(&tick, NULL);
	return atomic_load(&w->job->answered);
}

/* KILL, or KILL QUERY once the statement runs (a KILL QUERY that comes
 * before it is forgotten: SELECT SLEEP(20) then ran its 20 s), on
 * goneaway's server or, for a proxy to the user's own, there. */
static int kill_job(struct ga_backstage *b, struct ga_sv_job *job)
{
	struct kill_query_wait w = { b, job };
	struct ga_outcome out;
	struct ga_error err;
	char sql[64];
	int rc;

	if (job->own) {
		if (!b->admin) {        /* the API refuses it first */
			snprintf(job->msg, sizeof(job->msg), "no "
				 "--upstream-admin account: nothing killed");
			return -1;
		}
		return ga_sv_upadmin_kill(b->admin, b->admin_uid, b->admin_gid,
					  job, kill_query_pause, &w,
					  KILL_QUERY_WAIT_MS);
	}
	if (!b->up) {
		snprintf(job->msg, sizeof(job->msg), "goneaway's server is %s",
			 b->state);
		return -1;
	}
	if (!job->query) {
		snprintf(sql, sizeof(sql), "KILL %lu", job->thread_id);
		return query(b, sql, NULL, 0, job);
	}
	rc = ga_server_kill_query_running(&b->srv, job->thread_id,
					  kill_query_pause, &w,
					  KILL_QUERY_WAIT_MS, &job->waited_ms,
					  job->msg, sizeof(job->msg), &out,
					  &err);
	if (rc < 0) {
		snprintf(job->msg, sizeof(job->msg), "%s", err.msg);
		return -1;
	}
	if (rc == 1 && out.result != GA_RESULT_OK) {
		snprintf(job->msg, sizeof(job->msg), "KILL QUERY %lu: the "
			 "server said %u (%s): %s", job->thread_id, out.err,
			 out.sqlstate, out.message);
		return -1;
	}
	return 0;
}

/* Starts the server; a start that fails leaves none (503). */
static int start_server(struct ga_backstage *b, struct ga_sv_job *job,
			const char *before)
{
	struct ga_error err;

	publish(b, "starting");
	if (ga_server_start(&b->srv, &b->sc, &b->thread_in, &err)) {
		snprintf(job->msg, sizeof(job->msg), "%s%sstarting the server: "
			 "%s: goneaway's server is not running", before,
			 *before ? "; " : "", err.msg);
		job->status = 503;
		publish(b, "stopped");
		return -1;
	}
	publish(b, "running");
	if (*before)    /* what went wrong before, which the start mended */
		snprintf(job->msg, sizeof(job->msg), "%s; started again",
			 before);
	return 0;
}

/* The globals the API may change, as they were at first. */
static int save_globals(struct ga_backstage *b, bool timeouts,
			struct ga_sv_job *job)
{
	if (timeouts && !b->saved_timeouts) {
		if (query(b, "SELECT @@GLOBAL.wait_timeout", b->wait_timeout,
			  sizeof(b->wait_timeout), job) ||
		    query(b, "SELECT @@GLOBAL.interactive_timeout",
			  b->interactive_timeout,
			  sizeof(b->interactive_timeout), job))
			return -1;
		b->saved_timeouts = true;
	}
	if (!timeouts && !b->saved_read_only) {
		if (query(b, "SELECT @@GLOBAL.read_only", b->read_only,
			  sizeof(b->read_only), job))
			return -1;
		b->saved_read_only = true;
	}
	return 0;
}

/* stop, restart: a clean stop, or the server killed when it does not
 * come (the error noted: the request's end holds, the server is gone),
 * and for restart a start. */
static int stop_job(struct ga_backstage *b, struct ga_sv_job *job,
		    bool restart)
{
	struct ga_error err;
	char why[GA_ERROR_MAX] = "";
	bool clean = true;

	if (b->up) {
		publish(b, restart ? "restarting" : "stopping");
		if (ga_server_stop(&b->srv, &b->thread_in, &err)) {
			snprintf(why, sizeof(why), "%s", err.msg);
			clean = false;
		}
		/* the server is gone: stopped, or killed and reaped */
		publish(b, clean ? "stopped" : "killed");
	}
	if (restart)
		return start_server(b, job, why);
	snprintf(job->msg, sizeof(job->msg), "%s", why);
	return 0;
}

static int server_job(struct ga_backstage *b, struct ga_sv_job *job)
{
	struct ga_error err;
	const char *e = job->event;
	char value[32];

	if (strcmp(e, "start") == 0)
		return b->up ? 0 : start_server(b, job, "");
	if (strcmp(e, "kill") == 0) {
		if (!b->up)
			return 0;
		publish(b, "killed");   /* the pid goes before the process */
		if (ga_server_crash(&b->srv, &err)) {
			snprintf(job->msg, sizeof(job->msg), "%s", err.msg);
			return -1;
		}
		return 0;
	}
	if (strcmp(e, "stop") == 0 || strcmp(e, "restart") == 0)
		return stop_job(b, job, strcmp(e, "restart") == 0);
	if (!b->up) {
		snprintf(job->msg, sizeof(job->msg), "goneaway's server is %s: "
			 "start it first (POST /goneaway/server/start)",
			 b->state);
		job->status = 503;
		return -1;
	}
	if (strcmp(e, "wait_timeout") == 0) {
		if (save_globals(b, true, job))
			return -1;
		snprintf(value, sizeof(value), "%lld", job->value);
		return set_global(b, "wait_timeout", value, job) ||
		       set_global(b, "interactive_timeout", value, job) ? -1 : 0;
	}
	if (save_globals(b, false, job))
		return -1;
	return set_global(b, "read_only", job->value ? "1" : "0", job);
}

/* The server as it started: running, its globals back. */
static int restore_job(struct ga_backstage *b, struct ga_sv_job *job)
{
	if (!b->up) {
		/* a killed server's process is reaped; a start makes it anew */
		if (start_server(b, job, ""))
			return -1;
		b->saved_timeouts = b->saved_read_only = false;
		return 0;               /* a new start has its own globals */
	}
	if (b->saved_timeouts) {
		if (set_global(b, "wait_timeout", b->wait_timeout, job) ||
		    set_global(b, "interactive_timeout", b->interactive_timeout,
			       job))
			return -1;
		b->saved_timeouts = false;
	}
	if (b->saved_read_only) {
		if (set_global(b, "read_only", b->read_only, job))
			return -1;
		b->saved_read_only = false;
	}
	return 0;
}

static void run_job(struct ga_backstage *b, struct ga_sv_job *job)
{
	job->status = 0;
	switch (job->kind) {
	case GA_JOB_KILL:
		job->rc = kill_job(b, job);
		break;
	case GA_JOB_SERVER:
		job->rc = server_job(b, job);
		break;
	case GA_JOB_RESTORE:
		job->rc = restore_job(b, job);
		break;
	}
	if (job->rc && !job->status)
		job->status = 500;
}

static void *thread_main(void *arg)
{
	struct ga_backstage *b = arg;
	struct ga_sv_job *job, **tail;
	uint64_t one = 1;
	bool stopping;

	mysql_thread_init();
	for (;;) {
		pthread_mutex_lock(&b->qlock);
		while (!b->queue && !b->stopping)
			pthread_cond_wait(&b->qcond, &b->qlock);
		job = b->queue;
		if (job)
			b->queue = job->next;
		stopping = b->stopping;         /* the stop's, under qlock */
		pthread_mutex_unlock(&b->qlock);
		if (!job)
			break;          /* stopping, nothing left */
		job->next = NULL;
		if (stopping) {
			job->rc = -1;
			snprintf(job->msg, sizeof(job->msg), "goneaway serve "
				 "is stopping");
		} else {
			run_job(b, job);
		}
		pthread_mutex_lock(&b->qlock);
		for (tail = &b->done; *tail; tail = &(*tail)->next)
			;
		*tail = job;
		pthread_mutex_unlock(&b->qlock);
		if (write(b->done_fd, &one, sizeof(one)) < 0) {
			/* the counter is full: it is readable anyway */
		}
	}
	mysql_thread_end();
	return NULL;
}

int ga_backstage_start(struct ga_backstage *b, struct ga_error *err)
{
	int rc = pthread_create(&b->thread, NULL, thread_main, b);

	if (rc)
		return ga_error_errno(err, rc, "pthread_create");
	b->thread_started = true;
	return 0;
}

void ga_backstage_submit(struct ga_backstage *b, struct ga_sv_job *job)
{
	struct ga_sv_job **tail;

	job->next = NULL;
	pthread_mutex_lock(&b->qlock);
	for (tail = &b->queue; *tail; tail = &(*tail)->next)
		;
	*tail = job;
	pthread_cond_signal(&b->qcond);
	pthread_mutex_unlock(&b->qlock);
}

struct ga_sv_job *ga_backstage_take_done(struct ga_backstage *b)
{
	struct ga_sv_job *job;
	uint64_t n;

	if (read(b->done_fd, &n, sizeof(n)) < 0) {
		/* nothing counted: the list says */
	}
	pthread_mutex_lock(&b->qlock);
	job = b->done;
	if (job)
		b->done = job->next;
	pthread_mutex_unlock(&b->qlock);
	if (job)
		job->next = NULL;
	return job;
}

void ga_backstage_server_json(struct ga_backstage *b, FILE *f)
{
	char state[sizeof(b->state)], version[sizeof(b->version)];
	size_t i, faults = 0;
	pid_t pid;

	pthread_mutex_lock(&b->lock);
	snprintf(state, sizeof(state), "%s", b->state);
	snprintf(version, sizeof(version), "%s", b->version);
	pid = b->pid;
	pthread_mutex_unlock(&b->lock);
	for (i = 0; i < b->faults.n; i++)
		faults += b->faults.items[i].active != 0;
	fputs("{\"state\":", f);
	ga_json_write_string(f, state, strlen(state));
	fputs(",\"version\":", f);
	ga_json_write_string(f, version, strlen(version));
	fprintf(f, ",\"backend\":\"%s\",\"upstream\":\"%s:%d\",\"pid\":%ld,"
		"\"faults\":%zu}", b->be.ops ? b->be.ops->name : "",
		GA_SV_SERVER_HOST, GA_SERVER_PORT, (long)pid, faults);
}

void ga_backstage_close(struct ga_backstage *b)
{
	struct ga_fault_target t;
	struct ga_error err;
	struct ga_sv_job *job;
	struct signalfd_siginfo si;

	if (b->thread_started) {
		pthread_mutex_lock(&b->qlock);
		b->stopping = true;
		pthread_cond_signal(&b->qcond);
		pthread_mutex_unlock(&b->qlock);
		/* a wait under way (a start, a stop) ends as at a signal */
		memset(&si, 0, sizeof(si));
		si.ssi_signo = SIGTERM;
		if (write(b->cancel[1], &si, sizeof(si)) < 0) {
			/* the pipe is full: one is there already */
		}
		/* and one on the server's answer (a KILL at a paused
		 * server) as the server ends: by its pidfd, which names
		 * that process and no other, even once it is reaped */
		pthread_mutex_lock(&b->lock);
		if (b->kill_fd >= 0)
			pidfd_send_signal(b->kill_fd, SIGKILL, NULL, 0);
		pthread_mutex_unlock(&b->lock);
		pthread_join(b->thread, NULL);
		b->thread_started = false;
	}
	while ((job = ga_backstage_take_done(b)) != NULL)
		free(job);
	while ((job = b->queue) != NULL) {
		b->queue = job->next;
		free(job);
	}
	target(b, b->srv.pid, &t);
	if (ga_fault_stack_unwind(&b->faults, &t, &err))
		fprintf(stderr, "goneaway serve: %s\n", err.msg);
	if (b->srv_made)
		ga_server_destroy(&b->srv);
	b->srv_made = false;
	if (b->lab_made)
		ga_lab_destroy(&b->lab);
	b->lab_made = false;
	if (b->be_open)
		ga_server_backend_close(&b->be);
	b->be_open = false;
	if (b->srv_dir_made && ga_tree_remove(b->srv_dir, &err))
		fprintf(stderr, "goneaway serve: %s\n", err.msg);
	b->srv_dir_made = false;
	if (b->done_fd >= 0)
		close(b->done_fd);
	if (b->cancel[0] >= 0)
		close(b->cancel[0]);
	if (b->cancel[1] >= 0)
		close(b->cancel[1]);
	if (b->kill_fd >= 0)
		close(b->kill_fd);
	b->done_fd = b->cancel[0] = b->cancel[1] = b->kill_fd = -1;
	pthread_mutex_destroy(&b->lock);
	pthread_mutex_destroy(&b->qlock);
	pthread_cond_destroy(&b->qcond);
}
