/* eventloop.c - see serve.h: the one loop of goneaway serve, over the
 * API's connections (serve/apiconn.h) and the relay (serve/relay.h),
 * and the hooks that join the API to the relay and to the backstage. */
#include "serve/serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
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
#include "serve/apiconn.h"
#include "serve/backstage.h"
#include "serve/envfile.h"
#include "serve/peers.h"
#include "serve/relay.h"
#include "serve/servelog.h"
#include "util/clock.h"

#define EVENTS 64

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
	struct ga_api_conns *api;       /* its connections */
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

/* Whether o's serve is no root's and has no server: its addresses may
 * be any (ga_sv_addr_listen's any). */
static bool any_address(const struct ga_serve_options *o)
{
	return o->no_server && o->as_user;
}

int ga_serve_api_check(const char *api, bool any, struct ga_error *err)
{
	struct ga_sv_addr a;
	char msg[512];
	int status;

	if (ga_sv_addr_listen(api, any, &a, &status, msg, sizeof(msg)))
		return ga_error_set(err, "--api %s: %s", api, any ||
				    status != 400 ? msg : "not a loopback "
				    "address: the API listens on loopback only "
				    "(127.0.0.0/8, ::1 or localhost) unless "
				    "serve runs with --no-server");
	if (any)
		return 0;
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

	if (ga_sv_addr_listen(L->o->api, any_address(L->o), &a,
			      &status, msg, sizeof(msg)))
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

/* ---- the env file ------------------------------------------------------------------ */

/* The lines a suite needs: L->env, printed, and L->env_file, with the
 * token, for the env file alone.  Without a server, TOXIPROXY_URL is
 * all there is. */
static void make_env(struct loop *L)
{
	char version[128];

	if (L->o->no_server) {
		snprintf(L->env, sizeof(L->env), "TOXIPROXY_URL=%s\n", L->url);
	} else {
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
	}
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

/* The backstage finished jobs: a KILL's goes to the relay, an API's to
 * its connection, and the API takes requests again. */
static void jobs_done(struct loop *L)
{
	struct ga_sv_job *job;

	while ((job = ga_backstage_take_done(&L->bs)) != NULL) {
		if (job->kind == GA_JOB_KILL)
			ga_relay_job_done(L->relay, job);
		else
			ga_api_conns_job_done(L->api, job);
	}
	ga_api_conns_resume(L->api);
}

static void dispatch(struct loop *L, struct ga_sv_watch *w, uint32_t ev)
{
	switch (w->kind) {
	case GA_W_SIGNAL:
		ga_interrupted(L->in);
		break;
	case GA_W_API_LISTEN:
	case GA_W_API_CONN:
		ga_api_conns_event(L->api, w, ev);
		break;
	case GA_W_DONE:
		jobs_done(L);
		break;
	case GA_W_PROXY:
	case GA_W_CONN:
	case GA_W_DIAL:
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
				   ga_api_conns_timers(L->api, now));
		timeout = -1;
		if (next > 0) {
			t = next - ga_clock_ms();
			timeout = t <= 0 ? 0 : (int)(t + 0.999);
		}
		n = epoll_wait(L->epfd, ev, EVENTS, timeout);
		for (i = 0; i < n; i++)
			dispatch(L, ev[i].data.ptr, ev[i].events);
		ga_relay_reap(L->relay);
		ga_api_conns_reap(L->api);
	}
}

/* The owner's group, for its sockets: its passwd entry's, or the
 * overflow group (nogroup) for a uid without one - never root's. */
static gid_t owner_gid(uid_t owner)
{
	struct passwd pw, *found = NULL;
	char buf[4096];

	if (owner == 0)
		return 0;
	if (getpwuid_r(owner, &pw, buf, sizeof(buf), &found) == 0 && found)
		return found->pw_gid;
	return 65534;
}

static void log_ready(struct loop *L)
{
	FILE *f = ga_sv_log_begin(&L->log, "ready");
	char version[128];

	if (!f)
		return;
	ga_sv_log_str(f, "api", L->url);
	if (!L->o->no_server) {
		ga_backstage_version(&L->bs, version, sizeof(version));
		ga_sv_log_str(f, "server", version);
		ga_sv_log_str(f, "backend", L->o->backend->name);
	}
	ga_sv_log_end(&L->log);
}

/* The API's connections' set, on L's loop. */
static int api_conns(struct loop *L)
{
	struct ga_api_conns_env env;

	memset(&env, 0, sizeof(env));
	env.epfd = L->epfd;
	env.lfd = L->api_fd;
	env.owner = L->o->owner;
	env.sv = &L->sv;
	env.log = &L->log;
	env.submit = submit;
	env.ctx = L;
	L->api = ga_api_conns_new(&env);
	return L->api ? 0 : -1;
}

/* goneaway's server in its lab (not with --no-server), and the
 * backstage's thread (with --no-server, only for --upstream-admin's
 * KILLs).  Returns 0,
 * GA_SERVER_UNAVAILABLE or -1 with err set. */
static int start_server(struct loop *L, struct ga_error *err)
{
	bool root = geteuid() == 0;
	int rc;

	if (L->o->no_server && !L->o->upstream_admin)
		return 0;
	if (L->o->no_server)    /* the jobs alone: KILLs on the user's */
		rc = ga_backstage_open_jobs(&L->bs, err);
	else
		rc = ga_backstage_open(&L->bs, L->o->backend,
				       &L->o->server_opts, L->in, err);
	L->bs_open = true;
	if (rc)
		return rc;
	/* the admin connections are the owner's, as the relay's dials */
	L->bs.admin = L->o->upstream_admin;
	L->bs.admin_uid = root ? L->o->owner : geteuid();
	L->bs.admin_gid = root ? owner_gid(L->o->owner) : getegid();
	if (ga_backstage_start(&L->bs, err))
		return -1;
	return add_watch(L, L->bs.done_fd, &L->done_w, GA_W_DONE, err);
}

/* Whether a, where the API listens, is a loopback address. */
static bool is_loopback(const struct ga_sv_addr *a)
{
	const struct sockaddr_in *in4 = (const struct sockaddr_in *)&a->sa;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&a->sa;

	if (a->sa.ss_family == AF_INET)
		return (ntohl(in4->sin_addr.s_addr) >> 24) == 127;
	return a->sa.ss_family == AF_INET6 &&
	       IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
}

/* The relay, on L's loop: a socket to goneaway's server is made in the
 * lab's client namespace; any other, here, as the API's owner (root's
 * serve) or as whoever runs serve. */
static int relay_new(struct loop *L, struct ga_error *err)
{
	struct ga_relay_env env;
	bool root = geteuid() == 0;

	memset(&env, 0, sizeof(env));
	env.epfd = L->epfd;
	env.client_ns = L->bs_open ? L->bs.lab.client_ns : -1;
	env.host_ns = L->bs_open ? L->bs.lab.host_ns : -1;
	env.server_port = GA_SERVER_PORT;
	env.server_addr = GA_LAB_SERVER_ADDR;
	env.dial_uid = root ? L->o->owner : geteuid();
	env.dial_gid = root ? owner_gid(L->o->owner) : getegid();
	env.any_address = any_address(L->o);
	env.api = L->api_addr;
	env.log_all = L->log.f != NULL;
	env.log = &L->log;
	env.submit = submit;
	/* root listens for others: never beside another program; a user's
	 * serve, where the kernel lets that user */
	env.may_listen = root ? may_listen : NULL;
	env.ctx = L;
	L->relay = ga_relay_new(&env);
	if (!L->relay)
		return ga_error_set(err, "out of memory");
	return 0;
}

/* -config FILE's proxies, as a POST /populate of its text.  Returns 0,
 * GA_SERVE_BAD_CONFIG or -1 (a proxy that could not listen) with err
 * saying which file and why. */
static int load_config(struct loop *L, struct ga_error *err)
{
	struct ga_http_request req;
	struct ga_api_response resp;
	int rc = 0;

	if (!L->o->config)
		return 0;
	memset(&req, 0, sizeof(req));
	snprintf(req.method, sizeof(req.method), "POST");
	snprintf(req.path, sizeof(req.path), "/populate");
	req.minor = 1;
	req.body = (char *)L->o->config;
	req.body_len = L->o->config_len;
	ga_api_handle(&L->sv, &req, &resp);
	if (resp.status != 201) {
		rc = resp.status == 400 ? GA_SERVE_BAD_CONFIG : -1;
		ga_error_set(err, "-config %s: %s", L->o->config_name,
			     resp.error ? resp.error : "refused");
	}
	ga_api_response_free(&resp);
	return rc;
}

static int start(struct loop *L, struct ga_error *err)
{
	int rc;

	if (L->o->log_file && ga_sv_log_open(&L->log, L->o->log_file, err))
		return -1;
	if (L->o->env_file &&
	    ga_sv_envfile_open(&L->envf, L->o->env_file, L->o->owner, err))
		return -1;
	if (api_listen(L, err))
		return -1;
	L->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (L->epfd < 0)
		return ga_error_errno(err, errno, "epoll_create1");
	rc = start_server(L, err);
	if (rc)
		return rc;
	if (add_watch(L, L->in->fd, &L->sig_w, GA_W_SIGNAL, err) ||
	    add_watch(L, L->api_fd, &L->api_w, GA_W_API_LISTEN, err) ||
	    relay_new(L, err))
		return -1;
	ga_api_open(&L->sv, &hooks, L);
	L->sv_open = true;
	L->sv.version = L->o->version;
	L->sv.have_server = !L->o->no_server;
	L->sv.no_server = L->o->no_server;
	L->sv.upstream_admin = L->o->upstream_admin != NULL;
	L->sv.any_address = any_address(L->o);
	L->sv.open_gate = L->sv.any_address && !is_loopback(&L->api_addr);
	L->sv.low_ports = L->o->low_ports;
	L->sv.api = L->api_addr;
	if (ga_api_token_new(L->sv.token, sizeof(L->sv.token)))
		return ga_error_set(err, "the API's token: the kernel gives no "
				    "randomness");
	make_env(L);
	L->sv.env = L->env;
	rc = load_config(L, err);
	if (rc)
		return rc;
	if (api_conns(L))
		return ga_error_set(err, "out of memory");
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
	FILE *f = ga_sv_log_begin(&L->log, "stop");

	if (f) {
		ga_sv_log_int(f, "signal", L->in->signo);
		ga_sv_log_end(&L->log);
	}
	ga_api_conns_free(L->api);
	L->api = NULL;
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
	/* the toxics' randomness (toxicity, jitter): -seed's, as
	 * toxiproxy-server -seed says, else the clock's */
	srand48(o->seeded ? o->seed : (long)time(NULL) ^ (long)getpid());
	more_files();
	rc = start(L, err);
	if (rc == 0)
		run_loop(L);
	stop(L);
	free(L);
	return rc;
}
