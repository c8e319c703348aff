/* spawnfds.c - the child's descriptors (lab/spawn.h): 0, 1 and 2 from
 * opts's paths or pipes, the error pipe and the namespaces still to
 * join kept, every other one closed at exec.  Run in the child
 * (ga_spawn_child_descriptors: lab/internal.h). */
#include "lab/internal.h"
#include "lab/spawn.h"
#include "util/among.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_KEEP 5      /* the error pipe and the namespaces to join */

/* Closes every descriptor above 2 but those in keep (the error pipe, the
 * namespaces still to join; -1 entries are ignored) and marks those
 * close-on-exec, so the exec'd program holds 0, 1 and 2 only: a client's
 * socket (Connector/C's are not close-on-exec) must not live on in a
 * restarted server, nor the write end of the Docker reaper's pipe
 * anywhere.  Async-signal-safe: close_range, or getdents64 over
 * /proc/self/fd on kernels without it. */
static int close_fds_above_2(const int *keep, int nkeep)
{
	char buf[4096];
	long n, off;
	int dir, fd, i;

	for (i = 0; i < nkeep; i++)
		if (keep[i] >= 0 && fcntl(keep[i], F_SETFD, FD_CLOEXEC) != 0)
			return -1;
	if (close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;       /* closed at exec, the kept ones too */
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
			if (fd > 2 && fd != dir &&
			    !ga_among(&fd, keep, (size_t)nkeep, sizeof(*keep)))
				close(fd);
		}
	}
	close(dir);
	return n < 0 ? -1 : 0;
}

/* Points fd target at path (opened with flags); the temporary
 * descriptor is closed again.  A log (O_APPEND) is a regular file alone,
 * opened without waiting: one a confined process of the directory's
 * made a FIFO in its place must not block the child forever. */
static int redirect(int target, const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC |
		      (flags & O_APPEND ? O_NONBLOCK : 0), 0644);
	struct stat st;

	if (fd < 0)
		return -1;
	if ((flags & O_APPEND) &&
	    (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	     fcntl(fd, F_SETFL, flags & ~O_CREAT & ~O_NOFOLLOW) != 0)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	if (fd == target)
		return fcntl(fd, F_SETFD, 0);
	if (dup2(fd, target) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int ga_spawn_child_descriptors(const struct ga_spawn_opts *opts, int *errpipe,
			       int *stage)
{
	const char *in = opts->input_path ? opts->input_path : "/dev/null";
	const char *out = opts->output_path ? opts->output_path : "/dev/null";
	/* never through a symlink: a confined server's user may own the
	 * log it writes (server.h), never the directory it is in */
	int out_flags = opts->output_path ? O_WRONLY | O_CREAT | O_APPEND |
					    O_NOFOLLOW : O_WRONLY;
	const struct ga_spawn_join *j = opts->join;
	int keep[MAX_KEEP];

	if (*errpipe <= 2) {    /* the harness runs with 0, 1 or 2 closed */
		*errpipe = fcntl(*errpipe, F_DUPFD_CLOEXEC, 3);
		if (*errpipe < 0)
			_exit(127);
	}
	*stage = GA_STAGE_REDIRECT;
	if (opts->pipes) {
		/* the pipes sit above 2: the harness keeps 0-2 open */
		if (redirect(2, out, out_flags) != 0 ||
		    dup2(opts->pipes[0], 0) < 0 || dup2(opts->pipes[1], 1) < 0)
			return -1;
	} else if (redirect(0, in, O_RDONLY) != 0 ||
		   redirect(1, out, out_flags) != 0 || dup2(1, 2) < 0) {
		return -1;
	}
	/* before the chroot: the fallback reads /proc, which a root lacks */
	*stage = GA_STAGE_CLOSE_FDS;
	keep[0] = *errpipe;
	keep[1] = j ? j->mnt_fd : -1;
	keep[2] = j ? j->uts_fd : -1;
	keep[3] = j ? j->ipc_fd : -1;
	keep[4] = j ? j->pid_fd : -1;
	return close_fds_above_2(keep, MAX_KEEP);
}
