/* check_fdwatch.c - util/fdwatch.c: when a descriptor became readable,
 * noted while the caller sleeps; never before the bytes came. */
#include <check.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include "suites.h"
#include "util/clock.h"
#include "util/fdwatch.h"

static void nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		;
}

/* Bytes written while the caller sleeps are timed when they came: not
 * before the write, and not at the end of the watch 300 ms later (a
 * reply that came while other steps ran). */
START_TEST(timed_when_it_came)
{
	struct ga_fdwatch w = { 0 };
	struct ga_error err;
	double wrote, seen;
	int p[2];

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	ck_assert_int_eq(ga_fdwatch_start(&w, p[0], &err), 0);
	nap(50);
	wrote = ga_clock_ms();
	ck_assert_int_eq(write(p[1], "x", 1), 1);
	nap(300);
	seen = ga_fdwatch_end(&w);
	ck_assert(seen >= wrote);
	ck_assert_msg(seen - wrote < 250, "seen %.3f ms after the write",
		      seen - wrote);
	ck_assert(!w.on);
	ck_assert(ga_fdwatch_end(&w) == 0);     /* ended: again is nothing */
	close(p[1]);
	close(p[0]);
}
END_TEST

/* Nothing came: no time, and the watch ends at once.  Bytes already
 * there at the start are seen; a hang-up counts (a driver that closed
 * its output answered, with its end). */
START_TEST(nothing_early_and_hangup)
{
	struct ga_fdwatch w = { 0 };
	struct ga_error err;
	double before, seen;
	int p[2];

	ck_assert(ga_fdwatch_end(&w) == 0);     /* all zero: no watch */
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	ck_assert_int_eq(ga_fdwatch_start(&w, p[0], &err), 0);
	nap(20);
	before = ga_clock_ms();
	ck_assert(ga_fdwatch_end(&w) == 0);
	ck_assert_msg(ga_clock_ms() - before < 1000, "the end waited");
	ck_assert_int_eq(write(p[1], "x", 1), 1);
	before = ga_clock_ms();
	ck_assert_int_eq(ga_fdwatch_start(&w, p[0], &err), 0);
	nap(20);
	seen = ga_fdwatch_end(&w);
	ck_assert(seen >= before && seen <= ga_clock_ms());
	close(p[1]);
	close(p[0]);
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	ck_assert_int_eq(ga_fdwatch_start(&w, p[0], &err), 0);
	before = ga_clock_ms();
	close(p[1]);
	nap(20);
	seen = ga_fdwatch_end(&w);
	ck_assert(seen >= before && seen <= ga_clock_ms());
	close(p[0]);
}
END_TEST

Suite *make_fdwatch_suite(void)
{
	Suite *s = suite_create("fdwatch");
	TCase *tc = tcase_create("watch");

	tcase_add_test(tc, timed_when_it_came);
	tcase_add_test(tc, nothing_early_and_hangup);
	suite_add_tcase(s, tc);
	return s;
}
