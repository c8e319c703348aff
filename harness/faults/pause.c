/* pause.c - the "pause" fault: the scenario's mariadbd is frozen
 * with SIGSTOP and thawed with SIGCONT.
 *
 * A frozen server is the one failure where the network is healthy: the
 * kernel's TCP stack still completes handshakes (into the listen
 * backlog) and ACKs whatever the client writes, but mysqld never reads
 * or answers.  The signal goes to the one PID the runner started, never
 * to a name or pattern.
 *
 *     fault frozen pause
 *     ...
 *     lift frozen
 */
#include "faults/fault.h"

#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "faults/args.h"
#include "util/clock.h"

#define STOP_WAIT_MS 2000       /* how long the threads may take to stop */

/* kill() returns before every thread of a multi-threaded process has
 * stopped: until then mysqld may still answer.  True once each thread
 * in /proc/PID/task shows state T (stopped). */
static bool all_threads_stopped(pid_t pid)
{
	char path[64], stat[512], *p;
	struct dirent *de;
	bool all = true;
	DIR *dir;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		return false;
	while (all && (de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.20s/stat",
			 (int)pid, de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;       /* the thread ended */
		n = fread(stat, 1, sizeof(stat) - 1, f);
		fclose(f);
		stat[n] = '\0';
		p = strrchr(stat, ')');        /* "pid (comm) S ..." */
		if (p && p[1] == ' ' && p[2] != 'T' && p[2] != 't')
			all = false;
	}
	closedir(dir);
	return all;
}

struct pause_spec {
	int unused;             /* the kind takes no arguments */
};

static int pause_parse(const char *args, void **spec,
		       struct ga_fault_diag *diag)
{
	static struct pause_spec the_spec;
	struct ga_args a;
	struct ga_arg w;

	ga_args_init(&a, args);
	if (ga_args_next(&a, &w))
		return ga_fault_diag_set(diag, w.at, "'pause' takes no "
					 "arguments, found '%s'", w.text);
	*spec = &the_spec;      /* nothing to own: a static empty spec */
	return 0;
}

static int pause_validate(const void *spec, struct ga_fault_diag *diag)
{
	(void)spec;
	(void)diag;
	return 0;
}

static void pause_describe(const void *spec, char *buf, size_t len)
{
	(void)spec;
	snprintf(buf, len, "%s", "");  /* no arguments */
}

static void pause_free(void *spec)
{
	(void)spec;             /* static */
}

static int pause_apply(const void *spec, const struct ga_fault_target *t,
		       void **state, struct ga_error *err)
{
	double deadline;

	(void)spec;
	*state = NULL;
	if (t->server_pid <= 0)
		return ga_error_set(err, "pause: the server is not running");
	if (kill(t->server_pid, SIGSTOP) != 0)
		return ga_error_errno(err, errno, "SIGSTOP mariadbd (pid %d)",
				      (int)t->server_pid);
	deadline = ga_clock_ms() + STOP_WAIT_MS;
	while (!all_threads_stopped(t->server_pid)) {
		if (ga_clock_ms() > deadline) {
			kill(t->server_pid, SIGCONT);
			return ga_error_set(err, "mariadbd (pid %d) did not stop "
					    "within %d ms of SIGSTOP",
					    (int)t->server_pid, STOP_WAIT_MS);
		}
		poll(NULL, 0, 1);
	}
	return 0;
}

static int pause_revert(const void *spec, const struct ga_fault_target *t,
			void *state, struct ga_error *err)
{
	(void)spec;
	(void)state;
	if (t->server_pid <= 0)
		return 0;       /* the server is gone: nothing to thaw */
	if (kill(t->server_pid, SIGCONT) != 0 && errno != ESRCH)
		return ga_error_errno(err, errno, "SIGCONT mariadbd (pid %d)",
				      (int)t->server_pid);
	return 0;
}

/* Signals need nothing of the machine. */
static int pause_probe(const struct ga_fault_target *t, struct ga_error *why)
{
	(void)t;
	(void)why;
	return 0;
}

static const struct ga_fault_ops pause_ops = {
	.apply = pause_apply,
	.revert = pause_revert,
	.probe = pause_probe,
	.probe_name = "pause",
	.probe_ok = "SIGSTOP/SIGCONT of the scenario's own server",
	.on_server = true,
};

const struct ga_fault_kind ga_fault_pause = {
	.name = "pause",
	.usage = "pause",
	.parse = pause_parse,
	.validate = pause_validate,
	.describe = pause_describe,
	.free_spec = pause_free,
	.ops = &pause_ops,
};
