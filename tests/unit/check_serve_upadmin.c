/* check_serve_upadmin.c - serve/upadmin.h's --upstream-admin file: a
 * MySQL option file of the owner's, mode 0600, user and password; what
 * else is refused says the file and line, and never the password. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "serve/upadmin.h"
#include "suites.h"

static char dir[64];
static char path[128];

static void setup(void)
{
	snprintf(dir, sizeof(dir), "%s", "/tmp/ga-unit-upadmin-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/admin.cnf", dir);
}

static void teardown(void)
{
	char link[160];

	snprintf(link, sizeof(link), "%s/link.cnf", dir);
	unlink(link);
	unlink(path);
	rmdir(dir);
}

/* path with text, mode mode. */
static void write_file(const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
	ck_assert_int_eq(chmod(path, mode), 0);
}

/* Reads path as the file of uid getuid(): its return, err's message. */
static int read_as_me(const char *p, struct ga_sv_upadmin *a, char *msg,
		      size_t len)
{
	struct ga_error err;
	int rc;

	memset(&err, 0, sizeof(err));
	rc = ga_sv_upadmin_read(p, getuid(), a, &err);
	snprintf(msg, len, "%s", rc ? err.msg : "");
	return rc;
}

START_TEST(test_option_file)
{
	struct ga_sv_upadmin a;
	char msg[1024];

	write_file("[client]\n# the account\n; and a comment\n\n"
		   "user = dba\npassword =  p=w d \n", 0600);
	ck_assert_int_eq(read_as_me(path, &a, msg, sizeof(msg)), 0);
	ck_assert_str_eq(a.user, "dba");
	ck_assert_str_eq(a.password, "p=w d");     /* at the first '=' */
	ga_sv_upadmin_forget(&a);
	ck_assert_str_eq(a.user, "");
	ck_assert_str_eq(a.password, "");
}
END_TEST

START_TEST(test_refused)
{
	struct ga_sv_upadmin a;
	char msg[1024], link[160];

	write_file("user = dba\npassword = Sekr3t\n", 0640);
	ck_assert_int_eq(read_as_me(path, &a, msg, sizeof(msg)), -1);
	ck_assert_msg(strstr(msg, "it holds a password") &&
		      strstr(msg, "mode 0640"), "%s", msg);
	write_file("password = Sekr3t\n", 0600);
	ck_assert_int_eq(read_as_me(path, &a, msg, sizeof(msg)), -1);
	ck_assert_msg(strstr(msg, "no 'user = NAME' line"), "%s", msg);
	write_file("user = dba\nhost = db\npassword = Sekr3t\n", 0600);
	ck_assert_int_eq(read_as_me(path, &a, msg, sizeof(msg)), -1);
	ck_assert_msg(strstr(msg, "admin.cnf:2: 'host': only user and "
			     "password"), "%s", msg);
	write_file("user dba\npassword = Sekr3t\n", 0600);
	ck_assert_int_eq(read_as_me(path, &a, msg, sizeof(msg)), -1);
	ck_assert_msg(strstr(msg, "admin.cnf:1: expected"), "%s", msg);
	ck_assert_str_eq(a.password, "");          /* forgotten */
	ck_assert_ptr_null(strstr(msg, "Sekr3t"));
	/* a symbolic link to a good file: refused, not followed */
	write_file("user = dba\npassword = Sekr3t\n", 0600);
	snprintf(link, sizeof(link), "%s/link.cnf", dir);
	ck_assert_int_eq(symlink(path, link), 0);
	ck_assert_int_eq(read_as_me(link, &a, msg, sizeof(msg)), -1);
	ck_assert_msg(strstr(msg, "a symbolic link"), "%s", msg);
	/* another uid's file */
	{
		struct ga_error err;

		ck_assert_int_eq(ga_sv_upadmin_read(path, getuid() + 1, &a,
						    &err), -1);
		ck_assert_msg(strstr(err.msg, "a regular file of uid"), "%s",
			      err.msg);
	}
}
END_TEST

Suite *make_serve_upadmin_suite(void)
{
	Suite *s = suite_create("serve_upadmin");
	TCase *tc = tcase_create("file");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_option_file);
	tcase_add_test(tc, test_refused);
	suite_add_tcase(s, tc);
	return s;
}
