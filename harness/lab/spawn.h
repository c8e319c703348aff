/* spawn.h - starting child processes (libuv's spawn, in small).
 *
 * The child is forked with a close-on-exec error pipe: if anything before
 * exec fails, the child writes errno into the pipe and _exit(127)s, so the
 * parent learns of the failure at once instead of by a timeout.  Every
 * child gets PR_SET_PDEATHSIG=SIGKILL, so it dies with the harness even
 * when the harness is SIGKILLed, and the default signal mask.  It holds
 * fds 0 (/dev/null or a pipe), 1 and 2 (output_path or /dev/null, or a
 * pipe for 1) and nothing else:
 * every other descriptor of the harness - a client's socket above all,
 * which Connector/C does not make close-on-exec - is closed before exec.
 */
#ifndef GA_SPAWN_H
#define GA_SPAWN_H

#include <sys/types.h>

#include "util/error.h"
#include "util/interrupt.h"

struct ga_spawn_opts {
	const char *const *argv;  /* argv[0] is the program's path */
	int netns_fd;             /* setns() into it first; -1: stay */
	const char *output_path;  /* stdout+stderr appended there; NULL:
				   * /dev/null */
	const int *pipes;         /* NULL, or { stdin, stdout } descriptors
				   * for the child (output_path then gets
				   * stderr only) */
	int own_group;            /* the child leads a process group of its
				   * own (its id is the child's PID), so
				   * what it forks can be ended with it */
};

/* Starts a child.  Returns 0 and sets *pid and *pidfd (a pidfd that
 * becomes readable when the child exits; the caller closes it), or -1. */
int ga_spawn(const struct ga_spawn_opts *opts, pid_t *pid, int *pidfd,
	     struct ga_error *err);

/* Waits up to timeout_ms for the child to exit and reaps it.  Returns 0
 * and sets *status (as from waitpid), 1 on timeout (still running), -1 if
 * interrupted by a signal or on error. */
int ga_spawn_wait(pid_t pid, int pidfd, struct ga_interrupt *in,
		  long timeout_ms, int *status, struct ga_error *err);

/* Runs argv to completion (bounded by timeout_ms, killed after it) and
 * returns 0 if it exited with status 0.  Output goes to output_path. */
int ga_spawn_run(const struct ga_spawn_opts *opts, struct ga_interrupt *in,
		 long timeout_ms, struct ga_error *err);

/* "exited with status 1", "killed by signal 9" */
void ga_spawn_describe_status(int status, char *buf, size_t len);

#endif
