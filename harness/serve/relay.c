/* relay.c - see relay.h: accept, connect upstream (in the lab's client
 * namespace for goneaway's server), and move each direction's bytes by
 * splice() or through the MySQL watch and the chain of toxics. */
#include "serve/relay.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "serve/chain.h"
#include "serve/mysqlwire.h"
#include "util/clock.h"

#define CHUNK_SIZE (64 * 1024)          /* one read */
#define LINK_MAX_HELD (4 << 20)         /* a link reads no more past it */
#define PIPE_SIZE (1 << 20)             /* splice's pipe */
#define ACCEPTS_PER_EVENT 64
#define RST_DRAIN_MS 500                /* a reset waits for what was
					 * written to leave, this long */
#define NOT_WATCHED 0xffffffffu         /* a socket not in the epoll set */
#define IOV_BATCH 64                    /* chunks written by one sendmsg */
#define PIPES_KEPT 64                   /* empty pipes kept for the next
					 * connections (a connection's two
					 * cost four syscalls to make) */

struct link {
	int dir;                        /* GA_STREAM_UP: client -> server */
	struct ga_chain chain;
	int pipe[2];                    /* splice's, -1 until needed */
	size_t in_pipe;                 /* bytes in it */
	bool src_end;                   /* nothing more comes from the source */
	bool end_fed;                   /* ... and the chain knows */
	bool done;                      /* its destination is closed */
	bool want_out;                  /* a write would block */
	struct ga_chunk *held;          /* read, not past the MySQL watch yet */
	bool paused;                    /* a KILL before its command is under
					 * way */
	double drain_until;             /* a reset waits for the queue */
	unsigned long long cut_after;   /* bytes of a packet still to pass
					 * before its cut (cut_action) */
	int cut_action;                 /* GA_CUT_* + 1; 0: none */
	const char *cut_name;           /* for the log, borrowed */
};

/* A mysql toxic's word on one connection. */
struct met {
	const struct ga_toxic *t;
	bool on;
};

struct ga_sv_conn {
	struct ga_sv_conn *prev, *next;
	unsigned long id;
	struct ga_sv_proxy *proxy;
	int fd[2];                      /* the client's, the upstream's */
	struct ga_sv_watch w[2];
	uint32_t ev[2];                 /* epoll interest registered */
	bool connecting;                /* the upstream's connect() */
	bool spliced;
	bool dead;                      /* closed; freed by reap */
	bool reset;                     /* a mysql_cut's reset: closes with TCP
					 * resets, once what was written left */
	bool linger0;                   /* a reset_peer was there at connect:
					 * every close is a TCP reset, as
					 * Toxiproxy sets SO_LINGER 0 then */
	bool hold;                      /* a cut that holds: nothing passes */
	bool kill_query;                /* a KILL QUERY waits for its command
					 * to be written */
	struct link l[2];
	struct ga_mysql_wire wire;
	struct met mt[GA_SV_MAX_TOXICS];
	size_t nmt;
	double deadline;
	/* the log's */
	char client[64];
	double started;
	unsigned long long bytes[2];
	char met_names[512];
	char ended[200];
	unsigned kills;
};

struct ga_relay {
	struct ga_relay_env env;
	struct ga_sv_conn *conns;       /* every live one */
	struct ga_sv_conn *dead;        /* closed, freed by reap */
	struct ga_sv_watch *dead_watches[GA_SV_MAX_PROXIES * 2];
	size_t ndead_watches;
	unsigned nconns;
	unsigned long next_id;
	unsigned ntimed;                /* connections with a deadline */
	int pipes[PIPES_KEPT][2];       /* empty, for the next splice */
	size_t npipes;
};

static void conn_progress(struct ga_relay *r, struct ga_sv_conn *c);

/* ---- the relay -------------------------------------------------------------- */

struct ga_relay *ga_relay_new(const struct ga_relay_env *env)
{
	struct ga_relay *r = calloc(1, sizeof(*r));

	if (r)
		r->env = *env;
	return r;
}

static void link_free(struct ga_relay *r, struct link *l)
{
	ga_chain_free(&l->chain);
	free(l->held);
	l->held = NULL;
	if (l->pipe[0] >= 0 && l->in_pipe == 0 && r->npipes < PIPES_KEPT) {
		r->pipes[r->npipes][0] = l->pipe[0];
		r->pipes[r->npipes++][1] = l->pipe[1];
	} else if (l->pipe[0] >= 0) {
		close(l->pipe[0]);
		close(l->pipe[1]);
	}
	l->pipe[0] = l->pipe[1] = -1;
}

/* Frees what was closed while the loop's events were handled (an event
 * later in the same batch may still point at it). */
static void reap(struct ga_relay *r)
{
	struct ga_sv_conn *c;
	size_t i;

	while ((c = r->dead) != NULL) {
		r->dead = c->next;
		link_free(r, &c->l[0]);
		link_free(r, &c->l[1]);
		free(c);
	}
	for (i = 0; i < r->ndead_watches; i++)
		free(r->dead_watches[i]);
	r->ndead_watches = 0;
}

unsigned ga_relay_count(const struct ga_relay *r)
{
	return r->nconns;
}

/* ---- the log ------------------------------------------------------------------- */

static void set_ended(struct ga_sv_conn *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void set_ended(struct ga_sv_conn *c, const char *fmt, ...)
{
	va_list ap;

	if (c->ended[0])
		return;                 /* the first reason is the one */
	va_start(ap, fmt);
	vsnprintf(c->ended, sizeof(c->ended), fmt, ap);
	va_end(ap);
}

static void add_met(struct ga_sv_conn *c, const struct ga_toxic *t)
{
	size_t n = strlen(c->met_names);

	if (strstr(c->met_names, t->name))
		return;
	snprintf(c->met_names + n, sizeof(c->met_names) - n, "%s%s",
		 n ? "\n" : "", t->name);
}

static void log_conn(struct ga_relay *r, struct ga_sv_conn *c)
{
	FILE *f = ga_sv_log_begin(r->env.log, "connection");
	const char *p, *nl;

	if (!f)
		return;
	ga_sv_log_str(f, "proxy", c->proxy ? c->proxy->name : "");
	ga_sv_log_str(f, "client", c->client);
	ga_sv_log_str(f, "upstream", c->proxy ? c->proxy->upstream : "");
	ga_sv_log_int(f, "id", (long long)c->id);
	if (c->wire.thread_id)
		ga_sv_log_int(f, "thread_id", (long long)c->wire.thread_id);
	ga_sv_log_num(f, "ms", ga_clock_ms() - c->started);
	ga_sv_log_int(f, "bytes_up", (long long)c->bytes[GA_STREAM_UP]);
	ga_sv_log_int(f, "bytes_down", (long long)c->bytes[GA_STREAM_DOWN]);
	ga_sv_log_key(f, "toxics");
	fputc('[', f);
	for (p = c->met_names; *p; p = nl ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, '\n');
		if (p != c->met_names)
			fputc(',', f);
		fputc('"', f);
		fwrite(p, 1, nl ? (size_t)(nl - p) : strlen(p), f);
		fputc('"', f);
		if (!nl)
			break;
	}
	fputc(']', f);
	if (c->kills)
		ga_sv_log_int(f, "kills", c->kills);
	ga_sv_log_str(f, "ended", c->ended[0] ? c->ended : "?");
	if (c->wire.errors) {
		ga_sv_log_key(f, "mysql_error");
		fprintf(f, "{\"code\":%u", c->wire.err_code);
		ga_sv_log_str(f, "sqlstate", c->wire.err_state);
		ga_sv_log_str(f, "message", c->wire.err_msg);
		ga_sv_log_int(f, "errors", c->wire.errors);
		fputc('}', f);
	}
	ga_sv_log_end(r->env.log);
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

/* Closes fd of side (a TCP reset when reset). */
static void close_side(struct ga_sv_conn *c, int side, bool reset)
{
	struct linger lg = { 1, 0 };

	if (c->fd[side] < 0)
		return;
	if (reset)
		setsockopt(c->fd[side], SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	close(c->fd[side]);     /* leaves the epoll set with it */
	c->fd[side] = -1;
}

static void conn_close(struct ga_relay *r, struct ga_sv_conn *c, bool reset)
{
	if (c->dead)
		return;
	close_side(c, 0, reset);
	close_side(c, 1, reset);
	log_conn(r, c);
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
		set_ended(r->conns, "goneaway serve stopped");
		conn_close(r, r->conns, false);
	}
	reap(r);
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

int ga_relay_listen(struct ga_relay *r, struct ga_sv_proxy *p,
		    struct ga_error *err)
{
	struct ga_sv_watch *w;
	struct epoll_event e;
	struct ga_sv_addr a;
	char msg[512], why[128], text[80];
	int status, fd, one = 1;
	char *l;

	if (ga_sv_addr_listen(p->listen, &a, &status, msg, sizeof(msg)))
		return ga_error_set(err, "listen tcp: %s", msg);
	fd = socket(a.sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		return ga_error_errno(err, errno, "socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ga_sv_addr_text((struct sockaddr *)&a.sa, text, sizeof(text));
	if (bind(fd, (struct sockaddr *)&a.sa, a.len) != 0 ||
	    listen(fd, SOMAXCONN) != 0) {
		go_errno(why, sizeof(why), errno);
		close(fd);
		return ga_error_set(err, "listen tcp %s: bind: %s", text, why);
	}
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

void ga_relay_unlisten(struct ga_relay *r, struct ga_sv_proxy *p)
{
	struct ga_sv_conn *c, *next;
	struct ga_sv_watch *w = p->listener;

	if (p->lfd >= 0)
		close(p->lfd);
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
		set_ended(c, "the proxy was disabled or deleted");
		conn_close(r, c, c->linger0);   /* as Toxiproxy's Close() */
	}
}

/* A socket for p's upstream: in the lab's client namespace for
 * goneaway's server, else here; connecting.  Returns the socket, or
 * -1 with errno set. */
static int upstream_socket(struct ga_relay *r, const struct ga_sv_proxy *p)
{
	struct sockaddr_in in4;
	const struct sockaddr *sa;
	socklen_t len;
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
		fd = socket(p->up.sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
			    SOCK_CLOEXEC, 0);
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

static void link_init(struct link *l, int dir)
{
	memset(l, 0, sizeof(*l));
	l->dir = dir;
	l->pipe[0] = l->pipe[1] = -1;
	ga_chain_init(&l->chain);
}

/* The proxy's toxics meet a new connection: each standard one a stage
 * of its stream's chain, each mysql one its decision. */
/* t meets connection c at now: a standard toxic becomes a stage of its
 * stream's chain, a mysql one a decision of c's; either way its
 * toxicity decides whether it acts on c. */
static void meet(struct ga_sv_conn *c, struct ga_toxic *t, double now)
{
	bool on;

	if (t->type->family == GA_TOXIC_STANDARD) {
		if (!c->l[t->dir].done &&
		    ga_chain_add(&c->l[t->dir].chain, t, now) == 0 &&
		    ga_chain_has(&c->l[t->dir].chain, t, &on) && on)
			add_met(c, t);
	} else if (t->type->family == GA_TOXIC_MYSQL &&
		   c->nmt < GA_SV_MAX_TOXICS) {
		c->mt[c->nmt].t = t;
		c->mt[c->nmt].on = (float)drand48() < t->toxicity;
		if (c->mt[c->nmt].on)
			add_met(c, t);
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
		if (p->toxics[i]->type->kind == GA_TK_RESET_PEER)
			c->linger0 = true;
		meet(c, p->toxics[i], now);
	}
}

static void accept_one(struct ga_relay *r, struct ga_sv_proxy *p, int fd)
{
	struct ga_sv_conn *c;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	int one = 1, i;

	if (r->nconns >= GA_SV_MAX_CONNS) {
		close(fd);              /* too many: a close, never a hang */
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
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
		link_init(&c->l[i], i);
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
	c->fd[1] = upstream_socket(r, p);
	if (c->fd[1] < 0) {
		char why[128];

		go_errno(why, sizeof(why), errno);
		set_ended(c, "the upstream could not be reached: %s", why);
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

/* ---- the MySQL toxics ------------------------------------------------------------ */

/* Which point of mysql_cut's words a packet is. */
static int cut_point_of(enum ga_mw_point p)
{
	switch (p) {
	case GA_MW_GREETING: return GA_CUT_GREETING;
	case GA_MW_LOGIN:
	case GA_MW_SSL_REQUEST: return GA_CUT_LOGIN;
	case GA_MW_AUTH: return GA_CUT_AUTH;
	case GA_MW_TLS: return GA_CUT_TLS;
	case GA_MW_COMMAND: return GA_CUT_COMMAND;
	case GA_MW_ROW: return GA_CUT_ROW;
	default: return -1;
	}
}

static bool spent(const struct ga_toxic *t)
{
	long long count = ga_toxic_num(t, "count");

	return count > 0 && t->acted >= count;
}

/* What the packet at ev meets: a mysql_cut (returned, *after set), or
 * NULL. */
static const struct ga_toxic *cut_at(struct ga_sv_conn *c,
				     const struct ga_mw_event *ev, bool *after)
{
	int point = cut_point_of(ev->point), cmd;
	size_t i;

	if (point < 0)
		return NULL;
	for (i = 0; i < c->nmt; i++) {
		const struct ga_toxic *t = c->mt[i].t;

		if (!c->mt[i].on || t->type->kind != GA_TK_MYSQL_CUT ||
		    ga_cut_point_of(t) != point || spent(t))
			continue;
		cmd = ga_cut_command_of(t);
		if (point == GA_CUT_COMMAND && cmd >= 0 && cmd != ev->command)
			continue;
		if (point == GA_CUT_ROW &&
		    ev->row != (unsigned long long)ga_toxic_num(t, "row"))
			continue;
		*after = ga_toxic_num(t, "after") != 0;
		return t;
	}
	return NULL;
}

static const struct ga_toxic *kill_at(struct ga_sv_conn *c,
				      const struct ga_mw_event *ev)
{
	size_t i;

	/* COM_QUIT (1): the session ends anyway */
	if (ev->point != GA_MW_COMMAND || !c->wire.thread_id ||
	    ev->command == 1)
		return NULL;
	for (i = 0; i < c->nmt; i++)
		if (c->mt[i].on && c->mt[i].t->type->kind == GA_TK_MYSQL_KILL &&
		    !spent(c->mt[i].t))
			return c->mt[i].t;
	return NULL;
}

static void submit_kill(struct ga_relay *r, struct ga_sv_conn *c, bool query)
{
	struct ga_sv_job *job = calloc(1, sizeof(*job));

	if (!job)
		return;
	job->kind = GA_JOB_KILL;
	job->thread_id = c->wire.thread_id;
	job->query = query;
	job->conn_id = query ? 0 : c->id;
	c->kills++;
	r->env.submit(r->env.ctx, job);
}

/* A cut happens now on link l (its reason already set): what came
 * before it is in the chain; the end follows (a reset, a close), or
 * nothing passes any more (hold). */
static void cut_now(struct ga_sv_conn *c, struct link *l, int action)
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

/* ---- a link's bytes ------------------------------------------------------------- */

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

/* The length of the packet whose header is at p (len bytes there). */
static size_t packet_len(const unsigned char *p, size_t len)
{
	return len < 3 ? 4 : 4 + ((size_t)p[0] | (size_t)p[1] << 8 |
				  (size_t)p[2] << 16);
}

/* What a mysql toxic does at the packet that begins at p[*off] (ev).
 * When it acts there, what came since *start goes into the chain first
 * and *start moves on: returns 1 when the rest of p is not for the
 * chain now (a cut; a KILL waited for: held), else 0. */
static int act(struct ga_relay *r, struct ga_sv_conn *c, struct link *l,
	       const struct ga_mw_event *ev, const unsigned char *p,
	       size_t *start, size_t *off, size_t len, double ts)
{
	struct ga_toxic *t;
	bool after = false;

	t = (struct ga_toxic *)cut_at(c, ev, &after);
	if (t) {
		t->acted++;
		set_ended(c, "%s (mysql_cut) at %s%s", t->name,
			  ga_toxic_str(t, "at"), after ? ", after it" : "");
		if (after) {    /* this packet passes, header and payload */
			l->cut_after = packet_len(p + *off, len - *off);
			l->cut_action = ga_cut_action_of(t) + 1;
			return 0;
		}
		pass_on(l, p + *start, *off - *start, ts);
		cut_now(c, l, ga_cut_action_of(t));
		*start = *off = len;
		return 1;
	}
	t = (struct ga_toxic *)kill_at(c, ev);
	if (!t)
		return 0;
	t->acted++;
	if (ga_toxic_num(t, "query")) {
		c->kill_query = true;   /* once the command is written */
		return 0;
	}
	/* KILL first: the command waits for it */
	pass_on(l, p + *start, *off - *start, ts);
	hold_back(l, p + *off, len - *off, ts);
	l->paused = true;
	*start = *off = len;
	submit_kill(r, c, false);
	return 1;
}

/* Passes k's bytes (read on link l) through the MySQL watch into the
 * chain, acting at the points the mysql toxics name; k is taken. */
static void feed(struct ga_relay *r, struct ga_sv_conn *c, struct link *l,
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
	if (c->wire.phase == GA_MW_PHASE_LOST && l->dir == GA_STREAM_UP)
		quiet = server_quiet(c);
	while (off < len && !c->hold && !l->src_end) {
		if (l->cut_after) {     /* a packet passes, then its cut */
			size_t want = len - off < l->cut_after ? len - off :
				      (size_t)l->cut_after;

			n = ga_mysql_wire_step(&c->wire, l->dir, p + off, want,
					       quiet, &ev);
			if (n == 0)     /* the watch sees no more of it: pass */
				n = want;
			off += n;
			l->cut_after -= n;
			if (l->cut_after == 0) {
				pass_on(l, p + start, off - start, ts);
				start = off;
				cut_now(c, l, l->cut_action - 1);
			}
			continue;
		}
		n = ga_mysql_wire_step(&c->wire, l->dir, p + off, len - off,
				       quiet, &ev);
		off += n;
		if (ev.point == GA_MW_NONE)
			continue;
		if (ev.point == GA_MW_MORE) {   /* the rest, for more bytes */
			hold_back(l, p + off, len - off, ts);
			len = off;
			break;
		}
		/* the bytes go into the chain whole, not a packet at a
		 * time: split only where a toxic acts */
		act(r, c, l, &ev, p, &start, &off, len, ts);
	}
	if (!c->hold)
		pass_on(l, p + start, off - start, ts);
	free(k);
}

/* A read of l's source returned n (errno set when -1): whether that is
 * all for now - nothing more to read (EAGAIN), or the source ended (its
 * reason set). */
static bool src_ended(struct ga_sv_conn *c, struct link *l, ssize_t n)
{
	if (n < 0 && errno == EINTR)
		return false;
	if (n < 0 && errno == EAGAIN)
		return true;
	set_ended(c, "the %s %s", l->dir == GA_STREAM_UP ? "client" :
		  "server", n == 0 ? "closed" : errno == ECONNRESET ?
		  "reset the connection" : "went away");
	l->src_end = true;
	return true;
}

/* Reads what the source of l has (not spliced). */
static void link_read(struct ga_relay *r, struct ga_sv_conn *c, struct link *l)
{
	static unsigned char buf[CHUNK_SIZE];
	int src = c->fd[l->dir == GA_STREAM_UP ? 0 : 1];
	struct ga_chunk *k;
	ssize_t n;
	int reads;

	for (reads = 0; reads < 4; reads++) {
		if (src < 0 || l->src_end || l->paused ||
		    l->chain.held >= LINK_MAX_HELD)
			return;
		n = read(src, buf, sizeof(buf));
		if (n > 0) {
			c->bytes[l->dir] += (unsigned long long)n;
			if (c->hold)
				continue;       /* nothing passes */
			k = ga_chunk_new((size_t)n, ga_clock_ms());
			if (!k)
				return;
			memcpy(k->data, buf, (size_t)n);
			feed(r, c, l, k);
			if ((size_t)n < sizeof(buf))
				return;
			continue;
		}
		if (src_ended(c, l, n))
			return;
	}
}

static int make_pipe(struct ga_relay *r, struct link *l)
{
	if (l->pipe[0] >= 0)
		return 0;
	if (r->npipes) {
		r->npipes--;
		l->pipe[0] = r->pipes[r->npipes][0];
		l->pipe[1] = r->pipes[r->npipes][1];
		return 0;
	}
	if (pipe2(l->pipe, O_NONBLOCK | O_CLOEXEC) != 0)
		return -1;
	fcntl(l->pipe[1], F_SETPIPE_SZ, PIPE_SIZE);
	return 0;
}

/* splice(): what the source of l has, into its pipe. */
static void splice_in(struct ga_relay *r, struct ga_sv_conn *c,
		      struct link *l)
{
	int src = c->fd[l->dir == GA_STREAM_UP ? 0 : 1];
	ssize_t n;
	size_t want;

	if (src < 0 || l->src_end || make_pipe(r, l))
		return;
	while (l->in_pipe < PIPE_SIZE) {
		want = PIPE_SIZE - l->in_pipe;
		n = splice(src, NULL, l->pipe[1], NULL, want,
			   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0) {
			l->in_pipe += (size_t)n;
			c->bytes[l->dir] += (unsigned long long)n;
			if ((size_t)n < want)
				return;
			continue;
		}
		if (src_ended(c, l, n))
			return;
	}
}

/* The destination of l is gone: what it holds is dropped, and the way
 * back (whose source it is) ends. */
static void dst_gone(struct ga_sv_conn *c, struct link *l)
{
	int side = l->dir == GA_STREAM_UP ? 1 : 0;

	set_ended(c, "the %s went away", side ? "server" : "client");
	close_side(c, side, false);
	ga_chain_free(&l->chain);
	ga_chain_init(&l->chain);
	l->in_pipe = 0;
	l->done = true;
	c->l[!l->dir].src_end = true;
}

/* A write to l's destination returned n (errno set when -1): whether
 * to write on; else it would block (l waits for EPOLLOUT) or the
 * destination is gone. */
static bool write_on(struct ga_sv_conn *c, struct link *l, ssize_t n)
{
	if (n > 0 || (n < 0 && errno == EINTR))
		return true;
	if (n < 0 && errno == EAGAIN)
		l->want_out = true;
	else
		dst_gone(c, l);
	return false;
}

/* Writes what went through l (the pipe first: it passed before). */
static void link_write(struct ga_relay *r, struct ga_sv_conn *c,
		       struct link *l)
{
	int dst = c->fd[l->dir == GA_STREAM_UP ? 1 : 0];
	struct ga_chunk *k;
	ssize_t n;

	if (l->done || l->want_out)
		return;
	if (dst < 0) {
		dst_gone(c, l);
		return;
	}
	while (l->in_pipe) {
		n = splice(l->pipe[0], NULL, dst, NULL, l->in_pipe,
			   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0)
			l->in_pipe -= (size_t)n;
		if (!write_on(c, l, n))
			return;
	}
	while ((k = ga_chain_peek(&l->chain)) != NULL) {
		struct iovec iov[IOV_BATCH];
		struct msghdr msg;
		int niov = 0;

		/* what went through, in one call as far as it goes */
		for (; k && niov < IOV_BATCH; k = k->next) {
			if (k->len == 0)
				continue;
			iov[niov].iov_base = k->data + k->off;
			iov[niov++].iov_len = k->len;
		}
		if (niov == 0) {
			ga_chain_consumed(&l->chain, 0);
			continue;
		}
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = iov;
		msg.msg_iovlen = (size_t)niov;
		n = sendmsg(dst, &msg, MSG_NOSIGNAL);
		if (n > 0)
			ga_chain_consumed(&l->chain, (size_t)n);
		if (!write_on(c, l, n))
			return;
	}
	if (c->kill_query && l->dir == GA_STREAM_UP && !l->chain.held) {
		c->kill_query = false;  /* the command is on its way */
		submit_kill(r, c, true);
	}
}

/* Whether dst still has bytes it has not sent (a reset would drop
 * them). */
static bool unsent(int fd)
{
	int n = 0;

	return ioctl(fd, SIOCOUTQ, &n) == 0 && n > 0;
}

/* l's end went through its chain and what it held was written: its
 * destination closes (a reset once what was written has left, for a
 * while), and the way back ends.  Returns whether it closed. */
static bool link_finish(struct ga_sv_conn *c, struct link *l, double now)
{
	int side = l->dir == GA_STREAM_UP ? 1 : 0;

	if (l->chain.closer[0])
		set_ended(c, "toxic %s", l->chain.closer);
	if (c->reset && c->fd[side] >= 0 && unsent(c->fd[side])) {
		if (l->drain_until == 0)
			l->drain_until = now + RST_DRAIN_MS;
		if (now < l->drain_until)
			return false;
	}
	close_side(c, side, c->reset || c->linger0);
	l->done = true;
	c->l[!l->dir].src_end = true;   /* its source was that socket */
	return true;
}

/* ---- a connection moves on ---------------------------------------------------- */

/* Whether c may be spliced from now on: nothing to read its bytes for. */
static bool may_splice(const struct ga_relay *r, const struct ga_sv_conn *c)
{
	int i;

	if (c->spliced || r->env.log_all || c->proxy->ntoxics ||
	    !ga_mysql_wire_past_login(&c->wire) || c->hold || c->kill_query)
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
			link_write(r, c, l);
			if (!l->done && l->chain.end && !l->in_pipe &&
			    !ga_chain_peek(&l->chain) && !link_finish(c, l, now))
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
		set_ended(c, "the upstream could not be reached: %s", why);
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
				splice_in(r, c, l);
			else
				link_read(r, c, l);
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
		ga_sv_log_str(f, "result", job->rc ? job->msg : "killed");
		ga_sv_log_end(r->env.log);
	}
	for (c = r->conns; c && job->conn_id; c = c->next) {
		if (c->id != job->conn_id || c->dead)
			continue;
		l = &c->l[GA_STREAM_UP];
		l->paused = false;
		k = l->held;            /* the command, on its way now */
		l->held = NULL;
		if (k)
			feed(r, c, l, k);
		conn_progress(r, c);
		break;
	}
	free(job);
}
