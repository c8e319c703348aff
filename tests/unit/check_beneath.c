/* check_beneath.c - tests for util/beneath.c (a file a server names,
 * opened only beneath the directories it may come from) and
 * util/flatcopy.c (a scenario's fixtures copied within bounds).
 *
 * Every open runs both ways, the kernel's openat2 and the walk one
 * component at a time (GA_BENEATH_WALK: where openat2 is missing), and
 * both must refuse the same names: "..", a symlink anywhere on the way
 * (pointing out or in), an absolute name outside, a directory, a FIFO
 * (without blocking), and anything with no directory given.  What
 * goneaway reads of a directory another user may write (ga_within_*)
 * is a regular file with one link, or a socket of that user's, linked.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/beneath.h"
#include "util/flatcopy.h"
#include "util/fsutil.h"
#include "suites.h"

#define TIMEOUT 20

static char root[PATH_MAX];             /* the scratch directory */
static char allowed[PATH_MAX + 16];     /* root/case: what may be read */
static char other[PATH_MAX + 16];       /* root/other: a second one */

static void put(const char *rel, const char *text)
{
	char path[PATH_MAX * 2];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	f = fopen(path, "w");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static void at(const char *rel, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s", root, rel);
}

/* root/case with a file, a subdirectory, links of every kind and a FIFO;
 * root/secret beside it; root/other with a file. */
static void setup(void)
{
	const char *tmp = getenv("TMPDIR");
	char p[PATH_MAX * 2], q[PATH_MAX * 2];

	snprintf(root, sizeof(root), "%s/ga-unit-beneath-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	ck_assert(mkdtemp(root) != NULL);
	ck_assert(realpath(root, p) != NULL);
	snprintf(root, sizeof(root), "%s", p);
	snprintf(allowed, sizeof(allowed), "%s/case", root);
	snprintf(other, sizeof(other), "%s/other", root);
	ck_assert_int_eq(mkdir(allowed, 0700), 0);
	ck_assert_int_eq(mkdir(other, 0700), 0);
	at("case/fixtures", p, sizeof(p));
	ck_assert_int_eq(mkdir(p, 0700), 0);
	put("secret", "the host's secret\n");
	put("case/fixtures/rows.csv", "1,a\n2,b\n");
	put("other/o.csv", "9,z\n");
	at("secret", q, sizeof(q));
	at("case/out-link", p, sizeof(p));
	ck_assert_int_eq(symlink(q, p), 0);            /* points out */
	at("case/in-link", p, sizeof(p));
	ck_assert_int_eq(symlink("fixtures/rows.csv", p), 0); /* points in */
	at("case/dir-link", p, sizeof(p));
	ck_assert_int_eq(symlink(root, p), 0);         /* a directory out */
	at("case/fixtures-link", p, sizeof(p));
	ck_assert_int_eq(symlink("fixtures", p), 0);   /* a directory in */
	at("case/fifo", p, sizeof(p));
	ck_assert_int_eq(mkfifo(p, 0600), 0);
}

static void teardown(void)
{
	struct ga_error err = { "" };

	if (root[0] && ga_tree_remove(root, &err) != 0)
		fprintf(stderr, "check_beneath: %s\n", err.msg);
	root[0] = '\0';
}

static const enum ga_beneath_how hows[] = { GA_BENEATH_AUTO, GA_BENEATH_WALK };

/* name opened beneath the case (and other), read whole into buf. */
static int open_read(const char *name, enum ga_beneath_how how, char *buf,
		     size_t len, struct ga_error *err)
{
	struct ga_beneath b = { { allowed, other }, 2 };
	ssize_t n;
	int fd;

	buf[0] = '\0';
	fd = ga_open_beneath(&b, name, how, err);
	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	ck_assert_int_ge(n, 0);
	buf[n] = '\0';
	ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	close(fd);
	return 0;
}

START_TEST(test_a_file_beneath_opens)
{
	enum ga_beneath_how how = hows[_i];
	char buf[256], name[PATH_MAX * 2];
	struct ga_error err;

	ck_assert_msg(open_read("fixtures/rows.csv", how, buf, sizeof(buf),
				&err) == 0, "%s", err.msg);
	ck_assert_str_eq(buf, "1,a\n2,b\n");
	ck_assert_msg(open_read("./fixtures//rows.csv", how, buf, sizeof(buf),
				&err) == 0, "%s", err.msg);
	ck_assert_str_eq(buf, "1,a\n2,b\n");
	/* an absolute name beneath either directory */
	snprintf(name, sizeof(name), "%s/fixtures/rows.csv", allowed);
	ck_assert_msg(open_read(name, how, buf, sizeof(buf), &err) == 0, "%s",
		      err.msg);
	ck_assert_str_eq(buf, "1,a\n2,b\n");
	snprintf(name, sizeof(name), "%s/o.csv", other);
	ck_assert_msg(open_read(name, how, buf, sizeof(buf), &err) == 0, "%s",
		      err.msg);
	ck_assert_str_eq(buf, "9,z\n");
}
END_TEST

/* What a server may name that is not beneath: refused, each with its
 * reason in the message, the secret never read. */
static const struct {
	const char *name;       /* "@" at its start: root's path there */
	const char *why;
} refused[] = {
	{ "@/secret", "outside" },
	{ "@/case-not/x", "outside" },          /* a prefix is no parent */
	{ "/etc/passwd", "outside" },
	{ "../secret", "'..' is not followed" },
	{ "fixtures/../../secret", "'..' is not followed" },
	{ "fixtures/../rows.csv", "'..' is not followed" }, /* in, still */
	{ "@/case/../secret", "'..' is not followed" },
	{ "out-link", "a symlink on the way" },
	{ "in-link", "a symlink on the way" },
	{ "dir-link/secret", "a symlink on the way" },
	{ "fixtures-link/rows.csv", "a symlink on the way" },
	{ "fixtures", "not a regular file" },
	{ "fixtures/", "not a regular file" },
	{ ".", "not a file beneath" },
	{ "@/case", "outside" },
	{ "@/case/", "not a file beneath" },
	{ "fifo", "not a regular file" },
	{ "missing.csv", "No such file" },
	{ "", "an empty name" },
};

START_TEST(test_what_leads_out_is_refused)
{
	size_t i;
	enum ga_beneath_how how = hows[_i];
	char buf[256], name[PATH_MAX * 2];
	struct ga_error err;

	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		if (refused[i].name[0] == '@')
			snprintf(name, sizeof(name), "%s%s", root,
				 refused[i].name + 1);
		else
			snprintf(name, sizeof(name), "%s", refused[i].name);
		ck_assert_msg(open_read(name, how, buf, sizeof(buf), &err) ==
			      -1, "'%s' (%s) was opened: '%s'", name,
			      how == GA_BENEATH_WALK ? "walk" : "auto", buf);
		ck_assert_msg(strstr(err.msg, refused[i].why), "'%s': '%s' "
			      "lacks '%s'", name, err.msg, refused[i].why);
		ck_assert_ptr_null(strstr(buf, "secret"));
	}
}
END_TEST

/* No directory: nothing opens, not even a file beneath any. */
START_TEST(test_no_directory_opens_nothing)
{
	struct ga_beneath none = { { NULL }, 0 };
	char name[PATH_MAX * 2];
	struct ga_error err;

	snprintf(name, sizeof(name), "%s/fixtures/rows.csv", allowed);
	ck_assert_int_eq(ga_open_beneath(&none, name, hows[_i], &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "no directory may be read"));
	ck_assert_int_eq(ga_open_beneath(&none, "x", hows[_i], &err), -1);
}
END_TEST

/* ---- a directory another user may write ---------------------------------- */

/* What the server's user may leave where goneaway reads as root: a
 * symlink (out, or in), a FIFO, a hard link to the secret, a
 * directory: each refused by name, nothing of the secret read, no
 * wait. */
START_TEST(test_within_reads_regular_files_only)
{
	static const struct {
		const char *rel, *why;
	} left[] = {
		{ "out-link", "a symlink on the way, not followed" },
		{ "in-link", "a symlink on the way, not followed" },
		{ "dir-link/secret", "a symlink on the way, not followed" },
		{ "fifo", "not a regular file" },
		{ "fixtures", "not a regular file" },
		{ "hard", "a file with 2 links" },
		{ "../secret", "'..' is not followed" },
		{ "/etc/passwd", "not a name beneath" },
	};
	char p[PATH_MAX * 2], q[PATH_MAX * 2], *text = NULL;
	struct ga_error err;
	struct stat st;
	long long from;
	size_t i, len;

	at("secret", q, sizeof(q));
	at("case/hard", p, sizeof(p));
	ck_assert_int_eq(link(q, p), 0);
	for (i = 0; i < sizeof(left) / sizeof(left[0]); i++) {
		text = NULL;
		ck_assert_int_eq(ga_within_read(allowed, left[i].rel, 4096,
						&text, &len, &err), -1);
		ck_assert_msg(strstr(err.msg, left[i].why), "'%s': '%s' "
			      "lacks '%s'", left[i].rel, err.msg, left[i].why);
		ck_assert_ptr_null(text);
		from = 0;
		ck_assert_int_eq(ga_within_read_from(allowed, left[i].rel,
						     &from, 4096, &text, &len,
						     &err), -1);
		ck_assert_int_eq(ga_within_size(allowed, left[i].rel), 0);
	}
	ck_assert_int_eq(ga_within_read(allowed, "fixtures/rows.csv", 4096,
					&text, &len, &err), 0);
	ck_assert_str_eq(text, "1,a\n2,b\n");
	free(text);
	ck_assert_int_eq(ga_within_size(allowed, "fixtures/rows.csv"), 8);
	/* beyond its bound: refused, not cut */
	ck_assert_int_eq(ga_within_read(allowed, "fixtures/rows.csv", 7,
					&text, &len, &err), -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "larger than 7 bytes"));
	from = 4;
	ck_assert_int_eq(ga_within_read_from(allowed, "fixtures/rows.csv",
					     &from, 4096, &text, &len, &err), 0);
	ck_assert_str_eq(text, "2,b\n");
	free(text);
	/* missing: said apart; from it, nothing */
	ck_assert_int_eq(ga_within_open(allowed, "none", &st, &err),
			 GA_WITHIN_MISSING);
	ck_assert_int_eq(ga_within_read(allowed, "none/x", 10, &text, &len,
					&err), GA_WITHIN_MISSING);
	from = 9;
	ck_assert_int_eq(ga_within_read_from(allowed, "none", &from, 10, &text,
					     &len, &err), 0);
	ck_assert_str_eq(text, "");
	ck_assert_int_eq(from, 0);
	free(text);
}
END_TEST

/* A unix socket bound at rel: 0 and its listening descriptor in *lfd. */
static void listen_at(const char *rel, int *lfd)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };

	snprintf(a.sun_path, sizeof(a.sun_path), "%s/%s", allowed, rel);
	*lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(*lfd, 0);
	ck_assert_int_eq(bind(*lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(*lfd, 4), 0);
}

/* Whether a connection to the path (relative to the case) reaches the
 * listening lfd. */
static bool reaches(const char *rel, int lfd)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct pollfd pfd = { .fd = lfd, .events = POLLIN };
	int c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), r;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s/%s", allowed, rel);
	r = connect(c, (struct sockaddr *)&a, sizeof(a));
	close(c);
	return r == 0 && poll(&pfd, 1, 1000) == 1;
}

/* The server's socket linked into goneaway's directory: a connection
 * through the link reaches it; a symlink in its place, a file, a socket
 * of another user are not linked. */
START_TEST(test_within_links_the_users_socket)
{
	char p[PATH_MAX * 2], q[PATH_MAX * 2];
	struct ga_error err;
	int lfd, other_fd;

	at("case/run", p, sizeof(p));
	ck_assert_int_eq(mkdir(p, 0700), 0);
	listen_at("run/s.sock", &lfd);
	ck_assert_msg(ga_within_link_socket(allowed, "run/s.sock", getuid(),
					    "s.sock", &err) == 0, "%s", err.msg);
	ck_assert(reaches("s.sock", lfd));
	/* again: the old link replaced */
	ck_assert_int_eq(ga_within_link_socket(allowed, "run/s.sock", getuid(),
					       "s.sock", &err), 0);
	/* the user swaps its socket for a symlink to another one */
	listen_at("elsewhere.sock", &other_fd);
	at("case/run/s.sock", p, sizeof(p));
	at("case/elsewhere.sock", q, sizeof(q));
	ck_assert_int_eq(unlink(p), 0);
	ck_assert_int_eq(symlink(q, p), 0);
	ck_assert_int_eq(ga_within_link_socket(allowed, "run/s.sock", getuid(),
					       "s.sock", &err), -1);
	ck_assert_msg(strstr(err.msg, "symlink"), "%s", err.msg);
	ck_assert(!reaches("s.sock", other_fd));
	ck_assert_int_eq(unlink(p), 0);
	put("case/run/s.sock", "a file");
	ck_assert_int_eq(ga_within_link_socket(allowed, "run/s.sock", getuid(),
					       "s.sock", &err), -1);
	ck_assert_msg(strstr(err.msg, "not a socket"), "%s", err.msg);
	ck_assert_int_eq(unlink(p), 0);
	ck_assert_int_eq(ga_within_link_socket(allowed, "run/s.sock", getuid(),
					       "s.sock", &err), -1);
	ck_assert_msg(strstr(err.msg, "no socket there"), "%s", err.msg);
	/* another user's socket (the elsewhere one: not getuid() + 1's) */
	ck_assert_int_eq(ga_within_link_socket(allowed, "elsewhere.sock",
					       getuid() + 1, "s.sock", &err),
			 -1);
	ck_assert_msg(strstr(err.msg, "a socket of another user"), "%s",
		      err.msg);
	close(lfd);
	close(other_fd);
}
END_TEST

/* ---- flatcopy ------------------------------------------------------------ */

static const struct ga_flat_bounds bounds = { 3, 20, 16 };

/* Copies root/SRC into root/DST (made): 0, 1 (no SRC) or -1. */
static int flat(const char *src, const char *dst, size_t *files,
		struct ga_error *err)
{
	char from[PATH_MAX * 2];
	int fd, rc;

	at(src, from, sizeof(from));
	fd = open(root, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	rc = ga_flat_copy(from, src, fd, dst, &bounds, files, err);
	close(fd);
	return rc;
}

START_TEST(test_flat_copy_takes_plain_files)
{
	char p[PATH_MAX * 2];
	struct ga_error err;
	size_t files;
	FILE *f;

	at("src", p, sizeof(p));
	ck_assert_int_eq(mkdir(p, 0700), 0);
	put("src/a.csv", "1\n");
	put("src/b_2-x.txt", "22\n");
	ck_assert_msg(flat("src", "dst", &files, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(files, 2);
	at("dst/b_2-x.txt", p, sizeof(p));
	f = fopen(p, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fgetc(f), '2');
	fclose(f);
	/* none there: nothing made */
	ck_assert_int_eq(flat("nothing", "dst2", &files, &err), 1);
	at("dst2", p, sizeof(p));
	ck_assert_int_ne(access(p, F_OK), 0);
}
END_TEST

/* What a fixtures directory must not hold, each refused naming it. */
START_TEST(test_flat_copy_refuses)
{
	char p[PATH_MAX * 2], q[PATH_MAX * 2];
	struct ga_error err;
	size_t files;

	at("s1", p, sizeof(p));
	ck_assert_int_eq(mkdir(p, 0700), 0);
	at("secret", q, sizeof(q));
	at("s1/link.csv", p, sizeof(p));
	ck_assert_int_eq(symlink(q, p), 0);
	ck_assert_int_eq(flat("s1", "d1", &files, &err), -1);
	ck_assert_msg(strstr(err.msg, "s1/link.csv: a symlink, not followed"),
		      "%s", err.msg);

	at("s2", p, sizeof(p));
	ck_assert_int_eq(mkdir(p, 0700), 0);
	at("s2/hard.csv", p, sizeof(p));
	ck_assert_int_eq(link(q, p), 0);        /* a hard link to the secret */
	ck_assert_int_eq(flat("s2", "d2", &files, &err), -1);
	ck_assert_msg(strstr(err.msg, "s2/hard.csv: a file with 2 links"), "%s",
		      err.msg);
	at("d2/hard.csv", p, sizeof(p));
	ck_assert_int_ne(access(p, F_OK), 0);

	at("s3", p, sizeof(p));
	ck_assert_int_eq(mkdir(p, 0700), 0);
	at("s3/sub", p, sizeof(p));
	ck_assert_int_eq(mkdir(p, 0700), 0);
	ck_assert_int_eq(flat("s3", "d3", &files, &err), -1);
	ck_assert_msg(strstr(err.msg, "s3/sub: not a regular file"), "%s",
		      err.msg);

	at("s4", p, sizeof(p));
	ck_assert_int_eq(mkdir(p, 0700), 0);
	put("s4/.hidden", "x");
	ck_assert_int_eq(flat("s4", "d4", &files, &err), -1);
	ck_assert_msg(strstr(err.msg, "not a plain name"), "%s", err.msg);

	at("s5", p, sizeof(p));
	ck_assert_int_eq(mkdir(p, 0700), 0);
	put("s5/a", "1");
	put("s5/b", "2");
	put("s5/c", "3");
	put("s5/d", "4");
	ck_assert_int_eq(flat("s5", "d5", &files, &err), -1);
	ck_assert_msg(strstr(err.msg, "more than 3 files"), "%s", err.msg);

	at("s6", p, sizeof(p));
	ck_assert_int_eq(mkdir(p, 0700), 0);
	put("s6/big", "0123456789012345678901234");
	ck_assert_int_eq(flat("s6", "d6", &files, &err), -1);
	ck_assert_msg(strstr(err.msg, "more than 20 bytes in all"), "%s",
		      err.msg);

	at("s7", p, sizeof(p));
	ck_assert_int_eq(mkdir(p, 0700), 0);
	at("s7/fifo", p, sizeof(p));
	ck_assert_int_eq(mkfifo(p, 0600), 0);   /* not waited on */
	ck_assert_int_eq(flat("s7", "d7", &files, &err), -1);
	ck_assert_msg(strstr(err.msg, "s7/fifo: not a regular file"), "%s",
		      err.msg);
}
END_TEST

Suite *make_beneath_suite(void)
{
	Suite *s = suite_create("beneath");
	TCase *tc;

	tc = tcase_create("open");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_a_file_beneath_opens, 0, 2);
	tcase_add_loop_test(tc, test_what_leads_out_is_refused, 0, 2);
	tcase_add_loop_test(tc, test_no_directory_opens_nothing, 0, 2);
	suite_add_tcase(s, tc);

	tc = tcase_create("within");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_within_reads_regular_files_only);
	tcase_add_test(tc, test_within_links_the_users_socket);
	suite_add_tcase(s, tc);

	tc = tcase_create("flatcopy");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_flat_copy_takes_plain_files);
	tcase_add_test(tc, test_flat_copy_refuses);
	suite_add_tcase(s, tc);
	return s;
}
