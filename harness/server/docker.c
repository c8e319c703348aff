/* docker.c - see docker.h */
#include "server/docker.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab/spawn.h"
#include "util/clock.h"
#include "util/fsutil.h"

#define MAX_ARGS 48
#define PING_TIMEOUT_MS 20000
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

int ga_docker_find(struct ga_docker *d, const char *path,
		   const char *docker_host, struct ga_error *err)
{
	const char *tmp = getenv("TMPDIR"), *p, *end;
	size_t n;

	memset(d, 0, sizeof(*d));
	snprintf(d->scratch, sizeof(d->scratch), "%s",
		 tmp && *tmp ? tmp : "/tmp");
	if (docker_host && *docker_host) {
		snprintf(d->host, sizeof(d->host), "%s", docker_host);
		d->host_from_env = true;
	} else {
		snprintf(d->host, sizeof(d->host), "%s", GA_DOCKER_DEFAULT_HOST);
	}
	if (gethostname(d->hostname, sizeof(d->hostname)) != 0)
		snprintf(d->hostname, sizeof(d->hostname), "localhost");
	d->hostname[sizeof(d->hostname) - 1] = '\0';
	for (p = path && *path ? path : DEFAULT_PATH; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		n = (size_t)(end - p);
		if (n == 0 || p[0] != '/')      /* only absolute entries */
			continue;
		if (snprintf(d->cli, sizeof(d->cli), "%.*s/docker", (int)n, p) >=
		    (int)sizeof(d->cli))
			continue;
		if (access(d->cli, X_OK) == 0)
			return 0;
	}
	d->cli[0] = '\0';
	return ga_error_set(err, "no docker client in PATH (apt-get install "
			    "docker.io, or put a docker program in PATH)");
}

/* The line of a client's stderr that says what went wrong: the last one
 * that is not a warning ("WARNING: IPv4 forwarding is disabled") or a
 * hint ("Run 'docker run --help' ..."). */
static void pick_message(char *text, char *buf, size_t len)
{
	char *line, *save = NULL, *pick = NULL, *last = NULL;

	for (line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		while (*line == ' ' || *line == '\t')
			line++;
		if (!*line)
			continue;
		last = line;
		if (strncmp(line, "WARNING", 7) == 0 ||
		    strncmp(line, "Run '", 5) == 0 ||
		    strncmp(line, "See '", 5) == 0)
			continue;
		pick = line;
	}
	snprintf(buf, len, "%s", pick ? pick : last ? last : "(nothing on "
		 "stderr)");
}

/* Reads fd until EOF or the deadline into out (len bytes, the rest
 * dropped).  Returns 0 at EOF, -1 at the deadline. */
static int read_all(int fd, char *out, size_t len, double deadline)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	char sink[4096];
	size_t used = 0;
	ssize_t n;
	int left;

	for (;;) {
		left = (int)(deadline - ga_clock_ms());
		if (left <= 0)
			return -1;
		if (poll(&pfd, 1, left) <= 0)
			continue;
		if (out && used + 1 < len)
			n = read(fd, out + used, len - 1 - used);
		else
			n = read(fd, sink, sizeof(sink));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (out && used + 1 < len)
			used += (size_t)n;
	}
	if (out && len) {
		out[used] = '\0';
		while (used > 0 && (out[used - 1] == '\n' || out[used - 1] == '\r'))
			out[--used] = '\0';
	}
	return 0;
}

/* Spawns o (its pipes set here) with a pipe to it: child_end 0, the
 * child's stdin (the read end of a new pipe), 1 its stdout (the write
 * end), and /dev/null for the other; *fd is the pipe's other end, ours.
 * Returns 0, or -1 with err set, *pid 0 and nothing left open. */
static int spawn_piped(struct ga_spawn_opts *o, int child_end, pid_t *pid,
		       int *pidfd, int *fd, struct ga_error *err)
{
	int pipefd[2], io[2], rc;

	if (pipe2(pipefd, O_CLOEXEC) != 0)
		return ga_error_errno(err, errno, "pipe");
	io[child_end] = pipefd[child_end];
	io[!child_end] = open("/dev/null", (child_end ? O_RDONLY : O_WRONLY) |
			      O_CLOEXEC);
	if (io[!child_end] < 0) {
		ga_error_errno(err, errno, "open /dev/null");
		close(pipefd[0]);
		close(pipefd[1]);
		return -1;
	}
	o->pipes = io;
	rc = ga_spawn(o, pid, pidfd, err);
	o->pipes = NULL;
	close(io[0]);
	close(io[1]);
	if (rc) {
		close(pipefd[!child_end]);
		*pid = 0;
		return -1;
	}
	*fd = pipefd[!child_end];
	return 0;
}

/* Starts argv (a docker program, or a shell running it) as c. */
static int call_start(const struct ga_docker *d, const char *const *argv,
		      const char *what, struct ga_docker_call *c,
		      struct ga_error *err)
{
	struct ga_spawn_opts o;
	int fd;

	memset(c, 0, sizeof(*c));
	c->out_fd = c->pidfd = -1;
	snprintf(c->what, sizeof(c->what), "%s", what);
	snprintf(c->errpath, sizeof(c->errpath), "%s/goneaway-docker-XXXXXX",
		 d->scratch);
	fd = mkostemp(c->errpath, O_CLOEXEC);
	if (fd < 0)
		return ga_error_errno(err, errno, "mkstemp %s", c->errpath);
	close(fd);
	memset(&o, 0, sizeof(o));
	o.argv = argv;
	o.netns_fd = -1;
	o.output_path = c->errpath;     /* stderr */
	o.own_group = 1;
	if (spawn_piped(&o, 1, &c->pid, &c->pidfd, &c->out_fd, err) == 0)
		return 0;
	unlink(c->errpath);
	c->errpath[0] = '\0';
	return -1;
}

int ga_docker_start(const struct ga_docker *d, const char *const *args,
		    struct ga_docker_call *c, struct ga_error *err)
{
	const char *argv[MAX_ARGS + 2];
	size_t i;

	argv[0] = d->cli;
	for (i = 0; args[i] && i < MAX_ARGS; i++)
		argv[i + 1] = args[i];
	argv[i + 1] = NULL;
	return call_start(d, argv, args[0], c, err);
}

/* "docker run ARGS", then the new container's id and its PID 1's on two
 * lines (the id alone when the second call failed: it must still be
 * removed). */
static const char run_inspect_script[] =
	"id=$(\"$0\" run \"$@\") || exit $?\n"
	"echo \"$id\"\n"
	"exec \"$0\" inspect --format '{{.State.Pid}}' \"$id\"\n";

int ga_docker_start_container(const struct ga_docker *d,
			      const char *const *args,
			      struct ga_docker_call *c, struct ga_error *err)
{
	const char *argv[MAX_ARGS + 5];
	size_t i;

	argv[0] = "/bin/sh";
	argv[1] = "-c";
	argv[2] = run_inspect_script;
	argv[3] = d->cli;
	for (i = 0; args[i] && i < MAX_ARGS; i++)
		argv[i + 4] = args[i];
	argv[i + 4] = NULL;
	return call_start(d, argv, "run", c, err);
}

bool ga_docker_done(const struct ga_docker_call *c)
{
	struct pollfd pfd = { .fd = c->pidfd, .events = POLLIN };

	return c->pid == 0 || poll(&pfd, 1, 0) > 0;
}

int ga_docker_finish(struct ga_docker_call *c, char *out, size_t len,
		     long timeout_ms, struct ga_error *err)
{
	double deadline = ga_clock_ms() + (double)timeout_ms;
	struct ga_error ignored;
	char said[512], how[96];
	char *text = NULL;
	int status = 0, rc = -1, r;

	if (out && len)
		out[0] = '\0';
	if (c->pid == 0)
		return ga_error_set(err, "docker %s: not started", c->what);
	r = read_all(c->out_fd, out, len, deadline);
	close(c->out_fd);
	c->out_fd = -1;
	if (r == 0) {
		long left = (long)(deadline - ga_clock_ms());

		r = ga_spawn_wait(c->pid, c->pidfd, NULL, left > 0 ? left : 0,
				  &status, err);
	} else {
		r = 1;
	}
	if (r != 0) {
		kill(-c->pid, SIGKILL);         /* it and what it started */
		waitpid(c->pid, NULL, 0);
		ga_error_set(err, "docker %s: no answer within %ld ms", c->what,
			     timeout_ms);
	} else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		rc = 0;
	} else {
		ga_spawn_describe_status(status, how, sizeof(how));
		if (ga_file_read(c->errpath, 1 << 16, &text, NULL,
				 &ignored) == 0) {
			pick_message(text, said, sizeof(said));
			free(text);
		} else {
			snprintf(said, sizeof(said), "%s", how);
		}
		ga_error_set(err, "docker %s: %s", c->what, said);
	}
	close(c->pidfd);
	unlink(c->errpath);
	c->pidfd = -1;
	c->pid = 0;
	return rc;
}

int ga_docker_run(const struct ga_docker *d, const char *const *args,
		  char *out, size_t len, long timeout_ms,
		  struct ga_error *err)
{
	struct ga_docker_call c;

	if (out && len)
		out[0] = '\0';
	if (ga_docker_start(d, args, &c, err))
		return -1;
	return ga_docker_finish(&c, out, len, timeout_ms, err);
}

int ga_docker_unix_path(const char *host, char *path, size_t len)
{
	if (strncmp(host, "unix://", 7) != 0 || !host[7])
		return -1;
	if (snprintf(path, len, "%s", host + 7) >= (int)len)
		return -1;
	return 0;
}

void ga_docker_socket_diagnosis(const char *path, char *why, size_t len)
{
	struct sockaddr_un sun;
	int fd, e;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		snprintf(why, len, "%s: path too long for a unix socket", path);
		return;
	}
	memcpy(sun.sun_path, path, strlen(path));
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		snprintf(why, len, "socket: %s", strerror(errno));
		return;
	}
	e = connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0 ? 0 : errno;
	close(fd);
	switch (e) {
	case 0:
		snprintf(why, len, "%s accepts connections but the client "
			 "got no answer", path);
		break;
	case ENOENT:
		snprintf(why, len, "no socket at %s: no engine runs there "
			 "(start dockerd, e.g. sh ci/private-dockerd.sh start "
			 "NAME, or point DOCKER_HOST at one)", path);
		break;
	case ECONNREFUSED:
		snprintf(why, len, "nobody listens on %s (a stale socket: its "
			 "engine stopped; start it again)", path);
		break;
	case EACCES:
	case EPERM:
		snprintf(why, len, "no permission to use %s (run as root, or "
			 "in the group that owns it)", path);
		break;
	default:
		snprintf(why, len, "connect %s: %s", path, strerror(e));
		break;
	}
}

int ga_docker_ping(const struct ga_docker *d, char *version, size_t len,
		   struct ga_error *err)
{
	const char *args[] = { "version", "--format", "{{.Server.Version}}",
			       NULL };
	char path[PATH_MAX], why[PATH_MAX + 160];
	struct ga_error said;

	if (ga_docker_run(d, args, version, len, PING_TIMEOUT_MS, &said) == 0 &&
	    version[0])
		return 0;
	if (ga_docker_unix_path(d->host, path, sizeof(path)) == 0)
		ga_docker_socket_diagnosis(path, why, sizeof(why));
	else
		snprintf(why, sizeof(why), "%s", said.msg);
	return ga_error_set(err, "the Docker engine at %s%s does not answer: %s",
			    d->host, d->host_from_env ? " (DOCKER_HOST)" : "",
			    why);
}

void ga_docker_image_slug(const char *image, char *buf, size_t len)
{
	size_t i;

	if (!len)
		return;
	for (i = 0; image[i] && i + 1 < len; i++) {
		char c = image[i];

		buf[i] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			 (c >= '0' && c <= '9') || c == '.' || c == '-' ?
			 c : '_';
	}
	buf[i] = '\0';
}

/* ---- the reaper ------------------------------------------------------------ */

/* $1 the docker program, $2 and $3 the label filters.  "read" returns
 * false at end of file: when the run's end of the pipe is closed. */
static const char reaper_script[] =
	"while read -r _; do :; done\n"
	"for pass in 1 2; do\n"
	"	ids=$(\"$1\" ps -aq --filter \"$2\" --filter \"$3\")\n"
	"	[ -z \"$ids\" ] || \"$1\" rm -f -v $ids\n"
	"	[ $pass = 2 ] || sleep 1\n"
	"done\n";

int ga_docker_reaper_start(struct ga_docker_reaper *r,
			   const struct ga_docker *d, const char *run,
			   struct ga_error *err)
{
	char run_filter[PATH_MAX + 64], host_filter[192];
	const char *argv[] = { "/bin/sh", "-c", reaper_script,
			       "goneaway-reaper", d->cli, run_filter,
			       host_filter, NULL };
	struct ga_spawn_opts o;

	memset(r, 0, sizeof(*r));
	r->pidfd = r->wfd = -1;
	snprintf(run_filter, sizeof(run_filter), "label=%s=%s",
		 GA_DOCKER_LABEL_RUN, run);
	snprintf(host_filter, sizeof(host_filter), "label=%s=%s",
		 GA_DOCKER_LABEL_HOST, d->hostname);
	memset(&o, 0, sizeof(o));
	o.argv = argv;
	o.netns_fd = -1;
	o.detach = true;
	if (spawn_piped(&o, 0, &r->pid, &r->pidfd, &r->wfd, err))
		return ga_error_prefix(err, "the Docker reaper");
	return 0;
}

void ga_docker_reaper_stop(struct ga_docker_reaper *r)
{
	if (r->pid > 0) {
		kill(r->pid, SIGKILL);
		waitpid(r->pid, NULL, 0);
	}
	if (r->pidfd >= 0)
		close(r->pidfd);
	if (r->wfd >= 0)
		close(r->wfd);
	r->pid = 0;
	r->pidfd = r->wfd = -1;
}

/* ---- removal by label --------------------------------------------------------- */

/* "docker rm -f -v" of the whitespace-separated ids (changed in place). */
static int remove_ids(const struct ga_docker *d, char *ids, int *n,
		      struct ga_error *err)
{
	const char *args[MAX_ARGS + 1];
	char *id, *save = NULL;
	int k = 3, rc = 0;

	args[0] = "rm";
	args[1] = "-f";
	args[2] = "-v";
	for (id = strtok_r(ids, " \t\n", &save); id;
	     id = strtok_r(NULL, " \t\n", &save)) {
		args[k++] = id;
		if (n)
			(*n)++;
		if (k == MAX_ARGS) {
			args[k] = NULL;
			rc |= ga_docker_run(d, args, NULL, 0,
					    GA_DOCKER_TIMEOUT_MS, err);
			k = 3;
		}
	}
	if (k > 3) {
		args[k] = NULL;
		rc |= ga_docker_run(d, args, NULL, 0, GA_DOCKER_TIMEOUT_MS, err);
	}
	return rc ? -1 : 0;
}

int ga_docker_remove_run(const struct ga_docker *d, const char *run, int *n,
			 struct ga_error *err)
{
	char run_filter[PATH_MAX + 64], host_filter[192], ids[8192];
	const char *args[] = { "ps", "-aq", "--filter", run_filter, "--filter",
			       host_filter, NULL };

	if (n)
		*n = 0;
	snprintf(run_filter, sizeof(run_filter), "label=%s=%s",
		 GA_DOCKER_LABEL_RUN, run);
	snprintf(host_filter, sizeof(host_filter), "label=%s=%s",
		 GA_DOCKER_LABEL_HOST, d->hostname);
	if (ga_docker_run(d, args, ids, sizeof(ids), GA_DOCKER_TIMEOUT_MS, err))
		return -1;
	return remove_ids(d, ids, n, err);
}

int ga_docker_sweep(const struct ga_docker *d, bool (*alive)(const char *run),
		    int *n, struct ga_error *err)
{
	char host_filter[192], *list, *line, *save = NULL, *tab;
	const char *args[] = { "ps", "-a", "--filter", "label=" GA_DOCKER_LABEL_RUN,
			       "--filter", host_filter, "--format",
			       "{{.ID}}\t{{.Label \"" GA_DOCKER_LABEL_RUN "\"}}",
			       NULL };
	size_t len = 1 << 20, used = 0;
	char *ids;
	int rc;

	*n = 0;
	snprintf(host_filter, sizeof(host_filter), "label=%s=%s",
		 GA_DOCKER_LABEL_HOST, d->hostname);
	list = malloc(len);
	ids = malloc(len);
	if (!list || !ids) {
		free(list);
		free(ids);
		return ga_error_set(err, "out of memory");
	}
	ids[0] = '\0';
	rc = ga_docker_run(d, args, list, len, GA_DOCKER_TIMEOUT_MS, err);
	for (line = rc ? NULL : strtok_r(list, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		tab = strchr(line, '\t');
		if (!tab)
			continue;
		*tab = '\0';
		if (alive(tab + 1))
			continue;
		used += (size_t)snprintf(ids + used, len - used, "%s ", line);
	}
	if (rc == 0)
		rc = remove_ids(d, ids, n, err);
	free(list);
	free(ids);
	return rc;
}
