/* spawn.c - see spawn.h: the fork, and what the parent reads of it
 * through the error pipe.  What the child does up to exec:
 * spawnchild.c (its descriptors: spawnfds.c; its namespaces:
 * spawnns.c; its files: spawnroot.c; its confinement: spawnconfine.c;
 * its view: spawnview.c); what a failure told: spawnfail.c; waiting
 * for it: spawnwait.c. */
#include "lab/internal.h"
#include "lab/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int pidfd_open_compat(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

static int spawn_with(const struct ga_spawn_opts *opts, char *const *envp,
		      pid_t *pid, int *pidfd, struct ga_error *err);

/* Whether entry ("NAME=VALUE") has the name of one of set's. */
static bool env_named(const char *entry, const char *const *set)
{
	size_t n = strcspn(entry, "=");

	for (; *set; set++)
		if (strncmp(*set, entry, n) == 0 && (*set)[n] == '=')
			return true;
	return false;
}

/* The harness's environment with env's entries in place of its own of
 * their names: a new array (free() it; the strings are borrowed), or
 * NULL when out of memory. */
static char **merged_env(const char *const *env)
{
	extern char **environ;
	size_t n = 0, k = 0, i;
	char **out;

	for (i = 0; environ[i]; i++)
		n++;
	for (i = 0; env[i]; i++)
		n++;
	out = malloc((n + 1) * sizeof(*out));
	if (!out)
		return NULL;
	for (i = 0; environ[i]; i++)
		if (!env_named(environ[i], env))
			out[k++] = environ[i];
	for (i = 0; env[i]; i++)
		out[k++] = (char *)env[i];
	out[k] = NULL;
	return out;
}

int ga_spawn(const struct ga_spawn_opts *opts, pid_t *pid, int *pidfd,
	     struct ga_error *err)
{
	extern char **environ;
	char **envp = NULL;
	int rc;

	if (opts->env) {
		envp = merged_env(opts->env);
		if (!envp)
			return ga_error_set(err, "out of memory");
	}
	rc = spawn_with(opts, envp ? envp : environ, pid, pidfd, err);
	free(envp);
	return rc;
}

/* ga_spawn, its environment envp made. */
static int spawn_with(const struct ga_spawn_opts *opts, char *const *envp,
		      pid_t *pid, int *pidfd, struct ga_error *err)
{
	pid_t parent = getpid(), sibling = 0;
	struct ga_spawn_failure f, rec;
	bool failed = false;
	int pipefd[2], harness_fd = -1;
	ssize_t n;
	pid_t p;

	if (opts->new_pidns && (opts->join || opts->detach))
		return ga_error_set(err, "a new PID namespace cannot be joined "
				    "or detached");
	if (opts->files && opts->join)
		return ga_error_set(err, "files cannot be bound into a joined "
				    "mount namespace");
	if (opts->confine && (!opts->confine->uid || !opts->confine->gid))
		return ga_error_set(err, "a confined child has no user of its "
				    "own");
	if (opts->new_pidns) {
		harness_fd = pidfd_open_compat(parent);
		if (harness_fd < 0)
			return ga_error_errno(err, errno, "pidfd_open");
		fcntl(harness_fd, F_SETFD, FD_CLOEXEC);
	}
	if (pipe2(pipefd, O_CLOEXEC) != 0) {
		if (harness_fd >= 0)
			close(harness_fd);
		return ga_error_errno(err, errno, "pipe");
	}
	p = opts->new_pidns ? ga_spawn_clone(CLONE_NEWPID) : fork();
	if (p < 0) {
		int e = errno;

		close(pipefd[0]);
		close(pipefd[1]);
		if (harness_fd >= 0)
			close(harness_fd);
		return ga_error_errno(err, e, opts->new_pidns ?
				      "clone (a new PID namespace)" : "fork");
	}
	if (p == 0) {
		close(pipefd[0]);
		ga_spawn_child_exec(opts, pipefd[1], parent, harness_fd, envp);
	}
	if (harness_fd >= 0)
		close(harness_fd);
	close(pipefd[1]);
	/* every record until every write end is closed (at exec, or at the
	 * end of a child that failed): a failure, and the PID of the process
	 * forked into a PID namespace - in either order, as that process may
	 * fail before the one that forked it has sent its PID.  Then the
	 * first child has exited, and that process is the one that execs. */
	for (;;) {
		n = read(pipefd[0], &rec, sizeof(rec));
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(rec))
			break;
		if (rec.stage == GA_STAGE_FORKED && !sibling)
			sibling = (pid_t)rec.index;
		else if (rec.stage != GA_STAGE_FORKED && !failed) {
			f = rec;
			failed = true;
		}
	}
	close(pipefd[0]);
	if (sibling) {
		waitpid(p, NULL, 0);
		p = sibling;
	}
	if (failed) {
		waitpid(p, NULL, 0);
		return ga_spawn_failed(opts, &f, err);
	}
	*pidfd = pidfd_open_compat(p);
	if (*pidfd < 0) {
		int e = errno;

		kill(p, SIGKILL);
		waitpid(p, NULL, 0);
		return ga_error_errno(err, e, "pidfd_open");
	}
	*pid = p;
	return 0;
}
