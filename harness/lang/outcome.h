/* outcome.h - what one step did, as observed. */
#ifndef GA_OUTCOME_H
#define GA_OUTCOME_H

#include <stdbool.h>

#include "lang/scenario.h"

enum ga_result {
	GA_RESULT_OK = 0,       /* the call succeeded */
	GA_RESULT_ERROR,        /* the call failed: err/sqlstate/message */
	GA_RESULT_HANG,         /* no answer before the watchdog fired */
	GA_RESULT_WRONG,        /* the call succeeded with a wrong result:
				 * rows that answer another query */
};

/* The longest error_name a reply's may be (client/reply.h). */
#define GA_OUTCOME_NAME_MAX 63

struct ga_outcome {
	enum ga_result result;
	const char *api;                /* static: the C API call, or a
					 * harness action ("KILL", "errorlog") */
	unsigned err;                   /* mysql_errno(), 0 on success */
	char sqlstate[6];               /* mysql_sqlstate() */
	char message[512];              /* mysql_error() */
	char error_class[64];           /* a driver's own error class or code
					 * name ("InterfaceError"), or "" */
	char error_name[GA_OUTCOME_NAME_MAX + 1];
					/* a driver's symbolic name for err
					 * ("ER_CLIENT_INTERACTION_TIMEOUT"),
					 * or "": shown where the client
					 * headers name no err for the
					 * flavour (they win when they do) */
	double elapsed_ms;              /* from the call's start to its end */
	bool has_value;                 /* a value was returned */
	bool value_null;                /* ... and it was SQL NULL */
	char value[256];                /* first column of the first row */
	bool has_rows;                  /* rows is known: */
	long rows;                      /* a failed fetch (or stream): the
					 * rows it read before the error */
	unsigned long thread_before;    /* mysql_thread_id() before the call */
	unsigned long thread_after;     /* ... and after it */
	unsigned start_before;          /* the server start (1, 2, ... as
					 * the runner counts them) that
					 * thread_before is a session of */
	unsigned start_after;           /* ... and thread_after; a thread id
					 * names a session only within one
					 * start.  Both 0 outside a run: the
					 * same start */
	enum ga_flavour flavour;        /* the server's, to name its codes */
	/* a step on a connection of a pool: what the pool did, as its
	 * driver saw it, since the driver's previous reply */
	bool has_pool_events;           /* the driver reported them */
	unsigned pool_events;           /* GA_POOL_EVENT() bits */
	char pool_detail[256];          /* each event with its thread and
					 * the pool's words, for reports
					 * ("discarded thread 12 (...)"):
					 * the driver's text, shown escaped */
};

/* The server (and client) a scenario ran against, for expect-line
 * selectors. */
struct ga_server_id {
	enum ga_flavour flavour;
	unsigned long version;          /* major*10000 + minor*100 + patch */
	const char *client;             /* borrowed: the driver's name, NULL
					 * when selectors need not know */
	const char *client_alias;       /* borrowed: the name given to
					 * --client ("libmysqlclient-9.7"),
					 * NULL when none */
	unsigned long client_version;   /* the driver's, as version; 0:
					 * unknown */
	const char *server_name;        /* borrowed: the --server value
					 * ("local", "mysql-9.7"), NULL when
					 * selectors need not know */
};

#endif
