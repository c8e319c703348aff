/* spawnns.c - a child's PID and mount namespaces (lab/spawn.h): the
 * raw clone it is forked with, the init a new PID namespace's first
 * process stays behind as, the namespaces of a running process joined
 * (ga_spawn_clone, ga_spawn_become_init, ga_spawn_join_namespaces:
 * lab/internal.h), and a host directory bound into a running
 * container's mount namespace (ga_spawn_bind_into). */
#include "lab/internal.h"
#include "lab/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define INIT_REPORT_FD 3        /* where a new PID namespace's init keeps
				 * its reaped_fd */

pid_t ga_spawn_clone(unsigned long flags)
{
#if defined(__s390__) || defined(__s390x__)
	return (pid_t)syscall(SYS_clone, 0, flags | SIGCHLD, NULL, NULL, 0);
#else
	return (pid_t)syscall(SYS_clone, flags | SIGCHLD, 0, NULL, NULL, 0);
#endif
}

int ga_spawn_become_init(int report)
{
	struct ga_spawn_reaped rec;
	pid_t child, w;
	int status, null;

	child = fork();
	if (child <= 0)
		return child < 0 ? -1 : 0;
	if (report > 2 && report != INIT_REPORT_FD &&
	    dup2(report, INIT_REPORT_FD) < 0)
		report = -1;
	report = report > 2 ? INIT_REPORT_FD : -1;
	/* a reader gone is an EPIPE, never a signal */
	signal(SIGPIPE, SIG_IGN);
	if (syscall(SYS_close_range, report < 0 ? 3 : 4, ~0U, 0) != 0) {
		for (null = report < 0 ? 3 : 4; null < 1024; null++)
			close(null);
	}
	null = open("/dev/null", O_RDWR);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	for (;;) {
		w = waitpid(-1, &status, 0);
		if (w > 0 && report >= 0) {
			rec.pid = (int32_t)w;
			rec.status = (int32_t)status;
			rec.own = w == child;
			if (write(report, &rec, sizeof(rec)) < 0) {
				/* full, or its reader gone: dropped */
			}
		}
		if (w == child)
			_exit(WIFEXITED(status) ? WEXITSTATUS(status) :
			      WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 127);
		if (w < 0 && errno != EINTR)
			_exit(127);
	}
}

int ga_spawn_join_namespaces(const struct ga_spawn_join *j, int errpipe,
			     pid_t parent, int *stage)
{
	struct ga_spawn_failure f = { 0, GA_STAGE_FORKED, 0 };
	struct pollfd pfd;
	int harness;
	pid_t p;

	*stage = GA_STAGE_JOIN_UTS;
	if (j->uts_fd >= 0 && setns(j->uts_fd, CLONE_NEWUTS) != 0)
		return -1;
	*stage = GA_STAGE_JOIN_IPC;
	if (j->ipc_fd >= 0 && setns(j->ipc_fd, CLONE_NEWIPC) != 0)
		return -1;
	/* also makes the namespace's root our root and working directory */
	*stage = GA_STAGE_JOIN_MNT;
	if (j->mnt_fd >= 0 && setns(j->mnt_fd, CLONE_NEWNS) != 0)
		return -1;
	if (j->pid_fd < 0)
		return 0;
	*stage = GA_STAGE_JOIN_PID;
	if (setns(j->pid_fd, CLONE_NEWPID) != 0)
		return -1;
	/* the sibling's death signal is about the harness, which may die
	 * before the sibling sets it: it checks this pidfd afterwards
	 * (getppid() says 0 across PID namespaces) */
	*stage = GA_STAGE_CLONE;
	harness = (int)syscall(SYS_pidfd_open, parent, 0);
	if (harness < 0)
		return -1;
	p = ga_spawn_clone(CLONE_PARENT);
	if (p < 0)
		return -1;
	if (p > 0) {
		f.index = (int)p;
		if (write(errpipe, &f, sizeof(f)) != (ssize_t)sizeof(f))
			kill(p, SIGKILL);
		_exit(0);
	}
	*stage = GA_STAGE_SETUP;
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
		return -1;
	pfd.fd = harness;
	pfd.events = POLLIN;
	if (poll(&pfd, 1, 0) != 0)      /* readable: the harness is gone */
		_exit(127);
	close(harness);
	return 0;
}

int ga_spawn_bind_into(int mnt_fd, const char *dir, const char *target,
		       struct ga_error *err)
{
	struct ga_spawn_failure f = { 0, GA_STAGE_JOIN_MNT, 0 };
	int tree, pipefd[2], status;
	ssize_t n;
	pid_t p;

	/* a detached copy of the bind, made here in the host's namespace */
	tree = (int)syscall(SYS_open_tree, AT_FDCWD, dir,
			    OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return ga_error_errno(err, errno, "open_tree %s (the mount "
				      "API: Linux 5.2 or later)", dir);
	if (pipe2(pipefd, O_CLOEXEC) != 0) {
		close(tree);
		return ga_error_errno(err, errno, "pipe");
	}
	p = fork();
	if (p == 0) {
		/* only async-signal-safe calls */
		close(pipefd[0]);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (setns(mnt_fd, CLONE_NEWNS) != 0)
			goto fail;
		f.stage = GA_STAGE_BIND_DIR;
		if (mkdir(target, 0755) != 0 && errno != EEXIST)
			goto fail;
		if (syscall(SYS_move_mount, tree, "", AT_FDCWD, target,
			    MOVE_MOUNT_F_EMPTY_PATH) != 0)
			goto fail;
		_exit(0);
fail:
		f.err = errno;
		if (write(pipefd[1], &f, sizeof(f)) < 0)
			_exit(2);
		_exit(1);
	}
	close(pipefd[1]);
	close(tree);
	if (p < 0) {
		close(pipefd[0]);
		return ga_error_errno(err, errno, "fork");
	}
	do {
		n = read(pipefd[0], &f, sizeof(f));
	} while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	while (waitpid(p, &status, 0) < 0 && errno == EINTR)
		;
	if (n == (ssize_t)sizeof(f))
		return ga_error_errno(err, f.err, "bind %s onto %s in the "
				      "container: %s", dir, target,
				      f.stage == GA_STAGE_JOIN_MNT ?
				      "joining its mount namespace" :
				      "mkdir or move_mount");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return ga_error_set(err, "bind %s onto %s in the container: "
				    "the helper died", dir, target);
	return 0;
}
