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
 *     the server is running; every fault the case made in the lab was
 *     reverted and the lab's kernel state (nft tables, qdiscs:
 *     faults/residue.h) is what it was before; it left no send unreaped,
 *     was not interrupted and was no ERROR; the part of the error log
 *     it wrote has no error line; and a snapshot of the server
 *     (server/snapshot.h) is the same as the one taken right after the
 *     server started (the full one is taken there for a case that needs
 *     it; else when the first such case comes: full_base).  A server
 *     step (stop, start, restart, crash) or a fault on the server
 *     process (pause) is no reason for a fresh server: it gets the full
 *     check, which reads what a restarted server read again (its
 *     datadir, the mysql tables, persisted state) and what a thawed
 *     one kept.
 *
 * How deep the snapshot looks depends on what the case's statements
 * could do, decided by construction from the scenario, not from the
 * words of its SQL: when every statement it sends runs as the
 * application account (no admin step, no privileged connection, no
 * other user; change-user logs in as the connection's own account
 * again), the server's own grants bound what it can change - its own
 * database, its sessions and what they hold (locks, a prepared XA
 * transaction), its own password - and the short snapshot reads exactly
 * that, besides the persisted state and the schemas.  Anything else
 * (an admin step, a server step, a fault on the server process, a
 * privileged or other account) gets the full one:
 * every variable, every table of mysql and sys with its rows and when
 * it was last written, definitions, plugins, performance_schema's
 * setup, state for the next start.
 *
 * What the check can undo it undoes, and then looks again: sessions
 * still running once their clients went are KILLed and waited for, and
 * what a case left in the application's database alone goes with the
 * database, dropped and made again.  A prepared XA transaction, a
 * thread of the server's own that was not there (an event scheduler, a
 * replica), or anything else that differs gives the next case a fresh
 * server.
 *
 * What a KILL, a timeout or a dropped client moves - the Aborted_
 * counters, lines in the error log - is no reason for a fresh server:
 * each case reads those from its own mark (run/marks.c).  What a server
 * keeps that no snapshot shows and a case can feel - MySQL's
 * caching_sha2_password cache, the host cache - is emptied before the
 * next case (server/undo.h, ga_undo_caches).
 *
 * Otherwise the kept server is ended and a fresh one starts, and the
 * case's result says why (steps.log, -v).
 */
#include "run/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "faults/residue.h"
#include "lab/nsstate.h"
#include "server/snapshot.h"
#include "server/undo.h"
#include "util/clock.h"
#include "util/fsutil.h"
#include "util/hash.h"

/* After the clients went, the server may take a moment to end their
 * sessions: the snapshot is taken again for this long while only
 * sessions and locks differ.  (1 s was short on a fresh machine at load
 * 14: a KILLed session that held a global read lock still showed
 * "Killed" past it, and a server that was clean was not kept.) */
#define DRAIN_MS 3000
#define DRAIN_POLL_MS 10
/* Sessions still there this long after the clients went are stuck (a
 * client cut off by a fault, whose end the server never saw): they are
 * KILLed, as the case's own would be, and the server is checked again. */
#define KILL_AFTER_MS 100
/* A session that ended badly (Aborted_ moved) has its error log line
 * written as it ends; the log is read until it did not grow for this
 * long, so that no line of this case lands past the next case's mark. */
#define LOG_SETTLE_MS 30
#define LOG_MAX (64 << 20)

/* What a case may leave in the application's database (tables, views,
 * routines, events: snapshot lines "app ..."); dropping it undoes them. */
#define APP_LINES "app "

/* The counters that move when a session ends badly. */
static const char *const aborted_status[] = {
	"Aborted_clients", "Aborted_connects",
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
	struct ga_snapshot base;        /* right after its start: full, or
					 * short while its cases all had the
					 * short check (full_base) */
	struct ga_snapshot last;        /* after the last case */
	char *lab_base;                 /* owned: the lab's kernel state
					 * before any fault (faults/
					 * residue.h), NULL: not taken yet */
	char started_for[200];          /* the scenario it started for */
	unsigned cases;                 /* cases it ran */
};

static uint64_t mix(uint64_t h, const char *s)
{
	return ga_fnv1a(h, s ? s : "", s ? strlen(s) + 1 : 1);
}

/* What the server's set-up depends on, besides the runner's backend:
 * sc's server-option lines, its TLS check, and whether the lab has a
 * proxy namespace. */
static uint64_t setup_key(const struct ga_scenario *sc, bool proxy_ns)
{
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
	h = mix(h, proxy_ns ? "proxy namespace" : "no proxy namespace");
	/* a server with a memory limit of its own is never kept (see
	 * never_kept); the limit is part of its set-up all the same */
	if (sc->server_memory) {
		char limit[32];

		snprintf(limit, sizeof(limit), "memory %lld", sc->server_memory);
		h = mix(h, limit);
	}
	return h ? h : 1;       /* 0 says "never kept" */
}

static uint64_t case_key(const struct ga_case *c)
{
	return setup_key(c->sc, c->proxy != NULL);
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
		ga_runner_lab_gone(r, &k->lab);
		if (ga_tree_remove(k->dir, &err))
			fprintf(stderr, "goneaway: %s\n", err.msg);
	}
	ga_snapshot_free(&k->base);
	ga_snapshot_free(&k->last);
	free(k->lab_base);
	free(k);
	r->kept = NULL;
}

void ga_reuse_drop(struct ga_runner *r)
{
	kept_free(r);
}

/* Whether a step acts on the server itself, beyond what its statements
 * can change: what it says, or NULL.  Such a step does not rule the
 * server out: a restarted server reads its datadir, its persisted
 * state and its my.cnf (the case's own, the one its key names) again,
 * and a thawed one goes on from where it stopped, so the full check
 * looks at everything it could have left (a server that is not running
 * at the end is not kept: ga_reuse_may_keep). */
static const char *server_step(const struct ga_step *step)
{
	switch (step->kind) {
	case GA_STEP_SERVER_STOP:
	case GA_STEP_SERVER_START:
	case GA_STEP_SERVER_RESTART:
	case GA_STEP_SERVER_CRASH:
		return "a server step";
	case GA_STEP_FAULT:
		/* a fault in the lab is checked gone at the end (lab_clean);
		 * one on the server process (pause) is not in the lab */
		if (step->fault && step->fault->ops &&
		    step->fault->ops->on_server)
			return "a fault on the server process";
		return NULL;
	default:
		return NULL;
	}
}

/* The lab's state before c's faults, on the kept record k, when c has
 * faults and none was taken yet.  The lab is as it was made: a fresh
 * one, or one every case before left as it found it.  Returns false
 * (r->not_kept says why) when it cannot be read. */
static bool lab_base(struct ga_case *c, struct ga_kept *k)
{
	struct ga_fault_target t;
	struct ga_error err;

	if (k->lab_base || !ga_scenario_has_step(c->sc, GA_STEP_FAULT))
		return true;
	ga_case_fault_target(c, &t);
	if (ga_fault_lab_state(&t, &k->lab_base, &err) == 0)
		return true;
	snprintf(c->r->not_kept, sizeof(c->r->not_kept), "%s", err.msg);
	return false;
}

/* A snapshot of srv, to the depth full says, into base, as the one a
 * kept server's cases are compared with: a session the harness's own
 * readiness probe left may still be on its way out (MariaDB shows it
 * "Killed" or "Busy" for a moment), and a snapshot taken while a client
 * session is there has it (and is short of what it was asked for:
 * server/snapshot.c): it is read again until none is, for DRAIN_MS at
 * most.  Returns 0, or -1 with why set. */
static int take_base(struct ga_case *c, struct ga_server *srv, bool full,
		     struct ga_snapshot *base, char *why, size_t len)
{
	double start = ga_clock_ms();
	struct ga_error err;
	struct ga_snapshot none = { 0 };
	char what[200];

	for (;;) {
		if (ga_snapshot_take(srv, full, base, &err)) {
			snprintf(why, len, "%s", err.msg);
			return -1;
		}
		if (base->sessions == 0)
			return 0;
		ga_snapshot_same(&none, base, what, sizeof(what));
		ga_snapshot_free(base);
		if (ga_clock_ms() - start > DRAIN_MS ||
		    ga_interrupt_wait(c->r->in, -1, DRAIN_POLL_MS) < 0) {
			snprintf(why, len, "a client session was there when "
				 "its state was taken: %s", what);
			return -1;
		}
	}
}

/* The full snapshot a case that needs the full check is compared with,
 * on the kept record k, when k has the short one alone: every case the
 * server ran had the short check, so what their statements could change
 * (the application account's grants bound it) was compared and found as
 * at the start, and what they could not is as the server started it:
 * the full snapshot taken now is the one its start would have given.
 * Returns false (r->not_kept says why) when it cannot be taken. */
static bool full_base(struct ga_case *c, struct ga_kept *k)
{
	struct ga_snapshot full;
	char why[200];

	if (k->base.full || !ga_reuse_full_check(c->sc, why, sizeof(why)))
		return true;
	if (take_base(c, &k->srv, true, &full, c->r->not_kept,
		      sizeof(c->r->not_kept)))
		return false;
	ga_snapshot_free(&k->base);
	k->base = full;
	return true;
}

int ga_reuse_adopt(struct ga_case *c)
{
	struct ga_runner *r = c->r;
	struct ga_case_result *res = c->res;
	struct ga_kept *k = r->kept;

	if (r->opts->fresh_servers) {
		snprintf(res->server_setup, sizeof(res->server_setup),
			 "fresh server: --fresh-servers");
	} else if (c->sc->server_fresh) {
		snprintf(res->server_setup, sizeof(res->server_setup),
			 "fresh server: the scenario says 'server fresh' "
			 "(line %d)", c->sc->server_fresh);
	} else if (c->sc->server_memory) {
		snprintf(res->server_setup, sizeof(res->server_setup),
			 "fresh server: the scenario gives its server a memory "
			 "limit of its own (line %d)",
			 c->sc->server_memory_line);
	} else if (!k) {
		snprintf(res->server_setup, sizeof(res->server_setup),
			 "fresh server: %s%s", r->not_kept[0] ?
			 "the last case's was not kept: " : "no server was "
			 "kept for it", r->not_kept);
	} else if (k->key != case_key(c)) {
		snprintf(res->server_setup, sizeof(res->server_setup),
			 "fresh server: the kept one (started for %s) runs "
			 "with other server-option lines, TLS check or proxy",
			 k->started_for);
	} else if (!k->holds) {
		snprintf(res->server_setup, sizeof(res->server_setup),
			 "fresh server: none is kept");
	} else if (!full_base(c, k)) {
		snprintf(res->server_setup, sizeof(res->server_setup),
			 "fresh server: the kept one's full state could not "
			 "be taken: %s", r->not_kept);
	} else {
		unsigned own_tag = c->tag;

		c->lab = k->lab;
		c->tag = k->tag;
		if (!lab_base(c, k)) {
			snprintf(res->server_setup, sizeof(res->server_setup),
				 "fresh server: the kept lab's state could "
				 "not be read: %s", r->not_kept);
			/* the kept lab is kept_free's to close, not c's */
			c->lab.host_ns = c->lab.client_ns = -1;
			c->lab.server_ns = c->lab.proxy_ns = -1;
			c->tag = own_tag;
			goto fresh;
		}
		c->srv = k->srv;
		snprintf(c->srv_dir, sizeof(c->srv_dir), "%s", k->dir);
		k->cases++;
		snprintf(res->server_setup, sizeof(res->server_setup),
			 GA_REUSED_SERVER ": started for %s, its case %u, checked "
			 "clean after the one before", k->started_for,
			 k->cases);
		/* the record keeps base; srv, lab and dir are c's now */
		k->holds = false;
		c->reused = true;
		r->not_kept[0] = '\0';
		return 1;
	}
fresh:
	kept_free(r);
	r->not_kept[0] = '\0';  /* said; the new server's own comes later */
	return 0;
}

/* Why sc's server is never kept, whatever happens in the case (then no
 * snapshot is taken: it costs time, and a query more on a server that
 * is going to be thrown away); NULL: it may be kept. */
static const char *never_kept(const struct ga_run_options *o,
			      const struct ga_scenario *sc, char *buf,
			      size_t len)
{
	if (o->fresh_servers)
		return "--fresh-servers";
	if (sc->server_fresh)
		return "the scenario says 'server fresh'";
	/* the OOM killer may end it, and a server that ran near its limit
	 * is not one that starts fresh: never kept, never reused */
	if (sc->server_memory) {
		snprintf(buf, len, "the scenario gives its server a memory limit "
			 "of its own ('server memory', line %d)",
			 sc->server_memory_line);
		return buf;
	}
	return NULL;
}

/* Whether sc's statements can run as another account than the
 * application's: then the full snapshot is taken after its case, and buf
 * says why ("an admin step (line 9)"); else NULL: the short one does (see
 * the top of this file). */
static const char *needs_full_check(const struct ga_scenario *sc, char *buf,
				    size_t len)
{
	const struct ga_connection *cn;
	const char *what;
	size_t i;

	for (i = 0; i < sc->nsteps; i++) {
		if (sc->steps[i].kind == GA_STEP_ADMIN)
			what = "an admin step";
		else
			what = server_step(&sc->steps[i]);
		if (what) {
			snprintf(buf, len, "%s (line %d)", what,
				 sc->steps[i].line);
			return buf;
		}
	}
	for (i = 0; i < sc->nconnections; i++) {
		cn = &sc->connections[i];
		if (cn->privileged)
			snprintf(buf, len, "connection '%s' is privileged "
				 "(line %d)", cn->name, cn->line);
		else if (cn->user && strcmp(cn->user, GA_APP_USER) != 0)
			snprintf(buf, len, "connection '%s' logs in as another "
				 "account (line %d)", cn->name, cn->line);
		else
			continue;
		return buf;
	}
	return NULL;
}

bool ga_reuse_full_check(const struct ga_scenario *sc, char *why,
			 size_t len)
{
	char buf[160];
	const char *full = needs_full_check(sc, buf, sizeof(buf));

	snprintf(why, len, "%s", full ? full : "its statements all run as "
		 "the application account");
	return full != NULL;
}

uint64_t ga_reuse_key(const struct ga_run_options *o,
		      const struct ga_scenario *sc)
{
	const char *asked = o->proxy && strcmp(o->proxy, "none") != 0 ?
			    o->proxy : NULL;
	char buf[200];
	bool proxy_ns;

	if (never_kept(o, sc, buf, sizeof(buf)))
		return 0;
	/* as run/case_proxy.c chooses: the scenario's proxy line, else --proxy
	 * (a case that SKIPs for a mismatch makes no server at all) */
	if (sc->proxy.line)
		proxy_ns = strcmp(sc->proxy.name, "none") != 0;
	else
		proxy_ns = asked != NULL;
	return setup_key(sc, proxy_ns);
}

void ga_reuse_baseline(struct ga_case *c)
{
	struct ga_runner *r = c->r;
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
	/* the full snapshot only for a case that needs the full check;
	 * the first such case on a server whose cases before it all had
	 * the short one takes it (ga_reuse_adopt) */
	if (take_base(c, &c->srv, ga_reuse_full_check(c->sc, buf,
						      sizeof(buf)),
		      &k->base, r->not_kept, sizeof(r->not_kept))) {
		free(k);
		return;
	}
	if (!lab_base(c, k)) {
		ga_snapshot_free(&k->base);
		free(k);
		return;
	}
	k->key = case_key(c);
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

/* Whether the lab is as it was before c's faults (they were all
 * reverted: the caller checked); else not_kept says what is left. */
static bool lab_clean(struct ga_case *c)
{
	struct ga_kept *k = record_of(c);
	struct ga_fault_target t;
	struct ga_error err;
	char *now = NULL;
	const char *b, *a;
	bool same;

	if (!ga_scenario_has_step(c->sc, GA_STEP_FAULT))
		return true;
	if (!k->lab_base)
		return not_kept(c, "the lab's state before its faults is not "
				"known");
	ga_case_fault_target(c, &t);
	if (ga_fault_lab_state(&t, &now, &err))
		return not_kept(c, "the lab's state after its faults: %s",
				err.msg);
	same = strcmp(k->lab_base, now) == 0;
	if (!same) {
		/* the first line that differs */
		for (b = k->lab_base, a = now; *b && *b == *a; b++, a++)
			;
		while (a > now && a[-1] != '\n')
			a--;
		not_kept(c, "its faults left the lab changed: %.*s", (int)
			 strcspn(a, "\n"), *a ? a : "(a line is gone)");
	}
	free(now);
	return same;
}

bool ga_reuse_may_keep(struct ga_case *c)
{
	const struct ga_case_result *res = c->res;
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
	for (i = 0; c->clients && i < c->sc->nconnections; i++)
		if (c->clients[i].pending)
			return not_kept(c, "connection '%s' has a send never "
					"reaped (line %d)",
					c->sc->connections[i].name,
					c->clients[i].pending_line);
	return lab_clean(c);
}

/* Only client sessions, the locks and transactions of a session, the
 * rows of the log tables and the application's database differ: the
 * sessions may still be on their way out (or KILLed: restore waits for
 * that), a session that ends logs its end (a general log in a table
 * has its "Quit" row, written after the reading emptied the log even
 * when the session is gone by the time the reading lists them: the
 * next reading empties it again), and what is in the database can be
 * undone once they are gone (ga_undo_app_database).  A thread of the
 * server's own, a transaction no session holds are not settling. */
static bool settling(const char *why)
{
	const char *p = why;

	while (*p) {
		if (strncmp(p, "session ", 8) != 0 &&
		    strncmp(p, "lock ", 5) != 0 &&
		    strncmp(p, "logged ", 7) != 0 &&
		    strncmp(p, APP_LINES, strlen(APP_LINES)) != 0)
			return false;
		p = strstr(p, "; ");
		if (!p)
			return true;
		p += 2;
	}
	return true;
}

/* Whether a session ended badly in the case: an Aborted_ counter moved
 * from before (the snapshot the case started from) to now. */
static bool aborted_moved(const struct ga_snapshot *before,
			  const struct ga_snapshot *now)
{
	char why[200];
	size_t i;

	for (i = 0; i < sizeof(aborted_status) / sizeof(*aborted_status); i++)
		if (!ga_snapshot_same_status(before, now, aborted_status[i],
					     why, sizeof(why)))
			return true;
	return false;
}

/* Waits (bounded) until the error log did not grow for LOG_SETTLE_MS. */
static void log_settle(struct ga_case *c)
{
	double start = ga_clock_ms(), since = start;
	long long size = ga_server_log_size(&c->srv), now;

	while (ga_clock_ms() - since < LOG_SETTLE_MS &&
	       ga_clock_ms() - start < DRAIN_MS) {
		if (ga_interrupt_wait(c->r->in, -1, DRAIN_POLL_MS) < 0)
			return;
		now = ga_server_log_size(&c->srv);
		if (now != size) {
			size = now;
			since = ga_clock_ms();
		}
	}
}

/* Whether the case's part of the error log (from its mark) has no line
 * of the error level; else not_kept says which. */
static bool log_clean(struct ga_case *c)
{
	long long from = c->errlog_from;
	struct ga_error err;
	char *text, *line;
	bool clean = true;

	if (ga_server_log_read(&c->srv, &from, LOG_MAX, &text, NULL, &err))
		return not_kept(c, "%s", err.msg);
	for (line = text; line && *line; line = strchr(line, '\n')) {
		if (*line == '\n')
			line++;
		if (strstr(line, "[ERROR]") &&
		    strstr(line, "[ERROR]") < line + strcspn(line, "\n")) {
			clean = not_kept(c, "the server wrote an error during "
					 "the case: %.*s",
					 (int)strcspn(line, "\n"), line);
			break;
		}
	}
	free(text);
	return clean;
}

/* What the kernel keeps in the lab's namespaces on its own and a new
 * lab would not have (conntrack entries, TCP metrics of the peer, TCP
 * sockets no process holds: lab/nsstate.h) undone, as a fresh lab
 * starts.  Returns 0, or -1 with not_kept set. */
static int lab_reset(struct ga_case *c)
{
	const int ns[] = { c->lab.client_ns, c->lab.server_ns,
			   c->lab.proxy_ns };
	struct ga_error err;
	size_t i;

	for (i = 0; i < sizeof(ns) / sizeof(ns[0]); i++)
		if (ns[i] >= 0 && ga_nsstate_reset(ns[i], &err)) {
			not_kept(c, "the lab: %s", err.msg);
			return -1;
		}
	return 0;
}

void ga_reuse_keep(struct ga_case *c)
{
	struct ga_kept *k = record_of(c);
	char why[sizeof(c->res->server_after) - 20];
	double start = ga_clock_ms();
	struct ga_snapshot now;
	struct ga_error err;
	double drain_from = start;
	bool restored = false, killed = false, full, trx;
	char left[200], depth[200];

	if (!k)
		return;
	full = ga_reuse_full_check(c->sc, depth, sizeof(depth));
	for (;;) {
		if (ga_snapshot_take(&c->srv, full, &now, &err)) {
			not_kept(c, "%s", err.msg);
			goto drop;
		}
		if (ga_snapshot_same(&k->base, &now, why, sizeof(why)))
			break;
		if (!restored &&
		    ga_snapshot_differ_only_in(&k->base, &now, APP_LINES)) {
			ga_snapshot_free(&now);
			if (ga_undo_app_database(&c->srv, why, sizeof(why))) {
				not_kept(c, "what it left in " GA_APP_DATABASE
					 " could not be undone: %s", why);
				goto drop;
			}
			restored = true;
			continue;
		}
		if (settling(why) && !killed &&
		    ga_clock_ms() - start > KILL_AFTER_MS) {
			if (ga_undo_sessions(&c->srv, &k->base, &now, left,
					       sizeof(left))) {
				ga_snapshot_free(&now);
				not_kept(c, "its sessions could not be ended: "
					 "%s", left);
				goto drop;
			}
			killed = true;
			/* the KILLed get their own time to end, however long
			 * the readings before took */
			drain_from = ga_clock_ms();
		}
		/* a transaction listed is read again once InnoDB's list of
		 * them can be fresh: read every 10 ms, the list of a KILLed
		 * session's transaction was the cache's for all of DRAIN_MS,
		 * and a clean server was not kept */
		trx = now.innodb_trx;
		ga_snapshot_free(&now);
		if (!settling(why) || ga_clock_ms() - drain_from > DRAIN_MS ||
		    ga_interrupt_wait(c->r->in, -1, trx ?
				      GA_SNAPSHOT_TRX_CACHE_MS :
				      DRAIN_POLL_MS) < 0) {
			not_kept(c, "%s", why);
			goto drop;
		}
	}
	if (ga_undo_caches(&c->srv, left, sizeof(left))) {
		ga_snapshot_free(&now);
		not_kept(c, "its caches could not be emptied: %s", left);
		goto drop;
	}
	if (aborted_moved(k->last.n ? &k->last : &k->base, &now))
		log_settle(c);
	if (!log_clean(c)) {
		ga_snapshot_free(&now);
		goto drop;
	}
	if (lab_reset(c)) {
		ga_snapshot_free(&now);
		goto drop;
	}
	k->holds = true;
	c->res->kept_key = k->key;
	k->srv = c->srv;
	k->lab = c->lab;
	k->tag = c->tag;
	snprintf(k->dir, sizeof(k->dir), "%s", c->srv_dir);
	ga_snapshot_free(&k->last);
	k->last = now;
	c->srv_made = c->lab_made = c->srv_dir_made = false;
	c->r->not_kept[0] = '\0';
	snprintf(c->res->server_after, sizeof(c->res->server_after),
		 "kept for the next case: the same as at its start%s%s "
		 "(the %s check: %s; %.0f ms)", killed ? ", once the sessions "
		 "it left were KILLed" : "", restored ? ", once what it left "
		 "in " GA_APP_DATABASE " was dropped" : "", full ? "full" :
		 "short", depth, ga_clock_ms() - start);
	return;
drop:
	kept_free(c->r);
}
