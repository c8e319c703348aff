/* jobs_workers.c - see jobs_workers.h: worker processes that each run one repetition of
 * one scenario at a time. */
#include "plan/jobs_workers.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "plan/jobs_wire.h"
#include "util/clock.h"
#include "util/fsutil.h"

#define RESULT_PIECE_MS 10000   /* a result is written at once: bound the
				 * wait for its next piece */
#define STOP_MS 60000           /* workers tear down and exit within this,
				 * or are SIGKILLed */

struct job_msg {
	uint64_t id;
	struct ga_workers_job job;
};

struct worker {
	pid_t pid;                      /* 0: gone */
	int jobw;                       /* jobs to it, -1 */
	int resr;                       /* results from it, -1 */
	bool busy;
	uint64_t id;                    /* its job's, while busy */
	struct ga_workers_job job;
	uint64_t *kept;                 /* owned, per server: the key of the
					 * server its runner keeps, 0: none */
	long procs;                     /* the driver processes of its last
					 * job's client it keeps */
};

struct ga_workers {
	struct worker *w;               /* owned, max */
	unsigned n, max;
	const struct ga_workers_combo *combos;     /* borrowed */
	size_t ncombos, nservers;
	struct ga_interrupt *in;        /* borrowed */
	pid_t parent;
	int passed_on;                  /* the signal passed to the workers */
	double stop_by;                 /* ... and when they must have ended
					 * their cases */
};

/* ---- the worker ----------------------------------------------------------- */

/* The next job, or 1 at the end (EOF, or a signal while idle). */
static int next_job(int fd, struct ga_interrupt *in, struct job_msg *m)
{
	struct pollfd pfd[2] = { { fd, POLLIN, 0 }, { in->fd, POLLIN, 0 } };
	size_t got = 0;
	ssize_t n;

	while (got < sizeof(*m)) {
		if (poll(pfd, in->fd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
			return 1;
		if (ga_interrupted(in))
			return 1;
		if (!(pfd[0].revents & (POLLIN | POLLHUP | POLLERR)))
			continue;
		n = read(fd, (char *)m + got, sizeof(*m) - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return 1;
		got += (size_t)n;
	}
	return 0;
}

static void run_job(struct ga_workers *p, struct ga_runner *runners,
		    bool *open, struct ga_run_options *wopts,
		    const struct job_msg *m, struct ga_case_result *res)
{
	const struct ga_workers_combo *k = &p->combos[m->job.combo];
	struct ga_error err;
	size_t s = k->server;

	wopts[s] = k->opts;
	if (!open[s]) {
		if (ga_runner_open(&runners[s], &wopts[s], p->in, &err)) {
			if (ga_case_result_init(res, &k->opts, m->job.sc) == 0)
				ga_case_verdict(res, GA_VERDICT_ERROR, 0,
						"%s", err.msg);
			return;
		}
		open[s] = true;
	}
	runners[s].next = NULL;
	ga_runner_run_rep(&runners[s], m->job.sc, m->job.rep, res);
}

static void worker_main(struct ga_workers *p, int jobr, int resw)
{
	struct ga_runner *runners = calloc(p->nservers, sizeof(*runners));
	struct ga_run_options *wopts = calloc(p->nservers, sizeof(*wopts));
	bool *open = calloc(p->nservers, sizeof(*open));
	struct ga_case_result res;
	struct ga_error err;
	struct job_msg m;
	size_t s;

	/* a parent that dies (even by SIGKILL) ends the worker's case the
	 * way its own SIGTERM would */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != p->parent)
		_exit(1);
	if (!runners || !wopts || !open)
		_exit(1);
	while (next_job(jobr, p->in, &m) == 0) {
		if (m.job.combo >= p->ncombos || !m.job.sc)
			break;
		run_job(p, runners, open, wopts, &m, &res);
		res.kept_drivers = p->combos[m.job.combo].opts.driver ?
			ga_driver_ready_count_of(
				p->combos[m.job.combo].opts.driver) : 0;
		if (ga_interrupted(p->in) && !res.signo)
			res.signo = p->in->signo;
		s = ga_workers_send(resw, m.id, m.job.sc, &res, &err) ? 1 : 0;
		ga_case_result_free(&res);
		if (s || ga_interrupted(p->in))
			break;
	}
	for (s = 0; s < p->nservers; s++)
		if (open[s])
			ga_runner_close(&runners[s]);
	_exit(0);
}

/* ---- the parent ----------------------------------------------------------- */

/* Forks worker i.  Returns 0, or -1 with err set. */
static int start_worker(struct ga_workers *p, unsigned i, struct ga_error *err)
{
	int job[2], res[2];
	unsigned j;
	pid_t pid;

	if (pipe2(job, O_CLOEXEC) != 0)
		return ga_error_errno(err, errno, "pipe");
	if (pipe2(res, O_CLOEXEC) != 0) {
		close(job[0]);
		close(job[1]);
		return ga_error_errno(err, errno, "pipe");
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		ga_error_errno(err, errno, "fork a worker");
		close(job[0]);
		close(job[1]);
		close(res[0]);
		close(res[1]);
		return -1;
	}
	if (pid == 0) {
		for (j = 0; j < i; j++) {
			ga_close_fd(&p->w[j].jobw);
			ga_close_fd(&p->w[j].resr);
		}
		close(job[1]);
		close(res[0]);
		worker_main(p, job[0], res[1]);
	}
	close(job[0]);
	close(res[1]);
	p->w[i].pid = pid;
	p->w[i].jobw = job[1];
	p->w[i].resr = res[0];
	return 0;
}

struct ga_workers *ga_workers_start(unsigned n, unsigned max,
			      const struct ga_workers_combo *combos,
			      size_t ncombos, size_t nservers,
			      struct ga_interrupt *in, struct ga_error *err)
{
	struct ga_workers *p = calloc(1, sizeof(*p));
	unsigned i;

	if (max < 1)
		max = 1;
	if (n < 1 || n > max)
		n = n < 1 ? 1 : max;
	if (!p || !(p->w = calloc(max, sizeof(*p->w)))) {
		free(p);
		ga_error_set(err, "out of memory");
		return NULL;
	}
	p->max = max;
	p->combos = combos;
	p->ncombos = ncombos;
	p->nservers = nservers;
	p->in = in;
	p->parent = getpid();
	for (i = 0; i < max; i++) {
		p->w[i].jobw = p->w[i].resr = -1;
		p->w[i].kept = calloc(nservers ? nservers : 1,
				      sizeof(*p->w[i].kept));
		if (!p->w[i].kept) {
			ga_workers_stop(p);
			ga_error_set(err, "out of memory");
			return NULL;
		}
	}
	for (i = 0; i < n; i++)
		if (ga_workers_grow(p, err) != 1)
			break;
	if (p->n == 0) {
		ga_workers_stop(p);
		return NULL;
	}
	return p;
}

int ga_workers_grow(struct ga_workers *p, struct ga_error *err)
{
	if (p->n >= p->max)
		return 0;
	if (start_worker(p, p->n, err))
		return -1;
	p->n++;
	return 1;
}

unsigned ga_workers_size(const struct ga_workers *p)
{
	return p->n;
}

void ga_workers_worker(const struct ga_workers *p, unsigned i, bool *alive,
		    bool *busy, const uint64_t **kept, long *procs,
		    size_t *job_id)
{
	const struct worker *w = &p->w[i];

	*alive = w->pid != 0 && w->jobw >= 0;
	*busy = w->busy;
	*kept = w->kept;
	*procs = w->procs;
	*job_id = (size_t)w->id;
}

unsigned ga_workers_busy(const struct ga_workers *p)
{
	unsigned i, k = 0;

	for (i = 0; i < p->n; i++)
		k += p->w[i].busy;
	return k;
}

int ga_workers_submit_to(struct ga_workers *p, unsigned i,
		      const struct ga_workers_job *job, size_t id,
		      struct ga_error *err)
{
	struct job_msg m;
	ssize_t n;

	if (i >= p->n || !p->w[i].pid || p->w[i].busy)
		return ga_error_set(err, "worker %u is not idle", i);
	memset(&m, 0, sizeof(m));
	m.id = id;
	m.job = *job;
	/* smaller than PIPE_BUF, into an empty pipe: written whole */
	do
		n = write(p->w[i].jobw, &m, sizeof(m));
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(m))
		return ga_error_errno(err, n < 0 ? errno : EIO, "give worker "
				      "%d a job", (int)p->w[i].pid);
	p->w[i].busy = true;
	p->w[i].id = id;
	p->w[i].job = *job;
	return 0;
}

int ga_workers_retire(struct ga_workers *p, unsigned i, struct ga_error *err)
{
	if (i >= p->n || !p->w[i].pid || p->w[i].busy || p->w[i].jobw < 0)
		return ga_error_set(err, "worker %u is not idle", i);
	ga_close_fd(&p->w[i].jobw);        /* no more jobs: it exits */
	return 0;
}

/* Reaps pid, waiting at most ms, then SIGKILL; its status into *status. */
static void reap(pid_t pid, long ms, int *status)
{
	double deadline = ga_clock_ms() + (double)ms;
	struct timespec tick = { 0, 10 * 1000 * 1000 };

	*status = 0;
	while (waitpid(pid, status, WNOHANG) == 0) {
		if (ga_clock_ms() > deadline) {
			kill(pid, SIGKILL);
			waitpid(pid, status, 0);
			return;
		}
		nanosleep(&tick, NULL);
	}
}

/* The worker w gave no result: it is gone, and its job an ERROR. */
static void worker_lost(struct ga_workers *p, struct worker *w,
			const struct ga_error *why, struct ga_case_result *res)
{
	const struct ga_workers_combo *k = &p->combos[w->job.combo];
	char how[64] = "";
	int status;

	ga_close_fd(&w->jobw);
	ga_close_fd(&w->resr);
	reap(w->pid, 5000, &status);
	if (WIFSIGNALED(status))
		snprintf(how, sizeof(how), ", killed by signal %d",
			 WTERMSIG(status));
	else if (WIFEXITED(status))
		snprintf(how, sizeof(how), ", exit status %d",
			 WEXITSTATUS(status));
	if (ga_case_result_init(res, &k->opts, w->job.sc) == 0)
		ga_case_verdict(res, GA_VERDICT_ERROR, 0, "the worker process "
				"(PID %d) running it gave no result: %s%s",
				(int)w->pid, why->msg, how);
	res->signo = p->passed_on;
	w->pid = 0;
	w->busy = false;
	memset(w->kept, 0, p->nservers * sizeof(*w->kept));
	w->procs = 0;
}

static void pass_signal_on(struct ga_workers *p)
{
	unsigned i;

	if (p->passed_on || !ga_interrupted(p->in))
		return;
	p->passed_on = p->in->signo;
	p->stop_by = ga_clock_ms() + STOP_MS;
	for (i = 0; i < p->n; i++)
		if (p->w[i].pid)
			kill(p->w[i].pid, p->passed_on);
}

int ga_workers_wait(struct ga_workers *p, size_t *id,
		    struct ga_case_result *res, double wake_ms)
{
	struct pollfd *pfd;
	struct ga_error err;
	unsigned i, k, *of;
	uint64_t got;
	int rc, n, left;

	pfd = calloc(p->n + 1, sizeof(*pfd));
	of = calloc(p->n + 1, sizeof(*of));
	if (!pfd || !of) {
		free(pfd);
		free(of);
		return 0;
	}
	for (;;) {
		pass_signal_on(p);
		for (i = 0, k = 0; i < p->n; i++)
			if (p->w[i].busy) {
				pfd[k].fd = p->w[i].resr;
				pfd[k].events = POLLIN;
				of[k++] = i;
			}
		if (k == 0) {
			rc = 0;
			break;
		}
		pfd[k].fd = p->passed_on ? -1 : p->in->fd;
		pfd[k].events = POLLIN;
		left = -1;              /* no bound */
		if (p->passed_on)
			left = (int)(p->stop_by - ga_clock_ms());
		else if (wake_ms > 0)
			left = (int)(wake_ms - ga_clock_ms()) + 1;
		if ((p->passed_on || wake_ms > 0) && left < 0)
			left = 0;       /* a bound already past */
		n = poll(pfd, k + 1, left);
		if (n < 0 && errno != EINTR) {
			rc = 0;
			break;
		}
		if (n == 0 && !p->passed_on && wake_ms > 0 &&
		    ga_clock_ms() >= wake_ms) {
			rc = 2;
			break;
		}
		if (n == 0 && p->passed_on) {
			/* a worker that does not end its case after the
			 * signal is given up on: its job is an ERROR */
			struct worker *w = &p->w[of[0]];

			*id = (size_t)w->id;
			ga_error_set(&err, "no result within %d ms of signal %d",
				     STOP_MS, p->passed_on);
			worker_lost(p, w, &err, res);
			rc = 1;
			break;
		}
		for (i = 0; i < k; i++)
			if (pfd[i].revents)
				break;
		if (i == k)
			continue;       /* a signal: passed on above */
		{
			struct worker *w = &p->w[of[i]];

			*id = (size_t)w->id;
			rc = ga_workers_recv(w->resr, w->job.sc,
					  p->combos[w->job.combo].opts.driver,
					  RESULT_PIECE_MS, &got, res, &err);
			if (rc == 0 && got == w->id) {
				w->busy = false;
				w->kept[p->combos[w->job.combo].server] =
					res->kept_key;
				w->procs = res->kept_drivers;
				rc = 1;
				break;
			}
			if (rc == 0) {
				ga_case_result_free(res);
				ga_error_set(&err, "a result for job %llu, not "
					     "%llu", (unsigned long long)got,
					     (unsigned long long)w->id);
			} else if (rc == 1) {
				ga_error_set(&err, "it ended");
			}
			worker_lost(p, w, &err, res);
			rc = 1;
			break;
		}
	}
	free(pfd);
	free(of);
	return rc;
}

void ga_workers_stop(struct ga_workers *p)
{
	double deadline;
	unsigned i;
	int status;
	long left;

	if (!p)
		return;
	for (i = 0; i < p->n; i++)
		ga_close_fd(&p->w[i].jobw);       /* no more jobs: they exit */
	deadline = ga_clock_ms() + STOP_MS;
	for (i = 0; i < p->n; i++) {
		if (!p->w[i].pid)
			continue;
		left = (long)(deadline - ga_clock_ms());
		reap(p->w[i].pid, left > 0 ? left : 0, &status);
		ga_close_fd(&p->w[i].resr);
	}
	for (i = 0; i < p->max; i++)
		free(p->w[i].kept);
	free(p->w);
	free(p);
}
