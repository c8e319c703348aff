/* check_spawn.c - tests for lab/spawn.h (spawn.c, spawnchild.c,
 * spawnfds.c, spawnns.c, spawnwait.c, spawnroot.c, spawnconfine.c,
 * spawnfail.c): what a spawned process holds, and what
 * a new PID namespace's init says it reaped.
 *
 * Connector/C's sockets are not close-on-exec, so a mariadbd restarted
 * while a client is connected would inherit the client's socket (and keep
 * the connection open after the client closed it) unless the spawn path
 * closes everything above fd 2.  These tests open such descriptors in the
 * test process, then spawn a shell that lists its own /proc/self/fd into
 * a file: 0, 1 and 2, and the one ls opens to read the listing (3).  An
 * inherited descriptor would push that one higher and show up itself.
 * (Looking at /proc/PID/fd from outside races with the dynamic loader,
 * which opens the libraries on fd 3 right after exec.)
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include "lab/spawn.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "suites.h"

#define TIMEOUT 10

/* The child lists its fds into $0, then where 0 and 2 point. */
#define LIST_FDS "ls /proc/self/fd > \"$0\"; " \
		 "readlink /proc/self/fd/0 /proc/self/fd/2 >> \"$0\""

/* Descriptors like the ones a run holds when it starts a server: a
 * client socket (no close-on-exec, as Connector/C makes them) and an
 * ordinary file opened without O_CLOEXEC. */
struct leaky {
	int sv[2];
	int file;
};

static void open_leaky_fds(struct leaky *l)
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, l->sv), 0);
	l->file = open("/dev/null", O_RDONLY);
	ck_assert_int_ge(l->file, 0);
	ck_assert_int_eq(fcntl(l->sv[0], F_GETFD) & FD_CLOEXEC, 0);
	ck_assert_int_eq(fcntl(l->file, F_GETFD) & FD_CLOEXEC, 0);
}

static void close_leaky_fds(struct leaky *l)
{
	close(l->sv[0]);
	close(l->sv[1]);
	close(l->file);
}

/* A new empty file's path (a mkstemp template, filled in). */
static void temp_file(char *path)
{
	int fd = mkstemp(path);

	ck_assert_msg(fd >= 0, "mkstemp %s: %s", path, strerror(errno));
	close(fd);
}

/* Runs the listing shell with the leaky descriptors open; output_path as
 * ga_spawn_opts has it.  Returns what it wrote (free it). */
static char *spawn_listing(const char *output_path)
{
	char list[] = "/tmp/ga-unit-spawn-XXXXXX";
	const char *argv[] = { "/bin/sh", "-c", LIST_FDS, list, NULL };
	struct ga_spawn_opts o = {
		.argv = argv, .netns_fd = -1, .output_path = output_path,
	};
	struct ga_error err = { "" };
	struct leaky l;
	char *text = NULL;
	int rc;

	temp_file(list);
	open_leaky_fds(&l);
	rc = ga_spawn_run(&o, NULL, 5000, &err);
	close_leaky_fds(&l);
	if (rc == 0)
		rc = ga_file_read(list, 4096, &text, NULL, &err);
	unlink(list);
	ck_assert_msg(rc == 0, "%s", err.msg);
	return text;
}

/* _i: 0 output to /dev/null, 1 output appended to a log file. */
START_TEST(test_spawned_process_holds_0_1_2_only)
{
	char log[] = "/tmp/ga-unit-spawn-XXXXXX";
	char want[256];
	char *got;

	temp_file(log);
	got = spawn_listing(_i == 1 ? log : NULL);
	unlink(log);
	snprintf(want, sizeof(want), "0\n1\n2\n3\n/dev/null\n%s\n",
		 _i == 1 ? log : "/dev/null");
	ck_assert_msg(strcmp(got, want) == 0, "the spawned process holds (ls "
		      "/proc/self/fd; readlink 0 2):\n%swant:\n%s", got, want);
	free(got);
}
END_TEST

/* What the child writes reaches the log. */
START_TEST(test_output_reaches_log)
{
	const char *argv[] = { "/bin/sh", "-c", "echo out; echo err >&2", NULL };
	char log[] = "/tmp/ga-unit-spawn-XXXXXX";
	struct ga_spawn_opts o = { .argv = argv, .netns_fd = -1 };
	struct ga_error err = { "" };
	char *text = NULL;
	int rc;

	temp_file(log);
	o.output_path = log;
	rc = ga_spawn_run(&o, NULL, 5000, &err);
	if (rc == 0)
		rc = ga_file_read(log, 4096, &text, NULL, &err);
	unlink(log);
	ck_assert_msg(rc == 0, "%s", err.msg);
	ck_assert_str_eq(text, "out\nerr\n");
	free(text);
}
END_TEST

/* A bound on what the child writes: its log stops there, the writes
 * past it fail (EFBIG) and the child goes on to exit 0 (SIGXFSZ
 * ignored: it would have killed it).  Its children are bound too. */
START_TEST(test_file_max_bounds_the_log)
{
	const char *argv[] = { "/bin/sh", "-c",
		"head -c 300000 /dev/zero | tr '\\0' x; echo; "
		"sh -c 'head -c 10 /dev/zero'; echo more; exit 0", NULL };
	char log[] = "/tmp/ga-unit-spawn-XXXXXX";
	struct ga_spawn_opts o = { .argv = argv, .netns_fd = -1 };
	struct ga_error err = { "" };
	struct stat st;
	int rc;

	temp_file(log);
	o.output_path = log;
	o.file_max = 100000;
	rc = ga_spawn_run(&o, NULL, 5000, &err);
	ck_assert_int_eq(stat(log, &st), 0);
	unlink(log);
	ck_assert_msg(rc == 0, "%s", err.msg);
	ck_assert_int_eq(st.st_size, 100000);
}
END_TEST

/* A kernel without close_range (before 5.9; 5.11 for its CLOEXEC flag):
 * a seccomp filter in this forked test process makes the call fail with
 * ENOSYS, for the spawned child too, and the spawn path must then close
 * the descriptors one by one from /proc/self/fd. */
static void deny_close_range(void)
{
	struct sock_filter filter[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_close_range, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {
		.len = sizeof(filter) / sizeof(filter[0]),
		.filter = filter,
	};

	ck_assert_int_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	ck_assert_msg(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0,
		      "seccomp: %s", strerror(errno));
	ck_assert_int_eq(close_range(3, 3, 0), -1);
	ck_assert_int_eq(errno, ENOSYS);
}

START_TEST(test_without_close_range)
{
	char *got;

	deny_close_range();
	got = spawn_listing(NULL);
	ck_assert_msg(strcmp(got, "0\n1\n2\n3\n/dev/null\n/dev/null\n") == 0,
		      "the spawned process holds (ls /proc/self/fd; readlink "
		      "0 2):\n%s", got);
	free(got);
}
END_TEST

/* A failed exec is still reported through the error pipe, which the
 * closing must leave open until exec. */
START_TEST(test_exec_failure_reported)
{
	const char *argv[] = { "/nonexistent/goneaway-test", NULL };
	struct ga_spawn_opts o = { .argv = argv, .netns_fd = -1 };
	struct ga_error err = { "" };
	int pidfd;
	pid_t pid;

	if (_i == 1)
		deny_close_range();
	ck_assert_int_eq(ga_spawn(&o, &pid, &pidfd, &err), -1);
	ck_assert_msg(strstr(err.msg, "/nonexistent/goneaway-test") &&
		      strstr(err.msg, strerror(ENOENT)), "%s", err.msg);
}
END_TEST

/* ---- a child in a root filesystem ----------------------------------------- */

/* A root just big enough for dash (bin/sh, libc, the loader), with the
 * two directories the set-up mounts over: goneaway/ and dev/.  Takes
 * them from the x86_64 Debian paths (goneaway's platform); elsewhere the
 * test fails saying so, rather than passing without having run. */
static const char *const root_files[][2] = {
	{ "/usr/bin/dash", "/bin/sh" },
	{ "/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6" },
	{ "/lib64/ld-linux-x86-64.so.2", "/lib64/ld-linux-x86-64.so.2" },
};

/* As in check_rootfs.c: the tcase's directory is the runner's (removed
 * even after a failed test), each test makes one of its own in it. */
static char root_scratch_top[PATH_MAX];
static char root_scratch[PATH_MAX];

static void root_top_setup(void)
{
	snprintf(root_scratch_top, sizeof(root_scratch_top),
		 "/tmp/ga-unit-spawn-root-XXXXXX");
	ck_assert_msg(mkdtemp(root_scratch_top) != NULL, "mkdtemp: %s",
		      strerror(errno));
}

static void root_top_teardown(void)
{
	struct ga_error err = { "" };

	if (root_scratch_top[0] && ga_tree_remove(root_scratch_top, &err) != 0)
		fprintf(stderr, "check_spawn: %s\n", err.msg);
	root_scratch_top[0] = '\0';
}

static void root_setup(void)
{
	snprintf(root_scratch, sizeof(root_scratch), "%s/test-XXXXXX",
		 root_scratch_top);
	ck_assert_msg(mkdtemp(root_scratch) != NULL, "mkdtemp: %s",
		      strerror(errno));
}

static void make_root(const char *root, bool with_mount_point)
{
	struct ga_error err = { "" };
	char dst[PATH_MAX], dir[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(root_files) / sizeof(root_files[0]); i++) {
		ck_assert_msg(access(root_files[i][0], R_OK) == 0, "the test "
			      "root is made of %s, which this machine lacks: "
			      "not x86_64 Debian?", root_files[i][0]);
		snprintf(dst, sizeof(dst), "%s%s", root, root_files[i][1]);
		snprintf(dir, sizeof(dir), "%s", dst);
		*strrchr(dir, '/') = '\0';
		ck_assert_msg(ga_mkdirs(dir, &err) == 0, "%s", err.msg);
		ck_assert_msg(ga_file_copy(root_files[i][0], dst, &err) == 0,
			      "%s", err.msg);
		ck_assert_int_eq(chmod(dst, 0755), 0);
	}
	snprintf(dir, sizeof(dir), "%s/dev", root);
	ck_assert_msg(ga_mkdirs(dir, &err) == 0, "%s", err.msg);
	if (with_mount_point) {
		snprintf(dir, sizeof(dir), "%s/goneaway", root);
		ck_assert_msg(ga_mkdirs(dir, &err) == 0, "%s", err.msg);
	}
}

/* The lines of /proc/self/mounts that mention text. */
static int mounts_mentioning(const char *text)
{
	struct ga_error err = { "" };
	char *mounts = NULL, *p;
	int n = 0;

	ck_assert_msg(ga_file_read("/proc/self/mounts", 1 << 22, &mounts, NULL,
				   &err) == 0, "%s", err.msg);
	for (p = mounts; (p = strstr(p, text)) != NULL; p++)
		n++;
	free(mounts);
	return n;
}

/* Inside the root the child sees the bound directory at /goneaway
 * (writable), a read-only root, the device nodes, its stdin from
 * input_path; afterwards the host has none of its mounts. */
START_TEST(test_child_in_root)
{
	const char *script =
		"exec 2>/goneaway/err; "
		"{ read line; echo \"stdin $line\"; "
		"if (: > /written) 2>/dev/null; then echo root-writable; "
		"else echo root-read-only; fi; "
		"for d in null zero full random urandom; do "
		"test -c /dev/$d && echo \"dev $d\"; done; "
		"test -e /dev/sda || echo no-other-devices; "
		"test -e /etc/passwd || echo not-the-host; "
		"} > /goneaway/out";
	const char *argv[] = { "/bin/sh", "-c", script, NULL };
	const char *want = "stdin hello\nroot-read-only\ndev null\ndev zero\n"
			   "dev full\ndev random\ndev urandom\n"
			   "no-other-devices\nnot-the-host\n";
	char root[PATH_MAX], dir[PATH_MAX], in[PATH_MAX], out[PATH_MAX];
	struct ga_spawn_root sr;
	struct ga_spawn_opts o;
	struct ga_error err = { "" };
	struct stat st;
	char *text = NULL;

	snprintf(root, sizeof(root), "%s/root", root_scratch);
	snprintf(dir, sizeof(dir), "%s/scenario", root_scratch);
	snprintf(in, sizeof(in), "%s/input", root_scratch);
	make_root(root, true);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	ck_assert(ga_file_write(in, "hello\n", 6, &err) == 0);
	ck_assert_msg(ga_spawn_root_init(&sr, root, dir, &err) == 0, "%s",
		      err.msg);
	memset(&o, 0, sizeof(o));
	o.argv = argv;
	o.netns_fd = -1;
	o.new_netns = true;
	o.input_path = in;
	o.root = &sr;
	ck_assert_msg(ga_spawn_run(&o, NULL, 5000, &err) == 0, "%s", err.msg);
	snprintf(out, sizeof(out), "%s/out", dir);
	ck_assert_msg(ga_file_read(out, 4096, &text, NULL, &err) == 0, "%s",
		      err.msg);
	ck_assert_str_eq(text, want);
	free(text);
	/* nothing was written into the root, and the mounts are gone */
	snprintf(out, sizeof(out), "%s/written", root);
	ck_assert_int_eq(stat(out, &st), -1);
	snprintf(out, sizeof(out), "%s/dev/null", root);
	ck_assert_int_eq(stat(out, &st), -1);
	ck_assert_int_eq(mounts_mentioning(root_scratch), 0);
}
END_TEST

/* A step of the set-up that fails is named in the error: here the root
 * has no goneaway/ to bind the directory onto. */
START_TEST(test_root_failure_named)
{
	const char *argv[] = { "/bin/sh", "-c", "exit 0", NULL };
	char root[PATH_MAX], dir[PATH_MAX], want[2 * PATH_MAX];
	struct ga_spawn_root sr;
	struct ga_spawn_opts o;
	struct ga_error err = { "" };
	pid_t pid;
	int pidfd;

	snprintf(root, sizeof(root), "%s/root", root_scratch);
	snprintf(dir, sizeof(dir), "%s/scenario", root_scratch);
	make_root(root, false);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	ck_assert(ga_spawn_root_init(&sr, root, dir, &err) == 0);
	memset(&o, 0, sizeof(o));
	o.argv = argv;
	o.netns_fd = -1;
	o.root = &sr;
	ck_assert_int_eq(ga_spawn(&o, &pid, &pidfd, &err), -1);
	snprintf(want, sizeof(want), "starting /bin/sh: bind %s onto "
		 "%s/goneaway: %s", dir, root, strerror(ENOENT));
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(mounts_mentioning(root_scratch), 0);
}
END_TEST

/* ---- a child in another process's namespaces ------------------------------- */

/* A stand-in for a container: a process H in new UTS, IPC, mount and PID
 * namespaces (host name "ga-join-test", a tmpfs with a marker file on a
 * scratch directory that only its mount namespace sees) and the init I
 * of its PID namespace, which must live for the namespace to take new
 * processes.  The test opens I's namespaces as a container backend opens
 * its container's. */
struct holder {
	pid_t h, init;
	char dir[PATH_MAX];             /* the tmpfs's mount point */
	struct ga_spawn_join join;
};

static struct holder hold;

static void holder_child(int wfd)
{
	char marker[PATH_MAX + 16];
	pid_t init;
	int fd;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (unshare(CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNS |
		    CLONE_NEWPID) != 0 ||
	    sethostname("ga-join-test", 12) != 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("tmpfs", hold.dir, "tmpfs", 0, "size=16k") != 0)
		_exit(1);
	snprintf(marker, sizeof(marker), "%s/marker", hold.dir);
	fd = open(marker, O_WRONLY | O_CREAT, 0644);
	if (fd < 0 || write(fd, "inside\n", 7) != 7)
		_exit(1);
	close(fd);
	init = fork();
	if (init == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	if (init < 0 || write(wfd, &init, sizeof(init)) != sizeof(init))
		_exit(1);
	for (;;)
		pause();
}

static int open_ns(pid_t pid, const char *name)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
	return fd;
}

static void join_setup(void)
{
	int p[2];

	memset(&hold, 0, sizeof(hold));
	hold.join.mnt_fd = hold.join.uts_fd = -1;
	hold.join.ipc_fd = hold.join.pid_fd = -1;
	snprintf(hold.dir, sizeof(hold.dir), "/tmp/ga-unit-join-XXXXXX");
	ck_assert_msg(mkdtemp(hold.dir) != NULL, "mkdtemp: %s",
		      strerror(errno));
	ck_assert_int_eq(pipe(p), 0);
	hold.h = fork();
	ck_assert_int_ge(hold.h, 0);
	if (hold.h == 0) {
		close(p[0]);
		holder_child(p[1]);
	}
	close(p[1]);
	ck_assert_msg(read(p[0], &hold.init, sizeof(hold.init)) ==
		      sizeof(hold.init), "the holder did not start");
	close(p[0]);
	hold.join.mnt_fd = open_ns(hold.init, "mnt");
	hold.join.uts_fd = open_ns(hold.init, "uts");
	hold.join.ipc_fd = open_ns(hold.init, "ipc");
	hold.join.pid_fd = open_ns(hold.init, "pid");
}

static void join_teardown(void)
{
	if (hold.h > 0) {
		kill(hold.h, SIGKILL);
		waitpid(hold.h, NULL, 0);
	}
	close(hold.join.mnt_fd);
	close(hold.join.uts_fd);
	close(hold.join.ipc_fd);
	close(hold.join.pid_fd);
	if (hold.dir[0])
		rmdir(hold.dir);
}

/* Inside: the host name, the marker only the mount namespace has, PID 2
 * of the namespace (after its init); outside: the PID returned is the
 * process's host PID, it is this process's own child (waitpid reaps it)
 * and the go-between it was forked through is reaped too. */
START_TEST(test_child_joins_namespaces)
{
	char script[PATH_MAX + 128], log[] = "/tmp/ga-unit-spawn-XXXXXX";
	const char *argv[] = { "/bin/sh", "-c", script, NULL };
	char want[256];
	struct ga_spawn_opts o;
	struct ga_error err = { "" };
	char *text = NULL;
	int pidfd, status = -1;
	siginfo_t si;
	pid_t pid;

	snprintf(script, sizeof(script), "uname -n; cat %s/marker; echo $$; "
		 "exec sed -n 's/^NSpid:[[:space:]]*//p' /proc/self/status",
		 hold.dir);
	temp_file(log);
	memset(&o, 0, sizeof(o));
	o.argv = argv;
	o.netns_fd = -1;
	o.output_path = log;
	o.join = &hold.join;
	ck_assert_msg(ga_spawn(&o, &pid, &pidfd, &err) == 0, "%s", err.msg);
	/* no zombie but the child's own: the go-between was reaped (the
	 * child itself may have ended already on a busy machine: looked at,
	 * not reaped) */
	memset(&si, 0, sizeof(si));
	ck_assert_int_eq(waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT), 0);
	ck_assert_msg(si.si_pid == 0 || si.si_pid == pid,
		      "a child %d to reap besides %d", (int)si.si_pid, (int)pid);
	ck_assert_msg(ga_spawn_wait(pid, pidfd, NULL, 5000, &status, &err) == 0,
		      "%s", err.msg);
	close(pidfd);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "status %d", status);
	ck_assert_msg(ga_file_read(log, 4096, &text, NULL, &err) == 0, "%s",
		      err.msg);
	unlink(log);
	snprintf(want, sizeof(want), "ga-join-test\ninside\n2\n%d\t2\n",
		 (int)pid);
	ck_assert_str_eq(text, want);
	free(text);
}
END_TEST

/* A pause and a crash: SIGSTOP, SIGCONT and SIGKILL by the PID returned. */
START_TEST(test_joined_child_signalled)
{
	const char *argv[] = { "/bin/sleep", "30", NULL };
	struct ga_spawn_opts o;
	struct ga_error err = { "" };
	char path[64], line[512];
	bool stopped = false;
	int pidfd, status = -1, i;
	pid_t pid;
	FILE *f;

	memset(&o, 0, sizeof(o));
	o.argv = argv;
	o.netns_fd = -1;
	o.join = &hold.join;
	ck_assert_msg(ga_spawn(&o, &pid, &pidfd, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(kill(pid, SIGSTOP), 0);
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	for (i = 0; i < 100 && !stopped; i++) {
		f = fopen(path, "re");
		ck_assert(f != NULL);
		stopped = fgets(line, sizeof(line), f) && strstr(line, ") T ");
		fclose(f);
		if (!stopped)
			usleep(10000);
	}
	ck_assert_msg(stopped, "never stopped: %s", line);
	ck_assert_int_eq(kill(pid, SIGCONT), 0);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	ck_assert_int_eq(ga_spawn_wait(pid, pidfd, NULL, 5000, &status, &err), 0);
	close(pidfd);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}
END_TEST

/* Waits (bounded) for the orphan pid, reparented to this subreaper. */
static int reap_orphan(pid_t pid)
{
	int status = -1, i;

	for (i = 0; i < 500; i++) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return status;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

/* A process that spawns opts (sleep 30) and exits: the PID spawned. */
static pid_t spawn_and_die(const struct ga_spawn_opts *o)
{
	struct ga_error err;
	pid_t s, pid = 0;
	int p[2], pidfd;

	ck_assert_int_eq(pipe(p), 0);
	s = fork();
	ck_assert_int_ge(s, 0);
	if (s == 0) {
		if (ga_spawn(o, &pid, &pidfd, &err) != 0)
			pid = 0;
		if (write(p[1], &pid, sizeof(pid)) != sizeof(pid))
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &pid, sizeof(pid)), sizeof(pid));
	close(p[0]);
	ck_assert_int_eq(waitpid(s, NULL, 0), s);
	ck_assert_msg(pid > 0, "the spawn failed");
	return pid;
}

/* The server in a container's PID namespace still dies with the harness
 * (its death signal is set after the fork into the namespace). */
START_TEST(test_joined_child_dies_with_harness)
{
	const char *argv[] = { "/bin/sleep", "30", NULL };
	struct ga_spawn_opts o;
	int status;
	pid_t pid;

	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	memset(&o, 0, sizeof(o));
	o.argv = argv;
	o.netns_fd = -1;
	o.join = &hold.join;
	pid = spawn_and_die(&o);
	status = reap_orphan(pid);
	ck_assert_msg(status != -1 && WIFSIGNALED(status) &&
		      WTERMSIG(status) == SIGKILL, "status %d: it outlived "
		      "the process that spawned it", status);
}
END_TEST

/* A detached child (the reaper) outlives its harness, in a session of its
 * own. */
START_TEST(test_detached_child_outlives_harness)
{
	const char *argv[] = { "/bin/sleep", "30", NULL };
	struct ga_spawn_opts o;
	int status;
	pid_t pid;

	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	memset(&o, 0, sizeof(o));
	o.argv = argv;
	o.netns_fd = -1;
	o.detach = true;
	pid = spawn_and_die(&o);
	usleep(200000);
	ck_assert_int_eq(waitpid(pid, &status, WNOHANG), 0);    /* alive */
	ck_assert_int_eq(getsid(pid), pid);
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
}
END_TEST

/* What fails is named: _i 0, a descriptor that is no namespace; 1, an
 * exec in the PID namespace, reported by the process forked into it. */
START_TEST(test_join_failure_named)
{
	const char *argv[] = { _i ? "/nonexistent/goneaway-test" : "/bin/true",
			       NULL };
	struct ga_spawn_join j = hold.join;
	struct ga_spawn_opts o;
	struct ga_error err = { "" };
	char want[256];
	int pidfd;
	pid_t pid;

	if (_i == 0) {
		j.mnt_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
		snprintf(want, sizeof(want), "starting /bin/true: joining the "
			 "mount namespace: %s", strerror(EINVAL));
	} else {
		snprintf(want, sizeof(want), "starting /nonexistent/goneaway-"
			 "test: %s", strerror(ENOENT));
	}
	memset(&o, 0, sizeof(o));
	o.argv = argv;
	o.netns_fd = -1;
	o.join = &j;
	ck_assert_int_eq(ga_spawn(&o, &pid, &pidfd, &err), -1);
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), 0);   /* all reaped */
	if (_i == 0)
		close(j.mnt_fd);
}
END_TEST

/* The process forked into the PID namespace may fail its exec before the
 * one that forked it has sent its PID: the failure is still reported, and
 * neither process is left unreaped (a race, so many times over: 300 tries,
 * or as many as fit in a third of the test case's bound, at least 20 - on
 * a machine busy with a load of 40, 300 tries took longer than the 10 s
 * bound, which then failed the test and not the code). */
START_TEST(test_join_failure_reaps_both)
{
	const char *argv[] = { "/nonexistent/goneaway-test", NULL };
	struct ga_spawn_opts o;
	struct ga_error err = { "" };
	int pidfd, i;
	pid_t pid, left;
	double start;

	memset(&o, 0, sizeof(o));
	o.argv = argv;
	o.netns_fd = -1;
	o.join = &hold.join;
	start = ga_clock_ms();
	for (i = 0; i < 300; i++) {
		if (i >= 20 && ga_clock_ms() - start > TIMEOUT * 1000.0 / 3)
			break;
		ck_assert_int_eq(ga_spawn(&o, &pid, &pidfd, &err), -1);
		ck_assert_msg(strstr(err.msg, strerror(ENOENT)), "%s", err.msg);
		left = waitpid(-1, NULL, WNOHANG);
		ck_assert_msg(left == 0, "try %d: a child was left unreaped "
			      "(%d)", i, (int)left);
	}
}
END_TEST

/* A host directory bound into the running namespace: what every process
 * of it sees from then on; the host sees no new mount.  A target that
 * cannot be made is named. */
START_TEST(test_bind_into_namespace)
{
	char src[] = "/tmp/ga-unit-bind-XXXXXX", file[PATH_MAX + 8];
	char target[PATH_MAX + 8], script[2 * PATH_MAX], want[PATH_MAX + 128];
	char log[] = "/tmp/ga-unit-spawn-XXXXXX";
	const char *argv[] = { "/bin/sh", "-c", script, NULL };
	struct ga_spawn_opts o;
	struct ga_error err = { "" };
	char *text = NULL;

	ck_assert(mkdtemp(src) != NULL);
	snprintf(file, sizeof(file), "%s/f", src);
	ck_assert(ga_file_write(file, "bound\n", 6, &err) == 0);
	snprintf(target, sizeof(target), "%s/sub", hold.dir);
	ck_assert_msg(ga_spawn_bind_into(hold.join.mnt_fd, src, target,
					 &err) == 0, "%s", err.msg);
	ck_assert_int_eq(mounts_mentioning(src), 0);
	ck_assert_int_eq(access(target, F_OK), -1);     /* not the host's */
	snprintf(script, sizeof(script), "cat %s/f", target);
	temp_file(log);
	memset(&o, 0, sizeof(o));
	o.argv = argv;
	o.netns_fd = -1;
	o.output_path = log;
	o.join = &hold.join;
	ck_assert_msg(ga_spawn_run(&o, NULL, 5000, &err) == 0, "%s", err.msg);
	ck_assert(ga_file_read(log, 4096, &text, NULL, &err) == 0);
	unlink(log);
	ck_assert_str_eq(text, "bound\n");
	free(text);
	ck_assert_int_eq(ga_spawn_bind_into(hold.join.mnt_fd, src,
					    "/nonexistent/goneaway/x", &err), -1);
	snprintf(want, sizeof(want), "bind %s onto /nonexistent/goneaway/x in "
		 "the container: mkdir or move_mount: %s", src,
		 strerror(ENOENT));
	ck_assert_str_eq(err.msg, want);
	ck_assert_int_eq(waitpid(-1, NULL, WNOHANG), 0);   /* reaped */
	unlink(file);
	rmdir(src);
}
END_TEST

/* ---- files in place of the host's (opts->files) ---------------------------- */

/* A child with files sees a bound file where the host has its own and an
 * empty directory in place of a hidden one; a target that does not exist
 * is left alone; the host sees none of it. */
START_TEST(test_child_files)
{
	const char *argv[] = { "/bin/sh", "-c",
		"cat \"$0\"; ls -A \"$1\"; test -e \"$2\" || echo none",
		NULL, NULL, NULL, NULL };
	char src[] = "/tmp/ga-unit-files-XXXXXX";
	char target[] = "/tmp/ga-unit-target-XXXXXX";
	char hidden[] = "/tmp/ga-unit-hidden-XXXXXX";
	char log[] = "/tmp/ga-unit-files-log-XXXXXX";
	char inside[PATH_MAX], missing[PATH_MAX];
	struct ga_spawn_opts o = { .argv = argv, .netns_fd = -1 };
	struct ga_spawn_files *fl = calloc(1, sizeof(*fl));
	struct ga_error err = { "" };
	char *text = NULL, *after = NULL;
	FILE *f;
	int rc;

	ck_assert_ptr_nonnull(fl);
	temp_file(src);
	temp_file(target);
	temp_file(log);
	ck_assert_ptr_nonnull(mkdtemp(hidden));
	snprintf(inside, sizeof(inside), "%s/secret", hidden);
	snprintf(missing, sizeof(missing), "%s.missing", target);
	f = fopen(src, "w");
	fputs("the lab's\n", f);
	fclose(f);
	f = fopen(target, "w");
	fputs("the host's\n", f);
	fclose(f);
	f = fopen(inside, "w");
	fclose(f);
	fl->n = 2;
	snprintf(fl->source[0], PATH_MAX, "%s", src);
	snprintf(fl->target[0], PATH_MAX, "%s", target);
	snprintf(fl->source[1], PATH_MAX, "%s", src);
	snprintf(fl->target[1], PATH_MAX, "%s", missing);
	fl->nhide = 1;
	snprintf(fl->hide[0], PATH_MAX, "%s", hidden);
	argv[3] = target;
	argv[4] = hidden;
	argv[5] = missing;
	o.files = fl;
	o.output_path = log;
	rc = ga_spawn_run(&o, NULL, 5000, &err);
	if (rc == 0)
		rc = ga_file_read(log, 4096, &text, NULL, &err);
	if (rc == 0)
		rc = ga_file_read(target, 4096, &after, NULL, &err);
	unlink(src);
	unlink(target);
	unlink(log);
	unlink(inside);
	rmdir(hidden);
	free(fl);
	ck_assert_msg(rc == 0, "%s", err.msg);
	ck_assert_str_eq(text, "the lab's\nnone\n");
	ck_assert_str_eq(after, "the host's\n");
	free(text);
	free(after);
}
END_TEST

/* A bind that fails is named: "bind SOURCE onto TARGET". */
START_TEST(test_child_files_failure_named)
{
	const char *argv[] = { "/bin/true", NULL };
	struct ga_spawn_opts o = { .argv = argv, .netns_fd = -1 };
	struct ga_spawn_files *fl = calloc(1, sizeof(*fl));
	struct ga_error err = { "" };
	int rc;

	ck_assert_ptr_nonnull(fl);
	fl->n = 1;
	snprintf(fl->source[0], PATH_MAX, "/nonexistent/ga-unit-source");
	snprintf(fl->target[0], PATH_MAX, "/etc/hostname");
	o.files = fl;
	rc = ga_spawn_run(&o, NULL, 5000, &err);
	free(fl);
	ck_assert_int_ne(rc, 0);
	ck_assert_msg(strstr(err.msg, "bind /nonexistent/ga-unit-source onto "
			     "/etc/hostname") != NULL, "%s", err.msg);
}
END_TEST

/* A confined child (spawn.h): as user 0x7000FFFF, with no supplementary
 * group, no capability and no_new_privs, it writes its own directory
 * and nothing else - not a directory anyone may write, not /tmp - and
 * sees / read-only; a device node outside /dev does not open (mode
 * 0666, /dev/zero's kind), /dev's do; the host's mounts are as they
 * were.  _i == 1 runs the fallback of kernels without mount_setattr:
 * one remount per mount point; _i == 2 a child in a PID namespace of
 * its own (a server's probe, a template build's step). */
#define CONFINED_ID 0x7000FFFFu
START_TEST(test_confined_child)
{
	const char *argv[] = { "/bin/sh", "-c",
		"id -u; id -g; id -G;"
		"touch \"$0/x\" 2>/dev/null && echo wrote-open-dir;"
		"touch /tmp/ga-unit-confined-$$ 2>/dev/null && echo wrote-tmp;"
		"touch \"$1/y\" && echo wrote-own;"
		"(: < \"$2\") 2>/dev/null && echo opened-node;"
		"(: < /dev/zero) && echo opened-dev-zero;"
		"grep -E '^(NoNewPrivs|CapEff):' /proc/self/status;"
		"awk '$2 == \"/\" {split($4, o, \",\"); print \"root \" o[1]}' "
		"/proc/self/mounts",
		NULL, NULL, NULL, NULL };
	char top[] = "/tmp/ga-unit-confine-XXXXXX", node[PATH_MAX];
	char open_dir[PATH_MAX], own[PATH_MAX], log[PATH_MAX], want[512];
	struct ga_spawn_opts o = { .argv = argv, .netns_fd = -1 };
	struct ga_spawn_confine c;
	struct ga_error err = { "" };
	char *text = NULL;
	int rc;

	ck_assert_ptr_nonnull(mkdtemp(top));
	ck_assert_int_eq(chmod(top, 0711), 0);
	snprintf(open_dir, sizeof(open_dir), "%s/open", top);
	snprintf(own, sizeof(own), "%s/own", top);
	snprintf(log, sizeof(log), "%s/log", top);
	snprintf(node, sizeof(node), "%s/zero", top);
	ck_assert_int_eq(mknod(node, S_IFCHR | 0666, makedev(1, 5)), 0);
	ck_assert_int_eq(chmod(node, 0666), 0);
	ck_assert_int_eq(mkdir(open_dir, 0777), 0);
	ck_assert_int_eq(chmod(open_dir, 0777), 0);
	ck_assert_int_eq(mkdir(own, 0700), 0);
	ck_assert_int_eq(chown(own, CONFINED_ID, CONFINED_ID), 0);
	if (_i == 1)
		setenv("GA_SPAWN_NO_MOUNT_SETATTR", "1", 1);
	rc = ga_spawn_confine_init(&c, CONFINED_ID, CONFINED_ID, true, own,
				   &err);
	unsetenv("GA_SPAWN_NO_MOUNT_SETATTR");
	ck_assert_msg(rc == 0, "%s", err.msg);
	ck_assert(_i == 1 ? c.nmounts > 0 : c.mounts == NULL);
	argv[3] = open_dir;
	argv[4] = own;
	argv[5] = node;
	o.output_path = log;
	o.confine = &c;
	o.new_pidns = _i == 2;
	rc = ga_spawn_run(&o, NULL, 10000, &err);
	ga_spawn_confine_release(&c);
	if (rc == 0)
		rc = ga_file_read(log, 4096, &text, NULL, &err);
	ck_assert_msg(rc == 0, "%s", err.msg);
	snprintf(want, sizeof(want), "%u\n%u\n%u\nwrote-own\n"
		 "opened-dev-zero\nCapEff:\t0000000000000000\nNoNewPrivs:\t1\n"
		 "root ro\n", CONFINED_ID, CONFINED_ID, CONFINED_ID);
	ck_assert_str_eq(text, want);
	free(text);
	ck_assert_int_eq(access(own, F_OK), 0);
	snprintf(want, sizeof(want), "%s/x", open_dir);
	ck_assert_int_ne(access(want, F_OK), 0);
	ck_assert_int_eq(mounts_mentioning(top), 0);
	ck_assert_msg(ga_tree_remove(top, &err) == 0, "%s", err.msg);
}
END_TEST

/* A confined child needs a user of its own: root's is refused. */
/* A net-confined child (a client driver) changes nothing of the network
 * namespace it runs in: /proc/sys is read-only for it (with and without
 * mount_setattr), and it has no CAP_NET_ADMIN for a route or a link. */
START_TEST(test_net_confined_child)
{
	const char *argv[] = { "/bin/sh", "-c",
		"{ echo 7 > /proc/sys/net/ipv4/tcp_keepalive_time; } "
		"2>/dev/null && echo wrote-sysctl;"
		"ip route add blackhole 10.9.9.9 2>/dev/null && echo made-route;"
		"ip link add gaunit0 type dummy 2>/dev/null && echo made-link;"
		"cat /proc/sys/net/ipv4/tcp_keepalive_time; echo done",
		NULL };
	char top[] = "/tmp/ga-unit-netconf-XXXXXX", log[PATH_MAX], want[64];
	struct ga_spawn_opts o = { .argv = argv, .netns_fd = -1 };
	struct ga_error err = { "" };
	char *text = NULL;
	int rc, ns;

	ck_assert_ptr_nonnull(mkdtemp(top));
	snprintf(log, sizeof(log), "%s/log", top);
	/* a namespace of the test's own, the driver's client namespace */
	ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
	ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(ns, 0);
	if (_i == 1)
		setenv("GA_SPAWN_NO_MOUNT_SETATTR", "1", 1);
	o.netns_fd = ns;
	o.net_confined = true;
	o.output_path = log;
	rc = ga_spawn_run(&o, NULL, 10000, &err);
	unsetenv("GA_SPAWN_NO_MOUNT_SETATTR");
	ck_assert_msg(rc == 0, "%s", err.msg);
	ck_assert_int_eq(ga_file_read(log, 1 << 16, &text, NULL, &err), 0);
	snprintf(want, sizeof(want), "7200\ndone\n");
	ck_assert_msg(strcmp(text, want) == 0, "the child: %s", text);
	free(text);
	close(ns);
	unlink(log);
	rmdir(top);
}
END_TEST

/* What a confined child sees besides (a client driver's view,
 * lab/spawn.h): a directory below one no other user may search is
 * reached at its own path, the rest of that one is not there, but a
 * link there to it (a checkout named through a link); a
 * writable directory of its own; a tmpfs of its own that the host never
 * sees; /proc writable; the environment given.  _i == 1: the fallback
 * of kernels without mount_setattr. */
START_TEST(test_confined_view)
{
	const char *argv[] = { "/bin/sh", "-c",
		"echo \"$GA_UNIT_VIEW\"; cat \"$0/data\";"
		"cat \"$4/data\" && echo via-link;"
		"(cat \"$1\") 2>/dev/null && echo peeked;"
		"touch \"$0/x\" 2>/dev/null && echo wrote-reached;"
		"touch \"$2/y\" && echo wrote-writable;"
		"touch \"$3/z\" && echo wrote-tmpfs; stat -c %a \"$3\";"
		"echo sh > /proc/self/comm && echo wrote-proc",
		NULL, NULL, NULL, NULL, NULL, NULL };
	const char *env[] = { "GA_UNIT_VIEW=given", NULL };
	char top[] = "/tmp/ga-unit-view-XXXXXX", priv[PATH_MAX];
	char drv[PATH_MAX], peek[PATH_MAX], w[PATH_MAX], t[PATH_MAX];
	char log[PATH_MAX], path[PATH_MAX + 8], ln[PATH_MAX];
	struct ga_spawn_opts o = { .argv = argv, .netns_fd = -1 };
	struct ga_spawn_view *v = malloc(sizeof(*v));
	struct ga_spawn_confine c;
	struct ga_error err = { "" };
	char *text = NULL;
	int rc;

	ck_assert_ptr_nonnull(v);
	ck_assert_ptr_nonnull(mkdtemp(top));
	ck_assert_int_eq(chmod(top, 0711), 0);
	snprintf(priv, sizeof(priv), "%s/priv", top);
	snprintf(drv, sizeof(drv), "%s/drv", priv);
	snprintf(peek, sizeof(peek), "%s/peek", priv);
	snprintf(w, sizeof(w), "%s/w", top);
	snprintf(t, sizeof(t), "%s/t", top);
	snprintf(log, sizeof(log), "%s/log", top);
	snprintf(ln, sizeof(ln), "%s/ln", priv);
	ck_assert_int_eq(mkdir(priv, 0700), 0);
	ck_assert_int_eq(symlink("drv", ln), 0);
	ck_assert_int_eq(mkdir(drv, 0755), 0);
	ck_assert_int_eq(mkdir(w, 0700), 0);
	ck_assert_int_eq(chown(w, CONFINED_ID, CONFINED_ID), 0);
	ck_assert_int_eq(mkdir(t, 0755), 0);
	snprintf(path, sizeof(path), "%s/data", drv);
	ck_assert_int_eq(ga_file_write(path, "drv-data\n", 9, &err), 0);
	ck_assert_int_eq(ga_file_write(peek, "peek\n", 5, &err), 0);
	ck_assert_int_eq(chmod(peek, 0644), 0);
	ga_spawn_view_init(v, CONFINED_ID, CONFINED_ID);
	ck_assert_int_eq(ga_spawn_view_reach(v, drv, &err), 0);
	ck_assert_int_eq(v->nreach, 1);
	ck_assert_str_eq(v->top[0], priv);
	ck_assert_int_eq(ga_spawn_view_reach(v, top, &err), 0);
	ck_assert_int_eq(v->nreach, 1);        /* reachable as it is */
	ck_assert_int_eq(ga_spawn_view_link(v, ln, "drv", &err), 0);
	ck_assert_int_eq(v->nlinks, 1);
	ck_assert_int_eq(ga_spawn_view_link(v, log, "x", &err), 0);
	ck_assert_int_eq(v->nlinks, 1);        /* reachable as it is */
	ck_assert_int_eq(ga_spawn_view_writable(v, w, &err), 0);
	ck_assert_int_eq(ga_spawn_view_tmpfs(v, t, CONFINED_ID, CONFINED_ID,
					     1 << 20, &err), 0);
	v->proc_writable = true;
	if (_i == 1)
		setenv("GA_SPAWN_NO_MOUNT_SETATTR", "1", 1);
	rc = ga_spawn_confine_init(&c, CONFINED_ID, CONFINED_ID, true, "",
				   &err);
	unsetenv("GA_SPAWN_NO_MOUNT_SETATTR");
	ck_assert_msg(rc == 0, "%s", err.msg);
	c.view = v;
	argv[3] = drv;
	argv[4] = peek;
	argv[5] = w;
	argv[6] = t;
	argv[7] = ln;
	o.output_path = log;
	o.confine = &c;
	o.env = env;
	o.new_pidns = true;
	rc = ga_spawn_run(&o, NULL, 10000, &err);
	ga_spawn_confine_release(&c);
	if (rc == 0)
		rc = ga_file_read(log, 4096, &text, NULL, &err);
	ck_assert_msg(rc == 0, "%s", err.msg);
	ck_assert_str_eq(text, "given\ndrv-data\ndrv-data\nvia-link\n"
			 "wrote-writable\n"
			 "wrote-tmpfs\n700\nwrote-proc\n");
	free(text);
	snprintf(path, sizeof(path), "%s/y", w);
	ck_assert_int_eq(access(path, F_OK), 0);
	snprintf(path, sizeof(path), "%s/z", t);
	ck_assert_int_ne(access(path, F_OK), 0);       /* its own tmpfs */
	ck_assert_int_eq(mounts_mentioning(top), 0);
	ck_assert_msg(ga_tree_remove(top, &err) == 0, "%s", err.msg);
	free(v);
}
END_TEST

START_TEST(test_confined_needs_a_user)
{
	struct ga_spawn_confine c;
	struct ga_error err = { "" };

	ck_assert_int_eq(ga_spawn_confine_init(&c, 0, 0, true, "", &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "not root's"));
}
END_TEST

/* A child in a PID namespace of its own, given reaped_fd: its init
 * writes what waitpid said of each process it reaped - an orphan's (a
 * process whose parent exited, as a zygote's copy is: SIGTERM here),
 * then the child's own, last (SIGUSR1, where the init itself exits
 * with 128 + 10) - and nothing holds the pipe once the init is gone. */
START_TEST(test_init_says_what_it_reaped)
{
	const char *argv[] = { "/bin/sh", "-c",
		"(sh -c 'sleep 0.2; kill -TERM $$' &); sleep 1; kill -USR1 $$",
		NULL };
	struct ga_spawn_opts o = { .argv = argv, .netns_fd = -1 };
	struct ga_spawn_reaped got[8];
	struct ga_error err = { "" };
	int rp[2], pidfd, status, rc;
	pid_t pid;

	ck_assert_int_eq(pipe2(rp, O_CLOEXEC | O_NONBLOCK), 0);
	o.new_pidns = true;
	o.reaped_fd = rp[1];
	rc = ga_spawn(&o, &pid, &pidfd, &err);
	close(rp[1]);
	ck_assert_msg(rc == 0, "%s", err.msg);
	ck_assert_int_eq(ga_spawn_wait(pid, pidfd, NULL, 5000, &status, &err),
			 0);
	close(pidfd);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 128 + SIGUSR1);
	ck_assert_uint_eq(ga_spawn_reaped_read(rp[0], got, 8), 2);
	ck_assert_int_eq(got[0].own, 0);
	ck_assert(WIFSIGNALED(got[0].status) &&
		  WTERMSIG(got[0].status) == SIGTERM);
	ck_assert_int_eq(got[1].own, 1);
	ck_assert(WIFSIGNALED(got[1].status) &&
		  WTERMSIG(got[1].status) == SIGUSR1);
	ck_assert_int_gt(got[0].pid, 1);
	ck_assert_int_ne(got[0].pid, got[1].pid);
	ck_assert_int_eq(read(rp[0], got, sizeof(got)), 0);     /* its end */
	close(rp[0]);
}
END_TEST

Suite *make_spawn_suite(struct unit_needs *needs)
{
	Suite *s = suite_create("spawn");
	TCase *tc;

	tc = tcase_create("fds");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_spawned_process_holds_0_1_2_only, 0, 2);
	tcase_add_test(tc, test_output_reaches_log);
	tcase_add_test(tc, test_file_max_bounds_the_log);
	tcase_add_test(tc, test_without_close_range);
	tcase_add_loop_test(tc, test_exec_failure_reported, 0, 2);
	suite_add_tcase(s, tc);

	if (unit_needs_root(needs, "spawn", "root", "mounts and chroot")) {
		tc = tcase_create("root");
		tcase_set_timeout(tc, TIMEOUT);
		tcase_add_unchecked_fixture(tc, root_top_setup,
					    root_top_teardown);
		tcase_add_checked_fixture(tc, root_setup, NULL);
		tcase_add_test(tc, test_child_in_root);
		tcase_add_test(tc, test_root_failure_named);
		suite_add_tcase(s, tc);
	}
	if (unit_needs_root(needs, "spawn", "join", "namespaces")) {
		tc = tcase_create("join");
		tcase_set_timeout(tc, TIMEOUT);
		tcase_add_checked_fixture(tc, join_setup, join_teardown);
		tcase_add_test(tc, test_child_joins_namespaces);
		tcase_add_test(tc, test_joined_child_signalled);
		tcase_add_test(tc, test_joined_child_dies_with_harness);
		tcase_add_test(tc, test_detached_child_outlives_harness);
		tcase_add_loop_test(tc, test_join_failure_named, 0, 2);
		tcase_add_test(tc, test_join_failure_reaps_both);
		tcase_add_test(tc, test_bind_into_namespace);
		suite_add_tcase(s, tc);
	}
	if (unit_needs_root(needs, "spawn", "pidns", "PID namespaces")) {
		tc = tcase_create("pidns");
		tcase_set_timeout(tc, TIMEOUT);
		tcase_add_test(tc, test_init_says_what_it_reaped);
		suite_add_tcase(s, tc);
	}
	if (unit_needs_root(needs, "spawn", "confine", "mounts, users")) {
		tc = tcase_create("confine");
		tcase_set_timeout(tc, TIMEOUT);
		tcase_add_loop_test(tc, test_confined_child, 0, 3);
		tcase_add_loop_test(tc, test_confined_view, 0, 2);
		tcase_add_test(tc, test_confined_needs_a_user);
		tcase_add_loop_test(tc, test_net_confined_child, 0, 2);
		suite_add_tcase(s, tc);
	}
	if (unit_needs_root(needs, "spawn", "bind", "mounts")) {
		tc = tcase_create("bind");
		tcase_set_timeout(tc, TIMEOUT);
		tcase_add_test(tc, test_child_files);
		tcase_add_test(tc, test_child_files_failure_named);
		suite_add_tcase(s, tc);
	}
	return s;
}
