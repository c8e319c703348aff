/* proxy.c - see proxy.h: the table of kinds and the proxy process's
 * life (its kind says how to configure and run it).
 *
 * The harness's child is the first process of a PID namespace of its
 * own (lab/spawn.h, new_pidns), which forks the proxy and waits for it;
 * the proxy's PID (as this namespace sees it) is read from that
 * process's children once, and held as a pidfd: every signal goes
 * through it, never through a number that could have been reused. */
#include "proxy/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab/program.h"
#include "lab/spawn.h"
#include "util/byname.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "util/logcopy.h"

#define POLL_MS 20
#define START_TIMEOUT_MS 10000
#define STOP_TIMEOUT_MS 5000
#define VERSION_TIMEOUT_MS 5000
#define LOG_TAIL (64L << 10)    /* of the log, where its last lines are
				 * looked for */
/* What the proxy may write, its log: past it, a write fails (lab/spawn.h,
 * file_max); the proxy writes no other file (chrooted into an empty
 * directory of root's) */
#define LOG_FILE_MAX (64LL << 20)

#define GA_PROXY_ROW(name) &ga_proxy_##name,
static const struct ga_proxy_kind *const kinds[] = {
	GA_PROXY_KINDS(GA_PROXY_ROW)
	NULL,
};
#undef GA_PROXY_ROW

#define GA_PROXY_NAME(name) #name,
static const char *const kind_names[] = {
	GA_PROXY_KINDS(GA_PROXY_NAME)
	NULL,
};
#undef GA_PROXY_NAME

GA_FIND_BY_NAME(ga_proxy_kind_find, const struct ga_proxy_kind, kinds)

const char *const *ga_proxy_kind_names(void)
{
	return kind_names;
}

const char *ga_proxy_kind_help(const char *name)
{
	const struct ga_proxy_kind *k = ga_proxy_kind_find(name);

	return k && k->help ? k->help : "";
}

const char *ga_proxy_name(const struct ga_proxy *px)
{
	return px->kind ? px->kind->name : "";
}

void ga_proxy_init(struct ga_proxy *px)
{
	memset(px, 0, sizeof(*px));
	px->pidfd = px->initfd = -1;
}

/* The kind's version line, from running its version command once. */
static void read_version(struct ga_proxy *px, const char *dir)
{
	const char *argv[GA_PROXY_ARGV_MAX];
	struct ga_spawn_opts o;
	struct ga_error err;
	char path[PATH_MAX];
	char *text = NULL;

	snprintf(path, sizeof(path), "%s/%s.version", dir, px->kind->name);
	px->kind->version_command(px->kind, argv);
	memset(&o, 0, sizeof(o));
	o.argv = argv;
	o.netns_fd = -1;
	o.output_path = path;
	if (ga_spawn_run(&o, NULL, VERSION_TIMEOUT_MS, &err) == 0 &&
	    ga_file_read(path, 4096, &text, NULL, &err) == 0)
		px->kind->version_parse(text, px->version,
					sizeof(px->version));
	free(text);
	unlink(path);
}

int ga_proxy_probe(const struct ga_proxy_kind *kind, char *version,
		   size_t len, struct ga_error *why)
{
	const char *tmp = getenv("TMPDIR");
	struct ga_proxy px;
	char dir[PATH_MAX];

	version[0] = '\0';
	if (access(kind->program, X_OK) != 0)
		return ga_error_errno(why, errno, "%s (%s)", kind->program,
				      kind->install);
	snprintf(dir, sizeof(dir), "%s/goneaway-proxy-XXXXXX",
		 tmp && tmp[0] == '/' ? tmp : "/tmp");
	if (!mkdtemp(dir))
		return ga_error_errno(why, errno, "mkdtemp %s", dir);
	ga_proxy_init(&px);
	px.kind = kind;
	read_version(&px, dir);
	rmdir(dir);
	snprintf(version, len, "%s", px.version[0] ? px.version :
		 kind->program);
	return 0;
}

/* The proxy's root: an empty directory of root's that nobody may write
 * (0555, whatever the umask). */
static int make_root(const char *path, struct ga_error *err)
{
	if (mkdir(path, 0555) != 0)
		return ga_error_errno(err, errno, "mkdir %s", path);
	if (chmod(path, 0555) != 0) {
		ga_error_errno(err, errno, "chmod %s", path);
		rmdir(path);
		return -1;
	}
	return 0;
}

int ga_proxy_create(struct ga_proxy *px, const struct ga_proxy_kind *kind,
		    const char *dir, const struct ga_proxy_net *net,
		    const struct ga_proxy_settings *s, struct ga_error *err)
{
	FILE *f;
	int rc;

	ga_proxy_init(px);
	px->kind = kind;
	px->net = *net;
	px->start_timeout_ms = START_TIMEOUT_MS;
	if (access(kind->program, X_OK) != 0) {
		ga_error_errno(err, errno, "the proxy %s is not installed "
			       "(%s; %s)", kind->name, kind->program,
			       kind->install);
		return GA_PROXY_UNAVAILABLE;
	}
	if (snprintf(px->cfg, sizeof(px->cfg), "%s/%s.cfg", dir,
		     kind->name) >= (int)sizeof(px->cfg) ||
	    snprintf(px->log, sizeof(px->log), "%s/%s.log", dir,
		     kind->name) >= (int)sizeof(px->log) ||
	    snprintf(px->root, sizeof(px->root), "%s/%s.root", dir,
		     kind->name) >= (int)sizeof(px->root))
		return ga_error_set(err, "path too long: %s", dir);
	if (make_root(px->root, err)) {
		px->root[0] = '\0';
		return -1;
	}
	f = fopen(px->cfg, "we");
	if (!f)
		return ga_error_errno(err, errno, "create %s", px->cfg);
	rc = kind->write_config(f, net, s, px->root, err);
	if (fclose(f) != 0 && rc == 0)
		rc = ga_error_errno(err, errno, "write %s", px->cfg);
	if (rc == 0)
		read_version(px, dir);
	return rc;
}

/* The last LOG_TAIL bytes of the log at path (from a line's middle,
 * maybe) into a new buffer.  Returns 0, or -1 with err set. */
static int read_tail(const char *path, char **text, size_t *n,
		     struct ga_error *err)
{
	long long from = -1;
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return ga_error_errno(err, errno, "%s", path);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return ga_error_set(err, "%s: not a regular file", path);
	}
	if (st.st_size > LOG_TAIL)
		from = (long long)st.st_size - LOG_TAIL;
	/* what it wrote since is read too, up to twice the bound */
	return ga_fd_read_from(fd, path, &from, 2 * LOG_TAIL, text, n, err);
}

/* The last lines of the proxy's log, for a message. */
static void log_tail(const struct ga_proxy *px, char *buf, size_t len)
{
	struct ga_error err;
	char *text = NULL;
	size_t n = 0;

	buf[0] = '\0';
	if (read_tail(px->log, &text, &n, &err) != 0) {
		snprintf(buf, len, "(%s)", err.msg);
		return;
	}
	snprintf(buf, len, "%s", n ? ga_log_tail(text, n, 3, len) : "(empty)");
	free(text);
}

static void forget(struct ga_proxy *px)
{
	ga_program_forget(&px->pid, &px->pidfd, &px->init, &px->initfd);
}

/* Reaps the namespace's first process, which exits with the proxy's
 * status (128 + the signal that killed it) once the proxy has ended. */
static void reap(struct ga_proxy *px, int *status)
{
	while (waitpid(px->init, status, 0) < 0 && errno == EINTR)
		;
	*status = ga_program_status(*status);
	forget(px);
}

/* Sends sig to the proxy through its pidfd; before the proxy is known,
 * SIGKILL to the namespace's first process (the kernel then kills the
 * proxy too). */
static void send_signal(struct ga_proxy *px, int sig)
{
	if (px->pidfd >= 0 &&
	    syscall(SYS_pidfd_send_signal, px->pidfd, sig, NULL, 0) == 0)
		return;
	if (px->initfd >= 0)
		syscall(SYS_pidfd_send_signal, px->initfd, SIGKILL, NULL, 0);
}

/* The proxy: the namespace's program (lab/program.h), held by a pidfd.
 * Returns true once px->pid and px->pidfd are set. */
static bool find_proxy(struct ga_proxy *px)
{
	return ga_program_find(px->init, &px->pid, &px->pidfd) == 0;
}

/* True once /proc/PID/net/tcp (the table of the proxy's namespace) has a
 * socket listening on the proxy's address and port: readiness without a
 * connection, which the proxy would relay to the server. */
static bool listening(const struct ga_proxy *px)
{
	unsigned long local, port, state;
	struct in_addr want;
	char path[64], line[256];
	bool found = false;
	FILE *f;

	if (inet_pton(AF_INET, px->net.listen_addr, &want) != 1)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/net/tcp", (int)px->pid);
	f = fopen(path, "re");
	if (!f)
		return false;
	/* "  0: 060012C6:0CEA 00000000:0000 0A ...": the address as the
	 * kernel holds it (network order, printed as a number), the port
	 * in host order, the state (0A: LISTEN) */
	while (!found && fgets(line, sizeof(line), f))
		if (sscanf(line, " %*u: %lx:%lx %*x:%*x %lx", &local, &port,
			   &state) == 3)
			found = state == 0x0A && port == px->net.listen_port &&
				(uint32_t)local == want.s_addr;
	fclose(f);
	return found;
}

int ga_proxy_start(struct ga_proxy *px, struct ga_interrupt *in,
		   struct ga_error *err)
{
	const char *argv[GA_PROXY_ARGV_MAX];
	struct ga_spawn_opts o;
	char how[96], tail[600];
	double deadline;
	int status = -1, r;

	if (!px->kind)
		return ga_error_set(err, "no proxy");
	if (px->init)
		return ga_error_set(err, "%s is already running (pid %d)",
				    px->kind->name, (int)px->pid);
	px->kind->command(px, argv);
	memset(&o, 0, sizeof(o));
	o.argv = argv;
	o.netns_fd = px->net.netns_fd;
	o.output_path = px->log;
	o.new_pidns = true;
	o.file_max = LOG_FILE_MAX;
	if (ga_spawn(&o, &px->init, &px->initfd, err))
		return ga_error_prefix(err, "starting %s", px->kind->name);
	deadline = ga_clock_ms() + (double)px->start_timeout_ms;
	for (;;) {
		r = ga_interrupt_wait(in, px->initfd, POLL_MS);
		if (r < 0)
			return ga_error_set(err, "interrupted while %s "
					    "started", px->kind->name);
		if (r > 0) {
			reap(px, &status);
			ga_spawn_describe_status(status, how, sizeof(how));
			log_tail(px, tail, sizeof(tail));
			return ga_error_set(err, "%s %s during start-up; its "
					    "log: %s", px->kind->name, how,
					    tail);
		}
		if ((px->pidfd >= 0 || find_proxy(px)) && listening(px))
			return 0;
		if (ga_clock_ms() > deadline)
			return ga_error_set(err, "%s did not listen on %s:%u "
					    "within %ld ms", px->kind->name,
					    px->net.listen_addr,
					    px->net.listen_port,
					    px->start_timeout_ms);
	}
}

/* Sends sig, waits up to ms for the end and reaps it; SIGKILL after
 * that.  Returns 1 when it ended in time, 0 when it had to be killed,
 * -1 when interrupted (killed too). */
static int end_process(struct ga_proxy *px, int sig, long ms,
		       struct ga_interrupt *in, int *status)
{
	int r;

	send_signal(px, sig);
	r = ga_interrupt_wait(in, px->initfd, ms);
	if (r <= 0) {
		send_signal(px, SIGKILL);
		ga_interrupt_wait(NULL, px->initfd, STOP_TIMEOUT_MS);
	}
	reap(px, status);
	return r > 0 ? 1 : r;
}

int ga_proxy_stop(struct ga_proxy *px, struct ga_interrupt *in,
		  struct ga_error *err)
{
	int status = -1, r;

	if (!px->init)
		return ga_error_set(err, "the proxy is not running");
	r = end_process(px, px->kind->stop_signal, STOP_TIMEOUT_MS, in,
			&status);
	if (r < 0)
		return ga_error_set(err, "interrupted while %s stopped",
				    px->kind->name);
	if (r == 0)
		return ga_error_set(err, "%s did not stop within %d ms; "
				    "killed", px->kind->name, STOP_TIMEOUT_MS);
	return 0;
}

int ga_proxy_crash(struct ga_proxy *px, struct ga_error *err)
{
	int status;

	if (!px->init)
		return ga_error_set(err, "the proxy is not running");
	end_process(px, SIGKILL, STOP_TIMEOUT_MS, NULL, &status);
	return 0;
}

void ga_proxy_finish(struct ga_proxy *px, struct ga_interrupt *in, long ms)
{
	int status;

	if (px->init)
		end_process(px, px->kind->finish_signal, ms, in, &status);
}

void ga_proxy_destroy(struct ga_proxy *px)
{
	int status;

	if (px->init)
		end_process(px, SIGKILL, STOP_TIMEOUT_MS, NULL, &status);
	forget(px);
	if (px->root[0])
		rmdir(px->root);
	px->root[0] = '\0';
}
