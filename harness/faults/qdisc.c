/* qdisc.c - see qdisc.h: the "tbf" and "netem" faults.
 *
 * Both kinds share one spec and one path, in the shape of iproute2's
 * tc/q_netem.c: parse() reads the words into a struct qdisc_spec through
 * a table of options per kind, validate() checks the combination, and
 * only then ga_qdisc_build_msg() turns the spec into an rtnl_qdisc and
 * that into the RTM_NEWQDISC message.  apply() sends exactly that message
 * from a thread inside the side's namespace (ga_netns_run): a route
 * socket talks to the namespace it was opened in.
 *
 * Words are cut by the fault-argument lexer (args.h) and numbers read by
 * the units reader (util/units.h), exactly, so that "1.5mbit", "0.5%" or
 * "1.001s" mean what they say and describe() can print a spec back in a
 * form that parses to the same spec.
 */
#include "faults/qdisc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net/if.h>

#include <linux/pkt_sched.h>

#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/tc.h>
#include <netlink/route/qdisc/netem.h>
#include <netlink/route/qdisc/tbf.h>

#include "faults/args.h"
#include "faults/netem_user.h"
#include "lab/netns.h"
#include "util/strbuf.h"
#include "util/units.h"

#define MICRO 1000000ull
#define MAX_DURATION_US (100ull * MICRO)
#define MAX_BYTES 2147483647ull         /* libnl takes sizes and rates as int */
#define MIN_FRAME 1514u                 /* bytes: a full Ethernet frame */
/* bytes added to a tbf burst against the ticks' rounding (see build) */
#define BURST_MARGIN(rate) ((rate) / 100000 + 2)
#define DEFAULT_BURST 1600u             /* bytes, at least */
#define DEFAULT_LATENCY_US 1000000u     /* 1s */
#define HUNDRED_PERCENT 100000000u      /* in millionths of a percent */
#define WORD_MAX 64

enum qdisc_kind { KIND_TBF, KIND_NETEM };
enum qdisc_side { SIDE_SERVER, SIDE_CLIENT };

/* Every value is 0 when not given; parse() accepts none that is 0. */
struct qdisc_spec {
	enum qdisc_kind kind;
	enum qdisc_side side;
	/* tbf */
	uint32_t rate;          /* bytes per second */
	uint32_t burst;         /* bytes (parse fills the default) */
	uint32_t limit;         /* bytes in the queue, or ... */
	uint32_t latency;       /* ... microseconds the queue may hold */
	/* netem */
	uint32_t delay;         /* microseconds */
	uint32_t jitter;        /* microseconds */
	uint32_t loss;          /* millionths of a percent */
	uint32_t duplicate;
	uint32_t corrupt;
	uint32_t reorder;
	size_t burst_at;        /* offset of the burst's value in the parsed
				 * text, for validate()'s diag; 0: none */
};

static const char *kind_name(const struct qdisc_spec *s)
{
	return s->kind == KIND_TBF ? "tbf" : "netem";
}

static const char *side_name(const struct qdisc_spec *s)
{
	return s->side == SIDE_SERVER ? "server" : "client";
}

/* ------------------------------------------------------------------ */
/* Numbers */

uint32_t ga_qdisc_probability(uint32_t micro_percent)
{
	uint64_t p = micro_percent;

	if (p > HUNDRED_PERCENT)
		p = HUNDRED_PERCENT;
	return (uint32_t)((p * UINT32_MAX + HUNDRED_PERCENT / 2) /
			  HUNDRED_PERCENT);
}

/* The tbf bucket sent to the kernel: the burst asked for and a margin
 * against the ticks' rounding (see make_qdisc). */
static uint64_t tbf_bucket(const struct qdisc_spec *s)
{
	return (uint64_t)s->burst + BURST_MARGIN((uint64_t)s->rate);
}

/* The tbf queue's limit in bytes: the one given, or what the latency
 * lets queue at the rate, plus the bucket (libnl's formula, in integers:
 * its own set_limit_by_latency() goes through a double into an int). */
static uint64_t tbf_limit(const struct qdisc_spec *s)
{
	if (s->limit)
		return s->limit;
	return (uint64_t)s->rate * s->latency / MICRO + tbf_bucket(s);
}

/* The canonical spellings, which the units reader reads back exactly. */
static void format_rate(uint32_t bytes, char *buf, size_t len)
{
	ga_units_format_rate((uint64_t)bytes * 8, buf, len);
}

/* ------------------------------------------------------------------ */
/* Parsing */

enum value_type { VAL_RATE, VAL_SIZE, VAL_DURATION, VAL_PERCENT };

struct option {
	const char *word;
	enum value_type type;
	size_t field;           /* offsetof a uint32_t in struct qdisc_spec */
};

static const struct option tbf_options[] = {
	{ "rate", VAL_RATE, offsetof(struct qdisc_spec, rate) },
	{ "burst", VAL_SIZE, offsetof(struct qdisc_spec, burst) },
	{ "limit", VAL_SIZE, offsetof(struct qdisc_spec, limit) },
	{ "latency", VAL_DURATION, offsetof(struct qdisc_spec, latency) },
	{ NULL, VAL_RATE, 0 },
};

static const struct option netem_options[] = {
	{ "delay", VAL_DURATION, offsetof(struct qdisc_spec, delay) },
	{ "jitter", VAL_DURATION, offsetof(struct qdisc_spec, jitter) },
	{ "loss", VAL_PERCENT, offsetof(struct qdisc_spec, loss) },
	{ "duplicate", VAL_PERCENT, offsetof(struct qdisc_spec, duplicate) },
	{ "corrupt", VAL_PERCENT, offsetof(struct qdisc_spec, corrupt) },
	{ "reorder", VAL_PERCENT, offsetof(struct qdisc_spec, reorder) },
	{ NULL, VAL_RATE, 0 },
};

/* How each type of value is read: by its unit's parser, then held in
 * the field as the number read divided by per (which must divide it),
 * from min (below it a size is less than a frame; 0: more than 0) to
 * max, which messages say as top. */
static const struct value_rule {
	const char *name;               /* in "needs a value (RATE)" */
	int (*parse)(const char *s, uint64_t *v, struct ga_error *err);
	uint64_t per, min, max;
	const char *unit;               /* after "must be more than 0" */
	const char *top;
} value_rules[] = {
	[VAL_RATE] = { "RATE", ga_units_rate, 8, 0, MAX_BYTES, "",
		       "2147483647 bytes/s (about 17gbit)" },
	[VAL_SIZE] = { "SIZE", ga_units_size, 1, MIN_FRAME, MAX_BYTES, "",
		       "2147483647 bytes" },
	[VAL_DURATION] = { "DURATION", ga_units_duration, 1, 0,
			   MAX_DURATION_US, "", "100s" },
	[VAL_PERCENT] = { "P%", ga_units_percent, 1, 0, HUNDRED_PERCENT, "%",
			  "100%" },
};

/* Reads one option's value, the word w, into *field. */
static int parse_value(const struct option *opt, const struct ga_arg *w,
		       uint32_t *field, struct ga_fault_diag *diag)
{
	const struct value_rule *t = &value_rules[opt->type];
	struct ga_error err;
	char word[WORD_MAX];
	uint64_t v;

	ga_arg_str(w, word, sizeof(word));
	if (t->parse(word, &v, &err))
		return ga_fault_diag_set(diag, w->at, "%s", err.msg);
	if (v < t->min)
		return ga_fault_diag_set(diag, w->at,
				"%s '%s' is less than %ub, one full Ethernet frame: no packet could pass",
				opt->word, word, MIN_FRAME);
	if (v == 0)
		return ga_fault_diag_set(diag, w->at,
					 "%s must be more than 0%s", opt->word,
					 t->unit);
	if (v % t->per)
		return ga_fault_diag_set(diag, w->at,
				"%s '%s' is not a whole number of bytes per second",
				opt->word, word);
	if (v / t->per > t->max)
		return ga_fault_diag_set(diag, w->at, "%s '%s' is more than %s",
					 opt->word, word, t->top);
	*field = (uint32_t)(v / t->per);
	return 0;
}

/* "on server" or "on client" at the start of the arguments. */
static int parse_side(struct ga_args *a, enum qdisc_side *side,
		      struct ga_fault_diag *diag)
{
	static const char *const sides[] = { "server", "client", NULL };
	struct ga_arg w;
	int i;

	ga_args_next(a, &w);
	if (ga_arg_is(&w, "on")) {
		ga_args_next(a, &w);
		i = ga_arg_which(&w, sides);
		if (i >= 0) {
			*side = i == 0 ? SIDE_SERVER : SIDE_CLIENT;
			return 0;
		}
	}
	return ga_args_expected(diag, "'on server' or 'on client'", &w, NULL);
}

static void option_list(const struct option *options, char *buf, size_t len)
{
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; options[i].word && used < len; i++) {
		snprintf(buf + used, len - used, "%s%s",
			 i == 0 ? "" : options[i + 1].word ? ", " : " or ",
			 options[i].word);
		used += strlen(buf + used);
	}
}

/* tc's netem words that neither engine makes (faults/netem_model.h). */
static const char *const netem_refused[] = {
	"distribution", "rate", "slot", "ecn", "gap", "limit", "state",
	"gemodel", "seed", NULL,
};

/* A netem word that is not an option: one tc knows and goneaway does not
 * make, a number after an option's value (tc's correlations, or its
 * positional jitter), or an unknown word.  key: the option before it
 * (len 0: none).  Returns -1 with diag set. */
static int netem_unsupported(const struct ga_arg *w, const struct ga_arg *key,
			     struct ga_fault_diag *diag)
{
	char list[128];

	if (ga_arg_which(w, netem_refused) >= 0)
		return ga_fault_diag_set(diag, w->at,
				"netem's '%.*s' is not supported (by the kernel's netem nor goneaway's): give delay, jitter, loss, duplicate, corrupt or reorder%s",
				(int)w->len, w->text, ga_arg_is(w, "rate") ?
				"; for a rate, a tbf fault" : "");
	if (key->len && w->len && w->text[0] >= '0' && w->text[0] <= '9')
		return ga_fault_diag_set(diag, w->at,
				"'%.*s' after '%.*s': netem's correlations and tc's jitter without 'jitter' are not supported; write e.g. delay 100ms jitter 10ms",
				(int)w->len, w->text, (int)key->len, key->text);
	option_list(netem_options, list, sizeof(list));
	return ga_fault_diag_set(diag, w->at,
				 "unknown %s option '%.*s' (expected %s)",
				 "netem", (int)w->len, w->text, list);
}

static int qdisc_parse(enum qdisc_kind kind, const char *args, void **specp,
		       struct ga_fault_diag *diag)
{
	const struct option *options;
	const struct option *opt;
	struct qdisc_spec s;
	struct qdisc_spec *copy;
	struct ga_arg w, key;
	struct ga_args a;
	char list[128];
	uint32_t *field;
	int rc;

	memset(&s, 0, sizeof(s));
	s.kind = kind;
	options = kind == KIND_TBF ? tbf_options : netem_options;
	ga_args_init(&a, args);
	memset(&key, 0, sizeof(key));
	rc = parse_side(&a, &s.side, diag);
	if (rc)
		return rc;
	while (ga_args_next(&a, &w)) {
		for (opt = options; opt->word; opt++)
			if (ga_arg_is(&w, opt->word))
				break;
		if (!opt->word && kind == KIND_NETEM)
			return netem_unsupported(&w, &key, diag);
		if (!opt->word) {
			option_list(options, list, sizeof(list));
			return ga_fault_diag_set(diag, w.at,
					"unknown %s option '%.*s' (expected %s)",
					kind_name(&s), (int)w.len, w.text,
					list);
		}
		field = (uint32_t *)((char *)&s + opt->field);
		if (*field)
			return ga_args_twice(diag, &w);
		key = w;
		if (!ga_args_next(&a, &w))
			return ga_args_needs_value(diag, &key,
						   value_rules[opt->type].name);
		rc = parse_value(opt, &w, field, diag);
		if (rc)
			return rc;
		if (field == &s.burst)
			s.burst_at = w.at;
	}
	if (kind == KIND_TBF) {
		if (s.rate && !s.burst)
			s.burst = s.rate / 10 > DEFAULT_BURST ?
				  s.rate / 10 : DEFAULT_BURST;
		if (!s.limit && !s.latency)
			s.latency = DEFAULT_LATENCY_US;
	}
	copy = malloc(sizeof(*copy));
	if (!copy)
		return ga_fault_diag_set(diag, 0, "out of memory");
	*copy = s;
	*specp = copy;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Validation */

/* Writes the reason into msg and returns -1. */
static int fail(char *msg, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(char *msg, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, len, fmt, ap);
	va_end(ap);
	return -1;
}

/* Checks the whole spec: the rules parse() cannot see word by word, and
 * again every range (a spec may come from elsewhere than parse), so that
 * every number make_qdisc() hands to libnl fits the int it takes.
 * Returns 0, or -1 with the reason in msg and in *at the offset of the
 * word in question (0: none in particular). */
static int check_spec(const struct qdisc_spec *s, char *msg, size_t len,
		      size_t *at)
{
	uint64_t margin;
	char text[32];

	if (s->kind == KIND_TBF) {
		if (!s->rate)
			return fail(msg, len, "tbf needs 'rate RATE'");
		if (s->rate > MAX_BYTES)
			return fail(msg, len, "rate is more than 2147483647 bytes/s");
		if (s->burst < MIN_FRAME || s->burst > MAX_BYTES)
			return fail(msg, len,
				    "burst must be from %ub to 2147483647b",
				    MIN_FRAME);
		if (s->limit && s->latency)
			return fail(msg, len,
				    "give either 'limit SIZE' or 'latency DURATION', not both");
		if (!s->limit && !s->latency)
			return fail(msg, len,
				    "tbf needs 'limit SIZE' or 'latency DURATION'");
		if (s->limit && (s->limit < MIN_FRAME || s->limit > MAX_BYTES))
			return fail(msg, len,
				    "limit must be from %ub to 2147483647b",
				    MIN_FRAME);
		if (s->latency > MAX_DURATION_US)
			return fail(msg, len, "latency is more than 100s");
		format_rate(s->rate, text, sizeof(text));
		/* The bucket goes to libnl as an int: with the margin, a
		 * burst near 2 GiB wrapped negative. */
		margin = BURST_MARGIN((uint64_t)s->rate);
		if (tbf_bucket(s) > MAX_BYTES) {
			*at = s->burst_at;
			return fail(msg, len,
				    "a burst of %ub is more than %llub, the largest at %s (2147483647 bytes, less the %llub goneaway adds against the kernel's rounding)",
				    s->burst,
				    (unsigned long long)(MAX_BYTES - margin),
				    text, (unsigned long long)margin);
		}
		/* The kernel holds the bucket as the time it takes to fill,
		 * in 32-bit scheduler ticks (15.625 a microsecond: 274s at
		 * most); with the margin it takes at most 2s more. */
		if ((uint64_t)s->burst * MICRO / s->rate > MAX_DURATION_US)
			return fail(msg, len,
				    "a burst of %ub takes more than 100s to fill at %s: raise the rate or lower the burst",
				    s->burst, text);
		if (s->latency && tbf_limit(s) > MAX_BYTES)
			return fail(msg, len,
				    "%s for the latency queues more than 2147483647 bytes: give a shorter latency or 'limit SIZE'",
				    text);
		return 0;
	}
	if (!s->delay && !s->jitter && !s->loss && !s->duplicate &&
	    !s->corrupt && !s->reorder)
		return fail(msg, len,
			    "netem needs at least one of delay, loss, duplicate, corrupt or reorder");
	if (s->delay > MAX_DURATION_US || s->jitter > MAX_DURATION_US)
		return fail(msg, len, "delay and jitter are at most 100s");
	if (s->jitter && !s->delay)
		return fail(msg, len,
			    "jitter needs a delay: 'delay DURATION jitter DURATION'");
	if (s->reorder && !s->delay)
		return fail(msg, len,
			    "reordering not possible without specifying some delay");
	if (s->loss > HUNDRED_PERCENT || s->duplicate > HUNDRED_PERCENT ||
	    s->corrupt > HUNDRED_PERCENT || s->reorder > HUNDRED_PERCENT)
		return fail(msg, len, "a percentage is more than 100%%");
	return 0;
}

static int qdisc_validate(const void *spec, struct ga_fault_diag *diag)
{
	size_t at = 0;
	int rc;

	rc = check_spec(spec, diag->msg, sizeof(diag->msg), &at);
	diag->offset = at;
	return rc;
}

/* ------------------------------------------------------------------ */
/* The table's other operations */

static void qdisc_describe(const void *spec, char *buf, size_t len)
{
	const struct qdisc_spec *s = spec;
	const struct option *options;
	const struct option *opt;
	struct ga_strbuf sb;
	char text[32];
	uint32_t v;

	ga_strbuf_init(&sb, buf, len);
	ga_strbuf_add(&sb, "%s on %s", kind_name(s), side_name(s));
	options = s->kind == KIND_TBF ? tbf_options : netem_options;
	for (opt = options; opt->word; opt++) {
		v = *(const uint32_t *)((const char *)s + opt->field);
		if (!v)
			continue;
		switch (opt->type) {
		case VAL_RATE:
			format_rate(v, text, sizeof(text));
			break;
		case VAL_SIZE:
			ga_units_format_size(v, text, sizeof(text));
			break;
		case VAL_DURATION:
			ga_units_format_duration(v, text, sizeof(text));
			break;
		case VAL_PERCENT:
			ga_units_format_percent(v, text, sizeof(text));
			break;
		}
		ga_strbuf_add(&sb, " %s %s", opt->word, text);
	}
}

static void qdisc_free(void *spec)
{
	free(spec);
}

static int tbf_parse(const char *args, void **spec,
		     struct ga_fault_diag *diag)
{
	return qdisc_parse(KIND_TBF, args, spec, diag);
}

static int netem_parse(const char *args, void **spec,
		       struct ga_fault_diag *diag)
{
	return qdisc_parse(KIND_NETEM, args, spec, diag);
}

/* ------------------------------------------------------------------ */
/* Netlink */

/* libnl takes netem probabilities as int and stores them in the kernel's
 * u32 fields: the conversion keeps the bit pattern (GCC defines it as
 * modulo 2^32), which is what the kernel reads. */
static int probability_arg(uint32_t micro_percent)
{
	return (int)ga_qdisc_probability(micro_percent);
}

/* Makes the rtnl_qdisc for spec on ifindex, at the root with
 * GA_QDISC_HANDLE.  On success *out is a new object; release it with
 * rtnl_qdisc_put(). */
static int make_qdisc(const struct qdisc_spec *s, int ifindex,
		      struct rtnl_qdisc **out, struct ga_error *err)
{
	struct rtnl_qdisc *q;
	int rc;

	q = rtnl_qdisc_alloc();
	if (!q)
		return ga_error_set(err, "allocating a %s qdisc: out of memory",
				    kind_name(s));
	rtnl_tc_set_ifindex(TC_CAST(q), ifindex);
	rtnl_tc_set_parent(TC_CAST(q), TC_H_ROOT);
	rtnl_tc_set_handle(TC_CAST(q), GA_QDISC_HANDLE);
	/* The kind first: it allocates the kind's data, which every
	 * rtnl_netem_* and rtnl_qdisc_tbf_* setter writes into (they BUG()
	 * without it). */
	rc = rtnl_tc_set_kind(TC_CAST(q), kind_name(s));
	if (rc) {
		ga_error_set(err, "setting qdisc kind '%s': %s", kind_name(s),
			     nl_geterror(rc));
		goto fail;
	}
	if (s->kind == KIND_TBF) {
		/* rate bytes/s, bucket bytes, cell 0: libnl's default.  The
		 * bucket travels as scheduler ticks, rounded down, and the
		 * kernel rounds down again: a 1514b burst came back as 1513b
		 * at 6kbit and dropped every full frame.  The margin (more
		 * than one tick's worth of bytes) keeps it at least what was
		 * asked for.  check_spec() saw that rate, bucket and limit
		 * each fit an int. */
		rtnl_qdisc_tbf_set_rate(q, (int)s->rate, (int)tbf_bucket(s), 0);
		rtnl_qdisc_tbf_set_limit(q, (int)tbf_limit(s));
	} else {
		/* Delay and jitter in microseconds (libnl turns them into
		 * scheduler ticks); probabilities raw 32-bit. */
		if (s->delay)
			rtnl_netem_set_delay(q, (int)s->delay);
		if (s->jitter)
			rtnl_netem_set_jitter(q, (int)s->jitter);
		if (s->loss)
			rtnl_netem_set_loss(q, probability_arg(s->loss));
		if (s->duplicate)
			rtnl_netem_set_duplicate(q,
						 probability_arg(s->duplicate));
		if (s->corrupt)
			rtnl_netem_set_corruption_probability(q,
				probability_arg(s->corrupt));
		if (s->reorder)
			rtnl_netem_set_reorder_probability(q,
				probability_arg(s->reorder));
	}
	*out = q;
	return 0;
fail:
	rtnl_qdisc_put(q);
	return -1;
}

int ga_qdisc_build_msg(const void *spec, int ifindex, struct nl_msg **msg,
		       struct ga_error *err)
{
	const struct qdisc_spec *s = spec;
	struct rtnl_qdisc *q = NULL;
	struct nl_msg *m = NULL;
	size_t at = 0;
	char why[256];
	int rc;

	if (check_spec(s, why, sizeof(why), &at))
		return ga_error_set(err, "%s: %s", kind_name(s), why);
	rc = make_qdisc(s, ifindex, &q, err);
	if (rc)
		return rc;
	/* NLM_F_EXCL: the kernel's default root qdisc (handle 0) is
	 * replaced, any other one is an error (EEXIST). */
	rc = rtnl_qdisc_build_add_request(q, NLM_F_CREATE | NLM_F_EXCL, &m);
	rtnl_qdisc_put(q);
	if (rc)
		return ga_error_set(err, "building the %s request: %s",
				    kind_name(s), nl_geterror(rc));
	*msg = m;
	return 0;
}

/* Work for a thread inside the side's namespace; members borrowed. */
struct qdisc_job {
	const struct qdisc_spec *spec;
	const char *ifname;
	const char *where;      /* for messages: "server", "client" */
};

/* ga_netns_run() work: adds the qdisc.  Returns 0, -1, or
 * GA_FAULT_UNSUPPORTED when the kernel does not know the kind. */
static int add_in_netns(void *arg, struct ga_error *err)
{
	const struct qdisc_job *job = arg;
	const struct qdisc_spec *s = job->spec;
	const char *kind = kind_name(s);
	struct nl_sock *sock = NULL;
	struct nl_msg *msg = NULL;
	unsigned ifindex;
	int rc;

	ifindex = if_nametoindex(job->ifname);
	if (!ifindex)
		return ga_error_errno(err, errno,
				      "%s: no interface %s in the %s namespace",
				      kind, job->ifname, job->where);
	rc = ga_qdisc_build_msg(s, (int)ifindex, &msg, err);
	if (rc)
		return rc;
	rc = ga_netns_route_socket(&sock, job->where, err);
	if (rc) {
		nlmsg_free(msg);
		return rc;
	}
	/* Sends msg, frees it, and waits for the kernel's answer. */
	rc = nl_send_sync(sock, msg);
	nl_socket_free(sock);
	if (rc == 0)
		return 0;
	if (rc == -NLE_OBJ_NOTFOUND) {
		/* ENOENT from RTM_NEWQDISC: "Specified qdisc kind is
		 * unknown" (the module is neither built in nor loadable). */
		ga_error_set(err,
			     "the kernel has no sch_%s (qdisc kind '%s' unknown: %s); load the sch_%s module or use a kernel that has it",
			     kind, kind, nl_geterror(rc), kind);
		return GA_FAULT_UNSUPPORTED;
	}
	if (rc == -NLE_EXIST)
		return ga_error_set(err,
				    "%s: %s in the %s namespace already has a root qdisc (another tbf or netem fault on this side?): one at a time per side",
				    kind, job->ifname, job->where);
	return ga_error_set(err, "adding a %s qdisc to %s in the %s namespace: %s",
			    kind, job->ifname, job->where, nl_geterror(rc));
}

/* ga_netns_run() work: deletes the root qdisc of the job's interface.
 * A missing link, or a root qdisc that is already the kernel's default
 * (handle 0: ENOENT), means there is nothing left to undo.  Apply's
 * NLM_F_EXCL ensures a non-default root qdisc on a lab veth is ours. */
static int delete_in_netns(void *arg, struct ga_error *err)
{
	const struct qdisc_job *job = arg;
	const struct qdisc_spec *s = job->spec;
	struct rtnl_qdisc *q;
	struct nl_sock *sock = NULL;
	unsigned ifindex;
	int rc;

	ifindex = if_nametoindex(job->ifname);
	if (!ifindex)
		return 0;       /* the link is gone, its qdisc with it */
	rc = ga_netns_route_socket(&sock, job->where, err);
	if (rc)
		return rc;
	q = rtnl_qdisc_alloc();
	if (!q) {
		nl_socket_free(sock);
		return ga_error_set(err, "deleting a %s qdisc: out of memory",
				    kind_name(s));
	}
	rtnl_tc_set_ifindex(TC_CAST(q), (int)ifindex);
	rtnl_tc_set_parent(TC_CAST(q), TC_H_ROOT);
	rc = rtnl_qdisc_delete(sock, q);
	rtnl_qdisc_put(q);
	nl_socket_free(sock);
	if (rc == 0 || rc == -NLE_OBJ_NOTFOUND || rc == -NLE_NODEV)
		return 0;
	return ga_error_set(err,
			    "deleting the root %s qdisc of %s in the %s namespace: %s",
			    kind_name(s), job->ifname, job->where,
			    nl_geterror(rc));
}

static void side_of(const struct qdisc_spec *s, const struct ga_fault_target *t,
		    int *ns_fd, const char **ifname)
{
	if (s->side == SIDE_SERVER) {
		*ns_fd = t->server_ns;
		*ifname = t->server_if;
	} else {
		*ns_fd = t->client_ns;
		*ifname = t->client_if;
	}
}

static int qdisc_apply(const void *spec, const struct ga_fault_target *t,
		       void **state, struct ga_error *err)
{
	struct qdisc_job job = { .spec = spec, .where = side_name(spec) };
	int ns_fd;

	*state = NULL;          /* revert finds the qdisc by interface */
	side_of(spec, t, &ns_fd, &job.ifname);
	if (ns_fd < 0 || !job.ifname)
		return ga_error_set(err, "%s: the lab has no %s side",
				    kind_name(spec), side_name(spec));
	return ga_netns_run(ns_fd, add_in_netns, &job, err);
}

static int qdisc_revert(const void *spec, const struct ga_fault_target *t,
			void *state, struct ga_error *err)
{
	struct qdisc_job job = { .spec = spec, .where = side_name(spec) };
	int ns_fd;

	(void)state;
	side_of(spec, t, &ns_fd, &job.ifname);
	if (ns_fd < 0 || !job.ifname)
		return 0;       /* no namespace: nothing to undo */
	if (fcntl(ns_fd, F_GETFD) < 0 && errno == EBADF)
		return 0;       /* the lab is already closed */
	return ga_netns_run(ns_fd, delete_in_netns, &job, err);
}

int ga_qdisc_probe(const char *kind, int ns_fd, const char *ifname,
		   struct ga_error *why)
{
	struct qdisc_spec s;
	struct qdisc_job job = { .spec = &s, .ifname = ifname,
				 .where = "probed" };
	int rc;

	memset(&s, 0, sizeof(s));
	if (kind && strcmp(kind, "tbf") == 0) {
		s.kind = KIND_TBF;
		s.rate = 125000;                /* 1mbit */
		s.burst = DEFAULT_BURST;
		s.latency = DEFAULT_LATENCY_US;
	} else if (kind && strcmp(kind, "netem") == 0) {
		s.kind = KIND_NETEM;
		s.delay = 1000;                 /* 1ms */
	} else {
		return ga_error_set(why, "probe: unknown qdisc kind '%s' (tbf or netem)",
				    kind ? kind : "(null)");
	}
	rc = ga_netns_run(ns_fd, add_in_netns, &job, why);
	if (rc)
		return rc;
	rc = ga_netns_run(ns_fd, delete_in_netns, &job, why);
	if (rc)
		return ga_error_prefix(why, "probe: %s worked but removing it failed",
				       kind);
	return 0;
}

static int tbf_probe(const struct ga_fault_target *t, struct ga_error *why)
{
	return ga_qdisc_probe("tbf", t->server_ns, t->server_if, why);
}

/* ------------------------------------------------------------------ */
/* netem: the kernel's qdisc first, else the user-space engine */

enum netem_engine { ENGINE_AUTO, ENGINE_KERNEL, ENGINE_USER };

/* GONEAWAY_NETEM_ENGINE: auto (unset, the default: the kernel's netem
 * where there is one), kernel (never the user-space engine: SKIP without
 * sch_netem) or user (never the kernel's: to compare the two on a kernel
 * that has both). */
static int netem_engine(enum netem_engine *e, struct ga_error *err)
{
	const char *v = getenv("GONEAWAY_NETEM_ENGINE");

	if (!v || !*v || strcmp(v, "auto") == 0)
		*e = ENGINE_AUTO;
	else if (strcmp(v, "kernel") == 0)
		*e = ENGINE_KERNEL;
	else if (strcmp(v, "user") == 0)
		*e = ENGINE_USER;
	else
		return ga_error_set(err, "GONEAWAY_NETEM_ENGINE is '%.64s': "
				    "auto, kernel or user", v);
	return 0;
}

static void netem_params(const struct qdisc_spec *s, struct ga_netem_params *p)
{
	memset(p, 0, sizeof(*p));
	p->delay_ns = (uint64_t)s->delay * 1000;
	p->jitter_ns = (uint64_t)s->jitter * 1000;
	p->loss = s->loss ? ga_qdisc_probability(s->loss) : 0;
	p->duplicate = s->duplicate ? ga_qdisc_probability(s->duplicate) : 0;
	p->corrupt = s->corrupt ? ga_qdisc_probability(s->corrupt) : 0;
	p->reorder = s->reorder ? ga_qdisc_probability(s->reorder) : 0;
}

/* The user-space engine on the spec's side; its state is the engine. */
static int netem_user_apply(const struct qdisc_spec *s,
			    const struct ga_fault_target *t, void **state,
			    struct ga_error *err)
{
	struct ga_netem_user *e;
	struct ga_netem_params p;
	const char *ifname;
	char table[64], why[256];
	size_t at = 0;
	int ns_fd, rc;

	side_of(s, t, &ns_fd, &ifname);
	if (ns_fd < 0 || !ifname)
		return ga_error_set(err, "netem: the lab has no %s side",
				    side_name(s));
	if (check_spec(s, why, sizeof(why), &at))
		return ga_error_set(err, "netem: %s", why);
	netem_params(s, &p);
	snprintf(table, sizeof(table), "goneaway_%x_%d_netem", t->tag,
		 t->line);
	rc = ga_netem_user_start(&p, ns_fd, ifname, table, &e, err);
	if (rc)
		return rc;
	*state = e;
	return 0;
}

static int netem_apply(const void *spec, const struct ga_fault_target *t,
		       void **state, struct ga_error *err)
{
	enum netem_engine engine;
	struct ga_error kernel_err, user_err;
	int rc;

	*state = NULL;
	kernel_err.msg[0] = '\0';
	if (netem_engine(&engine, err))
		return -1;
	if (engine != ENGINE_USER) {
		rc = qdisc_apply(spec, t, state, err);
		if (rc != GA_FAULT_UNSUPPORTED || engine == ENGINE_KERNEL)
			return rc;
		kernel_err = *err;
	}
	rc = netem_user_apply(spec, t, state, &user_err);
	if (rc == GA_FAULT_UNSUPPORTED && engine == ENGINE_AUTO)
		ga_error_set(err, "%s, and no user-space engine either: %s",
			     kernel_err.msg, user_err.msg);
	else if (rc)
		*err = user_err;
	return rc;
}

static int netem_revert(const void *spec, const struct ga_fault_target *t,
			void *state, struct ga_error *err)
{
	int ns_fd;
	const char *ifname;

	if (!state)             /* the kernel's qdisc */
		return qdisc_revert(spec, t, NULL, err);
	side_of(spec, t, &ns_fd, &ifname);
	return ga_netem_user_stop(state, ns_fd, NULL, err);
}

static void netem_note(const void *spec, void *state, char *buf, size_t len)
{
	struct ga_netem_stats st;
	char text[200];

	(void)spec;
	if (!state) {
		snprintf(buf, len, "kernel sch_netem");
		return;
	}
	ga_netem_user_stats(state, &st);
	ga_netem_stats_describe(&st, text, sizeof(text));
	snprintf(buf, len, "user-space engine (NFQUEUE): %s", text);
}

static int netem_probe(const struct ga_fault_target *t, struct ga_error *why)
{
	struct qdisc_spec s;
	struct ga_fault_target at = *t;
	enum netem_engine engine;
	struct ga_error kernel_why, user_why;
	void *state = NULL;
	int rc;

	kernel_why.msg[0] = '\0';
	if (netem_engine(&engine, why))
		return -1;
	if (engine != ENGINE_USER) {
		rc = ga_qdisc_probe("netem", t->server_ns, t->server_if, why);
		if (rc != GA_FAULT_UNSUPPORTED || engine == ENGINE_KERNEL)
			return rc ? -1 : 0;
		kernel_why = *why;
	}
	memset(&s, 0, sizeof(s));
	s.kind = KIND_NETEM;
	s.side = SIDE_SERVER;
	s.delay = 1000;                 /* 1ms */
	s.duplicate = 1;                /* a raw socket too */
	at.line = 0;
	rc = netem_user_apply(&s, &at, &state, &user_why);
	if (rc == 0)
		rc = ga_netem_user_stop(state, t->server_ns, NULL, &user_why);
	if (rc) {
		if (engine == ENGINE_AUTO)
			ga_error_set(why, "%s, and no user-space engine either: "
				     "%s", kernel_why.msg, user_why.msg);
		else
			*why = user_why;
		return -1;
	}
	ga_error_set(why, "delay, jitter, loss, duplicate, corrupt, reorder "
		     "(user-space engine: NFQUEUE%s)", engine == ENGINE_USER ?
		     ", GONEAWAY_NETEM_ENGINE=user" :
		     "; the kernel has no sch_netem");
	return 0;
}

static const struct ga_fault_ops tbf_ops = {
	.apply = qdisc_apply,
	.revert = qdisc_revert,
	.probe = tbf_probe,
	.probe_name = "tbf",
	.probe_ok = "rate limits (sch_tbf)",
	.in_lab = true,
};

static const struct ga_fault_ops netem_ops = {
	.apply = netem_apply,
	.revert = netem_revert,
	.probe = netem_probe,
	.note = netem_note,
	.probe_name = "netem",
	.probe_ok = "delay, jitter, loss, duplicate, corrupt, reorder "
		    "(sch_netem)",
	.in_lab = true,
	.optional = true,
};

const struct ga_fault_kind ga_fault_tbf = {
	.name = "tbf",
	.usage = "tbf on server|client rate RATE [burst SIZE] [limit SIZE | latency DURATION]",
	.parse = tbf_parse,
	.validate = qdisc_validate,
	.describe = qdisc_describe,
	.free_spec = qdisc_free,
	.ops = &tbf_ops,
};

const struct ga_fault_kind ga_fault_netem = {
	.name = "netem",
	.usage = "netem on server|client [delay DURATION [jitter DURATION]] [loss P%] [duplicate P%] [corrupt P%] [reorder P%]",
	.parse = netem_parse,
	.validate = qdisc_validate,
	.describe = qdisc_describe,
	.free_spec = qdisc_free,
	.ops = &netem_ops,
};
