/* apiconn.c - see apiconn.h: the API's connections, each read, gated,
 * answered and written on serve's loop. */
#include "serve/apiconn.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "serve/api.h"
#include "serve/peers.h"
#include "util/clock.h"

#define API_MAX_CONNS 64
#define API_READ_MS 15000               /* Go's ReadTimeout, Toxiproxy's */
#define API_IDLE_MS 60000               /* Go's IdleTimeout */
#define API_BUF_MAX (GA_HTTP_MAX_HEAD + GA_HTTP_MAX_BODY + 65536)

struct conn {
	struct conn *next;
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

struct ga_api_conns {
	struct ga_api_conns_env env;
	struct conn *conns;
	unsigned nconns;
	unsigned long next_id;
	bool busy;                      /* an API job is under way */
};

struct ga_api_conns *ga_api_conns_new(const struct ga_api_conns_env *env)
{
	struct ga_api_conns *A = calloc(1, sizeof(*A));

	if (A)
		A->env = *env;
	return A;
}

static void api_watch(struct ga_api_conns *A, struct conn *c, uint32_t ev)
{
	struct epoll_event e;

	if (c->dead || c->ev == ev)
		return;
	memset(&e, 0, sizeof(e));
	e.events = ev;
	e.data.ptr = &c->w;
	epoll_ctl(A->env.epfd, EPOLL_CTL_MOD, c->fd, &e);
	c->ev = ev;
}

static void api_close(struct ga_api_conns *A, struct conn *c)
{
	if (c->dead)
		return;
	close(c->fd);
	c->fd = -1;
	c->dead = true;
	A->nconns--;
}

/* Whether the socket at the other end of fd is the owner's or root's
 * (the kernel says whose: serve/peers.h); not when it cannot say. */
static bool is_owner(struct ga_api_conns *A, int fd)
{
	uid_t uid;

	if (ga_sv_peer_uid(fd, &uid) != 0)
		return false;
	return uid == 0 || uid == A->env.owner || uid == geteuid();
}

static void api_accept(struct ga_api_conns *A)
{
	struct conn *c;
	struct epoll_event e;
	int fd;

	while ((fd = accept4(A->env.lfd, NULL, NULL, SOCK_NONBLOCK |
			     SOCK_CLOEXEC)) >= 0) {
		c = ga_sv_peer_admit(fd, A->nconns, API_MAX_CONNS,
				     sizeof(*c));
		if (!c)
			continue;
		c->id = ++A->next_id;
		c->fd = fd;
		c->owner = is_owner(A, fd);
		c->w.kind = GA_W_API_CONN;
		c->w.obj = c;
		c->since = ga_clock_ms();
		ga_http_reader_init(&c->rd);
		memset(&e, 0, sizeof(e));
		e.events = EPOLLIN;
		e.data.ptr = &c->w;
		if (epoll_ctl(A->env.epfd, EPOLL_CTL_ADD, fd, &e) != 0) {
			close(fd);
			free(c);
			continue;
		}
		c->ev = EPOLLIN;
		c->next = A->conns;
		A->conns = c;
		A->nconns++;
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

static void api_flush(struct ga_api_conns *A, struct conn *c);

/* The log's line of a request answered status; error: why it was
 * refused (the body's reason), NULL when it was not. */
static void log_api(struct ga_api_conns *A, const char *method,
		    const char *path, int status, const char *error)
{
	FILE *f = ga_sv_log_begin(A->env.log, "api");

	if (!f)
		return;
	ga_sv_log_str(f, "method", method);
	ga_sv_log_str(f, "path", path);
	ga_sv_log_int(f, "status", status);
	if (error)
		ga_sv_log_str(f, "error", error);
	ga_sv_log_end(A->env.log);
}

/* resp as c's answer: its request was HTTP/1.minor, a HEAD or not, and
 * the connection stays when keep_alive. */
static void api_answer(struct ga_api_conns *A, struct conn *c,
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
		api_close(A, c);
		return;
	}
	c->close_after = !keep_alive;
	api_flush(A, c);
}

/* The reader refused c's request: Go's answer, and the end of c. */
static void api_refuse(struct ga_api_conns *A, struct conn *c,
		       const struct ga_http_refusal *bad)
{
	struct ga_api_response resp;

	log_api(A, "?", bad->reason, bad->status, NULL);
	if (bad->status == 417) {       /* an ordinary answer */
		memset(&resp, 0, sizeof(resp));
		resp.status = 417;
		api_answer(A, c, &resp, c->rd.req.minor, false, false);
		return;
	}
	free(c->out);
	c->out = NULL;
	c->out_off = 0;
	if (ga_api_refusal_bytes(bad, &c->out, &c->out_len)) {
		api_close(A, c);
		return;
	}
	c->close_after = true;
	api_flush(A, c);
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
static void api_request(struct ga_api_conns *A, struct conn *c)
{
	struct ga_api_response resp;

	if (ga_api_gate(A->env.sv, &c->rd.req, c->owner, &resp) == 0)
		ga_api_handle(A->env.sv, &c->rd.req, &resp);
	if (resp.job) {
		resp.job->api_conn = c->id;
		c->waiting = true;
		c->job_keep_alive = c->rd.req.keep_alive;
		c->job_minor = c->rd.req.minor;
		snprintf(c->job_method, sizeof(c->job_method), "%s",
			 c->rd.req.method);
		snprintf(c->job_path, sizeof(c->job_path), "%s",
			 c->rd.req.path);
		A->busy = true;
		A->env.submit(A->env.ctx, resp.job);
		return;
	}
	log_api(A, c->rd.req.method, c->rd.req.path, resp.status,
		resp.error);
	api_answer(A, c, &resp, c->rd.req.minor,
		   strcmp(c->rd.req.method, "HEAD") == 0, c->rd.req.keep_alive);
	ga_api_response_free(&resp);
}

/* Answers what c has read, one request after another; while the API
 * waits for a job, a request that may change something waits too. */
static void api_serve(struct ga_api_conns *A, struct conn *c)
{
	struct ga_http_refusal bad;
	int rc;

	c->serving = true;
	while (!c->dead && !c->waiting && !c->out) {
		if (c->deferred && A->busy)
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
					api_close(A, c);
			}
			if (c->eof)
				api_close(A, c);
			break;
		}
		if (rc == GA_HTTP_REFUSED) {
			api_refuse(A, c, &bad);
			break;
		}
		if (A->busy && changes(&c->rd.req)) {
			c->deferred = true;     /* read whole, kept */
			break;
		}
		api_request(A, c);
		/* the request's bytes go; the next one's stay */
		memmove(c->buf, c->buf + c->rd.req.consumed,
			c->len - c->rd.req.consumed);
		c->len -= c->rd.req.consumed;
		ga_http_reader_reset(&c->rd);
		c->continued = false;
		c->since = ga_clock_ms();
		if (!c->eof && !c->out && c->ev == 0)
			api_watch(A, c, EPOLLIN);       /* room again */
	}
	c->serving = false;
}

/* Writes what c has to say; once written, it closes or reads on. */
static void api_flush(struct ga_api_conns *A, struct conn *c)
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
			api_watch(A, c, EPOLLOUT);
			return;
		}
		api_close(A, c);
		return;
	}
	free(c->out);
	c->out = NULL;
	c->since = ga_clock_ms();
	if (c->close_after) {
		/* what the client may still send is not read: a FIN first,
		 * so that it sees the whole answer */
		shutdown(c->fd, SHUT_WR);
		api_close(A, c);
		return;
	}
	api_watch(A, c, c->eof ? 0 : EPOLLIN);
	if (!c->serving)
		api_serve(A, c);        /* what came meanwhile, or the end */
}

static void api_read(struct ga_api_conns *A, struct conn *c)
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
				api_close(A, c);
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
			api_watch(A, c, 0);
			break;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			api_close(A, c);
		break;
	}
	/* a full buffer reads no more until requests leave it: the socket
	 * is not watched meanwhile (it would wake the loop for nothing) */
	if (!c->eof && c->len >= API_BUF_MAX && !c->out)
		api_watch(A, c, 0);
	api_serve(A, c);
	if (!c->dead && c->eof && !c->waiting && !c->out)
		api_close(A, c);
}

static struct conn *api_find(struct ga_api_conns *A, unsigned long id)
{
	struct conn *c;

	for (c = A->conns; c; c = c->next)
		if (c->id == id && !c->dead)
			return c;
	return NULL;
}

void ga_api_conns_job_done(struct ga_api_conns *A, struct ga_sv_job *job)
{
	struct ga_api_response resp;
	unsigned long id = job->api_conn;
	struct conn *c;
	FILE *f;

	f = ga_sv_log_begin(A->env.log, "server");
	if (f) {
		ga_sv_log_str(f, "what", job->kind == GA_JOB_RESTORE ?
			      "reset" : job->event);
		ga_sv_log_str(f, "result", job->msg[0] ? job->msg : "done");
		ga_sv_log_end(A->env.log);
	}
	ga_api_finish(A->env.sv, job, &resp);
	A->busy = false;
	c = api_find(A, id);
	if (c) {
		c->waiting = false;
		log_api(A, c->job_method, c->job_path, resp.status,
			resp.error);
		api_answer(A, c, &resp, c->job_minor, false, c->job_keep_alive);
	}
	ga_api_response_free(&resp);
}

void ga_api_conns_resume(struct ga_api_conns *A)
{
	struct conn *c;

	for (c = A->conns; c && !A->busy; c = c->next)
		if (!c->dead && !c->waiting && !c->out)
			api_serve(A, c);
}

double ga_api_conns_timers(struct ga_api_conns *A, double now)
{
	struct conn *c;
	double next = 0, at;

	for (c = A->conns; c; c = c->next) {
		if (c->dead || c->waiting || c->deferred)
			continue;       /* what waits for a job is not idle */
		at = c->since + (c->len || c->out ? API_READ_MS : API_IDLE_MS);
		if (now >= at) {
			api_close(A, c);
			continue;
		}
		if (next == 0 || at < next)
			next = at;
	}
	return next;
}

void ga_api_conns_reap(struct ga_api_conns *A)
{
	struct conn **pp = &A->conns, *c;

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


void ga_api_conns_event(struct ga_api_conns *A, struct ga_sv_watch *w,
			uint32_t ev)
{
	struct conn *c;

	if (w->kind == GA_W_API_LISTEN) {
		api_accept(A);
		return;
	}
	c = w->obj;
	if (c->dead)
		return;
	if (ev & EPOLLOUT)
		api_flush(A, c);
	if (!c->dead && (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)))
		api_read(A, c);
}

void ga_api_conns_free(struct ga_api_conns *A)
{
	struct conn *c;

	if (!A)
		return;
	for (c = A->conns; c; c = c->next)
		api_close(A, c);
	ga_api_conns_reap(A);
	free(A);
}
