/* point.c - the "point" fault: a client's connection is cut when it
 * reaches a point of the MySQL protocol - a phase of the handshake, a
 * command, or a number of bytes carried - not at a moment in time.
 *
 *     fault NAME point ACTION [CUT] at|after POINT
 *
 *   ACTION  drop      every packet that is cut is dropped;
 *           reset     every packet that is cut is answered with a TCP
 *                     reset (resets themselves pass);
 *           pause     only the segments that carry data are dropped:
 *                     ACKs, FIN and RST pass, so the other side's TCP
 *                     goes on sending while this side's data stands
 *                     still (TCP sends it again after lift).
 *           kill      nothing is cut: the server KILLs the session of
 *                     the connection whose packet reaches the point
 *                     ("at": while that packet is held, before it
 *                     reaches the other side; "after": once it has);
 *           crash     ... the server process is killed (SIGKILL).
 *           fin       the connection is closed toward the client: it
 *                     is sent a FIN in the server's name at the point
 *                     ("at": where the point's data would begin;
 *                     "after": past it), and the rest of the flow is
 *                     dropped both ways but FINs (the server says and
 *                     hears nothing more); a data SIZE point only
 *                     (faults/pointfin.h).
 *                     These two take a SIZE point and no CUT, and are
 *                     made by faults/pointact.c (an NFQUEUE and a
 *                     thread), not by the nft rules below.
 *   CUT     which packets of the flow are cut from the point on:
 *           to-server (the client's), from-server (the server's) or both
 *           (the default).
 *   at      the packet that reaches the point is cut itself;
 *   after   it passes, and the packets after it are cut.
 *   POINT   greeting   the server's greeting (a server packet numbered
 *                      0 whose first byte is protocol version 10);
 *           login      the client's answer to it: its handshake
 *                      response, or its SSL request (a client packet
 *                      numbered 1);
 *           auth       the server's answer to the login: OK, error,
 *                      auth switch or more data (a server packet
 *                      numbered 2 that begins with 00, ff, fe or 01);
 *           tls        the client's first TLS record, its ClientHello
 *                      (a client segment that begins 16 03);
 *           COM_QUERY, COM_PING, COM_STMT_EXECUTE, ... a command: a
 *                      client packet numbered 0 whose first byte is
 *                      that command's;
 *           SIZE to-server, SIZE from-server: the segment that takes
 *                      the bytes the flow has carried that way to SIZE
 *                      or beyond (conntrack's count: IP packets whole,
 *                      headers included; counted from the first packet
 *                      conntrack sees of the flow, so a connection open
 *                      before the fault is counted from the fault on).
 *
 * The protocol's packets are recognised where a TCP segment begins: a
 * MySQL packet header (3 bytes of length, 1 of sequence number) and the
 * byte after it, read with nftables' raw payload at the inner header
 * (@ih, the first byte after the TCP header).  A segment that continues
 * a larger packet can match by chance (its 4th and 5th bytes would have
 * to be those of the point), and nothing can be read inside TLS: with
 * tls=required only greeting, login and tls are seen.
 *
 * The rules live in two tables of one name, "table inet
 * goneaway_<tag>_<line>": one in the lab's client namespace, one in the
 * namespace the clients' connections arrive in (the server's, or a
 * proxy's in front of it: struct ga_fault_target's connect_ns), on the
 * flows from the client to where it connects.  Each side watches the
 * packets it sends and receives: a flow whose packet reaches the point
 * goes into that side's dynamic set "cut" (keyed by the client's
 * address and port), on both sides, since both see that packet pass.
 * Each side then cuts only what it RECEIVES of a cut flow, in its input
 * hook: the sender's TCP sees its segment leave as on a real network
 * (a segment dropped in its own output hook would not count as sent,
 * and the ACK riding on it would be lost for good), and the loss is
 * the network's.  The two sides decide on their own (each counts what
 * passes it), so each also tells the other: what a side sends of a flow
 * it has cut carries a mark (DSCP 0x3f, GA_POINT_MARK), and a marked
 * packet arriving cuts its flow on that side too - a trigger segment
 * lost between the two (a veth backlog full under load) does not leave
 * one side cutting and the other carrying on.  Every client flow that reaches the point is cut, the
 * others are left alone, until lift, or the end of the scenario, which
 * deletes both tables: then a dropped or paused flow goes on where it
 * stopped (TCP sends again what was lost), if neither side gave up
 * meanwhile.  A drop takes the ACKs too: a peer whose data is not
 * acknowledged stops sending new data (after a timeout TCP sends one
 * segment again and waits), so to let one side talk while the other is
 * held, pause the other.
 *
 * A reset answers the packet's sender: a client packet that is cut
 * resets the client at once, a server packet the server.  The other
 * side learns it when it next sends.  With "after" on a server's packet
 * (greeting, auth, SIZE from-server) that is quick: the packet reached
 * the client, whose ACK of it is reset.  (Which is why "reset after
 * greeting" is a race at the client: its kernel ACKs the greeting at
 * once, and that ACK's reset can beat the application to the greeting;
 * "reset at login" resets the client's answer itself.)
 *
 * The client side's script for "reset both after 64KiB from-server"
 * (tag 0x33, line 9, the server at 198.18.0.2:3306):
 *
 *     create table inet goneaway_33_9
 *     add set inet goneaway_33_9 cut { type ipv4_addr . inet_service; flags dynamic; }
 *     add chain inet goneaway_33_9 input { type filter hook input priority 0; policy accept; }
 *     add chain inet goneaway_33_9 output { type filter hook output priority 0; policy accept; }
 *     add rule inet goneaway_33_9 output ip daddr 198.18.0.2 tcp dport 3306 ip saddr . tcp sport @cut ip dscp set 0x3f
 *     add rule inet goneaway_33_9 input ip saddr 198.18.0.2 tcp sport 3306 ip dscp 0x3f add @cut { ip daddr . tcp dport }
 *     add rule inet goneaway_33_9 input ip saddr 198.18.0.2 tcp sport 3306 ip daddr . tcp dport @cut tcp flags & rst == 0 reject with tcp reset
 *     add rule inet goneaway_33_9 input ip saddr 198.18.0.2 tcp sport 3306 ct direction reply ct reply bytes >= 65536 add @cut { ip daddr . tcp dport }
 *     add rule inet goneaway_33_9 input ip saddr 198.18.0.2 tcp sport 3306 ct direction original ct original bytes >= 65536 add @cut { ip daddr . tcp dport }
 *
 * and the server side's (its input hook takes the client's packets, its
 * output hook sees the server's leave):
 *
 *     ...
 *     add rule inet goneaway_33_9 output ip saddr 198.18.0.2 tcp sport 3306 ip daddr . tcp dport @cut ip dscp set 0x3f
 *     add rule inet goneaway_33_9 input ip daddr 198.18.0.2 tcp dport 3306 ip dscp 0x3f add @cut { ip saddr . tcp sport }
 *     add rule inet goneaway_33_9 input ip daddr 198.18.0.2 tcp dport 3306 ip saddr . tcp sport @cut tcp flags & rst == 0 reject with tcp reset
 *     add rule inet goneaway_33_9 output ip saddr 198.18.0.2 tcp sport 3306 ct direction reply ct reply bytes >= 65536 add @cut { ip daddr . tcp dport }
 *     add rule inet goneaway_33_9 output ip saddr 198.18.0.2 tcp sport 3306 ct direction original ct original bytes >= 65536 add @cut { ip daddr . tcp dport }
 *
 * (conntrack counts by its own direction: original is whichever side's
 * packet it saw first, the client's for a flow it saw open; each side
 * counts from the moment its table was made.)
 */
#include "faults/point.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults/args.h"
#include "faults/nft.h"
#include "faults/pointact.h"
#include "util/strbuf.h"
#include "util/units.h"

enum pt_action { PT_DROP, PT_RESET, PT_PAUSE, PT_KILL, PT_CRASH, PT_FIN };
enum pt_dir { PT_BOTH, PT_TO_SERVER, PT_FROM_SERVER };
enum pt_when { PT_AT, PT_AFTER };
enum pt_point { PT_GREETING, PT_LOGIN, PT_AUTH, PT_TLS, PT_COMMAND,
		PT_BYTES, PT_DATA };

struct pt_spec {
	enum pt_action action;
	enum pt_dir cut;                /* which packets are cut */
	enum pt_when when;
	enum pt_point point;
	int command;                    /* PT_COMMAND: the command byte */
	uint64_t bytes;                 /* PT_BYTES, PT_DATA: the count */
	enum pt_dir bytes_dir;          /* ... to or from the server */
	size_t when_at;                 /* offsets for validate()'s diag */
	size_t cut_at;                  /* ... 0: no CUT word */
	size_t point_at;
};

/* What revert needs: the name of the table apply made, or the engine
 * of a kill or crash. */
struct pt_state {
	char table[64];
	struct ga_point_act *act;       /* owned */
};

/* The commands of the client/server protocol and their first byte
 * (include/mysql_com.h's enum enum_server_command: MySQL's and MariaDB's
 * agree up to 29; 30 is MySQL's COM_BINLOG_DUMP_GTID, 250 MariaDB's
 * array execute). */
static const struct command {
	const char *name;
	unsigned byte;
} commands[] = {
	{ "COM_SLEEP", 0 }, { "COM_QUIT", 1 }, { "COM_INIT_DB", 2 },
	{ "COM_QUERY", 3 }, { "COM_FIELD_LIST", 4 }, { "COM_CREATE_DB", 5 },
	{ "COM_DROP_DB", 6 }, { "COM_REFRESH", 7 }, { "COM_SHUTDOWN", 8 },
	{ "COM_STATISTICS", 9 }, { "COM_PROCESS_INFO", 10 },
	{ "COM_CONNECT", 11 }, { "COM_PROCESS_KILL", 12 }, { "COM_DEBUG", 13 },
	{ "COM_PING", 14 }, { "COM_TIME", 15 }, { "COM_DELAYED_INSERT", 16 },
	{ "COM_CHANGE_USER", 17 }, { "COM_BINLOG_DUMP", 18 },
	{ "COM_TABLE_DUMP", 19 }, { "COM_CONNECT_OUT", 20 },
	{ "COM_REGISTER_SLAVE", 21 }, { "COM_STMT_PREPARE", 22 },
	{ "COM_STMT_EXECUTE", 23 }, { "COM_STMT_SEND_LONG_DATA", 24 },
	{ "COM_STMT_CLOSE", 25 }, { "COM_STMT_RESET", 26 },
	{ "COM_SET_OPTION", 27 }, { "COM_STMT_FETCH", 28 }, { "COM_DAEMON", 29 },
	{ "COM_BINLOG_DUMP_GTID", 30 }, { "COM_RESET_CONNECTION", 31 },
	{ "COM_STMT_BULK_EXECUTE", 250 },
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char *const actions[] = {
	[PT_DROP] = "drop", [PT_RESET] = "reset", [PT_PAUSE] = "pause",
	[PT_KILL] = "kill", [PT_CRASH] = "crash", [PT_FIN] = "fin", NULL
};
static const char *const dirs[] = {
	[PT_BOTH] = "both",
	[PT_TO_SERVER] = "to-server",
	[PT_FROM_SERVER] = "from-server",
	NULL,
};
static const char *const whens[] = { [PT_AT] = "at", [PT_AFTER] = "after",
				     NULL };
static const char *const after_action[] = {
	"to-server", "from-server", "both", "at", "after", NULL
};
static const char *const phases[] = {
	[PT_GREETING] = "greeting",
	[PT_LOGIN] = "login",
	[PT_AUTH] = "auth",
	[PT_TLS] = "tls",
	NULL,
};
static const char *const bytes_dirs[] = { "to-server", "from-server", NULL };

int ga_point_command_byte(const char *name)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return (int)commands[i].byte;
	return -1;
}

/* The name of command byte b, for describe() and goneaway explore. */
const char *ga_point_command_name(int b)
{
	size_t i;

	for (i = 0; i < NCOMMANDS; i++)
		if ((int)commands[i].byte == b)
			return commands[i].name;
	return "?";
}

/* The direction of the packet that reaches the point. */
static enum pt_dir point_dir(const struct pt_spec *s)
{
	switch (s->point) {
	case PT_GREETING:
	case PT_AUTH:
		return PT_FROM_SERVER;
	case PT_BYTES:
	case PT_DATA:
		return s->bytes_dir;
	default:
		return PT_TO_SERVER;
	}
}

/* ------------------------------------------------------------------ */
/* Parsing */

/* POINT, from w on: a phase, a command or "SIZE to-server|from-server".
 * Returns 0 or -1 (diag). */
static int parse_point(struct ga_args *a, const struct ga_arg *w,
		       struct pt_spec *s, struct ga_fault_diag *diag)
{
	char text[64];
	struct ga_arg v, num;
	struct ga_error uerr;
	int i;

	i = ga_arg_which(w, phases);
	if (i >= 0) {
		s->point = (enum pt_point)i;
		return 0;
	}
	if (w->len > 4 && memcmp(w->text, "COM_", 4) == 0) {
		i = ga_point_command_byte(ga_arg_str(w, text, sizeof(text)));
		if (i < 0) {
			const char *names[NCOMMANDS + 1];
			size_t k;

			for (k = 0; k < NCOMMANDS; k++)
				names[k] = commands[k].name;
			names[NCOMMANDS] = NULL;
			return ga_args_expected(diag, "a MySQL command such as "
						"COM_QUERY, COM_PING or "
						"COM_STMT_EXECUTE", w, names);
		}
		s->point = PT_COMMAND;
		s->command = i;
		return 0;
	}
	s->point = PT_BYTES;
	if (w->len == 4 && memcmp(w->text, "data", 4) == 0) {
		s->point = PT_DATA;
		ga_args_next(a, &num);
		if (num.len == 0 || !isdigit((unsigned char)num.text[0]))
			return ga_args_expected(diag, "a size after 'data'",
						&num, NULL);
		w = &num;
	} else if (w->len == 0 || !isdigit((unsigned char)w->text[0])) {
		return ga_args_expected(diag, "greeting, login, auth, tls, a "
					"command such as COM_QUERY, a size "
					"and to-server or from-server, or "
					"data and a size", w, phases);
	}
	if (ga_units_size(ga_arg_str(w, text, sizeof(text)), &s->bytes,
			  &uerr) != 0)
		return ga_fault_diag_set(diag, w->at, "%s", uerr.msg);
	if (s->bytes == 0 || s->bytes > GA_POINT_BYTES_MAX)
		return ga_fault_diag_set(diag, w->at, "the size '%s' is not "
					 "from 1 byte to 1024GiB", text);
	ga_args_next(a, &v);
	i = ga_arg_which(&v, bytes_dirs);
	if (i < 0)
		return ga_args_expected(diag, "to-server or from-server after "
					"the size", &v, bytes_dirs);
	s->bytes_dir = i == 0 ? PT_TO_SERVER : PT_FROM_SERVER;
	return 0;
}

static int parse_words(struct ga_args *a, struct pt_spec *s,
		       struct ga_fault_diag *diag)
{
	struct ga_arg w;
	int i;

	ga_args_next(a, &w);
	i = ga_arg_which(&w, dirs);
	if (i >= 0) {
		s->cut = (enum pt_dir)i;
		s->cut_at = w.at + 1;
		ga_args_next(a, &w);
		i = ga_arg_which(&w, whens);
		if (i < 0)
			return ga_args_expected(diag, "at or after", &w, whens);
	} else {
		i = ga_arg_which(&w, whens);
		if (i < 0)
			return ga_args_expected(diag, "to-server, from-server, "
						"both, at or after", &w,
						after_action);
	}
	s->when = (enum pt_when)i;
	s->when_at = w.at;
	ga_args_next(a, &w);
	s->point_at = w.at;
	if (parse_point(a, &w, s, diag) != 0)
		return -1;
	if (ga_args_next(a, &w))
		return ga_fault_diag_set(diag, w.at, "unexpected '%.*s' after "
					 "the point", (int)w.len, w.text);
	return 0;
}

static int pt_parse(const char *args, void **spec, struct ga_fault_diag *diag)
{
	struct pt_spec *s;
	struct ga_args a;
	struct ga_arg w;
	int i;

	ga_args_init(&a, args);
	ga_args_next(&a, &w);
	i = ga_arg_which(&w, actions);
	if (i < 0)
		return ga_args_expected(diag, "drop, reset, pause, kill, "
					"crash or fin", &w, actions);
	s = calloc(1, sizeof(*s));
	if (!s)
		return ga_fault_diag_set(diag, 0, "out of memory");
	s->action = (enum pt_action)i;
	if (parse_words(&a, s, diag) != 0) {
		free(s);
		return -1;
	}
	*spec = s;
	return 0;
}

/* "at" cuts the packet that reaches the point: that packet's direction
 * must be one that is cut. */
static int pt_validate(const void *spec, struct ga_fault_diag *diag)
{
	const struct pt_spec *s = spec;
	enum pt_dir d = point_dir(s);

	if (s->action == PT_KILL || s->action == PT_CRASH) {
		if (s->cut_at)
			return ga_fault_diag_set(diag, s->cut_at - 1, "'%s' "
						 "cuts nothing: it takes no "
						 "to-server, from-server or "
						 "both", actions[s->action]);
		if (s->point != PT_BYTES && s->point != PT_DATA)
			return ga_fault_diag_set(diag, s->point_at, "'%s' "
						 "takes a SIZE point: SIZE "
						 "to-server or SIZE "
						 "from-server, or data SIZE",
						 actions[s->action]);
		return 0;
	}
	if (s->action == PT_FIN && s->point != PT_DATA)
		return ga_fault_diag_set(diag, s->point_at, "'fin' takes a "
					 "data SIZE point: data SIZE "
					 "to-server or data SIZE from-server");
	if (s->action == PT_FIN && s->cut != PT_BOTH)
		return ga_fault_diag_set(diag, s->cut_at ? s->cut_at - 1 : 0,
					 "'fin' closes the connection both "
					 "ways: write both, or no CUT word");
	if (s->when == PT_AT && s->cut != PT_BOTH && s->cut != d)
		return ga_fault_diag_set(diag, s->when_at, "'at' cuts the "
					 "packet that reaches the point, a "
					 "%s packet, but only %s packets are "
					 "cut: write 'after', or cut %s or "
					 "both", dirs[d], dirs[s->cut],
					 dirs[d]);
	return 0;
}

static void pt_describe(const void *spec, char *buf, size_t len)
{
	const struct pt_spec *s = spec;
	char point[64];

	if (s->point == PT_COMMAND) {
		snprintf(point, sizeof(point), "%s",
			 ga_point_command_name(s->command));
	} else if (s->point == PT_BYTES || s->point == PT_DATA) {
		snprintf(point, sizeof(point), "%s", s->point == PT_DATA ?
			 "data " : "");
		ga_units_format_size(s->bytes, point + strlen(point),
				     sizeof(point) - strlen(point));
		snprintf(point + strlen(point), sizeof(point) - strlen(point),
			 " %s", dirs[s->bytes_dir]);
	} else {
		snprintf(point, sizeof(point), "%s", phases[s->point]);
	}
	if (s->action == PT_KILL || s->action == PT_CRASH)
		snprintf(buf, len, "%s %s %s", actions[s->action],
			 whens[s->when], point);
	else
		snprintf(buf, len, "%s %s %s %s", actions[s->action],
			 dirs[s->cut], whens[s->when], point);
}

static void pt_free(void *spec)
{
	free(spec);
}

/* ------------------------------------------------------------------ */
/* The nft scripts */

/* Which packets of a cut flow a cut takes: a reset lets resets through
 * (those the rules send are packets of the flow too, and must reach the
 * side they answer); a pause takes only the segments that carry data
 * (an @ih load fails on a segment without payload, so the rule does not
 * match it), and lets ACKs, FIN and RST through. */
static const char *const only[] = {
	[PT_DROP] = "",
	[PT_RESET] = " tcp flags & rst == 0",
	[PT_PAUSE] = " @ih,0,1 { 0, 1 }",
	[PT_FIN] = " tcp flags & fin == 0",
};

/* One side's view of the flows: which hook a packet of each direction
 * passes there, what it matches, and the flow's key in the set (the
 * client's address and port). */
struct side {
	const char *hook[3];            /* by enum pt_dir */
	char match[3][96];
	const char *key[3];
};

static void side_init(struct side *sd, enum ga_point_side which,
		      const char *addr, unsigned port)
{
	bool client = which == GA_POINT_CLIENT_SIDE;

	sd->hook[PT_TO_SERVER] = client ? "output" : "input";
	sd->hook[PT_FROM_SERVER] = client ? "input" : "output";
	snprintf(sd->match[PT_TO_SERVER], sizeof(sd->match[0]),
		 "ip daddr %s tcp dport %u", addr, port);
	snprintf(sd->match[PT_FROM_SERVER], sizeof(sd->match[0]),
		 "ip saddr %s tcp sport %u", addr, port);
	sd->key[PT_TO_SERVER] = "ip saddr . tcp sport";
	sd->key[PT_FROM_SERVER] = "ip daddr . tcp dport";
}

/* The side that receives packets of direction d: the one that cuts
 * them. */
static enum ga_point_side receiver(enum pt_dir d)
{
	return d == PT_TO_SERVER ? GA_POINT_FRONT_SIDE : GA_POINT_CLIENT_SIDE;
}

/* The rule (or rules) that put a flow into "cut" when a packet of it
 * reaches the point; on the side that receives the packet, "at" cuts
 * it too. */
static void put_trigger(struct ga_strbuf *o, const struct pt_spec *s,
			const char *table, const struct side *sd,
			bool receiving, const char *verdict)
{
	enum pt_dir d = point_dir(s);
	const char *hook = sd->hook[d], *match = sd->match[d];
	/* conntrack's original direction is the one it saw first */
	const char *ct_dir[2] = {
		d == PT_TO_SERVER ? "original" : "reply",
		d == PT_TO_SERVER ? "reply" : "original",
	};
	char tail[96] = "";
	int i;

	if (s->when == PT_AT && receiving)
		snprintf(tail, sizeof(tail), "%s %s", only[s->action], verdict);
	switch (s->point) {
	case PT_DATA:           /* faults/pointact.c's engine finds it */
		return;
	case PT_BYTES:
		for (i = 0; i < 2; i++)
			ga_strbuf_add(o, "add rule inet %s %s %s ct direction %s ct %s "
			    "bytes >= %llu add @cut { %s }%s\n", table, hook,
			    match, ct_dir[i], ct_dir[i],
			    (unsigned long long)s->bytes, sd->key[d], tail);
		return;
	case PT_GREETING:       /* number 0, protocol version 10 */
		ga_strbuf_add(o, "add rule inet %s %s %s @ih,24,16 0x000a add @cut "
		    "{ %s }%s\n", table, hook, match, sd->key[d], tail);
		return;
	case PT_LOGIN:          /* number 1 */
		ga_strbuf_add(o, "add rule inet %s %s %s @ih,24,8 0x01 add @cut "
		    "{ %s }%s\n", table, hook, match, sd->key[d], tail);
		return;
	case PT_AUTH:           /* number 2: OK, more data, switch, error */
		ga_strbuf_add(o, "add rule inet %s %s %s @ih,24,8 0x02 @ih,32,8 "
		    "{ 0x00, 0x01, 0xfe, 0xff } add @cut { %s }%s\n", table,
		    hook, match, sd->key[d], tail);
		return;
	case PT_TLS:            /* a TLS handshake record */
		ga_strbuf_add(o, "add rule inet %s %s %s @ih,0,16 0x1603 add @cut "
		    "{ %s }%s\n", table, hook, match, sd->key[d], tail);
		return;
	case PT_COMMAND:        /* number 0, the command's byte */
		ga_strbuf_add(o, "add rule inet %s %s %s @ih,24,16 0x%04x add @cut "
		    "{ %s }%s\n", table, hook, match, (unsigned)s->command,
		    sd->key[d], tail);
		return;
	}
}

int ga_point_script(const void *spec, const struct ga_fault_target *t,
		    enum ga_point_side which, const char *table, char *buf,
		    size_t len, struct ga_error *err)
{
	const struct pt_spec *s = spec;
	struct ga_strbuf o = { buf, len, 0, len == 0 };
	const char *addr = t->connect_addr ? t->connect_addr : t->server_addr;
	unsigned port = t->connect_port ? t->connect_port : t->server_port;
	const char *verdict = s->action == PT_RESET ?
			      "reject with tcp reset" : "drop";
	/* what this side receives (and cuts), and what it sends */
	enum pt_dir cut = which == GA_POINT_CLIENT_SIDE ? PT_FROM_SERVER :
			  PT_TO_SERVER;
	enum pt_dir send = cut == PT_TO_SERVER ? PT_FROM_SERVER :
			   PT_TO_SERVER;
	unsigned char bin[4];
	struct side sd;

	if (len > 0)
		buf[0] = '\0';
	if (s->action == PT_KILL || s->action == PT_CRASH)
		return ga_error_set(err, "point: '%s' is no nft script (its "
				    "engine: faults/pointact.c)",
				    actions[s->action]);
	if (!addr || inet_pton(AF_INET, addr, bin) != 1)
		return ga_error_set(err, "point: the address '%s' is not a "
				    "numeric IPv4 address", addr ? addr : "");
	if (!ga_nft_valid_table(table))
		return ga_error_set(err, "point: '%s' is not a table name nft "
				    "takes", table);
	if (port < 1 || port > 65535)
		return ga_error_set(err, "point: no server port (%u)", port);
	side_init(&sd, which, addr, port);

	ga_strbuf_add(&o, "create table inet %s\n", table);
	ga_strbuf_add(&o, "add set inet %s cut { type ipv4_addr . inet_service; "
	    "flags dynamic; }\n", table);
	ga_strbuf_add(&o, "add chain inet %s input { type filter hook input priority "
	    "0; policy accept; }\n", table);
	ga_strbuf_add(&o, "add chain inet %s output { type filter hook output priority "
	    "0; policy accept; }\n", table);
	/* What this side sends of a flow it cut carries the mark, and a
	 * marked packet it receives cuts the flow here too: the two sides
	 * count and match on their own, and a packet lost between them
	 * must not leave one side cutting and the other not.  The flows
	 * already cut first: the packet that reaches the point is not in
	 * the set yet, so it leaves unmarked and passes unless "at". */
	ga_strbuf_add(&o, "add rule inet %s output %s %s @cut ip dscp set %s\n", table,
	    sd.match[send], sd.key[send], GA_POINT_MARK);
	ga_strbuf_add(&o, "add rule inet %s input %s ip dscp %s add @cut { %s }\n",
	    table, sd.match[cut], GA_POINT_MARK, sd.key[cut]);
	if (s->cut == PT_BOTH || s->cut == cut)
		ga_strbuf_add(&o, "add rule inet %s input %s %s @cut%s %s\n", table,
		    sd.match[cut], sd.key[cut], only[s->action], verdict);
	put_trigger(&o, s, table, &sd, receiver(point_dir(s)) == which,
		    verdict);
	if (o.cut)
		return ga_error_set(err, "point: the nft script does not fit "
				    "in %zu bytes", len);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Applying and reverting */

/* The namespace of each side: the client's, and the one its
 * connections arrive in (the server's, or a proxy's in front of it). */
static int side_ns(const struct ga_fault_target *t, enum ga_point_side which)
{
	if (which == GA_POINT_CLIENT_SIDE)
		return t->client_ns;
	return t->connect_addr ? t->connect_ns : t->server_ns;
}

static const char *const side_name[] = {
	[GA_POINT_CLIENT_SIDE] = "client",
	[GA_POINT_FRONT_SIDE] = "server",
};

static int apply_side(const void *spec, const struct ga_fault_target *t,
		      enum ga_point_side which, const char *table,
		      struct ga_error *err)
{
	char script[2048];
	int rc;

	rc = ga_point_script(spec, t, which, table, script, sizeof(script),
			     err);
	if (rc == 0)
		rc = ga_nft_apply_in(side_ns(t, which), script, err);
	if (rc != 0)
		ga_error_prefix(err, "point (table inet %s in the %s "
				"namespace)", table, side_name[which]);
	return rc;
}

/* Deletes the table on one side; a namespace already gone took it
 * with it. */
static int revert_side(const struct ga_fault_target *t,
		       enum ga_point_side which, const char *table,
		       struct ga_error *err)
{
	int ns = side_ns(t, which);

	if (ns < 0)
		return 0;
	if (ga_nft_delete_table_in(ns, table, err) == 0)
		return 0;
	return ga_error_prefix(err, "point: deleting table inet %s in the %s "
			       "namespace", table, side_name[which]);
}

/* A kill or crash: its engine, which counts the bytes itself. */
static int apply_act(const struct pt_spec *s, const struct ga_fault_target *t,
		     struct pt_state *st, struct ga_error *err)
{
	struct ga_point_act_params p = {
		.crash = s->action == PT_CRASH,
		.cut = s->action != PT_CRASH && s->action != PT_KILL,
		.fin = s->action == PT_FIN,
		.data = s->point == PT_DATA,
		.after = s->when == PT_AFTER,
		.to_server = s->bytes_dir == PT_TO_SERVER,
		.bytes = s->bytes,
	};

	return ga_point_act_start(&p, t, st->table, &st->act, err);
}

static int pt_apply(const void *spec, const struct ga_fault_target *t,
		    void **state, struct ga_error *err)
{
	const struct pt_spec *s = spec;
	struct pt_state *st;
	struct ga_error ignored;
	int rc;

	*state = NULL;
	st = calloc(1, sizeof(*st));
	if (!st)
		return ga_error_errno(err, ENOMEM, "point");
	ga_nft_table_name(t->tag, (unsigned)t->line, st->table,
			  sizeof(st->table));
	if (s->action == PT_KILL || s->action == PT_CRASH) {
		rc = apply_act(s, t, st, err);
		if (rc != 0) {
			free(st);
			return rc;
		}
		*state = st;
		return 0;
	}
	rc = apply_side(spec, t, GA_POINT_CLIENT_SIDE, st->table, err);
	if (rc == 0) {
		rc = apply_side(spec, t, GA_POINT_FRONT_SIDE, st->table, err);
		/* a data point's packet is found by the cut's engine */
		if (rc == 0 && s->point == PT_DATA)
			rc = apply_act(s, t, st, err);
		if (rc != 0) {
			revert_side(t, GA_POINT_CLIENT_SIDE, st->table,
				    &ignored);
			revert_side(t, GA_POINT_FRONT_SIDE, st->table,
				    &ignored);
		}
	}
	if (rc != 0) {
		free(st);
		return rc;
	}
	*state = st;
	return 0;
}

static int pt_revert(const void *spec, const struct ga_fault_target *t,
		     void *state, struct ga_error *err)
{
	const struct pt_spec *s = spec;
	struct pt_state *st = state;
	struct ga_error e2;
	int rc;

	if (!st)
		return 0;
	rc = st->act ? ga_point_act_stop(st->act, t, err) : 0;
	if (st->act && (s->action == PT_KILL || s->action == PT_CRASH)) {
		free(st);
		return rc;
	}
	if (revert_side(t, GA_POINT_CLIENT_SIDE, st->table, &e2) != 0 &&
	    rc == 0) {
		if (err)
			*err = e2;
		rc = -1;
	}
	if (revert_side(t, GA_POINT_FRONT_SIDE, st->table, &e2) != 0 &&
	    rc == 0) {
		if (err)
			*err = e2;
		rc = -1;
	}
	free(st);
	return rc;
}

/* Both ways of finding a point in t's client namespace - a payload
 * byte and conntrack's byte count - applied and reverted again. */
static int pt_probe(const struct ga_fault_target *t, struct ga_error *why)
{
	static const char *const probes[] = {
		"pause at COM_PING", "reset after 1 from-server", NULL,
	};
	struct ga_fault_diag diag;
	struct ga_fault_target pt = *t;
	void *spec, *state;
	int i, rc = 0;

	for (i = 0; probes[i] && rc == 0; i++) {
		spec = state = NULL;
		if (pt_parse(probes[i], &spec, &diag))
			return ga_error_set(why, "%s", diag.msg);
		pt.line = i + 1;
		rc = pt_apply(spec, &pt, &state, why);
		if (rc == 0 && pt_revert(spec, &pt, state, why) != 0)
			rc = -1;
		pt_free(spec);
	}
	return rc == 0 ? 0 : -1;
}

/* What a kill or crash did; the nft rules count nothing. */
static void pt_note(const void *spec, void *state, char *buf, size_t len)
{
	struct pt_state *st = state;

	(void)spec;
	if (st && st->act)
		ga_point_act_note(st->act, buf, len);
}

static const struct ga_fault_ops pt_ops = {
	.apply = pt_apply,
	.revert = pt_revert,
	.note = pt_note,
	.probe = pt_probe,
	.probe_name = "point",
	.probe_ok = "faults at a protocol point (nftables: payload bytes, "
		    "conntrack byte counts, a dynamic set)",
	.in_lab = true,
};

const struct ga_fault_kind ga_fault_point = {
	.name = "point",
	.usage = "point drop|reset [to-server|from-server|both] at|after "
		 "greeting|login|auth|tls|COM_NAME|[data] SIZE "
		 "to-server|from-server, or point kill|crash at|after "
		 "[data] SIZE to-server|from-server, or point fin [both] "
		 "at|after data SIZE to-server|from-server",
	.parse = pt_parse,
	.validate = pt_validate,
	.describe = pt_describe,
	.free_spec = pt_free,
	.ops = &pt_ops,
};
