/* apiconn.h - the API's connections on serve's one loop: each accepted
 * on the API's listening socket (at most 64 at once: one more is closed
 * at once), its bytes read as HTTP/1.1 requests (serve/httpreq.h), one
 * after another, each passed through the gate and answered
 * (serve/api.h), and the answer written; kept open as Go's server
 * keeps one (closed when quiet 60 s, or 15 s into a request).
 *
 * A request whose answer waits for a job (a server event, /reset's
 * server) hands it to the backstage (env.submit) and is answered when
 * ga_api_conns_job_done() gets it back.  Meanwhile the API takes no
 * other request that may change something (each waits, read whole,
 * until ga_api_conns_resume()), and answers those that change nothing,
 * so the API changes one thing at a time.
 *
 * serve/eventloop.c owns the loop: it hands the set the events of its
 * watches (GA_W_API_LISTEN, whose socket is env.lfd, and GA_W_API_CONN),
 * asks when its timers are due, and has it free what closed after each
 * batch of events.
 *
 * Ownership: the set owns its connections and what they read and
 * write; env's pointers are borrowed (they outlive the set).
 */
#ifndef GA_SERVE_APICONN_H
#define GA_SERVE_APICONN_H

#include <stdint.h>
#include <sys/types.h>

#include "serve/internal.h"
#include "serve/servelog.h"

struct ga_api_conns_env {
	int epfd;                       /* the loop's epoll */
	int lfd;                        /* the API's listening socket */
	uid_t owner;                    /* whose programs are answered
					 * without the token, besides root's
					 * and serve's own user's */
	struct ga_sv *sv;               /* the API's state */
	struct ga_sv_log *log;          /* may have no file */
	/* hands a request's job to the backstage */
	void (*submit)(void *ctx, struct ga_sv_job *job);
	void *ctx;
};

struct ga_api_conns;

/* A new set with no connection, or NULL when out of memory. */
struct ga_api_conns *ga_api_conns_new(const struct ga_api_conns_env *env);
/* Closes every connection and frees the set. */
void ga_api_conns_free(struct ga_api_conns *a);

/* An epoll event of a GA_W_API_LISTEN or GA_W_API_CONN watch. */
void ga_api_conns_event(struct ga_api_conns *a, struct ga_sv_watch *w,
			uint32_t ev);
/* Closes the connections quiet too long at now.  Returns when to look
 * again (ga_clock_ms's time), 0: nothing waits. */
double ga_api_conns_timers(struct ga_api_conns *a, double now);
/* Frees what the events just handled closed (after each batch). */
void ga_api_conns_reap(struct ga_api_conns *a);

/* The backstage finished job, an API request's (not a KILL): logged,
 * its request answered; job is freed. */
void ga_api_conns_job_done(struct ga_api_conns *a, struct ga_sv_job *job);
/* The requests that waited for the API's job go on, once none is under
 * way. */
void ga_api_conns_resume(struct ga_api_conns *a);

#endif
