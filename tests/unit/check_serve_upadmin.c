/* check_serve_upadmin.c - serve/upadmin.h's --upstream-admin file: a
 * MySQL option file of the owner's, mode 0600, user and password and the
 * server they are for (host, port); what else is refused says the file
 * and line, and never the password; the account names that server's
 * address alone. */
#include <arpa/inet.h>
#include <check.h>
#include <netinet/in.h>
#include <stdint.h>
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
		   "user = dba\npassword =  p=w d \nhost = 127.0.0.7\n"
		   "port = 3306\n", 0600);
	ck_assert_int_eq(read_as_me(path, &a, msg, sizeof(msg)), 0);
	ck_assert_str_eq(a.user, "dba");
	ck_assert_str_eq(a.password, "p=w d");     /* at the first '=' */
	ck_assert_str_eq(a.host, "127.0.0.7");
	ck_assert_uint_eq(a.port, 3306);
	ga_sv_upadmin_forget(&a);
	ck_assert_str_eq(a.user, "");
	ck_assert_str_eq(a.password, "");
}
END_TEST

/* path with text, mode mode, is refused saying want; the password is
 * forgotten and in no message. */
static void refused(const char *text, mode_t mode, const char *want)
{
	struct ga_sv_upadmin a;
	char msg[1024];

	write_file(text, mode);
	ck_assert_int_eq(read_as_me(path, &a, msg, sizeof(msg)), -1);
	ck_assert_msg(strstr(msg, want), "%s", msg);
	ck_assert_str_eq(a.password, "");
	ck_assert_ptr_null(strstr(msg, "Sekr3t"));
}

START_TEST(test_refused)
{
	struct ga_sv_upadmin a;
	char msg[1024], link[160];

	refused("user = dba\npassword = Sekr3t\n", 0640, "mode 0640");
	refused("password = Sekr3t\n", 0600, "no 'user = NAME' line");
	refused("user = dba\nhost = 127.0.0.1\nbind = x\n", 0600,
		"admin.cnf:3: 'bind': only user, password, host and port");
	/* no server named: the account would go wherever a proxy points */
	refused("[client]\nuser = dba\npassword = Sekr3t\n", 0600,
		"admin.cnf:3: expected 'host = ADDRESS' and 'port = N' lines");
	refused("user = dba\npassword = Sekr3t\nhost = 127.0.0.1\n", 0600,
		"admin.cnf:3: expected 'host");
	refused("user = dba\nhost = 127.0.0.1\nport = 99999\n", 0600,
		"admin.cnf:3: port: expected a number from 1 to 65535, not "
		"'99999'");
	refused("user = dba\nsocket = /run/mysqld/mysqld.sock\n", 0600,
		"admin.cnf:2: 'socket': a proxy reaches its upstream over TCP");
	refused("user dba\npassword = Sekr3t\n", 0600, "admin.cnf:1: expected");
	/* a symbolic link to a good file: refused, not followed */
	write_file("user = dba\npassword = Sekr3t\nhost = 127.0.0.1\n"
		   "port = 3306\n", 0600);
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

/* sin: addr:port. */
static void sin_of(struct sockaddr_in *sin, const char *addr, unsigned port)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)port);
	ck_assert_int_eq(inet_pton(AF_INET, addr, &sin->sin_addr), 1);
}

/* The account names its server's address and port, nothing else. */
START_TEST(test_names_its_server)
{
	struct ga_sv_upadmin a;
	struct sockaddr_in sin;
	struct sockaddr_in6 sin6;
	char msg[1024];

	write_file("user = dba\npassword = Sekr3t\nhost = 127.0.0.7\n"
		   "port = 3306\n", 0600);
	ck_assert_int_eq(read_as_me(path, &a, msg, sizeof(msg)), 0);
	sin_of(&sin, "127.0.0.7", 3306);
	ck_assert(ga_sv_upadmin_names(&a, (struct sockaddr *)&sin,
				      sizeof(sin)));
	sin_of(&sin, "127.0.0.9", 3306);           /* another server */
	ck_assert(!ga_sv_upadmin_names(&a, (struct sockaddr *)&sin,
				       sizeof(sin)));
	sin_of(&sin, "127.0.0.7", 3307);           /* another port */
	ck_assert(!ga_sv_upadmin_names(&a, (struct sockaddr *)&sin,
				       sizeof(sin)));
	memset(&sin6, 0, sizeof(sin6));             /* another family */
	sin6.sin6_family = AF_INET6;
	sin6.sin6_port = htons(3306);
	ck_assert(!ga_sv_upadmin_names(&a, (struct sockaddr *)&sin6,
				       sizeof(sin6)));
	ga_sv_upadmin_forget(&a);
	sin_of(&sin, "127.0.0.7", 3306);           /* forgotten: none */
	ck_assert(!ga_sv_upadmin_names(&a, (struct sockaddr *)&sin,
				       sizeof(sin)));
}
END_TEST

Suite *make_serve_upadmin_suite(void)
{
	Suite *s = suite_create("serve_upadmin");
	TCase *tc = tcase_create("file");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_option_file);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_names_its_server);
	suite_add_tcase(s, tc);
	return s;
}
