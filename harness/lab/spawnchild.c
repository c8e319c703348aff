/* spawnchild.c - what the child does between fork and exec
 * (lab/spawn.h), in order: into its cgroup, under its death signal, a
 * new PID namespace's init forked; its signals, limits, network
 * namespace and process group; its descriptors (spawnfds.c); its files
 * (spawnroot.c); the namespaces it joins (spawnns.c); its confinement
 * (spawnconfine.c); its working directory; exec.  What failed goes to
 * the parent through the error pipe (ga_spawn_child_exec:
 * lab/internal.h).  Only async-signal-safe calls. */
#include "lab/internal.h"
#include "lab/spawn.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

/* The child's first steps: into its cgroup, its death signal, and given
 * a new PID namespace (harness_fd: the harness's pidfd), its init forked
 * (ga_spawn_become_init).  In the child: only async-signal-safe calls.
 * Returns 0 in the process that goes on, or -1 with errno set and
 * *stage saying what failed; ends the child when the harness is gone
 * already. */
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
		if (ga_spawn_become_init(opts->reaped_fd) != 0)
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

void ga_spawn_child_exec(const struct ga_spawn_opts *opts, int errpipe,
			 pid_t parent, int harness_fd, char *const *envp)
{
	const struct ga_spawn_join *j = opts->join;
	struct ga_spawn_failure f = { 0, GA_STAGE_SETUP, 0 };

	if (child_enter(opts, parent, harness_fd, &f.stage) != 0 ||
	    child_settle(opts, &f.stage) != 0 ||
	    ga_spawn_child_descriptors(opts, &errpipe, &f.stage) != 0)
		goto fail;
	if (opts->root && ga_spawn_enter_root(opts->root, opts->files,
					      &f.stage, &f.index) != 0)
		goto fail;
	if (!opts->root && opts->files &&
	    ga_spawn_own_files(opts->files, &f.stage, &f.index) != 0)
		goto fail;
	if (j && ga_spawn_join_namespaces(j, errpipe, parent, &f.stage) != 0)
		goto fail;
	if (opts->confine &&
	    ga_spawn_confine_child(opts->confine, opts->root || opts->files,
				   opts->root || j, &f.stage, &f.index) != 0)
		goto fail;
	/* the harness died before the death signal was set again (a
	 * joined PID namespace's getppid() says 0: its window is the few
	 * calls since ga_spawn_join_namespaces() looked; in a new one the
	 * parent is its init, which dies with the harness and takes it
	 * along) */
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
