/* check_fault_point.c - the "point" fault kind (faults/point.c):
 * parsing, validation, the two nft scripts it writes, and the real
 * thing: TCP connections in a private lab cut at a command byte or a
 * byte count, reset, dropped or paused, and going on again after
 * revert.
 *
 * Parsing, validation and the scripts need nothing.  The kernel tests
 * need root; without it their test case is not registered and is named
 * as skipped before the run (needs.h).  Each runs in Check's forked
 * child, first moved into a network namespace of its own, so no rule and
 * no lab lands in the host's namespace.  Traffic goes only to addresses
 * of a lab the test made.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <mysql.h>
#include <nftables/libnftables.h>

#include "faults/fault.h"
#include "faults/point.h"
#include "faults/pointfin.h"
#include "faults/pointseq.h"
#include "lab/lab.h"
#include "lab/netns.h"
#include "fault_util.h"
#include "lab_util.h"
#include "suites.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define TIMEOUT 30
#define PORT 3306

static const struct ga_fault_kind *const pt = &ga_fault_point;

/* ------------------------------------------------------------------ */
/* Parsing and describing */

static const struct {
	const char *text;
	const char *canonical;
} good[] = {
	{ "reset at login", "reset both at login" },
	{ "reset after greeting", "reset both after greeting" },
	{ "drop both after auth", "drop both after auth" },
	{ "drop to-server at tls", "drop to-server at tls" },
	{ "pause to-server at COM_QUERY", "pause to-server at COM_QUERY" },
	{ "reset at COM_STMT_EXECUTE", "reset both at COM_STMT_EXECUTE" },
	{ "drop after COM_PING", "drop both after COM_PING" },
	{ "drop at COM_QUIT", "drop both at COM_QUIT" },
	{ "reset at COM_STMT_BULK_EXECUTE",
	  "reset both at COM_STMT_BULK_EXECUTE" },
	{ "reset after 64KiB from-server",
	  "reset both after 65536b from-server" },
	{ "drop after 1MiB to-server", "drop both after 1048576b to-server" },
	{ "drop from-server after 1000 to-server",
	  "drop from-server after 1000b to-server" },
	{ "pause\tto-server  after 1 to-server",
	  "pause to-server after 1b to-server" },
	{ "drop after 1024GiB from-server", NULL },
	{ "kill at 1234 to-server", "kill at 1234b to-server" },
	{ "crash after 1KiB from-server", "crash after 1024b from-server" },
	{ "reset at data 174 to-server", "reset both at data 174b to-server" },
	{ "pause from-server after data 1KiB from-server",
	  "pause from-server after data 1024b from-server" },
	{ "kill at data 200 to-server", "kill at data 200b to-server" },
	{ "fin at data 65536 from-server",
	  "fin both at data 65536b from-server" },
	{ "fin both after data 1 to-server", "fin both after data 1b to-server" },
};

START_TEST(test_parse_good)
{
	struct ga_fault_diag diag;
	char text[256], again[256];
	void *spec;

	spec = unit_fault_parse_ok(pt, good[_i].text);
	memset(&diag, 0, sizeof(diag));
	ck_assert_msg(pt->validate(spec, &diag) == 0, "validate '%s': %s",
		      good[_i].text, diag.msg);
	pt->describe(spec, text, sizeof(text));
	if (good[_i].canonical)
		ck_assert_str_eq(text, good[_i].canonical);
	pt->free_spec(spec);

	/* the canonical form reads back as itself */
	spec = unit_fault_parse_ok(pt, text);
	pt->describe(spec, again, sizeof(again));
	ck_assert_str_eq(again, text);
	pt->free_spec(spec);
}
END_TEST

static const struct {
	const char *text;
	size_t offset;
	const char *msg;
} bad[] = {
	{ "", 0, "expected drop, reset, pause, kill, crash or fin, found end "
	  "of line" },
	{ "rset at login", 0, "expected drop, reset, pause, kill, crash or "
	  "fin, found 'rset'; "
	  "did you mean 'reset'?" },
	{ "reset", 5, "expected to-server, from-server, both, at or after, "
	  "found end of line" },
	{ "reset aftr login", 6, "expected to-server, from-server, both, at "
	  "or after, found 'aftr'; did you mean 'after'?" },
	{ "reset to-server login", 16, "expected at or after, found 'login'" },
	{ "reset at", 8, "expected greeting, login, auth, tls, a command such "
	  "as COM_QUERY, a size and to-server or from-server, or data and a "
	  "size, found end "
	  "of line" },
	{ "reset at logn", 9, "expected greeting, login, auth, tls, a command "
	  "such as COM_QUERY, a size and to-server or from-server, or data and "
	  "a size, found "
	  "'logn'; did you mean 'login'?" },
	{ "reset at COM_QUREY", 9, "expected a MySQL command such as "
	  "COM_QUERY, COM_PING or COM_STMT_EXECUTE, found 'COM_QUREY'; did "
	  "you mean 'COM_QUERY'?" },
	{ "drop after 64KiB", 16, "expected to-server or from-server after "
	  "the size, found end of line" },
	{ "drop after 64KiB both", 17, "expected to-server or from-server "
	  "after the size, found 'both'" },
	{ "drop after 0 to-server", 11, "the size '0' is not from 1 byte to "
	  "1024GiB" },
	{ "drop after 1025GiB to-server", 11, "the size '1025GiB' is not from "
	  "1 byte to 1024GiB" },
	{ "drop after 1.5b to-server", 11, "'1.5b' is not a size" },
	{ "reset at login now", 15, "unexpected 'now' after the point" },
	{ "drop at data", 12, "expected a size after 'data', found end of "
	  "line" },
	{ "drop at data to-server", 13, "expected a size after 'data', found "
	  "'to-server'" },
	{ "drop at data 0 to-server", 13, "the size '0' is not from 1 byte "
	  "to 1024GiB" },
};

START_TEST(test_parse_bad)
{
	struct ga_fault_diag diag;
	void *spec = NULL;

	memset(&diag, 0, sizeof(diag));
	ck_assert_int_eq(pt->parse(bad[_i].text, &spec, &diag), -1);
	ck_assert_ptr_null(spec);
	ck_assert_msg(strstr(diag.msg, bad[_i].msg) == diag.msg,
		      "'%s': got '%s', expected '%s'", bad[_i].text, diag.msg,
		      bad[_i].msg);
	ck_assert_uint_eq(diag.offset, bad[_i].offset);
}
END_TEST

/* "at" cuts the packet at the point: it must go the way that is cut. */
static const struct {
	const char *text;
	size_t offset;
	const char *msg;
} bad_combination[] = {
	{ "drop to-server at greeting", 15, "'at' cuts the packet that reaches "
	  "the point, a from-server packet, but only to-server packets are "
	  "cut: write 'after', or cut from-server or both" },
	{ "reset from-server at COM_QUERY", 18, "'at' cuts the packet that "
	  "reaches the point, a to-server packet, but only from-server "
	  "packets are cut" },
	{ "pause from-server at 1 to-server", 18, "'at' cuts the packet" },
	{ "drop to-server at 1KiB from-server", 15, "'at' cuts the packet" },
	{ "kill both at 1 to-server", 5, "'kill' cuts nothing: it takes no "
	  "to-server, from-server or both" },
	{ "crash at login", 9, "'crash' takes a SIZE point: SIZE to-server or "
	  "SIZE from-server" },
	{ "fin at COM_QUERY", 7, "'fin' takes a data SIZE point: data SIZE "
	  "to-server or data SIZE from-server" },
	{ "fin after 100 to-server", 10, "'fin' takes a data SIZE point" },
	{ "fin to-server at data 10 to-server", 4, "'fin' closes the "
	  "connection both ways: write both, or no CUT word" },
};

START_TEST(test_validate_bad)
{
	struct ga_fault_diag diag;
	void *spec;

	spec = unit_fault_parse_ok(pt, bad_combination[_i].text);
	memset(&diag, 0, sizeof(diag));
	ck_assert_int_eq(pt->validate(spec, &diag), -1);
	ck_assert_msg(strstr(diag.msg, bad_combination[_i].msg) == diag.msg,
		      "'%s': got '%s'", bad_combination[_i].text, diag.msg);
	ck_assert_uint_eq(diag.offset, bad_combination[_i].offset);
	pt->free_spec(spec);
}
END_TEST

/* The command bytes are the client headers' (enum enum_server_command). */
START_TEST(test_command_bytes)
{
	ck_assert_int_eq(ga_point_command_byte("COM_QUIT"), COM_QUIT);
	ck_assert_int_eq(ga_point_command_byte("COM_QUERY"), COM_QUERY);
	ck_assert_int_eq(ga_point_command_byte("COM_PING"), COM_PING);
	ck_assert_int_eq(ga_point_command_byte("COM_CHANGE_USER"),
			 COM_CHANGE_USER);
	ck_assert_int_eq(ga_point_command_byte("COM_STMT_PREPARE"),
			 COM_STMT_PREPARE);
	ck_assert_int_eq(ga_point_command_byte("COM_STMT_EXECUTE"),
			 COM_STMT_EXECUTE);
	ck_assert_int_eq(ga_point_command_byte("COM_STMT_SEND_LONG_DATA"),
			 COM_STMT_SEND_LONG_DATA);
	ck_assert_int_eq(ga_point_command_byte("COM_STMT_CLOSE"),
			 COM_STMT_CLOSE);
	ck_assert_int_eq(ga_point_command_byte("COM_STMT_FETCH"),
			 COM_STMT_FETCH);
	ck_assert_int_eq(ga_point_command_byte("COM_RESET_CONNECTION"),
			 COM_RESET_CONNECTION);
	ck_assert_int_eq(ga_point_command_byte("COM_STMT_BULK_EXECUTE"),
			 COM_STMT_BULK_EXECUTE);
	ck_assert_int_eq(ga_point_command_byte("COM_NOPE"), -1);
	ck_assert_int_eq(ga_point_command_byte("COM_query"), -1);
}
END_TEST

/* An IPv4 TCP packet of the client 198.18.0.1:40000 to the server: flags,
 * sequence number and n data bytes, into buf; returns its length. */
static size_t seg_packet(uint8_t *buf, uint8_t flags, uint32_t seq, size_t n)
{
	size_t len = 20 + 32 + n;

	memset(buf, 0, len);
	buf[0] = 0x45;
	buf[2] = (uint8_t)(len >> 8);
	buf[3] = (uint8_t)len;
	buf[8] = 64;
	buf[9] = IPPROTO_TCP;
	inet_pton(AF_INET, "198.18.0.1", buf + 12);
	inet_pton(AF_INET, "198.18.0.2", buf + 16);
	buf[20] = 40000 >> 8;
	buf[21] = 40000 & 0xff;
	buf[22] = PORT >> 8;
	buf[23] = PORT & 0xff;
	buf[24] = (uint8_t)(seq >> 24);
	buf[25] = (uint8_t)(seq >> 16);
	buf[26] = (uint8_t)(seq >> 8);
	buf[27] = (uint8_t)seq;
	buf[32] = 8 << 4;               /* 32 bytes: timestamps */
	buf[33] = flags;
	return len;
}

/* Feeds one segment; whether it reaches bytes. */
static bool seq_feed(struct ga_point_seq *q, uint8_t flags, uint32_t seq,
		     size_t n, uint64_t bytes)
{
	uint8_t buf[2048];
	struct ga_tcp_seg g;
	size_t len = seg_packet(buf, flags, seq, n);

	ck_assert_int_eq(ga_tcp_seg_parse(buf, len, &g), 0);
	ck_assert_uint_eq(g.payload, n);
	return ga_point_seq_reaches(q, &g, bytes);
}

/* A point's data by TCP sequence: the segment that carries byte 174 of
 * the flow (the COM_QUERY after a 148-byte login) reaches it whether
 * the client sent bare ACKs before it (quick ACKs) or none (delayed
 * ones riding on its data), which conntrack's bytes cannot say; a
 * segment sent again counts once; a flow whose SYN was not seen counts
 * from its first segment; the count goes past 4GiB. */
START_TEST(test_seq_counts_data_not_acks)
{
	const uint32_t isn = 0xfffffff0u;       /* wraps on the way */
	struct ga_point_seq quick = { 0 }, delayed = { 0 }, late = { 0 };
	int i;

	ck_assert(!seq_feed(&quick, 0x02, isn, 0, 174));        /* SYN */
	ck_assert(!seq_feed(&delayed, 0x02, isn, 0, 174));
	for (i = 0; i < 3; i++)                 /* bare ACKs: nothing */
		ck_assert(!seq_feed(&quick, 0x10, isn + 1, 0, 174));
	ck_assert(!seq_feed(&quick, 0x18, isn + 1, 148, 174));  /* login */
	ck_assert(!seq_feed(&delayed, 0x18, isn + 1, 148, 174));
	ck_assert(!seq_feed(&quick, 0x10, isn + 149, 0, 174));
	ck_assert(!seq_feed(&quick, 0x18, isn + 1, 148, 174));  /* again */
	ck_assert(seq_feed(&quick, 0x18, isn + 149, 51, 174));  /* query */
	ck_assert(seq_feed(&delayed, 0x18, isn + 149, 51, 174));
	ck_assert_uint_eq(quick.end, 199);
	ck_assert_uint_eq(delayed.end, 199);

	/* no SYN: counted from the first segment seen */
	ck_assert(!seq_feed(&late, 0x18, 5000, 100, 101));
	ck_assert(seq_feed(&late, 0x18, 5100, 1, 101));
	/* past 4GiB, in segments of 1GiB (no packet is that long: the
	 * segment as parsed) */
	for (i = 0; i < 5; i++) {
		struct ga_tcp_seg g = {
			.seq = 5101 + (uint32_t)i * 0x40000000u,
			.flags = 0x18, .payload = 0x40000000u,
		};

		ga_point_seq_reaches(&late, &g, 1);
	}
	ck_assert_uint_eq(late.end, 101 + 5ull * 0x40000000u);
}
END_TEST

/* The DSCP mark set on a packet, its header checksum made again. */
START_TEST(test_dscp_mark)
{
	uint8_t buf[256];
	size_t len = seg_packet(buf, 0x18, 1, 10), i;
	uint32_t sum = 0;

	ga_ip_set_dscp(buf, len, 0x3f);
	ck_assert_uint_eq(buf[1] >> 2, 0x3f);
	for (i = 0; i < 20; i += 2)
		sum += (uint32_t)buf[i] << 8 | buf[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ck_assert_uint_eq(sum, 0xffff);
}
END_TEST

START_TEST(test_kind_table)
{
	const struct ga_fault_kind *const *k = ga_fault_table();
	int n = 0;

	for (; *k; k++)
		if (*k == pt)
			n++;
	ck_assert_int_eq(n, 1);
	ck_assert_str_eq(pt->name, "point");
	ck_assert_ptr_nonnull(pt->ops->probe);
	ck_assert(pt->ops->in_lab);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The scripts */

static void target(struct ga_fault_target *t)
{
	memset(t, 0, sizeof(*t));
	t->client_ns = -1;
	t->server_ns = -1;
	t->client_addr = GA_LAB_CLIENT_ADDR;
	t->server_addr = GA_LAB_SERVER_ADDR;
	t->server_port = PORT;
	t->tag = 0x33;
	t->line = 9;
}

#define T "goneaway_33_9"
#define HEAD(t) "create table inet " t "\n" \
	"add set inet " t " cut { type ipv4_addr . inet_service; " \
	"flags dynamic; }\n" \
	"add chain inet " t " input { type filter hook input priority 0; " \
	"policy accept; }\n" \
	"add chain inet " t " output { type filter hook output priority 0; " \
	"policy accept; }\n"
#define FROM "ip saddr 198.18.0.2 tcp sport 3306"
#define TO "ip daddr 198.18.0.2 tcp dport 3306"
/* what each side sends of a cut flow is marked; a marked packet cuts */
#define MARKC(t) \
	"add rule inet " t " output " TO " ip saddr . tcp sport @cut ip dscp " \
	"set 0x3f\n" \
	"add rule inet " t " input " FROM " ip dscp 0x3f add @cut { ip daddr " \
	". tcp dport }\n"
#define MARKF(t) \
	"add rule inet " t " output " FROM " ip daddr . tcp dport @cut ip " \
	"dscp set 0x3f\n" \
	"add rule inet " t " input " TO " ip dscp 0x3f add @cut { ip saddr " \
	". tcp sport }\n"

static const struct {
	const char *text;
	enum ga_point_side side;
	const char *script;
} scripts[] = {
	{ "reset after 64KiB from-server", GA_POINT_CLIENT_SIDE,
	  HEAD(T) MARKC(T)
	  "add rule inet " T " input " FROM " ip daddr . tcp dport @cut tcp "
	  "flags & rst == 0 reject with tcp reset\n"
	  "add rule inet " T " input " FROM " ct direction reply ct reply "
	  "bytes >= 65536 add @cut { ip daddr . tcp dport }\n"
	  "add rule inet " T " input " FROM " ct direction original ct "
	  "original bytes >= 65536 add @cut { ip daddr . tcp dport }\n" },
	{ "reset after 64KiB from-server", GA_POINT_FRONT_SIDE,
	  HEAD(T) MARKF(T)
	  "add rule inet " T " input " TO " ip saddr . tcp sport @cut tcp "
	  "flags & rst == 0 reject with tcp reset\n"
	  "add rule inet " T " output " FROM " ct direction reply ct reply "
	  "bytes >= 65536 add @cut { ip daddr . tcp dport }\n"
	  "add rule inet " T " output " FROM " ct direction original ct "
	  "original bytes >= 65536 add @cut { ip daddr . tcp dport }\n" },
	/* the client's side sees the query leave; the server's cuts it */
	{ "pause to-server at COM_QUERY", GA_POINT_CLIENT_SIDE,
	  HEAD(T) MARKC(T)
	  "add rule inet " T " output " TO " @ih,24,16 0x0003 add @cut "
	  "{ ip saddr . tcp sport }\n" },
	{ "pause to-server at COM_QUERY", GA_POINT_FRONT_SIDE,
	  HEAD(T) MARKF(T)
	  "add rule inet " T " input " TO " ip saddr . tcp sport @cut "
	  "@ih,0,1 { 0, 1 } drop\n"
	  "add rule inet " T " input " TO " @ih,24,16 0x0003 add @cut "
	  "{ ip saddr . tcp sport } @ih,0,1 { 0, 1 } drop\n" },
	{ "drop at greeting", GA_POINT_CLIENT_SIDE,
	  HEAD(T) MARKC(T)
	  "add rule inet " T " input " FROM " ip daddr . tcp dport @cut drop\n"
	  "add rule inet " T " input " FROM " @ih,24,16 0x000a add @cut "
	  "{ ip daddr . tcp dport } drop\n" },
	{ "drop at greeting", GA_POINT_FRONT_SIDE,
	  HEAD(T) MARKF(T)
	  "add rule inet " T " input " TO " ip saddr . tcp sport @cut drop\n"
	  "add rule inet " T " output " FROM " @ih,24,16 0x000a add @cut "
	  "{ ip daddr . tcp dport }\n" },
	{ "reset at login", GA_POINT_FRONT_SIDE,
	  HEAD(T) MARKF(T)
	  "add rule inet " T " input " TO " ip saddr . tcp sport @cut tcp "
	  "flags & rst == 0 reject with tcp reset\n"
	  "add rule inet " T " input " TO " @ih,24,8 0x01 add @cut { ip saddr "
	  ". tcp sport } tcp flags & rst == 0 reject with tcp reset\n" },
	{ "drop after auth", GA_POINT_CLIENT_SIDE,
	  HEAD(T) MARKC(T)
	  "add rule inet " T " input " FROM " ip daddr . tcp dport @cut drop\n"
	  "add rule inet " T " input " FROM " @ih,24,8 0x02 @ih,32,8 { 0x00, "
	  "0x01, 0xfe, 0xff } add @cut { ip daddr . tcp dport }\n" },
	{ "drop from-server after tls", GA_POINT_CLIENT_SIDE,
	  HEAD(T) MARKC(T)
	  "add rule inet " T " input " FROM " ip daddr . tcp dport @cut drop\n"
	  "add rule inet " T " output " TO " @ih,0,16 0x1603 add @cut { ip "
	  "saddr . tcp sport }\n" },
	{ "drop from-server after tls", GA_POINT_FRONT_SIDE,
	  HEAD(T) MARKF(T)
	  "add rule inet " T " input " TO " @ih,0,16 0x1603 add @cut { ip "
	  "saddr . tcp sport }\n" },
};

START_TEST(test_script)
{
	struct ga_fault_target t;
	struct ga_error err;
	char buf[4096];
	void *spec;

	target(&t);
	spec = unit_fault_parse_ok(pt, scripts[_i].text);
	ck_assert_msg(ga_point_script(spec, &t, scripts[_i].side, T, buf,
				      sizeof(buf), &err) == 0, "%s", err.msg);
	ck_assert_str_eq(buf, scripts[_i].script);
	pt->free_spec(spec);
}
END_TEST

/* With a proxy in front, the rules are on the flows to the proxy. */
START_TEST(test_script_proxy)
{
	struct ga_fault_target t;
	struct ga_error err;
	char buf[4096];
	void *spec;

	target(&t);
	t.connect_addr = GA_LAB_PROXY_ADDR;
	t.connect_port = 3307;
	t.connect_ns = -1;
	spec = unit_fault_parse_ok(pt, "drop at COM_PING");
	ck_assert_int_eq(ga_point_script(spec, &t, GA_POINT_FRONT_SIDE, T, buf,
					 sizeof(buf), &err), 0);
	ck_assert_msg(strstr(buf, "ip daddr 198.18.0.6 tcp dport 3307 "
			     "@ih,24,16 0x000e add @cut"), "%s", buf);
	ck_assert_ptr_null(strstr(buf, "198.18.0.2"));
	pt->free_spec(spec);
}
END_TEST

START_TEST(test_script_refuses)
{
	struct ga_fault_target t;
	struct ga_error err;
	char buf[4096], tiny[64];
	void *spec;

	spec = unit_fault_parse_ok(pt, "reset at login");
	target(&t);
	t.server_addr = "db.example";
	ck_assert_int_eq(ga_point_script(spec, &t, GA_POINT_CLIENT_SIDE, T, buf,
					 sizeof(buf), &err), -1);
	ck_assert_msg(strstr(err.msg, "not a numeric IPv4 address"), "%s",
		      err.msg);
	target(&t);
	t.server_addr = "::1";
	ck_assert_int_eq(ga_point_script(spec, &t, GA_POINT_CLIENT_SIDE, T, buf,
					 sizeof(buf), &err), -1);
	target(&t);
	ck_assert_int_eq(ga_point_script(spec, &t, GA_POINT_CLIENT_SIDE,
					 "bad name; flush ruleset", buf,
					 sizeof(buf), &err), -1);
	ck_assert_msg(strstr(err.msg, "not a table name"), "%s", err.msg);
	ck_assert_int_eq(ga_point_script(spec, &t, GA_POINT_CLIENT_SIDE, T,
					 tiny, sizeof(tiny), &err), -1);
	ck_assert_msg(strstr(err.msg, "does not fit"), "%s", err.msg);
	pt->free_spec(spec);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The kernel: helpers that never assert off the main thread */

struct pt_lab {
	struct ga_lab lab;
	struct ga_fault_target t;
	int lfd;                /* listening in the server namespace */
	int cfd;                /* the client's end, made in its namespace */
	int sfd;                /* the server's end */
};

/* A lab, a listener, one connection through it: cfd and sfd. */
static void lab_up(struct pt_lab *f, unsigned tag)
{
	struct ga_error err;

	ck_assert_msg(unshare(CLONE_NEWNET) == 0, "unshare: %s",
		      strerror(errno));
	ck_assert_msg(ga_lab_create(&f->lab, tag, &err) == 0, "lab: %s",
		      err.msg);
	target(&f->t);
	f->t.client_ns = f->lab.client_ns;
	f->t.server_ns = f->lab.server_ns;
	f->t.tag = tag;
	f->t.line = 1;
	f->lfd = f->cfd = f->sfd = -1;
	f->lfd = unit_tcp_listen(f->lab.server_ns, GA_LAB_SERVER_ADDR, PORT,
				 &err);
	ck_assert_msg(f->lfd >= 0, "%s", err.msg);
	f->cfd = unit_tcp_connect(f->lab.client_ns, GA_LAB_SERVER_ADDR, PORT,
				  &err);
	ck_assert_msg(f->cfd >= 0, "%s", err.msg);
	f->sfd = accept4(f->lfd, NULL, NULL, SOCK_CLOEXEC);
	ck_assert_msg(f->sfd >= 0, "accept: %s", strerror(errno));
}

static void lab_down(struct pt_lab *f)
{
	close(f->cfd);
	close(f->sfd);
	close(f->lfd);
	ga_lab_destroy(&f->lab);
}

static void send_all(int fd, const void *buf, size_t len)
{
	ck_assert_msg(send(fd, buf, len, MSG_NOSIGNAL) == (ssize_t)len,
		      "send: %s", strerror(errno));
}

/* A MySQL packet of 5 bytes: length 1, number 0, the command byte. */
static void send_command(int fd, unsigned char command)
{
	unsigned char pkt[5] = { 1, 0, 0, 0, command };

	send_all(fd, pkt, sizeof(pkt));
}

/* ------------------------------------------------------------------ */
/* The kernel tests */

/* A table on each side, and none after revert. */
START_TEST(test_tables_on_both_sides)
{
	struct pt_lab f;
	void *spec, *state;

	lab_up(&f, 0x61);
	state = unit_fault_apply_ok(pt, "reset after 1KiB from-server", &f.t, &spec);
	ck_assert_int_eq(unit_nft_count_tables(f.lab.client_ns), 1);
	ck_assert_int_eq(unit_nft_count_tables(f.lab.server_ns), 1);
	unit_fault_revert_ok(pt, spec, &f.t, state);
	ck_assert_int_eq(unit_nft_count_tables(f.lab.client_ns), 0);
	ck_assert_int_eq(unit_nft_count_tables(f.lab.server_ns), 0);
	lab_down(&f);
}
END_TEST

/* A command that is not the point passes; the one that is draws a
 * reset at once, and never reaches the server. */
START_TEST(test_reset_at_command)
{
	struct pt_lab f;
	void *spec, *state;
	char buf[16];

	lab_up(&f, 0x62);
	state = unit_fault_apply_ok(pt, "reset at COM_QUERY", &f.t, &spec);
	send_command(f.cfd, COM_PING);
	ck_assert_int_eq(unit_recv_for(f.sfd, buf, 5, 2000), 5);
	ck_assert_int_eq((unsigned char)buf[4], COM_PING);
	send_command(f.cfd, COM_QUERY);
	ck_assert_int_eq(unit_recv_for(f.cfd, buf, 1, 2000), -ECONNRESET);
	ck_assert_int_eq(unit_recv_for(f.sfd, buf, 5, 300), 0);
	unit_fault_revert_ok(pt, spec, &f.t, state);
	lab_down(&f);
}
END_TEST

/* "after SIZE from-server": the segment that crosses SIZE arrives, the
 * next is dropped; after revert TCP sends it again and it arrives. */
START_TEST(test_drop_after_bytes_then_lift)
{
	static char data[2048];
	struct pt_lab f;
	void *spec, *state;
	char buf[4096];

	memset(data, 'x', sizeof(data));
	lab_up(&f, 0x63);
	state = unit_fault_apply_ok(pt, "drop after 1KiB from-server", &f.t, &spec);
	send_all(f.sfd, data, sizeof(data));
	ck_assert_int_eq(unit_recv_for(f.cfd, buf, sizeof(data), 2000),
			 (long)sizeof(data));
	send_all(f.sfd, data, sizeof(data));
	ck_assert_int_eq(unit_recv_for(f.cfd, buf, sizeof(data), 500), 0);
	unit_fault_revert_ok(pt, spec, &f.t, state);
	ck_assert_int_eq(unit_recv_for(f.cfd, buf, sizeof(data), 5000),
			 (long)sizeof(data));
	lab_down(&f);
}
END_TEST

/* A pause holds the client's data but lets its ACKs through: the
 * server's own data is acknowledged meanwhile, and the held command
 * arrives after revert. */
START_TEST(test_pause_lets_acks_through)
{
	static char data[4096];
	struct tcp_info ti;
	socklen_t len = sizeof(ti);
	struct pt_lab f;
	void *spec, *state;
	char buf[8192];
	int tries;

	memset(data, 'y', sizeof(data));
	lab_up(&f, 0x64);
	state = unit_fault_apply_ok(pt, "pause to-server at COM_QUERY", &f.t, &spec);
	send_command(f.cfd, COM_QUERY);
	ck_assert_int_eq(unit_recv_for(f.sfd, buf, 5, 300), 0);
	send_all(f.sfd, data, sizeof(data));
	ck_assert_int_eq(unit_recv_for(f.cfd, buf, sizeof(data), 2000),
			 (long)sizeof(data));
	for (tries = 0; tries < 100; tries++) {
		ck_assert_int_eq(getsockopt(f.sfd, IPPROTO_TCP, TCP_INFO, &ti,
					    &len), 0);
		if (ti.tcpi_unacked == 0)
			break;
		poll(NULL, 0, 20);
	}
	ck_assert_msg(ti.tcpi_unacked == 0, "the server's data is still "
		      "unacknowledged: %u segments", ti.tcpi_unacked);
	unit_fault_revert_ok(pt, spec, &f.t, state);
	ck_assert_int_eq(unit_recv_for(f.sfd, buf, 5, 5000), 5);
	ck_assert_int_eq((unsigned char)buf[4], COM_QUERY);
	lab_down(&f);
}
END_TEST

/* A flow one side has cut (put into its set by hand here, as if its
 * trigger had passed it and been lost on the way) is cut on the other
 * side too: the first packet it sends carries the mark. */
START_TEST(test_mark_tells_the_other_side)
{
	char out[4096];
	struct sockaddr_in sa;
	socklen_t salen = sizeof(sa);
	struct pt_lab f;
	void *spec, *state;
	char cmd[160], buf[16];

	lab_up(&f, 0x68);
	state = unit_fault_apply_ok(pt, "drop after 1MiB to-server", &f.t, &spec);
	ck_assert_int_eq(getsockname(f.cfd, (struct sockaddr *)&sa, &salen), 0);
	snprintf(cmd, sizeof(cmd), "add element inet goneaway_68_1 cut { "
		 "%s . %u }", GA_LAB_CLIENT_ADDR, (unsigned)ntohs(sa.sin_port));
	unit_nft_cmd(f.lab.client_ns, cmd, out, sizeof(out));
	send_command(f.cfd, COM_PING);
	ck_assert_int_eq(unit_recv_for(f.sfd, buf, 5, 500), 0);
	unit_nft_cmd(f.lab.server_ns, "list set inet goneaway_68_1 cut", out,
		     sizeof(out));
	ck_assert_msg(strstr(out, GA_LAB_CLIENT_ADDR), "the server's side "
		      "did not learn the cut: %s", out);
	unit_fault_revert_ok(pt, spec, &f.t, state);
	lab_down(&f);
}
END_TEST

/* With a proxy's namespace as where the clients connect, the server's
 * side table goes there, not into the server's namespace. */
START_TEST(test_front_side_in_proxy_namespace)
{
	struct ga_fault_target t;
	struct ga_error err;
	struct ga_lab lab;
	void *spec, *state;

	ck_assert_msg(unshare(CLONE_NEWNET) == 0, "unshare: %s",
		      strerror(errno));
	ck_assert_msg(ga_lab_create_with(&lab, 0x65, -1, true, &err) == 0,
		      "%s", err.msg);
	target(&t);
	t.client_ns = lab.client_ns;
	t.server_ns = lab.server_ns;
	t.connect_addr = lab.connect_addr;
	t.connect_port = PORT;
	t.connect_ns = lab.proxy_ns;
	t.tag = 0x65;
	state = unit_fault_apply_ok(pt, "drop at COM_PING", &t, &spec);
	ck_assert_int_eq(unit_nft_count_tables(lab.client_ns), 1);
	ck_assert_int_eq(unit_nft_count_tables(lab.proxy_ns), 1);
	ck_assert_int_eq(unit_nft_count_tables(lab.server_ns), 0);
	unit_fault_revert_ok(pt, spec, &t, state);
	ck_assert_int_eq(unit_nft_count_tables(lab.client_ns), 0);
	ck_assert_int_eq(unit_nft_count_tables(lab.proxy_ns), 0);
	ga_lab_destroy(&lab);
}
END_TEST

/* The same line applied twice is refused whole: its table exists; the
 * first stays in place and reverts cleanly. */
START_TEST(test_apply_existing_table)
{
	struct ga_fault_target t;
	struct ga_error err;
	struct pt_lab f;
	void *spec, *state, *again = NULL;

	lab_up(&f, 0x66);
	t = f.t;
	state = unit_fault_apply_ok(pt, "drop at COM_PING", &t, &spec);
	ck_assert_int_eq(pt->ops->apply(spec, &t, &again, &err), -1);
	ck_assert_ptr_null(again);
	ck_assert_int_eq(unit_nft_count_tables(f.lab.client_ns), 1);
	ck_assert_int_eq(unit_nft_count_tables(f.lab.server_ns), 1);
	unit_fault_revert_ok(pt, spec, &t, state);
	lab_down(&f);
}
END_TEST

/* A lab already gone took its tables with it: revert has nothing to do. */
START_TEST(test_revert_when_gone)
{
	struct ga_fault_target gone;
	struct pt_lab f;
	void *spec, *state;

	lab_up(&f, 0x67);
	state = unit_fault_apply_ok(pt, "reset at login", &f.t, &spec);
	gone = f.t;
	lab_down(&f);
	gone.client_ns = -1;
	gone.server_ns = -1;
	unit_fault_revert_ok(pt, spec, &gone, state);
}
END_TEST

/* ------------------------------------------------------------------ */
/* kill and crash (faults/pointact.c) */

/* The runner's session KILL, faked: what the engine called it with,
 * and whether the point's packet had reached the server by then (read
 * on the engine's thread: no assert there). */
struct fake_kill {
	int sfd;
	int calls;
	unsigned port;
	char addr[32];
	bool arrived;
};

static int fake_kill_session(void *ctx, const char *addr, unsigned port,
			     char *what, size_t len, struct ga_error *err)
{
	struct fake_kill *k = ctx;
	struct pollfd pf = { .fd = k->sfd, .events = POLLIN };

	(void)err;
	k->port = port;
	snprintf(k->addr, sizeof(k->addr), "%s", addr);
	k->arrived = poll(&pf, 1, 300) == 1;
	snprintf(what, len, "KILL 7");
	/* last, so that a test that sees the call sees what came with it */
	__atomic_store_n(&k->calls, k->calls + 1, __ATOMIC_RELEASE);
	return 0;
}

/* The KILL's calls so far, waiting up to ms for a first one: with
 * "after" the engine lets the packet go before it calls the KILL, so
 * the test can read the data before the engine's thread has called. */
static int kill_calls(struct fake_kill *k, int ms)
{
	int n;

	while ((n = __atomic_load_n(&k->calls, __ATOMIC_ACQUIRE)) == 0 &&
	       ms-- > 0)
		usleep(1000);
	return n;
}

/* "kill at|after 1000 to-server": 600 bytes pass (652 counted), the
 * next 600 take the flow past 1000: the KILL is called once, with the
 * client's port, while they are held ("at") or once they have arrived
 * ("after"); they arrive either way. */
static void kill_case(const char *text, bool after)
{
	static char data[600];
	struct fake_kill k = { .sfd = -1 };
	struct sockaddr_in me;
	socklen_t mlen = sizeof(me);
	struct pt_lab f;
	void *spec, *state;
	char buf[1024], note[512];

	memset(data, 'x', sizeof(data));
	lab_up(&f, after ? 0x6b : 0x6a);
	k.sfd = f.sfd;
	f.t.client_if = f.lab.client_if;
	f.t.server_if = f.lab.server_if;
	f.t.kill_session = fake_kill_session;
	f.t.kill_ctx = &k;
	ck_assert_int_eq(getsockname(f.cfd, (struct sockaddr *)&me, &mlen), 0);
	state = unit_fault_apply_ok(pt, text, &f.t, &spec);
	send_all(f.cfd, data, sizeof(data));
	ck_assert_int_eq(unit_recv_for(f.sfd, buf, sizeof(data), 2000),
			 (long)sizeof(data));
	ck_assert_int_eq(k.calls, 0);
	send_all(f.cfd, data, sizeof(data));
	/* the call first, the data read after: the fake looks for the
	 * data on the server's socket, which a read here would take */
	ck_assert_int_eq(kill_calls(&k, 3000), 1);
	ck_assert_int_eq(unit_recv_for(f.sfd, buf, sizeof(data), 3000),
			 (long)sizeof(data));
	ck_assert_uint_eq(k.port, ntohs(me.sin_port));
	ck_assert_str_eq(k.addr, GA_LAB_CLIENT_ADDR);
	ck_assert_msg(k.arrived == after, "the packet had %sarrived when the "
		      "KILL was made", k.arrived ? "" : "not ");
	pt->ops->note(spec, state, note, sizeof(note));
	ck_assert_msg(strstr(note, "KILL 7 (the connection from "
			     GA_LAB_CLIENT_ADDR ":"), "%s", note);
	send_all(f.cfd, data, sizeof(data));     /* once a flow */
	ck_assert_int_eq(unit_recv_for(f.sfd, buf, sizeof(data), 2000),
			 (long)sizeof(data));
	ck_assert_int_eq(k.calls, 1);
	unit_fault_revert_ok(pt, spec, &f.t, state);
	lab_down(&f);
}

START_TEST(test_kill_at_holds_the_packet)
{
	kill_case("kill at 1000 to-server", false);
}
END_TEST

START_TEST(test_kill_after_lets_it_pass)
{
	kill_case("kill after 1000 to-server", true);
}
END_TEST

/* "crash at 1000 from-server": the server's process (a child here) is
 * killed by SIGKILL when its data takes the flow there, and is dead
 * before that data reaches the client. */
START_TEST(test_crash_kills_the_server)
{
	static char data[600];
	struct pt_lab f;
	void *spec, *state;
	char buf[1024], note[512];
	int status;
	pid_t pid;

	memset(data, 'y', sizeof(data));
	lab_up(&f, 0x6c);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		alarm(30);      /* a test that failed leaves it no longer */
		pause();
		_exit(0);
	}
	f.t.client_if = f.lab.client_if;
	f.t.server_if = f.lab.server_if;
	f.t.server_pid = pid;
	state = unit_fault_apply_ok(pt, "crash at 1000 from-server", &f.t,
				    &spec);
	send_all(f.sfd, data, sizeof(data));
	ck_assert_int_eq(unit_recv_for(f.cfd, buf, sizeof(data), 2000),
			 (long)sizeof(data));
	ck_assert_int_eq(waitpid(pid, &status, WNOHANG), 0);
	send_all(f.sfd, data, sizeof(data));
	ck_assert_int_eq(unit_recv_for(f.cfd, buf, sizeof(data), 3000),
			 (long)sizeof(data));
	ck_assert_int_eq(waitpid(pid, &status, WNOHANG), pid);
	ck_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	pt->ops->note(spec, state, note, sizeof(note));
	ck_assert_msg(strstr(note, "killed (the connection from"), "%s", note);
	unit_fault_revert_ok(pt, spec, &f.t, state);
	lab_down(&f);
}
END_TEST

/* What keeps the acts from being made is a SKIP, said, with nothing
 * made in the kernel: a proxy, no KILL to call, no server process. */
START_TEST(test_acts_refused)
{
	struct ga_fault_target t;
	struct ga_error err;
	void *spec, *state = NULL;

	spec = unit_fault_parse_ok(pt, "kill at 1 to-server");
	target(&t);
	ck_assert_int_eq(pt->ops->apply(spec, &t, &state, &err),
			 GA_FAULT_UNSUPPORTED);
	ck_assert_msg(strstr(err.msg, "no session KILL"), "%s", err.msg);
	t.kill_session = fake_kill_session;
	t.connect_addr = "198.18.0.6";
	ck_assert_int_eq(pt->ops->apply(spec, &t, &state, &err),
			 GA_FAULT_UNSUPPORTED);
	ck_assert_msg(strstr(err.msg, "a proxy"), "%s", err.msg);
	ck_assert_ptr_null(state);
	pt->free_spec(spec);
	spec = unit_fault_parse_ok(pt, "crash after 1 from-server");
	target(&t);
	ck_assert_int_eq(pt->ops->apply(spec, &t, &state, &err),
			 GA_FAULT_UNSUPPORTED);
	ck_assert_msg(strstr(err.msg, "no server process"), "%s", err.msg);
	ck_assert_int_eq(ga_point_script(spec, &t, GA_POINT_CLIENT_SIDE, T,
					 (char[64]){ 0 }, 64, &err), -1);
	pt->free_spec(spec);
}
END_TEST

/* A FIN in the server's name: its numbers from the point's segment
 * ("at" a from-server point: the segment's own sequence; "after": past
 * its data; at a to-server point: what the client acknowledged), and
 * the packet, its IPv4 and TCP checksums whole, read back. */
START_TEST(test_fin_packet)
{
	uint8_t buf[256], fin[GA_TCP_FIN_LEN];
	size_t len = seg_packet(buf, 0x18, 1000, 10), i;
	struct ga_tcp_seg g, back;
	struct ga_tcp_fin f;
	uint32_t sum = 0;

	ck_assert_int_eq(ga_tcp_seg_parse(buf, len, &g), 0);
	g.ack = 7000;
	ga_tcp_fin_of(&g, 0, 0, &f);            /* from-server, at */
	ck_assert_uint_eq(f.seq, 1000);
	ck_assert_uint_eq(f.ack, 7000);
	ck_assert(f.src == g.src && f.sport == g.sport);
	ga_tcp_fin_of(&g, 0, 1, &f);            /* ... after */
	ck_assert_uint_eq(f.seq, 1010);
	ga_tcp_fin_of(&g, 1, 1, &f);            /* to-server, after */
	ck_assert_uint_eq(f.seq, 7000);
	ck_assert_uint_eq(f.ack, 1010);
	ck_assert(f.src == g.dst && f.dst == g.src);
	ck_assert(f.sport == g.dport && f.dport == g.sport);
	ga_tcp_fin_of(&g, 1, 0, &f);            /* ... at */
	ck_assert_uint_eq(f.ack, 1000);

	ck_assert_uint_eq(ga_tcp_fin_build(&f, fin), GA_TCP_FIN_LEN);
	ck_assert_int_eq(ga_tcp_seg_parse(fin, sizeof(fin), &back), 0);
	ck_assert_uint_eq(back.flags, 0x11);
	ck_assert_uint_eq(back.payload, 0);
	ck_assert_uint_eq(back.seq, 7000);
	ck_assert_uint_eq(back.ack, 1000);
	ck_assert(back.src == g.dst && back.dport == g.sport);
	for (i = 0; i < 20; i += 2)             /* the IP header's sum */
		sum += (uint32_t)fin[i] << 8 | fin[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ck_assert_uint_eq(sum, 0xffff);
	sum = 6 + 20;                           /* TCP's, pseudo-header */
	for (i = 12; i < 20; i += 2)
		sum += (uint32_t)fin[i] << 8 | fin[i + 1];
	for (i = 20; i < GA_TCP_FIN_LEN; i += 2)
		sum += (uint32_t)fin[i] << 8 | fin[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ck_assert_uint_eq(sum, 0xffff);
}
END_TEST

Suite *make_fault_point_suite(struct unit_needs *needs)
{
	Suite *s = suite_create("fault_point");
	TCase *tc;

	tc = tcase_create("parse");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_parse_good, 0, N(good));
	tcase_add_loop_test(tc, test_parse_bad, 0, N(bad));
	tcase_add_loop_test(tc, test_validate_bad, 0, N(bad_combination));
	tcase_add_test(tc, test_command_bytes);
	tcase_add_test(tc, test_seq_counts_data_not_acks);
	tcase_add_test(tc, test_dscp_mark);
	tcase_add_test(tc, test_fin_packet);
	tcase_add_test(tc, test_kind_table);
	suite_add_tcase(s, tc);

	tc = tcase_create("script");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_script, 0, N(scripts));
	tcase_add_test(tc, test_script_proxy);
	tcase_add_test(tc, test_script_refuses);
	tcase_add_test(tc, test_acts_refused);
	suite_add_tcase(s, tc);

	if (unit_needs_root(needs, "fault_point", "kernel", "network "
			    "namespaces and nf_tables")) {
		tc = tcase_create("kernel");
		tcase_set_timeout(tc, TIMEOUT);
		tcase_add_test(tc, test_tables_on_both_sides);
		tcase_add_test(tc, test_reset_at_command);
		tcase_add_test(tc, test_drop_after_bytes_then_lift);
		tcase_add_test(tc, test_pause_lets_acks_through);
		tcase_add_test(tc, test_mark_tells_the_other_side);
		tcase_add_test(tc, test_front_side_in_proxy_namespace);
		tcase_add_test(tc, test_apply_existing_table);
		tcase_add_test(tc, test_revert_when_gone);
		tcase_add_test(tc, test_kill_at_holds_the_packet);
		tcase_add_test(tc, test_kill_after_lets_it_pass);
		tcase_add_test(tc, test_crash_kills_the_server);
		suite_add_tcase(s, tc);
	}
	return s;
}
