/* race_util.c - see race_util.h */
#include "race_util.h"

#include <fcntl.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "suites.h"

static long since_ms(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 +
	       (now.tv_nsec - t0->tv_nsec) / 1000000;
}

void unit_race(int (*make_end)(void *ctx, struct ga_error *err),
	       int (*sweep)(void *ctx), void *ctx, long ms,
	       struct unit_race *r)
{
	struct timespec t0;
	int p[2], status;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int n = 0;
		char c;

		close(p[1]);
		/* a sweep for each byte, until the parent's end closes */
		while (read(p[0], &c, 1) != 0)
			n += sweep(ctx);
		_exit(n > 250 ? 250 : n);
	}
	close(p[0]);
	ck_assert_int_eq(fcntl(p[1], F_SETFL, O_NONBLOCK), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		(void)!write(p[1], "s", 1);
		if (make_end(ctx, &r->err) != 0)
			r->failed++;
		else
			r->made++;
	} while (since_ms(&t0) < ms);
	close(p[1]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	r->swept = WEXITSTATUS(status);
}

void unit_race_assert_clean(const struct unit_race *r, const char *what)
{
	ck_assert_msg(r->swept == 0 && r->failed == 0, "of %d %s made, a "
		      "sweep beside removed %d while they lived; %d makes "
		      "failed (%s)", r->made, what, r->swept, r->failed,
		      r->err.msg);
}
