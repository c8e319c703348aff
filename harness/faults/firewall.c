/* firewall.c - the "firewall" fault: nftables rules in the lab's
 * server namespace that drop or reject the server port's TCP packets.
 *
 *     fault wall firewall ACTION [DIRECTION] [port N] [loss P%] [with reset|icmp]
 *
 *   ACTION     drop (silently) or reject (answer each packet).
 *   DIRECTION  to-server: packets arriving at the server (input hook,
 *              ip daddr SERVER tcp dport PORT); from-server: packets the
 *              server sends (output hook, ip saddr SERVER tcp sport PORT);
 *              both (the default).
 *   port N     the TCP port, 1..65535; default the scenario's server port.
 *   loss P%    drop only P percent of the packets, at random, 1..100%.
 *   with       reject only: reset (the default, a TCP RST) or icmp (ICMP
 *              port unreachable).
 *
 * The words after ACTION come in any order, each at most once.
 *
 * Each apply makes a table of its own, "table inet goneaway_<tag>_<line>":
 * tag in hex as in the lab's veth names (ga<tag>c), line the fault step's
 * (struct ga_fault_target), so several firewall faults can be active at
 * once and be lifted in any order, and a leftover table says which run
 * and which line made it.  The script is one nft batch (all or nothing) and starts
 * with "create table", which fails rather than adopt a table that is
 * already there.  Revert deletes that table and nothing else: never
 * "flush ruleset".
 *
 * The script for "drop both" (tag 0x33, the fault on line 1):
 *
 *     create table inet goneaway_33_1
 *     add chain inet goneaway_33_1 input { type filter hook input priority 0; policy accept; }
 *     add rule inet goneaway_33_1 input ip daddr 198.18.0.2 tcp dport 3306 drop
 *     add chain inet goneaway_33_1 output { type filter hook output priority 0; policy accept; }
 *     add rule inet goneaway_33_1 output ip saddr 198.18.0.2 tcp sport 3306 drop
 *
 * "loss P%" puts "numgen random mod 100 < P" before the drop (loss 100%
 * is a plain drop: nft takes no "< 100" there).
 *
 * What the peers see: a to-server reject answers the client's packets, so
 * its connect() fails with ECONNREFUSED and an open connection is reset.
 * A from-server reject answers the server's own packets: the RST or ICMP
 * goes to mariadbd's socket, and the client sees silence.  The resets a
 * to-server rule sends leave through the output hook like any packet of
 * the server's, so "reject both" lets RSTs out ("tcp flags & rst == 0"),
 * while a from-server fault in another table (a second fault) drops or
 * rejects them too: then the client hears nothing.
 */
#include "faults/firewall.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults/args.h"
#include "faults/nft.h"
#include "util/strbuf.h"
#include "util/units.h"

enum fw_action { FW_DROP, FW_REJECT };
enum fw_direction { FW_BOTH, FW_TO_SERVER, FW_FROM_SERVER };
enum fw_with { FW_WITH_DEFAULT, FW_WITH_RESET, FW_WITH_ICMP };

struct fw_spec {
	enum fw_action action;
	enum fw_direction dir;
	enum fw_with with;      /* DEFAULT: not given (reject: reset) */
	unsigned port;          /* 0: the target's server port */
	unsigned loss;          /* percent; 0: every packet */
	size_t with_at;         /* byte offsets of "with" and "loss" in the */
	size_t loss_at;         /* parsed text, for validate()'s diag */
};

/* What revert needs: the name of the table apply made. */
struct fw_state {
	char table[64];
};

static const char *const actions[] = { "drop", "reject", NULL };
static const char *const options[] = {
	"to-server", "from-server", "both", "port", "loss", "with", NULL
};
static const char *const dir_names[] = {
	[FW_BOTH] = "both",
	[FW_TO_SERVER] = "to-server",
	[FW_FROM_SERVER] = "from-server",
	NULL,
};

/* ------------------------------------------------------------------ */
/* Parsing */

/* "loss P%": a whole percentage, 1%..100% (nft's numgen draws whole
 * numbers).  Returns 0 or -1. */
static int read_loss(const struct ga_arg *w, unsigned *loss)
{
	char text[32];
	uint64_t micro;

	if (ga_units_percent(ga_arg_str(w, text, sizeof(text)), &micro,
			     NULL) != 0 ||
	    micro % 1000000 != 0 || micro < 1000000 || micro > 100000000)
		return -1;
	*loss = (unsigned)(micro / 1000000);
	return 0;
}

/* The action (actions' index) and the options after it, into spec.
 * Returns 0 or -1 (diag). */
static int parse_options(struct ga_args *a, void *spec, int action,
			 struct ga_fault_diag *diag)
{
	struct fw_spec *s = spec;
	static const char *const withs[] = { "reset", "icmp", NULL };
	bool seen_dir = false, seen_port = false;
	bool seen_loss = false, seen_with = false;
	unsigned long port;
	struct ga_arg w, v;
	int d;

	s->action = action == 0 ? FW_DROP : FW_REJECT;
	while (ga_args_next(a, &w)) {
		d = ga_arg_which(&w, dir_names);
		if (d >= 0) {
			if (seen_dir)
				return ga_fault_diag_set(diag, w.at, "a second "
						"direction '%s': give one of "
						"to-server, from-server or both",
						dir_names[d]);
			seen_dir = true;
			s->dir = (enum fw_direction)d;
		} else if (ga_arg_is(&w, "port")) {
			if (ga_args_value(a, &w, &seen_port, &v, diag))
				return -1;
			if (ga_arg_uint(&v, 1, 65535, &port) != 0)
				return ga_args_expected(diag, "a port number "
						"1..65535 after 'port'", &v,
						NULL);
			s->port = (unsigned)port;
		} else if (ga_arg_is(&w, "loss")) {
			if (ga_args_value(a, &w, &seen_loss, &v, diag))
				return -1;
			s->loss_at = w.at;
			if (read_loss(&v, &s->loss) != 0)
				return ga_args_expected(diag, "a percentage "
						"1%..100% after 'loss'", &v,
						NULL);
		} else if (ga_arg_is(&w, "with")) {
			if (ga_args_value(a, &w, &seen_with, &v, diag))
				return -1;
			s->with_at = w.at;
			if (ga_arg_is(&v, "reset"))
				s->with = FW_WITH_RESET;
			else if (ga_arg_is(&v, "icmp"))
				s->with = FW_WITH_ICMP;
			else
				return ga_args_expected(diag, "reset or icmp "
						"after 'with'", &v, withs);
		} else {
			return ga_args_expected(diag, "to-server, from-server, "
					"both, port, loss or with", &w, options);
		}
	}
	return 0;
}

static int fw_parse(const char *args, void **spec, struct ga_fault_diag *diag)
{
	return ga_args_spec(args, actions, "drop or reject",
			    sizeof(struct fw_spec), parse_options, spec, diag);
}

/* Random loss goes only with drop: a reject answers every packet it
 * matches, and a rule that resets some packets at random is no "loss"
 * (to reset a connection now and then, apply and lift the fault).  A
 * drop answers nothing, so it takes no "with". */
static int fw_validate(const void *spec, struct ga_fault_diag *diag)
{
	const struct fw_spec *s = spec;

	if (s->action == FW_DROP && s->with != FW_WITH_DEFAULT)
		return ga_fault_diag_set(diag, s->with_at, "'with' goes only "
					 "with reject: a drop answers nothing");
	if (s->action == FW_REJECT && s->loss != 0)
		return ga_fault_diag_set(diag, s->loss_at, "'loss' goes only "
					 "with drop: a reject answers every "
					 "packet it matches");
	if (s->port > 65535 || s->loss > 100)
		return ga_fault_diag_set(diag, 0, "port or loss out of range");
	return 0;
}

static void fw_describe(const void *spec, char *buf, size_t len)
{
	const struct fw_spec *s = spec;
	char port[16] = "", loss[16] = "";

	if (s->port)
		snprintf(port, sizeof(port), " port %u", s->port);
	if (s->loss)
		snprintf(loss, sizeof(loss), " loss %u%%", s->loss);
	snprintf(buf, len, "%s %s%s%s%s",
		 s->action == FW_DROP ? "drop" : "reject", dir_names[s->dir],
		 port, loss, s->action == FW_DROP ? "" :
		 s->with == FW_WITH_ICMP ? " with icmp" : " with reset");
}

static void fw_free(void *spec)
{
	free(spec);
}

/* ------------------------------------------------------------------ */
/* The nft script */

static void put_chain(struct ga_strbuf *o, const char *table,
		      const char *hook, const char *match, const char *verdict)
{
	ga_strbuf_add(o, "add chain inet %s %s { type filter hook %s priority 0; "
	    "policy accept; }\n", table, hook, hook);
	ga_strbuf_add(o, "add rule inet %s %s %s %s\n", table, hook, match, verdict);
}

int ga_firewall_script(const void *spec, const struct ga_fault_target *t,
		       const char *table, char *buf, size_t len,
		       struct ga_error *err)
{
	const struct fw_spec *s = spec;
	struct ga_strbuf o = { buf, len, 0, len == 0 };
	unsigned char addr[16];
	const char *ip;
	char match[128];
	char verdict[64];
	unsigned port = s->port ? s->port : t->server_port;

	if (len > 0)
		buf[0] = '\0';
	if (inet_pton(AF_INET, t->server_addr, addr) == 1)
		ip = "ip";
	else if (inet_pton(AF_INET6, t->server_addr, addr) == 1)
		ip = "ip6";
	else
		return ga_error_set(err, "firewall: the server address '%s' "
				    "is not a numeric IP address",
				    t->server_addr);
	if (!ga_nft_valid_table(table))
		return ga_error_set(err, "firewall: '%s' is not a table name "
				    "nft takes", table);
	if (port < 1 || port > 65535)
		return ga_error_set(err, "firewall: no server port (%u)", port);

	if (s->action == FW_DROP && s->loss && s->loss < 100)
		snprintf(verdict, sizeof(verdict),
			 "numgen random mod 100 < %u drop", s->loss);
	else if (s->action == FW_DROP)
		snprintf(verdict, sizeof(verdict), "drop");
	else if (s->with == FW_WITH_ICMP)
		snprintf(verdict, sizeof(verdict),
			 "reject with icmpx type port-unreachable");
	else
		snprintf(verdict, sizeof(verdict), "reject with tcp reset");

	ga_strbuf_add(&o, "create table inet %s\n", table);
	if (s->dir != FW_FROM_SERVER) {
		snprintf(match, sizeof(match), "%s daddr %s tcp dport %u", ip,
			 t->server_addr, port);
		put_chain(&o, table, "input", match, verdict);
	}
	if (s->dir != FW_TO_SERVER) {
		/* The resets the input rule sends are the server's packets
		 * too: let them out, or the client hears nothing. */
		snprintf(match, sizeof(match), "%s saddr %s tcp sport %u%s", ip,
			 t->server_addr, port, s->dir == FW_BOTH &&
			 s->action == FW_REJECT && s->with != FW_WITH_ICMP ?
			 " tcp flags & rst == 0" : "");
		put_chain(&o, table, "output", match, verdict);
	}
	if (o.cut)
		return ga_error_set(err, "firewall: the nft script does not "
				    "fit in %zu bytes", len);
	return 0;
}

const char *ga_firewall_table_name(unsigned tag, unsigned line, char *buf,
				   size_t len)
{
	return ga_nft_table_name(tag, line, buf, len);
}

static int fw_apply(const void *spec, const struct ga_fault_target *t,
		    void **state, struct ga_error *err)
{
	struct fw_state *st;
	char script[1024];
	int rc;

	*state = NULL;
	st = calloc(1, sizeof(*st));
	if (!st)
		return ga_error_errno(err, ENOMEM, "firewall");
	ga_firewall_table_name(t->tag, (unsigned)t->line, st->table,
			       sizeof(st->table));
	rc = ga_firewall_script(spec, t, st->table, script, sizeof(script),
				err);
	if (rc == 0)
		rc = ga_nft_apply_in(t->server_ns, script, err);
	if (rc != 0) {
		ga_error_prefix(err, "firewall (table inet %s)", st->table);
		free(st);
		return rc;
	}
	*state = st;
	return 0;
}

static int fw_revert(const void *spec, const struct ga_fault_target *t,
		     void *state, struct ga_error *err)
{
	struct fw_state *st = state;
	int rc = 0;

	(void)spec;
	if (!st)
		return 0;
	/* No namespace left: its tables went with it. */
	if (t->server_ns >= 0)
		rc = ga_nft_delete_table_in(t->server_ns, st->table, err);
	if (rc != 0)
		ga_error_prefix(err, "firewall: deleting table inet %s",
				st->table);
	free(st);
	return rc == 0 ? 0 : -1;
}

/* A table in t's server namespace that drops everything, added and
 * deleted again. */
static int fw_probe(const struct ga_fault_target *t, struct ga_error *why)
{
	struct ga_fault_diag diag;
	void *spec = NULL, *state = NULL;
	int rc;

	if (fw_parse("drop both", &spec, &diag))
		return ga_error_set(why, "%s", diag.msg);
	rc = fw_apply(spec, t, &state, why);
	if (rc == 0 && fw_revert(spec, t, state, why) != 0)
		rc = -1;
	fw_free(spec);
	return rc == 0 ? 0 : -1;
}

static const struct ga_fault_ops fw_ops = {
	.apply = fw_apply,
	.revert = fw_revert,
	.probe = fw_probe,
	.probe_name = "nftables",
	.probe_ok = "firewall faults (libnftables, a table in the lab's "
		    "namespace)",
	.in_lab = true,
};

const struct ga_fault_kind ga_fault_firewall = {
	.name = "firewall",
	.usage = "firewall drop|reject [to-server|from-server|both] [port N] "
		 "[loss P%] [with reset|icmp]",
	.parse = fw_parse,
	.validate = fw_validate,
	.describe = fw_describe,
	.free_spec = fw_free,
	.ops = &fw_ops,
};
