/* relay.c - see relay.h: accept, connect upstream (in the lab's client
 * namespace for goneaway's server), and move each connection on: its
 * links' bytes (serve/relaylink.c, serve/relaymysql.c), its watches,
 * its deadline, its close; the API's changes of toxics. */
#include "serve/relayparts.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/fsuid.h>
#include <sys/socket.h>
#include <unistd.h>

#include "serve/peers.h"
#include "util/clock.h"

/* how many ports the kernel picks for a ":0" listen that another
 * program's socket keeps from us (ga_relay_env.may_listen) */
#define LISTEN_TRIES 8

static void conn_progress(struct ga_relay *r, struct ga_sv_conn *c);

/* ---- the relay -------------------------------------------------------------- */

struct ga_relay *ga_relay_new(const struct ga_relay_env *env)
{
	struct ga_relay *r = calloc(1, sizeof(*r));
	struct ga_dialer_env de;
	struct epoll_event e;

	if (!r)
		return NULL;
	r->env = *env;
	de.uid = env->dial_uid;
	de.gid = env->dial_gid;
	de.api = env->api;
	r->dialer = ga_dialer_new(&de);
	r->dial_w.kind = GA_W_DIAL;
	r->dial_w.obj = r;
	memset(&e, 0, sizeof(e));
	e.events = EPOLLIN;
	e.data.ptr = &r->dial_w;
	if (!r->dialer || epoll_ctl(env->epfd, EPOLL_CTL_ADD,
				    ga_dialer_fd(r->dialer), &e) != 0) {
		ga_dialer_free(r->dialer);
		free(r);
		return NULL;
	}
	return r;
}

/* Frees what was closed while the loop's events were handled (an event
 * later in the same batch may still point at it). */
static void reap(struct ga_relay *r)
{
	struct ga_sv_conn *c;
	size_t i;

	while ((c = r->dead) != NULL) {
		r->dead = c->next;
		ga_relay_link_free(r, &c->l[0]);
		ga_relay_link_free(r, &c->l[1]);
		free(c);
	}
	for (i = 0; i < r->ndead_watches; i++)
		free(r->dead_watches[i]);
	r->ndead_watches = 0;
}

/* ---- connections: made and closed ---------------------------------------------- */

/* What side's socket is watched for: ev; none is no watch at all (out
 * of the epoll set, where a hang-up, reported whatever one asks for,
 * would wake the loop again and again). */
static void watch(struct ga_relay *r, struct ga_sv_conn *c, int side,
		  uint32_t ev)
{
	struct epoll_event e;
	bool in_set = c->ev[side] != 0 && c->ev[side] != NOT_WATCHED;

	if (c->fd[side] < 0 || c->ev[side] == ev)
		return;
	memset(&e, 0, sizeof(e));
	e.events = ev;
	e.data.ptr = &c->w[side];
	if (ev == 0)
		epoll_ctl(r->env.epfd, EPOLL_CTL_DEL, c->fd[side], &e);
	else
		epoll_ctl(r->env.epfd, in_set ? EPOLL_CTL_MOD : EPOLL_CTL_ADD,
			  c->fd[side], &e);
	c->ev[side] = ev;
}

static void conn_close(struct ga_relay *r, struct ga_sv_conn *c, bool reset)
{
	if (c->dead)
		return;
	ga_relay_close_side(c, 0, reset);
	ga_relay_close_side(c, 1, reset);
	ga_relay_log_conn(r, c);
	c->dead = true;
	if (c->deadline > 0)
		r->ntimed--;
	c->deadline = 0;
	if (c->prev)
		c->prev->next = c->next;
	else
		r->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	c->next = r->dead;
	c->prev = NULL;
	r->dead = c;
	r->nconns--;
}

void ga_relay_free(struct ga_relay *r)
{
	if (!r)
		return;
	while (r->conns) {
		ga_relay_ended(r->conns, "goneaway serve stopped");
		conn_close(r, r->conns, false);
	}
	reap(r);
	epoll_ctl(r->env.epfd, EPOLL_CTL_DEL, ga_dialer_fd(r->dialer), NULL);
	ga_dialer_free(r->dialer);
	while (r->npipes) {
		r->npipes--;
		close(r->pipes[r->npipes][0]);
		close(r->pipes[r->npipes][1]);
	}
	free(r);
}

/* Go's words for an errno ("address already in use"). */
static void go_errno(char *buf, size_t len, int e)
{
	snprintf(buf, len, "%s", strerror(e));
	if (buf[0] >= 'A' && buf[0] <= 'Z')
		buf[0] = (char)(buf[0] - 'A' + 'a');
}

/* A socket bound to a and listening, once env's may_listen agreed to
 * its port (a port the kernel picks is picked again, a few times, when
 * it does not).  Returns it, or -1 with err in Go's words. */
static int listen_socket(struct ga_relay *r, const struct ga_sv_addr *a,
			 struct ga_error *err)
{
	struct ga_sv_addr bound;
	char text[80], why[128];
	int fd, one = 1, tries;

	ga_sv_addr_text((const struct sockaddr *)&a->sa, text, sizeof(text));
	for (tries = 0; tries < LISTEN_TRIES; tries++) {
		fd = socket(a->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
			    SOCK_CLOEXEC, 0);
		if (fd < 0)
			return ga_error_errno(err, errno, "socket");
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		bound.len = sizeof(bound.sa);
		if (bind(fd, (const struct sockaddr *)&a->sa, a->len) != 0 ||
		    getsockname(fd, (struct sockaddr *)&bound.sa,
				&bound.len) != 0) {
			go_errno(why, sizeof(why), errno);
			close(fd);
			return ga_error_set(err, "listen tcp %s: bind: %s", text,
					    why);
		}
		if (r->env.may_listen &&
		    r->env.may_listen(r->env.ctx, ga_sv_addr_port(&bound), err)) {
			close(fd);
			if (ga_sv_addr_port(a) == 0)
				continue;       /* another port, then */
			return ga_error_prefix(err, "listen tcp %s: bind", text);
		}
		if (listen(fd, SOMAXCONN) != 0) {
			go_errno(why, sizeof(why), errno);
			close(fd);
			return ga_error_set(err, "listen tcp %s: %s", text, why);
		}
		return fd;
	}
	return ga_error_prefix(err, "listen tcp %s: bind (%d ports the kernel "
			       "picked)", text, LISTEN_TRIES);
}

int ga_relay_listen(struct ga_relay *r, struct ga_sv_proxy *p,
		    struct ga_error *err)
{
	struct ga_sv_watch *w;
	struct epoll_event e;
	struct ga_sv_addr a;
	char msg[512], text[80];
	int status, fd;
	char *l;

	if (ga_sv_addr_listen(p->listen, r->env.any_address, &a, &status, msg, sizeof(msg)))
		return ga_error_set(err, "listen tcp: %s", msg);
	fd = listen_socket(r, &a, err);
	if (fd < 0)
		return -1;
	w = calloc(1, sizeof(*w));
	ga_sv_addr_of_fd(fd, text, sizeof(text));
	l = strdup(text);
	if (!w || !l) {
		free(w);
		free(l);
		close(fd);
		return ga_error_set(err, "out of memory");
	}
	w->kind = GA_W_PROXY;
	w->obj = p;
	memset(&e, 0, sizeof(e));
	e.events = EPOLLIN;
	e.data.ptr = w;
	if (epoll_ctl(r->env.epfd, EPOLL_CTL_ADD, fd, &e) != 0) {
		free(w);
		free(l);
		close(fd);
		return ga_error_errno(err, errno, "epoll_ctl");
	}
	free(p->listen);
	p->listen = l;
	p->lfd = fd;
	p->listener = w;
	return 0;
}

/* Closes what waits in listener lfd's queue, each with a FIN, as an
 * open connection's close sends: closing the listener would reset each
 * (the kernel's rule), which a client making its connection sees as
 * ECONNRESET.  Toxiproxy's accept loop, which dials the upstream before
 * it accepts the next client, leaves many there at a proxy's delete. */
static void close_queued(int lfd)
{
	int fd;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC)) >= 0)
		close(fd);
}

void ga_relay_unlisten(struct ga_relay *r, struct ga_sv_proxy *p)
{
	struct ga_sv_conn *c, *next;
	struct ga_sv_watch *w = p->listener;

	if (p->lfd >= 0) {
		close_queued(p->lfd);
		close(p->lfd);
	}
	p->lfd = -1;
	if (w) {
		w->obj = NULL;          /* an event still in the batch: none */
		if (r->ndead_watches < sizeof(r->dead_watches) /
		    sizeof(r->dead_watches[0]))
			r->dead_watches[r->ndead_watches++] = w;
		p->listener = NULL;
	}
	/* Toxiproxy's stop(): every connection closed */
	for (c = r->conns; c; c = next) {
		next = c->next;
		if (c->proxy != p)
			continue;
		ga_relay_ended(c, "the proxy was disabled or deleted");
		conn_close(r, c, c->linger0);   /* as Toxiproxy's Close() */
	}
}

/* A socket for p's upstream: in the lab's client namespace for
 * goneaway's server, else here (the owner's); connecting.  Returns the
 * socket, or -1 with errno set. */
static int upstream_socket(struct ga_relay *r, const struct ga_sv_proxy *p)
{
	struct sockaddr_in in4;
	const struct sockaddr *sa;
	socklen_t len;
	uid_t owner;
	gid_t group;
	int fd, e, one = 1;

	if (p->to_server) {
		if (r->env.client_ns < 0) {
			errno = ENETUNREACH;
			return -1;
		}
		/* the socket belongs to the namespace it is made in */
		if (setns(r->env.client_ns, CLONE_NEWNET) != 0)
			return -1;
		fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
			    0);
		e = errno;
		if (setns(r->env.host_ns, CLONE_NEWNET) != 0)
			abort();        /* on the lab's side for good: no */
		errno = e;
		memset(&in4, 0, sizeof(in4));
		in4.sin_family = AF_INET;
		in4.sin_port = htons((unsigned short)r->env.server_port);
		inet_pton(AF_INET, r->env.server_addr, &in4.sin_addr);
		sa = (const struct sockaddr *)&in4;
		len = sizeof(in4);
	} else {
		/* the owner's socket, not root's: a socket's uid and gid are
		 * its maker's fsuid and fsgid (this thread's alone), and the
		 * host's rules (nftables' meta skuid) see whose connection it
		 * is */
		group = (gid_t)setfsgid(r->env.dial_gid);
		owner = (uid_t)setfsuid(r->env.dial_uid);
		fd = socket(p->up.sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
			    SOCK_CLOEXEC, 0);
		e = errno;
		setfsuid(owner);
		setfsgid(group);
		errno = e;
		sa = (const struct sockaddr *)&p->up.sa;
		len = p->up.len;
	}
	if (fd < 0)
		return -1;
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(fd, sa, len) != 0 && errno != EINPROGRESS) {
		e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* t meets connection c at now: a toxic with a pipe becomes a stage of
 * its stream's chain, one that acts at packets a decision of c's;
 * either way its toxicity decides whether it acts on c. */
static void meet(struct ga_sv_conn *c, struct ga_toxic *t, double now)
{
	bool on;

	if (t->type->pipe) {
		if (!c->l[t->dir].done &&
		    ga_chain_add(&c->l[t->dir].chain, t, now) == 0 &&
		    ga_chain_has(&c->l[t->dir].chain, t, &on) && on)
			ga_relay_add_met(c, t);
	} else if (t->type->packet && c->nmt < GA_SV_MAX_TOXICS) {
		c->mt[c->nmt].t = t;
		c->mt[c->nmt].on = (float)drand48() < t->toxicity;
		if (c->mt[c->nmt].on)
			ga_relay_add_met(c, t);
		c->nmt++;
	}
}

/* The proxy's toxics meet a new connection. */
static void meet_toxics(struct ga_sv_conn *c, double now)
{
	const struct ga_sv_proxy *p = c->proxy;
	size_t i;

	for (i = 0; i < p->ntoxics; i++) {
		/* Toxiproxy's StartLink: a reset_peer on the proxy when a
		 * connection starts makes its every close a reset; one
		 * added later closes with a FIN */
		if (p->toxics[i]->type->resets)
			c->linger0 = true;
		meet(c, p->toxics[i], now);
	}
}

/* c's upstream is a name: a dial of the dialer's (c->fd[1] stays -1
 * until it is done, dialed()).  Returns 0, or -1 when c was closed. */
static int dial_name(struct ga_relay *r, struct ga_sv_conn *c)
{
	struct ga_dial *d = calloc(1, sizeof(*d));

	if (!d) {
		ga_relay_ended(c, "the upstream could not be reached: out of "
			       "memory");
		conn_close(r, c, false);
		return -1;
	}
	d->conn_id = c->id;
	snprintf(d->upstream, sizeof(d->upstream), "%s", c->proxy->upstream);
	ga_dialer_submit(r->dialer, d);
	return 0;
}

/* The dialer finished d: its connection goes on connecting with the
 * socket (connected() reads its state), or closes, or the socket does
 * when its connection is gone. */
static void dialed(struct ga_relay *r, struct ga_dial *d)
{
	struct ga_sv_conn *c;

	for (c = r->conns; c && c->id != d->conn_id; c = c->next)
		;
	if (!c || c->dead || !c->connecting || c->fd[1] >= 0) {
		if (d->fd >= 0)
			close(d->fd);
	} else if (d->fd < 0) {
		ga_relay_ended(c, "the upstream could not be reached: %s",
			       d->why);
		conn_close(r, c, false);        /* Toxiproxy: client.Close() */
	} else {
		c->fd[1] = d->fd;
		conn_progress(r, c);
	}
	free(d);
}

static void accept_one(struct ga_relay *r, struct ga_sv_proxy *p, int fd)
{
	struct ga_sv_conn *c;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int one = 1, i;

	c = ga_sv_peer_admit(fd, r->nconns, GA_SV_MAX_CONNS, sizeof(*c));
	if (!c)
		return;
	c->id = ++r->next_id;
	c->proxy = p;
	c->started = ga_clock_ms();
	c->fd[0] = fd;
	c->fd[1] = -1;
	for (i = 0; i < 2; i++) {
		c->w[i].kind = GA_W_CONN;
		c->w[i].obj = c;
		c->w[i].side = i;
		c->ev[i] = NOT_WATCHED;
		ga_relay_link_init(&c->l[i], i);
	}
	ga_mysql_wire_init(&c->wire);
	if (r->env.log && r->env.log->f &&      /* for the log alone */
	    getpeername(fd, (struct sockaddr *)&ss, &sl) == 0)
		ga_sv_addr_text((struct sockaddr *)&ss, c->client,
				sizeof(c->client));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	c->next = r->conns;
	if (r->conns)
		r->conns->prev = c;
	r->conns = c;
	r->nconns++;
	if (!p->to_server && p->up.sa.ss_family == AF_UNSPEC) {
		if (dial_name(r, c) != 0)
			return;
	} else if ((c->fd[1] = upstream_socket(r, p)) < 0) {
		char why[128];

		go_errno(why, sizeof(why), errno);
		ga_relay_ended(c, "the upstream could not be reached: %s", why);
		conn_close(r, c, false);
		return;
	}
	c->connecting = true;
	meet_toxics(c, c->started);
	conn_progress(r, c);
}

static void accept_all(struct ga_relay *r, struct ga_sv_proxy *p)
{
	int fd, n;

	for (n = 0; n < ACCEPTS_PER_EVENT && p->lfd >= 0; n++) {
		fd = accept4(p->lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0)
			return;
		accept_one(r, p, fd);
	}
}


/* ---- a connection moves on ---------------------------------------------------- */

/* Whether c may be spliced from now on: nothing to read its bytes for. */
static bool may_splice(const struct ga_relay *r, const struct ga_sv_conn *c)
{
	int i;

	if (c->spliced || r->env.log_all || c->proxy->ntoxics ||
	    !ga_mysql_wire_past_login(&c->wire) || c->hold || c->kill_query ||
	    c->kill_query_job)
		return false;
	for (i = 0; i < 2; i++) {
		const struct link *l = &c->l[i];

		if (l->chain.n || l->chain.held || l->held || l->cut_after ||
		    l->paused || l->src_end || l->done)
			return false;
	}
	return true;
}

static void set_deadline(struct ga_relay *r, struct ga_sv_conn *c, double d)
{
	if ((c->deadline > 0) != (d > 0)) {
		if (d > 0)
			r->ntimed++;
		else
			r->ntimed--;
	}
	c->deadline = d;
}

static double earliest(double a, double b)
{
	return a == 0 ? b : b == 0 ? a : a < b ? a : b;
}

static void conn_progress(struct ga_relay *r, struct ga_sv_conn *c)
{
	double now = ga_clock_ms(), next = 0;
	uint32_t ev[2] = { 0, 0 };
	struct link *l;
	int round, i;

	if (c->dead)
		return;
	if (c->connecting) {
		watch(r, c, 0, 0);
		watch(r, c, 1, EPOLLOUT);
		set_deadline(r, c, 0);
		return;
	}
	/* twice: a link that closes ends the other's source */
	for (round = 0; round < 2; round++) {
		next = 0;
		for (i = 0; i < 2; i++) {
			l = &c->l[i];
			if (l->done)
				continue;
			if (l->src_end && !l->end_fed && !l->paused) {
				if (l->held && !c->hold)
					ga_chain_input(&l->chain, l->held);
				else
					free(l->held);
				l->held = NULL;
				ga_chain_input_end(&l->chain);
				l->end_fed = true;
			}
			next = earliest(next, ga_chain_pump(&l->chain, now));
			ga_relay_link_write(r, c, l);
			if (!l->done && l->chain.end && !l->in_pipe &&
			    !ga_chain_peek(&l->chain) && !ga_relay_link_finish(c, l, now))
				next = earliest(next, now + 1);
		}
	}
	if (c->l[0].done && c->l[1].done) {
		conn_close(r, c, c->reset || c->linger0);
		return;
	}
	if (may_splice(r, c)) {
		c->spliced = true;
		ga_mysql_wire_lose(&c->wire);
	}
	for (i = 0; i < 2; i++) {
		l = &c->l[i];
		/* the link reads from fd[i == UP ? 0 : 1] */
		if (!l->done && !l->src_end && !l->paused &&
		    l->chain.held < LINK_MAX_HELD && l->in_pipe < PIPE_SIZE)
			ev[i] |= EPOLLIN;
		if (!l->done && l->want_out)
			ev[!i] |= EPOLLOUT;
	}
	watch(r, c, 0, ev[0]);
	watch(r, c, 1, ev[1]);
	set_deadline(r, c, next);
}

static void connected(struct ga_relay *r, struct ga_sv_conn *c)
{
	int err = 0;
	socklen_t len = sizeof(err);
	char why[128];

	if (getsockopt(c->fd[1], SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		err = errno;
	if (err == EINPROGRESS || err == EALREADY)
		return;
	c->connecting = false;
	if (err) {
		go_errno(why, sizeof(why), err);
		ga_relay_ended(c, "the upstream could not be reached: %s", why);
		conn_close(r, c, false);        /* Toxiproxy: client.Close() */
	}
}

void ga_relay_event(struct ga_relay *r, struct ga_sv_watch *w,
		    uint32_t events)
{
	struct ga_sv_conn *c;
	struct link *l;

	if (w->kind == GA_W_PROXY) {
		if (w->obj)
			accept_all(r, w->obj);
		return;
	}
	if (w->kind == GA_W_DIAL) {
		struct ga_dial *d;

		while ((d = ga_dialer_take_done(r->dialer)) != NULL)
			dialed(r, d);
		return;
	}
	c = w->obj;
	if (c->dead)
		return;
	if (c->connecting) {
		if (w->side == 1)
			connected(r, c);
		conn_progress(r, c);
		return;
	}
	if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		l = &c->l[w->side == 0 ? GA_STREAM_UP : GA_STREAM_DOWN];
		if (!l->done && !l->src_end) {
			if (c->spliced && !l->chain.held && !l->held &&
			    !ga_chain_peek(&l->chain))
				ga_relay_splice_in(r, c, l);
			else
				ga_relay_link_read(r, c, l);
		}
	}
	if (events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) {
		l = &c->l[w->side == 0 ? GA_STREAM_DOWN : GA_STREAM_UP];
		l->want_out = false;
	}
	conn_progress(r, c);
}

double ga_relay_timers(struct ga_relay *r, double now)
{
	struct ga_sv_conn *c, *next;
	double soonest = 0;

	if (r->ntimed == 0)
		return 0;
	for (c = r->conns; c; c = next) {
		next = c->next;
		if (c->deadline > 0 && c->deadline <= now)
			conn_progress(r, c);
		if (!c->dead && c->deadline > 0)
			soonest = earliest(soonest, c->deadline);
	}
	return soonest;
}

void ga_relay_reap(struct ga_relay *r)
{
	reap(r);
}

/* ---- the API's changes ---------------------------------------------------------- */

/* What a change of toxic t does to one connection of its proxy. */
static void added(struct ga_sv_conn *c, struct ga_toxic *t, double now)
{
	meet(c, t, now);
	c->spliced = false;     /* read from now on */
}

static void updated(struct ga_sv_conn *c, struct ga_toxic *t, double now)
{
	size_t i;

	ga_chain_update(&c->l[t->dir].chain, t, now);
	for (i = 0; i < c->nmt; i++)
		if (c->mt[i].t == t)
			c->mt[i].on = (float)drand48() < t->toxicity;
}

static void removed(struct ga_sv_conn *c, struct ga_toxic *t, double now)
{
	size_t i;

	(void)now;
	ga_chain_remove(&c->l[0].chain, t);
	ga_chain_remove(&c->l[1].chain, t);
	for (i = 0; i < c->nmt; i++)
		if (c->mt[i].t == t) {
			memmove(&c->mt[i], &c->mt[i + 1],
				(c->nmt - i - 1) * sizeof(c->mt[0]));
			c->nmt--;
			break;
		}
}

/* change on every live connection of p, each then moved on. */
static void each_conn(struct ga_relay *r, struct ga_sv_proxy *p,
		      struct ga_toxic *t,
		      void (*change)(struct ga_sv_conn *c, struct ga_toxic *t,
				     double now))
{
	double now = ga_clock_ms();
	struct ga_sv_conn *c, *next;

	for (c = r->conns; c; c = next) {
		next = c->next;
		if (c->proxy != p || c->dead)
			continue;
		change(c, t, now);
		conn_progress(r, c);
	}
}

void ga_relay_toxic_added(struct ga_relay *r, struct ga_sv_proxy *p,
			  struct ga_toxic *t)
{
	each_conn(r, p, t, added);
}

void ga_relay_toxic_updated(struct ga_relay *r, struct ga_sv_proxy *p,
			    struct ga_toxic *t)
{
	each_conn(r, p, t, updated);
}

void ga_relay_toxic_removed(struct ga_relay *r, struct ga_sv_proxy *p,
			    struct ga_toxic *t)
{
	each_conn(r, p, t, removed);
}

void ga_relay_job_done(struct ga_relay *r, struct ga_sv_job *job)
{
	struct ga_sv_conn *c;
	struct link *l;
	struct ga_chunk *k;
	FILE *f = ga_sv_log_begin(r->env.log, "kill");

	if (f) {
		ga_sv_log_int(f, "thread_id", (long long)job->thread_id);
		ga_sv_log_bool(f, "query", job->query);
		if (job->query)
			ga_sv_log_int(f, "waited_ms", job->waited_ms);
		ga_sv_log_str(f, "result", job->rc || job->msg[0] ?
			      job->msg : "killed");
		ga_sv_log_end(r->env.log);
	}
	for (c = r->conns; c; c = c->next)
		if (c->kill_query_job == job)
			c->kill_query_job = NULL;
	for (c = r->dead; c; c = c->next)
		if (c->kill_query_job == job)
			c->kill_query_job = NULL;
	for (c = r->conns; c && job->conn_id; c = c->next) {
		if (c->id != job->conn_id || c->dead)
			continue;
		l = &c->l[GA_STREAM_UP];
		l->paused = false;
		k = l->held;            /* the command, on its way now */
		l->held = NULL;
		if (k)
			ga_relay_feed(r, c, l, k);
		conn_progress(r, c);
		break;
	}
	free(job);
}
