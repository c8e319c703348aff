/* record.h - what "goneaway run --record" writes: for each checked step
 * of a scenario (every step but the actions and "send"), the expect
 * lines that match what the run saw, either as changes to the scenario
 * (a patch the user reviews: ga_record_scenario) or as the lines of a
 * connector's expectation file (ga_record_expectations).  Pure functions
 * over the parsed scenario and the cases that ran it: no I/O.
 *
 * A recorded line holds every outcome seen over the runs of a repeated
 * scenario (its spread, as alternatives), a "within" bound over the
 * longest of them with a margin (at least 1 s or half of it, rounded up
 * to 500 ms), a hang's "after" (the time it was given), and the clauses
 * of the line it replaces that still hold (a value check, "matching",
 * "reconnected").  A line that already matched is left as it is: a
 * recorded file PASSes when it is run again, on the servers and with
 * the clients it was recorded with.
 *
 * What a driver reported is data, never instructions: an error class
 * is written only when it reads back as that class (ga_class_text_ok),
 * else the line says "error" (and the scenario's notes say why); a
 * driver's message and value are never written (a "matching" or value
 * clause is kept only from the line it replaces).
 *
 * Which lines a scenario gets: in a draft (a scenario with an "expect
 * any" placeholder, or with no expect line at all) and for the built-in
 * client, the default lines (a placeholder or a line that did not match
 * is replaced; a step without lines gets one); for another client
 * (--record --client X), only "[client=X]" lines where X's outcome
 * differs from the line that applies to everyone else (with that line's
 * server condition, "[client=X, mysql >= 8.0.24]", when it has one).
 * Where servers differ, the first server's outcome stays and the others
 * get a line of their own: "[mysql]", or "[mariadb = 10.5.23]" when
 * servers of one flavour differ among themselves.
 */
#ifndef GA_RECORD_H
#define GA_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "client/driver.h"
#include "lang/expectations.h"
#include "run/runner.h"
#include "util/error.h"
#include "util/textedit.h"

/* One case of a scenario (a server and a client), as the recorder keeps
 * it once its case result is gone. */
struct ga_record_case {
	struct ga_server_id who;        /* its strings point into the
					 * arrays below */
	char server_name[GA_SERVER_NAME_MAX];
	char client[GA_CLIENT_NAME_MAX];
	char alias[GA_CLIENT_NAME_MAX];
	enum ga_verdict verdict;
	struct ga_step_result *steps;   /* owned, with their tallies; expect
					 * points into the scenario */
	size_t nsteps;
};

/* Keeps what res saw with client drv.  Returns 0, or -1 with err set
 * (out of memory). */
int ga_record_case_keep(struct ga_record_case *rc,
			const struct ga_case_result *res,
			const struct ga_driver *drv, struct ga_error *err);
void ga_record_case_free(struct ga_record_case *rc);

/* True when step st of a scenario has an outcome to record: it is no
 * action and no "send". */
bool ga_record_checked(const struct ga_step *st);

/* The expect line (no selector) that matches sr, what one case saw at
 * step st, keeping the clauses of applied (the line that applied, or
 * NULL) that still hold.  out's strings are new (ga_record_expect_free).
 * Returns 0, or -1 (out of memory). */
int ga_record_line(const struct ga_step *st, const struct ga_step_result *sr,
		   const struct ga_expect *applied, struct ga_expect *out);
void ga_record_expect_free(struct ga_expect *e);

/* The first error class sr saw that an expect line cannot hold as it
 * came (lang/expect_text.h, ga_class_text_ok), which a recorded line says
 * as "error"; NULL when there is none.  Borrowed from sr. */
const char *ga_record_unwritable_class(const struct ga_step_result *sr);

/* A copy of e, its strings new (ga_record_expect_free).  Returns 0, or
 * -1 (out of memory). */
int ga_record_expect_copy(struct ga_expect *to, const struct ga_expect *e);

/* True when sel names who's client (its name or alias). */
bool ga_record_is_client(const struct ga_selector *sel,
			 const struct ga_server_id *who);

/* True when e holds for everything sr saw (every run's outcome). */
bool ga_record_holds(const struct ga_expect *e,
		     const struct ga_step_result *sr);

/* ---- plan/record_scenario.c ---- */

/* The changes to sc's file (its text) that make its lines match what the
 * cases saw, added to edits.  notes receives what could not be recorded
 * ("line 14: no line holds for mysql-9.7/pymysql ..."), "" for nothing.
 * Returns 0, or -1 with err set. */
int ga_record_scenario(const struct ga_scenario *sc, const char *text,
		       const struct ga_record_case *cases, size_t n,
		       struct ga_line_edits *edits, char *notes,
		       size_t notes_len, struct ga_error *err);

/* ---- plan/record_file.c ---- */

/* x's lines for the steps of sc, made from what the cases of client
 * x->client saw (by its name or alias): one line per step and server,
 * "*" for the first server's outcome and one for each other server that
 * differs; the lines of servers this run did not use are kept.  Returns
 * 0, or -1 with err set. */
int ga_record_expectations(struct ga_expectations *x,
			   const struct ga_scenario *sc,
			   const struct ga_record_case *cases, size_t n,
			   struct ga_error *err);

#endif
