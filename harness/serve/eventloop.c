/* eventloop.c - see serve.h: the one loop of goneaway serve, its API
 * connections, and the hooks that join the API to the relay and to the
 * backstage. */
#include "serve/serve.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "serve/address.h"
#include "serve/api.h"
#include "serve/backstage.h"
#include "serve/envfile.h"
#include "serve/peers.h"
#include "serve/relay.h"
#include "serve/servelog.h"
#include "util/clock.h"

#define API_MAX_CONNS 64
#define API_READ_MS 15000               /* Go's ReadTimeout, Toxiproxy's */
#define API_IDLE_MS 60000               /* Go's IdleTimeout */
#define API_BUF_MAX (GA_HTTP_MAX_HEAD + GA_HTTP_MAX_BODY + 65536)
#define EVENTS 64

struct api_conn {
	struct api_conn *next;
	unsigned long id;
	int fd;
	struct ga_sv_watch w;
	uint32_t ev;
	char *buf;                      /* what was read, not yet answered */
	size_t len, cap;
	struct ga_http_reader rd;
	char *out;                      /* an answer being written */
	size_t out_len, out_off;
	bool close_after;               /* once out is written */
	bool waiting;                   /* its request's job is under way */
	bool job_keep_alive;            /* ... and the request kept it open */
	int job_minor;
	char job_method[16];            /* ... and was this, for the log */
	char job_path[256];
	bool continued;                 /* "100 Continue" was sent */
	bool eof;                       /* the client closed its side */
	bool owner;                     /* its peer is the owner's or root's */
	bool deferred;                  /* its request (read whole, passed
					 * the gate) waits for the API's job */
	bool serving;                   /* in api_serve() */
	bool dead;
	double since;                   /* its last request began, or it
					 * was last busy */
};

struct loop {
	const struct ga_serve_options *o;
	struct ga_interrupt *in;
	int epfd, api_fd;
	struct ga_sv_watch sig_w, api_w, done_w;
	struct ga_backstage bs;
	bool bs_open;
	struct ga_relay *relay;
	struct ga_sv sv;
	bool sv_open;
	struct ga_sv_log log;
	struct api_conn *conns;
	unsigned nconns;
	unsigned long next_id;
	bool busy;                      /* an API job is under way */
	char env[1024];                 /* the lines printed */
	char env_file[1200];            /* ... and the token: the env file's */
	struct ga_sv_envfile envf;
	struct ga_sv_addr api_addr;     /* where the API listens */
	char url[96];
};

#define LOOP(sv) ((struct loop *)(sv)->ctx)

static double earliest_of(double a, double b)
{
	return a == 0 ? b : b == 0 ? a : a < b ? a : b;
}

/* ---- hooks: the API's hands ------------------------------------------------------ */

static int hk_listen(struct ga_sv *sv, struct ga_sv_proxy *p,
		     struct ga_error *err)
{
	return ga_relay_listen(LOOP(sv)->relay, p, err);
}

static ino_t inode_of(int fd)
{
	struct stat st;

	return fd >= 0 && fstat(fd, &st) == 0 ? st.st_ino : 0;
}

/* The relay's word before a proxy listens on port (bound, not yet
 * listening): no other program listens there, on any address of either
 * family (goneaway serve's own sockets aside). */
static int may_listen(void *ctx, unsigned port, struct ga_error *err)
{
	struct loop *L = ctx;
	ino_t own[GA_SV_MAX_PROXIES + 1];
	size_t i, n = 0;
	char who[80];
	int rc;

	own[n++] = inode_of(L->api_fd);
	for (i = 0; i < L->sv.nproxies && n < GA_SV_MAX_PROXIES + 1; i++)
		if (L->sv.proxies[i]->lfd >= 0)
			own[n++] = inode_of(L->sv.proxies[i]->lfd);
	rc = ga_sv_port_taken(port, own, n, who, sizeof(who));
	if (rc < 0)
		return ga_error_errno(err, -rc, "the host's listening sockets "
				      "(sock_diag)");
	if (rc > 0)
		return ga_error_set(err, "another program listens on port %u "
				    "(%s): goneaway serve does not listen "
				    "beside it", port, who);
	return 0;
}

static void hk_unlisten(struct ga_sv *sv, struct ga_sv_proxy *p)
{
	ga_relay_unlisten(LOOP(sv)->relay, p);
}

static void hk_added(struct ga_sv *sv, struct ga_sv_proxy *p,
		     struct ga_toxic *t)
{
	ga_relay_toxic_added(LOOP(sv)->relay, p, t);
}

static void hk_updated(struct ga_sv *sv, struct ga_sv_proxy *p,
		       struct ga_toxic *t)
{
	ga_relay_toxic_updated(LOOP(sv)->relay, p, t);
}

static void hk_removed(struct ga_sv *sv, struct ga_sv_proxy *p,
		       struct ga_toxic *t)
{
	ga_relay_toxic_removed(LOOP(sv)->relay, p, t);
}

static void hk_server_json(struct ga_sv *sv, FILE *f)
{
	ga_backstage_server_json(&LOOP(sv)->bs, f);
}

static int hk_fault(struct ga_sv *sv, int lift_line,
		    const struct ga_fault_kind *kind, const void *spec,
		    int line, char *msg, size_t len)
{
	return ga_backstage_fault(&LOOP(sv)->bs, lift_line, kind, spec, line,
				  msg, len);
}

static const struct ga_sv_hooks hooks = {
	.listen = hk_listen,
	.unlisten = hk_unlisten,
	.toxic_added = hk_added,
	.toxic_updated = hk_updated,
	.toxic_removed = hk_removed,
	.server_json = hk_server_json,
	.fault = hk_fault,
};

static void submit(void *ctx, struct ga_sv_job *job)
{
	ga_backstage_submit(&((struct loop *)ctx)->bs, job);
}

/* ---- the API's address and socket ------------------------------------------------ */

int ga_serve_api_check(const char *api, struct ga_error *err)
{
	struct ga_sv_addr a;
	char msg[512];
	int status;

	if (ga_sv_addr_listen(api, &a, &status, msg, sizeof(msg)))
		return ga_error_set(err, "--api %s: %s", api, status == 400 ?
				    "not a loopback address: the API listens "
				    "on loopback only (127.0.0.0/8, ::1 or "
				    "localhost)" : msg);
	/* a wildcard would be taken as loopback for a proxy; the API's
	 * address is the user's own choice: say it */
	if (strchr(api, ':') == api || strncmp(api, "0.0.0.0:", 8) == 0 ||
	    strncmp(api, "[::]:", 5) == 0)
		return ga_error_set(err, "--api %s: not a loopback address: "
				    "give one (127.0.0.1:8474)", api);
	return 0;
}

static int api_listen(struct loop *L, struct ga_error *err)
{
	struct ga_sv_addr a;
	char msg[512], text[80];
	int status, one = 1;

	if (ga_sv_addr_listen(L->o->api, &a, &status, msg, sizeof(msg)))
		return ga_error_set(err, "--api %s: %s", L->o->api, msg);
	L->api_fd = socket(a.sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
			   SOCK_CLOEXEC, 0);
	if (L->api_fd < 0)
		return ga_error_errno(err, errno, "socket");
	setsockopt(L->api_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(L->api_fd, (struct sockaddr *)&a.sa, a.len) != 0 ||
	    listen(L->api_fd, 64) != 0)
		return ga_error_errno(err, errno, "--api %s", L->o->api);
	L->api_addr.len = sizeof(L->api_addr.sa);
	if (getsockname(L->api_fd, (struct sockaddr *)&L->api_addr.sa,
			&L->api_addr.len) != 0)
		return ga_error_errno(err, errno, "--api %s", L->o->api);
	ga_sv_addr_text((struct sockaddr *)&L->api_addr.sa, text, sizeof(text));
	snprintf(L->url, sizeof(L->url), "http://%s", text);
	return 0;
}

/* ---- API connections ------------------------------------------------------------- */

static void api_watch(struct loop *L, struct api_conn *c, uint32_t ev)
{
	struct epoll_event e;

	if (c->dead || c->ev == ev)
		return;
	memset(&e, 0, sizeof(e));
	e.events = ev;
	e.data.ptr = &c->w;
	epoll_ctl(L->epfd, EPOLL_CTL_MOD, c->fd, &e);
	c->ev = ev;
}

static void api_close(struct loop *L, struct api_conn *c)
{
	if (c->dead)
		return;
	close(c->fd);
	c->fd = -1;
	c->dead = true;
	L->nconns--;
}

/* Whether the socket at the other end of fd is the owner's or root's
 * (the kernel says whose: serve/peers.h); not when it cannot say. */
static bool is_owner(struct loop *L, int fd)
{
	uid_t uid;

	if (ga_sv_peer_uid(fd, &uid) != 0)
		return false;
	return uid == 0 || uid == L->o->owner || uid == geteuid();
}

static void api_accept(struct loop *L)
{
	struct api_conn *c;
	struct epoll_event e;
	int fd;

	while ((fd = accept4(L->api_fd, NULL, NULL, SOCK_NONBLOCK |
			     SOCK_CLOEXEC)) >= 0) {
		if (L->nconns >= API_MAX_CONNS) {
			close(fd);      /* too many: closed, never hung */
			continue;
		}
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		c->id = ++L->next_id;
		c->fd = fd;
		c->owner = is_owner(L, fd);
		c->w.kind = GA_W_API_CONN;
		c->w.obj = c;
		c->since = ga_clock_ms();
		ga_http_reader_init(&c->rd);
		memset(&e, 0, sizeof(e));
		e.events = EPOLLIN;
		e.data.ptr = &c->w;
		if (epoll_ctl(L->epfd, EPOLL_CTL_ADD, fd, &e) != 0) {
			close(fd);
			free(c);
			continue;
		}
		c->ev = EPOLLIN;
		c->next = L->conns;
		L->conns = c;
		L->nconns++;
	}
}

/* Toxiproxy's X-Toxiproxy-Request-Id: 20 characters, unique in the
 * process (the time it started, a count). */
static void request_id(char *buf, size_t len)
{
	static unsigned long long started, n;

	if (!started)
		started = (unsigned long long)time(NULL);
	snprintf(buf, len, "%010llx%010llx", started & 0xffffffffffull, ++n);
}

static void api_flush(struct loop *L, struct api_conn *c);

static void log_api(struct loop *L, const char *method, const char *path,
		    int status)
{
	FILE *f = ga_sv_log_begin(&L->log, "api");

	if (!f)
		return;
	ga_sv_log_str(f, "method", method);
	ga_sv_log_str(f, "path", path);
	ga_sv_log_int(f, "status", status);
	ga_sv_log_end(&L->log);
}

/* resp as c's answer: its request was HTTP/1.minor, a HEAD or not, and
 * the connection stays when keep_alive. */
static void api_answer(struct loop *L, struct api_conn *c,
		       struct ga_api_response *resp, int minor, bool head,
		       bool keep_alive)
{
	struct ga_api_wire how;
	char id[24];

	request_id(id, sizeof(id));
	how.minor = minor;
	how.keep_alive = keep_alive;
	how.head = head;
	how.request_id = id;
	free(c->out);
	c->out = NULL;
	c->out_off = 0;
	if (ga_api_response_bytes(resp, &how, &c->out, &c->out_len)) {
		api_close(L, c);
		return;
	}
	c->close_after = !keep_alive;
	api_flush(L, c);
}

/* The reader refused c's request: Go's answer, and the end of c. */
static void api_refuse(struct loop *L, struct api_conn *c,
		       const struct ga_http_refusal *bad)
{
	struct ga_api_response resp;

	log_api(L, "?", bad->reason, bad->status);
	if (bad->status == 417) {       /* an ordinary answer */
		memset(&resp, 0, sizeof(resp));
		resp.status = 417;
		api_answer(L, c, &resp, c->rd.req.minor, false, false);
		return;
	}
	free(c->out);
	c->out = NULL;
	c->out_off = 0;
	if (ga_api_refusal_bytes(bad, &c->out, &c->out_len)) {
		api_close(L, c);
		return;
	}
	c->close_after = true;
	api_flush(L, c);
}

/* Whether req may change something (while the API waits for a job,
 * only what changes nothing is answered). */
static bool changes(const struct ga_http_request *req)
{
	return strcmp(req->method, "GET") != 0 &&
	       strcmp(req->method, "HEAD") != 0;
}

/* Answers c's request, read whole: refused at the gate, answered, or
 * handed to the backstage (the answer comes when its job is done). */
static void api_request(struct loop *L, struct api_conn *c)
{
	struct ga_api_response resp;

	if (ga_api_gate(&L->sv, &c->rd.req, c->owner, &resp) == 0)
		ga_api_handle(&L->sv, &c->rd.req, &resp);
	if (resp.job) {
		resp.job->api_conn = c->id;
		c->waiting = true;
		c->job_keep_alive = c->rd.req.keep_alive;
		c->job_minor = c->rd.req.minor;
		snprintf(c->job_method, sizeof(c->job_method), "%s",
			 c->rd.req.method);
		snprintf(c->job_path, sizeof(c->job_path), "%s",
			 c->rd.req.path);
		L->busy = true;
		ga_backstage_submit(&L->bs, resp.job);
		return;
	}
	log_api(L, c->rd.req.method, c->rd.req.path, resp.status);
	api_answer(L, c, &resp, c->rd.req.minor,
		   strcmp(c->rd.req.method, "HEAD") == 0, c->rd.req.keep_alive);
	ga_api_response_free(&resp);
}

/* Answers what c has read, one request after another; while the API
 * waits for a job, a request that may change something waits too. */
static void api_serve(struct loop *L, struct api_conn *c)
{
	struct ga_http_refusal bad;
	int rc;

	c->serving = true;
	while (!c->dead && !c->waiting && !c->out) {
		if (c->deferred && L->busy)
			break;
		rc = c->deferred ? GA_HTTP_COMPLETE :
		     ga_http_read(&c->rd, c->buf ? c->buf : "", c->len, &bad);
		c->deferred = false;
		if (rc == GA_HTTP_MORE && c->len >= API_BUF_MAX) {
			/* a chunked body whose chunks take more room than
			 * the largest body: no more is read, so refuse */
			bad.status = 413;
			bad.public = true;
			snprintf(bad.reason, sizeof(bad.reason), "a request of "
				 "more than %d bytes", API_BUF_MAX);
			rc = GA_HTTP_REFUSED;
		}
		if (rc == GA_HTTP_MORE) {
			if (c->rd.head_read && c->rd.req.expect_continue &&
			    !c->continued) {
				static const char cont[] =
					"HTTP/1.1 100 Continue\r\n\r\n";

				c->continued = true;
				if (send(c->fd, cont, sizeof(cont) - 1,
					 MSG_NOSIGNAL) < 0)
					api_close(L, c);
			}
			if (c->eof)
				api_close(L, c);
			break;
		}
		if (rc == GA_HTTP_REFUSED) {
			api_refuse(L, c, &bad);
			break;
		}
		if (L->busy && changes(&c->rd.req)) {
			c->deferred = true;     /* read whole, kept */
			break;
		}
		api_request(L, c);
		/* the request's bytes go; the next one's stay */
		memmove(c->buf, c->buf + c->rd.req.consumed,
			c->len - c->rd.req.consumed);
		c->len -= c->rd.req.consumed;
		ga_http_reader_reset(&c->rd);
		c->continued = false;
		c->since = ga_clock_ms();
		if (!c->eof && !c->out && c->ev == 0)
			api_watch(L, c, EPOLLIN);       /* room again */
	}
	c->serving = false;
}

/* Writes what c has to say; once written, it closes or reads on. */
static void api_flush(struct loop *L, struct api_conn *c)
{
	ssize_t n;

	while (c->out && c->out_off < c->out_len) {
		n = send(c->fd, c->out + c->out_off, c->out_len - c->out_off,
			 MSG_NOSIGNAL);
		if (n > 0) {
			c->out_off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			api_watch(L, c, EPOLLOUT);
			return;
		}
		api_close(L, c);
		return;
	}
	free(c->out);
	c->out = NULL;
	c->since = ga_clock_ms();
	if (c->close_after) {
		/* what the client may still send is not read: a FIN first,
		 * so that it sees the whole answer */
		shutdown(c->fd, SHUT_WR);
		api_close(L, c);
		return;
	}
	api_watch(L, c, c->eof ? 0 : EPOLLIN);
	if (!c->serving)
		api_serve(L, c);        /* what came meanwhile, or the end */
}

static void api_read(struct loop *L, struct api_conn *c)
{
	ssize_t n;
	size_t cap;
	char *nb;

	for (;;) {
		if (c->len == c->cap) {
			if (c->cap >= API_BUF_MAX) {
				/* more than any request may be: the reader
				 * says why, from what it has */
				break;
			}
			cap = c->cap ? c->cap * 2 : 4096;
			if (cap > API_BUF_MAX)
				cap = API_BUF_MAX;
			nb = realloc(c->buf, cap);
			if (!nb) {
				api_close(L, c);
				return;
			}
			c->buf = nb;
			c->cap = cap;
		}
		n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
		if (n > 0) {
			if (c->len == 0 && !c->rd.head_read)
				c->since = ga_clock_ms();
			c->len += (size_t)n;
			continue;
		}
		if (n == 0) {
			c->eof = true;
			api_watch(L, c, 0);
			break;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			api_close(L, c);
		break;
	}
	/* a full buffer reads no more until requests leave it: the socket
	 * is not watched meanwhile (it would wake the loop for nothing) */
	if (!c->eof && c->len >= API_BUF_MAX && !c->out)
		api_watch(L, c, 0);
	api_serve(L, c);
	if (!c->dead && c->eof && !c->waiting && !c->out)
		api_close(L, c);
}

static struct api_conn *api_find(struct loop *L, unsigned long id)
{
	struct api_conn *c;

	for (c = L->conns; c; c = c->next)
		if (c->id == id && !c->dead)
			return c;
	return NULL;
}

/* The backstage finished jobs: a KILL's goes to the relay, an API's is
 * answered, and the API takes requests again. */
static void jobs_done(struct loop *L)
{
	struct ga_api_response resp;
	struct ga_sv_job *job;
	struct api_conn *c;
	unsigned long conn;
	FILE *f;

	while ((job = ga_backstage_take_done(&L->bs)) != NULL) {
		if (job->kind == GA_JOB_KILL) {
			ga_relay_job_done(L->relay, job);
			continue;
		}
		f = ga_sv_log_begin(&L->log, "server");
		if (f) {
			ga_sv_log_str(f, "what", job->kind == GA_JOB_RESTORE ?
				      "reset" : job->event);
			ga_sv_log_str(f, "result", job->msg[0] ? job->msg :
				      "done");
			ga_sv_log_end(&L->log);
		}
		conn = job->api_conn;
		ga_api_finish(&L->sv, job, &resp);
		L->busy = false;
		c = api_find(L, conn);
		if (c) {
			c->waiting = false;
			log_api(L, c->job_method, c->job_path, resp.status);
			api_answer(L, c, &resp, c->job_minor, false,
				   c->job_keep_alive);
		}
		ga_api_response_free(&resp);
	}
	/* the requests that waited for it */
	for (c = L->conns; c && !L->busy; c = c->next)
		if (!c->dead && !c->waiting && !c->out)
			api_serve(L, c);
}

/* Closes the API connections that have been quiet too long; returns
 * when to look again. */
static double api_timers(struct loop *L, double now)
{
	struct api_conn *c;
	double next = 0, at;

	for (c = L->conns; c; c = c->next) {
		if (c->dead || c->waiting || c->deferred)
			continue;       /* what waits for a job is not idle */
		at = c->since + (c->len || c->out ? API_READ_MS : API_IDLE_MS);
		if (now >= at) {
			api_close(L, c);
			continue;
		}
		if (next == 0 || at < next)
			next = at;
	}
	return next;
}

static void api_reap(struct loop *L)
{
	struct api_conn **pp = &L->conns, *c;

	while ((c = *pp) != NULL) {
		if (!c->dead) {
			pp = &c->next;
			continue;
		}
		*pp = c->next;
		ga_http_reader_free(&c->rd);
		free(c->buf);
		free(c->out);
		free(c);
	}
}

/* ---- the env file ------------------------------------------------------------------ */

/* The lines a suite needs: L->env, printed, and L->env_file, with the
 * token, for the env file alone. */
static void make_env(struct loop *L)
{
	char version[128];

	ga_backstage_version(&L->bs, version, sizeof(version));
	snprintf(L->env, sizeof(L->env),
		 "TOXIPROXY_URL=%s\n"
		 "GONEAWAY_UPSTREAM=%s:%d\n"
		 "MYSQL_USER=%s\n"
		 "MYSQL_PASSWORD=%s\n"
		 "MYSQL_DATABASE=%s\n"
		 "GONEAWAY_SERVER_VERSION=%s\n",
		 L->url, GA_SV_SERVER_HOST, GA_SERVER_PORT, GA_APP_USER,
		 GA_APP_PASSWORD, GA_APP_DATABASE, version);
	snprintf(L->env_file, sizeof(L->env_file), "%sGONEAWAY_API_TOKEN=%s\n",
		 L->env, L->sv.token);
}

int ga_serve_files_check(const struct ga_serve_options *o,
			 struct ga_error *err)
{
	struct ga_sv_envfile e;
	int rc = 0;

	if (o->env_file) {
		rc = ga_sv_envfile_open(&e, o->env_file, o->owner, err);
		ga_sv_envfile_close(&e);
	}
	if (rc == 0 && o->log_file)
		rc = ga_sv_log_check(o->log_file, err);
	return rc;
}

/* ---- the loop ---------------------------------------------------------------------- */

static int add_watch(struct loop *L, int fd, struct ga_sv_watch *w,
		     enum ga_sv_watch_kind kind, struct ga_error *err)
{
	struct epoll_event e;

	w->kind = kind;
	w->obj = L;
	memset(&e, 0, sizeof(e));
	e.events = EPOLLIN;
	e.data.ptr = w;
	if (epoll_ctl(L->epfd, EPOLL_CTL_ADD, fd, &e) != 0)
		return ga_error_errno(err, errno, "epoll_ctl");
	return 0;
}

/* Room for a thousand connections' sockets and pipes. */
static void more_files(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void dispatch(struct loop *L, struct ga_sv_watch *w, uint32_t ev)
{
	struct api_conn *c;

	switch (w->kind) {
	case GA_W_SIGNAL:
		ga_interrupted(L->in);
		break;
	case GA_W_API_LISTEN:
		api_accept(L);
		break;
	case GA_W_API_CONN:
		c = w->obj;
		if (c->dead)
			break;
		if (ev & EPOLLOUT)
			api_flush(L, c);
		if (!c->dead && (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)))
			api_read(L, c);
		break;
	case GA_W_DONE:
		jobs_done(L);
		break;
	case GA_W_PROXY:
	case GA_W_CONN:
		ga_relay_event(L->relay, w, ev);
		break;
	}
}

static void run_loop(struct loop *L)
{
	struct epoll_event ev[EVENTS];
	double now, next, t;
	int n, i, timeout;

	while (!L->in->signo) {
		now = ga_clock_ms();
		next = earliest_of(ga_relay_timers(L->relay, now),
				   api_timers(L, now));
		timeout = -1;
		if (next > 0) {
			t = next - ga_clock_ms();
			timeout = t <= 0 ? 0 : (int)(t + 0.999);
		}
		n = epoll_wait(L->epfd, ev, EVENTS, timeout);
		for (i = 0; i < n; i++)
			dispatch(L, ev[i].data.ptr, ev[i].events);
		ga_relay_reap(L->relay);
		api_reap(L);
	}
}

static void log_ready(struct loop *L)
{
	FILE *f = ga_sv_log_begin(&L->log, "ready");
	char version[128];

	if (!f)
		return;
	ga_backstage_version(&L->bs, version, sizeof(version));
	ga_sv_log_str(f, "api", L->url);
	ga_sv_log_str(f, "server", version);
	ga_sv_log_str(f, "backend", L->o->backend->name);
	ga_sv_log_end(&L->log);
}

static int start(struct loop *L, struct ga_error *err)
{
	struct ga_relay_env env;
	int rc;

	if (L->o->log_file && ga_sv_log_open(&L->log, L->o->log_file, err))
		return -1;
	if (L->o->env_file &&
	    ga_sv_envfile_open(&L->envf, L->o->env_file, L->o->owner, err))
		return -1;
	if (api_listen(L, err))
		return -1;
	rc = ga_backstage_open(&L->bs, L->o->backend, &L->o->server_opts,
			       L->in, err);
	L->bs_open = true;
	if (rc)
		return rc;
	if (ga_backstage_start(&L->bs, err))
		return -1;
	L->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (L->epfd < 0)
		return ga_error_errno(err, errno, "epoll_create1");
	if (add_watch(L, L->in->fd, &L->sig_w, GA_W_SIGNAL, err) ||
	    add_watch(L, L->api_fd, &L->api_w, GA_W_API_LISTEN, err) ||
	    add_watch(L, L->bs.done_fd, &L->done_w, GA_W_DONE, err))
		return -1;
	memset(&env, 0, sizeof(env));
	env.epfd = L->epfd;
	env.client_ns = L->bs.lab.client_ns;
	env.host_ns = L->bs.lab.host_ns;
	env.server_port = GA_SERVER_PORT;
	env.server_addr = GA_LAB_SERVER_ADDR;
	env.dial_uid = L->o->owner;
	env.log_all = L->log.f != NULL;
	env.log = &L->log;
	env.submit = submit;
	env.may_listen = may_listen;
	env.ctx = L;
	L->relay = ga_relay_new(&env);
	if (!L->relay)
		return ga_error_set(err, "out of memory");
	ga_api_open(&L->sv, &hooks, L);
	L->sv_open = true;
	L->sv.version = L->o->version;
	L->sv.have_server = true;
	L->sv.low_ports = L->o->low_ports;
	L->sv.api = L->api_addr;
	if (ga_api_token_new(L->sv.token, sizeof(L->sv.token)))
		return ga_error_set(err, "the API's token: the kernel gives no "
				    "randomness");
	make_env(L);
	L->sv.env = L->env;
	if (L->o->env_file &&
	    ga_sv_envfile_write(&L->envf, L->env_file, L->o->owner, err))
		return -1;
	fputs(L->env, L->o->out);
	fflush(L->o->out);
	log_ready(L);
	return 0;
}

static void stop(struct loop *L)
{
	struct api_conn *c;
	FILE *f = ga_sv_log_begin(&L->log, "stop");

	if (f) {
		ga_sv_log_int(f, "signal", L->in->signo);
		ga_sv_log_end(&L->log);
	}
	for (c = L->conns; c; c = c->next)
		api_close(L, c);
	api_reap(L);
	if (L->sv_open)
		ga_api_close(&L->sv);   /* every proxy stops listening */
	ga_relay_free(L->relay);
	L->relay = NULL;
	if (L->bs_open)
		ga_backstage_close(&L->bs);
	if (L->epfd >= 0)
		close(L->epfd);
	if (L->api_fd >= 0)
		close(L->api_fd);
	ga_sv_envfile_close(&L->envf);
	ga_sv_log_close(&L->log);
}

int ga_serve_run(const struct ga_serve_options *o, struct ga_interrupt *in,
		 struct ga_error *err)
{
	struct loop *L = calloc(1, sizeof(*L));
	int rc;

	if (!L)
		return ga_error_set(err, "out of memory");
	L->o = o;
	L->in = in;
	L->epfd = L->api_fd = L->envf.dir = -1;
	srand48((long)time(NULL) ^ (long)getpid());
	more_files();
	rc = start(L, err);
	if (rc == 0)
		run_loop(L);
	stop(L);
	free(L);
	return rc;
}
