/* check_infile.c - tests for mysqlapi/infile.c: what a client of
 * goneaway's sends when a server asks for a file (LOAD DATA LOCAL).
 *
 * The server names the file, whatever the statement said, so these
 * tests are a server that lies: a few lines of the MySQL protocol on
 * 127.0.0.1 (a greeting, an OK to any login, then a LOCAL INFILE request
 * for the path the test chooses in answer to "SELECT 1", a statement
 * that names no file) that keeps every byte the client sends for it.
 * The library's own handler, local infile on, sends it the secret (the
 * threat, and proof that the fake server would see a leak); with
 * goneaway's handler nothing is sent unless the file is beneath the
 * connection's directory, whatever option was set before it, and a file
 * beneath it is sent whole.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mysqlapi/mysqlapi.h"
#include "util/fsutil.h"
#include "suites.h"

#define TIMEOUT 30
#define SECRET "ga-unit-infile secret 8d1f\n"

static char root[PATH_MAX];
static char dir[PATH_MAX + 16];         /* root/case: what may be read */
static char secret[PATH_MAX + 16];      /* root/secret: outside it */
static char inside[PATH_MAX + 32];      /* root/case/rows.csv */

/* The lying server: it asks for want, whatever the query; got keeps what
 * the client sent for it. */
struct liar {
	int lfd;
	unsigned short port;
	const char *want;
	char got[4096];
	size_t ngot;
	bool asked;             /* the request was sent */
	pthread_t thread;
};

static int read_full(int fd, unsigned char *b, size_t n)
{
	ssize_t r;

	while (n) {
		r = read(fd, b, n);
		if (r <= 0)
			return -1;
		b += r;
		n -= (size_t)r;
	}
	return 0;
}

/* One packet: its payload into b (at most len), its sequence number;
 * the payload's length, or -1. */
static long read_packet(int fd, unsigned char *b, size_t len,
			unsigned char *seq)
{
	unsigned char h[4];
	size_t n;

	if (read_full(fd, h, 4))
		return -1;
	n = h[0] | h[1] << 8 | h[2] << 16;
	*seq = h[3];
	if (n > len || read_full(fd, b, n))
		return -1;
	return (long)n;
}

static void write_packet(int fd, unsigned char seq, const void *p, size_t n)
{
	unsigned char h[4] = { n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff,
			       seq };

	ck_assert_int_eq(write(fd, h, 4), 4);
	if (n)
		ck_assert_int_eq(write(fd, p, n), (ssize_t)n);
}

static void *liar_serve(void *arg)
{
	static const unsigned char ok[] = { 0, 0, 0, 2, 0, 0, 0 };
	struct liar *l = arg;
	unsigned char b[65536], g[128], seq;
	size_t n = 0;
	long len;
	int fd;

	fd = accept(l->lfd, NULL, NULL);
	if (fd < 0)
		return NULL;
	/* the greeting: protocol 10, mysql_native_password, LOCAL_FILES */
	g[n++] = 10;
	memcpy(g + n, "8.0.99-liar", 12);
	n += 12;
	memcpy(g + n, "\x07\0\0\0abcdefgh\0", 13);
	n += 13;
	memcpy(g + n, "\x8f\xa2\x21\x02\0\x0a\0\x15", 8);     /* caps, cs, status */
	n += 8;
	memset(g + n, 0, 10);
	n += 10;
	memcpy(g + n, "ijklmnopqrst\0", 13);
	n += 13;
	memcpy(g + n, "mysql_native_password", 22);
	n += 22;
	write_packet(fd, 0, g, n);
	if (read_packet(fd, b, sizeof(b), &seq) < 0)    /* its login */
		goto out;
	write_packet(fd, (unsigned char)(seq + 1), ok, sizeof(ok));
	/* any query: a file request for what the liar wants */
	if (read_packet(fd, b, sizeof(b), &seq) < 0 || b[0] != 3)
		goto out;
	b[0] = 0xfb;
	memcpy(b + 1, l->want, strlen(l->want));
	write_packet(fd, (unsigned char)(seq + 1), b, 1 + strlen(l->want));
	l->asked = true;
	/* the file's packets, until an empty one */
	while ((len = read_packet(fd, b, sizeof(b), &seq)) > 0) {
		if (l->ngot + (size_t)len < sizeof(l->got)) {
			memcpy(l->got + l->ngot, b, (size_t)len);
			l->ngot += (size_t)len;
		}
	}
	if (len == 0)
		write_packet(fd, (unsigned char)(seq + 1), ok, sizeof(ok));
	while (read_packet(fd, b, sizeof(b), &seq) >= 0)
		;       /* COM_QUIT, then the client's close */
out:
	close(fd);
	return NULL;
}

static void liar_start(struct liar *l, const char *want)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t alen = sizeof(a);

	memset(l, 0, sizeof(*l));
	l->want = want;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(l->lfd, 0);
	ck_assert_int_eq(bind(l->lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(l->lfd, 1), 0);
	ck_assert_int_eq(getsockname(l->lfd, (struct sockaddr *)&a, &alen), 0);
	l->port = ntohs(a.sin_port);
	ck_assert_int_eq(pthread_create(&l->thread, NULL, liar_serve, l), 0);
}

static void liar_end(struct liar *l)
{
	pthread_join(l->thread, NULL);
	close(l->lfd);
}

/* A handle with bounded timeouts, connected to l; NULL when the login
 * failed. */
static MYSQL *connect_to(struct liar *l, MYSQL *m)
{
	unsigned int t = 5;

	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &t);
	mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &t);
	mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &t);
	ck_assert_msg(mysql_real_connect(m, "127.0.0.1", "u", "p", NULL,
					 l->port, NULL, 0) != NULL,
		      "connect to the liar: %s", mysql_error(m));
	return m;
}

static void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
}

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");
	char p[PATH_MAX];

	snprintf(root, sizeof(root), "%s/ga-unit-infile-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	ck_assert(mkdtemp(root) != NULL);
	ck_assert(realpath(root, p) != NULL);
	snprintf(root, sizeof(root), "%s", p);
	snprintf(dir, sizeof(dir), "%s/case", root);
	snprintf(secret, sizeof(secret), "%s/secret", root);
	snprintf(inside, sizeof(inside), "%s/rows.csv", dir);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	put(secret, SECRET);
	ck_assert_int_eq(chmod(secret, 0600), 0);
	put(inside, "1,a\n2,b\n");
}

static void teardown(void)
{
	struct ga_error err = { "" };

	if (root[0] && ga_tree_remove(root, &err) != 0)
		fprintf(stderr, "check_infile: %s\n", err.msg);
	root[0] = '\0';
}

/* The library's own handler with local infile on: the liar gets the
 * secret for a statement that named no file.  (What goneaway's handler
 * is there for, and proof that the liar sees what is sent.) */
START_TEST(test_the_library_alone_sends_the_secret)
{
	unsigned int on = 1;
	struct liar l;
	MYSQL *m = mysql_init(NULL);

	liar_start(&l, secret);
	mysql_options(m, MYSQL_OPT_LOCAL_INFILE, &on);
	connect_to(&l, m);
	mysql_query(m, "SELECT 1");
	mysql_close(m);
	liar_end(&l);
	ck_assert(l.asked);
	l.got[l.ngot] = '\0';
	ck_assert_str_eq(l.got, SECRET);
}
END_TEST

/* A connection without local_infile (no directory): the request is
 * refused, nothing sent, the statement's error says why; and so it is
 * when an option set before said local infile on (_i 1), and when
 * something after goneaway's call turned it on again (_i 2: an option
 * file read at connect could): goneaway's handler refuses then. */
START_TEST(test_no_directory_sends_nothing)
{
	unsigned int on = 1, v = 99;
	struct liar l;
	MYSQL *m = mysql_init(NULL);

	liar_start(&l, secret);
	if (_i == 1)
		mysql_options(m, MYSQL_OPT_LOCAL_INFILE, &on);
	ga_mysql_local_infile(m, NULL);
	mysql_get_optionv(m, MYSQL_OPT_LOCAL_INFILE, &v);
	ck_assert_uint_eq(v, 0);
	if (_i == 2)
		mysql_options(m, MYSQL_OPT_LOCAL_INFILE, &on);
	connect_to(&l, m);
	ck_assert_int_ne(mysql_query(m, "SELECT 1"), 0);
	if (_i == 2)
		ck_assert_msg(strstr(mysql_error(m), "refused: the server asked "
				     "for") && strstr(mysql_error(m),
				     "does not declare local_infile"), "%s",
			      mysql_error(m));
	else
		ck_assert_msg(strstr(mysql_error(m), "forbidden") ||
			      strstr(mysql_error(m), "refused"), "%s",
			      mysql_error(m));
	mysql_close(m);
	liar_end(&l);
	ck_assert(l.asked);
	ck_assert_uint_eq(l.ngot, 0);
}
END_TEST

/* With the case's directory: a file outside it, or reached by "..",
 * is refused (nothing sent), with the reason in the statement's error;
 * the file beneath it is sent whole. */
static const struct {
	const char *want;       /* "@": root's path there */
	const char *why;        /* NULL: sent */
} asks[] = {
	{ "@/secret", "outside" },
	{ "@/case/../secret", "'..' is not followed" },
	{ "../secret", "'..' is not followed" },
	{ "/etc/passwd", "outside" },
	{ "@/case/rows.csv", NULL },
	{ "rows.csv", NULL },
};

START_TEST(test_only_beneath_the_directory)
{
	struct ga_beneath b = { { dir }, 1 };
	char want[PATH_MAX * 2];
	unsigned int v = 99;
	struct liar l;
	MYSQL *m = mysql_init(NULL);
	int rc;

	if (asks[_i].want[0] == '@')
		snprintf(want, sizeof(want), "%s%s", root, asks[_i].want + 1);
	else
		snprintf(want, sizeof(want), "%s", asks[_i].want);
	liar_start(&l, want);
	ga_mysql_local_infile(m, &b);
	mysql_get_optionv(m, MYSQL_OPT_LOCAL_INFILE, &v);
	ck_assert_uint_eq(v, 1);
	connect_to(&l, m);
	rc = mysql_query(m, "SELECT 1");
	if (asks[_i].why)
		ck_assert_msg(rc != 0 && strstr(mysql_error(m), asks[_i].why),
			      "%s: %d '%s'", want, rc, mysql_error(m));
	else
		ck_assert_msg(rc == 0, "%s: '%s'", want, mysql_error(m));
	mysql_close(m);
	liar_end(&l);
	ck_assert(l.asked);
	l.got[l.ngot] = '\0';
	ck_assert_str_eq(l.got, asks[_i].why ? "" : "1,a\n2,b\n");
}
END_TEST

/* MYSQL_OPT_LOCAL_INFILE as a driver option is the connection's own
 * word: refused, naming local_infile, and left out of the names. */
START_TEST(test_the_option_is_the_connections_word)
{
	char why[400], names[400];

	ck_assert_int_eq(ga_mysql_option_set(NULL, "MYSQL_OPT_LOCAL_INFILE",
					     "1", why, sizeof(why)), 1);
	ck_assert_msg(strstr(why, "local_infile"), "%s", why);
	ga_mysql_option_names(names, sizeof(names));
	ck_assert_ptr_null(strstr(names, "LOCAL_INFILE"));
	ck_assert_ptr_nonnull(strstr(names, "MYSQL_INIT_COMMAND"));
}
END_TEST

Suite *make_infile_suite(void)
{
	Suite *s = suite_create("infile");
	TCase *tc;

	tc = tcase_create("lying-server");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_the_library_alone_sends_the_secret);
	tcase_add_loop_test(tc, test_no_directory_sends_nothing, 0, 3);
	tcase_add_loop_test(tc, test_only_beneath_the_directory, 0,
			    sizeof(asks) / sizeof(asks[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("option");
	tcase_add_test(tc, test_the_option_is_the_connections_word);
	suite_add_tcase(s, tc);
	return s;
}
