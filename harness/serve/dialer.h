/* dialer.h - a proxy's upstream by name, resolved and connected at each
 * connection as Toxiproxy dials it (Go's net.Dial: the name looked up
 * then, each of its addresses tried in turn until one connects), off
 * serve's loop: a lookup may take seconds, and the loop never waits.
 *
 * The dials run on threads of the dialer's own, each of which is the
 * API's owner's for its whole life (setfsgid, setfsuid, before its
 * first dial): the files a lookup reads (/etc/hosts, resolv.conf,
 * nsswitch.conf and its modules) are read as the owner, and every
 * socket it makes, a DNS query's and the upstream's, is the owner's to
 * the kernel - nftables' meta skuid and skgid, iptables' owner match,
 * ip rule's uidrange see the owner's connection, never root's.  An
 * address that could reach the API (serve/address.h,
 * ga_sv_addr_is_api) is not dialed.
 *
 * The loop watches ga_dialer_fd() (readable when a dial is done) and
 * takes the finished ones with ga_dialer_take_done().
 *
 * Ownership: a struct ga_dial is the dialer's from ga_dialer_submit()
 * to ga_dialer_take_done(), then the caller's (free() it, close its fd).
 * ga_dialer_free() lets go of the dialer: threads in a dial finish it
 * and the last one out frees what is left (dials never taken are
 * closed).
 */
#ifndef GA_SERVE_DIALER_H
#define GA_SERVE_DIALER_H

#include <sys/types.h>

#include "serve/address.h"
#include "serve/internal.h"

/* the most dials at once; more wait for a thread */
#define GA_DIAL_THREADS 16
/* a dial's bound, its lookup and every address tried (Go's has none:
 * the kernel's SYN retries, about 2 minutes) */
#define GA_DIAL_TIMEOUT_MS 30000

struct ga_dial {
	struct ga_dial *next;           /* the dialer's queues' */
	unsigned long conn_id;          /* the caller's: whose dial */
	char upstream[GA_SV_MAX_NAME + 1];      /* HOST:PORT */
	int fd;                         /* done: a connected socket (non-
					 * blocking), or -1 */
	char why[GA_SV_MAX_NAME + 128]; /* fd -1: why, in Go's words */
};

struct ga_dialer_env {
	uid_t uid;                      /* whose the dials are */
	gid_t gid;
	struct ga_sv_addr api;          /* never dialed */
};

struct ga_dialer;

/* A new dialer (no thread yet: one starts at a dial that finds none
 * idle).  Returns it, or NULL when out of memory or eventfds. */
struct ga_dialer *ga_dialer_new(const struct ga_dialer_env *env);

/* What the loop watches: readable while a dial is done. */
int ga_dialer_fd(const struct ga_dialer *d);

/* Queues dial (its conn_id and upstream set; fd and why are the
 * dialer's to set).  It comes back through ga_dialer_take_done(), a
 * failure too (no thread could start: why says). */
void ga_dialer_submit(struct ga_dialer *d, struct ga_dial *dial);

/* A finished dial, or NULL when none is. */
struct ga_dial *ga_dialer_take_done(struct ga_dialer *d);

void ga_dialer_free(struct ga_dialer *d);

#endif
