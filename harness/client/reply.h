/* reply.h - a driver's reply (docs/driver-protocol.md, "Replies"),
 * declared once: the members of the line a driver answers a step with,
 * how each is taken into struct ga_outcome (lang/outcome.h), its bounds
 * and what it means.
 *
 * From GA_REPLY_MAP come the reader (ga_reply_read(), which the process
 * driver's collect calls: client/process_calls.c), docs/driver-protocol.md's
 * table of the members (ga_reply_describe(), "goneaway driver-test
 * --describe=replies-markdown", docs/gen-replies.sh; t0097 compares),
 * its "What goneaway accepts" (ga_reply_describe_accepts(), each row's
 * "taken when" beside its check) and the fuzz dictionary's reply keys
 * (ga_reply_describe_dict(), written into tests/fuzz/protocol.dict by
 * docs/gen-replies.sh; tests/unit/check_reply.c holds it to them too).
 *
 * A new outcome member is one row here, its member in struct
 * ga_outcome, and the drivers that send it (docs/ARCHITECTURE.md).
 */
#ifndef GA_CLIENT_REPLY_H
#define GA_CLIENT_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "client/protocol.h"
#include "lang/outcome.h"
#include "lang/step.h"

struct ga_json;

/* How a member is taken: the reader's one case per kind.
 *   CALLER   read by the caller, not here (id: before the rest, to know
 *            whose reply it is; elapsed_ms: against goneaway's own time)
 *   RESULT   "ok", "error", "wrong-result" or "unsupported"
 *   WHOLE    a whole number from 0 to max, null or absent 0; anything
 *            else is the driver's failure (refuse says what it is not)
 *   WORD     text checked by ok, copied into the field; a string that
 *            fails is the driver's failure; another type is absent
 *   CALL     as WORD, the string itself (interned by the caller), the
 *            default "driver"
 *   TEXT     any text, copied (cut at the field's size)
 *   NAME     letters, digits and '_', not a digit first, shorter than
 *            the field: else left out with a note, never a failure
 *   ROWS     after an error of fetch or stream: a whole number from 0
 *            to max, else left out with a note; ignored on any other
 *   VALUE    after ok: a string, number, boolean or null
 *   POOL     an array of pool events (client/protocol.h); read only from
 *            a driver that declared feature, else ignored */
enum ga_reply_take {
	GA_TAKE_CALLER,
	GA_TAKE_RESULT,
	GA_TAKE_WHOLE,
	GA_TAKE_WORD,
	GA_TAKE_CALL,
	GA_TAKE_TEXT,
	GA_TAKE_NAME,
	GA_TAKE_ROWS,
	GA_TAKE_VALUE,
	GA_TAKE_POOL,           /* the last (client/reply_doc.c's table) */
};

#define GA_REPLY_WHOLE_2_53 9007199254740991.0  /* 2^53 - 1: exact in JSON */
#define GA_REPLY_ERRNO_MAX 65535
#define GA_REPLY_REFUSED_WORD "answered with a reply goneaway does not " \
	"take (docs/driver-protocol.md)"
#define GA_REPLY_N(n) GA_PROTOCOL_STR(n)        /* a bound, as text */

/* A field of struct ga_outcome, or none. */
#define GA_REPLY_AT(m) offsetof(struct ga_outcome, m), \
	sizeof(((struct ga_outcome *)0)->m)
#define GA_REPLY_NOWHERE 0, 0

/* The members, in the order the reader takes them (the first refusal
 * wins) and the docs list them:
 * X(NAME, "key", "JSON type", TAKE, field, max, ok, "taken", feature,
 *   "refuse", "doc member", "meaning")
 * max bounds WHOLE and ROWS; ok checks WORD and CALL (refuse then
 * names what the member is not); "taken" says what the member's check
 * takes, its bounds made of the same numbers (GA_REPLY_N), in
 * docs/driver-protocol.md's "What goneaway accepts" (the kind adds
 * what an absent member is, ga_reply_describe_accepts()); feature: the
 * GA_FEATURE_* a driver declares to be read it, 0 for all; refuse:
 * RESULT's and WHOLE's error ("answered with ..."), what a WORD, CALL
 * or ROWS member is not, POOL's errors (client/protocol.c's words, for
 * the docs), CALLER's "otherwise" in the docs; "doc
 * member" is the docs' first column, NULL when the row above describes
 * this one too (its "taken" and "refuse" then the same). */
#define GA_REPLY_MAP(X)                                                     \
	X(ID, "id", "integer", GA_TAKE_CALLER, GA_REPLY_NOWHERE, 0, NULL,  \
	  "the request's id, that very integer (`2.9` is not `2`)", 0,      \
	  "the reply is the driver's failure: an ERROR (\"the reply's id " \
	  "is 4, expected 3\": it answered another request)", "`id`",      \
	  "the request's")                                                  \
	X(RESULT, "result", "string", GA_TAKE_RESULT, GA_REPLY_AT(result), \
	  0, NULL, "`\"ok\"`, `\"error\"`, `\"wrong-result\"` or "          \
	  "`\"unsupported\"` (the step is then unsupported, `message` its "  \
	  "reason)", 0, "answered with an unknown result", "`result`",     \
	  "`\"ok\"`, `\"error\"`, `\"wrong-result\"` (fork share only) or "  \
	  "`\"unsupported\"`")                                              \
	X(ERRNO, "errno", "integer", GA_TAKE_WHOLE, GA_REPLY_AT(err),      \
	  GA_REPLY_ERRNO_MAX, NULL, "a whole number from 0 to "             \
	  GA_REPLY_N(GA_REPLY_ERRNO_MAX), 0, "answered with an errno that "  \
	  "is not a MySQL error number (0 to "                              \
	  GA_REPLY_N(GA_REPLY_ERRNO_MAX) "; a system error goes in "        \
	  "error_class, docs/driver-protocol.md)", "`errno`",               \
	  "the connector's error number where it has one (`mysql_errno()`, " \
	  "`err.errno`, `e.args[0]`, `err.code` numeric ...), else 0")      \
	X(THREAD_BEFORE, "thread_before", "integer", GA_TAKE_WHOLE,        \
	  GA_REPLY_AT(thread_before), GA_REPLY_WHOLE_2_53, NULL,            \
	  "a whole number from 0 (unknown) to 2^53 - 1", 0,                     \
	  "answered with a thread id that is not a MySQL connection id (a "  \
	  "whole number from 0, unknown, to 2^53)",                          \
	  "`thread_before`, `thread_after`",                                \
	  "the server's connection id before and after the call "           \
	  "(`mysql_thread_id()`, `conn.thread_id()` ...); 0 when unknown.  " \
	  "On a pool's connection: the connection borrowed (or used, on the " \
	  "pool itself) before and after the call; after `return`, the "    \
	  "connection given back; after `evict`, 0")                        \
	X(THREAD_AFTER, "thread_after", "integer", GA_TAKE_WHOLE,          \
	  GA_REPLY_AT(thread_after), GA_REPLY_WHOLE_2_53, NULL,             \
	  "a whole number from 0 (unknown) to 2^53 - 1", 0,                     \
	  "answered with a thread id that is not a MySQL connection id (a "  \
	  "whole number from 0, unknown, to 2^53)", NULL, NULL)             \
	X(ERROR_CLASS, "error_class", "string", GA_TAKE_WORD,              \
	  GA_REPLY_AT(error_class), 0, ga_protocol_class_ok,                \
	  "1 to " GA_REPLY_N(GA_PROTOCOL_WORD_MAX) " printable ASCII "      \
	  "characters, no blank, no control character", 0,                  \
	  "one word of 1 to " GA_REPLY_N(GA_PROTOCOL_WORD_MAX) " printable " \
	  "ASCII characters", "`error_class`",                              \
	  "the connector's own error class or code name (`InterfaceError`, " \
	  "`PROTOCOL_CONNECTION_LOST`, `SQLNonTransientConnectionException`)") \
	X(SQLSTATE, "sqlstate", "string", GA_TAKE_WORD,                    \
	  GA_REPLY_AT(sqlstate), 0, ga_protocol_sqlstate_ok,                \
	  "`\"\"` (none) or five letters or digits", 0,                      \
	  "five letters or digits", "`sqlstate`",                           \
	  "where the connector has one")                                    \
	X(API, "api", "string", GA_TAKE_CALL, GA_REPLY_AT(api), 0,         \
	  ga_protocol_api_ok, "1 to " GA_REPLY_N(GA_PROTOCOL_API_MAX)       \
	  " bytes without a control character (C0, DEL)", 0,                \
	  "1 to " GA_REPLY_N(GA_PROTOCOL_API_MAX) " bytes without control "  \
	  "characters", "`api`",                                            \
	  "the call that failed or succeeded, in the connector's terms")    \
	X(MESSAGE, "message", "string", GA_TAKE_TEXT, GA_REPLY_AT(message), \
	  0, NULL, "any text (another type: `\"\"`)", 0, NULL,                \
	  "`message`",                                                      \
	  "the connector's message; for `unsupported`, the reason")         \
	X(POOL_EVENTS, "pool_events", "array", GA_TAKE_POOL,               \
	  GA_REPLY_AT(pool_events), 0, NULL, "an array of at most "         \
	  GA_REPLY_N(GA_PROTOCOL_POOL_EVENTS_MAX) " objects, each with an "  \
	  "`event` of the five words", GA_FEATURE_POOL,                     \
	  GA_PROTOCOL_POOL_NOT_ARRAY "\" or \"pool_events[N] "            \
	  GA_PROTOCOL_POOL_NOT_EVENT,                                       \
	  "`pool_events`",                                                  \
	  "on a pool's connection (feature `pool`), always: what the pool "  \
	  "did since the previous reply, in order, an array of objects with " \
	  "`event` (`revalidated`, `discarded`, `expired`, `opened` or "     \
	  "`error`: docs/scenario-format.md, \"`pool EVENTS`\"), optionally " \
	  "`thread` (the connection's server thread) and `detail` (the "     \
	  "pool's own words: its log line, its exception, its event's "      \
	  "name); `[]`: nothing.  What the driver saw the pool do, where the " \
	  "pool says it (its events, its log, the calls it makes into the "  \
	  "connector), never what the driver infers")                        \
	X(ERROR_NAME, "error_name", "string", GA_TAKE_NAME,                \
	  GA_REPLY_AT(error_name), 0, NULL, "letters, digits and `_`, not a " \
	  "digit first, at most " GA_REPLY_N(GA_OUTCOME_NAME_MAX), 0, NULL,  \
	  "`error_name`",                                                   \
	  "the symbolic name of `errno` if the connector knows it "         \
	  "(`ER_CLIENT_INTERACTION_TIMEOUT`): letters, digits and `_`, at "  \
	  "most " GA_REPLY_N(GA_OUTCOME_NAME_MAX) " (see below)")                                            \
	X(ROWS, "rows", "integer", GA_TAKE_ROWS, GA_REPLY_AT(rows),        \
	  GA_REPLY_WHOLE_2_53, NULL, "a whole number from 0 to 2^53 - 1", 0,    \
	  "a whole number from 0 to 2^53", "`rows`",                        \
	  "after an `error` of `fetch` (or `stream`): the rows the call read " \
	  "before the error, a whole number from 0 (what its `value` would " \
	  "have been had it ended well; `0` for a `stream` whose query "     \
	  "failed, before its first row); absent when the connector cannot " \
	  "tell")                                                           \
	X(ELAPSED_MS, "elapsed_ms", "number", GA_TAKE_CALLER,              \
	  GA_REPLY_NOWHERE, 0, NULL, "never: goneaway's own measure of the " \
	  "call is taken", 0, "a number above goneaway's own measure is "   \
	  "noted in the driver's log", "`elapsed_ms`",                      \
	  "from the start of the call to its end, measured by the driver: "  \
	  "at most goneaway's own measure, from its request to the reply, "  \
	  "which alone decides bounds (a larger one is noted in the "        \
	  "driver's log)")                                                   \
	X(VALUE, "value", "string", GA_TAKE_VALUE, GA_REPLY_AT(value), 0,  \
	  NULL, "a string, number, boolean or `null` (another type: no "    \
	  "value)", 0, NULL, "`value`",                                     \
	  "after `ok`: the first column of the first row as a string, "     \
	  "`null` for SQL NULL; absent when there was no row. For `fetch` "  \
	  "the number of rows read, for `long-data` the number of chunks")

enum ga_reply_member {
#define GA_REPLY_ENUM(name, ...) GA_REPLY_##name,
	GA_REPLY_MAP(GA_REPLY_ENUM)
#undef GA_REPLY_ENUM
	GA_REPLY_COUNT
};

/* A row of the map. */
struct ga_reply_field {
	const char *key;
	const char *type;
	enum ga_reply_take take;
	size_t at, size;        /* the field of struct ga_outcome */
	double max;
	bool (*ok)(const char *, size_t);
	const char *taken;      /* what ok (or the kind) takes, for the docs */
	unsigned feature;
	const char *refuse;
	const char *doc_member;
	const char *meaning;
};

/* The members, GA_REPLY_COUNT of them, in map order. */
const struct ga_reply_field *ga_reply_fields(void);

/* What the reader made of a reply it did not take whole. */
struct ga_reply_why {
	const char *what;       /* refused: why the driver failed (for
				 * ga_conn_died()); unsupported: NULL */
	const char *reason;     /* unsupported: the driver's reason (in
				 * the reply), else NULL */
	char detail[300];       /* refused: which member and what it was */
	char note[300];         /* taken: what was left out, for the
				 * driver's log, "" when nothing was */
};

enum ga_reply_state {
	GA_REPLY_TAKEN,         /* *out holds the outcome */
	GA_REPLY_UNSUPPORTED,   /* why->reason says why */
	GA_REPLY_REFUSED,       /* the driver's failure: why->what, detail */
};

/* Reply j (an object whose id the caller checked) to a kind request of
 * a driver that declared features, into out (zeroed first; api points
 * into j: the caller interns it; elapsed_ms 0: the caller's). */
enum ga_reply_state ga_reply_read(const struct ga_json *j,
				  enum ga_step_kind kind, unsigned features,
				  struct ga_outcome *out,
				  struct ga_reply_why *why);

/* What the reader says when member r fails its check, into buf: the
 * refusal's detail of a WORD or CALL member ("api is not ..."), the
 * note of a NAME or ROWS member ("rows is not ...: ignored"), else
 * r->refuse or "" (client/reply.c). */
void ga_reply_failure(const struct ga_reply_field *r, char *buf, size_t len);

/* docs/driver-protocol.md's table of the members, as Markdown; and its
 * "What goneaway accepts", member by member, after the greeting's
 * fixed rows (client/reply_doc.c). */
void ga_reply_describe(FILE *f);
void ga_reply_describe_accepts(FILE *f);

/* tests/fuzz/protocol.dict's reply keys, one "\"KEY\":" a line. */
void ga_reply_describe_dict(FILE *f);

#endif
