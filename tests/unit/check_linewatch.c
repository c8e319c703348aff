/* check_linewatch.c - util/linewatch.c: when a line came on a
 * descriptor, read while the caller sleeps; never before its newline. */
#include <check.h>
#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "suites.h"
#include "util/clock.h"
#include "util/linewatch.h"

static void nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		;
}

static void nonblocking_pipe(int p[2])
{
	ck_assert_int_eq(pipe2(p, O_CLOEXEC | O_NONBLOCK), 0);
}

/* A line written in two parts while the caller sleeps is timed when its
 * newline came: not at its first part, not before the newline, and not
 * at the end of the watch 300 ms later (a reply that came while other
 * steps ran).  What it read is in the buffer. */
START_TEST(timed_at_the_newline)
{
	struct ga_linewatch w = { 0 };
	struct ga_linewatch_got got;
	struct ga_error err;
	char buf[64];
	double wrote;
	int p[2];

	nonblocking_pipe(p);
	ck_assert_int_eq(ga_linewatch_start(&w, p[0], buf, sizeof(buf), &err),
			 0);
	ck_assert_int_eq(write(p[1], "{\"id\":", 6), 6);
	nap(200);
	wrote = ga_clock_ms();
	ck_assert_int_eq(write(p[1], "1}\nrest", 7), 7);
	nap(300);
	ga_linewatch_end(&w, &got);
	ck_assert(got.line_ms >= wrote);
	ck_assert_msg(got.line_ms - wrote < 250, "seen %.3f ms after the "
		      "newline", got.line_ms - wrote);
	ck_assert_uint_eq(got.len, 13);
	ck_assert(memcmp(buf, "{\"id\":1}\nrest", 13) == 0);
	ck_assert(!got.eof && !got.read_errno && !w.on);
	ga_linewatch_end(&w, &got);     /* ended: again is nothing */
	ck_assert(got.len == 0 && got.line_ms == 0);
	close(p[1]);
	close(p[0]);
}
END_TEST

/* Nothing came: no time, and the watch ends at once.  A line there at
 * the start is read; the end of the output counts (a driver that closed
 * it answered, with its end); a full buffer stops it, without a time
 * (its reap times the rest). */
START_TEST(nothing_end_and_full)
{
	struct ga_linewatch w = { 0 };
	struct ga_linewatch_got got;
	struct ga_error err;
	char buf[8];
	double before;
	int p[2];

	ga_linewatch_end(&w, &got);     /* all zero: no watch */
	ck_assert(got.len == 0 && got.line_ms == 0);
	nonblocking_pipe(p);
	ck_assert_int_eq(ga_linewatch_start(&w, p[0], buf, sizeof(buf), &err),
			 0);
	nap(20);
	before = ga_clock_ms();
	ga_linewatch_end(&w, &got);
	ck_assert(got.len == 0 && got.line_ms == 0);
	ck_assert_msg(ga_clock_ms() - before < 1000, "the end waited");
	ck_assert_int_eq(write(p[1], "ok\n", 3), 3);
	before = ga_clock_ms();
	ck_assert_int_eq(ga_linewatch_start(&w, p[0], buf, sizeof(buf), &err),
			 0);
	nap(20);
	ga_linewatch_end(&w, &got);
	ck_assert(got.len == 3 && got.line_ms >= before);
	ck_assert_int_eq(write(p[1], "0123456789\n", 11), 11);
	ck_assert_int_eq(ga_linewatch_start(&w, p[0], buf, sizeof(buf), &err),
			 0);
	nap(20);
	ga_linewatch_end(&w, &got);
	ck_assert(got.len == sizeof(buf) && got.line_ms == 0 && !got.eof);
	close(p[1]);
	close(p[0]);
	nonblocking_pipe(p);
	ck_assert_int_eq(ga_linewatch_start(&w, p[0], buf, sizeof(buf), &err),
			 0);
	before = ga_clock_ms();
	close(p[1]);
	nap(20);
	ga_linewatch_end(&w, &got);
	ck_assert(got.eof && got.len == 0);
	ck_assert(got.line_ms >= before && got.line_ms <= ga_clock_ms());
	close(p[0]);
}
END_TEST

Suite *make_linewatch_suite(void)
{
	Suite *s = suite_create("linewatch");
	TCase *tc = tcase_create("watch");

	tcase_add_test(tc, timed_at_the_newline);
	tcase_add_test(tc, nothing_end_and_full);
	suite_add_tcase(s, tc);
	return s;
}
