/* nfq_engine.h - what the NFQUEUE engines of faults/ share: the
 * user-space netem (netem_user.c) and the point's acts (pointact.c).
 *
 * Each reads an NFQUEUE (faults/nfqueue.h) in a namespace of the lab,
 * behind the rule "table ip <table>" on an interface there, from a
 * thread of its own that takes no signal (goneaway reads them from a
 * signalfd) and is stopped through an eventfd; the thread's first
 * failure is kept for the one who stops it.  The engine proper (its
 * packets' fates, its counters) is the including file's: it embeds a
 * struct ga_nfq_engine and may guard its own members with its lock.
 */
#ifndef GA_FAULT_NFQ_ENGINE_H
#define GA_FAULT_NFQ_ENGINE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "faults/nfqueue.h"
#include "faults/nft.h"
#include "util/error.h"

struct ga_nfq_engine {
	struct ga_nfq q;                /* owned */
	int stop_fd;                    /* eventfd: stop the thread */
	char table[64];
	struct ga_nft_hold hold;        /* its namespace's, while open */
	int raw;                        /* a raw socket in the queue's
					 * namespace the engine sends
					 * through (netem's copies, the
					 * point's FINs), which open's also
					 * makes; -1: none */
	pthread_t thread;
	bool thread_started;

	pthread_mutex_t lock;           /* guards failed and err (and what
					 * the engine proper puts under it) */
	bool failed;
	struct ga_error err;            /* the first failure */
};

/* What ga_nfq_engine_wait() saw. */
enum ga_nfq_wake {
	GA_NFQ_WAKE_NONE,               /* the time was up, or a signal */
	GA_NFQ_WAKE_PACKETS,            /* packets are waiting */
	GA_NFQ_WAKE_STOP                /* ga_nfq_engine_stop() */
};

/* Sets g up for table (no queue yet, no raw socket, no thread).
 * Returns 0, or the errno of the eventfd that could not be made (g can
 * still be finished). */
int ga_nfq_engine_init(struct ga_nfq_engine *g, const char *table);

/* Frees what g holds (the queue and the raw socket closed); the thread
 * must be stopped. */
void ga_nfq_engine_finish(struct ga_nfq_engine *g);

/* In namespace ns_fd: binds queue (at most maxlen packets held), calls
 * also(arg) when not NULL, then adds the rule on interface ifname (the
 * rule last: no packet meets a queue nobody reads).  what names the
 * engine in messages ("point").  Returns 0, -1 or GA_FAULT_UNSUPPORTED
 * with err set; on failure the queue is closed again (what also made is
 * the caller's to free). */
int ga_nfq_engine_open(struct ga_nfq_engine *g, int ns_fd,
		       const char *ifname, uint16_t queue, uint32_t maxlen,
		       const char *what,
		       int (*also)(void *arg, struct ga_error *err),
		       void *arg, struct ga_error *err);

/* Starts fn(arg) on g's thread, named name, with every signal blocked;
 * real-time (util/rtthread.h) when realtime.  Returns 0, or -1 with err
 * set ("WHAT: starting its thread"). */
int ga_nfq_engine_start_thread(struct ga_nfq_engine *g, void *(*fn)(void *),
			       void *arg, const char *name, bool realtime,
			       const char *what, struct ga_error *err);

/* Stops g, in namespace ns_fd when it is still there (a namespace that
 * is gone took its tables along): deletes the rule (nothing more is
 * queued), calls also(arg) when not NULL, wakes the thread to stop and
 * waits until it has, when it runs (what it reads of the queue before it
 * ends still gets its verdict), then deletes the table.  In that order:
 * the kernel drops every packet queued in a namespace when a hook there
 * goes (ga_nfq_rule_delete()), so the table goes only once the thread is
 * done; and from open to here the engine holds the namespace, so that no
 * other table of goneaway's there goes meanwhile (faults/nft.h): the
 * last hold's release deletes those.  Returns 0, or -1 with err set (err
 * may be NULL): the first failure ("WHAT: stopping its thread", the
 * rule, the table). */
int ga_nfq_engine_stop(struct ga_nfq_engine *g, int ns_fd, const char *what,
		       int (*also)(void *arg, struct ga_error *err),
		       void *arg, struct ga_error *err);

/* The thread's wait, at most timeout_ns, for packets or the stop.
 * Returns what woke it, or -1 with errno set (ppoll() failed). */
int ga_nfq_engine_wait(struct ga_nfq_engine *g, uint64_t timeout_ns);

/* The thread's failure: err kept when it is the first. */
void ga_nfq_engine_fail(struct ga_nfq_engine *g, const struct ga_error *err);

#endif
