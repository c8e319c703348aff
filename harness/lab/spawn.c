/* spawn.c - see spawn.h */
#include "lab/spawn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int pidfd_open_compat(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

/* Closes every descriptor above 2 but keep (the error pipe) and marks
 * keep close-on-exec, so the exec'd program holds 0, 1 and 2 only: a
 * client's socket (Connector/C's are not close-on-exec) must not live on
 * in a restarted server.  Async-signal-safe: close_range, or getdents64
 * over /proc/self/fd on kernels without it. */
static int close_fds_above_2(int keep)
{
	char buf[4096];
	long n, off;
	int dir, fd;

	if (fcntl(keep, F_SETFD, FD_CLOEXEC) != 0)
		return -1;
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;       /* closed at exec, the error pipe too */
	dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return -1;
	while ((n = syscall(SYS_getdents64, dir, buf, sizeof(buf))) > 0) {
		for (off = 0; off < n;) {
			struct dirent64 *de = (struct dirent64 *)(buf + off);
			const char *p = de->d_name;

			off += de->d_reclen;
			if (*p < '0' || *p > '9')
				continue;
			for (fd = 0; *p >= '0' && *p <= '9'; p++)
				fd = fd * 10 + (*p - '0');
			if (fd > 2 && fd != keep && fd != dir)
				close(fd);
		}
	}
	close(dir);
	return n < 0 ? -1 : 0;
}

/* Points fd target at path (opened with flags); the temporary
 * descriptor is closed again. */
static int redirect(int target, const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0644);

	if (fd < 0)
		return -1;
	if (fd == target)
		return fcntl(fd, F_SETFD, 0);
	if (dup2(fd, target) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Runs in the child between fork and exec: only async-signal-safe calls. */
static void child_exec(const struct ga_spawn_opts *opts, int errpipe,
		       pid_t parent)
{
	const char *out = opts->output_path ? opts->output_path : "/dev/null";
	int out_flags = opts->output_path ? O_WRONLY | O_CREAT | O_APPEND :
					    O_WRONLY;
	sigset_t none;
	int e;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
		goto fail;
	if (getppid() != parent)        /* the harness died before prctl */
		_exit(127);
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) != 0)
		goto fail;
	signal(SIGPIPE, SIG_DFL);
	if (opts->netns_fd >= 0 && setns(opts->netns_fd, CLONE_NEWNET) != 0)
		goto fail;
	if (opts->own_group && setpgid(0, 0) != 0)
		goto fail;
	if (errpipe <= 2) {     /* the harness runs with 0, 1 or 2 closed */
		errpipe = fcntl(errpipe, F_DUPFD_CLOEXEC, 3);
		if (errpipe < 0)
			_exit(127);
	}
	if (opts->pipes) {
		/* the pipes sit above 2: the harness keeps 0-2 open */
		if (redirect(2, out, out_flags) != 0 ||
		    dup2(opts->pipes[0], 0) < 0 || dup2(opts->pipes[1], 1) < 0)
			goto fail;
	} else if (redirect(0, "/dev/null", O_RDONLY) != 0 ||
		   redirect(1, out, out_flags) != 0 || dup2(1, 2) < 0) {
		goto fail;
	}
	if (close_fds_above_2(errpipe) != 0)
		goto fail;
	execv(opts->argv[0], (char *const *)opts->argv);
fail:
	e = errno;
	if (write(errpipe, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

int ga_spawn(const struct ga_spawn_opts *opts, pid_t *pid, int *pidfd,
	     struct ga_error *err)
{
	pid_t parent = getpid();
	int pipefd[2];
	int child_errno = 0;
	ssize_t n;
	pid_t p;

	if (pipe2(pipefd, O_CLOEXEC) != 0)
		return ga_error_errno(err, errno, "pipe");
	p = fork();
	if (p < 0) {
		close(pipefd[0]);
		close(pipefd[1]);
		return ga_error_errno(err, errno, "fork");
	}
	if (p == 0) {
		close(pipefd[0]);
		child_exec(opts, pipefd[1], parent);
	}
	close(pipefd[1]);
	do {
		n = read(pipefd[0], &child_errno, sizeof(child_errno));
	} while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n == (ssize_t)sizeof(child_errno)) {
		waitpid(p, NULL, 0);
		return ga_error_errno(err, child_errno, "starting %s",
				      opts->argv[0]);
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

int ga_spawn_wait(pid_t pid, int pidfd, struct ga_interrupt *in,
		  long timeout_ms, int *status, struct ga_error *err)
{
	int r = ga_interrupt_wait(in, pidfd, timeout_ms);

	if (r < 0)
		return ga_error_set(err, "interrupted");
	if (r == 0)
		return 1;
	if (waitpid(pid, status, 0) != pid)
		return ga_error_errno(err, errno, "waitpid %d", (int)pid);
	return 0;
}

int ga_spawn_run(const struct ga_spawn_opts *opts, struct ga_interrupt *in,
		 long timeout_ms, struct ga_error *err)
{
	char how[64];
	int status = 0;
	pid_t pid;
	int pidfd, r;

	if (ga_spawn(opts, &pid, &pidfd, err))
		return -1;
	r = ga_spawn_wait(pid, pidfd, in, timeout_ms, &status, err);
	if (r != 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		close(pidfd);
		if (r > 0)
			return ga_error_set(err, "%s did not finish within %ld ms",
					    opts->argv[0], timeout_ms);
		return -1;
	}
	close(pidfd);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	ga_spawn_describe_status(status, how, sizeof(how));
	return ga_error_set(err, "%s %s", opts->argv[0], how);
}

void ga_spawn_describe_status(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "was killed by signal %d (%s)",
			 WTERMSIG(status), strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "ended with wait status %d", status);
}
