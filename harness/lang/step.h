/* step.h - the step kinds, described once.
 *
 * Every step kind of the scenario language is one row of GA_STEP_MAP (an
 * X-macro list in the manner of libuv's UV_ERRNO_MAP): its enum name, the
 * keyword written in files and what it is.  The enum, the keyword lookup
 * and every "may this step have X" question are generated from the rows;
 * the parser, the runner, the client and the reporters read them instead
 * of keeping lists of their own.  A new step is one row here, its parse
 * function (lang/parse_steps.c) and what runs it (run/steps.c, or a client
 * driver's call for GA_STEP_ON_CLIENT steps).
 */
#ifndef GA_STEP_H
#define GA_STEP_H

#include <stdbool.h>

/* What a step kind is; a row's flags are an OR of these. */
enum ga_step_flag {
	/* a call on a client connection, run by the connection's driver */
	GA_STEP_ON_CLIENT = 1u << 0,
	/* injects a fault, drives the server or waits: takes no expect
	 * line, and if it cannot be done the scenario is ERROR */
	GA_STEP_ACTION = 1u << 1,
	/* can block on the network: "hang" is an outcome it may have */
	GA_STEP_CAN_HANG = 1u << 2,
	/* returns a value that "= V", "< N" ... check */
	GA_STEP_HAS_VALUE = 1u << 3,
	/* its server thread id is known before and after: "reconnected" */
	GA_STEP_HAS_THREAD = 1u << 4,
	/* a transport=raw connection can take it */
	GA_STEP_ON_RAW = 1u << 5,
	/* goneaway checks its result itself: "wrong-result" (fork share) */
	GA_STEP_CHECKS_RESULT = 1u << 6,
	/* starts a call whose outcome a later step (reap) collects */
	GA_STEP_IN_BACKGROUND = 1u << 7,
	/* only on a connection of a pool ("connection NAME pool=POOL"):
	 * borrow, return, evict */
	GA_STEP_ON_POOL = 1u << 8,
};

#define GA_CLIENT_CALL (GA_STEP_ON_CLIENT | GA_STEP_CAN_HANG)
#define GA_SERVER_ACTION GA_STEP_ACTION

/* X(NAME, "keyword", flags) */
#define GA_STEP_MAP(X)                                                     \
	X(CONNECT, "connect", GA_CLIENT_CALL | GA_STEP_ON_RAW)              \
	X(QUERY, "query", GA_CLIENT_CALL | GA_STEP_HAS_VALUE |              \
	  GA_STEP_HAS_THREAD)                                                \
	X(SEND, "send", GA_STEP_ON_CLIENT | GA_STEP_IN_BACKGROUND)          \
	X(REAP, "reap", GA_STEP_CAN_HANG | GA_STEP_HAS_VALUE |              \
	  GA_STEP_HAS_THREAD)                                                \
	X(PING, "ping", GA_CLIENT_CALL | GA_STEP_HAS_THREAD)               \
	X(CLOSE, "close", GA_STEP_ON_CLIENT | GA_STEP_ON_RAW)               \
	X(SLEEP, "sleep", GA_STEP_ACTION)                                    \
	X(KILL, "kill", GA_SERVER_ACTION | GA_STEP_ON_RAW)                  \
	X(ADMIN, "admin", GA_STEP_HAS_VALUE)                                 \
	X(STATUS, "status", GA_STEP_HAS_VALUE)                               \
	X(ERRORLOG, "errorlog", 0)                                           \
	X(SERVER_STOP, "server stop", GA_SERVER_ACTION)                     \
	X(SERVER_START, "server start", GA_SERVER_ACTION)                   \
	X(SERVER_RESTART, "server restart", GA_SERVER_ACTION)               \
	X(SERVER_CRASH, "server crash", GA_SERVER_ACTION)                   \
	X(SERVER_OOM_KILLS, "server oom-kills", GA_STEP_HAS_VALUE)          \
	X(FAULT, "fault", GA_STEP_ACTION)                                    \
	X(LIFT, "lift", GA_STEP_ACTION)                                      \
	X(PREPARE, "prepare", GA_CLIENT_CALL)                                \
	X(EXECUTE, "execute", GA_CLIENT_CALL | GA_STEP_HAS_THREAD)         \
	X(LONG_DATA, "long-data", GA_CLIENT_CALL | GA_STEP_HAS_VALUE)      \
	X(STREAM, "stream", GA_CLIENT_CALL | GA_STEP_HAS_VALUE)            \
	X(FETCH, "fetch", GA_CLIENT_CALL | GA_STEP_HAS_VALUE)              \
	X(FORK, "fork", GA_CLIENT_CALL | GA_STEP_CHECKS_RESULT)            \
	X(DRAIN, "drain", GA_CLIENT_CALL | GA_STEP_HAS_VALUE |             \
	  GA_STEP_ON_RAW)                                                    \
	X(PROXY_STOP, "proxy stop", GA_SERVER_ACTION)                       \
	X(PROXY_START, "proxy start", GA_SERVER_ACTION)                     \
	X(PROXY_RESTART, "proxy restart", GA_SERVER_ACTION)                 \
	X(PROXY_CRASH, "proxy crash", GA_SERVER_ACTION)                 \
	X(RESET, "reset", GA_CLIENT_CALL | GA_STEP_HAS_THREAD)              \
	X(CHANGE_USER, "change-user", GA_CLIENT_CALL | GA_STEP_HAS_THREAD)  \
	X(BORROW, "borrow", GA_CLIENT_CALL | GA_STEP_HAS_THREAD |           \
	  GA_STEP_ON_POOL)                                                   \
	X(RETURN, "return", GA_CLIENT_CALL | GA_STEP_ON_POOL)                \
	X(EVICT, "evict", GA_CLIENT_CALL | GA_STEP_ON_POOL)

enum ga_step_kind {
#define GA_STEP_ENUM(name, keyword, flags) GA_STEP_##name,
	GA_STEP_MAP(GA_STEP_ENUM)
#undef GA_STEP_ENUM
	GA_STEP_KIND_COUNT
};

/* How a sleep step's duration varies over the runs of a repeated
 * scenario (run/repeat.c: ga_sleep_for_run). */
enum ga_sleep_vary {
	GA_SLEEP_FIXED = 0,     /* "sleep D": D in every run */
	GA_SLEEP_SWEEP,         /* "sleep LO..HI": LO in the first run, HI
				 * in the last, evenly between */
	GA_SLEEP_JITTER,        /* "sleep D jitter J": uniformly in
				 * D-J..D+J, seeded by the scenario's name,
				 * the step's line and the run */
};

/* The keyword as written in files ("query", "server crash"). */
const char *ga_step_kind_name(enum ga_step_kind kind);

/* The row's flags (enum ga_step_flag bits). */
unsigned ga_step_kind_flags(enum ga_step_kind kind);

/* True when kind's row has every bit of flags. */
bool ga_step_kind_is(enum ga_step_kind kind, unsigned flags);

/* Whether a step of kind may change what the server's tables hold: a
 * call on a client connection.  goneaway run --record reads the
 * tables' digest before each (run/digest.c), and goneaway explore
 * judges the server's side of one that failed by them. */
#define GA_STEP_DIGESTED GA_STEP_ON_CLIENT

/* "query, reap, ... and drain": the keywords of every kind with all of
 * flags, in table order, into buf (for diagnostics).  Returns buf. */
const char *ga_step_kinds_with(unsigned flags, char *buf, unsigned long len);

#endif
