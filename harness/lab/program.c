/* program.c - see program.h */
#include "lab/program.h"

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* The start of /proc/PID/what into buf (len bytes, NUL-terminated):
 * false when there is no such process. */
static bool read_proc(pid_t pid, const char *what, char *buf, size_t len)
{
	char path[64];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, what);
	f = fopen(path, "re");
	if (!f)
		return false;
	n = fread(buf, 1, len - 1, f);
	fclose(f);
	buf[n] = '\0';
	return true;
}

/* The one child of init (its PIDs as this namespace sees them), or 0. */
static pid_t first_child(pid_t init)
{
	char what[48], kids[64];
	long kid;

	snprintf(what, sizeof(what), "task/%d/children", (int)init);
	if (!read_proc(init, what, kids, sizeof(kids)))
		return 0;
	kid = strtol(kids, NULL, 10);
	return kid > 0 ? (pid_t)kid : 0;
}

int ga_program_find(pid_t init, pid_t *pid, int *pidfd)
{
	pid_t kid = first_child(init);
	int fd;

	if (!kid)
		return -1;
	fd = (int)syscall(SYS_pidfd_open, kid, 0);
	if (fd < 0)
		return -1;
	if (first_child(init) != kid) {
		close(fd);
		return -1;
	}
	*pid = kid;
	*pidfd = fd;
	return 0;
}

void ga_program_forget(pid_t *pid, int *pidfd, pid_t *init, int *initfd)
{
	if (*pidfd >= 0)
		close(*pidfd);
	if (*initfd >= 0)
		close(*initfd);
	*pidfd = *initfd = -1;
	*pid = *init = 0;
}

int ga_program_status(int init_status)
{
	int code;

	if (!WIFEXITED(init_status))
		return init_status;
	code = WEXITSTATUS(init_status);
	if (code > 128 && code - 128 < NSIG)
		return code - 128;      /* the wait status of a signal's end */
	return init_status;
}

char ga_program_state(pid_t pid)
{
	char stat[512], *p;

	if (!read_proc(pid, "stat", stat, sizeof(stat)))
		return 0;
	p = strrchr(stat, ')');         /* "pid (comm) S ..." */
	return p && p[1] == ' ' && p[2] ? p[2] : 0;
}
