/* check_interrupt.c - util/interrupt.c: a wait's look at its descriptor. */
#include <check.h>
#include <fcntl.h>
#include <unistd.h>

#include "suites.h"
#include "util/interrupt.h"

/* A timeout of 0 still looks: a descriptor ready now is readable
 * (a spawned driver's pidfd, asked whether it ended), one that is not
 * is a timeout at once. */
START_TEST(zero_timeout_looks_once)
{
	int p[2];

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	ck_assert_int_eq(ga_interrupt_wait(NULL, p[0], 0), 0);
	ck_assert_int_eq(write(p[1], "x", 1), 1);
	ck_assert_int_eq(ga_interrupt_wait(NULL, p[0], 0), 1);
	ck_assert_int_eq(ga_interrupt_poll(NULL, p[0], -1, 0), 1);
	close(p[1]);
	close(p[0]);
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	close(p[1]);            /* a hang-up is readable too */
	ck_assert_int_eq(ga_interrupt_wait(NULL, p[0], 0), 1);
	close(p[0]);
}
END_TEST

/* A pipe that stays empty: the wait ends at its timeout, not before. */
START_TEST(empty_waits_its_timeout)
{
	int p[2];

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	ck_assert_int_eq(ga_interrupt_wait(NULL, p[0], 20), 0);
	ck_assert_int_eq(ga_interrupt_poll(NULL, -1, p[1], 0), 2);
	close(p[1]);
	close(p[0]);
}
END_TEST

Suite *make_interrupt_suite(void)
{
	Suite *s = suite_create("interrupt");
	TCase *tc = tcase_create("wait");

	tcase_add_test(tc, zero_timeout_looks_once);
	tcase_add_test(tc, empty_waits_its_timeout);
	suite_add_tcase(s, tc);
	return s;
}
