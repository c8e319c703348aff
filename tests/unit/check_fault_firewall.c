/* check_fault_firewall.c - the "firewall" fault kind (faults/firewall.c):
 * parsing, validation, the nft script it writes, and the real thing.
 *
 * Parsing, validation and the script text need nothing.  The kernel tests
 * need root; without it their test case is not registered and is named as
 * skipped before the run (needs.h).  Each runs in Check's forked child
 * and first moves that child into a network namespace of its own
 * (unshare(CLONE_NEWNET)), so no rule and no lab ever lands in the host's
 * namespace.  Traffic goes only to 198.18.0.2, inside a lab the test
 * made.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <nftables/libnftables.h>

#include "faults/fault.h"
#include "faults/firewall.h"
#include "faults/stack.h"
#include "lab/lab.h"
#include "lab/netns.h"
#include "fault_util.h"
#include "lab_util.h"
#include "suites.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define TIMEOUT 30
#define PORT 3306
#define SILENCE_MS 300          /* how long a dropped connect waits */
#define ANSWER_MS 5000          /* how long an answered one may take */

static const struct ga_fault_kind *const fw = &ga_fault_firewall;

/* ------------------------------------------------------------------ */
/* Parsing and describing */

struct good_case {
	const char *text;
	const char *canonical;
};

static const struct good_case good[] = {
	{ "drop", "drop both" },
	{ "drop port 3306", "drop both port 3306" },
	{ "drop to-server", "drop to-server" },
	{ "drop from-server port 1", "drop from-server port 1" },
	{ "drop both loss 30%", "drop both loss 30%" },
	{ "drop loss 100%", "drop both loss 100%" },
	{ "drop loss 1% from-server port 65535",
	  "drop from-server port 65535 loss 1%" },
	{ "reject", "reject both with reset" },
	{ "reject to-server", "reject to-server with reset" },
	{ "reject to-server with reset", "reject to-server with reset" },
	{ "reject with icmp to-server", "reject to-server with icmp" },
	{ "reject\twith icmp  port 3307\t from-server",
	  "reject from-server port 3307 with icmp" },
	{ "drop port 00001", "drop both port 1" },
};

START_TEST(test_parse_good)
{
	const struct good_case *c = &good[_i];
	struct ga_fault_diag diag;
	char text[256];
	char again[256];
	void *spec;

	spec = unit_fault_parse_ok(fw, c->text);
	memset(&diag, 0, sizeof(diag));
	ck_assert_msg(fw->validate(spec, &diag) == 0, "validate '%s': %s",
		      c->text, diag.msg);
	fw->describe(spec, text, sizeof(text));
	ck_assert_str_eq(text, c->canonical);
	fw->free_spec(spec);

	/* The canonical form reads back as itself. */
	spec = unit_fault_parse_ok(fw, text);
	fw->describe(spec, again, sizeof(again));
	ck_assert_str_eq(again, text);
	fw->free_spec(spec);
}
END_TEST

struct bad_case {
	const char *text;
	size_t offset;
	const char *msg;
};

static const struct bad_case bad_parse[] = {
	{ "", 0, "expected drop or reject, found end of line" },
	{ "dorp", 0,
	  "expected drop or reject, found 'dorp'; did you mean 'drop'?" },
	{ "deny to-server", 0, "expected drop or reject, found 'deny'" },
	{ "to-server drop", 0, "expected drop or reject, found 'to-server'" },
	{ "drop to-sever", 5, "expected to-server, from-server, both, port, "
	  "loss or with, found 'to-sever'; did you mean 'to-server'?" },
	{ "drop  xyz", 6, "expected to-server, from-server, both, port, "
	  "loss or with, found 'xyz'" },
	{ "drop port", 9,
	  "expected a port number 1..65535 after 'port', found end of line" },
	{ "drop port 0", 10,
	  "expected a port number 1..65535 after 'port', found '0'" },
	{ "drop port 65536", 10,
	  "expected a port number 1..65535 after 'port', found '65536'" },
	{ "drop port 33o6", 10,
	  "expected a port number 1..65535 after 'port', found '33o6'" },
	{ "drop port -1", 10,
	  "expected a port number 1..65535 after 'port', found '-1'" },
	{ "drop port 1000000", 10,
	  "expected a port number 1..65535 after 'port', found '1000000'" },
	{ "drop port 18446744073709551617", 10, "expected a port number "
	  "1..65535 after 'port', found '18446744073709551617'" },
	{ "drop loss 30", 10,
	  "expected a percentage 1%..100% after 'loss', found '30'" },
	{ "drop loss 0%", 10,
	  "expected a percentage 1%..100% after 'loss', found '0%'" },
	{ "drop loss 101%", 10,
	  "expected a percentage 1%..100% after 'loss', found '101%'" },
	{ "drop loss 2.5%", 10,
	  "expected a percentage 1%..100% after 'loss', found '2.5%'" },
	{ "drop loss %", 10,
	  "expected a percentage 1%..100% after 'loss', found '%'" },
	{ "drop loss 4294967396%", 10, "expected a percentage 1%..100% "
	  "after 'loss', found '4294967396%'" },
	{ "reject with", 11,
	  "expected reset or icmp after 'with', found end of line" },
	{ "reject with rst", 12, "expected reset or icmp after 'with', "
	  "found 'rst'; did you mean 'reset'?" },
	{ "drop both to-server", 10, "a second direction 'to-server': give "
	  "one of to-server, from-server or both" },
	{ "drop port 1 port 2", 12, "'port' given twice" },
	{ "drop loss 5% loss 6%", 13, "'loss' given twice" },
	{ "reject with icmp with reset", 17, "'with' given twice" },
};

START_TEST(test_parse_bad)
{
	const struct bad_case *c = &bad_parse[_i];
	struct ga_fault_diag diag;
	void *spec = (void *)&diag;     /* must stay untouched */

	memset(&diag, 0, sizeof(diag));
	diag.offset = 999;
	ck_assert_msg(fw->parse(c->text, &spec, &diag) == -1,
		      "'%s' parsed", c->text);
	ck_assert_ptr_eq(spec, (void *)&diag);
	ck_assert_str_eq(diag.msg, c->msg);
	ck_assert_msg(diag.offset == c->offset, "'%s': offset %zu, expected "
		      "%zu", c->text, diag.offset, c->offset);
}
END_TEST

static const struct bad_case bad_combination[] = {
	{ "drop with reset", 5,
	  "'with' goes only with reject: a drop answers nothing" },
	{ "drop to-server port 3306 with icmp", 25,
	  "'with' goes only with reject: a drop answers nothing" },
	{ "reject loss 10%", 7, "'loss' goes only with drop: a reject "
	  "answers every packet it matches" },
	{ "reject to-server with icmp loss 50%", 27, "'loss' goes only with "
	  "drop: a reject answers every packet it matches" },
};

START_TEST(test_validate_bad)
{
	const struct bad_case *c = &bad_combination[_i];
	struct ga_fault_diag diag;
	void *spec;

	spec = unit_fault_parse_ok(fw, c->text);
	memset(&diag, 0, sizeof(diag));
	diag.offset = 999;
	ck_assert_int_eq(fw->validate(spec, &diag), -1);
	ck_assert_str_eq(diag.msg, c->msg);
	ck_assert_msg(diag.offset == c->offset, "'%s': offset %zu, expected "
		      "%zu", c->text, diag.offset, c->offset);
	fw->free_spec(spec);
}
END_TEST

START_TEST(test_kind_table)
{
	ck_assert_ptr_eq(ga_fault_kind_find("firewall"), fw);
	ck_assert_str_eq(fw->name, "firewall");
	ck_assert_ptr_nonnull(fw->usage);
	ck_assert_ptr_null(strchr(fw->usage, '\n'));
	ck_assert_ptr_nonnull(strstr(fw->usage, "drop|reject"));
	ck_assert(fw->parse && fw->validate && fw->describe &&
		  fw->free_spec && fw->ops->apply && fw->ops->revert);
}
END_TEST

/* ------------------------------------------------------------------ */
/* The nft script */

static void fake_target(struct ga_fault_target *t, const char *server_addr)
{
	memset(t, 0, sizeof(*t));
	t->client_ns = -1;
	t->server_ns = -1;
	t->client_if = "ga33c";
	t->server_if = "ga33s";
	t->client_addr = GA_LAB_CLIENT_ADDR;
	t->server_addr = server_addr;
	t->server_port = PORT;
	t->tag = 0x33;
	t->line = 1;
}

struct script_case {
	const char *text;
	const char *script;
};

#define TABLE "goneaway_33_1"
#define CREATE "create table inet " TABLE "\n"
#define INPUT "add chain inet " TABLE " input { type filter hook input " \
	"priority 0; policy accept; }\nadd rule inet " TABLE " input "
#define OUTPUT "add chain inet " TABLE " output { type filter hook output " \
	"priority 0; policy accept; }\nadd rule inet " TABLE " output "

static const struct script_case scripts[] = {
	{ "drop both",
	  CREATE
	  INPUT "ip daddr 198.18.0.2 tcp dport 3306 drop\n"
	  OUTPUT "ip saddr 198.18.0.2 tcp sport 3306 drop\n" },
	{ "drop to-server loss 30%",
	  CREATE
	  INPUT "ip daddr 198.18.0.2 tcp dport 3306 "
	  "numgen random mod 100 < 30 drop\n" },
	{ "drop to-server loss 100%",
	  CREATE
	  INPUT "ip daddr 198.18.0.2 tcp dport 3306 drop\n" },
	{ "reject to-server",
	  CREATE
	  INPUT "ip daddr 198.18.0.2 tcp dport 3306 reject with tcp reset\n" },
	/* The output rule lets the input rule's resets out. */
	{ "reject",
	  CREATE
	  INPUT "ip daddr 198.18.0.2 tcp dport 3306 reject with tcp reset\n"
	  OUTPUT "ip saddr 198.18.0.2 tcp sport 3306 tcp flags & rst == 0 "
	  "reject with tcp reset\n" },
	{ "reject with icmp",
	  CREATE
	  INPUT "ip daddr 198.18.0.2 tcp dport 3306 "
	  "reject with icmpx type port-unreachable\n"
	  OUTPUT "ip saddr 198.18.0.2 tcp sport 3306 "
	  "reject with icmpx type port-unreachable\n" },
	{ "reject from-server port 3307 with icmp",
	  CREATE
	  OUTPUT "ip saddr 198.18.0.2 tcp sport 3307 "
	  "reject with icmpx type port-unreachable\n" },
};

START_TEST(test_script)
{
	const struct script_case *c = &scripts[_i];
	struct ga_fault_target t;
	struct ga_error err;
	char buf[1024];
	void *spec;

	fake_target(&t, GA_LAB_SERVER_ADDR);
	spec = unit_fault_parse_ok(fw, c->text);
	memset(&err, 0, sizeof(err));
	ck_assert_msg(ga_firewall_script(spec, &t, TABLE, buf, sizeof(buf),
					 &err) == 0, "%s", err.msg);
	ck_assert_str_eq(buf, c->script);
	fw->free_spec(spec);
}
END_TEST

START_TEST(test_script_ipv6)
{
	struct ga_fault_target t;
	struct ga_error err;
	char buf[1024];
	void *spec;

	fake_target(&t, "fd00::2");
	spec = unit_fault_parse_ok(fw, "drop from-server");
	ck_assert_int_eq(ga_firewall_script(spec, &t, TABLE, buf, sizeof(buf),
					    &err), 0);
	ck_assert_str_eq(buf, CREATE OUTPUT
			 "ip6 saddr fd00::2 tcp sport 3306 drop\n");
	fw->free_spec(spec);
}
END_TEST

START_TEST(test_script_refuses)
{
	struct ga_fault_target t;
	struct ga_error err;
	char buf[1024];
	void *spec;
	void *state = (void *)&err;

	spec = unit_fault_parse_ok(fw, "drop");

	/* Names are never resolved: nft would ask DNS. */
	fake_target(&t, "localhost");
	ck_assert_int_eq(ga_firewall_script(spec, &t, TABLE, buf, sizeof(buf),
					    &err), -1);
	ck_assert_str_eq(err.msg, "firewall: the server address 'localhost' "
			 "is not a numeric IP address");
	/* ... and apply fails before it touches any namespace. */
	ck_assert_int_eq(fw->ops->apply(spec, &t, &state, &err), -1);
	ck_assert_ptr_null(state);
	ck_assert_ptr_nonnull(strstr(err.msg, "not a numeric IP address"));

	fake_target(&t, GA_LAB_SERVER_ADDR);
	ck_assert_int_eq(ga_firewall_script(spec, &t, "goneaway; flush "
					    "ruleset", buf, sizeof(buf), &err),
			 -1);
	ck_assert_int_eq(ga_firewall_script(spec, &t, TABLE, buf, 40, &err),
			 -1);
	ck_assert_ptr_nonnull(strstr(err.msg, "does not fit"));
	t.server_port = 0;
	ck_assert_int_eq(ga_firewall_script(spec, &t, TABLE, buf, sizeof(buf),
					    &err), -1);
	fw->free_spec(spec);
}
END_TEST

START_TEST(test_table_name)
{
	char buf[64];

	ck_assert_str_eq(ga_firewall_table_name(0xabcdef, 2, buf, sizeof(buf)),
			 "goneaway_abcdef_2");
	ck_assert_str_eq(ga_firewall_table_name(0x33, 1, buf, sizeof(buf)),
			 TABLE);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Helpers for the kernel tests; they run on ga_netns_run's threads and
 * never assert there. */

/* Moves this forked test process into a new network namespace. */
static void leave_host(void)
{
	ck_assert_msg(unshare(CLONE_NEWNET) == 0, "unshare(CLONE_NEWNET): %s",
		      strerror(errno));
}

/* A lab with a listener on GA_LAB_SERVER_ADDR:PORT in its server side. */
struct fw_lab {
	struct ga_lab lab;
	struct ga_fault_target t;
	int lfd;
};

static void lab_up(struct fw_lab *f, unsigned tag)
{
	struct ga_error err;

	leave_host();
	ck_assert_msg(ga_lab_create(&f->lab, tag, &err) == 0, "lab: %s",
		      err.msg);
	memset(&f->t, 0, sizeof(f->t));
	f->t.client_ns = f->lab.client_ns;
	f->t.server_ns = f->lab.server_ns;
	f->t.client_if = f->lab.client_if;
	f->t.server_if = f->lab.server_if;
	f->t.client_addr = GA_LAB_CLIENT_ADDR;
	f->t.server_addr = GA_LAB_SERVER_ADDR;
	f->t.server_port = PORT;
	f->t.tag = tag;
	f->t.line = 1;
	f->lfd = unit_tcp_listen(f->lab.server_ns, GA_LAB_SERVER_ADDR, PORT,
				 &err);
	ck_assert_msg(f->lfd >= 0, "listener: %s", err.msg);
}

static void lab_down(struct fw_lab *f)
{
	close(f->lfd);
	ga_lab_destroy(&f->lab);
}

/* One connect() from the client side: errno_seen is 0 (connected), the
 * connect's error, or ETIMEDOUT when nothing answered within wait_ms. */
struct probe {
	int wait_ms;
	int errno_seen;
};

static int probe_in_ns(void *arg, struct ga_error *err)
{
	struct probe *p = arg;
	struct sockaddr_in sa;
	struct pollfd pfd;
	socklen_t len = sizeof(p->errno_seen);
	int fd, rc;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return ga_error_errno(err, errno, "socket");
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons(PORT);
	inet_pton(AF_INET, GA_LAB_SERVER_ADDR, &sa.sin_addr);
	p->errno_seen = 0;
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		p->errno_seen = errno;
		if (errno == EINPROGRESS) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			rc = poll(&pfd, 1, p->wait_ms);
			if (rc == 0)
				p->errno_seen = ETIMEDOUT;
			else if (rc < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR,
						      &p->errno_seen, &len) < 0)
				p->errno_seen = errno;
		}
	}
	close(fd);
	return 0;
}

static int connect_result(const struct fw_lab *f, int wait_ms)
{
	struct probe p = { wait_ms, -1 };
	struct ga_error err;

	ck_assert_msg(ga_netns_run(f->lab.client_ns, probe_in_ns, &p, &err) ==
		      0, "probe: %s", err.msg);
	return p.errno_seen;
}

/* ------------------------------------------------------------------ */
/* The kernel tests */

/* Every good line applies in a namespace, makes one table, and goes. */
START_TEST(test_apply_each)
{
	const struct good_case *c = &good[_i];
	struct ga_fault_target t;
	void *spec, *state;
	int ns;

	leave_host();
	ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(ns, 0);
	fake_target(&t, GA_LAB_SERVER_ADDR);
	t.server_ns = ns;
	state = unit_fault_apply_ok(fw, c->text, &t, &spec);
	ck_assert_ptr_nonnull(state);
	ck_assert_int_eq(unit_nft_count_tables(ns), 1);
	unit_fault_revert_ok(fw, spec, &t, state);
	ck_assert_int_eq(unit_nft_count_tables(ns), 0);
	close(ns);
}
END_TEST

/* Lines whose rule the client hears about, and the errno it sees. */
struct traffic_case {
	const char *text;
	int errno_seen;         /* ETIMEDOUT: nothing within SILENCE_MS */
};

static const struct traffic_case traffic[] = {
	{ "reject to-server", ECONNREFUSED },
	{ "reject to-server with icmp", ECONNREFUSED },
	{ "reject", ECONNREFUSED },
	{ "drop to-server", ETIMEDOUT },
	{ "drop from-server", ETIMEDOUT },
	{ "drop", ETIMEDOUT },
	{ "drop to-server loss 100%", ETIMEDOUT },
	/* A from-server reject answers the server, not the client. */
	{ "reject from-server", ETIMEDOUT },
	{ "reject from-server with icmp", ETIMEDOUT },
};

START_TEST(test_traffic)
{
	const struct traffic_case *c = &traffic[_i];
	struct fw_lab f;
	void *spec, *state;
	int seen;

	lab_up(&f, 0xf10 + (unsigned)_i);
	ck_assert_int_eq(connect_result(&f, ANSWER_MS), 0);

	state = unit_fault_apply_ok(fw, c->text, &f.t, &spec);
	seen = connect_result(&f, c->errno_seen == ETIMEDOUT ? SILENCE_MS
							     : ANSWER_MS);
	ck_assert_msg(seen == c->errno_seen, "'%s': connect saw %s, "
		      "expected %s", c->text, strerror(seen),
		      strerror(c->errno_seen));

	unit_fault_revert_ok(fw, spec, &f.t, state);
	ck_assert_int_eq(unit_nft_count_tables(f.lab.server_ns), 0);
	seen = connect_result(&f, ANSWER_MS);
	ck_assert_msg(seen == 0, "after revert: %s", strerror(seen));
	lab_down(&f);
}
END_TEST

/* A rule on another port leaves the server's port alone. */
START_TEST(test_other_port)
{
	struct fw_lab f;
	void *spec, *state;

	lab_up(&f, 0xf20);
	state = unit_fault_apply_ok(fw, "reject port 3307", &f.t, &spec);
	ck_assert_int_eq(connect_result(&f, ANSWER_MS), 0);
	unit_fault_revert_ok(fw, spec, &f.t, state);
	lab_down(&f);
}
END_TEST

/* Two faults at once, each in its own table, lifted in reverse order:
 * each step shows which are still active, and nothing is left behind.
 * (A from-server drop also drops the resets a to-server reject sends
 * from the server's namespace: while both are on, the client hears
 * nothing.) */
START_TEST(test_two_faults)
{
	struct fw_lab f;
	void *spec1, *spec2, *state1, *state2;

	lab_up(&f, 0xf30);
	state1 = unit_fault_apply_ok(fw, "reject to-server", &f.t, &spec1);
	ck_assert_int_eq(connect_result(&f, ANSWER_MS), ECONNREFUSED);
	f.t.line = 2;           /* the second fault's line */
	state2 = unit_fault_apply_ok(fw, "drop from-server", &f.t, &spec2);
	ck_assert_int_eq(unit_nft_count_tables(f.lab.server_ns), 2);
	ck_assert_int_eq(unit_nft_count_tables(f.lab.client_ns), 0);
	ck_assert_int_eq(connect_result(&f, SILENCE_MS), ETIMEDOUT);

	unit_fault_revert_ok(fw, spec2, &f.t, state2);
	ck_assert_int_eq(unit_nft_count_tables(f.lab.server_ns), 1);
	ck_assert_int_eq(connect_result(&f, ANSWER_MS), ECONNREFUSED);

	unit_fault_revert_ok(fw, spec1, &f.t, state1);
	ck_assert_int_eq(unit_nft_count_tables(f.lab.server_ns), 0);
	ck_assert_int_eq(connect_result(&f, ANSWER_MS), 0);
	lab_down(&f);
}
END_TEST

/* Through the fault stack, each table is named after its run's tag and
 * its fault's line, and the unwind deletes each. */
START_TEST(test_table_per_line)
{
	struct ga_fault_stack fs;
	struct ga_error err;
	char out[4096];
	struct fw_lab f;
	void *spec1, *spec2;

	lab_up(&f, 0xf50);
	f.t.line = 0;           /* the stack says which line */
	memset(&fs, 0, sizeof(fs));
	spec1 = unit_fault_parse_ok(fw, "drop to-server");
	spec2 = unit_fault_parse_ok(fw, "reject from-server");
	ck_assert_msg(ga_fault_stack_apply(&fs, fw, spec1, "a", 12, &f.t,
					   &err) == 0, "%s", err.msg);
	ck_assert_msg(ga_fault_stack_apply(&fs, fw, spec2, "b", 15, &f.t,
					   &err) == 0, "%s", err.msg);
	unit_nft_cmd(f.lab.server_ns, "list tables", out, sizeof(out));
	ck_assert_msg(strstr(out, "table inet goneaway_f50_12\n") &&
		      strstr(out, "table inet goneaway_f50_15\n"),
		      "tables: %s", out);
	ck_assert_int_eq(unit_nft_count_tables(f.lab.server_ns), 2);
	/* the same line again while its table is there: refused, never
	 * adopted */
	ck_assert_int_eq(ga_fault_stack_apply(&fs, fw, spec1, "a", 12, &f.t,
					      &err), -1);
	ck_assert_msg(strstr(err.msg, "goneaway_f50_12") &&
		      strstr(err.msg, "File exists"), "%s", err.msg);
	ck_assert_int_eq(ga_fault_stack_unwind(&fs, &f.t, &err), 0);
	ck_assert_int_eq(unit_nft_count_tables(f.lab.server_ns), 0);
	fw->free_spec(spec1);
	fw->free_spec(spec2);
	lab_down(&f);
}
END_TEST

/* A table of the same name is never adopted: apply fails with nft's
 * own words and leaves the tables it found alone. */
START_TEST(test_apply_existing_table)
{
	struct ga_fault_target t;
	char out[4096];
	struct ga_error err;
	char cmd[512];
	char name[64];
	void *spec, *state = (void *)&err;
	size_t used = 0;
	unsigned n;
	int ns, rc;

	leave_host();
	ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(ns, 0);
	fake_target(&t, GA_LAB_SERVER_ADDR);
	t.server_ns = ns;
	/* The fault is on line 1: its table is _1. */
	for (n = 1; n <= 4; n++)
		used += (size_t)snprintf(cmd + used, sizeof(cmd) - used,
					 "add table inet %s\n",
					 ga_firewall_table_name(t.tag, n, name,
								sizeof(name)));
	unit_nft_cmd(ns, cmd, out, sizeof(out));

	spec = unit_fault_parse_ok(fw, "drop");
	memset(&err, 0, sizeof(err));
	rc = fw->ops->apply(spec, &t, &state, &err);
	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_null(state);
	ck_assert_str_eq(err.msg, "firewall (table inet goneaway_33_1): nft: "
			 "Could not process rule: File exists");
	ck_assert_int_eq(unit_nft_count_tables(ns), 4);
	fw->free_spec(spec);
	close(ns);
}
END_TEST

/* Revert finds nothing to undo: the table was deleted behind its back,
 * the namespace is gone, or apply left no state. */
START_TEST(test_revert_when_gone)
{
	char out[4096];
	struct ga_fault_target gone;
	struct ga_error err;
	struct fw_lab f;
	void *spec, *state;
	const char *name;
	char cmd[128];

	lab_up(&f, 0xf40);
	state = unit_fault_apply_ok(fw, "drop", &f.t, &spec);
	unit_nft_cmd(f.lab.server_ns, "list tables", out, sizeof(out));
	name = strstr(out, "goneaway_f40_");
	ck_assert_msg(name != NULL, "no table in: %s", out);
	snprintf(cmd, sizeof(cmd), "delete table inet %.*s",
		 (int)strcspn(name, "\n"), name);
	unit_nft_cmd(f.lab.server_ns, cmd, out, sizeof(out));
	ck_assert_int_eq(unit_nft_count_tables(f.lab.server_ns), 0);
	unit_fault_revert_ok(fw, spec, &f.t, state);

	state = unit_fault_apply_ok(fw, "drop", &f.t, &spec);
	gone = f.t;
	gone.server_ns = -1;
	unit_fault_revert_ok(fw, spec, &gone, state);
	/* (That table is the namespace's to take away; this one is not.) */
	ck_assert_int_eq(unit_nft_count_tables(f.lab.server_ns), 1);

	spec = unit_fault_parse_ok(fw, "drop");
	ck_assert_int_eq(fw->ops->revert(spec, &f.t, NULL, &err), 0);
	fw->free_spec(spec);
	lab_down(&f);
}
END_TEST

/* A namespace descriptor that does not work fails apply cleanly. */
START_TEST(test_apply_bad_namespace)
{
	struct ga_fault_target t;
	struct ga_error err;
	void *spec, *state = (void *)&err;

	fake_target(&t, GA_LAB_SERVER_ADDR);
	t.server_ns = -1;
	spec = unit_fault_parse_ok(fw, "drop");
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(fw->ops->apply(spec, &t, &state, &err), -1);
	ck_assert_ptr_null(state);
	ck_assert_msg(strstr(err.msg, "firewall (table inet goneaway_33_") &&
		      strstr(err.msg, strerror(EBADF)), "%s", err.msg);
	fw->free_spec(spec);
}
END_TEST

/* Makes socket(AF_NETLINK, ..., NETLINK_NETFILTER) fail with
 * EPROTONOSUPPORT in this forked test process and the threads it starts,
 * as on a kernel without nfnetlink.  (No architecture check: the filter
 * only ever returns an errno, inside this one test child.) */
static void block_nfnetlink(void)
{
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_socket, 0, 5),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_NETLINK, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, args[2])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, NETLINK_NETFILTER, 0, 1),
		BPF_STMT(BPF_RET | BPF_K,
			 SECCOMP_RET_ERRNO | (EPROTONOSUPPORT & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(code) / sizeof(code[0]), code };

	ck_assert_int_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	ck_assert_msg(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog) == 0,
		      "seccomp: %s", strerror(errno));
}

/* Without nf_tables the fault is UNSUPPORTED (the scenario skips), and
 * the process lives on: libnftables itself would exit() here. */
START_TEST(test_unsupported)
{
	struct ga_fault_target t;
	struct ga_error err;
	void *spec, *state = (void *)&err;
	int ns;

	leave_host();
	ns = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(ns, 0);
	fake_target(&t, GA_LAB_SERVER_ADDR);
	t.server_ns = ns;
	block_nfnetlink();
	spec = unit_fault_parse_ok(fw, "reject");
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(fw->ops->apply(spec, &t, &state, &err),
			 GA_FAULT_UNSUPPORTED);
	ck_assert_ptr_null(state);
	ck_assert_str_eq(err.msg, "firewall (table inet goneaway_33_1): "
			 "nf_tables unavailable: cannot open a netfilter "
			 "netlink socket: Protocol not supported");
	fw->free_spec(spec);
	close(ns);
}
END_TEST

Suite *make_fault_firewall_suite(struct unit_needs *needs)
{
	Suite *s;
	TCase *tc;

	s = suite_create("fault_firewall");

	tc = tcase_create("parse");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_parse_good, 0, N(good));
	tcase_add_loop_test(tc, test_parse_bad, 0, N(bad_parse));
	tcase_add_loop_test(tc, test_validate_bad, 0, N(bad_combination));
	tcase_add_test(tc, test_kind_table);
	suite_add_tcase(s, tc);

	tc = tcase_create("script");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_script, 0, N(scripts));
	tcase_add_test(tc, test_script_ipv6);
	tcase_add_test(tc, test_script_refuses);
	tcase_add_test(tc, test_table_name);
	tcase_add_test(tc, test_apply_bad_namespace);
	suite_add_tcase(s, tc);

	if (unit_needs_root(needs, "fault_firewall", "kernel",
			    "network namespaces, nftables")) {
		tc = tcase_create("kernel");
		tcase_set_timeout(tc, TIMEOUT);
		tcase_add_loop_test(tc, test_apply_each, 0, N(good));
		tcase_add_loop_test(tc, test_traffic, 0, N(traffic));
		tcase_add_test(tc, test_other_port);
		tcase_add_test(tc, test_two_faults);
		tcase_add_test(tc, test_table_per_line);
		tcase_add_test(tc, test_apply_existing_table);
		tcase_add_test(tc, test_unsupported);
		tcase_add_test(tc, test_revert_when_gone);
		suite_add_tcase(s, tc);
	}

	return s;
}
