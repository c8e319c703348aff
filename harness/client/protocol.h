/* protocol.h - the client driver protocol (docs/driver-protocol.md),
 * described once: which steps are requests, the members each request
 * carries, and the options of a connect.
 *
 * The steps themselves are GA_STEP_MAP's (lang/step.h); this table adds
 * what a driver needs per client step.  The process driver writes the
 * connect options from it (client/process_calls.c), "goneaway driver-test
 * --describe" prints it as JSON or as the Markdown tables that
 * docs/driver-protocol.md includes word for word (a test compares them),
 * and the unit tests check that every client step of GA_STEP_MAP and
 * every connection option of the language has its row.
 *
 * Everything returned is static: never freed, valid for the program.
 */
#ifndef GA_CLIENT_PROTOCOL_H
#define GA_CLIENT_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "lang/outcome.h"
#include "lang/scenario.h"
#include "lang/step.h"

/* The protocol this goneaway speaks, and the oldest greeting it takes
 * (docs/driver-protocol.md, "Versions"). */
#define GA_PROTOCOL_VERSION 5
#define GA_PROTOCOL_OLDEST 1
#define GA_PROTOCOL_HELLO_MS 10000      /* for the greeting */
#define GA_PROTOCOL_EXIT_MS 2000        /* for the exit once stdin closed */

/* A request member, or an option of connect: its name, its JSON type
 * ("string", "integer", "boolean", "object"; "string or null" when it may
 * be null) and what it means. */
struct ga_protocol_field {
	const char *name;
	const char *type;
	const char *meaning;
};

/* The connect options, X(NAME, "name", "JSON type", "meaning").  A new
 * option is a row here, its case in ga_protocol_write_options() (a
 * switch without default: -Wswitch finds a missing one) and its
 * handling, or "unsupported" reply, in every driver. */
#define GA_PROTOCOL_OPTION_MAP(X)                                           \
	X(TRANSPORT, "transport", "string",                                 \
	  "`\"tcp\"` (`host` and `port`) or `\"socket\"` (the unix socket "   \
	  "`socket`)")                                                       \
	X(CONNECT_TIMEOUT, "connect_timeout", "integer",                    \
	  "seconds to connect and log in; 0: the connector's default")      \
	X(READ_TIMEOUT, "read_timeout", "integer",                          \
	  "seconds a read from the server may wait; 0: the connector's "     \
	  "default")                                                         \
	X(WRITE_TIMEOUT, "write_timeout", "integer",                        \
	  "seconds a write to the server may wait; 0: the connector's "      \
	  "default")                                                         \
	X(RECONNECT, "reconnect", "boolean",                                \
	  "`true`: the connector's automatic reconnect, where it has one")   \
	X(INTERACTIVE, "interactive", "boolean",                            \
	  "`true`: the CLIENT_INTERACTIVE flag (the server's "               \
	  "interactive_timeout applies)")                                    \
	X(MAX_ALLOWED_PACKET, "max_allowed_packet", "integer",              \
	  "bytes, the client's own limit; 0: the connector's default")      \
	X(TLS, "tls", "string",                                             \
	  "`\"off\"`: plain TCP, never TLS (set it explicitly: some "        \
	  "connectors use TLS by themselves when the server offers it); "    \
	  "`\"required\"`: TLS, the certificate not verified")             \
	X(KEEPALIVE, "keepalive", "object",                                 \
	  "TCP keepalive on the connection's socket (`keepalive=IDLE/"        \
	  "INTERVAL/COUNT`), `{\"idle\": S, \"interval\": S, \"count\": N}`: " \
	  "the first probe after S seconds of silence, then one every S "    \
	  "seconds, the connection given up after N unanswered; `{}`: none "  \
	  "(the connector's own).  Sent only with the feature `keepalive`; " \
	  "a driver whose connector cannot set all three answers "            \
	  "`\"unsupported\"` with the reason")                               \
	X(LOCAL_INFILE, "local_infile", "array",                            \
	  "the directories beneath which LOAD DATA LOCAL INFILE may read "    \
	  "the file the server asks for (the connection's `local_infile`: "   \
	  "the case's own directory, absolute, which is also the driver's "   \
	  "working directory and holds the scenario's `fixtures/`); `[]`: "   \
	  "none, the connector's local infile off and every request of the "  \
	  "server refused, whatever a driver option says.  Sent only with "   \
	  "the feature `local-infile`; a driver whose connector cannot keep " \
	  "the reads beneath them answers a connect with a directory "        \
	  "`\"unsupported\"` with the reason")                              \
	X(DRIVER_OPTIONS, "driver_options", "object",                       \
	  "the connector's own options (`driver-option KEY=VALUE`), KEY to "  \
	  "VALUE, both strings as written; `{}`: none.  The driver gives "    \
	  "each to its connector (a DSN parameter, a connect keyword ...), "  \
	  "converted to the type the connector wants; one it does not know "  \
	  "is answered `\"unsupported\"` with the reason (the connection's "  \
	  "steps SKIP), never ignored")

struct ga_json;

/* The settings of a pool, in connect's "pool" member (a connection of
 * a pool only), X(NAME, "name", "JSON type", "meaning").  A setting the
 * scenario does not give is null: the pool's own default. */
#define GA_PROTOCOL_POOL_MAP(X)                                             \
	X(SIZE, "size", "integer or null",                                  \
	  "the most connections the pool holds (1 to 100)")                 \
	X(PRE_PING, "pre_ping", "boolean or null",                          \
	  "`true`: the pool checks a connection before it lends it (a "     \
	  "ping, or `validation`); `false`: it lends it as it is")          \
	X(RECYCLE_MS, "recycle_ms", "integer or null",                      \
	  "milliseconds: a connection older than this is closed and "       \
	  "replaced, not lent (`pool_recycle`, `maxLifetime`, "             \
	  "`SetConnMaxLifetime`)")                                          \
	X(IDLE_TIMEOUT_MS, "idle_timeout_ms", "integer or null",            \
	  "milliseconds: a connection idle in the pool longer than this is " \
	  "closed (`idleTimeout`, `SetConnMaxIdleTime`)")                    \
	X(VALIDATION, "validation", "string or null",                       \
	  "the query the pool checks a connection with (`connectionTestQuery`)")

enum ga_protocol_pool_setting {
#define GA_PROTOCOL_POOL_ENUM(name, key, type, meaning) GA_POOL_SET_##name,
	GA_PROTOCOL_POOL_MAP(GA_PROTOCOL_POOL_ENUM)
#undef GA_PROTOCOL_POOL_ENUM
	GA_POOL_SET_COUNT
};

/* Writes ,"pool":{...} of a connect request for connection c (a
 * connection of a pool): every setting, null where the scenario gives
 * none. */
void ga_protocol_write_pool(FILE *f, const struct ga_connection *c);

/* A reply's "pool_events" into out (has_pool_events, pool_events,
 * pool_detail): an array of objects, each with "event" (a word of
 * GA_POOL_EVENT_MAP), optionally "thread" (a whole number) and "detail"
 * (text).  Returns 0 (absent or null: nothing reported), or -1 with
 * why[len] saying what is wrong: events decide verdicts, so a malformed
 * one is the driver's failure. */
int ga_protocol_take_pool_events(const struct ga_json *j,
				 struct ga_outcome *out, char *why,
				 size_t len);

enum ga_protocol_option {
#define GA_PROTOCOL_OPTION_ENUM(name, key, type, meaning) GA_OPTION_##name,
	GA_PROTOCOL_OPTION_MAP(GA_PROTOCOL_OPTION_ENUM)
#undef GA_PROTOCOL_OPTION_ENUM
	GA_OPTION_COUNT
};

/* What a client step is to a driver.  step is its "step" member on the
 * wire (the keyword, except send, which is a query whose reply reap
 * reads), or NULL when it never reaches a driver (drain: a transport=raw
 * connection always uses the built-in client); members are the names of
 * ga_protocol_members() rows it carries besides id and step,
 * NULL-terminated; does says what the driver does, or why it is not
 * sent. */
struct ga_protocol_request {
	const char *step;
	const char *members[10];
	const char *does;
	const char *feature;    /* the feature a driver declares to be sent
				 * it ("pool"), NULL: every driver */
};

/* The row of a client step (GA_STEP_ON_CLIENT), NULL for any other. */
const struct ga_protocol_request *ga_protocol_request(enum ga_step_kind kind);

/* Every request member (id and step first), *n of them. */
const struct ga_protocol_field *ga_protocol_members(size_t *n);

/* The connect options, GA_OPTION_COUNT of them, in map order. */
const struct ga_protocol_field *ga_protocol_options(void);

/* True when name is a step some request carries on the wire. */
bool ga_protocol_is_step(const char *name);

/* Writes ,"options":{...} of a connect request for connection c to the
 * client who is (its name, alias and version; the server's part not
 * looked at): every option of the map, always (0 and false are the
 * defaults); of c's driver options those whose selector holds for
 * who; local_infile infile_dir when c declares local_infile (NULL:
 * none). */
void ga_protocol_write_options(FILE *f, const struct ga_connection *c,
			       const struct ga_server_id *who,
			       unsigned features, const char *infile_dir);

/* Writes ,"params":[...] of an execute request for step: its values
 * (after the blob), in order. */
void ga_protocol_write_params(FILE *f, const struct ga_step *step);

/* ---- versions and features (client/protocol_features.c) ------------------ */

struct ga_json;

/* What a driver declares it handles, beyond protocol 1: the request
 * members added since, each sent only to a driver whose greeting names
 * it in "features" (a driver written against an older protocol ignores
 * a member it does not know, and would answer as if it were not
 * there).  A step that needs a feature the driver did not declare is
 * not sent: it is unsupported, naming the feature. */
#define GA_FEATURE_PARAMS (1u << 0)          /* execute's "params" */
#define GA_FEATURE_FETCH_PACE (1u << 1)      /* fetch's "batch", "every_ms" */
#define GA_FEATURE_DRIVER_OPTIONS (1u << 2)  /* connect's "driver_options" */
#define GA_FEATURE_KEEPALIVE (1u << 3)       /* connect's "keepalive" */
#define GA_FEATURE_POOL (1u << 4)            /* a pool's connection: connect's
					      * "pool", borrow, return, evict,
					      * replies' "pool_events" */
#define GA_FEATURE_LOCAL_INFILE (1u << 5)    /* connect's "local_infile" */
#define GA_FEATURE_CASES (1u << 6)           /* begin-case, end-case: one
					      * process for many cases */
#define GA_FEATURE_SPAWN (1u << 7)           /* spawn: a process forks the
					      * others (with "cases") */

struct ga_protocol_feature {
	unsigned bit;
	const char *name;       /* as the greeting names it: "params" */
	int since;              /* the protocol version that brought it */
	const char *what;       /* "bound values of execute" */
};

/* The features, n of them, in the order of their bits. */
const struct ga_protocol_feature *ga_protocol_features(size_t *n);

/* The goneaway release that brought protocol version v, from
 * GA_PROTOCOL_OLDEST to GA_PROTOCOL_VERSION ("0.3.0" for 2), else NULL.
 * docs/driver-protocol.md's table of versions names the same, and t0043
 * checks both against each release's own GA_PROTOCOL_VERSION.  Static. */
const char *ga_protocol_release(int v);

/* A greeting's protocol version and features: 0 with *version and
 * *features set (unknown feature names, a newer goneaway's, are left
 * out), or -1 with why[len] saying what is wrong ("protocol" not a
 * whole number from GA_PROTOCOL_OLDEST to GA_PROTOCOL_VERSION: a newer
 * one is named, with the release this goneaway's newest came with, so
 * that the user knows a later goneaway is needed; "features" not an
 * array of strings). */
int ga_protocol_greeting(const struct ga_json *hello, int *version,
			 unsigned *features, char *why, size_t len);

/* The features step needs, on connection c with the client who: params
 * for an execute with values, fetch-pace for a slow fetch, driver-options
 * for a connect with a driver option for who, keepalive for a connect
 * of a connection with keepalive, local-infile for a connect of a
 * connection with local_infile, pool for every step on a connection of
 * a pool. */
unsigned ga_protocol_step_needs(const struct ga_step *step,
				const struct ga_connection *c,
				const struct ga_server_id *who);

/* Why step cannot be sent to a driver that declared only features:
 * 0, or 1 with why[len] naming the first feature missing. */
int ga_protocol_missing(unsigned needs, unsigned features, int version,
			char *why, size_t len);

/* "params, fetch-pace" of features into buf[len] ("none" for 0). */
void ga_protocol_feature_list(unsigned features, char *buf, size_t len);

/* The whole description to f: as one JSON object (markdown false), or
 * as docs/driver-protocol.md's two tables. */
void ga_protocol_describe(FILE *f, bool markdown);

/* ---- greetings and replies ------------------------------------------------ */

struct ga_json;

/* A connector's version as a number: X*10000 + Y*100 + Z, with X below
 * 10000 and Y and Z below 100 (else 0, unknown).  whole: text is the
 * greeting's "version" member, X, X.Y or X.Y.Z, then nothing or a tag
 * that starts with '-', '+' or a letter ("1.1.0rc1", "8.0.33-log"): 0
 * when it is not.  Otherwise the first X.Y or X.Y.Z in text that does
 * not follow a digit or a dot ("PyMySQL 1.1.0", "go-sql-driver v1.5.0";
 * X alone is no version there: "mysql2 3.24.6" is 3.24.6): 0 when there
 * is none, or when that one is out of range.  The number as written
 * ("1.1.0") goes into buf[len], "" with 0. */
unsigned long ga_protocol_version(const char *text, bool whole, char *buf,
				  size_t len);

/* The checks' bounds, one number each: the checks below and the words
 * of docs/driver-protocol.md's "What goneaway accepts" (GA_REPLY_MAP,
 * client/reply.h) are made of them, so that a bound changed here shows
 * in that table (t0097). */
#define GA_PROTOCOL_WORD_MAX 63         /* a driver name, an error class */
#define GA_PROTOCOL_API_MAX 200         /* a reply's "api", in bytes */
#define GA_PROTOCOL_SQLSTATE_LEN 5
#define GA_PROTOCOL_POOL_EVENTS_MAX 32  /* a reply's "pool_events" */
#define GA_PROTOCOL_STR_(n) #n
#define GA_PROTOCOL_STR(n) GA_PROTOCOL_STR_(n)  /* a bound, as text */

/* What ga_protocol_take_pool_events() refuses, its words. */
#define GA_PROTOCOL_POOL_NOT_ARRAY "pool_events is not an array of at " \
	"most " GA_PROTOCOL_STR(GA_PROTOCOL_POOL_EVENTS_MAX) " events"
#define GA_PROTOCOL_POOL_NOT_EVENT "is not an object whose \"event\" " \
	"is a pool event (revalidated, discarded, expired, opened, error)"

/* The words a driver says that goneaway writes back into files a person
 * or goneaway reads as instructions (a recorded scenario's "[client=X]"
 * and error class, an expectation file's "client X"): checked as they
 * arrive, so that text from a driver stays data (docs/driver-protocol.md,
 * "What goneaway accepts").  s is n bytes, as the JSON string had them
 * (a NUL inside is refused).
 *   ga_protocol_name_ok     the greeting's "driver": 1 to 63 letters,
 *                           digits, '_', '.' and '-', a letter or digit
 *                           first (what a [client=NAME] selector reads);
 *   ga_protocol_class_ok    a reply's "error_class": 1 to 63 printable
 *                           ASCII characters, no blank;
 *   ga_protocol_sqlstate_ok a reply's "sqlstate": five letters or digits
 *                           ("" is none);
 *   ga_protocol_api_ok      a reply's "api": 1 to 200 bytes of UTF-8 or
 *                           ASCII without control characters (C0, DEL).
 * A reply or greeting whose member fails is the driver's failure, an
 * ERROR that says which member. */
bool ga_protocol_name_ok(const char *s, size_t n);
bool ga_protocol_class_ok(const char *s, size_t n);
bool ga_protocol_sqlstate_ok(const char *s, size_t n);
bool ga_protocol_api_ok(const char *s, size_t n);

#endif
