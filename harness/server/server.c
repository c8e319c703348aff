/* server.c - see server.h: what every backend's server has in common. */
#include "server/internal.h"

#include <ctype.h>
#include <errno.h>
#include <errmsg.h>
#include <mysqld_error.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab/lab.h"
#include "lab/program.h"
#include "lab/spawn.h"
#include "mysqlapi/mysqlapi.h"
#include "server/starts.h"
#include "util/beneath.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "util/logcopy.h"
#include "util/machine.h"

static void log_tail(const struct ga_server *srv, char *buf, size_t len);

#define POLL_MS 5
#define LAST_START_TIMES 20     /* readiness: at least this many times the
				 * last start */
#define STARTS_WAIT_MS 600000   /* for the slots of a start (each holder is
				 * bounded by its own readiness) */
#define LOG_MAX (64 << 20)
#define CRASH_TAIL (1 << 20)   /* where a crash's line is looked for: its
				* stack trace follows it */
#define DEATH_WAIT_MS 1000     /* for a server dying under an admin query */

int ga_server_backend_open(struct ga_server_backend *be,
			   const struct ga_server_backend_ops *ops,
			   const struct ga_server_options *opts,
			   struct ga_interrupt *in, struct ga_error *err)
{
	memset(be, 0, sizeof(*be));
	be->ops = ops;
	be->opts = *opts;
	return ops->prepare(be, in, err);
}

void ga_server_backend_close(struct ga_server_backend *be)
{
	if (be->ops && be->ops->release)
		be->ops->release(be);
	free(be->fixture_cnf);
	be->fixture_cnf = NULL;
}

static int path_join(char *buf, size_t len, const char *dir, const char *name,
		     struct ga_error *err)
{
	if (snprintf(buf, len, "%s/%s", dir, name) >= (int)len)
		return ga_error_set(err, "path too long: %s/%s", dir, name);
	return 0;
}

/* Whether the server's user can reach srv->dir by its path: every
 * directory above it searchable by others.  (A TMPDIR in root's 0700
 * home is not.) */
static int reachable(const char *dir, struct ga_error *err)
{
	char path[PATH_MAX], *slash;
	struct stat st;

	snprintf(path, sizeof(path), "%s", dir);
	while ((slash = strrchr(path, '/')) != NULL) {
		*slash = '\0';
		if (stat(path[0] ? path : "/", &st) != 0)
			return ga_error_errno(err, errno, "stat %s", path);
		if (!(st.st_mode & S_IXOTH))
			return ga_error_set(err, "%s (mode %04o) is not "
					    "searchable by others: the server "
					    "runs as a user of its own and "
					    "cannot reach %s (set TMPDIR to a "
					    "directory such as /tmp)",
					    path[0] ? path : "/",
					    (unsigned)(st.st_mode & 07777), dir);
	}
	return 0;
}

/* The parts of srv->dir (server.h) the harness makes before the
 * backend's create: the directory itself the harness's, searchable
 * (the server's user reaches its files by their paths), and what the
 * server writes, its user's. */
static int private_dirs(const struct ga_server *srv, struct ga_error *err)
{
	static const char *const dirs[] = {
		GA_SERVER_RUN_DIR, GA_SERVER_TMP_DIR, GA_SERVER_FILES_DIR,
	};
	unsigned id = srv->uid.id;
	char path[PATH_MAX];
	size_t i;
	int fd;

	if (chmod(srv->dir, 0711) != 0)
		return ga_error_errno(err, errno, "chmod %s", srv->dir);
	if (reachable(srv->dir, err))
		return -1;
	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (path_join(path, sizeof(path), srv->dir, dirs[i], err))
			return -1;
		if (mkdir(path, 0700) != 0 ||
		    lchown(path, (uid_t)id, (gid_t)id) != 0)
			return ga_error_errno(err, errno, "mkdir %s", path);
	}
	fd = open(srv->errlog, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		  O_CLOEXEC, 0600);
	if (fd < 0)
		return ga_error_errno(err, errno, "create %s", srv->errlog);
	if (fchown(fd, (uid_t)id, (gid_t)id) != 0) {
		ga_error_errno(err, errno, "chown %s", srv->errlog);
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* What the backend's create put in srv->dir for the server to write or
 * read alone - the datadir's copy, the TLS certificate and key - made
 * its user's. */
static int own_files(const struct ga_server *srv, struct ga_error *err)
{
	static const char *const tls[] = { "server-cert.pem", "server-key.pem" };
	unsigned id = srv->uid.id;
	char path[PATH_MAX];
	size_t i;

	if (ga_tree_chown(srv->datadir, id, id, err))
		return -1;
	for (i = 0; i < sizeof(tls) / sizeof(tls[0]); i++) {
		if (path_join(path, sizeof(path), srv->dir, tls[i], err))
			return -1;
		if (lchown(path, (uid_t)id, (gid_t)id) != 0 && errno != ENOENT)
			return ga_error_errno(err, errno, "chown %s", path);
	}
	return 0;
}

int ga_server_create(struct ga_server *srv, struct ga_server_backend *be,
		     const char *dir, const struct ga_scenario *sc,
		     struct ga_error *err)
{
	const char *inside = be->ops->inside;
	struct sockaddr_un sun;

	memset(srv, 0, sizeof(*srv));
	srv->be = be;
	srv->netns_fd = -1;
	srv->pidfd = srv->initfd = -1;
	srv->memcg.procs_fd = -1;
	srv->uid.lock_fd = -1;
	if (snprintf(srv->dir, sizeof(srv->dir), "%s", dir) >= (int)sizeof(srv->dir))
		return ga_error_set(err, "path too long: %s", dir);
	if (path_join(srv->cnf, sizeof(srv->cnf), dir, "my.cnf", err) ||
	    path_join(srv->datadir, sizeof(srv->datadir), dir, "data", err) ||
	    path_join(srv->socket, sizeof(srv->socket), dir, GA_SERVER_SOCKET,
		      err) ||
	    path_join(srv->errlog, sizeof(srv->errlog), dir, GA_SERVER_ERRLOG,
		      err))
		return -1;
	if (strlen(srv->socket) >= sizeof(sun.sun_path))
		return ga_error_set(err, "unix socket path too long (%zu bytes, "
				    "at most %zu): use a shorter TMPDIR",
				    strlen(srv->socket), sizeof(sun.sun_path) - 1);
	if (ga_uid_take(GA_UIDS_DIR, &srv->uid, err) ||
	    private_dirs(srv, err) || be->ops->create(srv, sc, err) ||
	    own_files(srv, err))
		return -1;
	return ga_spawn_confine_init(&srv->confine, srv->uid.id, srv->uid.id,
				     true, inside ? inside : srv->dir, err);
}

/* ---- what the server said about the scenario's options -------------------- */

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

static bool same_name_char(char a, char b)
{
	if (a == '-')
		a = '_';
	if (b == '-')
		b = '_';
	return tolower((unsigned char)a) == tolower((unsigned char)b);
}

/* True when line[0..len) has the option name as a word of its own, with
 * '-' and '_' alike ("innodb-buffer-pool-size" is innodb_buffer_pool_size). */
static bool mentions_option(const char *line, size_t len, const char *name)
{
	size_t n = strlen(name), i, j;

	for (i = 0; i + n <= len; i++) {
		if (i > 0 && is_name_char(line[i - 1]))
			continue;
		for (j = 0; j < n && same_name_char(line[i + j], name[j]); j++)
			;
		if (j == n && (i + n == len || !is_name_char(line[i + n])))
			return true;
	}
	return false;
}

/* The message of an error-log line: what follows its last "] " (after
 * the time, the thread, "[Warning]" and MySQL's "[MY-...] [Server]"). */
static const char *log_message(const char *line, size_t len, int *mlen)
{
	const char *msg = line, *p;

	while ((p = memmem(msg, len - (size_t)(msg - line), "] ", 2)) != NULL)
		msg = p + 2;
	*mlen = (int)(len - (size_t)(msg - line));
	return msg;
}

/* Looks through the error log for the server's words about sc's
 * server-option lines: an adjusted, ignored or deprecated value goes into
 * srv->notes, an unknown option into srv->rejected_line (and err when not
 * NULL). */
static void read_option_notes(struct ga_server *srv,
			      const struct ga_scenario *sc,
			      struct ga_error *err)
{
	char *text = NULL, *line, *nl;
	struct ga_error ignored;
	size_t used = strlen(srv->notes), i, len;
	const char *msg;
	int mlen, n;
	long long from = 0;

	if (!sc || !sc->noptions ||
	    ga_server_log_read(srv, &from, LOG_MAX, &text, NULL, &ignored))
		return;
	for (line = text; *line; line = nl ? nl + 1 : line + len) {
		bool warning, unknown;

		nl = strchr(line, '\n');
		len = nl ? (size_t)(nl - line) : strlen(line);
		warning = memmem(line, len, "[Warning]", 9) &&
			  (memmem(line, len, "adjusted", 8) ||
			   memmem(line, len, "ignored", 7) ||
			   memmem(line, len, "deprecated", 10));
		unknown = memmem(line, len, "unknown variable", 16) ||
			  memmem(line, len, "unknown option", 14);
		if (!warning && !unknown)
			continue;
		for (i = 0; i < sc->noptions; i++)
			if (mentions_option(line, len, sc->options[i].name))
				break;
		if (i == sc->noptions)
			continue;
		msg = log_message(line, len, &mlen);
		if (unknown) {
			srv->rejected_line = sc->options[i].line;
			if (err)
				ga_error_set(err, "server-option %s: the server "
					     "refused it: %.*s",
					     sc->options[i].name, mlen, msg);
		} else if (used < sizeof(srv->notes)) {
			n = snprintf(srv->notes + used, sizeof(srv->notes) - used,
				     "%sline %d: server-option %s: the server "
				     "said: %.*s", used ? "\n" : "",
				     sc->options[i].line, sc->options[i].name,
				     mlen, msg);
			if (n > 0)
				used += (size_t)n;
		}
	}
	free(text);
}

/* ---- starting and stopping -------------------------------------------------- */

/* goneaway's link to the server's socket (srv->socket) follows the
 * socket: once the server removed it (a clean stop), the link goes too,
 * and a connection meets what it met without a link (ENOENT, not a
 * refusal).  A crash's socket stays, and so does the link. */
static void follow_socket(const struct ga_server *srv)
{
	char bound_at[PATH_MAX];
	struct stat st;

	if (!srv->socket[0] ||
	    snprintf(bound_at, sizeof(bound_at), "%s/" GA_SERVER_RUN_DIR "/"
		     GA_SERVER_SOCKET, srv->dir) >= (int)sizeof(bound_at))
		return;
	if (lstat(bound_at, &st) != 0 && errno == ENOENT)
		unlink(srv->socket);
}

static void forget_process(struct ga_server *srv)
{
	ga_program_forget(&srv->pid, &srv->pidfd, &srv->init, &srv->initfd);
	follow_socket(srv);
}

int ga_server_spawn(struct ga_server *srv, struct ga_spawn_opts *opts,
		    struct ga_error *err)
{
	pid_t pid;
	int fd;

	opts->netns_fd = srv->netns_fd;
	opts->output_path = srv->errlog;
	/* a memory limit of its own (ga_server_limit_memory) */
	opts->in_cgroup = srv->memcg.procs_fd >= 0;
	opts->cgroup_fd = srv->memcg.procs_fd;
	opts->confine = &srv->confine;
	/* a joined container's PID namespace has its own init */
	opts->new_pidns = !opts->join;
	if (ga_spawn(opts, &pid, &fd, err))
		return -1;
	if (!opts->new_pidns) {
		srv->pid = pid;
		srv->pidfd = fd;
		return 0;
	}
	srv->init = pid;
	srv->initfd = fd;
	if (ga_program_find(pid, &srv->pid, &srv->pidfd) == 0)
		return 0;
	/* it exec'd (ga_spawn says so) and ended already: its init, which
	 * ends with it, stands in for it */
	srv->pid = pid;
	srv->pidfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (srv->pidfd >= 0)
		return 0;
	ga_error_errno(err, errno, "dup");
	syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
	ga_server_reap(srv, &(int){ 0 });
	forget_process(srv);
	return -1;
}

void ga_server_reap(struct ga_server *srv, int *status)
{
	pid_t p = srv->init ? srv->init : srv->pid;

	while (waitpid(p, status, 0) != p) {
		if (errno != EINTR) {
			*status = -1;
			return;
		}
	}
	if (srv->init)
		*status = ga_program_status(*status);
}

/* Sends sig to the server by its pidfd (never a PID that came free);
 * SIGKILL goes to its init too, which ends everything the server
 * started.  Returns 0, or -1 with errno set. */
static int signal_server(const struct ga_server *srv, int sig)
{
	int rc = (int)syscall(SYS_pidfd_send_signal, srv->pidfd, sig, NULL, 0);

	if (sig == SIGKILL && srv->initfd >= 0)
		syscall(SYS_pidfd_send_signal, srv->initfd, SIGKILL, NULL, 0);
	return rc;
}

/* Reaps a server that exited by itself during start-up and says how. */
static int exited_during_startup(struct ga_server *srv,
				 const struct ga_scenario *sc,
				 struct ga_error *err)
{
	char how[96], tail[600];
	int status = -1;

	srv->be->ops->reap(srv, &status);
	forget_process(srv);
	read_option_notes(srv, sc, err);
	if (srv->rejected_line)
		return -1;
	if (status == -1)
		snprintf(how, sizeof(how), "exited");
	else
		ga_spawn_describe_status(status, how, sizeof(how));
	log_tail(srv, tail, sizeof(tail));
	return ga_error_set(err, "the server %s during start-up; error log: "
			    "%s", how, tail);
}

unsigned ga_server_start_weight(enum ga_flavour flavour)
{
	return flavour == GA_FLAVOUR_MYSQL ? 2 : 1;
}

/* The deadline of a start's readiness that began at start (see
 * ga_server_start in server.h), moved later when the machine became
 * busier (ga_machine_extend).  Returns the bound. */
static long ready_bound(const struct ga_server_backend *be, double start,
			double *deadline, struct ga_machine *m)
{
	return ga_machine_extend(start, be->opts.timeout_ms,
				 (long)(be->last_start_ms * LAST_START_TIMES),
				 deadline, m);
}

/* What the machine just did, for a bound that was hit: "the last start
 * took 2.1 s" into buf. */
static void last_start(const struct ga_server_backend *be, char *buf,
		       size_t len)
{
	if (be->last_start_ms > 0)
		snprintf(buf, len, "the last start took %.1f s",
			 be->last_start_ms / 1000);
	else
		snprintf(buf, len, "the first start of this process");
}

/* The message of a harness bound on the server that was hit, as a prefix
 * of err: "WHAT within N s (the last start took 2.1 s; load average 7.3
 * on 2 cores): the machine is too slow". */
static int too_slow(const struct ga_server_backend *be, const char *what,
		    long bound_ms, struct ga_error *err)
{
	char last[64], slow[160];
	struct ga_machine m;

	ga_machine_now(&m);
	last_start(be, last, sizeof(last));
	ga_machine_too_slow(&m, last, slow, sizeof(slow));
	if (bound_ms < 10000)
		return ga_error_prefix(err, "%s within %ld ms %s", what,
				       bound_ms, slow);
	return ga_error_prefix(err, "%s within %.0f s %s", what,
			       (double)bound_ms / 1000, slow);
}

/* The server's socket, as every connection reaches it: run/s.sock,
 * which the server's user owns and binds, linked as srv->socket in
 * srv->dir, goneaway's (util/beneath.h: a symlink it put there, or
 * another user's socket, is not linked).  Returns 0, or -1 with err
 * set. */
static int link_socket(const struct ga_server *srv, struct ga_error *err)
{
	return ga_within_link_socket(srv->dir, GA_SERVER_RUN_DIR "/"
				     GA_SERVER_SOCKET, srv->uid.id,
				     GA_SERVER_SOCKET, err);
}

/* Spawns the server and waits for its readiness (ga_server_start). */
static int start_held(struct ga_server *srv, const struct ga_scenario *sc,
		      struct ga_interrupt *in, struct ga_error *err)
{
	char bound_at[PATH_MAX];
	struct ga_machine m;
	double t0, deadline;
	long bound;
	int r;

	/* a link to the last start's socket, and that socket if it is still
	 * there (a crash): none is taken for the new one.  (run/ is an
	 * entry of srv->dir, goneaway's: unlink follows no last symlink.) */
	unlink(srv->socket);
	if (path_join(bound_at, sizeof(bound_at), srv->dir, GA_SERVER_RUN_DIR
		      "/" GA_SERVER_SOCKET, err))
		return -1;
	unlink(bound_at);
	t0 = ga_clock_ms();
	if (srv->be->ops->spawn(srv, err))
		return -1;

	/* Readiness: once the socket file exists, try a real, authenticated
	 * admin connection.  (A bare connect() probe would count in the
	 * server's Aborted_connects, which scenarios read as evidence.) */
	ga_error_set(err, "no unix socket at %s", srv->socket);
	deadline = 0;
	bound = ready_bound(srv->be, t0, &deadline, &m);
	for (;;) {
		r = ga_interrupt_wait(in, srv->pidfd, POLL_MS);
		if (r < 0)
			return ga_error_set(err, "interrupted while the server "
					    "started");
		if (r > 0)
			return exited_during_startup(srv, sc, err);
		if (link_socket(srv, err) == 0 &&
		    ga_admin_connect(srv, err) == 0) {
			ga_admin_close(srv);    /* opened again per step */
			break;
		}
		if (ga_clock_ms() > deadline &&
		    ready_bound(srv->be, t0, &deadline, &m) == bound)
			return too_slow(srv->be, "the server was not ready",
					bound, err);
		bound = (long)(deadline - t0);
	}
	srv->be->last_start_ms = ga_clock_ms() - t0;
	srv->log_ready = ga_server_log_size(srv);
	return 0;
}

int ga_server_start(struct ga_server *srv, const struct ga_scenario *sc,
		    struct ga_interrupt *in, struct ga_error *err)
{
	struct ga_server_backend *be = srv->be;
	bool first = srv->version[0] == '\0';
	struct ga_starts_held held;
	int rc;

	if (srv->pid)
		return ga_error_set(err, "the server is already running (pid "
				    "%d)", (int)srv->pid);
	if (ga_starts_take(be->opts.cache_dir, ga_starts_slots(),
			   be->start_weight, STARTS_WAIT_MS, in, &held, err))
		return -1;
	be->last_start_wait_ms = held.waited_ms;
	rc = start_held(srv, sc, in, err);
	ga_starts_give(&held);
	if (rc)
		return -1;
	if (first)
		read_option_notes(srv, sc, NULL);
	return 0;
}

static void kill_and_reap(struct ga_server *srv);

/* What a stop whose bound of bound_ms was hit says: why the server did
 * not stop, and that it was killed. */
static int not_stopped(bool paused, long bound_ms, struct ga_error *err)
{
	char within[48], note[160];
	struct ga_machine m;

	if (bound_ms < 10000)
		snprintf(within, sizeof(within), "%ld ms", bound_ms);
	else
		snprintf(within, sizeof(within), "%.0f s",
			 (double)bound_ms / 1000);
	if (paused)
		return ga_error_set(err, "the server did not shut down within "
				    "%s of SIGTERM: it was paused (a stopped "
				    "process acts on no SIGTERM until it is "
				    "continued); it was killed", within);
	ga_machine_now(&m);
	ga_machine_note(&m, note, sizeof(note));
	return ga_error_set(err, "the server did not shut down within %s of "
			    "SIGTERM (%s); it was killed", within, note);
}

int ga_server_stop(struct ga_server *srv, struct ga_interrupt *in,
		   struct ga_error *err)
{
	struct ga_machine m;
	double t0, deadline = 0;
	long timeout_ms;
	char how[96];
	int status = -1;
	int r;

	ga_admin_close(srv);
	if (!srv->pid)
		return ga_error_set(err, "the server is not running");
	if (signal_server(srv, SIGTERM) != 0)
		return ga_error_errno(err, errno, "kill -TERM %d", (int)srv->pid);
	t0 = ga_clock_ms();
	timeout_ms = ga_machine_extend(t0, srv->be->opts.timeout_ms, 0,
				       &deadline, &m);
	while ((r = ga_interrupt_wait(in, srv->pidfd, (long)(deadline -
			ga_clock_ms()) + 1)) == 0 &&
	       ga_machine_extend(t0, srv->be->opts.timeout_ms, 0, &deadline,
				 &m) != timeout_ms)
		timeout_ms = (long)(deadline - t0);
	if (r <= 0) {
		/* a paused server does not act on SIGTERM until it is
		 * continued: not the machine's slowness */
		bool paused = r == 0 && ga_program_state(srv->pid) == 'T';

		/* gone, but not destroyed: it can start again */
		kill_and_reap(srv);
		if (r < 0)
			return ga_error_set(err, "interrupted while the server "
					    "shut down");
		return not_stopped(paused, timeout_ms, err);
	}
	srv->be->ops->reap(srv, &status);
	forget_process(srv);
	if (status != -1 && (!WIFEXITED(status) || WEXITSTATUS(status) != 0)) {
		ga_spawn_describe_status(status, how, sizeof(how));
		return ga_error_set(err, "the server %s on shutdown", how);
	}
	return 0;
}

/* SIGKILL, then wait (bounded) until it is gone and reap it. */
static void kill_and_reap(struct ga_server *srv)
{
	int status;

	signal_server(srv, SIGKILL);
	ga_interrupt_wait(NULL, srv->initfd >= 0 ? srv->initfd : srv->pidfd,
			  srv->be->opts.timeout_ms);
	srv->be->ops->reap(srv, &status);
	forget_process(srv);
}

int ga_server_crash(struct ga_server *srv, struct ga_error *err)
{
	if (!srv->pid)
		return ga_error_set(err, "the server is not running");
	kill_and_reap(srv);
	/* The admin connection is dead too; closing it sends nothing useful. */
	ga_admin_close(srv);
	return 0;
}

void ga_server_destroy(struct ga_server *srv)
{
	if (!srv->be)
		return;
	ga_admin_close(srv);
	if (srv->pid)
		kill_and_reap(srv);
	forget_process(srv);
	if (srv->be->ops->destroy)
		srv->be->ops->destroy(srv);
	if (srv->memcg.path[0] || srv->memcg.procs_fd >= 0) {
		struct ga_error err;

		/* its process is reaped: the cgroup is empty */
		if (ga_memcg_remove(&srv->memcg, &err))
			fprintf(stderr, "goneaway: %s\n", err.msg);
	}
	ga_spawn_confine_release(&srv->confine);
	srv->confine.uid = srv->confine.gid = 0;        /* starts no more */
	/* no process of its user is left: the id may serve another */
	ga_uid_give(&srv->uid);
}

int ga_server_limit_memory(struct ga_server *srv,
			   const struct ga_memcg_run *run, long long limit,
			   struct ga_error *err)
{
	const char *name = strrchr(srv->dir, '/');

	if (srv->pid)
		return ga_error_set(err, "the server runs already: its memory "
				    "limit must come first");
	if (srv->memcg.path[0])
		return ga_error_set(err, "the server has a memory limit "
				    "already");
	if (ga_memcg_make(&srv->memcg, run, name ? name + 1 : srv->dir,
			  limit, err))
		return ga_error_prefix(err, "the server's memory limit");
	return 0;
}

int ga_server_oom_kills(const struct ga_server *srv, long long *n,
			struct ga_error *err)
{
	if (!srv->memcg.path[0])
		return ga_error_set(err, "the server has no memory limit of "
				    "its own ('server memory SIZE')");
	return ga_memcg_oom_kills(&srv->memcg, n, err);
}

int ga_server_log_open(const struct ga_server *srv, struct ga_error *err)
{
	struct stat st;

	return ga_within_open(srv->dir, GA_SERVER_ERRLOG, &st, err);
}

int ga_server_log_read(const struct ga_server *srv, long long *from,
		       size_t max, char **out, size_t *len,
		       struct ga_error *err)
{
	return ga_within_read_from(srv->dir, GA_SERVER_ERRLOG, from, max, out,
				   len, err);
}

/* The last bytes of the error log, at most max of them (from a line's
 * middle, maybe): ga_server_log_read()'s. */
static int read_tail(const struct ga_server *srv, size_t max, char **out,
		     size_t *len, struct ga_error *err)
{
	long long size = ga_server_log_size(srv);
	long long from = size > (long long)max ? size - (long long)max : 0;

	/* what the server wrote since its size was read is read too, up to
	 * twice the bound */
	return ga_server_log_read(srv, &from, 2 * max, out, len, err);
}

/* The line of srv's error log where the server says it crashed
 * ("mariadbd got signal 11 ;"), the last such, into buf; "" when none. */
static void crash_line(const struct ga_server *srv, char *buf, size_t len)
{
	struct ga_error err;
	char *text = NULL, *at, *end;
	size_t n = 0;

	buf[0] = '\0';
	if (read_tail(srv, CRASH_TAIL, &text, &n, &err) != 0)
		return;
	at = NULL;
	for (end = strstr(text, " got signal "); end;
	     end = strstr(end + 1, " got signal "))
		at = end;
	if (at) {
		while (at > text && at[-1] != '\n')
			at--;
		end = strchr(at, '\n');
		snprintf(buf, len, "%.*s", end ? (int)(end - at) : (int)strlen(at),
			 at);
	}
	free(text);
}

/* Whether srv has a memory limit and the OOM killer killed in it: how
 * gets the words for it. */
static bool oom_killed(const struct ga_server *srv, char *how, size_t len)
{
	struct ga_error ignored;
	long long n;

	if (!srv->memcg.path[0] ||
	    ga_memcg_oom_kills(&srv->memcg, &n, &ignored) || n < 1)
		return false;
	snprintf(how, len, "%s by the OOM killer of its memory cgroup, "
		 "limited to %lld MiB", strstr(how, "killed") ? "killed" :
		 "ended", srv->memcg.limit >> 20);
	return true;
}

/* After an admin connection or query failed: when the server is the
 * reason (its process has ended, or ends within DEATH_WAIT_MS), reaps it
 * and replaces err with what happened, for a report that says "the
 * server crashed" rather than "can't connect through socket".  Returns
 * true when it died. */
static bool died(struct ga_server *srv, struct ga_error *err)
{
	char how[96], said[400], tail[600];
	int status = -1;

	if (!srv->pid || srv->pidfd < 0 ||
	    ga_interrupt_wait(NULL, srv->pidfd, DEATH_WAIT_MS) <= 0)
		return false;
	srv->be->ops->reap(srv, &status);
	forget_process(srv);
	ga_admin_close(srv);
	if (status == -1)
		snprintf(how, sizeof(how), "exited");
	else
		ga_spawn_describe_status(status, how, sizeof(how));
	if (oom_killed(srv, how, sizeof(how))) {
		ga_error_set(err, "the server is gone (%s)", how);
		return true;
	}
	crash_line(srv, said, sizeof(said));
	if (said[0]) {
		ga_error_set(err, "the server is gone (it %s); its error "
			     "log (mariadbd.err in the evidence): %s", how,
			     said);
		return true;
	}
	log_tail(srv, tail, sizeof(tail));
	ga_error_set(err, "the server is gone (it %s); its error log ends: "
		     "%s", how, tail);
	return true;
}

/* work on a fresh admin connection as user, closed after. */
static int session_as(struct ga_server *srv, const char *user,
		      const char *password, ga_admin_work work, void *ctx,
		      struct ga_outcome *out, struct ga_error *err)
{
	double start = ga_clock_ms();

	memset(out, 0, sizeof(*out));
	if (!srv->pid)
		return ga_error_set(err, "no admin connection: the server is "
				    "not running");
	if (ga_admin_connect_as(srv, user, password, err) != 0) {
		died(srv, err);
		return -1;
	}
	work(srv->admin, ctx, out);
	ga_admin_close(srv);
	out->elapsed_ms = ga_clock_ms() - start;
	if (out->result == GA_RESULT_ERROR &&
	    (out->err == CR_SERVER_LOST || out->err == CR_SERVER_GONE_ERROR) &&
	    died(srv, err))
		return -1;
	return 0;
}

int ga_server_privileged_session(struct ga_server *srv, ga_admin_work work,
				 void *ctx, struct ga_outcome *out,
				 struct ga_error *err)
{
	return session_as(srv, GA_PRIV_USER, GA_PRIV_PASSWORD, work, ctx, out,
			  err);
}

/* the value: column col of the last statement's first row */
struct statements { const char *const *sql; size_t n; unsigned col; };

/* A ga_admin_work: the statements in turn, up to the first that fails. */
static void statements(MYSQL *m, void *ctx, struct ga_outcome *out)
{
	const struct statements *st = ctx;
	size_t i;

	for (i = 0; i < st->n; i++) {
		memset(out, 0, sizeof(*out));
		ga_mysql_query_column(m, st->sql[i], st->col, out);
		if (out->result != GA_RESULT_OK)
			break;
	}
}

int ga_server_admin_queries(struct ga_server *srv, const char *const *sql,
			    size_t n, struct ga_outcome *out,
			    struct ga_error *err)
{
	struct statements st = { sql, n, 0 };

	return session_as(srv, GA_ADMIN_USER, GA_ADMIN_PASSWORD, statements,
			  &st, out, err);
}

int ga_server_privileged_queries(struct ga_server *srv,
				 const char *const *sql, size_t n,
				 struct ga_outcome *out, struct ga_error *err)
{
	struct statements st = { sql, n, 0 };

	return ga_server_privileged_session(srv, statements, &st, out, err);
}

int ga_server_admin_query(struct ga_server *srv, const char *sql,
			  struct ga_outcome *out, struct ga_error *err)
{
	return ga_server_admin_queries(srv, &sql, 1, out, err);
}

int ga_server_kill_query_running(struct ga_server *srv, unsigned long id,
				 bool (*pause)(void *ctx), void *ctx,
				 long wait_ms, long *waited_ms, char *why,
				 size_t len, struct ga_outcome *out,
				 struct ga_error *err)
{
	double t0 = ga_clock_ms();
	bool mariadb = srv->id.flavour != GA_FLAVOUR_MYSQL;
	char look[200], kill_sql[64];
	const char *qid = NULL;
	bool came = false;
	int rc = 1;

	memset(out, 0, sizeof(*out));
	*waited_ms = 0;
	if (!srv->pid)
		return ga_error_set(err, "no admin connection: the server is "
				    "not running");
	if (ga_admin_connect(srv, err) != 0) {
		died(srv, err);
		return -1;
	}
	/* MariaDB names the statement itself (QUERY_ID, KILL QUERY ID):
	 * one that ended between the look and the KILL is not mistaken for
	 * the session's next one */
	snprintf(look, sizeof(look), "SELECT CONCAT(COMMAND, IF(INFO IS "
		 "NULL, '', CONCAT(' running ', %s))) FROM "
		 "information_schema.PROCESSLIST WHERE ID = %lu",
		 mariadb ? "QUERY_ID" : "''", id);
	for (;;) {
		*waited_ms = (long)(ga_clock_ms() - t0);
		ga_mysql_query(srv->admin, look, out);
		if (out->result != GA_RESULT_OK)
			break;          /* the KILL below says what it can */
		if (!out->has_value) {
			snprintf(why, len, "session %lu is gone", id);
			rc = 0;
			break;
		}
		if (strcmp(out->value, "Sleep") != 0 &&
		    (qid = strstr(out->value, " running ")) != NULL) {
			qid += strlen(" running ");
			break;
		}
		if (came) {
			snprintf(why, len, "the statement ended before it was "
				 "seen running");
			rc = 0;
			break;
		}
		if (*waited_ms > wait_ms)
			break;
		came = pause(ctx);
	}
	if (rc == 1) {
		if (qid && *qid && strspn(qid, "0123456789") == strlen(qid) &&
		    strlen(qid) < 21)
			snprintf(kill_sql, sizeof(kill_sql), "KILL QUERY ID %s",
				 qid);
		else
			snprintf(kill_sql, sizeof(kill_sql), "KILL QUERY %lu",
				 id);
		memset(out, 0, sizeof(*out));
		ga_mysql_query(srv->admin, kill_sql, out);
		if (out->result == GA_RESULT_ERROR &&
		    out->err == ER_NO_SUCH_QUERY) {
			snprintf(why, len, "the statement ended before its "
				 "KILL came");
			rc = 0;
		}
	}
	ga_admin_close(srv);
	if (out->result == GA_RESULT_ERROR &&
	    (out->err == CR_SERVER_LOST || out->err == CR_SERVER_GONE_ERROR) &&
	    died(srv, err))
		return -1;
	return rc;
}

int ga_server_status(struct ga_server *srv, const char *name,
		     struct ga_outcome *out, struct ga_error *err)
{
	char sql[256], like[2 * 100 + 1];
	const char *q = sql;
	struct statements st = { &q, 1, 1 };
	size_t i, n = 0;

	for (i = 0; name[i]; i++) {
		if (!(isalnum((unsigned char)name[i]) || name[i] == '_'))
			return ga_error_set(err, "'%s' is not a status "
					    "variable's name", name);
		if (n + 3 > sizeof(like))
			return ga_error_set(err, "status variable name too "
					    "long");
		if (name[i] == '_')     /* LIKE's any-character, as itself */
			like[n++] = '\\';
		like[n++] = name[i];
	}
	like[n] = '\0';
	/* MariaDB keeps every counter in information_schema.  MySQL 8.0 moved
	 * them to performance_schema.global_status (9.x has no
	 * information_schema copy), but without the Com_ counters, which only
	 * SHOW GLOBAL STATUS gives: its second column is the value.  The
	 * name's '_' are escaped, and LIKE without a wildcard matches the
	 * one name (case aside, as the server's own names go). */
	if (srv->id.flavour != GA_FLAVOUR_MYSQL) {
		snprintf(sql, sizeof(sql), "SELECT VARIABLE_VALUE FROM "
			 "information_schema.GLOBAL_STATUS WHERE "
			 "VARIABLE_NAME = '%s'", name);
		return ga_server_admin_query(srv, sql, out, err);
	}
	snprintf(sql, sizeof(sql), "SHOW GLOBAL STATUS LIKE '%s'", like);
	return session_as(srv, GA_ADMIN_USER, GA_ADMIN_PASSWORD, statements,
			  &st, out, err);
}

long long ga_server_log_size(const struct ga_server *srv)
{
	return ga_within_size(srv->dir, GA_SERVER_ERRLOG);
}

/* Copies the last lines of the error log (at most len bytes) into buf. */
static void log_tail(const struct ga_server *srv, char *buf, size_t len)
{
	struct ga_error err;
	char *text = NULL;
	size_t n = 0;

	if (!len)
		return;
	buf[0] = '\0';
	if (read_tail(srv, len * 2, &text, &n, &err) != 0) {
		snprintf(buf, len, "(%s)", err.msg);
		return;
	}
	snprintf(buf, len, "%s", ga_log_tail(text, n, 4, len));
	free(text);
}
