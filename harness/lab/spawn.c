/* spawn.c - see spawn.h */
#include "lab/spawn.h"

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

/* Runs in the child between fork and exec: only async-signal-safe calls. */
static void child_exec(const struct ga_spawn_opts *opts, int errpipe,
		       pid_t parent)
{
	sigset_t none;
	int fd, e;

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
	fd = open("/dev/null", O_RDONLY);
	if (fd < 0 || dup2(fd, 0) < 0)
		goto fail;
	if (opts->output_path)
		fd = open(opts->output_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
	else
		fd = open("/dev/null", O_WRONLY);
	if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
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
