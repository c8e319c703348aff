/* relaymysql.c - see relayparts.h: a link's bytes through the MySQL
 * watch (serve/mysqlwire.h) into its chain, and the mysql toxics at the
 * points they name: mysql_cut's cuts, mysql_kill's KILLs. */
#include "serve/relayparts.h"

#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

/* ---- the MySQL toxics ------------------------------------------------------------ */

/* What the packet at ev meets among the mysql toxics c met and that
 * act on it: a cut (the first), else a KILL (the first, once the
 * session's thread id is known).  Returns its toxic (*act set), or
 * NULL. */
static struct ga_toxic *toxic_at(struct ga_sv_conn *c,
				 const struct ga_mw_event *ev,
				 struct ga_toxic_act *act)
{
	struct ga_toxic *kill = NULL;
	struct ga_toxic_act a, kill_act;
	size_t i;

	for (i = 0; i < c->nmt; i++) {
		struct ga_toxic *t = c->mt[i].t;

		if (!c->mt[i].on || !t->type->packet(t, ev, &a))
			continue;
		if (a.what == GA_ACT_CUT) {
			*act = a;
			return t;
		}
		if (!kill) {
			kill = t;
			kill_act = a;
		}
	}
	if (!kill || !c->wire.thread_id)
		return NULL;
	*act = kill_act;
	return kill;
}

/* A socket's address and port, numbers as text ("" and 0: none). */
static void sock_name(int fd, bool peer, char *addr, size_t len,
		      unsigned *port)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char serv[16];

	*addr = '\0';
	*port = 0;
	if (fd < 0 || (peer ? getpeername(fd, (struct sockaddr *)&ss, &sl) :
		       getsockname(fd, (struct sockaddr *)&ss, &sl)) != 0 ||
	    getnameinfo((struct sockaddr *)&ss, sl, addr, (socklen_t)len, serv,
			sizeof(serv), NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
		*addr = '\0';
		return;
	}
	*port = (unsigned)strtoul(serv, NULL, 10);
}

void ga_relay_submit_kill(struct ga_relay *r, struct ga_sv_conn *c,
			  bool query)
{
	struct ga_sv_job *job = calloc(1, sizeof(*job));

	if (!job)
		return;
	if (!c->proxy->to_server) {     /* the user's own server */
		job->own = true;
		job->up_sa_len = sizeof(job->up_sa);
		if (c->fd[1] < 0 || getpeername(c->fd[1],
				(struct sockaddr *)&job->up_sa,
				&job->up_sa_len) != 0)
			job->up_sa_len = 0;     /* no server: none named */
		sock_name(c->fd[1], true, job->up_addr, sizeof(job->up_addr),
			  &job->up_port);
		sock_name(c->fd[1], false, job->local_addr,
			  sizeof(job->local_addr), &job->local_port);
	}
	job->kind = GA_JOB_KILL;
	job->thread_id = c->wire.thread_id;
	job->query = query;
	job->conn_id = query ? 0 : c->id;
	atomic_init(&job->answered, false);
	if (query)
		c->kill_query_job = job;
	c->kills++;
	r->env.submit(r->env.ctx, job);
}

/* A cut happens now on link l (its reason already set): what came
 * before it is in the chain; the end follows (a reset, a close), or
 * nothing passes any more (hold). */
static void cut_now(struct ga_sv_conn *c, struct link *l,
		    enum ga_cut_action action)
{
	if (action == GA_CUT_HOLD) {
		c->hold = true;
		return;
	}
	if (action == GA_CUT_RESET)
		c->reset = true;
	l->src_end = true;
	c->l[!l->dir].src_end = true;   /* the other way ends too */
}

/* ---- into the chain ------------------------------------------------------------- */

/* n bytes at p (read at ts) into l's chain. */
static void pass_on(struct link *l, const unsigned char *p, size_t n, double ts)
{
	struct ga_chunk *k;

	if (n == 0)
		return;
	k = ga_chunk_new(n, ts);
	if (!k)
		return;                 /* out of memory: those bytes are lost */
	memcpy(k->data, p, n);
	ga_chain_input(&l->chain, k);
}

/* The bytes p[0, n) kept as l's held chunk. */
static void hold_back(struct link *l, const unsigned char *p, size_t n,
		      double ts)
{
	l->held = ga_chunk_new(n, ts);
	if (l->held)
		memcpy(l->held->data, p, n);
}

/* Whether the server's side is quiet (for the MySQL watch to find its
 * place at a command). */
static bool server_quiet(const struct ga_sv_conn *c)
{
	const struct link *d = &c->l[GA_STREAM_DOWN];
	int n = 0;

	if (d->in_pipe || d->chain.held || d->held)
		return false;
	return c->fd[1] < 0 || (ioctl(c->fd[1], FIONREAD, &n) == 0 && n == 0);
}

/* What a mysql toxic does at the packet that begins at p[*off] (ev).
 * When it acts there, what came since *start goes into the chain first
 * and *start moves on: returns 1 when the rest of p is not for the
 * chain now (a cut; a KILL waited for: held), else 0. */
static int act(struct ga_relay *r, struct ga_sv_conn *c, struct link *l,
	       const struct ga_mw_event *ev, const unsigned char *p,
	       size_t *start, size_t *off, size_t len, double ts)
{
	struct ga_toxic_act a;
	struct ga_toxic *t = toxic_at(c, ev, &a);

	if (!t)
		return 0;
	t->acted++;
	if (a.what == GA_ACT_CUT) {
		ga_relay_ended(c, "%s (%s) at %s%s", t->name, t->type->name,
			       a.at, a.after ? ", after it" : "");
		if (a.after) {  /* this packet passes, header and payload */
			l->cut_after = ev->left ? ev->left : len - *off;
			l->cut_action = (int)a.action + 1;
			return 0;
		}
		pass_on(l, p + *start, *off - *start, ts);
		cut_now(c, l, a.action);
		*start = *off = len;
		return 1;
	}
	if (a.query) {
		c->kill_query = true;   /* once the command is written */
		return 0;
	}
	/* KILL first: the command waits for it */
	pass_on(l, p + *start, *off - *start, ts);
	hold_back(l, p + *off, len - *off, ts);
	l->paused = true;
	*start = *off = len;
	ga_relay_submit_kill(r, c, false);
	return 1;
}

void ga_relay_feed(struct ga_relay *r, struct ga_sv_conn *c, struct link *l,
		   struct ga_chunk *k)
{
	const unsigned char *p;
	struct ga_mw_event ev;
	size_t off = 0, start = 0, n, len;
	bool quiet = false;
	double ts = k->ts;

	if (l->held) {                  /* what waited, then k */
		struct ga_chunk *m = ga_chunk_new(l->held->len + k->len, ts);

		if (!m) {
			free(k);
			return;
		}
		memcpy(m->data, l->held->data + l->held->off, l->held->len);
		memcpy(m->data + l->held->len, k->data + k->off, k->len);
		free(l->held);
		free(k);
		l->held = NULL;
		k = m;
	}
	p = k->data + k->off;
	len = k->len;
	/* the server speaks only to answer: the command's statement began
	 * its answer, or ended */
	if (c->kill_query_job && l->dir == GA_STREAM_DOWN && len)
		atomic_store(&c->kill_query_job->answered, true);
	if (c->wire.phase == GA_MW_PHASE_LOST && l->dir == GA_STREAM_UP)
		quiet = server_quiet(c);
	while (off < len && !c->hold && !l->src_end) {
		if (l->cut_after) {     /* a packet passes, then its cut */
			size_t want = len - off < l->cut_after ? len - off :
				      (size_t)l->cut_after;

			n = ga_mysql_wire_step(&c->wire, l->dir, p + off, want,
					       quiet, &ev);
			if (n == 0 && ev.point == GA_MW_NONE)
				continue;       /* its header passed before */
			if (n == 0)     /* the watch sees no more of it: pass */
				n = want;
			off += n;
			l->cut_after -= n;
			if (l->cut_after == 0) {
				pass_on(l, p + start, off - start, ts);
				start = off;
				cut_now(c, l, (enum ga_cut_action)
					(l->cut_action - 1));
			}
			continue;
		}
		n = ga_mysql_wire_step(&c->wire, l->dir, p + off, len - off,
				       quiet, &ev);
		off += n;
		if (ev.point == GA_MW_NONE)
			continue;
		/* the bytes go into the chain whole, not a packet at a
		 * time: split only where a toxic acts */
		act(r, c, l, &ev, p, &start, &off, len, ts);
	}
	if (!c->hold)
		pass_on(l, p + start, off - start, ts);
	free(k);
}
