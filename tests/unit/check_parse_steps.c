/* check_parse_steps.c - tests for the scenario-language features beyond
 * the first format: faults and lift, prepared statements (prepare,
 * execute, long-data), stream/fetch, fork, raw connections and drain,
 * max_allowed_packet, repeat, seen, wrong-result, matching, and
 * %repeat[...]% in SQL.
 *
 * As in check_parse.c: good texts are parsed and every field of the step
 * in question is checked from a table; each diagnostic is provoked once
 * (exact line and column, message substring).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/diag.h"
#include "faults/fault.h"
#include "lang/expand.h"
#include "lang/parse.h"
#include "lang/scenario.h"
#include "parse_util.h"
#include "suites.h"

#define TIMEOUT 20

/* ---- helpers (parse_ok, parse_bad, assert_diag: parse_util.c) ---------- */

static size_t count_char(const char *s, char c)
{
	size_t n = 0;

	for (; *s; s++)
		if (*s == c)
			n++;
	return n;
}

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Three header lines: the first step is on line 4. */
#define HEAD "title t\ncause c\nconnection app\n"
/* Four header lines, connection 1 is raw: the first step is on line 5. */
#define RAW HEAD "connection sq transport=raw\n"

/* ---- steps: every field of one step ---------------------------------------- */

struct step_case {
	const char *label;
	const char *text;
	size_t nsteps;          /* steps in the scenario */
	size_t step;            /* the step checked */
	int line;
	enum ga_step_kind kind;
	int conn;
	/* text: exact, or (len != 0) by length, ends and one character's
	 * count, for an expanded %repeat */
	const char *stext;      /* NULL and len 0: st->text is NULL */
	size_t len;
	const char *prefix, *suffix;
	char fill;
	size_t nfill;
	long size, chunk;
	enum ga_fork_mode fork_mode;
	long count;
	const struct ga_fault_kind *fault;
	const char *describe;   /* the fault's spec, by fault->describe */
	int fault_step;
};

static const struct step_case step_cases[] = {
	/* fault, each kind */
	{ "fault firewall", HEAD "fault wall firewall drop to-server port "
	  "3306 # why\n", 1, 0, 4, GA_STEP_FAULT, -1, "wall",
	  .fault = &ga_fault_firewall,
	  .describe = "drop to-server port 3306" },
	{ "fault firewall reject", HEAD "connect app\n"
	  "fault rst firewall reject from-server with icmp\n", 2, 1, 5,
	  GA_STEP_FAULT, -1, "rst", .fault = &ga_fault_firewall,
	  .describe = "reject from-server with icmp" },
	{ "fault firewall defaults", HEAD "fault flaky-1 firewall drop "
	  "loss 30%\n", 1, 0, 4, GA_STEP_FAULT, -1, "flaky-1",
	  .fault = &ga_fault_firewall, .describe = "drop both loss 30%" },
	{ "fault tbf", HEAD "fault slow tbf on server rate 16kbit\n", 1, 0, 4,
	  GA_STEP_FAULT, -1, "slow", .fault = &ga_fault_tbf,
	  .describe = "tbf on server rate 16kbit burst 1600b latency 1s" },
	{ "fault netem", HEAD "fault lossy   netem  on client delay 100ms "
	  "jitter 10ms\n", 1, 0, 4, GA_STEP_FAULT, -1, "lossy",
	  .fault = &ga_fault_netem,
	  .describe = "netem on client delay 100ms jitter 10ms" },
	{ "fault pause", HEAD "fault frozen pause   # SIGSTOP\n", 1, 0, 4,
	  GA_STEP_FAULT, -1, "frozen", .fault = &ga_fault_pause,
	  .describe = "" },
	/* lift: the index of its fault step */
	{ "lift", HEAD "connect app\nfault f pause\nquery app SELECT 1\n"
	  "lift f\n", 4, 3, 7, GA_STEP_LIFT, -1, "f", .fault_step = 1 },
	{ "lift the first of two", HEAD "fault a pause\n"
	  "fault b firewall drop\nlift a\nlift b\n", 4, 2, 6, GA_STEP_LIFT,
	  -1, "a", .fault_step = 0 },
	{ "lift the second of two", HEAD "fault a pause\n"
	  "fault b firewall drop\nlift a\nlift b\n", 4, 3, 7, GA_STEP_LIFT,
	  -1, "b", .fault_step = 1 },
	{ "fault after a lift", HEAD "fault a pause\nlift a\n"
	  "fault b firewall drop\n", 3, 2, 6, GA_STEP_FAULT, -1, "b",
	  .fault = &ga_fault_firewall, .describe = "drop both" },
	/* prepared statements */
	{ "prepare", HEAD "prepare app INSERT INTO blobs(b) VALUES (?)  \t\n",
	  1, 0, 4, GA_STEP_PREPARE, 0, "INSERT INTO blobs(b) VALUES (?)", .size = 0 },
	{ "execute blob=2MiB", HEAD "prepare app INSERT INTO blobs(b) "
	  "VALUES (?)\nexecute app blob=2MiB\n", 2, 1, 5, GA_STEP_EXECUTE, 0,
	  .size = 2097152 },
	{ "execute blob=1K", HEAD "prepare app x\nexecute app blob=1K\n", 2,
	  1, 5, GA_STEP_EXECUTE, 0, .size = 1024 },
	{ "execute without blob", HEAD "prepare app x\nexecute app # none\n",
	  2, 1, 5, GA_STEP_EXECUTE, 0, .size = 0 },
	{ "execute twice", HEAD "prepare app x\nexecute app\n"
	  "execute app blob=4096\n", 3, 2, 6, GA_STEP_EXECUTE, 0,
	  .size = 4096 },
	{ "long-data with chunk", HEAD "prepare app x\n"
	  "long-data app 2MiB chunk=256KiB\n", 2, 1, 5, GA_STEP_LONG_DATA, 0,
	  .size = 2097152, .chunk = 262144 },
	{ "long-data default chunk", HEAD "prepare app x\n"
	  "long-data app 1M\n", 2, 1, 5, GA_STEP_LONG_DATA, 0,
	  .size = 1048576, .chunk = 65536 },
	/* stream and fetch */
	{ "stream", HEAD "stream app SELECT seq FROM seq_1_to_100000\n"
	  "fetch app\n", 2, 0, 4, GA_STEP_STREAM, 0,
	  "SELECT seq FROM seq_1_to_100000", .size = 0 },
	{ "fetch", HEAD "stream app SELECT 1\nfetch app\n", 2, 1, 5,
	  GA_STEP_FETCH, 0, .size = 0 },
	{ "stream, fetch, stream, fetch", HEAD "stream app SELECT 1\n"
	  "fetch app\nstream app SELECT 2\nfetch app\n", 4, 3, 7,
	  GA_STEP_FETCH, 0, .size = 0 },
	/* fork */
	{ "fork close", HEAD "connect app\nfork app close\n", 2, 1, 5,
	  GA_STEP_FORK, 0, .fork_mode = GA_FORK_CLOSE },
	{ "fork exit", HEAD "connect app\nfork app exit # child\n", 2, 1, 5,
	  GA_STEP_FORK, 0, .fork_mode = GA_FORK_EXIT },
	{ "fork share 50", HEAD "connect app\nfork app share 50\n", 2, 1, 5,
	  GA_STEP_FORK, 0, .fork_mode = GA_FORK_SHARE, .count = 50 },
	{ "fork share 999999", HEAD "fork app share 999999\n", 1, 0, 4,
	  GA_STEP_FORK, 0, .fork_mode = GA_FORK_SHARE, .count = 999999 },
	/* a raw connection: connect, drain, close, kill */
	{ "drain", RAW "connect sq\ndrain sq\nclose sq\n", 3, 1, 6,
	  GA_STEP_DRAIN, 1, .size = 0 },
	{ "close raw", RAW "connect sq\ndrain sq\nclose sq\n", 3, 2, 7,
	  GA_STEP_CLOSE, 1, .size = 0 },
	{ "kill raw", RAW "connect sq\nkill sq\n", 2, 1, 6, GA_STEP_KILL, 1, .size = 0 },
	{ "tcp steps next to a raw one", RAW "connect sq\nquery app "
	  "SELECT 1\n", 2, 1, 6, GA_STEP_QUERY, 0, "SELECT 1", .size = 0 },
	/* %repeat[...]% in SQL */
	{ "query %repeat 2MiB", HEAD "query app SELECT "
	  "'%repeat[2MiB x a]%'\n", 1, 0, 4, GA_STEP_QUERY, 0,
	  .len = 2097152 + 9, .prefix = "SELECT 'aaaa", .suffix = "aaaa'",
	  .fill = 'a', .nfill = 2097152 },
	{ "admin %repeat", HEAD "admin SELECT '%repeat[3 x ab]%' # c\n", 1, 0,
	  4, GA_STEP_ADMIN, -1, "SELECT 'ababab' # c", .size = 0 },
	{ "prepare %repeat 1K", HEAD "prepare app SELECT "
	  "'%repeat[1K x x]%', ?\n", 1, 0, 4, GA_STEP_PREPARE, 0,
	  .len = 1024 + 12, .prefix = "SELECT 'xxx", .suffix = "xx', ?",
	  .fill = 'x', .nfill = 1024 },
	{ "stream two repeats", HEAD "stream app SELECT '%repeat[2 x ab]%' "
	  "AS a, '%repeat[3 x c]%' AS b\n", 1, 0, 4, GA_STEP_STREAM, 0,
	  "SELECT 'abab' AS a, 'ccc' AS b", .size = 0 },
	{ "send %repeat", HEAD "send app SELECT '%repeat[4 x z]%'\n"
	  "reap app\n", 2, 0, 4, GA_STEP_SEND, 0, "SELECT 'zzzz'", .size = 0 },
	{ "%repeat of a text with blanks", HEAD "query app SELECT "
	  "'%repeat[2 x a b]%'\n", 1, 0, 4, GA_STEP_QUERY, 0,
	  "SELECT 'a ba b'", .size = 0 },
	{ "no variable", HEAD "query app SELECT '%repeat', ']%', '%rep'\n", 1,
	  0, 4, GA_STEP_QUERY, 0, "SELECT '%repeat', ']%', '%rep'", .size = 0 },
	{ "errorlog is not expanded", HEAD "errorlog %repeat[3 x a]% # x\n",
	  1, 0, 4, GA_STEP_ERRORLOG, -1, "%repeat[3 x a]% # x", .size = 0 },
};

START_TEST(test_step)
{
	const struct step_case *c = &step_cases[_i];
	const struct ga_step *st;
	struct ga_scenario *sc;
	struct ga_error err;
	const char *sql;
	char desc[256];

	sc = parse_ok(c->text);
	ck_assert_msg(sc->nsteps == c->nsteps, "%s: %zu steps, want %zu",
		      c->label, sc->nsteps, c->nsteps);
	st = &sc->steps[c->step];
	ck_assert_msg(st->line == c->line, "%s: line %d, want %d", c->label,
		      st->line, c->line);
	ck_assert_msg(st->kind == c->kind, "%s: kind %s, want %s", c->label,
		      ga_step_kind_name(st->kind), ga_step_kind_name(c->kind));
	ck_assert_msg(st->conn == c->conn, "%s: conn %d, want %d", c->label,
		      st->conn, c->conn);
	/* the text as it is sent: a %repeat expanded when asked for */
	ck_assert_int_eq(ga_expand_step(st, &sql, &err), 0);
	if (c->len) {
		ck_assert_ptr_nonnull(sql);
		ck_assert_msg(strlen(sql) == c->len, "%s: text of %zu "
			      "bytes, want %zu", c->label, strlen(sql),
			      c->len);
		ck_assert(strncmp(sql, c->prefix, strlen(c->prefix)) == 0);
		ck_assert_str_eq(sql + c->len - strlen(c->suffix), c->suffix);
		ck_assert_uint_eq(count_char(sql, c->fill), c->nfill);
	} else if (c->stext) {
		ck_assert_ptr_nonnull(sql);
		ck_assert_str_eq(sql, c->stext);
	} else {
		ck_assert_msg(st->text == NULL, "%s: text '%s', want none",
			      c->label, st->text);
	}
	ck_assert_msg(st->size == c->size, "%s: size %ld, want %ld",
		      c->label, st->size, c->size);
	ck_assert_msg(st->chunk == c->chunk, "%s: chunk %ld, want %ld",
		      c->label, st->chunk, c->chunk);
	ck_assert_int_eq(st->fork_mode, c->fork_mode);
	ck_assert_int_eq(st->count, c->count);
	ck_assert_int_eq(st->fault_step, c->fault_step);
	ck_assert_int_eq(st->duration_ms, 0);
	ck_assert_uint_eq(st->nexpects, 0);
	ck_assert_int_eq(st->seen.line, 0);
	ck_assert_msg(st->fault == c->fault, "%s: fault kind %s, want %s",
		      c->label, st->fault ? st->fault->name : "none",
		      c->fault ? c->fault->name : "none");
	if (c->fault) {
		ck_assert_ptr_nonnull(st->fault_spec);
		st->fault->describe(st->fault_spec, desc, sizeof(desc));
		ck_assert_str_eq(desc, c->describe);
	} else {
		ck_assert_ptr_null(st->fault_spec);
	}
	ck_assert(ga_step_kind_is(st->kind, GA_STEP_ACTION) ==
		  (st->kind == GA_STEP_FAULT || st->kind == GA_STEP_LIFT ||
		   st->kind == GA_STEP_KILL));
	ga_scenario_free(sc);
}
END_TEST

static const struct {
	enum ga_step_kind kind;
	const char *name;
	bool action;
} new_kinds[] = {
	{ GA_STEP_FAULT, "fault", true },
	{ GA_STEP_LIFT, "lift", true },
	{ GA_STEP_PREPARE, "prepare", false },
	{ GA_STEP_EXECUTE, "execute", false },
	{ GA_STEP_LONG_DATA, "long-data", false },
	{ GA_STEP_STREAM, "stream", false },
	{ GA_STEP_FETCH, "fetch", false },
	{ GA_STEP_FORK, "fork", false },
	{ GA_STEP_DRAIN, "drain", false },
};

START_TEST(test_new_kind_names)
{
	ck_assert_str_eq(ga_step_kind_name(new_kinds[_i].kind),
			 new_kinds[_i].name);
	ck_assert(ga_step_kind_is(new_kinds[_i].kind, GA_STEP_ACTION) ==
		  new_kinds[_i].action);
}
END_TEST

/* ---- header: connections and repeat ---------------------------------------- */

static const struct {
	const char *label;
	const char *text;
	long repeat;
	size_t conn;
	enum ga_transport transport;
	long max_allowed_packet;
} header_cases[] = {
	{ "defaults", HEAD "connect app\n", 1, 0, GA_TRANSPORT_TCP, 0 },
	{ "max_allowed_packet=1M", "title t\ncause c\nconnection app "
	  "read_timeout=5s max_allowed_packet=1M\nconnect app\n", 1, 0,
	  GA_TRANSPORT_TCP, 1048576 },
	{ "max_allowed_packet=1024", "title t\ncause c\nconnection app "
	  "max_allowed_packet=1024 transport=socket\nconnect app\n", 1, 0,
	  GA_TRANSPORT_SOCKET, 1024 },
	{ "max_allowed_packet=1GiB", "title t\ncause c\nconnection app "
	  "max_allowed_packet=1GiB\nconnect app\n", 1, 0, GA_TRANSPORT_TCP,
	  1073741824 },
	{ "transport=raw", RAW "connect sq\n", 1, 1, GA_TRANSPORT_RAW, 0 },
	{ "repeat 5", "title t\ncause c\nrepeat 5\nconnection app\n"
	  "connect app\n", 5, 0, GA_TRANSPORT_TCP, 0 },
	{ "repeat 1", "repeat 1 # once\ntitle t\ncause c\nconnection app\n"
	  "connect app\n", 1, 0, GA_TRANSPORT_TCP, 0 },
	{ "repeat 1000", HEAD "repeat 1000\nconnect app\n", 1000, 0,
	  GA_TRANSPORT_TCP, 0 },
};

START_TEST(test_header)
{
	struct ga_scenario *sc;
	const struct ga_connection *c;

	sc = parse_ok(header_cases[_i].text);
	ck_assert_msg(sc->repeat == header_cases[_i].repeat,
		      "%s: repeat %ld, want %ld", header_cases[_i].label,
		      sc->repeat, header_cases[_i].repeat);
	ck_assert_uint_gt(sc->nconnections, header_cases[_i].conn);
	c = &sc->connections[header_cases[_i].conn];
	ck_assert_int_eq(c->transport, header_cases[_i].transport);
	ck_assert_msg(c->max_allowed_packet ==
		      header_cases[_i].max_allowed_packet,
		      "%s: max_allowed_packet %ld, want %ld",
		      header_cases[_i].label, c->max_allowed_packet,
		      header_cases[_i].max_allowed_packet);
	ga_scenario_free(sc);
}
END_TEST

/* ---- the proxy line and the proxy steps ------------------------------------ */

/* "proxy NAME ..." declares; "proxy ACTION" acts (the word after it
 * tells them apart). */
START_TEST(test_proxy_lines)
{
	struct ga_scenario *sc;

	sc = parse_ok("title t\ncause c\nproxy haproxy client-timeout=2s "
		      "server-timeout=1500ms connect-timeout=1s\n"
		      "connection app\nconnect app\nproxy restart\n"
		      "proxy stop\nproxy start\nproxy crash\n");
	ck_assert_int_eq(sc->proxy.line, 3);
	ck_assert_str_eq(sc->proxy.name, "haproxy");
	ck_assert_ptr_null(sc->proxy.reason);
	ck_assert_int_eq(sc->proxy.client_timeout_ms, 2000);
	ck_assert_int_eq(sc->proxy.server_timeout_ms, 1500);
	ck_assert_int_eq(sc->proxy.connect_timeout_ms, 1000);
	ck_assert_uint_eq(sc->nsteps, 5);
	ck_assert_int_eq(sc->steps[1].kind, GA_STEP_PROXY_RESTART);
	ck_assert_int_eq(sc->steps[2].kind, GA_STEP_PROXY_STOP);
	ck_assert_int_eq(sc->steps[3].kind, GA_STEP_PROXY_START);
	ck_assert_int_eq(sc->steps[4].kind, GA_STEP_PROXY_CRASH);
	ck_assert_str_eq(ga_step_kind_name(GA_STEP_PROXY_RESTART),
			 "proxy restart");
	ck_assert(ga_step_kind_is(GA_STEP_PROXY_CRASH, GA_STEP_ACTION));
	ga_scenario_free(sc);

	sc = parse_ok("title t\ncause c\nproxy none the server's own port "
		      "# a comment\nconnection app\nconnect app\n");
	ck_assert_str_eq(sc->proxy.name, "none");
	ck_assert_str_eq(sc->proxy.reason, "the server's own port");
	ga_scenario_free(sc);

	sc = parse_ok(HEAD "connect app\n");
	ck_assert_int_eq(sc->proxy.line, 0);
	ga_scenario_free(sc);
}
END_TEST

/* ---- expect lines: outcome sets, matching ---------------------------------- */

static const struct {
	const char *label;
	const char *text;
	size_t step, idx;
	int line;
	bool ok, hang, wrong;
	unsigned codes[GA_MAX_CODES];
	size_t ncodes;
	const char *message;    /* NULL: none */
	long after_ms, within_ms;
	enum ga_cmp vcmp;
	const char *vtext;
} expect_cases[] = {
	{ "ok, wrong-result, an error and hang", HEAD "connect app\n"
	  "fork app share 50\n"
	  "  expect ok | wrong-result | CR_SERVER_LOST | hang after 15s\n",
	  1, 0, 6, .ok = true, .hang = true, .wrong = true,
	  .codes = { 2013 }, .ncodes = 1, .after_ms = 15000,
	  .within_ms = -1 },
	{ "wrong-result alone", HEAD "fork app share 3\n"
	  "  expect wrong-result,2013\n", 0, 0, 5, .wrong = true,
	  .codes = { 2013 }, .ncodes = 1, .after_ms = -1, .within_ms = -1 },
	{ "matching", HEAD "connect app\n  expect CR_SERVER_LOST matching "
	  "\"(110)\" after 1800ms within 3s\n", 0, 0, 5, .codes = { 2013 },
	  .ncodes = 1, .message = "(110)", .after_ms = 1800,
	  .within_ms = 3000 },
	{ "matching: quoted blanks and '#'", HEAD "query app SELECT 1\n"
	  "  expect 2013|2006 matching \"gone # away\" # a comment\n", 0, 0,
	  5, .codes = { 2013, 2006 }, .ncodes = 2, .message = "gone # away",
	  .after_ms = -1, .within_ms = -1 },
	{ "matching: an unquoted word, before within", HEAD "connect app\n"
	  "  expect ok, 1045 within 2s matching denied\n", 0, 0, 5,
	  .ok = true, .codes = { 1045 }, .ncodes = 1, .message = "denied",
	  .after_ms = -1, .within_ms = 2000 },
	{ "matching with an error and hang", HEAD "connect app\n"
	  "  expect hang | 2013 matching \"handshake\" after 2s\n", 0, 0, 5,
	  .hang = true, .codes = { 2013 }, .ncodes = 1,
	  .message = "handshake", .after_ms = 2000, .within_ms = -1 },
	{ "execute: errors", HEAD "prepare app x\nexecute app blob=2MiB\n"
	  "  expect ER_NET_PACKET_TOO_LARGE | CR_SERVER_LOST within 5s\n", 1,
	  0, 6, .codes = { 1153, 2013 }, .ncodes = 2, .after_ms = -1,
	  .within_ms = 5000 },
	{ "hang on prepare", HEAD "prepare app SELECT 1\n"
	  "  expect hang after 2s\n", 0, 0, 5, .hang = true, .after_ms = 2000,
	  .within_ms = -1 },
	{ "hang on long-data", HEAD "prepare app x\nlong-data app 1M\n"
	  "  expect ok | hang after 1s\n", 1, 0, 6, .ok = true, .hang = true,
	  .after_ms = 1000, .within_ms = -1 },
	{ "hang on drain", RAW "connect sq\ndrain sq\n"
	  "  expect ok | hang after 5s\n", 1, 0, 7, .ok = true, .hang = true,
	  .after_ms = 5000, .within_ms = -1 },
	{ "value on stream", HEAD "stream app SELECT 1\n  expect ok >= 1\n"
	  "fetch app\n", 0, 0, 5, .ok = true, .after_ms = -1,
	  .within_ms = -1, .vcmp = GA_CMP_GE, .vtext = "1" },
	{ "value on fetch", HEAD "stream app SELECT 1\nfetch app\n"
	  "  expect ok = 5\n", 1, 0, 6, .ok = true, .after_ms = -1,
	  .within_ms = -1, .vcmp = GA_CMP_EQ, .vtext = "5" },
	{ "[mysql] line on fork", HEAD "fork app share 5\n"
	  "  expect ok\n  expect [mysql] ok | wrong-result\n", 0, 1, 6,
	  .ok = true, .wrong = true, .after_ms = -1, .within_ms = -1 },
};

START_TEST(test_expect)
{
	const struct ga_expect *e;
	struct ga_scenario *sc;
	size_t i;

	sc = parse_ok(expect_cases[_i].text);
	ck_assert_uint_gt(sc->nsteps, expect_cases[_i].step);
	ck_assert_uint_gt(sc->steps[expect_cases[_i].step].nexpects,
			  expect_cases[_i].idx);
	e = &sc->steps[expect_cases[_i].step].expects[expect_cases[_i].idx];
	ck_assert_int_eq(e->line, expect_cases[_i].line);
	ck_assert_msg(e->set.ok == expect_cases[_i].ok &&
		      e->set.hang == expect_cases[_i].hang &&
		      e->set.wrong == expect_cases[_i].wrong,
		      "%s: ok/hang/wrong %d/%d/%d", expect_cases[_i].label,
		      e->set.ok, e->set.hang, e->set.wrong);
	ck_assert_uint_eq(e->set.ncodes, expect_cases[_i].ncodes);
	for (i = 0; i < e->set.ncodes; i++)
		ck_assert_uint_eq(e->set.codes[i], expect_cases[_i].codes[i]);
	if (expect_cases[_i].message) {
		ck_assert_ptr_nonnull(e->message);
		ck_assert_str_eq(e->message, expect_cases[_i].message);
	} else {
		ck_assert_ptr_null(e->message);
	}
	ck_assert_int_eq(e->after_ms, expect_cases[_i].after_ms);
	ck_assert_int_eq(e->within_ms, expect_cases[_i].within_ms);
	ck_assert_int_eq(e->value.cmp, expect_cases[_i].vcmp);
	if (expect_cases[_i].vtext)
		ck_assert_str_eq(e->value.text, expect_cases[_i].vtext);
	else
		ck_assert_ptr_null(e->value.text);
	ga_scenario_free(sc);
}
END_TEST

/* ---- seen ------------------------------------------------------------------- */

static const struct {
	const char *label;
	const char *text;
	size_t step;
	int line;               /* 0: no seen line */
	bool ok, hang, wrong;
	unsigned codes[GA_MAX_CODES];
	size_t ncodes;
	enum ga_cmp cmp;
	long count;
} seen_cases[] = {
	{ "seen wrong-result >= 1", HEAD "repeat 5\nconnect app\n"
	  "fork app share 50\n  expect ok | wrong-result\n"
	  "  seen wrong-result >= 1\n", 1, 8, .wrong = true,
	  .cmp = GA_CMP_GE, .count = 1 },
	{ "no seen line", HEAD "repeat 5\nconnect app\n"
	  "fork app share 50\n  seen wrong-result >= 1\n", 0, 0, .count = 0 },
	{ "seen ok|2013 < 3", HEAD "query app SELECT 1\n"
	  "  seen ok|CR_SERVER_LOST < 3 # comment\n", 0, 5, .ok = true,
	  .codes = { 2013 }, .ncodes = 1, .cmp = GA_CMP_LT, .count = 3 },
	{ "seen hang = 0", HEAD "connect app\n  seen hang = 0\n", 0, 5,
	  .hang = true, .cmp = GA_CMP_EQ, .count = 0 },
	{ "seen before expect", HEAD "connect app\n  seen 2006, 2013 != "
	  "999999\n  expect ok\n", 0, 5, .codes = { 2006, 2013 },
	  .ncodes = 2, .cmp = GA_CMP_NE, .count = 999999 },
	{ "seen <= and >", HEAD "connect app\n  seen ok <= 4\n"
	  "ping app\n  seen ok>2\n", 1, 7, .ok = true, .cmp = GA_CMP_GT,
	  .count = 2 },
};

START_TEST(test_seen)
{
	const struct ga_seen *s;
	struct ga_scenario *sc;
	size_t i;

	sc = parse_ok(seen_cases[_i].text);
	ck_assert_uint_gt(sc->nsteps, seen_cases[_i].step);
	s = &sc->steps[seen_cases[_i].step].seen;
	ck_assert_msg(s->line == seen_cases[_i].line, "%s: line %d, want %d",
		      seen_cases[_i].label, s->line, seen_cases[_i].line);
	ck_assert(s->set.ok == seen_cases[_i].ok);
	ck_assert(s->set.hang == seen_cases[_i].hang);
	ck_assert(s->set.wrong == seen_cases[_i].wrong);
	ck_assert_uint_eq(s->set.ncodes, seen_cases[_i].ncodes);
	for (i = 0; i < s->set.ncodes; i++)
		ck_assert_uint_eq(s->set.codes[i], seen_cases[_i].codes[i]);
	ck_assert_int_eq(s->cmp, seen_cases[_i].cmp);
	ck_assert_int_eq(s->count, seen_cases[_i].count);
	ga_scenario_free(sc);
}
END_TEST

/* ---- diagnostics, one per case ----------------------------------------------- */

static const struct {
	const char *text;
	int line;
	int col;
	const char *msg;        /* a substring, or the whole message if exact */
	bool exact;
} diag_cases[] = {
	/* fault: name and kind */
	/* (the "known:" lists: test_fault_kinds_named) */
	{ HEAD "fault wall firewal drop\n", 4, 12,
	  "unknown fault kind 'firewal'; did you mean 'firewall'? (known: ",
	  .exact = false },
	{ HEAD "fault wall pase\n", 4, 12,
	  "unknown fault kind 'pase'; did you mean 'pause'? (known: ",
	  .exact = false },
	{ HEAD "fault f pause now\n", 4, 15, "pause: 'pause' takes no "
	  "arguments, found 'now' (usage: pause)", .exact = true },
	{ HEAD "fault f pause \tnow  # later\n", 4, 16, "pause: 'pause' "
	  "takes no arguments, found 'now' (usage: pause)", .exact = true },
	{ HEAD "fault wall iptables drop\n", 4, 12,
	  "unknown fault kind 'iptables' (known: ", .exact = false },
	{ HEAD "fault\n", 4, 1, "'fault' needs a name, a kind and its "
	  "arguments", .exact = false },
	{ HEAD "fault 1x pause\n", 4, 7, "invalid fault name '1x'", .exact = false },
	{ HEAD "fault a.b pause\n", 4, 7, "invalid fault name 'a.b'", .exact = false },
	{ HEAD "fault abcdefghijklmnopqrstuvwxyz012345 pause\n", 4, 7,
	  "at most 31 characters", .exact = false },
	{ HEAD "fault wall   # no kind\n", 4, 7,
	  "'fault wall' needs a kind (", .exact = false },
	/* fault: the kind's own parse (column inside the arguments) */
	{ HEAD "fault wall firewall dorp\n", 4, 21,
	  "firewall: expected drop or reject, found 'dorp'; did you mean "
	  "'drop'? (usage: firewall drop|reject", .exact = false },
	{ HEAD "fault wall firewall\n", 4, 20,
	  "firewall: expected drop or reject, found end of line", .exact = false },
	{ HEAD "fault wall firewall drop to-server port 99999\n", 4, 41,
	  "firewall: expected a port number 1..65535 after 'port', found "
	  "'99999'", .exact = false },
	{ HEAD "fault wall\tfirewall  drop  sideways\n", 4, 28,
	  "firewall: expected to-server, from-server, both, port, loss or "
	  "with, found 'sideways'", .exact = false },
	{ HEAD "fault slow tbf on server rate 16kbt\n", 4, 31,
	  "tbf: '16kbt' is not a rate: a number and bit", .exact = false },
	{ HEAD "fault lossy netem on serv loss 1%\n", 4, 22,
	  "netem: expected 'on server' or 'on client', found 'serv'", .exact = false },
	{ HEAD "fault frozen pause now\n", 4, 20,
	  "pause: 'pause' takes no arguments, found 'now'", .exact = false },
	/* fault: the kind's validate */
	{ HEAD "fault wall firewall reject loss 10%\n", 4, 28,
	  "firewall: 'loss' goes only with drop: a reject answers every "
	  "packet it matches", .exact = true },
	{ HEAD "fault wall firewall drop with reset\n", 4, 26,
	  "firewall: 'with' goes only with reject", .exact = false },
	/* fault names and lift */
	{ HEAD "fault f pause\nlift f\nfault f pause\n", 6, 7,
	  "fault 'f' is already declared at line 4", .exact = false },
	{ HEAD "fault f pause\nlift g\n", 5, 6,
	  "no fault named 'g' before this line", .exact = false },
	{ HEAD "lift f\nfault f pause\n", 4, 6,
	  "no fault named 'f' before this line", .exact = false },
	{ HEAD "fault f pause\nlift f\nlift f\n", 6, 6,
	  "fault 'f' is already lifted at line 5", .exact = false },
	{ HEAD "fault f pause\nlift\n", 5, 1, "'lift' needs the name of a "
	  "fault", .exact = false },
	{ HEAD "fault f pause\nlift f g\n", 5, 8,
	  "unexpected 'g' after the fault name", .exact = false },
	/* fault and lift are actions: no expect, no seen */
	{ HEAD "fault f pause\n  expect ok\n", 5, 3,
	  "'fault' takes no expect line: if it cannot be done the scenario "
	  "is ERROR", .exact = true },
	{ HEAD "fault f pause\nlift f\n  expect 2013\n", 6, 3,
	  "'lift' takes no expect line", .exact = false },
	{ HEAD "fault f firewall drop\n  seen ok >= 1\n", 5, 3,
	  "'fault' has no outcome to count", .exact = false },
	/* prepare, execute, long-data */
	{ HEAD "execute app\n", 4, 1,
	  "'execute app' without a 'prepare app' before it", .exact = true },
	{ HEAD "long-data app 2MiB\n", 4, 1,
	  "'long-data app' without a 'prepare app' before it", .exact = true },
	{ HEAD "connection db\nprepare db SELECT ?\nexecute app\n", 6, 1,
	  "'execute app' without a 'prepare app' before it", .exact = false },
	{ HEAD "prepare app\n", 4, 1,
	  "'prepare' needs SQL after the connection name", .exact = false },
	{ HEAD "send app SELECT 1\nprepare app SELECT 2\nreap app\n", 5, 1,
	  "connection 'app' is busy with the query sent at line 4", .exact = false },
	{ HEAD "prepare app x\nexecute app blob=2XB\n", 5, 18,
	  "invalid size '2XB': write e.g. 4096, 64KiB or 2MiB", .exact = true },
	{ HEAD "prepare app x\nexecute app blob=0\n", 5, 18,
	  "invalid size '0'", .exact = false },
	{ HEAD "prepare app x\nexecute app blob=\n", 5, 18,
	  "invalid size ''", .exact = false },
	{ HEAD "prepare app x\nexecute app blob=2GiB\n", 5, 18,
	  "invalid size '2GiB'", .exact = false },
	{ HEAD "prepare app x\nexecute app blob=-1\n", 5, 18,
	  "invalid size '-1'", .exact = false },
	{ HEAD "prepare app x\nexecute app size=2M\n", 5, 13,
	  "a parameter is a whole number, NULL or quoted text, not "
	  "'size=2M' (write \"size=2M\" for text)", .exact = true },
	{ HEAD "prepare app x\nexecute app blob=1M blob=2M\n", 5, 21,
	  "blob=SIZE binds the first parameter: write it first, right after "
	  "the connection name", .exact = true },
	{ HEAD "prepare app x\nexecute app 1 blob=2M\n", 5, 15,
	  "blob=SIZE binds the first parameter", .exact = false },
	{ HEAD "prepare app x\nexecute app 9007199254740992\n", 5, 13,
	  "parameter '9007199254740992' is out of range: at most 2^53-1 "
	  "either way (quote it to bind it as text)", .exact = true },
	{ HEAD "prepare app x\nexecute app -99999999999999999999\n", 5, 13,
	  "is out of range", .exact = false },
	{ HEAD "prepare app x\nexecute app 1.5\n", 5, 13,
	  "not '1.5'", .exact = false },
	{ HEAD "prepare app x\nexecute app null\n", 5, 13,
	  "not 'null'", .exact = false },
	{ HEAD "prepare app x\nexecute app \"a\n", 5, 13,
	  "unterminated string", .exact = false },
	{ HEAD "prepare app x\nlong-data app\n", 5, 1,
	  "'long-data' needs the total size after the connection name", .exact = false },
	{ HEAD "prepare app x\nlong-data app 2MX\n", 5, 15,
	  "invalid size '2MX'", .exact = false },
	{ HEAD "prepare app x\nlong-data app 0\n", 5, 15,
	  "invalid size '0'", .exact = false },
	{ HEAD "prepare app x\nlong-data app 1.5\n", 5, 15,
	  "invalid size '1.5'", .exact = false },
	{ HEAD "prepare app x\nlong-data app 2MiB chunk=0\n", 5, 26,
	  "invalid size '0'", .exact = false },
	{ HEAD "prepare app x\nlong-data app 2MiB chunk=1kx\n", 5, 26,
	  "invalid size '1kx'", .exact = false },
	{ HEAD "prepare app x\nlong-data app 2MiB piece=1K\n", 5, 20,
	  "expected chunk=SIZE, found 'piece=1K'", .exact = false },
	{ HEAD "prepare app x\nlong-data app 2MiB chunk=1K x\n", 5, 29,
	  "unexpected 'x' after the chunk size", .exact = false },
	/* stream and fetch */
	{ HEAD "fetch app\n", 4, 1,
	  "'fetch app' without a 'stream app' before it", .exact = true },
	{ HEAD "stream app SELECT 1\nfetch app\nfetch app\n", 6, 1,
	  "'fetch app' without a 'stream app' before it", .exact = false },
	{ HEAD "connection db\nstream db SELECT 1\nfetch app\n", 6, 1,
	  "'fetch app' without a 'stream app' before it", .exact = false },
	{ HEAD "stream app\n", 4, 1,
	  "'stream' needs SQL after the connection name", .exact = false },
	{ HEAD "stream app SELECT 1\nfetch app x\n", 5, 11,
	  "expected rows=N or every DURATION, found 'x'", .exact = true },
	{ HEAD "stream app SELECT 1\nfetch app rows=10\n", 5, 11,
	  "rows=N reads N rows at a time: say how often with 'every "
	  "DURATION', e.g. every 500ms", .exact = true },
	{ HEAD "stream app SELECT 1\nfetch app rows=0 every 1s\n", 5, 16,
	  "invalid row count '0': a number from 1 to 1000000", .exact = true },
	{ HEAD "stream app SELECT 1\nfetch app rows=1000001 every 1s\n", 5,
	  16, "invalid row count '1000001'", .exact = false },
	{ HEAD "stream app SELECT 1\nfetch app rows=x every 1s\n", 5, 16,
	  "invalid row count 'x'", .exact = false },
	{ HEAD "stream app SELECT 1\nfetch app every\n", 5, 11,
	  "'every' needs a duration, e.g. fetch app rows=100 every 500ms",
	  .exact = true },
	{ HEAD "stream app SELECT 1\nfetch app every 5\n", 5, 17,
	  "invalid duration '5' for every: write e.g. 500ms (at most "
	  "86400s)", .exact = true },
	{ HEAD "stream app SELECT 1\nfetch app every 0ms\n", 5, 17,
	  "every must be more than 0ms: a reader as fast as the rows come "
	  "is 'fetch app'", .exact = true },
	{ HEAD "stream app SELECT 1\nfetch app every 1s every 2s\n", 5, 20,
	  "'every' is given twice", .exact = true },
	{ HEAD "stream app SELECT 1\nfetch app rows=2 every 1s rows=3\n", 5,
	  27, "'rows' is given twice", .exact = true },
	/* raw connections */
	{ HEAD "drain app\n", 4, 7,
	  "'drain' reads a raw connection; declare 'app' with "
	  "transport=raw", .exact = true },
	{ RAW "query sq SELECT 1\n", 5, 7,
	  "'sq' is a raw connection (transport=raw): the steps it can take "
	  "are connect, close, kill and drain, not 'query'", .exact = true },
	{ RAW "connect sq\nping sq\n", 6, 6, "not 'ping'", .exact = false },
	{ RAW "prepare sq SELECT 1\n", 5, 9, "not 'prepare'", .exact = false },
	{ RAW "send sq SELECT 1\n", 5, 6, "not 'send'", .exact = false },
	{ RAW "fork sq close\n", 5, 6, "not 'fork'", .exact = false },
	{ RAW "stream sq SELECT 1\n", 5, 8, "not 'stream'", .exact = false },
	{ RAW "drain sq extra\n", 5, 10,
	  "unexpected 'extra' after the connection name", .exact = false },
	/* fork */
	{ HEAD "connect app\nfork app spoon\n", 5, 10,
	  "unknown fork mode 'spoon' (known: close, exit, share N)", .exact = true },
	{ HEAD "connect app\nfork app\n", 5, 1,
	  "'fork' needs what the child does: close, exit or share N", .exact = false },
	{ HEAD "connect app\nfork app share\n", 5, 15,
	  "'share' needs how many queries each process runs, e.g. share 50", .exact = false },
	{ HEAD "connect app\nfork app share 0\n", 5, 16,
	  "invalid count '0': a number from 1 to 999999", .exact = false },
	{ HEAD "connect app\nfork app share 1000000\n", 5, 16,
	  "invalid count '1000000'", .exact = false },
	{ HEAD "connect app\nfork app share x5\n", 5, 16,
	  "invalid count 'x5'", .exact = false },
	{ HEAD "connect app\nfork app share -5\n", 5, 16,
	  "invalid count '-5'", .exact = false },
	{ HEAD "connect app\nfork app close 5\n", 5, 16,
	  "unexpected '5' after the fork mode", .exact = false },
	{ HEAD "connect app\nfork app share 5 6\n", 5, 18,
	  "unexpected '6' after the fork mode", .exact = false },
	/* max_allowed_packet */
	{ HEAD "connection db max_allowed_packet=12\nconnect app\n", 4, 34,
	  "invalid size '12' for max_allowed_packet: write e.g. 1M or 65536 "
	  "(at least 1024)", .exact = true },
	{ HEAD "connection db max_allowed_packet=1023\nconnect app\n", 4, 34,
	  "invalid size '1023' for max_allowed_packet", .exact = false },
	{ HEAD "connection db max_allowed_packet=1X\nconnect app\n", 4, 34,
	  "invalid size '1X' for max_allowed_packet", .exact = false },
	{ HEAD "connection db max_allowed_packet=2G\nconnect app\n", 4, 34,
	  "invalid size '2G' for max_allowed_packet", .exact = false },
	{ HEAD "connection db max_allowed_packet\nconnect app\n", 4, 15,
	  "'max_allowed_packet' needs a value: max_allowed_packet=VALUE", .exact = false },
	{ HEAD "connection db max_allowed_packet=1M max_allowed_packet=2M\n"
	  "connect app\n", 4, 37, "'max_allowed_packet' is given twice", .exact = false },
	{ HEAD "connection db transport=RAW\nconnect app\n", 4, 25,
	  "transport must be 'tcp', 'socket' or 'raw', not 'RAW'", .exact = false },
	/* repeat */
	{ "title t\ncause c\nrepeat 0\nconnection app\nconnect app\n", 3, 8,
	  "invalid repeat count '0': a number from 1 to 1000", .exact = true },
	{ "title t\ncause c\nrepeat 1001\nconnection app\nconnect app\n", 3,
	  8, "invalid repeat count '1001'", .exact = false },
	{ "title t\ncause c\nrepeat -1\nconnection app\nconnect app\n", 3, 8,
	  "invalid repeat count '-1'", .exact = false },
	{ "title t\ncause c\nrepeat 5x\nconnection app\nconnect app\n", 3, 8,
	  "invalid repeat count '5x'", .exact = false },
	{ "title t\ncause c\nrepeat\nconnection app\nconnect app\n", 3, 1,
	  "'repeat' needs how many runs, e.g. repeat 10", .exact = false },
	{ "title t\ncause c\nrepeat 5 6\nconnection app\nconnect app\n", 3,
	  10, "unexpected '6' after the repeat count", .exact = false },
	{ HEAD "repeat 2\nrepeat 3\nconnect app\n", 5, 1,
	  "duplicate 'repeat' directive (first at line 4)", .exact = false },
	{ HEAD "connect app\nrepeat 3\n", 5, 1,
	  "header directive 'repeat' after the first step", .exact = false },
	/* seen */
	{ HEAD "query app SELECT 1\n  seen ok\n", 5, 10,
	  "expected a comparison and a count, e.g. 'seen wrong-result >= 1'",
	  .exact = true },
	{ HEAD "query app SELECT 1\n  seen ok 3\n", 5, 11,
	  "expected a comparison and a count", .exact = false },
	{ HEAD "query app SELECT 1\n  seen ok >=\n", 5, 11,
	  "expected a count after '>='", .exact = false },
	{ HEAD "query app SELECT 1\n  seen ok >= x\n", 5, 14,
	  "expected a count after '>='", .exact = false },
	{ HEAD "query app SELECT 1\n  seen ok = 1000000\n", 5, 13,
	  "expected a count after '='", .exact = false },
	{ HEAD "query app SELECT 1\n  seen >= 1\n", 5, 8,
	  "needs at least one outcome", .exact = false },
	{ HEAD "query app SELECT 1\n  seen ok >= 1 2\n", 5, 16,
	  "unexpected '2' after the count", .exact = false },
	{ HEAD "query app SELECT 1\n  seen ok >= 1\n  seen 2013 >= 1\n", 6, 3,
	  "a second 'seen' line for this step (the first is at line 5)", .exact = false },
	{ "title t\ncause c\nconnection app\n  seen ok >= 1\nconnect app\n",
	  4, 3, "'seen' before any step", .exact = false },
	{ HEAD "sleep 1s\n  seen ok >= 1\n", 5, 3,
	  "'sleep' has no outcome to count", .exact = false },
	{ HEAD "query app SELECT 1\n  seen ok | CR_SERVER_LOSST >= 1\n", 5,
	  13, "unknown error name 'CR_SERVER_LOSST'", .exact = false },
	/* wrong-result */
	{ HEAD "query app SELECT 1\n  expect wrong-result\n", 5, 10,
	  "'wrong-result' applies only to steps whose results goneaway "
	  "checks itself (fork ... share), not 'query'", .exact = true },
	{ HEAD "send app x\nreap app\n  expect ok | wrong-result\n", 6, 15,
	  "'wrong-result' applies only to steps whose results goneaway "
	  "checks itself (fork ... share), not 'reap'", .exact = false },
	{ HEAD "fork app share 5\n  expect wrong-result | wrong-result\n", 5,
	  25, "outcome 'wrong-result' is listed twice", .exact = false },
	{ HEAD "fork app share 5\n  expect ok wrong-result\n", 5, 13,
	  "unexpected 'wrong-result' in the expect line: separate outcomes "
	  "with '|' or ','", .exact = false },
	/* matching */
	{ HEAD "query app SELECT 1\n  expect ok matching \"x\"\n", 5, 13,
	  "'matching' checks an error message: list an error among the "
	  "outcomes", .exact = true },
	{ HEAD "connect app\n  expect hang matching \"x\" after 1s\n", 5, 15,
	  "'matching' checks an error message: list an error among the "
	  "outcomes", .exact = false },
	{ HEAD "fork app share 5\n  expect wrong-result matching x\n", 5, 23,
	  "'matching' checks an error message", .exact = false },
	{ HEAD "connect app\n  expect 2013 matching\n", 5, 15,
	  "'matching' needs the text the error message must contain", .exact = false },
	{ HEAD "connect app\n  expect 2013 matching \"\"\n", 5, 15,
	  "'matching' needs the text the error message must contain", .exact = false },
	{ HEAD "connect app\n  expect 2013 matching # comment\n", 5, 15,
	  "'matching' needs the text", .exact = false },
	{ HEAD "connect app\n  expect 2013 matching \"a\" matching \"b\"\n", 5,
	  28, "'matching' is given twice", .exact = false },
	{ HEAD "connect app\n  expect 2013 matching \"abc\n", 5, 24,
	  "unterminated string", .exact = false },
	/* %repeat[...]% in SQL: the column of the bad "%repeat[" */
	{ HEAD "query app SELECT '%repeat[3 x a'\n", 4, 19,
	  "'%repeat[' without its closing ']%'", .exact = true },
	{ HEAD "admin SELECT '%repeat[3xa]%'\n", 4, 15,
	  "write %repeat[COUNT x TEXT]%, e.g. %repeat[2MiB x a]%", .exact = true },
	{ HEAD "prepare app SELECT 1, '%repeat[lots x a]%'\n", 4, 24,
	  "invalid count 'lots' in %repeat", .exact = false },
	{ HEAD "stream app SELECT '%repeat[3 x ]%'\n", 4, 20,
	  "%repeat has no text to repeat", .exact = false },
	{ HEAD "query app SELECT '%repeat[ x a]%'\n", 4, 19,
	  "%repeat needs a count before ' x '", .exact = false },
	{ HEAD "send app SELECT '%repeat[65MiB x a]%'\nreap app\n", 4, 18,
	  "%repeat makes more than 64 MiB", .exact = false },
	{ HEAD "query app %repeat[40MiB x a]%%repeat[40MiB x a]%\n", 4, 30,
	  "the statement grows beyond 64 MiB", .exact = false },
	/* a file's statements add up to at most 256 MiB, said once */
	{ HEAD "query app SELECT '%repeat[60MiB x a]%'\n"
	  "query app SELECT '%repeat[60MiB x a]%'\n"
	  "query app SELECT '%repeat[60MiB x a]%'\n"
	  "query app SELECT '%repeat[60MiB x a]%'\n"
	  "query app SELECT '%repeat[60MiB x a]%'\n"
	  "query app SELECT '%repeat[60MiB x a]%'\n", 8, 11,
	  "the SQL of this file grows to 314572845 bytes with this "
	  "statement, more than 256 MiB (268435456 bytes) in all",
	  .exact = true },
	{ HEAD "query app %repeat[64MiB x a]%\nsend app %repeat[64MiB x a]%\n"
	  "reap app\nadmin %repeat[64MiB x a]%\n"
	  "stream app %repeat[64MiB x a]%\nquery app SELECT 1\n", 9, 11,
	  "the SQL of this file grows to 268435464 bytes with this "
	  "statement, more than 256 MiB (268435456 bytes) in all",
	  .exact = true },
	{ HEAD "query app SELECT '%repeat[2 x a]%', '%repeat[x]%'\n", 4, 38,
	  "write %repeat[COUNT x TEXT]%", .exact = false },
	/* did you mean, for the new keywords */
	{ HEAD "connect app\nlong-dat app 1M\n", 5, 1,
	  "unknown directive or step 'long-dat'; did you mean 'long-data'?",
	  .exact = true },
	{ HEAD "connect app\nprepar app SELECT 1\n", 5, 1,
	  "unknown directive or step 'prepar'; did you mean 'prepare'?",
	  .exact = true },
	{ HEAD "connect app\n  seeen ok >= 1\n", 5, 3,
	  "unknown directive or step 'seeen'; did you mean 'seen'?", .exact = true },
	/* fixed after review: one problem, one diagnostic */
	{ HEAD "fault wall firewal drop\nlift wall\n", 4, 12,
	  "unknown fault kind 'firewal'", .exact = false },
	{ HEAD "fault wall firewall drop sideways\nlift wall\n", 4, 26,
	  "firewall: expected", .exact = false },
	{ HEAD "query app SELECT 1\n  seen >= 1\n", 5, 8,
	  "'seen' needs at least one outcome", .exact = false },
	{ HEAD "query app SELECT 1\n  seen wrong-result >= 1\n", 5, 8,
	  "'wrong-result' applies only to steps whose results goneaway "
	  "checks itself (fork ... share), not 'query'", .exact = true },
	{ HEAD "send app SELECT 1\n  seen ok >= 1\nreap app\n", 5, 3,
	  "'send' has no outcome to count: count it at its 'reap'",
	  .exact = true },
	{ HEAD "fork app close\n  expect ok | wrong-result\n", 5, 15,
	  "'wrong-result' applies only to steps whose results goneaway "
	  "checks itself (fork ... share), not 'fork'", .exact = true },
	/* proxy: the known ones are proxy/proxy.h's table, where a new one
	 * follows haproxy (t0006) */
	{ "title t\ncause c\nproxy\nconnection app\nconnect app\n", 3, 1,
	  "'proxy' needs a proxy's name (none, haproxy", .exact = false },
	{ "title t\ncause c\nproxy haprxy\nconnection app\nconnect app\n",
	  3, 7, "unknown proxy 'haprxy'; did you mean 'haproxy'? (known: "
	  "none, haproxy", .exact = false },
	{ "title t\ncause c\nproxy none # why?\nconnection app\n"
	  "connect app\n", 3, 7, "'proxy none' needs the reason a proxy would "
	  "change what the scenario tests", .exact = false },
	{ "title t\ncause c\nproxy haproxy idle=2s\nconnection app\n"
	  "connect app\n", 3, 15, "unknown proxy setting 'idle' (known: "
	  "client-timeout, server-timeout, connect-timeout)", .exact = true },
	{ "title t\ncause c\nproxy haproxy client-timout=2s\n"
	  "connection app\nconnect app\n", 3, 15, "unknown proxy setting "
	  "'client-timout'; did you mean 'client-timeout'?", .exact = false },
	{ "title t\ncause c\nproxy haproxy client-timeout\n"
	  "connection app\nconnect app\n", 3, 15, "'client-timeout' needs "
	  "a value: client-timeout=DURATION, e.g. client-timeout=2s",
	  .exact = true },
	{ "title t\ncause c\nproxy haproxy server-timeout=2x\n"
	  "connection app\nconnect app\n", 3, 30, "invalid duration '2x' "
	  "for server-timeout: write e.g. 2s or 500ms", .exact = true },
	{ "title t\ncause c\nproxy haproxy server-timeout=0ms\n"
	  "connection app\nconnect app\n", 3, 30, "server-timeout must be "
	  "at least 1ms", .exact = true },
	{ "title t\ncause c\nproxy haproxy connect-timeout=1s "
	  "connect-timeout=2s\nconnection app\nconnect app\n", 3, 34,
	  "'connect-timeout' is given twice", .exact = true },
	{ "title t\ncause c\nproxy haproxy\nproxy none x\nconnection app\n"
	  "connect app\n", 4, 1, "duplicate 'proxy' directive (first at line "
	  "3)", .exact = true },
	{ HEAD "connect app\nproxy restart\n", 5, 1, "'proxy restart' acts on "
	  "the scenario's proxy: declare it in the header, e.g. 'proxy "
	  "haproxy'", .exact = true },
	{ "title t\ncause c\nproxy none direct\nconnection app\n"
	  "connect app\nproxy crash\n", 6, 1, "'proxy crash' acts on the "
	  "scenario's proxy", .exact = false },
	{ "title t\ncause c\nproxy haproxy\nconnection app\nconnect app\n"
	  "proxy restart now\n", 6, 15, "unexpected 'now' after the proxy "
	  "action", .exact = true },
	{ "title t\ncause c\nproxy haproxy\nconnection app\nconnect app\n"
	  "proxy stop\n  expect ok\n", 7, 3, "'proxy stop' takes no expect "
	  "line", .exact = false },
	{ HEAD "connect app\nproxy haproxy\n", 5, 1, "header directive "
	  "'proxy' after the first step", .exact = true },
	{ HEAD "fork app share # c\n", 4, 15,
	  "'share' needs how many queries each process runs", .exact = false },
	{ HEAD "query app SELECT '%repeat[000000000000000000000000000000001 x a]%'\n",
	  4, 19, "invalid count in %repeat", .exact = false },
};

START_TEST(test_diagnostic)
{
	struct ga_diags d = { 0 };

	parse_bad(diag_cases[_i].text, &d);
	if (d.n != 1)
		ga_diags_print(&d, stderr);
	ck_assert_msg(d.n == 1, "case %d: %zu diagnostics, want 1", _i, d.n);
	assert_diag(&d, 0, diag_cases[_i].line, diag_cases[_i].col,
		    diag_cases[_i].msg);
	if (diag_cases[_i].exact)
		ck_assert_str_eq(d.items[0].msg, diag_cases[_i].msg);
	ga_diags_free(&d);
}
END_TEST

/* The kinds a fault line's diagnostics name are the table's
 * (faults/fault.c, handed to the parser), every one, in its order. */
START_TEST(test_fault_kinds_named)
{
	const struct ga_fault_kind *const *k = ga_fault_table();
	char known[512] = "", either[512] = "", want[700];
	struct ga_diags d = { 0 };
	size_t i, n;

	for (n = 0; k[n]; n++)
		;
	ck_assert_uint_ge(n, 2);
	for (i = 0; i < n; i++) {
		strcat(known, i ? ", " : "");
		strcat(known, k[i]->name);
		strcat(either, i == 0 ? "" : i + 1 < n ? ", " : " or ");
		strcat(either, k[i]->name);
	}
	parse_bad(HEAD "fault wall iptables drop\n", &d);
	snprintf(want, sizeof(want), "unknown fault kind 'iptables' (known: "
		 "%s)", known);
	ck_assert_str_eq(d.items[0].msg, want);
	ga_diags_free(&d);
	memset(&d, 0, sizeof(d));
	parse_bad(HEAD "fault wall\n", &d);
	snprintf(want, sizeof(want), "'fault wall' needs a kind (%s)", either);
	ck_assert_str_eq(d.items[0].msg, want);
	ga_diags_free(&d);
}
END_TEST

/* Several new problems in one file: all reported, in line order, and a
 * bad line does not hide the ones after it. */
START_TEST(test_several)
{
	struct ga_diags d = { 0 };

	parse_bad("title t\n"
		  "cause c\n"
		  "repeat 0\n"                                  /* 3 */
		  "connection app max_allowed_packet=1\n"       /* 4 */
		  "fault a firewal drop\n"                      /* 5 */
		  "execute app\n"                               /* 6 */
		  "fetch app\n"                                 /* 7 */
		  "drain app\n"                                 /* 8 */
		  "fork app spoon\n"                            /* 9 */
		  "query app SELECT '%repeat[1 x a'\n"          /* 10 */
		  "  expect wrong-result\n"                     /* 11 */
		  "connect app\n"
		  "  expect ok matching x\n"                    /* 13 */
		  "  seen ok\n", &d);                           /* 14 */
	ck_assert_uint_eq(d.n, 11);
	assert_diag(&d, 0, 3, 8, "invalid repeat count '0'");
	assert_diag(&d, 1, 4, 35, "invalid size '1' for max_allowed_packet");
	assert_diag(&d, 2, 5, 9, "unknown fault kind 'firewal'");
	assert_diag(&d, 3, 6, 1, "without a 'prepare app'");
	assert_diag(&d, 4, 7, 1, "without a 'stream app'");
	assert_diag(&d, 5, 8, 7, "'drain' reads a raw connection");
	assert_diag(&d, 6, 9, 10, "unknown fork mode 'spoon'");
	assert_diag(&d, 7, 10, 19, "without its closing ']%'");
	assert_diag(&d, 8, 11, 10, "'wrong-result' applies only");
	assert_diag(&d, 9, 13, 13, "'matching' checks an error message");
	assert_diag(&d, 10, 14, 10, "expected a comparison and a count");
	ga_diags_free(&d);
}
END_TEST

/* A whole scenario in the new style, as the scenarios/ files use it. */
START_TEST(test_full_new_style)
{
	struct ga_scenario *sc;
	const struct ga_step *st;
	struct ga_error err;
	const char *sql;
	char desc[128];

	sc = parse_ok("title t\n"
		      "cause c\n"
		      "repeat 3\n"
		      "connection app read_timeout=5s max_allowed_packet=64KiB\n"
		      "connection sq transport=raw\n"
		      "connect sq\n"                                  /* 6 */
		      "drain sq\n"
		      "  expect ok | hang after 2s\n"
		      "connect app\n"                                 /* 9 */
		      "fault wall firewall drop to-server\n"          /* 10 */
		      "query app SELECT '%repeat[10 x 0123456789]%'\n"
		      "  expect CR_SERVER_LOST matching \"(110)\" within 6s\n"
		      "lift wall\n"                                   /* 13 */
		      "prepare app INSERT INTO t VALUES (?)\n"
		      "long-data app 128KiB chunk=16KiB\n"            /* 15 */
		      "execute app\n"
		      "  expect ER_NET_PACKET_TOO_LARGE\n"
		      "  seen ER_NET_PACKET_TOO_LARGE = 3\n"
		      "fork app share 10\n"                           /* 19 */
		      "  expect ok | wrong-result\n");
	ck_assert_int_eq(sc->repeat, 3);
	ck_assert_int_eq(sc->connections[0].max_allowed_packet, 65536);
	ck_assert_int_eq(sc->connections[0].read_timeout_s, 5);
	ck_assert_int_eq(sc->connections[1].transport, GA_TRANSPORT_RAW);
	ck_assert_uint_eq(sc->nsteps, 10);

	st = &sc->steps[1];
	ck_assert_int_eq(st->kind, GA_STEP_DRAIN);
	ck_assert_int_eq(st->conn, 1);
	ck_assert(st->expects[0].set.hang);
	ck_assert_int_eq(st->expects[0].after_ms, 2000);

	st = &sc->steps[3];
	ck_assert_int_eq(st->kind, GA_STEP_FAULT);
	ck_assert_int_eq(st->line, 10);
	ck_assert_ptr_eq(st->fault, &ga_fault_firewall);
	st->fault->describe(st->fault_spec, desc, sizeof(desc));
	ck_assert_str_eq(desc, "drop to-server");

	st = &sc->steps[4];
	ck_assert_int_eq(st->kind, GA_STEP_QUERY);
	/* kept as written, measured, expanded when asked for */
	ck_assert_str_eq(st->text, "SELECT '%repeat[10 x 0123456789]%'");
	ck_assert_ptr_nonnull(st->expansion);
	ck_assert_uint_eq(st->expansion->len, 100 + 9);
	ck_assert_ptr_null(st->expansion->text);
	ck_assert_int_eq(ga_expand_step(st, &sql, &err), 0);
	ck_assert_uint_eq(strlen(sql), 100 + 9);
	ck_assert_str_eq(sql + 8 + 90, "0123456789'");
	ck_assert_str_eq(st->expects[0].message, "(110)");
	ck_assert_int_eq(st->expects[0].within_ms, 6000);

	st = &sc->steps[5];
	ck_assert_int_eq(st->kind, GA_STEP_LIFT);
	ck_assert_int_eq(st->fault_step, 3);
	ck_assert_ptr_null(st->fault);

	st = &sc->steps[7];
	ck_assert_int_eq(st->kind, GA_STEP_LONG_DATA);
	ck_assert_int_eq(st->size, 131072);
	ck_assert_int_eq(st->chunk, 16384);

	st = &sc->steps[8];
	ck_assert_int_eq(st->kind, GA_STEP_EXECUTE);
	ck_assert_int_eq(st->size, 0);
	ck_assert_uint_eq(st->expects[0].set.codes[0], 1153);
	ck_assert_int_eq(st->seen.line, 18);
	ck_assert_uint_eq(st->seen.set.codes[0], 1153);
	ck_assert_int_eq(st->seen.cmp, GA_CMP_EQ);
	ck_assert_int_eq(st->seen.count, 3);

	st = &sc->steps[9];
	ck_assert_int_eq(st->kind, GA_STEP_FORK);
	ck_assert_int_eq(st->fork_mode, GA_FORK_SHARE);
	ck_assert_int_eq(st->count, 10);
	ck_assert(st->expects[0].set.ok && st->expects[0].set.wrong);
	ga_scenario_free(sc);
}
END_TEST

/* ---- sleep: a sweep or a jitter over the runs -------------------------------- */

/* Four header lines, "repeat 5" among them: the first step is on line 5. */
#define RHEAD "title t\ncause c\nrepeat 5\nconnection app\n"

static const struct {
	const char *text;
	enum ga_sleep_vary vary;
	long ms, vary_ms;
} sleep_cases[] = {
	{ HEAD "sleep 1s\n", GA_SLEEP_FIXED, 1000, 0 },
	{ RHEAD "sleep 10ms..200ms\n", GA_SLEEP_SWEEP, 10, 200 },
	{ RHEAD "sleep 0ms..1.5s  # from nothing\n", GA_SLEEP_SWEEP, 0, 1500 },
	{ HEAD "sleep 100ms jitter 20ms\n", GA_SLEEP_JITTER, 100, 20 },
	{ RHEAD "sleep 2s jitter 2s # 0 to 4 s\n", GA_SLEEP_JITTER, 2000,
	  2000 },
};

START_TEST(test_sleep_varies)
{
	struct ga_scenario *sc = parse_ok(sleep_cases[_i].text);
	const struct ga_step *st = &sc->steps[0];

	ck_assert_int_eq(st->kind, GA_STEP_SLEEP);
	ck_assert_int_eq(st->vary, sleep_cases[_i].vary);
	ck_assert_int_eq(st->duration_ms, sleep_cases[_i].ms);
	ck_assert_int_eq(st->vary_ms, sleep_cases[_i].vary_ms);
	ga_scenario_free(sc);
}
END_TEST

static const struct {
	const char *text;
	int line;
	int col;
	const char *msg;        /* the whole message */
} sleep_diag_cases[] = {
	{ RHEAD "sleep ..200ms\n", 5, 7, "the sweep '..200ms' needs a "
	  "duration on each side of '..', e.g. 10ms..200ms" },
	{ RHEAD "sleep 10ms..\n", 5, 7, "the sweep '10ms..' needs a duration "
	  "on each side of '..', e.g. 10ms..200ms" },
	{ RHEAD "sleep 10x..200ms\n", 5, 7, "invalid duration '10x' in the "
	  "sweep: write e.g. 10ms..200ms" },
	{ RHEAD "sleep 10ms..2y\n", 5, 13, "invalid duration '2y' in the "
	  "sweep: write e.g. 10ms..200ms" },
	{ RHEAD "sleep 10ms..20ms..30ms\n", 5, 13, "invalid duration "
	  "'20ms..30ms' in the sweep: write e.g. 10ms..200ms" },
	{ RHEAD "sleep 200ms..10ms\n", 5, 7, "the sweep '200ms..10ms' does "
	  "not go up: write the shorter duration first, e.g. 10ms..200ms" },
	{ RHEAD "sleep 10ms..10ms\n", 5, 7, "the sweep '10ms..10ms' does not "
	  "go up: write the shorter duration first, e.g. 10ms..200ms" },
	{ HEAD "sleep 10ms..200ms\n", 4, 7, "a sweep varies the sleep over "
	  "the runs of a repeated scenario: add e.g. 'repeat 10' (at least "
	  "2) to the header" },
	{ "title t\ncause c\nrepeat 1\nconnection app\nsleep 10ms..200ms\n",
	  5, 7, "a sweep varies the sleep over the runs of a repeated "
	  "scenario: add e.g. 'repeat 10' (at least 2) to the header" },
	/* a bad repeat line is reported once, not again at the sweep */
	{ "title t\ncause c\nrepeat 0\nconnection app\nsleep 10ms..200ms\n",
	  3, 8, "invalid repeat count '0': a number from 1 to 1000" },
	{ RHEAD "sleep 10ms..200ms jitter 5ms\n", 5, 19, "a sweep takes no "
	  "jitter: give either LO..HI or D jitter J" },
	{ HEAD "sleep 100ms jitter\n", 4, 13, "'jitter' needs a duration, "
	  "e.g. sleep 100ms jitter 20ms" },
	{ HEAD "sleep 100ms jitter # none\n", 4, 13, "'jitter' needs a "
	  "duration, e.g. sleep 100ms jitter 20ms" },
	{ HEAD "sleep 100ms jitter 20\n", 4, 20, "invalid duration '20' for "
	  "jitter: write e.g. 20ms" },
	{ HEAD "sleep 100ms jitter 0ms\n", 4, 20, "jitter must be more than "
	  "0ms" },
	{ HEAD "sleep 100ms jitter 101ms\n", 4, 20, "jitter '101ms' is more "
	  "than the duration: the sleep would be shorter than 0" },
	{ HEAD "sleep 86400s jitter 1s\n", 4, 21, "the duration and its "
	  "jitter go past one day (86400s)" },
	{ HEAD "sleep 100ms jitter 20ms 5ms\n", 4, 25, "unexpected '5ms' "
	  "after the jitter" },
	{ HEAD "sleep 100ms jiter 20ms\n", 4, 13, "unexpected 'jiter' after "
	  "the duration" },
	{ RHEAD "sleep 10ms .. 200ms\n", 5, 12, "unexpected '..' after the "
	  "duration" },
};

START_TEST(test_sleep_diagnostic)
{
	struct ga_diags d = { 0 };

	parse_bad(sleep_diag_cases[_i].text, &d);
	if (d.n != 1)
		ga_diags_print(&d, stderr);
	ck_assert_msg(d.n == 1, "case %d: %zu diagnostics, want 1", _i, d.n);
	assert_diag(&d, 0, sleep_diag_cases[_i].line, sleep_diag_cases[_i].col,
		    sleep_diag_cases[_i].msg);
	ck_assert_str_eq(d.items[0].msg, sleep_diag_cases[_i].msg);
	ga_diags_free(&d);
}
END_TEST

/* ---- execute's values, a slow fetch, driver options (issue 18) ------------ */

START_TEST(test_execute_params)
{
	struct ga_scenario *sc = parse_ok(HEAD "prepare app x\n"
		"execute app blob=1K -9007199254740991 \"a b # c\" NULL \"\" "
		"\"42\" 0 # a comment\nexecute app 7\nexecute app\n");
	const struct ga_step *st = &sc->steps[1];

	ck_assert_int_eq(st->kind, GA_STEP_EXECUTE);
	ck_assert_int_eq(st->size, 1024);
	ck_assert_uint_eq(st->nparams, 6);
	ck_assert_int_eq(st->params[0].type, GA_PARAM_INT);
	ck_assert(st->params[0].num == -9007199254740991LL);
	ck_assert_int_eq(st->params[1].type, GA_PARAM_TEXT);
	ck_assert_str_eq(st->params[1].text, "a b # c");
	ck_assert_int_eq(st->params[2].type, GA_PARAM_NULL);
	ck_assert_ptr_null(st->params[2].text);
	ck_assert_int_eq(st->params[3].type, GA_PARAM_TEXT);
	ck_assert_str_eq(st->params[3].text, "");
	ck_assert_int_eq(st->params[4].type, GA_PARAM_TEXT);
	ck_assert_str_eq(st->params[4].text, "42");
	ck_assert_int_eq(st->params[5].type, GA_PARAM_INT);
	ck_assert(st->params[5].num == 0);
	st = &sc->steps[2];
	ck_assert_int_eq(st->size, 0);
	ck_assert_uint_eq(st->nparams, 1);
	ck_assert(st->params[0].type == GA_PARAM_INT && st->params[0].num == 7);
	ck_assert_uint_eq(sc->steps[3].nparams, 0);
	ga_scenario_free(sc);
}
END_TEST

START_TEST(test_execute_too_many)
{
	char text[1024];
	struct ga_diags d = { 0 };
	size_t n;
	int i;

	n = (size_t)snprintf(text, sizeof(text), HEAD "prepare app x\n"
			     "execute app blob=1K");
	for (i = 0; i < 64; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, " %d", i);
	snprintf(text + n, sizeof(text) - n, "\n");
	parse_bad(text, &d);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.items[0].msg, "too many parameters: at most 64");
	ga_diags_free(&d);
}
END_TEST

static const struct {
	const char *text;
	long rows, every_ms;
} fetch_cases[] = {
	{ HEAD "stream app SELECT 1\nfetch app\n", 0, 0 },
	{ HEAD "stream app SELECT 1\nfetch app every 250ms\n", 1, 250 },
	{ HEAD "stream app SELECT 1\nfetch app rows=100 every 1.5s\n", 100,
	  1500 },
	{ HEAD "stream app SELECT 1\nfetch app every 2s rows=7 # slow\n", 7,
	  2000 },
};

START_TEST(test_fetch_slowly)
{
	struct ga_scenario *sc = parse_ok(fetch_cases[_i].text);
	const struct ga_step *st = &sc->steps[1];

	ck_assert_int_eq(st->kind, GA_STEP_FETCH);
	ck_assert_int_eq(st->fetch_rows, fetch_cases[_i].rows);
	ck_assert_int_eq(st->fetch_every_ms, fetch_cases[_i].every_ms);
	ga_scenario_free(sc);
}
END_TEST

START_TEST(test_driver_options)
{
	struct ga_scenario *sc = parse_ok("title t\ncause c\n"
		"connection app read_timeout=2s driver-option "
		"interpolateParams=true driver-option \"init.cmd=SET @a = 1 "
		"# x\" driver-option e=\"\" reconnect\nconnection other\n"
		"connect app\n");
	const struct ga_connection *c = &sc->connections[0];

	ck_assert_uint_eq(c->ndriver_options, 3);
	ck_assert_str_eq(c->driver_options[0].key, "interpolateParams");
	ck_assert_str_eq(c->driver_options[0].value, "true");
	ck_assert_str_eq(c->driver_options[1].key, "init.cmd");
	ck_assert_str_eq(c->driver_options[1].value, "SET @a = 1 # x");
	ck_assert_str_eq(c->driver_options[2].key, "e");
	ck_assert_str_eq(c->driver_options[2].value, "");
	ck_assert(c->reconnect);
	ck_assert_int_eq(c->read_timeout_s, 2);
	ck_assert_uint_eq(sc->connections[1].ndriver_options, 0);
	ck_assert_str_eq(c->driver_options[0].selector.client, "");
	ga_scenario_free(sc);
	/* one key for two clients (or two versions of one), each with its
	 * value */
	sc = parse_ok("title t\ncause c\nconnection app driver-option "
		      "[client=go >= 1.5] interpolateParams=true driver-option "
		      "[client=mysql2] interpolateParams=x driver-option "
		      "[client=go < 1.5] interpolateParams=false\n"
		      "connect app\n");
	c = &sc->connections[0];
	ck_assert_uint_eq(c->ndriver_options, 3);
	ck_assert_str_eq(c->driver_options[0].selector.client, "go");
	ck_assert_int_eq(c->driver_options[0].selector.client_cmp, GA_CMP_GE);
	ck_assert_int_eq(c->driver_options[0].selector.client_version, 10500);
	ck_assert_str_eq(c->driver_options[1].selector.client, "mysql2");
	ck_assert_str_eq(c->driver_options[1].value, "x");
	ga_scenario_free(sc);
}
END_TEST

static const struct {
	const char *text;
	int line, col;
	const char *msg;
} option_diag_cases[] = {
	{ "title t\ncause c\nconnection app driver-option\nconnect app\n", 3,
	  16, "'driver-option' needs KEY=VALUE, e.g. driver-option "
	  "interpolateParams=true" },
	{ "title t\ncause c\nconnection app driver-option # x\n"
	  "connect app\n", 3, 16, "'driver-option' needs KEY=VALUE" },
	{ "title t\ncause c\nconnection app driver-option flag\n"
	  "connect app\n", 3, 30, "invalid driver option 'flag': write "
	  "KEY=VALUE, KEY being letters, digits, '_', '-' and '.', starting "
	  "with a letter" },
	{ "title t\ncause c\nconnection app driver-option 1a=2\n"
	  "connect app\n", 3, 30, "invalid driver option '1a=2'" },
	{ "title t\ncause c\nconnection app driver-option a:b=2\n"
	  "connect app\n", 3, 30, "invalid driver option 'a:b=2'" },
	{ "title t\ncause c\nconnection app driver-option =2\n"
	  "connect app\n", 3, 30, "invalid driver option '=2'" },
	{ "title t\ncause c\nconnection app driver-option key=\n"
	  "connect app\n", 3, 34, "driver option 'key' has '=' but no value "
	  "(write key=\"\" for an empty one)" },
	{ "title t\ncause c\nconnection app driver-option a=1 "
	  "driver-option a=2\nconnect app\n", 3, 48, "driver option 'a' is "
	  "given twice" },
	{ "title t\ncause c\nconnection app driver-option "
	  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa=1"
	  "\nconnect app\n", 3, 30, "driver option "
	  "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' "
	  "is too long (at most 63 characters)" },
	{ "title t\ncause c\nconnection app driver-option [mysql] a=1\n"
	  "connect app\n", 3, 30, "a driver option's selector names the "
	  "client it is for, and only that: [client=NAME] or [client=NAME >= "
	  "VERSION]" },
	{ "title t\ncause c\nconnection app driver-option [client=go, "
	  "mariadb] a=1\nconnect app\n", 3, 30, "a driver option's selector "
	  "names the client it is for" },
	{ "title t\ncause c\nconnection app driver-option [client=go a=1\n"
	  "connect app\n", 3, 41, "expected ']' or a comparison" },
	{ "title t\ncause c\nconnection app driver-option [client=go] a=1 "
	  "driver-option [client=go] a=2\nconnect app\n", 3, 72,
	  "driver option 'a' is given twice" },
	{ "title t\ncause c\nconnection sq transport=raw driver-option a=1\n"
	  "connect sq\n", 3, 1, "a raw connection (transport=raw) has no "
	  "client driver to take driver options" },
	/* its hint ends with driver-option (the connection options
	 * before it are the parser's table, not typed here) */
	{ "title t\ncause c\nconnection app driver-options=a=1\n"
	  "connect app\n", 3, 16, ", driver-option)" },
	/* keepalive=IDLE/INTERVAL/COUNT */
	{ "title t\ncause c\nconnection app keepalive=2s/1s\nconnect app\n",
	  3, 26, "invalid keepalive '2s/1s': write IDLE/INTERVAL/COUNT, e.g. "
	  "keepalive=2s/1s/3 (whole seconds from 1s to 32767s, a count from 1 "
	  "to 127)" },
	{ "title t\ncause c\nconnection app keepalive=1500ms/1s/3\n"
	  "connect app\n", 3, 26, "invalid keepalive '1500ms/1s/3'" },
	{ "title t\ncause c\nconnection app keepalive=2s/0s/3\nconnect app\n",
	  3, 26, "invalid keepalive '2s/0s/3'" },
	{ "title t\ncause c\nconnection app keepalive=2s/1s/0\nconnect app\n",
	  3, 26, "invalid keepalive '2s/1s/0'" },
	{ "title t\ncause c\nconnection app keepalive=2s/1s/128\n"
	  "connect app\n", 3, 26, "invalid keepalive '2s/1s/128'" },
	{ "title t\ncause c\nconnection app keepalive=2s/1s/3x\n"
	  "connect app\n", 3, 26, "invalid keepalive '2s/1s/3x'" },
	{ "title t\ncause c\nconnection app keepalive=32768s/1s/3\n"
	  "connect app\n", 3, 26, "invalid keepalive '32768s/1s/3'" },
	{ "title t\ncause c\nconnection app keepalive\nconnect app\n",
	  3, 16, "'keepalive' needs a value: keepalive=VALUE" },
	{ "title t\ncause c\nconnection app keepalive=2s/1s/3 "
	  "keepalive=2s/1s/3\nconnect app\n", 3, 34,
	  "'keepalive' is given twice" },
	{ "title t\ncause c\nconnection app transport=socket "
	  "keepalive=2s/1s/3\nconnect app\n", 3, 1, "keepalive is TCP's: not "
	  "over the unix socket (transport=socket)" },
	{ "title t\ncause c\nconnection app transport=raw keepalive=2s/1s/3\n"
	  "connect app\n", 3, 1, "a raw connection (transport=raw) takes no "
	  "keepalive" },
	/* keepalive [client=NAME] IDLE/INTERVAL/COUNT */
	{ "title t\ncause c\nconnection app keepalive [client=go]\n"
	  "connect app\n", 3, 16, "'keepalive [client=go]' needs IDLE/"
	  "INTERVAL/COUNT, e.g. keepalive [client=mysql2] 1s/1s/10" },
	{ "title t\ncause c\nconnection app keepalive [client=go] 1s/1s\n"
	  "connect app\n", 3, 38, "invalid keepalive '1s/1s': write "
	  "IDLE/INTERVAL/COUNT" },
	{ "title t\ncause c\nconnection app keepalive [mysql] 1s/1s/2\n"
	  "connect app\n", 3, 26, "a keepalive's selector names the client "
	  "it is for, and only that: [client=NAME] or [client=NAME >= "
	  "VERSION]" },
	{ "title t\ncause c\nconnection app keepalive [client=go] 1s/1s/2 "
	  "keepalive [client=go] 1s/1s/3\nconnect app\n", 3, 46,
	  "a keepalive for client 'go' is given twice" },
	{ "title t\ncause c\nconnection app transport=socket keepalive "
	  "[client=go] 1s/1s/2\nconnect app\n", 3, 1, "keepalive is TCP's: "
	  "not over the unix socket (transport=socket)" },
	{ "title t\ncause c\nconnection app transport=raw keepalive "
	  "[client=go] 1s/1s/2\nconnect app\n", 3, 1, "a raw connection "
	  "(transport=raw) takes no keepalive" },
};

/* keepalive=IDLE/INTERVAL/COUNT, read into the connection. */
START_TEST(test_keepalive_option)
{
	struct ga_scenario *sc = parse_ok("title t\ncause c\n"
		"connection app keepalive=2s/1s/3\n"
		"connection max keepalive=32767s/2000ms/127\n"
		"connection none\nconnect app\n");

	ck_assert_int_eq(sc->connections[0].keepalive.idle_s, 2);
	ck_assert_int_eq(sc->connections[0].keepalive.interval_s, 1);
	ck_assert_int_eq(sc->connections[0].keepalive.count, 3);
	ck_assert_int_eq(sc->connections[1].keepalive.idle_s, 32767);
	ck_assert_int_eq(sc->connections[1].keepalive.interval_s, 2);
	ck_assert_int_eq(sc->connections[1].keepalive.count, 127);
	ck_assert_int_eq(sc->connections[2].keepalive.count, 0);
	ga_scenario_free(sc);
}
END_TEST

/* keepalive [client=NAME] ...: a client's own keepalive, chosen in
 * file order before keepalive='s; without keepalive= the others have
 * none. */
START_TEST(test_keepalive_for_client)
{
	struct ga_scenario *sc = parse_ok("title t\ncause c\n"
		"connection app keepalive=1s/1s/2 keepalive [client=mysql2] "
		"1s/1s/10 keepalive [client=go >= 1.6] 3s/2s/4 "
		"keepalive [client=go] 5s/5s/5\n"
		"connection only keepalive [client=mariadb-node] 1s/1s/10\n"
		"connect app\n");
	const struct ga_connection *app = &sc->connections[0];
	const struct ga_connection *only = &sc->connections[1];
	const struct ga_keepalive *ka;

	ck_assert_uint_eq(app->nkeepalives, 3);
	ck_assert_str_eq(app->keepalives[0].selector.client, "mysql2");
	ka = ga_connection_keepalive(app, "builtin", NULL, 30300);
	ck_assert_ptr_nonnull(ka);
	ck_assert_int_eq(ka->idle_s, 1);
	ck_assert_int_eq(ka->count, 2);
	ka = ga_connection_keepalive(app, "mysql2", NULL, 0);
	ck_assert_ptr_nonnull(ka);
	ck_assert_int_eq(ka->count, 10);
	/* the name --client was given counts, as for expect lines */
	ka = ga_connection_keepalive(app, "something", "mysql2", 0);
	ck_assert_int_eq(ka->count, 10);
	ka = ga_connection_keepalive(app, "go", NULL, 10600);
	ck_assert_int_eq(ka->idle_s, 3);
	ck_assert_int_eq(ka->interval_s, 2);
	ck_assert_int_eq(ka->count, 4);
	ka = ga_connection_keepalive(app, "go", NULL, 10500);
	ck_assert_int_eq(ka->count, 5);
	ck_assert_ptr_null(ga_connection_keepalive(only, "builtin", NULL, 0));
	ka = ga_connection_keepalive(only, "mariadb-node", NULL, 30400);
	ck_assert_ptr_nonnull(ka);
	ck_assert_int_eq(ka->count, 10);
	ga_scenario_free(sc);
}
END_TEST

START_TEST(test_keepalives_limit)
{
	char text[2048];
	struct ga_diags d = { 0 };
	size_t n;
	int i;

	n = (size_t)snprintf(text, sizeof(text), "title t\ncause c\n"
			     "connection app");
	for (i = 0; i < 17; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      " keepalive [client=c%d] 1s/1s/2", i);
	snprintf(text + n, sizeof(text) - n, "\nconnect app\n");
	parse_bad(text, &d);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.items[0].msg, "too many keepalives: at most 16 "
			 "clients' own on a connection");
	ga_diags_free(&d);
}
END_TEST

START_TEST(test_driver_option_diagnostic)
{
	parse_bad_one(option_diag_cases[_i].text, option_diag_cases[_i].line,
		      option_diag_cases[_i].col, option_diag_cases[_i].msg);
}
END_TEST

START_TEST(test_driver_options_limit)
{
	char text[2048];
	struct ga_diags d = { 0 };
	size_t n;
	int i;

	n = (size_t)snprintf(text, sizeof(text), "title t\ncause c\n"
			     "connection app");
	for (i = 0; i < 17; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      " driver-option k%d=v", i);
	snprintf(text + n, sizeof(text) - n, "\nconnect app\n");
	parse_bad(text, &d);
	ck_assert_uint_eq(d.n, 1);
	ck_assert_str_eq(d.items[0].msg, "too many driver options: at most 16 "
			 "on a connection");
	ga_diags_free(&d);
}
END_TEST

Suite *make_parse_steps_suite(void)
{
	Suite *s = suite_create("parse_steps");
	TCase *tc;

	tc = tcase_create("steps");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_step, 0, N(step_cases));
	tcase_add_loop_test(tc, test_new_kind_names, 0, N(new_kinds));
	tcase_add_test(tc, test_full_new_style);
	tcase_add_loop_test(tc, test_sleep_varies, 0, N(sleep_cases));
	tcase_add_loop_test(tc, test_sleep_diagnostic, 0, N(sleep_diag_cases));
	tcase_add_test(tc, test_execute_params);
	tcase_add_test(tc, test_execute_too_many);
	tcase_add_loop_test(tc, test_fetch_slowly, 0, N(fetch_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("driver_options");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_driver_options);
	tcase_add_loop_test(tc, test_driver_option_diagnostic, 0,
			    N(option_diag_cases));
	tcase_add_test(tc, test_keepalive_option);
	tcase_add_test(tc, test_keepalive_for_client);
	tcase_add_test(tc, test_keepalives_limit);
	tcase_add_test(tc, test_driver_options_limit);
	suite_add_tcase(s, tc);

	tc = tcase_create("header");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_header, 0, N(header_cases));
	tcase_add_test(tc, test_proxy_lines);
	suite_add_tcase(s, tc);

	tc = tcase_create("expect");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_expect, 0, N(expect_cases));
	tcase_add_loop_test(tc, test_seen, 0, N(seen_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("diagnostics");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_loop_test(tc, test_diagnostic, 0, N(diag_cases));
	tcase_add_test(tc, test_fault_kinds_named);
	tcase_add_test(tc, test_several);
	suite_add_tcase(s, tc);
	return s;
}
