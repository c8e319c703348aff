/* check_fault_qdisc.c - the "tbf" and "netem" fault kinds
 * (faults/qdisc.c): parsing, validation, the netlink messages they build,
 * and the real thing inside a lab.
 *
 * Parsing, validation and message building need nothing: the messages
 * are built in memory and read back attribute by attribute.  The kernel
 * tests need root; without it their test case is not registered and is
 * named as skipped before the run (needs.h).  Each runs in Check's forked
 * child and first moves that child into a network namespace of its own
 * (unshare(CLONE_NEWNET)), so no qdisc and no lab ever lands in the
 * host's namespace.  No traffic is sent at all: the qdiscs are read back
 * from the kernel.
 *
 * The netem kernel test passes on both kinds of kernels, and checks
 * something on each: without sch_netem, that apply says so
 * (GA_FAULT_UNSUPPORTED, with the reason) and leaves nothing behind; with
 * it, that the qdisc is there and goes away on revert.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

#include <netlink/attr.h>
#include <netlink/cache.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/utils.h>
#include <netlink/route/link.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/tc.h>
#include <netlink/route/qdisc/tbf.h>

#include "faults/fault.h"
#include "faults/qdisc.h"
#include "lab/lab.h"
#include "lab/netns.h"
#include "fault_util.h"
#include "suites.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define TIMEOUT 30
#define IFINDEX 7               /* any number will do for built messages */

static const struct ga_fault_kind *kind_named(const char *name)
{
	const struct ga_fault_kind *k = ga_fault_kind_find(name);

	ck_assert_msg(k != NULL, "no fault kind '%s'", name);
	return k;
}

/* Parses and validates text; the spec is the caller's (free_spec). */
static void *spec_ok(const struct ga_fault_kind *k, const char *text)
{
	struct ga_fault_diag diag;
	void *spec = unit_fault_parse_ok(k, text);

	memset(&diag, 0, sizeof(diag));
	ck_assert_msg(k->validate(spec, &diag) == 0,
		      "%s validate '%s': %s", k->name, text, diag.msg);
	return spec;
}

/* ------------------------------------------------------------------ */
/* The kinds' tables */

START_TEST(test_kinds_complete)
{
	const char *names[] = { "tbf", "netem" };
	int i;

	ck_assert_ptr_eq(ga_fault_kind_find("tbf"), &ga_fault_tbf);
	ck_assert_ptr_eq(ga_fault_kind_find("netem"), &ga_fault_netem);
	for (i = 0; i < N(names); i++) {
		const struct ga_fault_kind *k = kind_named(names[i]);

		ck_assert_str_eq(k->name, names[i]);
		ck_assert_ptr_nonnull(k->usage);
		ck_assert_msg(strncmp(k->usage, names[i], strlen(names[i])) == 0,
			      "usage '%s'", k->usage);
		ck_assert_ptr_null(strchr(k->usage, '\n'));
		ck_assert_ptr_nonnull(k->parse);
		ck_assert_ptr_nonnull(k->validate);
		ck_assert_ptr_nonnull(k->describe);
		ck_assert_ptr_nonnull(k->free_spec);
		ck_assert_ptr_nonnull(k->ops->apply);
		ck_assert_ptr_nonnull(k->ops->revert);
	}
}
END_TEST

/* ------------------------------------------------------------------ */
/* Good lines: canonical description, and a round trip through it */

static const struct {
	const char *kind;
	const char *args;
	const char *describe;
} good[] = {
	/* tbf: defaults (burst max(rate/10, 1600b), latency 1s) */
	{ "tbf", "on server rate 16kbit",
	  "tbf on server rate 16kbit burst 1600b latency 1s" },
	{ "tbf", "on client rate 2kbps burst 3000b limit 10k",
	  "tbf on client rate 16kbit burst 3000b limit 10240b" },
	{ "tbf", "on server rate 1.5mbit latency 400ms",
	  "tbf on server rate 1500kbit burst 18750b latency 400ms" },
	{ "tbf", "on server  rate 1gbit\tlatency 50ms",
	  "tbf on server rate 1gbit burst 12500000b latency 50ms" },
	{ "tbf", "on server latency 2s burst 1.5kb rate 100Kbit",
	  "tbf on server rate 100kbit burst 1536b latency 2s" },
	{ "tbf", "on server rate 128bit burst 1514 limit 1MiB",
	  "tbf on server rate 128bit burst 1514b limit 1048576b" },
	{ "tbf", "on client rate 1kbps latency 300us",
	  "tbf on client rate 8kbit burst 1600b latency 300us" },
	{ "tbf", "on server rate 2gbps latency 10ms",
	  "tbf on server rate 16gbit burst 200000000b latency 10ms" },
	/* netem */
	{ "netem", "on server delay 3s loss 30%",
	  "netem on server delay 3s loss 30%" },
	{ "netem", "on client delay 100ms jitter 10ms",
	  "netem on client delay 100ms jitter 10ms" },
	{ "netem", "on server loss 0.5% duplicate 1% corrupt 0.000001%",
	  "netem on server loss 0.5% duplicate 1% corrupt 0.000001%" },
	{ "netem", "on server delay 1.5s reorder 25%",
	  "netem on server delay 1500ms reorder 25%" },
	{ "netem", "on server reorder 10% delay 300us",
	  "netem on server delay 300us reorder 10%" },
	{ "netem", "on client loss 100%",
	  "netem on client loss 100%" },
	{ "netem", "on server delay 100s jitter 1.001s",
	  "netem on server delay 100s jitter 1001ms" },
	{ "netem", "on server corrupt 12.5%",
	  "netem on server corrupt 12.5%" },
	/* every number at its bounds */
	{ "tbf", "on server rate 17179869176bit limit 1514b",
	  "tbf on server rate 17179869176bit burst 214748364b limit 1514b" },
	{ "tbf", "on server rate 17gbit burst 2147462395b limit 2147483647b",
	  "tbf on server rate 17gbit burst 2147462395b limit 2147483647b" },
	{ "tbf", "on server rate 8kbit latency 100s",
	  "tbf on server rate 8kbit burst 1600b latency 100s" },
	{ "tbf", "on server rate 1mbit latency 1us",
	  "tbf on server rate 1mbit burst 12500b latency 1us" },
	{ "netem", "on server delay 100s jitter 100s",
	  "netem on server delay 100s jitter 100s" },
	{ "netem", "on server delay 1us jitter 1us",
	  "netem on server delay 1us jitter 1us" },
	{ "netem", "on server loss 0.000001% duplicate 100% corrupt 100%",
	  "netem on server loss 0.000001% duplicate 100% corrupt 100%" },
};

START_TEST(test_parse_good)
{
	const struct ga_fault_kind *k = kind_named(good[_i].kind);
	char line[512], again[512];
	size_t n = strlen(k->name);
	void *spec, *spec2;

	spec = spec_ok(k, good[_i].args);
	k->describe(spec, line, sizeof(line));
	ck_assert_str_eq(line, good[_i].describe);

	/* The description, without the kind's word, is a line that
	 * parses to the same spec. */
	ck_assert(strncmp(line, k->name, n) == 0 && line[n] == ' ');
	spec2 = spec_ok(k, line + n + 1);
	k->describe(spec2, again, sizeof(again));
	ck_assert_str_eq(again, line);
	k->free_spec(spec2);

	/* A small buffer gets a cut, terminated description. */
	k->describe(spec, line, 8);
	ck_assert_uint_eq(strlen(line), 7);
	k->free_spec(spec);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Bad lines: where and what */

static const struct {
	const char *kind;
	const char *args;
	size_t offset;
	const char *msg;        /* a substring of the message */
} bad[] = {
	{ "tbf", "", 0,
	  "expected 'on server' or 'on client', found end of line" },
	{ "tbf", "rate 1mbit", 0,
	  "expected 'on server' or 'on client', found 'rate'" },
	{ "tbf", "on serv rate 1mbit", 3,
	  "expected 'on server' or 'on client', found 'serv'" },
	{ "netem", "on", 2,
	  "expected 'on server' or 'on client', found end of line" },
	{ "netem", "on Server loss 1%", 3, "found 'Server'" },
	{ "tbf", "on server rate", 10, "'rate' needs a value (RATE)" },
	{ "tbf", "on server rate 16kbt", 15, "'16kbt' is not a rate" },
	{ "tbf", "on server rate 1000", 15, "'1000' is not a rate" },
	{ "tbf", "on server rate -1mbit", 15, "'-1mbit' is not a rate" },
	{ "tbf", "on server rate 1e6bit", 15, "'1e6bit' is not a rate" },
	{ "tbf", "on server rate 0kbit", 15, "rate must be more than 0" },
	{ "tbf", "on server rate 12bit", 15,
	  "rate '12bit' is not a whole number of bytes per second" },
	{ "tbf", "on server rate 0.5bit", 15, "'0.5bit' is not a rate" },
	{ "tbf", "on server rate 100gbit", 15,
	  "rate '100gbit' is more than 2147483647 bytes/s" },
	{ "tbf", "on server rate 1mbit burst 1000b", 27,
	  "burst '1000b' is less than 1514b, one full Ethernet frame" },
	{ "tbf", "on server rate 1mbit limit 1k", 27,
	  "limit '1k' is less than 1514b" },
	{ "tbf", "on server rate 1mbit burst 3tb", 27,
	  "'3tb' is not a size" },
	{ "tbf", "on server rate 1mbit burst 3gb", 27,
	  "burst '3gb' is more than 2147483647 bytes" },
	{ "tbf", "on server rate 1mbit burst 3000m", 27,
	  "burst '3000m' is more than 2147483647 bytes" },
	{ "tbf", "on server rate 1mbit rate 2mbit", 21,
	  "'rate' given twice" },
	{ "tbf", "on server rate 1mbit foo 1", 21,
	  "unknown tbf option 'foo' (expected rate, burst, limit or latency)" },
	{ "tbf", "on server rate 1mbit latency 0s", 29,
	  "latency must be more than 0" },
	{ "tbf", "on server rate 1mbit latency 101s", 29,
	  "latency '101s' is more than 100s" },
	{ "tbf", "on server rate 1mbit latency 1", 29,
	  "'1' is not a duration" },
	{ "netem", "on server loss 30", 15, "'30' is not a percentage" },
	{ "netem", "on server loss 0%", 15, "loss must be more than 0%" },
	{ "netem", "on server loss 100.5%", 15,
	  "loss '100.5%' is more than 100%" },
	{ "netem", "on server loss 0.0000001%", 15,
	  "'0.0000001%' is not a percentage" },
	{ "netem", "on server loss .5%", 15, "'.5%' is not a percentage" },
	{ "netem", "on server loss 5.%", 15, "'5.%' is not a percentage" },
	{ "netem", "on server delay 1.5us", 16, "'1.5us' is not a duration" },
	{ "netem", "on server delay 3 s", 16, "'3' is not a duration" },
	{ "netem", "on server delay 1ms jitter", 20,
	  "'jitter' needs a value (DURATION)" },
	{ "netem", "on server delay 100ms 10ms", 22,
	  "'10ms' after 'delay': netem's correlations and tc's jitter without 'jitter' are not supported" },
	{ "netem", "on server loss 30% 25%", 19,
	  "'25%' after 'loss': netem's correlations" },
	{ "netem", "on server rate 1mbit", 10,
	  "netem's 'rate' is not supported (by the kernel's netem nor goneaway's): give delay, jitter, loss, duplicate, corrupt or reorder; for a rate, a tbf fault" },
	{ "netem", "on server delay 1s distribution normal", 19,
	  "netem's 'distribution' is not supported" },
	{ "netem", "on server burst 10k", 10,
	  "unknown netem option 'burst' (expected delay, jitter, loss, duplicate, corrupt or reorder)" },
	{ "netem", "on server delay 1ms delay 2ms", 20,
	  "'delay' given twice" },
	{ "netem", "on client duplicate 1% corrupt", 23,
	  "'corrupt' needs a value (P%)" },
	{ "netem",
	  "on server delay 1000000000000000000000000000000000000000000000000000000000000000000ms",
	  16, "is not a duration" },
	/* every number just past its bounds */
	{ "tbf", "on server rate 17179869184bit", 15,
	  "rate '17179869184bit' is more than 2147483647 bytes/s" },
	{ "tbf", "on server rate 99999999999999999999999gbit", 15,
	  "is not a rate" },
	{ "tbf", "on server rate 1mbit burst 1513b", 27,
	  "burst '1513b' is less than 1514b" },
	{ "tbf", "on server rate 1mbit limit 2147483648b", 27,
	  "limit '2147483648b' is more than 2147483647 bytes" },
	{ "tbf", "on server rate 1mbit burst 99999999999999999999999m", 27,
	  "is not a size" },
	{ "tbf", "on server rate 1mbit latency 100.000001s", 29,
	  "latency '100.000001s' is more than 100s" },
	{ "netem", "on server delay 100000001us", 16,
	  "delay '100000001us' is more than 100s" },
	{ "netem", "on server delay 1s jitter 0us", 26,
	  "jitter must be more than 0" },
	{ "netem", "on server loss 100.000001%", 15,
	  "loss '100.000001%' is more than 100%" },
	{ "netem", "on server loss 99999999999999999999999%", 15,
	  "is not a percentage" },
};

START_TEST(test_parse_bad)
{
	const struct ga_fault_kind *k = kind_named(bad[_i].kind);
	struct ga_fault_diag diag;
	void *spec = (void *)&diag;     /* must stay untouched */

	memset(&diag, 0, sizeof(diag));
	diag.offset = 999;
	ck_assert_msg(k->parse(bad[_i].args, &spec, &diag) == -1,
		      "%s '%s' parsed", k->name, bad[_i].args);
	ck_assert_ptr_eq(spec, &diag);
	ck_assert_msg(strstr(diag.msg, bad[_i].msg) != NULL,
		      "%s '%s': message '%s', expected '%s'", k->name,
		      bad[_i].args, diag.msg, bad[_i].msg);
	ck_assert_msg(diag.offset == bad[_i].offset,
		      "%s '%s': offset %zu, expected %zu (%s)", k->name,
		      bad[_i].args, diag.offset, bad[_i].offset, diag.msg);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Lines that parse but do not make sense together */

static const struct {
	const char *kind;
	const char *args;
	const char *msg;
	size_t offset;          /* the word in question, 0: the whole line */
} invalid[] = {
	{ "netem", "on server",
	  "netem needs at least one of delay, loss, duplicate, corrupt or reorder", 0 },
	{ "netem", "on server reorder 10%",
	  "reordering not possible without specifying some delay", 0 },
	{ "netem", "on client loss 1% reorder 50%",
	  "reordering not possible without specifying some delay", 0 },
	{ "netem", "on server jitter 10ms loss 1%", "jitter needs a delay", 0 },
	{ "tbf", "on server", "tbf needs 'rate RATE'", 0 },
	{ "tbf", "on server burst 2000b", "tbf needs 'rate RATE'", 0 },
	{ "tbf", "on server rate 1mbit limit 10k latency 1s",
	  "give either 'limit SIZE' or 'latency DURATION', not both", 0 },
	{ "tbf", "on server rate 16bit",
	  "a burst of 1600b takes more than 100s to fill at 16bit", 0 },
	{ "tbf", "on server rate 16gbit latency 100s",
	  "16gbit for the latency queues more than 2147483647 bytes", 0 },
	{ "tbf", "on server rate 8bit burst 1514b limit 1514b",
	  "a burst of 1514b takes more than 100s to fill at 8bit", 0 },
	/* The bucket sent is the burst plus a margin against the ticks'
	 * rounding (rate / 100000 + 2 bytes: 21252b at 17gbit), and it
	 * travels as an int: a burst near 2 GiB wrapped negative. */
	{ "tbf", "on server rate 17gbit burst 2047.984375m limit 2047m",
	  "a burst of 2147467264b is more than 2147462395b, the largest at "
	  "17gbit", 28 },
	{ "tbf", "on server rate 17gbit burst 2147462396b limit 2047m",
	  "a burst of 2147462396b is more than 2147462395b, the largest at "
	  "17gbit", 28 },
	/* libnl makes the limit rate * latency + that bucket, an int too */
	{ "tbf", "on server rate 17gbit burst 2095057k latency 1ms",
	  "17gbit for the latency queues more than 2147483647 bytes", 0 },
};

START_TEST(test_validate_bad)
{
	const struct ga_fault_kind *k = kind_named(invalid[_i].kind);
	struct ga_fault_diag diag;
	struct ga_error err;
	struct nl_msg *msg = NULL;
	void *spec;

	spec = unit_fault_parse_ok(k, invalid[_i].args);
	memset(&diag, 0, sizeof(diag));
	diag.offset = 999;
	ck_assert_int_eq(k->validate(spec, &diag), -1);
	ck_assert_msg(diag.offset == invalid[_i].offset,
		      "%s '%s': offset %zu, expected %zu (%s)", k->name,
		      invalid[_i].args, diag.offset, invalid[_i].offset,
		      diag.msg);
	ck_assert_msg(strstr(diag.msg, invalid[_i].msg) != NULL,
		      "%s '%s': message '%s', expected '%s'", k->name,
		      invalid[_i].args, diag.msg, invalid[_i].msg);

	/* The builder refuses it too, with the same reason. */
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(ga_qdisc_build_msg(spec, IFINDEX, &msg, &err), -1);
	ck_assert_ptr_null(msg);
	ck_assert_msg(strstr(err.msg, invalid[_i].msg) != NULL, "%s",
		      err.msg);
	k->free_spec(spec);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Conversions */

START_TEST(test_probability)
{
	/* round(p * UINT32_MAX / 100), p in millionths of a percent */
	ck_assert_uint_eq(ga_qdisc_probability(100000000), UINT32_MAX);
	ck_assert_uint_eq(ga_qdisc_probability(50000000), 2147483648u);
	ck_assert_uint_eq(ga_qdisc_probability(30000000), 1288490189u);
	ck_assert_uint_eq(ga_qdisc_probability(25000000), 1073741824u);
	ck_assert_uint_eq(ga_qdisc_probability(1000000), 42949673u);
	ck_assert_uint_eq(ga_qdisc_probability(500000), 21474836u);
	ck_assert_uint_eq(ga_qdisc_probability(1), 43u);
	ck_assert_uint_eq(ga_qdisc_probability(0), 0);
	ck_assert_uint_eq(ga_qdisc_probability(200000000), UINT32_MAX);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Built messages, read back */

/* The parts of an RTM_NEWQDISC request the tests look at. */
struct request {
	struct nlmsghdr *hdr;
	struct tcmsg *tcm;
	struct nlattr *tb[TCA_MAX + 1];
};

/* Builds the request for kind/args on IFINDEX and checks what every
 * request has: type, flags, root, handle 1:0, the kind.  Free *msgp
 * with nlmsg_free(). */
static void build(const char *kind, const char *args, struct nl_msg **msgp,
		  struct request *r)
{
	const struct ga_fault_kind *k = kind_named(kind);
	struct ga_error err;
	void *spec;
	int rc;

	spec = spec_ok(k, args);
	memset(&err, 0, sizeof(err));
	*msgp = NULL;
	rc = ga_qdisc_build_msg(spec, IFINDEX, msgp, &err);
	k->free_spec(spec);
	ck_assert_msg(rc == 0, "build %s %s: %s", kind, args, err.msg);
	ck_assert_ptr_nonnull(*msgp);

	r->hdr = nlmsg_hdr(*msgp);
	ck_assert_uint_eq(r->hdr->nlmsg_type, RTM_NEWQDISC);
	/* NLM_F_REQUEST is libnl's to add when it sends (netem's builder
	 * sets it early, tbf's does not). */
	ck_assert_uint_eq(r->hdr->nlmsg_flags & (NLM_F_CREATE | NLM_F_EXCL |
						  NLM_F_REPLACE),
			  NLM_F_CREATE | NLM_F_EXCL);
	r->tcm = nlmsg_data(r->hdr);
	ck_assert_int_eq(r->tcm->tcm_family, AF_UNSPEC);
	ck_assert_int_eq(r->tcm->tcm_ifindex, IFINDEX);
	ck_assert_uint_eq(r->tcm->tcm_parent, TC_H_ROOT);
	ck_assert_uint_eq(r->tcm->tcm_handle, GA_QDISC_HANDLE);
	ck_assert_uint_eq(GA_QDISC_HANDLE, TC_HANDLE(1, 0));
	ck_assert_int_eq(nlmsg_parse(r->hdr, sizeof(struct tcmsg), r->tb,
				     TCA_MAX, NULL), 0);
	ck_assert_ptr_nonnull(r->tb[TCA_KIND]);
	ck_assert_str_eq(nla_get_string(r->tb[TCA_KIND]), kind);
	ck_assert_ptr_nonnull(r->tb[TCA_OPTIONS]);
}

/* tbf puts TCA_OPTIONS as a nest: TCA_TBF_PARMS and the rate table. */
static void tbf_options(struct request *r, struct tc_tbf_qopt *q)
{
	struct nlattr *tb[TCA_TBF_MAX + 1];

	ck_assert_int_eq(nla_parse_nested(tb, TCA_TBF_MAX, r->tb[TCA_OPTIONS],
					  NULL), 0);
	ck_assert_ptr_nonnull(tb[TCA_TBF_PARMS]);
	ck_assert_int_eq(nla_len(tb[TCA_TBF_PARMS]), sizeof(*q));
	memcpy(q, nla_data(tb[TCA_TBF_PARMS]), sizeof(*q));
	ck_assert_ptr_nonnull(tb[TCA_TBF_RTAB]);
	ck_assert_int_eq(nla_len(tb[TCA_TBF_RTAB]), 256 * sizeof(uint32_t));
	ck_assert_ptr_null(tb[TCA_TBF_PTAB]);   /* no peak rate */
	ck_assert_ptr_null(tb[TCA_TBF_RATE64]); /* 32 bits are enough */
}

static const struct {
	const char *args;
	uint32_t rate;          /* bytes/s */
	uint32_t limit;         /* bytes */
	uint32_t fill_us;       /* the bucket's fill time: burst / rate */
} tbf_msgs[] = {
	/* limit = rate * latency + burst, libnl's formula; the burst sent
	 * is the one asked for plus BURST_MARGIN (rate / 100000 + 2 bytes)
	 * against the ticks' rounding */
	{ "on server rate 16kbit", 2000, 2000 + 1602, 801000 },
	{ "on server rate 16kbit burst 1600b limit 3000b", 2000, 3000, 801000 },
	{ "on server rate 2kbps burst 4000 latency 500ms", 2000,
	  1000 + 4002, 2001000 },
	{ "on client rate 1mbit", 125000, 125000 + 12503, 100024 },
	{ "on server rate 8mbit latency 10ms", 1000000, 10000 + 100012,
	  100012 },
	/* the largest bucket at 17gbit: 2147483647 bytes with the margin */
	{ "on server rate 17gbit burst 2147462395b limit 2047m", 2125000000,
	  2146435072, 1010580 },
	/* the largest limit by latency: rate * latency + bucket */
	{ "on server rate 17gbit burst 2145337395b latency 1ms", 2125000000,
	  2147483647, 1009580 },
};

START_TEST(test_tbf_message)
{
	struct tc_tbf_qopt q;
	struct request r;
	struct nl_msg *msg;

	build("tbf", tbf_msgs[_i].args, &msg, &r);
	tbf_options(&r, &q);
	ck_assert_uint_eq(q.rate.rate, tbf_msgs[_i].rate);
	ck_assert_uint_eq(q.limit, tbf_msgs[_i].limit);
	/* The kernel takes the bucket as its fill time in scheduler
	 * ticks (/proc/net/psched). */
	ck_assert_uint_eq(q.buffer, nl_us2ticks(tbf_msgs[_i].fill_us));
	ck_assert_uint_eq(q.peakrate.rate, 0);
	ck_assert_uint_eq(q.mtu, 0);
	nlmsg_free(msg);
}
END_TEST

/* netem puts struct tc_netem_qopt straight into TCA_OPTIONS, followed
 * by its own attributes (iproute2 does the same). */
static void netem_options(struct request *r, struct tc_netem_qopt *q,
			  struct nlattr **tb)
{
	struct nlattr *opts = r->tb[TCA_OPTIONS];
	int rest;

	ck_assert_int_ge(nla_len(opts), sizeof(*q));
	memcpy(q, nla_data(opts), sizeof(*q));
	rest = nla_len(opts) - (int)NLA_ALIGN(sizeof(*q));
	memset(tb, 0, (TCA_NETEM_MAX + 1) * sizeof(*tb));
	if (rest > 0)
		ck_assert_int_eq(nla_parse(tb, TCA_NETEM_MAX,
					   (struct nlattr *)((char *)nla_data(opts) +
							     NLA_ALIGN(sizeof(*q))),
					   rest, NULL), 0);
}

START_TEST(test_netem_message_all)
{
	struct nlattr *tb[TCA_NETEM_MAX + 1];
	struct tc_netem_reorder ro;
	struct tc_netem_corrupt co;
	struct tc_netem_qopt q;
	struct request r;
	struct nl_msg *msg;

	build("netem", "on client delay 100ms jitter 10ms loss 30% duplicate 1% "
	      "corrupt 0.5% reorder 25%", &msg, &r);
	netem_options(&r, &q, tb);
	/* libnl 3.7 sends delay and jitter only as 32-bit scheduler ticks
	 * in tc_netem_qopt, never TCA_NETEM_LATENCY64/JITTER64; if a later
	 * libnl adds those, they must say the same, in nanoseconds. */
	ck_assert_uint_eq(q.latency, nl_us2ticks(100000));
	ck_assert_uint_eq(q.jitter, nl_us2ticks(10000));
	if (tb[TCA_NETEM_LATENCY64])
		ck_assert_int_eq(nla_get_s64(tb[TCA_NETEM_LATENCY64]),
				 100000000);
	if (tb[TCA_NETEM_JITTER64])
		ck_assert_int_eq(nla_get_s64(tb[TCA_NETEM_JITTER64]),
				 10000000);
	ck_assert_uint_eq(q.loss, ga_qdisc_probability(30000000));
	ck_assert_uint_eq(q.loss, 1288490189u);
	ck_assert_uint_eq(q.duplicate, ga_qdisc_probability(1000000));
	ck_assert_uint_eq(q.limit, 1000);       /* packets: libnl's default */
	ck_assert_uint_eq(q.gap, 1);            /* reorder: libnl, like tc */

	ck_assert_ptr_nonnull(tb[TCA_NETEM_REORDER]);
	ck_assert_int_eq(nla_len(tb[TCA_NETEM_REORDER]), sizeof(ro));
	memcpy(&ro, nla_data(tb[TCA_NETEM_REORDER]), sizeof(ro));
	ck_assert_uint_eq(ro.probability, ga_qdisc_probability(25000000));
	ck_assert_uint_eq(ro.correlation, 0);

	ck_assert_ptr_nonnull(tb[TCA_NETEM_CORRUPT]);
	ck_assert_int_eq(nla_len(tb[TCA_NETEM_CORRUPT]), sizeof(co));
	memcpy(&co, nla_data(tb[TCA_NETEM_CORRUPT]), sizeof(co));
	ck_assert_uint_eq(co.probability, ga_qdisc_probability(500000));
	ck_assert_uint_eq(co.correlation, 0);

	ck_assert_ptr_null(tb[TCA_NETEM_CORR]);         /* no correlations */
	ck_assert_ptr_null(tb[TCA_NETEM_DELAY_DIST]);
	ck_assert_ptr_null(tb[TCA_NETEM_LOSS]);
	ck_assert_ptr_null(tb[TCA_NETEM_RATE]);
	nlmsg_free(msg);
}
END_TEST

START_TEST(test_netem_message_minimal)
{
	struct nlattr *tb[TCA_NETEM_MAX + 1];
	struct tc_netem_qopt q;
	struct request r;
	struct nl_msg *msg;
	int i;

	build("netem", "on server loss 100%", &msg, &r);
	netem_options(&r, &q, tb);
	ck_assert_uint_eq(q.loss, UINT32_MAX);
	ck_assert_uint_eq(q.latency, 0);
	ck_assert_uint_eq(q.jitter, 0);
	ck_assert_uint_eq(q.duplicate, 0);
	ck_assert_uint_eq(q.gap, 0);
	ck_assert_uint_eq(q.limit, 1000);
	for (i = 0; i <= TCA_NETEM_MAX; i++)
		ck_assert_msg(tb[i] == NULL, "unexpected netem attribute %d", i);
	nlmsg_free(msg);

	build("netem", "on server delay 3s", &msg, &r);
	netem_options(&r, &q, tb);
	ck_assert_uint_eq(q.latency, nl_us2ticks(3000000));
	ck_assert_uint_eq(q.loss, 0);
	ck_assert_ptr_null(tb[TCA_NETEM_REORDER]);
	ck_assert_ptr_null(tb[TCA_NETEM_CORRUPT]);
	nlmsg_free(msg);

	build("netem", "on server duplicate 0.000001%", &msg, &r);
	netem_options(&r, &q, tb);
	ck_assert_uint_eq(q.duplicate, 43);
	nlmsg_free(msg);
}
END_TEST

/* ------------------------------------------------------------------ */
/* In a lab (root) */

/* Moves this forked test process into a namespace of its own, so the
 * lab's "host" namespace is a throwaway one, then makes a lab there. */
static void make_lab(struct ga_lab *lab, struct ga_fault_target *t,
		     unsigned tag)
{
	struct ga_error err;

	ck_assert_msg(unshare(CLONE_NEWNET) == 0, "unshare: %s",
		      strerror(errno));
	memset(&err, 0, sizeof(err));
	ck_assert_msg(ga_lab_create(lab, tag, &err) == 0, "ga_lab_create: %s",
		      err.msg);
	memset(t, 0, sizeof(*t));
	t->client_ns = lab->client_ns;
	t->server_ns = lab->server_ns;
	t->client_if = lab->client_if;
	t->server_if = lab->server_if;
	t->client_addr = GA_LAB_CLIENT_ADDR;
	t->server_addr = GA_LAB_SERVER_ADDR;
	t->server_port = 3306;
	t->tag = tag;
}

/* What the kernel says is the root qdisc of one interface. */
struct root_qdisc {
	const char *ifname;     /* in */
	int found;              /* 0: the dump has no root qdisc */
	char kind[32];
	uint32_t handle;
	int rate;               /* tbf: bytes/s */
	int limit;              /* tbf: bytes */
};

/* ga_netns_run() work: reads the root qdisc through a qdisc cache.
 * Never asserts (it runs on a thread): errors go to err. */
static int read_root(void *arg, struct ga_error *err)
{
	struct root_qdisc *r = arg;
	struct nl_cache *cache = NULL;
	struct rtnl_qdisc *q;
	struct nl_sock *sock;
	unsigned ifindex;
	int rc;

	r->found = 0;
	ifindex = if_nametoindex(r->ifname);
	if (!ifindex)
		return ga_error_errno(err, errno, "if_nametoindex %s", r->ifname);
	sock = nl_socket_alloc();
	if (!sock)
		return ga_error_set(err, "nl_socket_alloc");
	rc = nl_connect(sock, NETLINK_ROUTE);
	if (!rc)
		rc = rtnl_qdisc_alloc_cache(sock, &cache);
	if (rc) {
		nl_socket_free(sock);
		return ga_error_set(err, "qdisc cache: %s", nl_geterror(rc));
	}
	/* A new reference, put below. */
	q = rtnl_qdisc_get_by_parent(cache, (int)ifindex, TC_H_ROOT);
	if (q) {
		r->found = 1;
		snprintf(r->kind, sizeof(r->kind), "%s",
			 rtnl_tc_get_kind(TC_CAST(q)));
		r->handle = rtnl_tc_get_handle(TC_CAST(q));
		if (strcmp(r->kind, "tbf") == 0) {
			r->rate = rtnl_qdisc_tbf_get_rate(q);
			r->limit = rtnl_qdisc_tbf_get_limit(q);
		}
		rtnl_qdisc_put(q);
	}
	nl_cache_free(cache);
	nl_socket_free(sock);
	return 0;
}

static void get_root(int ns_fd, const char *ifname, struct root_qdisc *r)
{
	struct ga_error err;

	memset(r, 0, sizeof(*r));
	memset(&err, 0, sizeof(err));
	r->ifname = ifname;
	ck_assert_msg(ga_netns_run(ns_fd, read_root, r, &err) == 0,
		      "reading the root qdisc of %s: %s", ifname, err.msg);
}

/* The kernel's own root qdisc: none in the dump, or one with handle 0
 * (noqueue on a veth). */
static void assert_default_root(int ns_fd, const char *ifname)
{
	struct root_qdisc r;

	get_root(ns_fd, ifname, &r);
	ck_assert_msg(!r.found || r.handle == 0,
		      "%s: root qdisc %s with handle %#x, expected the default",
		      ifname, r.kind, r.handle);
}

START_TEST(test_tbf_apply_revert)
{
	const struct ga_fault_kind *k = &ga_fault_tbf;
	struct ga_fault_target t;
	struct root_qdisc r;
	struct ga_error err;
	struct ga_lab lab;
	void *state = (void *)&lab;
	void *spec;

	make_lab(&lab, &t, 0xa1);
	assert_default_root(t.server_ns, t.server_if);
	spec = spec_ok(k, "on server rate 16kbit burst 1600b latency 1s");

	memset(&err, 0, sizeof(err));
	ck_assert_msg(k->ops->apply(spec, &t, &state, &err) == 0, "apply: %s",
		      err.msg);
	ck_assert_ptr_null(state);
	get_root(t.server_ns, t.server_if, &r);
	ck_assert_msg(r.found, "no root qdisc on %s after apply", t.server_if);
	ck_assert_str_eq(r.kind, "tbf");
	ck_assert_uint_eq(r.handle, GA_QDISC_HANDLE);
	ck_assert_int_eq(r.rate, 2000);
	ck_assert_int_eq(r.limit, 3602);        /* 2000 + 1600 + margin */
	/* Only the server side. */
	assert_default_root(t.client_ns, t.client_if);

	/* A second qdisc fault on the same side is refused, not
	 * swapped in silently; the first stays. */
	ck_assert_int_eq(k->ops->apply(spec, &t, &state, &err), -1);
	ck_assert_msg(strstr(err.msg, "already has a root qdisc"), "%s",
		      err.msg);
	get_root(t.server_ns, t.server_if, &r);
	ck_assert_str_eq(r.kind, "tbf");

	ck_assert_msg(k->ops->revert(spec, &t, NULL, &err) == 0, "revert: %s",
		      err.msg);
	assert_default_root(t.server_ns, t.server_if);
	/* Nothing left to undo is not an error. */
	ck_assert_msg(k->ops->revert(spec, &t, NULL, &err) == 0,
		      "second revert: %s", err.msg);
	k->free_spec(spec);
	ga_lab_destroy(&lab);
}
END_TEST

START_TEST(test_tbf_client_side)
{
	const struct ga_fault_kind *k = &ga_fault_tbf;
	struct ga_fault_target t;
	struct root_qdisc r;
	struct ga_error err;
	struct ga_lab lab;
	void *state;
	void *spec;

	make_lab(&lab, &t, 0xa2);
	spec = spec_ok(k, "on client rate 1mbit limit 20000b");
	memset(&err, 0, sizeof(err));
	ck_assert_msg(k->ops->apply(spec, &t, &state, &err) == 0, "apply: %s",
		      err.msg);
	get_root(t.client_ns, t.client_if, &r);
	ck_assert(r.found);
	ck_assert_str_eq(r.kind, "tbf");
	ck_assert_int_eq(r.rate, 125000);
	ck_assert_int_eq(r.limit, 20000);
	assert_default_root(t.server_ns, t.server_if);
	ck_assert_msg(k->ops->revert(spec, &t, state, &err) == 0, "revert: %s",
		      err.msg);
	assert_default_root(t.client_ns, t.client_if);
	k->free_spec(spec);
	ga_lab_destroy(&lab);
}
END_TEST

/* The largest numbers check passes are numbers the kernel takes: the
 * largest bucket at 17gbit, and the largest limit a latency makes. */
static const struct {
	const char *args;
	int rate, limit;        /* bytes/s, bytes: as the kernel has them */
} tbf_largest[] = {
	{ "on server rate 17gbit burst 2147462395b limit 2147483647b",
	  2125000000, 2147483647 },
	{ "on server rate 17gbit burst 2145337395b latency 1ms",
	  2125000000, 2147483647 },
	{ "on server rate 17179869176bit limit 1514b", 2147483647, 1514 },
};

START_TEST(test_tbf_largest)
{
	const struct ga_fault_kind *k = &ga_fault_tbf;
	struct ga_fault_target t;
	struct root_qdisc r;
	struct ga_error err;
	struct ga_lab lab;
	void *state;
	void *spec;

	make_lab(&lab, &t, 0xa6);
	spec = spec_ok(k, tbf_largest[_i].args);
	memset(&err, 0, sizeof(err));
	ck_assert_msg(k->ops->apply(spec, &t, &state, &err) == 0, "apply %s: %s",
		      tbf_largest[_i].args, err.msg);
	get_root(t.server_ns, t.server_if, &r);
	ck_assert(r.found);
	ck_assert_str_eq(r.kind, "tbf");
	ck_assert_int_eq(r.rate, tbf_largest[_i].rate);
	ck_assert_int_eq(r.limit, tbf_largest[_i].limit);
	ck_assert_msg(k->ops->revert(spec, &t, state, &err) == 0, "revert: %s",
		      err.msg);
	assert_default_root(t.server_ns, t.server_if);
	k->free_spec(spec);
	ga_lab_destroy(&lab);
}
END_TEST

/* ga_netns_run() work: deletes the link named by arg. */
static int delete_link(void *arg, struct ga_error *err)
{
	struct rtnl_link *link;
	struct nl_sock *sock;
	int rc;

	sock = nl_socket_alloc();
	if (!sock)
		return ga_error_set(err, "nl_socket_alloc");
	rc = nl_connect(sock, NETLINK_ROUTE);
	link = rtnl_link_alloc();
	if (!rc && link) {
		rtnl_link_set_name(link, arg);
		rc = rtnl_link_delete(sock, link);
	}
	if (link)
		rtnl_link_put(link);
	nl_socket_free(sock);
	return rc ? ga_error_set(err, "deleting %s: %s", (const char *)arg,
				 nl_geterror(rc)) : 0;
}

/* Revert after the lab is gone, link first, then the namespaces. */
START_TEST(test_revert_after_teardown)
{
	const struct ga_fault_kind *k = &ga_fault_tbf;
	struct ga_fault_target t;
	struct ga_error err;
	struct ga_lab lab;
	void *state;
	void *spec;
	int fd;

	make_lab(&lab, &t, 0xa3);
	spec = spec_ok(k, "on server rate 64kbit");
	memset(&err, 0, sizeof(err));
	ck_assert_msg(k->ops->apply(spec, &t, &state, &err) == 0, "apply: %s",
		      err.msg);
	/* Deleting the client end takes the server end with it. */
	ck_assert_msg(ga_netns_run(t.client_ns, delete_link,
				   (void *)t.client_if, &err) == 0, "%s",
		      err.msg);
	ck_assert_msg(k->ops->revert(spec, &t, state, &err) == 0,
		      "revert without the link: %s", err.msg);

	/* The namespaces closed: a stale descriptor number, then none. */
	fd = t.server_ns;
	ga_lab_destroy(&lab);
	ck_assert_int_eq(fcntl(fd, F_GETFD), -1);
	ck_assert_msg(k->ops->revert(spec, &t, NULL, &err) == 0,
		      "revert with a closed namespace: %s", err.msg);
	t.server_ns = -1;
	t.client_ns = -1;
	ck_assert_msg(k->ops->revert(spec, &t, NULL, &err) == 0,
		      "revert without namespaces: %s", err.msg);
	k->free_spec(spec);
}
END_TEST

/* netem, the kernel's engine alone (GONEAWAY_NETEM_ENGINE=kernel):
 * applied and reverted where the kernel has sch_netem,
 * GA_FAULT_UNSUPPORTED with the reason where it has not.  (The
 * user-space engine that takes over by default there: check_netem.c.) */
START_TEST(test_netem_apply_or_unsupported)
{
	const struct ga_fault_kind *k = &ga_fault_netem;
	struct ga_fault_target t;
	struct root_qdisc r;
	struct ga_error err;
	struct ga_lab lab;
	void *state = NULL;
	void *spec;
	int rc;

	make_lab(&lab, &t, 0xa4);
	spec = spec_ok(k, "on server delay 50ms jitter 5ms loss 30% reorder 10%");
	memset(&err, 0, sizeof(err));
	setenv("GONEAWAY_NETEM_ENGINE", "kernel", 1);
	rc = k->ops->apply(spec, &t, &state, &err);
	unsetenv("GONEAWAY_NETEM_ENGINE");
	if (rc == GA_FAULT_UNSUPPORTED) {
		fprintf(stderr, "qdisc tests: this kernel has no netem: %s\n",
			err.msg);
		ck_assert_msg(strstr(err.msg,
				     "the kernel has no sch_netem (qdisc kind 'netem' unknown: ") &&
			      strstr(err.msg,
				     "); load the sch_netem module or use a kernel that has it"),
			      "reason: %s", err.msg);
		/* Nothing was made. */
		assert_default_root(t.server_ns, t.server_if);
	} else {
		ck_assert_msg(rc == 0, "apply returned %d: %s", rc, err.msg);
		get_root(t.server_ns, t.server_if, &r);
		ck_assert(r.found);
		ck_assert_str_eq(r.kind, "netem");
		ck_assert_uint_eq(r.handle, GA_QDISC_HANDLE);
		ck_assert_msg(k->ops->revert(spec, &t, state, &err) == 0,
			      "revert: %s", err.msg);
		assert_default_root(t.server_ns, t.server_if);
	}
	k->free_spec(spec);
	ga_lab_destroy(&lab);
}
END_TEST

START_TEST(test_probe)
{
	struct ga_fault_target t;
	struct ga_error err;
	struct ga_lab lab;
	void *state = NULL;
	void *spec;
	int rc, applied;

	make_lab(&lab, &t, 0xa5);
	memset(&err, 0, sizeof(err));
	ck_assert_msg(ga_qdisc_probe("tbf", t.server_ns, t.server_if, &err) == 0,
		      "probe tbf: %s", err.msg);
	assert_default_root(t.server_ns, t.server_if);

	/* The probe agrees with apply (the kernel's engine alone). */
	spec = spec_ok(&ga_fault_netem, "on client loss 1%");
	setenv("GONEAWAY_NETEM_ENGINE", "kernel", 1);
	applied = ga_fault_netem.ops->apply(spec, &t, &state, &err);
	unsetenv("GONEAWAY_NETEM_ENGINE");
	ck_assert_msg(applied == 0 || applied == GA_FAULT_UNSUPPORTED,
		      "apply netem: %d %s", applied, err.msg);
	if (applied == 0)
		ck_assert_int_eq(ga_fault_netem.ops->revert(spec, &t, state, &err), 0);
	ga_fault_netem.free_spec(spec);
	rc = ga_qdisc_probe("netem", t.client_ns, t.client_if, &err);
	ck_assert_msg(rc == applied, "probe netem %d, apply %d: %s", rc,
		      applied, err.msg);
	if (rc == GA_FAULT_UNSUPPORTED)
		ck_assert_msg(strstr(err.msg, "the kernel has no sch_netem"),
			      "%s", err.msg);
	assert_default_root(t.client_ns, t.client_if);

	ck_assert_int_eq(ga_qdisc_probe("sfq", t.server_ns, t.server_if, &err),
			 -1);
	ck_assert_msg(strstr(err.msg, "unknown qdisc kind 'sfq'"), "%s",
		      err.msg);
	ck_assert_int_eq(ga_qdisc_probe("tbf", t.server_ns, "nosuchif0", &err),
			 -1);
	ck_assert_msg(strstr(err.msg, "no interface nosuchif0"), "%s", err.msg);
	ga_lab_destroy(&lab);
}
END_TEST

Suite *make_fault_qdisc_suite(struct unit_needs *needs)
{
	Suite *s;
	TCase *tc;

	s = suite_create("fault_qdisc");

	tc = tcase_create("parse");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_kinds_complete);
	tcase_add_loop_test(tc, test_parse_good, 0, N(good));
	tcase_add_loop_test(tc, test_parse_bad, 0, N(bad));
	tcase_add_loop_test(tc, test_validate_bad, 0, N(invalid));
	tcase_add_test(tc, test_probability);
	suite_add_tcase(s, tc);

	tc = tcase_create("message");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_tbf_message, 0, N(tbf_msgs));
	tcase_add_test(tc, test_netem_message_all);
	tcase_add_test(tc, test_netem_message_minimal);
	suite_add_tcase(s, tc);

	if (unit_needs_root(needs, "fault_qdisc", "kernel",
			    "network namespaces, qdiscs")) {
		tc = tcase_create("kernel");
		tcase_set_timeout(tc, TIMEOUT);
		tcase_add_test(tc, test_tbf_apply_revert);
		tcase_add_test(tc, test_tbf_client_side);
		tcase_add_loop_test(tc, test_tbf_largest, 0,
				    N(tbf_largest));
		tcase_add_test(tc, test_revert_after_teardown);
		tcase_add_test(tc, test_netem_apply_or_unsupported);
		tcase_add_test(tc, test_probe);
		suite_add_tcase(s, tc);
	}

	return s;
}
