/* result.h - a case's result, as every floor above run/ reads it: its
 * verdict and what a SKIP lacked, each step's outcome and its spread
 * over the runs of a repeated scenario, and the case's identity, times
 * and evidence.  run/ fills it; plan/ folds, feeds and records it;
 * report/ shows it; result/jsonl_*.c write it and read it back
 * (docs/results-jsonl.md), one codec for results.jsonl and for -j's
 * workers alike.
 *
 * Ownership: a struct ga_case_result owns its steps and their tallies
 * (free with ga_case_result_free); a step's expect points into the
 * scenario it ran, and its outcome's api is a static string or one a
 * driver interned (client/driver.h).
 */
#ifndef GA_RESULT_H
#define GA_RESULT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "lang/outcome.h"
#include "lang/scenario.h"

enum ga_verdict {
	GA_VERDICT_PASS = 0,    /* every step happened and matched */
	GA_VERDICT_FAIL,        /* a step's outcome did not match */
	GA_VERDICT_SKIP,        /* a requirement is missing on this machine */
	GA_VERDICT_ERROR,       /* the harness could not do what the file says */
};

const char *ga_verdict_name(enum ga_verdict v);

/* What a SKIP lacked; --allow-skip names these. */
#define GA_SKIP_MAP(X)                                                     \
	X(NONE, "none", "")                                                 \
	X(ROOT, "root", "not root: namespaces need it")                     \
	X(SERVER, "server", "no server to run (binary, image or engine)")  \
	X(FLAVOUR, "flavour", "the scenario requires another server")       \
	X(NETEM, "netem", "the kernel has no sch_netem")                    \
	X(FAULT, "fault", "a fault kind this machine cannot make")          \
	X(DRIVER, "driver", "a step the client driver cannot do")            \
	X(PROXY, "proxy", "a proxy this machine lacks, or one the scenario " \
	  "does not run behind")

enum ga_skip_kind {
#define GA_SKIP_ENUM(name, word, what) GA_SKIP_##name,
	GA_SKIP_MAP(GA_SKIP_ENUM)
#undef GA_SKIP_ENUM
	GA_SKIP_KIND_COUNT
};

/* "netem"; ga_skip_kind_find: -1 when unknown. */
const char *ga_skip_kind_name(enum ga_skip_kind kind);
int ga_skip_kind_find(const char *word);

/* How often one outcome came up over a scenario's repetitions. */
struct ga_tally {
	enum ga_result result;
	unsigned err;                   /* for GA_RESULT_ERROR */
	enum ga_flavour flavour;        /* the server's, to name err */
	char error_class[GA_CLASS_MAX]; /* for GA_RESULT_ERROR: a driver's
					 * class tells errors without a
					 * number apart */
	/* a step on a pool's connection: what the pool did, part of the
	 * outcome (a race may change the events alone: issue 38) */
	bool has_pool_events;
	unsigned pool_events;           /* GA_POOL_EVENT() bits */
	long count;
	double max_ms;                  /* the longest of its elapsed times
					 * (0 when read back from results) */
	/* GA_RESULT_OK: what an expect line's value and thread checks read,
	 * of the first run counted here, and whether another differed (a
	 * check that holds for the first then holds for all only when
	 * none did); ok_varied when read back from results */
	bool ok_varied;
	bool has_value, value_null;
	char value[256];                /* struct ga_outcome's value */
	enum ga_thread_check thread;    /* the check the run's threads
					 * meet: GA_THREAD_SAME, _NEW, or
					 * _ANY for neither (unknown) */
};

#define GA_STEP_SKIP_MAX 600

struct ga_step_result {
	struct ga_tally *tally;         /* owned: over every run, in order of
					 * first appearance */
	size_t ntally;
	bool ran;                       /* the step was carried out */
	char skipped[GA_STEP_SKIP_MAX]; /* set: it was not, because the
					 * client cannot do what its
					 * connection needs, and why (the
					 * rest of the scenario ran: a
					 * partly skipped case, always SKIP
					 * or worse, never PASS) */
	bool matched;                   /* its outcome matched */
	char digest_before[24];         /* --record, a call on a client
					 * connection (GA_STEP_DIGESTED): the
					 * server's tables just before it
					 * (run/digest.c), "" not read */
	const struct ga_expect *expect; /* borrowed: the line that applied,
					 * NULL for actions and sends */
	struct ga_outcome out;
};

struct ga_case_result {
	enum ga_verdict verdict;
	enum ga_skip_kind skip;         /* what a SKIP lacked */
	char reason[1024];              /* why, for FAIL/SKIP/ERROR */
	int line;                       /* the step's line, 0 if none */
	struct ga_step_result *steps;   /* owned, one per scenario step */
	size_t nsteps;
	char server_version[128];
	char server_notes[1024];        /* the server's words about the
					 * scenario's server-option lines */
	int signo;                      /* the signal that interrupted it */
	double wall_ms;                 /* everything */
	double setup_ms;                /* lab, datadir, server start */
	double start_wait_ms;           /* of setup_ms: waiting for a slot
					 * of the machine's server starts
					 * (server/starts.h) */
	double steps_ms;                /* the steps */
	double teardown_ms;             /* server, lab, files */
	double waits_ms;                /* the scenario's own sleep steps */
	long runs;                      /* repetitions carried out */
	long repeat;                    /* repetitions asked for */
	long first_bad;                 /* the run (1-based) whose verdict
					 * the case has: the first that did
					 * not PASS; 0: none did */
	bool first_bad_interrupted;     /* ... and a signal ended it */
	long run_verdicts[GA_VERDICT_ERROR + 1];        /* how many of the
					 * runs carried out ended with each
					 * verdict */
	char bad_runs[160];             /* "3, 7, 12": the runs that did
					 * not PASS, as many as fit ("..."
					 * after them when not all did) */
	char results[PATH_MAX];         /* where its evidence was kept, or "" */
	char evidence_lost[512];        /* set: evidence that could not be
					 * kept, and why */
	char evidence_cut[512];         /* set: the logs kept cut to their
					 * bound (util/logcopy.h), each with
					 * its size and what was cut */
	char capture[360];              /* what capture.pcap holds ("38
					 * packets, 9 KiB"), "" for none */
	char reverted[512];             /* faults teardown reverted, for the
					 * log: "wall (firewall drop both)" */
	char not_reverted[1024];        /* faults it could not revert */
	char digest_before[24];         /* --record: the server's tables
					 * (run/digest.c) at the case's mark
					 * and at its end, before teardown;
					 * "" not read */
	char digest_after[24];
	char server[160];               /* what it ran against: the --server
					 * value (ga_run_options.server_name) */
	char backend[32];               /* the server backend's name */
	enum ga_flavour flavour;        /* the server's, once it started */
	char proxy[GA_PROXY_NAME_MAX];  /* the --proxy it ran under
					 * (ga_run_options.proxy), "" when
					 * not given */
	char proxy_ran[160];            /* what stood between client and
					 * server: "HAProxy 2.6.12-1+deb12u4
					 * (haproxy)", "" for nothing */
	char client[64];                /* the driver's name ("builtin") */
	char library[160];              /* the driver's client library */
	char client_spec[512];          /* the --client value it was
					 * started by, "" unknown */
	char combo[160];                /* "server/client" when the run has
					 * several, else "" (set by the
					 * caller, for the reporters) */
	char server_setup[600];         /* where its server came from: "fresh
					 * server: WHY" or "reused server
					 * ..." (run/reuse.c), "" unknown */
	char client_setup[600];         /* where its client connections'
					 * drivers came from: "app: a kept
					 * process, its case 4; ..." and the
					 * client namespace (run/case_clientns.c),
					 * "" for the built-in client */
	char server_after[600];         /* whether its server was kept for
					 * the next case: "kept: ..." or "not
					 * kept: WHY", "" unknown */
	long servers_started;           /* servers its set-ups started and
					 * saw come up (a repeated
					 * scenario's, summed): a start that
					 * failed is none */
	uint64_t kept_key;              /* the key (ga_reuse_key) of the
					 * server its runner kept after it,
					 * 0: none kept */
	long kept_drivers;              /* the driver processes of its
					 * client its worker can give a case
					 * after it without a runtime's start
					 * (ga_driver_ready_count_of) */
};

/* ---- the records of results.jsonl (docs/results-jsonl.md) -------------
 *
 * Each line's members, declared once, in the order they are written:
 * result/jsonl_rows.c makes util/jrow.h's rows of them, which both
 * result/jsonl_write.c and result/jsonl_read.c go by.  F(KEY, KIND,
 * BASE, FIELD, MIN, MAX, FLAGS, WORDS) is a member held in one field:
 * KIND a GA_JROW_ kind, BASE the struct it lives in (res: struct
 * ga_case_result; step: struct ga_step; sr: struct ga_step_result; out:
 * struct ga_outcome; tally: struct ga_tally), MIN and MAX a whole
 * number's bounds, FLAGS util/jrow.h's, WORDS the table of a WORD
 * member.  O(KEY, NAME) is an object of its own, its members the rows
 * GA_CASE_NAME_ROWS.  C(KEY, NAME, FLAGS) is a member with its own functions
 * (NAME_read and NAME_write, in the file of the table: jsonl_case.c,
 * jsonl_step.c).  A member
 * flagged GA_JROW_WHOLE is in the workers' lines only
 * (ga_results_write_whole): the one dialect, its extras marked.  A new
 * member of a step's outcome is one F row here. */

#define GA_CASE_SERVER_ROWS(F) \
	F("name", NAME, res, server, 0, 0, 0, none) \
	F("backend", NAME, res, backend, 0, 0, 0, none) \
	F("flavour", WORD, res, flavour, 0, 0, 0, flavour) \
	F("version", TEXT, res, server_version, 0, 0, 0, none)

#define GA_CASE_CLIENT_ROWS(F) \
	F("name", NAME, res, client, 0, 0, 0, none) \
	F("library", TEXT, res, library, 0, 0, 0, none) \
	F("spec", TEXT, res, client_spec, 0, 0, GA_JROW_OPTIONAL, none)

/* The case's line, after "type", "case" and "scenario", before "steps". */
#define GA_CASE_ROWS(F, C, O) \
	O("server", server) \
	O("client", client) \
	F("proxy", NAME, res, proxy, 0, 0, GA_JROW_OPTIONAL, none) \
	F("proxy_ran", TEXT, res, proxy_ran, 0, 0, GA_JROW_OPTIONAL, none) \
	F("combo", TEXT, res, combo, 0, 0, 0, none) \
	F("verdict", WORD, res, verdict, 0, 0, 0, verdict) \
	F("reason", TEXT, res, reason, 0, 0, 0, none) \
	F("line", INT, res, line, 0, INT_MAX, 0, none) \
	C("skip", skip, 0) \
	F("signo", INT, res, signo, 0, 127, 0, none) \
	F("runs", LONG, res, runs, 0, INT_MAX, 0, none) \
	F("repeat", LONG, res, repeat, 0, INT_MAX, 0, none) \
	F("wall_ms", MS, res, wall_ms, 0, 0, 0, none) \
	F("setup_ms", MS, res, setup_ms, 0, 0, 0, none) \
	F("start_wait_ms", MS, res, start_wait_ms, 0, 0, GA_JROW_OPTIONAL, \
	  none) \
	F("steps_ms", MS, res, steps_ms, 0, 0, 0, none) \
	F("teardown_ms", MS, res, teardown_ms, 0, 0, 0, none) \
	F("waits_ms", MS, res, waits_ms, 0, 0, 0, none) \
	C("evidence", evidence, 0) \
	F("capture", TEXT, res, capture, 0, 0, GA_JROW_OPTIONAL, none) \
	F("evidence_lost", TEXT, res, evidence_lost, 0, 0, 0, none) \
	F("evidence_cut", TEXT, res, evidence_cut, 0, 0, GA_JROW_OPTIONAL, \
	  none) \
	F("server_notes", TEXT, res, server_notes, 0, 0, 0, none) \
	F("reverted", TEXT, res, reverted, 0, 0, 0, none) \
	F("not_reverted", TEXT, res, not_reverted, 0, 0, 0, none) \
	F("server_digest_before", TEXT, res, digest_before, 0, 0, \
	  GA_JROW_OPTIONAL, none) \
	F("server_digest", TEXT, res, digest_after, 0, 0, GA_JROW_OPTIONAL, \
	  none) \
	F("server_setup", TEXT, res, server_setup, 0, 0, GA_JROW_OPTIONAL, \
	  none) \
	F("server_after", TEXT, res, server_after, 0, 0, GA_JROW_OPTIONAL, \
	  none) \
	F("client_setup", TEXT, res, client_setup, 0, 0, GA_JROW_OPTIONAL, \
	  none) \
	F("servers_started", LONG, res, servers_started, 0, INT_MAX, \
	  GA_JROW_OPTIONAL, none) \
	F("first_bad", LONG, res, first_bad, 0, INT_MAX, GA_JROW_WHOLE, none) \
	F("first_bad_interrupted", BOOL, res, first_bad_interrupted, 0, 0, \
	  GA_JROW_WHOLE, none) \
	C("run_verdicts", run_verdicts, GA_JROW_WHOLE) \
	F("bad_runs", TEXT, res, bad_runs, 0, 0, GA_JROW_WHOLE, none) \
	C("kept_key", kept_key, GA_JROW_WHOLE) \
	F("kept_drivers", LONG, res, kept_drivers, 0, INT_MAX, GA_JROW_WHOLE, \
	  none)

/* A step's line, after "type", "case" and "index". */
#define GA_STEP_ROWS(F, C) \
	C("scenario", scenario, 0) \
	F("line", INT, step, line, 0, INT_MAX, 0, none) \
	F("kind", WORD, step, kind, 0, 0, 0, kind) \
	C("text", text, 0) \
	C("connection", connection, 0) \
	F("expects", SIZE, step, nexpects, 0, 1000, 0, none) \
	F("seen_line", INT, step, seen.line, 0, INT_MAX, 0, none) \
	F("ran", BOOL, sr, ran, 0, 0, 0, none) \
	C("skipped", skipped, 0) \
	C("api", api, 0) \
	F("result", WORD, out, result, 0, 0, 0, result) \
	F("errno", UINT, out, err, 0, UINT_MAX, 0, none) \
	C("errname", errname, 0) \
	F("sqlstate", TEXT, out, sqlstate, 0, 0, 0, none) \
	F("message", TEXT, out, message, 0, 0, 0, none) \
	F("error_class", TEXT, out, error_class, 0, 0, 0, none) \
	F("error_name", TEXT, out, error_name, 0, 0, \
	  GA_JROW_OPTIONAL | GA_JROW_NULLABLE, none) \
	C("rows", rows, 0) \
	C("pool_events", pool_events, 0) \
	F("elapsed_ms", MS, out, elapsed_ms, 0, 0, 0, none) \
	F("has_value", BOOL, out, has_value, 0, 0, 0, none) \
	F("value_null", BOOL, out, value_null, 0, 0, 0, none) \
	C("value", value, 0) \
	F("thread_before", ULONG, out, thread_before, 0, 1L << 53, 0, none) \
	F("thread_after", ULONG, out, thread_after, 0, 1L << 53, 0, none) \
	C("start_before", starts, 0) \
	F("flavour", WORD, out, flavour, 0, 0, 0, flavour) \
	C("expected", expected, 0) \
	F("matched", BOOL, sr, matched, 0, 0, 0, none) \
	F("server_digest_before", TEXT, sr, digest_before, 0, 0, \
	  GA_JROW_OPTIONAL, none) \
	C("spread", spread, 0) \
	C("log", log, 0) \
	C("expect_index", expect_index, GA_JROW_WHOLE)

/* One outcome of a step's "spread". */
#define GA_TALLY_ROWS(F, C) \
	F("result", WORD, tally, result, 0, 0, 0, result) \
	F("errno", UINT, tally, err, 0, UINT_MAX, 0, none) \
	F("flavour", WORD, tally, flavour, 0, 0, 0, flavour) \
	F("error_class", TEXT, tally, error_class, 0, 0, 0, none) \
	C("pool_events", tally_pool_events, 0) \
	F("count", LONG, tally, count, 0, LONG_MAX / 2, 0, none) \
	F("max_ms", MS, tally, max_ms, 0, 0, GA_JROW_WHOLE, none) \
	F("ok_varied", BOOL, tally, ok_varied, 0, 0, GA_JROW_WHOLE, none) \
	F("has_value", BOOL, tally, has_value, 0, 0, GA_JROW_WHOLE, none) \
	F("value_null", BOOL, tally, value_null, 0, 0, GA_JROW_WHOLE, none) \
	F("value", NAME, tally, value, 0, 0, GA_JROW_WHOLE, none) \
	F("thread", INT, tally, thread, GA_THREAD_ANY, GA_THREAD_SAME, \
	  GA_JROW_WHOLE, none)

void ga_case_result_free(struct ga_case_result *res);

/* Frees n steps and their tallies (the array too). */
void ga_step_results_free(struct ga_step_result *steps, size_t n);

void ga_case_result_free(struct ga_case_result *res);

/* How many of res's steps were skipped (ga_step_result.skipped): more
 * than 0 makes a case partly skipped, whose other steps ran. */
size_t ga_case_skipped_steps(const struct ga_case_result *res);

/* True when some of res's steps were skipped and some ran: its SKIP (or
 * FAIL, ERROR) is about the steps that ran. */
bool ga_case_partly_skipped(const struct ga_case_result *res);

/* How server_setup begins for a case that ran on a server kept from the
 * case before (run/reuse.c), and whether res's did. */
#define GA_REUSED_SERVER "reused server"
bool ga_case_reused(const struct ga_case_result *res);

/* What a report says after a verdict reached on a kept server: the way
 * to the same case on a fresh one. */
#define GA_REUSED_HINT "goneaway run --fresh-servers runs it on a fresh one"

/* "wrong-result 4, 2013 (CR_SERVER_LOST) 1": a step's outcomes over the
 * runs of a repeated scenario, most frequent first. */
void ga_step_spread(const struct ga_step_result *sr, char *buf, size_t len);

/* Writes step i's line to f (result/stepline.c), after indent: "line 14:
 * query app: mysql_real_query: returned 2013 (CR_SERVER_LOST) \"Lost
 * connection ...\" after 1002 ms"; with detail (steps.log) then
 * " [sqlstate HY000]; expected 2013 (CR_SERVER_LOST) within 2000 ms
 * (expect line 15): matched".  A repeated scenario's step gets a second
 * line, its spread.  The one format of a step line, for the reporters
 * and steps.log: what came from outside (a driver's API name, message,
 * sqlstate, value, error class; the scenario's names) is escaped as
 * plain text (util/escape.h), so no control character reaches f. */
void ga_step_line_write(FILE *f, const char *indent,
			const struct ga_scenario *sc,
			const struct ga_case_result *res, size_t i, bool detail);

/* Writes what a case ran against, after indent: "server: mysql 9.7.4-2
 * (mysql-9.7, rootfs backend)", "proxy: HAProxy 2.6.12-1+deb12u4
 * (haproxy)" and "client: pymysql (PyMySQL 1.1.0)" (result/stepline.c); a
 * line is left out when nothing of it is known (no proxy ran). */
void ga_case_identity_write(FILE *f, const char *indent,
			    const struct ga_case_result *res);

/* The server part of that, unescaped: "mysql 9.7.4-2 (mysql-9.7, rootfs
 * backend)", "" when nothing is known. */
void ga_case_server_text(const struct ga_case_result *res, char *buf,
			 size_t len);

/* Writes what steps.log holds (result/stepline.c): the scenario, its
 * verdict and why, the server and its notes, what teardown reverted,
 * then every step that ran or was skipped, each by ga_step_line_write()
 * with detail ("line 14: query pooled: skipped: REASON" for one that was
 * skipped).
 * Text from outside is escaped as there. */
void ga_steps_log_write(FILE *f, const struct ga_scenario *sc,
			const struct ga_case_result *res);

/* A run's or a report's cases added up, for the reporters' end. */
struct ga_matrix;
struct ga_run_summary {
	size_t pass, fail, skip, error;
	double wall_ms;
	int signo;              /* the run was interrupted by this signal */
	size_t servers_started; /* by the cases' set-ups, that came up
				 * (run/reuse.c) */
	size_t runs;            /* the cases' runs that were made */
	const struct ga_matrix *table;  /* borrowed: the server × client
					 * table, NULL: none; the console
					 * shows it with several columns */
};

/* ---- verdicts (result/verdict.c) ------------------------------------------ */

void ga_case_verdict(struct ga_case_result *res, enum ga_verdict v, int line,
		     const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* The same, unless the case already has a verdict other than PASS: in a
 * --record run, the first step that did not match gives it. */
void ga_case_verdict_first(struct ga_case_result *res, enum ga_verdict v,
			   int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* " (the scenario had ended FAIL at line 12: REASON)", what res ended
 * as before a later ERROR replaced it, into buf; "" when it had PASSed
 * so far. */
void ga_case_ended_text(const struct ga_case_result *res, char *buf,
			size_t len);

/* Makes res an ERROR for why (a harness failure outside any step). */
void ga_case_result_error(struct ga_case_result *res, const char *why);

#endif
