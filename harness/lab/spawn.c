/* spawn.c - see spawn.h: the fork, what the child does up to exec
 * (its files: spawnroot.c; its confinement: spawnconfine.c; its view:
 * spawnview.c) and what the parent reads of it (spawnfail.c). */
#include "lab/internal.h"
#include "lab/spawn.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int pidfd_open_compat(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

#define MAX_KEEP 5      /* the error pipe and the namespaces to join */
#define INIT_REPORT_FD 3        /* where a new PID namespace's init keeps
				 * its reaped_fd */

static bool kept(int fd, const int *keep, int nkeep)
{
	int i;

	for (i = 0; i < nkeep; i++)
		if (keep[i] == fd)
			return true;
	return false;
}

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
			if (fd > 2 && fd != dir && !kept(fd, keep, nkeep))
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

/* clone(CLONE_PARENT): a sibling rather than a child, i.e. another child
 * of the harness.  The raw system call, like fork() without a new stack
 * (glibc has no wrapper for that); only exec-bound, async-signal-safe code
 * runs after it. */
static pid_t fork_sibling(void)
{
#if defined(__s390__) || defined(__s390x__)
	return (pid_t)syscall(SYS_clone, 0, CLONE_PARENT | SIGCHLD, NULL, NULL, 0);
#else
	return (pid_t)syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, NULL, NULL, 0);
#endif
}

/* clone(CLONE_NEWPID): a child that is PID 1 of a new PID namespace,
 * as fork_sibling() is a sibling (raw system call, no new stack). */
static pid_t fork_into_new_pidns(void)
{
#if defined(__s390__) || defined(__s390x__)
	return (pid_t)syscall(SYS_clone, 0, CLONE_NEWPID | SIGCHLD, NULL, NULL, 0);
#else
	return (pid_t)syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, NULL, NULL, 0);
#endif
}

/* In the first process of a new PID namespace: forks the process that
 * goes on to exec (returns 0 in it) and stays behind as the namespace's
 * init, holding nothing of the harness's (no pipe, the error pipe
 * included, and no descriptor above 2) but report, reaping whatever ends
 * up with it, and exiting with the status of that process (128 + the
 * signal that killed it).  Given report (> 2: ga_spawn_opts's
 * reaped_fd), it writes there what waitpid said of each process it
 * reaped, that one's last; a full pipe drops a record, the init never
 * blocks.  The harness kills the init; the kernel then kills everything
 * in the namespace.  The init never changes its process group: a
 * namespace whose init sits in the group of a dead process cannot
 * finish dying.  Only async-signal-safe calls.  Returns -1 with errno
 * set when the fork fails. */
static int become_init(int report)
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

/* Joins the namespaces of j (see spawn.h).  In the child: only
 * async-signal-safe calls.  Returns 0 in the process that goes on to
 * exec, -1 with errno set and *stage saying what failed.  Given a PID
 * namespace, the child forks a sibling inside it, sends the harness the
 * sibling's PID through errpipe and exits; the sibling goes on. */
static int join_namespaces(const struct ga_spawn_join *j, int errpipe,
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
	p = fork_sibling();
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

/* The child's first steps: into its cgroup, its death signal, and given
 * a new PID namespace (harness_fd: the harness's pidfd), its init forked
 * (become_init).  In the child: only async-signal-safe calls.  Returns
 * 0 in the process that goes on, or -1 with errno set and *stage saying
 * what failed; ends the child when the harness is gone already. */
static int child_enter(const struct ga_spawn_opts *opts, pid_t parent,
		       int harness_fd, int *stage)
{
	*stage = GA_STAGE_SETUP;
	if (opts->in_cgroup) {
		*stage = GA_STAGE_CGROUP;
		/* "0": the writer itself (cgroup v1 and v2 alike) */
		if (write(opts->cgroup_fd, "0\n", 2) != 2)
			return -1;
		*stage = GA_STAGE_SETUP;
	}
	if (!opts->detach && prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
		return -1;
	if (!opts->detach && harness_fd < 0 && getppid() != parent)
		_exit(127);     /* the harness died before prctl */
	if (harness_fd >= 0) {
		/* PID 1 of a new namespace: getppid() says 0, so the
		 * harness's own pidfd tells whether it is gone */
		struct pollfd hp = { .fd = harness_fd, .events = POLLIN };

		if (poll(&hp, 1, 0) != 0)
			_exit(127);
		close(harness_fd);
		*stage = GA_STAGE_CLONE;
		if (opts->own_group && setpgid(0, 0) != 0)
			return -1;
		if (become_init(opts->reaped_fd) != 0)
			return -1;
		/* the process that goes on: the init's child */
	}
	return 0;
}

/* The child's signals (none blocked, SIGPIPE's default), its file size
 * limit, its network namespace, its process group or session.  In the
 * child: only async-signal-safe calls.  Returns 0, or -1 with errno set
 * and *stage saying what failed. */
static int child_settle(const struct ga_spawn_opts *opts, int *stage)
{
	sigset_t none;

	*stage = GA_STAGE_SETUP;
	sigemptyset(&none);
	if (sigprocmask(SIG_SETMASK, &none, NULL) != 0)
		return -1;
	signal(SIGPIPE, SIG_DFL);
	if (opts->file_max > 0) {
		struct rlimit fsize = { (rlim_t)opts->file_max,
					(rlim_t)opts->file_max };

		/* a write past it fails (EFBIG) instead of killing */
		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &fsize) != 0)
			return -1;
	}
	*stage = GA_STAGE_NETNS;
	if (opts->netns_fd >= 0 && setns(opts->netns_fd, CLONE_NEWNET) != 0)
		return -1;
	if (opts->netns_fd < 0 && opts->new_netns && unshare(CLONE_NEWNET) != 0)
		return -1;
	*stage = GA_STAGE_NET_CONFINE;
	if (opts->net_confined && ga_spawn_confine_net() != 0)
		return -1;
	*stage = GA_STAGE_SETUP;
	if (opts->own_group && setpgid(0, 0) != 0)
		return -1;
	*stage = GA_STAGE_DETACH;
	if (opts->detach && setsid() < 0)
		return -1;
	return 0;
}

/* The child's descriptors: 0, 1 and 2 (opts's paths or pipes), the error
 * pipe *errpipe (moved above 2 when it is not) and the namespaces still
 * to join, nothing else.  In the child: only async-signal-safe calls.
 * Returns 0, or -1 with errno set and *stage saying what failed. */
static int child_descriptors(const struct ga_spawn_opts *opts, int *errpipe,
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

/* Runs in the child between fork and exec: only async-signal-safe calls.
 * envp: its environment (the harness's, or ga_spawn's merge with
 * opts->env). */
static void child_exec(const struct ga_spawn_opts *opts, int errpipe,
		       pid_t parent, int harness_fd, char *const *envp)
{
	const struct ga_spawn_join *j = opts->join;
	struct ga_spawn_failure f = { 0, GA_STAGE_SETUP, 0 };

	if (child_enter(opts, parent, harness_fd, &f.stage) != 0 ||
	    child_settle(opts, &f.stage) != 0 ||
	    child_descriptors(opts, &errpipe, &f.stage) != 0)
		goto fail;
	if (opts->root && ga_spawn_enter_root(opts->root, opts->files,
					      &f.stage, &f.index) != 0)
		goto fail;
	if (!opts->root && opts->files &&
	    ga_spawn_own_files(opts->files, &f.stage, &f.index) != 0)
		goto fail;
	if (j && join_namespaces(j, errpipe, parent, &f.stage) != 0)
		goto fail;
	if (opts->confine &&
	    ga_spawn_confine_child(opts->confine, opts->root || opts->files,
				   opts->root || j, &f.stage, &f.index) != 0)
		goto fail;
	/* the harness died before the death signal was set again (a
	 * joined PID namespace's getppid() says 0: its window is the few
	 * calls since join_namespaces() looked; in a new one the parent is
	 * its init, which dies with the harness and takes it along) */
	if (opts->confine && !(j && j->pid_fd >= 0) && !opts->new_pidns &&
	    getppid() != parent)
		_exit(127);
	f.stage = GA_STAGE_CHDIR;
	if (opts->cwd && chdir(opts->cwd) != 0)
		goto fail;
	f.stage = GA_STAGE_EXEC;
	execve(opts->argv[0], (char *const *)opts->argv, envp);
fail:
	f.err = errno;
	if (write(errpipe, &f, sizeof(f)) < 0)
		_exit(127);
	_exit(127);
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
		harness_fd = (int)syscall(SYS_pidfd_open, parent, 0);
		if (harness_fd < 0)
			return ga_error_errno(err, errno, "pidfd_open");
		fcntl(harness_fd, F_SETFD, FD_CLOEXEC);
	}
	if (pipe2(pipefd, O_CLOEXEC) != 0) {
		if (harness_fd >= 0)
			close(harness_fd);
		return ga_error_errno(err, errno, "pipe");
	}
	p = opts->new_pidns ? fork_into_new_pidns() : fork();
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
		child_exec(opts, pipefd[1], parent, harness_fd, envp);
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
