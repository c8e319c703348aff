/* spawnwait.c - a child after ga_spawn (lab/spawn.h): waited for, run
 * to its end, what a new PID namespace's init reaped, its wait status
 * told. */
#include "lab/spawn.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

size_t ga_spawn_reaped_read(int fd, struct ga_spawn_reaped *got, size_t max)
{
	ssize_t n;

	if (fd < 0 || max == 0)
		return 0;
	/* each record was written whole, so a read of whole records
	 * never splits one */
	do
		n = read(fd, got, max * sizeof(*got));
	while (n < 0 && errno == EINTR);
	return n > 0 ? (size_t)n / sizeof(*got) : 0;
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
