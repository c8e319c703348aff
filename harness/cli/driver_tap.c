/* driver_tap.c - "goneaway driver-test --tap DIR -- CMD": runs CMD as a
 * client driver and passes every byte between goneaway and it through
 * unchanged, writing down each line as it goes.  driver-test runs the
 * conformance scenarios with each driver behind a tap, then reads what
 * was said (cli/driver_check.c): the replies' members, and how long the
 * driver took to exit once its input closed.
 *
 * DIR/tap-XXXXXX (a new file per driver process), one record a line, MS the milliseconds since the tap
 * started:
 *
 *   > MS LINE     a request (goneaway to the driver)
 *   < MS LINE     a line of the driver's (its greeting, a reply)
 *   ~ MS          a line longer than TAP_LINE_MAX: not written down
 *   E MS          goneaway closed the driver's input
 *   X MS STATUS   the driver exited ("exited with status 0")
 *
 * The tap runs in the driver's place: the same process group (goneaway's
 * SIGKILL of the group ends both), the same standard error (the
 * driver's log), and it exits as the driver did, so goneaway's own
 * diagnostics read the same with or without it.
 */
#include "cli/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lab/spawn.h"
#include "util/clock.h"
#include "util/fsutil.h"

#define TAP_LINE_MAX (1L << 20)

struct tap_dir {
	char mark;              /* '>' or '<' */
	char *line;             /* owned: the line so far */
	size_t len, cap;
	bool too_long;
};

static double t0;
static FILE *transcript;

static void record(char mark, const char *text, size_t len)
{
	fprintf(transcript, "%c %.1f%s%.*s\n", mark, ga_clock_ms() - t0,
		len ? " " : "", (int)len, text);
	fflush(transcript);
}

/* Adds what passed to the line being written down, recording each whole
 * line. */
static void take(struct tap_dir *d, const char *p, size_t n)
{
	const char *nl;
	size_t part;
	char *grown;

	while (n) {
		nl = memchr(p, '\n', n);
		part = nl ? (size_t)(nl - p) : n;
		if (!d->too_long && d->len + part > (size_t)TAP_LINE_MAX)
			d->too_long = true;
		if (!d->too_long) {
			if (d->len + part + 1 > d->cap) {
				grown = realloc(d->line, d->len + part + 4096);
				if (!grown) {
					d->too_long = true;
				} else {
					d->line = grown;
					d->cap = d->len + part + 4096;
				}
			}
			if (!d->too_long) {
				memcpy(d->line + d->len, p, part);
				d->len += part;
			}
		}
		if (!nl)
			return;
		if (d->too_long)
			record('~', "", 0);
		else
			record(d->mark, d->line, d->len);
		d->len = 0;
		d->too_long = false;
		p = nl + 1;
		n -= part + 1;
	}
}

/* Ends the tap as the driver ended: its exit status, or its signal. */
static int exit_like(int status)
{
	if (WIFSIGNALED(status)) {
		signal(WTERMSIG(status), SIG_DFL);
		raise(WTERMSIG(status));
		return 128 + WTERMSIG(status);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int cmd_driver_tap(const char *dir, char **argv)
{
	struct tap_dir req = { .mark = '>' }, rep = { .mark = '<' };
	struct pollfd pfd[2];
	int in[2], out[2], status = 0, fd;
	char path[PATH_MAX], buf[65536], how[96];
	bool input_open = true;
	ssize_t n;
	pid_t pid;

	t0 = ga_clock_ms();
	/* not by PID: a driver may be PID 1 of a PID namespace of its own */
	snprintf(path, sizeof(path), "%s/tap-XXXXXX", dir);
	fd = mkostemp(path, O_CLOEXEC);
	transcript = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!transcript) {
		fprintf(stderr, "goneaway driver-test --tap: %s: %s\n", path,
			strerror(errno));
		return EXIT_SOME_ERROR;
	}
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC)) {
		perror("goneaway driver-test --tap: pipe");
		return EXIT_SOME_ERROR;
	}
	signal(SIGPIPE, SIG_IGN);
	pid = fork();
	if (pid < 0) {
		perror("goneaway driver-test --tap: fork");
		return EXIT_SOME_ERROR;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		signal(SIGPIPE, SIG_DFL);
		if (dup2(in[0], 0) < 0 || dup2(out[1], 1) < 0)
			_exit(127);
		execvp(argv[0], argv);
		fprintf(stderr, "goneaway driver-test --tap: %s: %s\n",
			argv[0], strerror(errno));
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	for (;;) {
		pfd[0].fd = input_open ? 0 : -1;
		pfd[0].events = POLLIN;
		pfd[1].fd = out[0];
		pfd[1].events = POLLIN;
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents) {
			n = read(out[0], buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				break;          /* the driver closed its output */
			take(&rep, buf, (size_t)n);
			if (ga_write_all(1, buf, (size_t)n))
				break;          /* goneaway is gone */
		}
		if (input_open && pfd[0].revents) {
			n = read(0, buf, sizeof(buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n > 0) {
				take(&req, buf, (size_t)n);
				if (ga_write_all(in[1], buf, (size_t)n) == 0)
					continue;
			}
			/* EOF: the driver's input closes too */
			record('E', "", 0);
			close(in[1]);
			in[1] = -1;
			input_open = false;
		}
	}
	close(1);
	if (in[1] >= 0)
		close(in[1]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	ga_spawn_describe_status(status, how, sizeof(how));
	record('X', how, strlen(how));
	fclose(transcript);
	free(req.line);
	free(rep.line);
	return exit_like(status);
}
