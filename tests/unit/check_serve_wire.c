/* check_serve_wire.c - the MySQL protocol as goneaway serve reads it
 * passing (serve/mysqlwire.c), on conversations made of real packets:
 * the greeting's thread id, version and capabilities; login, TLS
 * request and hello (then nothing more is read); the server's answer;
 * commands; a result's rows counted with and without
 * CLIENT_DEPRECATE_EOF, across more results; the server's error
 * packets; the same points whatever the reads' sizes (a byte at a
 * time), with every byte passed in the read that brought it; a service
 * that is not MySQL, whose single bytes pass; and a lost place found
 * again at the next command. */
#include <stdlib.h>
#include <string.h>

#include "serve/mysqlwire.h"
#include "suites.h"

#define DEPRECATE_EOF 0x01000000u
#define CAPS (0x00000200u | 0x00000800u | 0x00008000u)

struct bytes {
	unsigned char b[4096];
	size_t n;
};

static void packet(struct bytes *s, unsigned seq, const void *p, size_t len)
{
	s->b[s->n++] = (unsigned char)(len & 0xff);
	s->b[s->n++] = (unsigned char)(len >> 8 & 0xff);
	s->b[s->n++] = (unsigned char)(len >> 16);
	s->b[s->n++] = (unsigned char)seq;
	memcpy(s->b + s->n, p, len);
	s->n += len;
}

static void greeting(struct bytes *s, unsigned long id, unsigned caps)
{
	unsigned char p[128];
	size_t n = 0;

	p[n++] = 10;
	memcpy(p + n, "10.11.19-MariaDB", 17);
	n += 17;
	p[n++] = id & 0xff;
	p[n++] = id >> 8 & 0xff;
	p[n++] = id >> 16 & 0xff;
	p[n++] = id >> 24 & 0xff;
	memset(p + n, 'x', 8);
	n += 8;
	p[n++] = 0;
	p[n++] = caps & 0xff;
	p[n++] = caps >> 8 & 0xff;
	p[n++] = 45;
	p[n++] = 2;
	p[n++] = 0;
	p[n++] = caps >> 16 & 0xff;
	p[n++] = caps >> 24 & 0xff;
	memset(p + n, 0, 11);
	n += 11;
	packet(s, 0, p, n);
}

static void login(struct bytes *s, unsigned caps, bool ssl)
{
	unsigned char p[64];

	memset(p, 0, sizeof(p));
	p[0] = caps & 0xff;
	p[1] = caps >> 8 & 0xff;
	p[2] = caps >> 16 & 0xff;
	p[3] = caps >> 24 & 0xff;
	memcpy(p + 32, "goneaway\0\0", 10);
	packet(s, 1, p, ssl ? 32 : 42);
}

static void ok(struct bytes *s, unsigned seq, unsigned status)
{
	unsigned char p[] = { 0, 0, 0, status & 0xff, status >> 8, 0, 0 };

	packet(s, seq, p, sizeof(p));
}

static void eof(struct bytes *s, unsigned seq, unsigned status, bool deprecate)
{
	unsigned char p[] = { 0xfe, 0, 0, status & 0xff, status >> 8, 0, 0 };

	/* with CLIENT_DEPRECATE_EOF the end is an OK packet led by 0xfe */
	if (deprecate)
		packet(s, seq, (unsigned char[]){ 0xfe, 0, 0, status & 0xff,
						  status >> 8, 0, 0 }, 7);
	else
		packet(s, seq, p, 5);
}

static void err(struct bytes *s, unsigned seq, unsigned code,
		const char *state, const char *msg)
{
	unsigned char p[256];
	size_t n = 0;

	p[n++] = 0xff;
	p[n++] = code & 0xff;
	p[n++] = code >> 8;
	p[n++] = '#';
	memcpy(p + n, state, 5);
	n += 5;
	memcpy(p + n, msg, strlen(msg));
	n += strlen(msg);
	packet(s, seq, p, n);
}

static void query(struct bytes *s, const char *sql)
{
	unsigned char p[256];

	p[0] = 0x03;
	memcpy(p + 1, sql, strlen(sql));
	packet(s, 0, p, 1 + strlen(sql));
}

/* A result of cols columns and rows rows, ended with status. */
static void result(struct bytes *s, int cols, int rows, unsigned status,
		   bool deprecate)
{
	static const unsigned char def[] = "\x03" "def\0\0\0\x01x\0\x0c";
	unsigned seq = 1;
	unsigned char c = (unsigned char)cols;
	int i;

	packet(s, seq++, &c, 1);
	for (i = 0; i < cols; i++)
		packet(s, seq++, def, sizeof(def) - 1);
	if (!deprecate)
		eof(s, seq++, 0x0002, false);
	for (i = 0; i < rows; i++)
		packet(s, seq++, "\x01" "7", 2);
	eof(s, seq, status, deprecate);
}

/* The points, as the relay would meet them, each read step bytes long:
 * every byte of a read passes in that read (nothing is held), and a
 * point's packet has its bytes still to pass, the first ones an
 * earlier read split off left out. */
struct feed {
	struct ga_mysql_wire w;
	char log[2048];
};

static void note(struct feed *f, const struct ga_mw_event *ev)
{
	size_t n = strlen(f->log);

	if (ev->point == GA_MW_COMMAND)
		snprintf(f->log + n, sizeof(f->log) - n, "command:%d ",
			 ev->command);
	else if (ev->point == GA_MW_ROW)
		snprintf(f->log + n, sizeof(f->log) - n, "row:%llu ", ev->row);
	else
		snprintf(f->log + n, sizeof(f->log) - n, "%s ",
			 ga_mw_point_name(ev->point));
}

static size_t plen_at(const struct bytes *s, size_t at)
{
	return (size_t)s->b[at] | (size_t)s->b[at + 1] << 8 |
	       (size_t)s->b[at + 2] << 16;
}

/* The bytes of the packet of s that pos is in, from pos on. */
static size_t packet_rest(const struct bytes *s, size_t pos)
{
	size_t at = 0;

	while (at + 4 <= s->n && at + 4 + plen_at(s, at) <= pos)
		at += 4 + plen_at(s, at);
	return at + 4 + plen_at(s, at) - pos;
}

static void feed(struct feed *f, int dir, const struct bytes *s, size_t step)
{
	struct ga_mw_event ev;
	size_t at = 0, len, off, n;

	while (at < s->n) {
		len = s->n - at < step ? s->n - at : step;
		for (off = 0; off < len; ) {
			n = ga_mysql_wire_step(&f->w, dir, s->b + at + off,
					       len - off, true, &ev);
			off += n;
			if (ev.point == GA_MW_NONE)
				continue;
			ck_assert_uint_eq(n, 0);
			if (ev.point != GA_MW_TLS)      /* not a packet */
				ck_assert_uint_eq(ev.left,
						  packet_rest(s, at + off));
			note(f, &ev);
		}
		ck_assert_uint_eq(off, len);    /* nothing held */
		at += len;
	}
}

/* One conversation, fed in reads of step bytes: the points met. */
static void converse(struct feed *f, bool deprecate, size_t step)
{
	struct bytes s;
	unsigned caps = CAPS | (deprecate ? DEPRECATE_EOF : 0);

	memset(f, 0, sizeof(*f));
	ga_mysql_wire_init(&f->w);
	s.n = 0;
	greeting(&s, 4242, caps);
	feed(f, GA_MW_DOWN, &s, step);
	s.n = 0;
	login(&s, caps, false);
	feed(f, GA_MW_UP, &s, step);
	s.n = 0;
	ok(&s, 2, 2);
	feed(f, GA_MW_DOWN, &s, step);
	s.n = 0;
	query(&s, "SELECT a FROM t");
	feed(f, GA_MW_UP, &s, step);
	s.n = 0;
	result(&s, 2, 3, 0x0008 | 0x0002, deprecate);   /* more results */
	result(&s, 1, 2, 0x0002, deprecate);
	feed(f, GA_MW_DOWN, &s, step);
	s.n = 0;
	query(&s, "SELECT sleep(1)");
	feed(f, GA_MW_UP, &s, step);
	s.n = 0;
	err(&s, 1, 1317, "70100", "Query execution was interrupted");
	feed(f, GA_MW_DOWN, &s, step);
	s.n = 0;
	packet(&s, 0, "\x0e", 1);                       /* COM_PING */
	feed(f, GA_MW_UP, &s, step);
	s.n = 0;
	ok(&s, 1, 2);
	feed(f, GA_MW_DOWN, &s, step);
}

static const char *const want_log =
	"greeting login auth command:3 other other other other row:1 row:2 "
	"row:3 other other other other row:4 row:5 other command:3 other "
	"command:14 other ";
static const char *const want_log_deprecate =
	"greeting login auth command:3 other other other row:1 row:2 row:3 "
	"other other other row:4 row:5 other command:3 other command:14 "
	"other ";

START_TEST(test_conversation)
{
	static const size_t steps[] = { 4096, 1, 2, 3, 5, 7, 64 };
	struct feed f;
	size_t i;
	int dep;

	for (dep = 0; dep < 2; dep++)
		for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
			converse(&f, dep, steps[i]);
			ck_assert_msg(strcmp(f.log, dep ? want_log_deprecate :
					     want_log) == 0, "reads of %zu%s: %s",
				      steps[i], dep ? ", DEPRECATE_EOF" : "",
				      f.log);
			ck_assert_uint_eq(f.w.thread_id, 4242);
			ck_assert_str_eq(f.w.server_version, "10.11.19-MariaDB");
			ck_assert_int_eq(f.w.phase, GA_MW_PHASE_COMMAND);
			ck_assert_uint_eq(f.w.errors, 1);
			ck_assert_uint_eq(f.w.err_code, 1317);
			ck_assert_str_eq(f.w.err_state, "70100");
			ck_assert_str_eq(f.w.err_msg,
					 "Query execution was interrupted");
			ck_assert(ga_mysql_wire_past_login(&f.w));
		}
}
END_TEST

/* A service that is not MySQL: its byte passes as it comes, each
 * way, and so does the next. */
START_TEST(test_one_byte)
{
	struct ga_mw_event ev;
	struct ga_mysql_wire w;
	int dir;

	for (dir = 0; dir < 2; dir++) {
		ga_mysql_wire_init(&w);
		ck_assert_uint_eq(ga_mysql_wire_step(&w, dir,
			(const unsigned char *)"x", 1, true, &ev), 1);
		ck_assert_int_eq(ev.point, GA_MW_NONE);
		ck_assert_uint_eq(ga_mysql_wire_step(&w, dir,
			(const unsigned char *)"y", 1, true, &ev), 1);
		ck_assert_int_eq(ev.point, GA_MW_NONE);
	}
}
END_TEST

/* A conversation that begins: the server's greeting to f, s emptied. */
static void greeted(struct feed *f, struct bytes *s, unsigned long id)
{
	memset(f, 0, sizeof(*f));
	ga_mysql_wire_init(&f->w);
	s->n = 0;
	greeting(s, id, CAPS);
	feed(f, GA_MW_DOWN, s, 4096);
	s->n = 0;
}

/* The client asks for TLS: its hello is the last point, then nothing
 * more is read either way. */
START_TEST(test_tls)
{
	struct feed f;
	struct bytes s;

	greeted(&f, &s, 7);
	login(&s, CAPS, true);
	memcpy(s.b + s.n, "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
	s.n += 11;
	feed(&f, GA_MW_UP, &s, 4096);
	s.n = 0;
	query(&s, "SELECT 1");          /* inside TLS: not a command */
	feed(&f, GA_MW_UP, &s, 4096);
	s.n = 0;
	err(&s, 1, 1045, "28000", "no");
	feed(&f, GA_MW_DOWN, &s, 4096);
	ck_assert_str_eq(f.log, "greeting ssl-request tls ");
	ck_assert_int_eq(f.w.phase, GA_MW_PHASE_OPAQUE);
	ck_assert_uint_eq(f.w.errors, 0);
}
END_TEST

/* A login the server refuses: its error, and no command phase. */
START_TEST(test_refused_login)
{
	struct feed f;
	struct bytes s;

	greeted(&f, &s, 9);
	login(&s, CAPS, false);
	feed(&f, GA_MW_UP, &s, 4096);
	s.n = 0;
	err(&s, 2, 1045, "28000", "Access denied for user 'goneaway'");
	feed(&f, GA_MW_DOWN, &s, 4096);
	ck_assert_str_eq(f.log, "greeting login auth ");
	ck_assert_uint_eq(f.w.err_code, 1045);
	ck_assert(!ga_mysql_wire_past_login(&f.w));
}
END_TEST

/* Relayed unread for a while: found again at a command that starts a
 * read while the server is quiet, not inside one. */
START_TEST(test_found_again)
{
	struct ga_mw_event ev;
	struct feed f;
	struct bytes s;
	size_t n;

	converse(&f, false, 4096);
	ga_mysql_wire_lose(&f.w);
	ck_assert_int_eq(f.w.phase, GA_MW_PHASE_LOST);
	/* server bytes, a client's continuation: nothing is taken */
	s.n = 0;
	result(&s, 1, 1, 2, false);
	n = ga_mysql_wire_step(&f.w, GA_MW_DOWN, s.b, s.n, true, &ev);
	ck_assert_uint_eq(n, s.n);
	ck_assert_int_eq(ev.point, GA_MW_NONE);
	s.n = 0;
	query(&s, "SELECT 2");
	n = ga_mysql_wire_step(&f.w, GA_MW_UP, s.b, s.n, false, &ev);
	ck_assert_uint_eq(n, s.n);              /* not quiet: passes unread */
	ck_assert_int_eq(f.w.phase, GA_MW_PHASE_LOST);
	f.log[0] = '\0';
	feed(&f, GA_MW_UP, &s, 4096);
	s.n = 0;
	result(&s, 1, 2, 2, false);
	feed(&f, GA_MW_DOWN, &s, 4096);
	ck_assert_str_eq(f.log, "command:3 other other other row:1 row:2 "
			 "other ");
}
END_TEST

Suite *make_serve_wire_suite(void)
{
	Suite *s = suite_create("serve_wire");
	TCase *tc = tcase_create("mysql");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_conversation);
	tcase_add_test(tc, test_one_byte);
	tcase_add_test(tc, test_tls);
	tcase_add_test(tc, test_refused_login);
	tcase_add_test(tc, test_found_again);
	suite_add_tcase(s, tc);
	return s;
}
