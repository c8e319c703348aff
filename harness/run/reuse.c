/* reuse.c - a server kept for the next case, the way mysql-test-run
 * keeps one (see run/internal.h, "a server kept for the next case").
 *
 * A runner keeps at most one server, with the lab it lives in: a
 * server process runs inside the lab's server namespace and cannot be
 * moved to another, so the lab goes with it.  The next case gets it
 * only when all of this holds:
 *
 *   - it asks for the same server: the same server-option lines in the
 *     same order, the same TLS check (a tls=required connection turns the
 *     general log on) and the same proxy (its namespace is the lab's);
 *     the backend is the runner's own;
 *   - neither it nor the case before says "server fresh", and the run is
 *     not --fresh-servers;
 *   - the case before left it clean.  That is checked, never assumed:
 *     the case made no server step (stop, start, restart, crash), applied
 *     no fault (the lab's nft tables, qdiscs and the server's SIGSTOP are
 *     the faults' only changes: a lab no fault touched is as it was
 *     made), left no send unreaped, was not interrupted and was no
 *     ERROR; and a snapshot of the server (server/snapshot.h: global
 *     variables, schemas, tables and their rows, users and grants,
 *     routines and plugins, sessions, locks and transactions, the general
 *     and slow log tables, the error log's size, the Aborted_ and
 *     Connection_errors_ counters) is the same as the one taken right
 *     after the server started;
 *   - the status counters the new scenario reads ("status NAME") are
 *     still what they were at that start.
 *
 * Otherwise the kept server is ended and a fresh one starts, and the
 * case's result says why (steps.log, -v).
 */
#include "run/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/snapshot.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "util/hash.h"

/* After the clients went, the server may take a moment to end their
 * sessions: the snapshot is taken again for this long while only
 * sessions and locks differ. */
#define DRAIN_MS 1000
#define DRAIN_POLL_MS 10

/* The counters a fault moves and a scenario may read through an admin
 * step: compared after every case, whatever the next one reads. */
static const char *const watched_status[] = {
	"Aborted_clients", "Aborted_connects",
	"Connection_errors_accept", "Connection_errors_internal",
	"Connection_errors_max_connections", "Connection_errors_peer_address",
	"Connection_errors_select", "Connection_errors_tcpip",
};

struct ga_kept {
	bool holds;                     /* srv, lab and dir are set and
					 * owned (between cases); false: a
					 * case has them, this is its record */
	struct ga_server srv;
	struct ga_lab lab;
	unsigned tag;
	char dir[PATH_MAX];             /* the server's directory */
	uint64_t key;                   /* what set-up it serves */
	struct ga_snapshot base;        /* right after its start */
	struct ga_snapshot last;        /* after the last case */
	char started_for[200];          /* the scenario it started for */
	unsigned cases;                 /* cases it ran */
};

static uint64_t mix(uint64_t h, const char *s)
{
	return ga_fnv1a(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

/* What the server's set-up depends on, besides the runner's backend. */
static uint64_t setup_key(const struct ga_case *c)
{
	const struct ga_scenario *sc = c->sc;
	uint64_t h = GA_FNV1A_INIT;
	size_t i;
	bool tls = false;

	for (i = 0; i < sc->noptions; i++) {
		h = mix(h, sc->options[i].name);
		h = mix(h, sc->options[i].value ? sc->options[i].value : "\001");
	}
	for (i = 0; i < sc->nconnections; i++)
		if (sc->connections[i].tls == GA_TLS_REQUIRED &&
		    sc->connections[i].transport == GA_TRANSPORT_TCP)
			tls = true;
	h = mix(h, tls ? "tls-checked" : "tls-not-checked");
	/* the lab has a proxy namespace or none; the proxy itself is the
	 * case's own */
	h = mix(h, c->proxy ? "proxy namespace" : "no proxy namespace");
	return h;
}

static void kept_free(struct ga_runner *r)
{
	struct ga_kept *k = r->kept;
	struct ga_error err;

	if (!k)
		return;
	if (k->holds) {
		ga_server_destroy(&k->srv);
		ga_lab_destroy(&k->lab);
		if (ga_tree_remove(k->dir, &err))
			fprintf(stderr, "goneaway: %s\n", err.msg);
	}
	ga_snapshot_free(&k->base);
	ga_snapshot_free(&k->last);
	free(k);
	r->kept = NULL;
}

void ga_reuse_drop(struct ga_runner *r)
{
	kept_free(r);
}

/* The status counters sc reads that moved since the kept server
 * started: true when none did, else why. */
static bool status_unmoved(const struct ga_kept *k,
			   const struct ga_scenario *sc, char *why,
			   size_t len)
{
	size_t i;

	for (i = 0; i < sc->nsteps; i++)
		if (sc->steps[i].kind == GA_STEP_STATUS && sc->steps[i].text &&
		    !ga_snapshot_same_status(&k->base, &k->last,
					     sc->steps[i].text, why, len))
			return false;
	return true;
}

int ga_reuse_adopt(struct ga_case *c)
{
	struct ga_runner *r = c->r;
	struct ga_case_result *res = c->res;
	struct ga_kept *k = r->kept;
	char why[400];

	if (r->opts->fresh_servers) {
		snprintf(res->server_setup, sizeof(res->server_setup),
			 "fresh server: --fresh-servers");
	} else if (c->sc->server_fresh) {
		snprintf(res->server_setup, sizeof(res->server_setup),
			 "fresh server: the scenario says 'server fresh' "
			 "(line %d)", c->sc->server_fresh);
	} else if (!k) {
		snprintf(res->server_setup, sizeof(res->server_setup),
			 "fresh server: %s%s", r->not_kept[0] ?
			 "the last case's was not kept: " : "no server was "
			 "kept for it", r->not_kept);
	} else if (k->key != setup_key(c)) {
		snprintf(res->server_setup, sizeof(res->server_setup),
			 "fresh server: the kept one (started for %s) runs "
			 "with other server-option lines, TLS check or proxy",
			 k->started_for);
	} else if (!status_unmoved(k, c->sc, why, sizeof(why))) {
		snprintf(res->server_setup, sizeof(res->server_setup),
			 "fresh server: the kept one's %s, which the scenario "
			 "reads", why);
	} else if (!k->holds) {
		snprintf(res->server_setup, sizeof(res->server_setup),
			 "fresh server: none is kept");
	} else {
		c->srv = k->srv;
		c->lab = k->lab;
		c->tag = k->tag;
		snprintf(c->srv_dir, sizeof(c->srv_dir), "%s", k->dir);
		ga_snapshot_free(&k->last);
		k->cases++;
		snprintf(res->server_setup, sizeof(res->server_setup),
			 "reused server: started for %s, its case %u, checked "
			 "clean after the one before", k->started_for,
			 k->cases);
		/* the record keeps base; srv, lab and dir are c's now */
		k->holds = false;
		c->reused = true;
		r->not_kept[0] = '\0';
		return 1;
	}
	kept_free(r);
	r->not_kept[0] = '\0';  /* said; the new server's own comes later */
	return 0;
}

/* Whether step kind k of a step that ran rules out keeping the server. */
static const char *dirtying_step(enum ga_step_kind k)
{
	switch (k) {
	case GA_STEP_SERVER_STOP:
	case GA_STEP_SERVER_START:
	case GA_STEP_SERVER_RESTART:
	case GA_STEP_SERVER_CRASH:
		return "a server step";
	case GA_STEP_FAULT:
		return "a fault";
	default:
		return NULL;
	}
}

/* Why sc's server is never kept, whatever happens in the case: it has a
 * step that rules it out (then no snapshot is taken: it costs time, and
 * a query more on a server that a fault is going to hit); NULL: it may
 * be kept. */
static const char *never_kept(const struct ga_run_options *o,
			      const struct ga_scenario *sc, char *buf,
			      size_t len)
{
	const char *what;
	size_t i;

	if (o->fresh_servers)
		return "--fresh-servers";
	if (sc->server_fresh)
		return "the scenario says 'server fresh'";
	for (i = 0; i < sc->nsteps; i++) {
		what = dirtying_step(sc->steps[i].kind);
		if (what) {
			snprintf(buf, len, "the scenario has %s (line %d)",
				 what, sc->steps[i].line);
			return buf;
		}
	}
	return NULL;
}

void ga_reuse_baseline(struct ga_case *c)
{
	struct ga_runner *r = c->r;
	struct ga_error err;
	struct ga_kept *k;
	const char *never;
	char buf[200];

	never = never_kept(r->opts, c->sc, buf, sizeof(buf));
	if (never) {
		snprintf(r->not_kept, sizeof(r->not_kept), "%s", never);
		return;
	}
	k = calloc(1, sizeof(*k));
	if (!k) {
		snprintf(r->not_kept, sizeof(r->not_kept), "out of memory");
		return;
	}
	if (ga_snapshot_take(&c->srv, &k->base, &err)) {
		snprintf(c->r->not_kept, sizeof(c->r->not_kept), "%s", err.msg);
		free(k);
		return;
	}
	k->key = setup_key(c);
	snprintf(k->started_for, sizeof(k->started_for), "%s",
		 ga_scenario_label(c->sc));
	k->cases = 1;
	/* held aside, without the server, until the case ends */
	kept_free(r);
	r->kept = k;
}

/* The case's kept record, when it has one (made by ga_reuse_baseline or
 * ga_reuse_adopt): the runner's, holding no server while the case runs. */
static struct ga_kept *record_of(struct ga_case *c)
{
	struct ga_kept *k = c->r->kept;

	return k && !k->holds ? k : NULL;
}

static bool not_kept(struct ga_case *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static bool not_kept(struct ga_case *c, const char *fmt, ...)
{
	char *buf = c->res->server_after;
	size_t len = sizeof(c->res->server_after);
	va_list ap;
	char why[sizeof(c->r->not_kept)];

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(buf, len, "not kept: %s", why);
	snprintf(c->r->not_kept, sizeof(c->r->not_kept), "%s", why);
	return false;
}

bool ga_reuse_may_keep(struct ga_case *c)
{
	const struct ga_case_result *res = c->res;
	const char *what;
	size_t i;

	if (!c->srv_made)       /* no server was made for the case */
		return false;
	if (!record_of(c))      /* r->not_kept says why there is none */
		return not_kept(c, "%s", c->r->not_kept[0] ? c->r->not_kept :
				"no snapshot of it was taken");
	if (c->srv.pid == 0)
		return not_kept(c, "the server is not running");
	if (ga_interrupted(c->r->in))
		return not_kept(c, "interrupted by a signal");
	if (res->verdict == GA_VERDICT_ERROR)
		return not_kept(c, "the case ended in ERROR");
	if (res->not_reverted[0])
		return not_kept(c, "a fault could not be reverted");
	for (i = 0; i < res->nsteps && i < c->sc->nsteps; i++) {
		what = res->steps[i].ran ? dirtying_step(c->sc->steps[i].kind)
					 : NULL;
		if (what)
			return not_kept(c, "%s ran (line %d)", what,
					c->sc->steps[i].line);
	}
	for (i = 0; c->clients && i < c->sc->nconnections; i++)
		if (c->clients[i].pending)
			return not_kept(c, "connection '%s' has a send never "
					"reaped (line %d)",
					c->sc->connections[i].name,
					c->clients[i].pending_line);
	return true;
}

/* The watched counters that moved from base to now, into why. */
static bool watched_unmoved(const struct ga_snapshot *base,
			    const struct ga_snapshot *now, char *why,
			    size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(watched_status) / sizeof(*watched_status); i++)
		if (!ga_snapshot_same_status(base, now, watched_status[i], why,
					     len))
			return false;
	return true;
}

/* Only sessions and locks differ: they may still be on their way out. */
static bool draining(const char *why)
{
	const char *p = why;

	while (*p) {
		if (strncmp(p, "session ", 8) != 0 && strncmp(p, "lock ", 5) != 0)
			return false;
		p = strstr(p, "; ");
		if (!p)
			return true;
		p += 2;
	}
	return true;
}

void ga_reuse_keep(struct ga_case *c)
{
	struct ga_kept *k = record_of(c);
	char why[sizeof(c->res->server_after) - 20];
	double start = ga_clock_ms();
	struct ga_snapshot now;
	struct ga_error err;

	if (!k)
		return;
	for (;;) {
		if (ga_snapshot_take(&c->srv, &now, &err)) {
			not_kept(c, "%s", err.msg);
			goto drop;
		}
		if (ga_snapshot_same(&k->base, &now, why, sizeof(why)) &&
		    watched_unmoved(&k->base, &now, why, sizeof(why)))
			break;
		ga_snapshot_free(&now);
		if (!draining(why) || ga_clock_ms() - start > DRAIN_MS ||
		    ga_interrupt_wait(c->r->in, -1, DRAIN_POLL_MS) < 0) {
			not_kept(c, "%s", why);
			goto drop;
		}
	}
	k->holds = true;
	k->srv = c->srv;
	k->lab = c->lab;
	k->tag = c->tag;
	snprintf(k->dir, sizeof(k->dir), "%s", c->srv_dir);
	k->last = now;
	c->srv_made = c->lab_made = c->srv_dir_made = false;
	c->r->not_kept[0] = '\0';
	snprintf(c->res->server_after, sizeof(c->res->server_after),
		 "kept for the next case: the same as at its start "
		 "(checked in %.0f ms)", ga_clock_ms() - start);
	return;
drop:
	kept_free(c->r);
}
