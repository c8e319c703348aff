/* scenario.h - the parsed form of one scenario file.
 *
 * A scenario describes one way a client connection dies: metadata, server
 * options, named client connections, and steps in order, each step with the
 * outcome it must produce.  The text format is documented in
 * docs/scenario-format.md; parse.c builds this structure from it.
 *
 * Ownership: a struct ga_scenario owns every string and array reachable
 * from it.  Free the whole tree with ga_scenario_free().
 */
#ifndef GA_SCENARIO_H
#define GA_SCENARIO_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

#include "lang/step.h"

struct ga_expansion;
struct ga_threadvars;

/* Upper bounds that keep the structures flat and the diagnostics simple. */
#define GA_MAX_CODES 8          /* alternatives in one expect line */
#define GA_NAME_MAX 32          /* connection names */

/* ---- expectations ---------------------------------------------------- */

enum ga_flavour {
	GA_FLAVOUR_ANY = 0,     /* selector absent: applies to every server */
	GA_FLAVOUR_MARIADB,
	GA_FLAVOUR_MYSQL,
};

enum ga_cmp {
	GA_CMP_NONE = 0,        /* no comparison */
	GA_CMP_EQ,              /* =  */
	GA_CMP_NE,              /* != */
	GA_CMP_LT,              /* <  */
	GA_CMP_LE,              /* <= */
	GA_CMP_GT,              /* >  */
	GA_CMP_GE,              /* >= */
};

#define GA_CLIENT_NAME_MAX 64    /* a driver's name in a selector */
#define GA_SERVER_NAME_MAX 160   /* a --server name in a selector */
#define GA_CLASS_MAX 64          /* a driver's error class in an outcome */

/* "[mysql >= 8.0.24]", "[client=pymysql]", "[client=pymysql, mariadb]",
 * "[client=pymysql < 1.1]": which servers and clients an expect line
 * applies to. */
struct ga_selector {
	enum ga_flavour flavour;
	enum ga_cmp version_cmp;        /* GA_CMP_NONE: any version */
	unsigned long version;          /* major*10000 + minor*100 + patch */
	char client[GA_CLIENT_NAME_MAX];        /* a driver's name, "": any */
	enum ga_cmp client_cmp;         /* GA_CMP_NONE: any client version */
	unsigned long client_version;   /* major*10000 + minor*100 + patch */
	/* Where client's NAME is written (for "goneaway check"'s warnings;
	 * not part of what the selector selects); 0 when there is none. */
	int client_line;
	int client_col;
	/* A --server value ("mysql-9.7", "local"): only the lines of an
	 * expectation file name one (lang/expectations.h); "": any. */
	char server[GA_SERVER_NAME_MAX];
};

/* ---- pools ----------------------------------------------------------- */

/* What a pool did with its connections, as its driver saw it happen
 * (docs/driver-protocol.md, "pool_events"): an expect line's "pool
 * EVENT[+EVENT]..." clause names the set the step must have reported.
 * X(NAME, "word", "what it means") */
#define GA_POOL_EVENT_MAP(X)                                                \
	X(REVALIDATED, "revalidated", "the pool checked a connection it "  \
	  "held (a ping, a validation query) and found it alive")          \
	X(DISCARDED, "discarded", "the pool closed a connection it held "  \
	  "as broken: found dead, failed, or evicted")                      \
	X(EXPIRED, "expired", "the pool closed a connection it held as too " \
	  "old or idle too long (recycle, max lifetime, idle timeout)")     \
	X(OPENED, "opened", "the pool opened a new connection")             \
	X(ERROR, "error", "the pool reported a failure of its own: an "    \
	  "error event, or a warning or error in its log")

enum ga_pool_event_index {
#define GA_POOL_EVENT_INDEX(name, word, meaning) GA_POOL_EVENT_I_##name,
	GA_POOL_EVENT_MAP(GA_POOL_EVENT_INDEX)
#undef GA_POOL_EVENT_INDEX
	GA_POOL_EVENT_COUNT
};

/* A set of events: bit 1 << GA_POOL_EVENT_I_NAME for each. */
#define GA_POOL_EVENT(name) (1u << GA_POOL_EVENT_I_##name)

/* A set of such sets (an expect line's "pool A | B"): bit 1 << EVENTS
 * for each set of events EVENTS; 0, no set at all. */
#define GA_POOL_SET(events) ((uint32_t)1 << (events))
_Static_assert(GA_POOL_EVENT_COUNT <= 5, "a set of the pool's event sets "
	       "is a uint32_t: 2^5 sets");

/* The event's word ("opened"), NULL out of range (static). */
const char *ga_pool_event_name(unsigned index);

/* The index of the event called word[0..len), or -1. */
int ga_pool_event_find(const char *word, size_t len);

/* A set as the language writes it: "discarded+opened" (in the map's
 * order, which is the order a pool does them in), "none" for the empty
 * set, into buf.  Returns buf. */
const char *ga_pool_events_text(unsigned set, char *buf, size_t len);

/* The sets of sets as the language writes them, "none |
 * discarded+opened" (in the sets' order: none first), into buf; "" for
 * none.  Returns buf. */
const char *ga_pool_sets_text(uint32_t sets, char *buf, size_t len);

#define GA_POOL_SIZE_MAX 100

/* "pool NAME [size=N] [pre_ping=on|off] [recycle=D] [idle_timeout=D]
 * [validation=SQL]": a pool's settings, generic, each mapped by the
 * pool's driver onto its own (drivers/README.md, "Pools"); a setting
 * not given is the pool's own default. */
struct ga_pool_decl {
	int line;                       /* 0: no pool (a plain connection) */
	char name[GA_NAME_MAX];
	long size;                      /* the most connections it holds;
					 * 0: its default */
	int pre_ping;                   /* -1: its default, 0: off, 1: on */
	long recycle_ms;                /* max age; 0: its default */
	long idle_timeout_ms;           /* max idle time; 0: its default */
	char *validation;               /* owned: its validation query;
					 * NULL: its default */
};

/* A check on the value a successful step returned: the first column of
 * the first row for "query"/"reap", the counter for "status". */
struct ga_value_check {
	enum ga_cmp cmp;                /* GA_CMP_NONE: value not checked */
	bool is_null;                   /* compare against SQL NULL */
	char *text;                     /* owned; NULL when is_null */
};

/* Thread-id check after a successful step. */
enum ga_thread_check {
	GA_THREAD_ANY = 0,
	GA_THREAD_NEW,                  /* "reconnected": id changed */
	GA_THREAD_SAME,                 /* "same-thread": id unchanged */
};

/* A set of outcomes: success, a hang (no answer before the watchdog), a
 * wrong result (the call succeeded with rows that belong to another
 * query), error numbers, and a driver's own error classes
 * ("InterfaceError": only on lines that select a client). */
struct ga_outcome_set {
	bool any;                       /* "any": a draft's placeholder that
					 * every outcome matches; goneaway run
					 * --record writes what was seen in
					 * its place */
	bool ok;
	bool hang;
	bool wrong;
	bool any_error;                 /* "error": whatever error it is */
	unsigned codes[GA_MAX_CODES];
	size_t ncodes;
	char classes[GA_MAX_CODES][GA_CLASS_MAX];
	size_t nclasses;
};

/* One "expect" line.  The acceptable outcomes form a set. */
struct ga_expect {
	int line;                       /* 1-based line of the expect line */
	struct ga_selector selector;
	struct ga_outcome_set set;      /* acceptable outcomes */
	char *message;                  /* owned; "matching TEXT": the error
					 * message must contain TEXT */
	struct ga_value_check value;    /* only checked when ok happened */
	enum ga_thread_check thread;    /* only checked when ok happened */
	long after_ms;                  /* -1: no lower bound on elapsed */
	long within_ms;                 /* -1: no upper bound on elapsed */
	const char *origin;             /* borrowed: the expectation file
					 * the line came from (lang/
					 * expectations.h), line being its
					 * line there; NULL: the scenario */
	/* "rows CMP N": the rows a failed fetch (or stream) read before its
	 * error; only checked when an error happened */
	enum ga_cmp rows_cmp;           /* GA_CMP_NONE: not checked */
	long rows;
	/* "pool EVENT[+EVENT]... [| EVENTS]..." or "pool none": the events
	 * the pool reported with the step's answer are exactly one of these
	 * sets (a repeated scenario's runs may see either: issue 38) */
	uint32_t pool_sets;             /* GA_POOL_SET() bits; 0: the
					 * events are not checked */
};

/* "seen OUTCOME[|OUTCOME] CMP N": over a scenario's repetitions, how
 * often the step's outcome fell in set. */
struct ga_seen {
	int line;                       /* 0: no seen line */
	struct ga_outcome_set set;
	enum ga_cmp cmp;
	long count;
};

/* ---- connections ----------------------------------------------------- */

enum ga_transport {
	GA_TRANSPORT_TCP = 0,           /* over the lab's veth pair */
	GA_TRANSPORT_SOCKET,            /* the server's unix socket */
	GA_TRANSPORT_RAW,               /* a bare TCP socket, no MySQL
					 * protocol: it never answers the
					 * server's greeting */
};

/* A connection's TLS: goneaway sets it explicitly on every client (some
 * libraries use TLS by themselves when the server offers it). */
enum ga_tls {
	GA_TLS_OFF = 0,                 /* plain TCP, never TLS */
	GA_TLS_REQUIRED,                /* TLS, the certificate not verified */
};

/* A scenario's fixtures: the files of the directory fixtures/ beside
 * its file, which a connection with local_infile may have LOAD DATA
 * LOCAL send.  Copied (util/flatcopy.h) into the case's own directory
 * as fixtures/ before its first step, kept in its evidence folder and
 * its bundle, and put back beside the scenario a replay runs: plain
 * names, regular files, within these bounds. */
#define GA_FIXTURES_DIR "fixtures"
#define GA_FIXTURES_FILES_MAX 16
#define GA_FIXTURES_BYTES_MAX (16LL << 20)
#define GA_FIXTURES_NAME_MAX 64
/* ... as a struct ga_flat_bounds initializer (util/flatcopy.h) */
#define GA_FIXTURES_BOUNDS \
	{ GA_FIXTURES_FILES_MAX, GA_FIXTURES_BYTES_MAX, GA_FIXTURES_NAME_MAX }

#define GA_DRIVER_OPTION_KEY_MAX 64       /* a driver option's KEY */
#define GA_DRIVER_OPTIONS_MAX 16        /* on one connection */

/* "driver-option [[client=NAME]] KEY=VALUE": an option of the
 * connector's own (a DSN parameter, a connect() keyword), passed to the
 * driver as it is; with a selector, only to that client. */
struct ga_driver_option {
	struct ga_selector selector;    /* its client part only; client ""
					 * for every client */
	char key[GA_DRIVER_OPTION_KEY_MAX];
	char *value;                    /* owned; "" allowed (quoted) */
};

/* TCP keepalive's times on a connection's socket (SO_KEEPALIVE,
 * TCP_KEEPIDLE, TCP_KEEPINTVL, TCP_KEEPCNT); count 0: none (the
 * library's own). */
struct ga_keepalive {
	long idle_s;
	long interval_s;
	long count;
};

#define GA_KEEPALIVES_MAX 16            /* selected ones on a connection */

/* "keepalive [client=NAME] IDLE/INTERVAL/COUNT": the keepalive of the
 * clients the selector names, in place of the connection's
 * "keepalive=" (a connector that cannot set every time: the Node.js
 * connectors' libuv sets the interval to 1 s and the count to 10). */
struct ga_keepalive_for {
	struct ga_selector selector;    /* its client part only */
	struct ga_keepalive times;
};

/* A comparison as the language writes it: "=", "!=", "<", "<=", ">",
 * ">=", "" for GA_CMP_NONE (static). */
const char *ga_cmp_text(enum ga_cmp cmp);

/* Whether a comparison holds for diff, a value minus what it is compared
 * with (GA_CMP_NONE: always).  Pure. */
bool ga_cmp_holds(enum ga_cmp cmp, double diff);

/* Whether sel's client part ([client=NAME OP VERSION]) holds for the
 * client called name (the driver's own) or alias (the name --client was
 * given, NULL: none) whose version is version (X*10000 + Y*100 + Z, 0
 * unknown: no version comparison holds).  A selector without client=
 * holds for every client.  Pure. */
bool ga_selector_client_matches(const struct ga_selector *sel,
				const char *name, const char *alias,
				unsigned long version);

/* "connection NAME key=value ..." */
struct ga_connection {
	int line;
	char name[GA_NAME_MAX];
	enum ga_transport transport;
	long connect_timeout_s;         /* 0: library default */
	long read_timeout_s;            /* 0: library default */
	long write_timeout_s;           /* 0: library default */
	bool reconnect;                 /* MYSQL_OPT_RECONNECT */
	bool interactive;               /* CLIENT_INTERACTIVE */
	enum ga_tls tls;
	bool privileged;                /* log in with the privileged
					 * account, not the application's */
	long max_allowed_packet;        /* bytes; 0: library default */
	/* "local_infile": LOAD DATA LOCAL INFILE may send the server a
	 * file of the case's own directory (its copy of the scenario's
	 * fixtures/ among them); false: the client sends no file at all
	 * (GA_FIXTURES_DIR above) */
	bool local_infile;
	/* "keepalive=IDLE/INTERVAL/COUNT": TCP keepalive on the
	 * connection's socket; count 0: none (the library's own) */
	struct ga_keepalive keepalive;
	/* "keepalive [client=NAME] ...": a client's own, in file order;
	 * each selector once (ga_connection_keepalive chooses) */
	struct ga_keepalive_for *keepalives;    /* owned */
	size_t nkeepalives;
	char *user;                     /* owned; NULL: the lab's user */
	char *password;                 /* owned; NULL: the lab's password */
	char *database;                 /* owned; NULL: the lab's database */
	struct ga_driver_option *driver_options;        /* owned, in file
					 * order; each key once */
	size_t ndriver_options;
	/* "pool=NAME": a connection taken from that pool, whose settings
	 * are copied here (each pool has one connection: its driver
	 * process); line 0: a plain connection */
	struct ga_pool_decl pool;
};

/* The keepalive c's connect sets for the client called name (the
 * driver's own) or alias (the name --client was given, NULL: none) of
 * version version (as ga_selector_client_matches): the first
 * "keepalive [client=...]" whose selector holds for it, else
 * "keepalive=" when given, else NULL (none).  Borrowed from c. */
const struct ga_keepalive *ga_connection_keepalive(
	const struct ga_connection *c, const char *name, const char *alias,
	unsigned long version);

/* ---- steps ------------------------------------------------------------ */

/* enum ga_step_kind and what each kind is: lang/step.h */

/* What the child does with the inherited handle in "fork NAME MODE". */
enum ga_fork_mode {
	GA_FORK_CLOSE,          /* mysql_close() (sends COM_QUIT), exits */
	GA_FORK_EXIT,           /* exits without touching the handle */
	GA_FORK_SHARE,          /* parent and child both query it, N times */
};

struct ga_fault_kind;

#define GA_PARAMS_MAX 64                /* values of one execute */
#define GA_PARAM_INT_MAX 9007199254740991LL     /* 2^53 - 1: exact in
						 * JSON and JavaScript */

/* A value bound to a prepared statement's parameter ("execute NAME
 * 42 \"text\" NULL"). */
enum ga_param_type {
	GA_PARAM_INT,           /* a whole number, |num| <= 2^53 - 1:
				 * MYSQL_TYPE_LONGLONG */
	GA_PARAM_TEXT,          /* quoted text: MYSQL_TYPE_STRING */
	GA_PARAM_NULL,          /* SQL NULL */
};

struct ga_param {
	enum ga_param_type type;
	long long num;                  /* GA_PARAM_INT */
	char *text;                     /* owned: GA_PARAM_TEXT, else NULL */
};

struct ga_step {
	int line;
	enum ga_step_kind kind;
	int conn;                       /* index into connections, or -1 */
	char *text;                     /* owned: SQL, variable or log text;
					 * SQL as written, a %repeat not
					 * expanded: see ga_expand_step() */
	struct ga_expansion *expansion; /* owned: SQL with a %repeat, its
					 * expansion (lang/expand.h); NULL
					 * for any other text */
	struct ga_threadvars *threads;  /* owned: SQL with %thread[NAME]%,
					 * the connections it names
					 * (lang/threadvar.h); NULL: none */
	bool status_now;                /* status: "status NAME now", the
					 * value as it is, not how far it
					 * moved since the case began */
	bool kill_query;                /* kill: "kill NAME query", KILL
					 * QUERY (the statement only) */
	long duration_ms;               /* sleep only: D, or a sweep's LO */
	enum ga_sleep_vary vary;        /* sleep: over the runs (lang/step.h) */
	long vary_ms;                   /* sleep: a sweep's HI, or jitter J */
	long size;                      /* bytes: execute's blob, long-data's
					 * total; 0: none */
	long chunk;                     /* bytes per long-data chunk */
	struct ga_param *params;        /* owned: execute's values after the
					 * blob (if any), in order */
	size_t nparams;
	long fetch_rows;                /* fetch: rows per read of a slow
					 * reader ("rows=N every D"), 0: as
					 * fast as they come */
	long fetch_every_ms;            /* fetch: the wait after each read */
	enum ga_fork_mode fork_mode;
	long count;                     /* fork share: queries per process */
	const struct ga_fault_kind *fault;      /* fault: its kind (static) */
	void *fault_spec;               /* fault: owned, fault->free_spec */
	int fault_step;                 /* lift: index of the fault step */
	struct ga_expect *expects;      /* owned array, in file order */
	size_t nexpects;
	struct ga_seen seen;            /* over repetitions; line 0: none */
};

/* ---- the scenario ------------------------------------------------------ */

/* "server-option NAME[=VALUE]": one line of the [mysqld] section. */
struct ga_server_option {
	int line;
	char *name;                     /* owned */
	char *value;                    /* owned; NULL for a bare flag */
};

/* "proxy NAME [SETTING=VALUE]..." or "proxy none REASON": what stands
 * between the scenario's clients and its server (docs/scenario-format.md,
 * "A proxy in the middle").  The proxies' names: lang/proxynames.h. */
#define GA_PROXY_NAME_MAX 16
struct ga_proxy_decl {
	int line;                       /* 0: no proxy line */
	char name[GA_PROXY_NAME_MAX];   /* "haproxy", "none" */
	char *reason;                   /* owned: none's REASON, else NULL */
	long client_timeout_ms;         /* the settings; 0: the proxy's */
	long server_timeout_ms;         /* default */
	long connect_timeout_ms;
};

struct ga_scenario {
	char *path;                     /* owned: the file it came from */
	char *name;                     /* owned: basename without ".gw" */
	char *label;                    /* owned: the name reports and
					 * evidence use: name, unless another
					 * scenario of the run has it too
					 * (ga_scenarios_label) */
	char *title;                    /* owned */
	char *cause;                    /* owned */
	char **keywords;                /* owned array of owned strings */
	size_t nkeywords;
	char **requires;                /* owned array of owned strings */
	size_t nrequires;
	/* "requires [SELECTOR]": the server (and client) the scenario is
	 * for; requires_text is the selector as written (owned), NULL when
	 * there is none. */
	struct ga_selector requires_selector;
	char *requires_text;
	struct ga_server_option *options;
	size_t noptions;
	struct ga_connection *connections;
	size_t nconnections;
	struct ga_step *steps;
	size_t nsteps;
	long repeat;                    /* "repeat N": runs; 1 when absent */
	int repeat_line;                /* its line; 0 when absent */
	int server_fresh;               /* the line of "server fresh": the
					 * scenario runs on a server of its
					 * own, never one kept from the case
					 * before it; 0 when absent */
	long long server_memory;        /* "server memory SIZE": the server
					 * runs under a memory limit of its
					 * own, SIZE bytes (lab/memcg.h);
					 * 0 when absent */
	int server_memory_line;         /* its line; 0 when absent */
	struct ga_proxy_decl proxy;     /* "proxy ...": line 0 when absent */
};

void ga_scenario_free(struct ga_scenario *sc);

/* raw made safe as a relative path under a results directory: empty
 * and "." components dropped, each ".." made "up", "_" when nothing is
 * left ("../s/k" -> "up/s/k", "/a//./b" -> "a/b", ".." -> "up").  Pure.
 * Returns a new string (free() it), or NULL when out of memory. */
char *ga_label_safe(const char *raw);

/* Gives each of the n scenarios of a run a label unique among them: its
 * name, or, for names that appear more than once, as many trailing
 * components of its path as tell them apart ("a/x" and "b/x"), without
 * ".gw"; the same file given twice gets "-2", "-3" ...  Every label is
 * made safe by ga_label_safe(): it never leaves the results directory.
 * Returns 0, or -1 when out of memory. */
int ga_scenarios_label(struct ga_scenario **scs, size_t n);

/* sc's label, or its name when it has none (borrowed). */
const char *ga_scenario_label(const struct ga_scenario *sc);

/* Whether sc has a step of kind. */
bool ga_scenario_has_step(const struct ga_scenario *sc,
			  enum ga_step_kind kind);

/* "mariadb", "mysql", or "" for GA_FLAVOUR_ANY (not known). */
const char *ga_flavour_name(enum ga_flavour flavour);

#endif
