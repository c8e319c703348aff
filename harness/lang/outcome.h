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

struct ga_outcome {
	enum ga_result result;
	const char *api;                /* static: the C API call, or a
					 * harness action ("KILL", "errorlog") */
	unsigned err;                   /* mysql_errno(), 0 on success */
	char sqlstate[6];               /* mysql_sqlstate() */
	char message[512];              /* mysql_error() */
	char error_class[64];           /* a driver's own error class or code
					 * name ("InterfaceError"), or "" */
	double elapsed_ms;              /* from the call's start to its end */
	bool has_value;                 /* a value was returned */
	bool value_null;                /* ... and it was SQL NULL */
	char value[256];                /* first column of the first row */
	unsigned long thread_before;    /* mysql_thread_id() before the call */
	unsigned long thread_after;     /* ... and after it */
	enum ga_flavour flavour;        /* the server's, to name its codes */
};

/* The server (and client) a scenario ran against, for expect-line
 * selectors. */
struct ga_server_id {
	enum ga_flavour flavour;
	unsigned long version;          /* major*10000 + minor*100 + patch */
	const char *client;             /* borrowed: the driver's name, NULL
					 * when selectors need not know */
};

#endif
