/* pointact.c - see pointact.h: the point fault's acts, a session KILL or
 * the server killed when a flow's packet reaches a SIZE point (an nft
 * rule marks it, conntrack counting), made by a thread that reads the
 * sending side's packets from an NFQUEUE. */
#include "faults/pointact.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>


#include "faults/nfq_engine.h"
#include "faults/nft.h"
#include "faults/point.h"
#include "faults/pointfin.h"
#include "faults/pointseq.h"
#include "util/strbuf.h"

#define QUEUE_MAX 4096          /* packets waiting while an act is made */
#define READ_BATCH 64
#define FLOWS_MAX 64            /* client flows acted on; more pass */
#define DEATH_WAIT_MS 5000      /* for a killed server to be gone */
#define WAIT_NS 1000000000ull   /* the "after" acts looked at each second */

/* One client connection that reached the point. */
struct flow {
	uint32_t addr;          /* the client's, network order */
	uint16_t port;          /* ... host order */
	bool acted;
	bool pending;           /* "after": its act once the packets read
				 * with its point's have passed */
	struct ga_point_seq seq;        /* data: its count so far */
	uint32_t point_seq;             /* cut: its point's packet */
	struct ga_tcp_fin fin;          /* fin: the FIN it is sent */
};

struct ga_point_act {
	struct ga_nfq_engine g;         /* its lock guards packets, acts
					 * and did too */
	struct ga_point_act_params p;
	uint32_t server;                /* where the clients connect */
	uint16_t server_port;
	pid_t server_pid;
	int ns;                         /* the sending side's (fin: g's
					 * raw socket is there) */
	int (*kill_session)(void *ctx, const char *addr, unsigned port,
			    char *what, size_t len, struct ga_error *err);
	void *kill_ctx;

	/* Held by the thread while it handles a packet (an act, and the
	 * verdict on the packet it held): stop and note wait for it, so no
	 * rule is deleted under a held packet (the kernel would drop it)
	 * and no note is read in the middle of an act. */
	pthread_mutex_t act_lock;
	bool stopping;                  /* no act from here on */
	struct flow flows[FLOWS_MAX];   /* the thread's alone */
	size_t nflows;
	bool crashed;

	unsigned long packets, acts;    /* under g.lock */
	char did[256];                  /* the first act, in words */
};

/* The flow of a client address and port, made when new; NULL when the
 * table is full. */
static struct flow *flow_of(struct ga_point_act *e, uint32_t addr,
			    uint16_t port)
{
	size_t i;

	for (i = 0; i < e->nflows; i++)
		if (e->flows[i].addr == addr && e->flows[i].port == port)
			return &e->flows[i];
	if (e->nflows == FLOWS_MAX)
		return NULL;
	e->flows[e->nflows] = (struct flow){ .addr = addr, .port = port };
	return &e->flows[e->nflows++];
}

/* Waits until pid has died (a zombie is dead), at most ms.  Returns 0,
 * or -1 with err set. */
static int await_death(pid_t pid, long ms, struct ga_error *err)
{
	struct pollfd pf = { .events = POLLIN };
	int rc;

	pf.fd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pf.fd < 0)
		return errno == ESRCH ? 0 : ga_error_errno(err, errno,
							   "pidfd_open");
	rc = poll(&pf, 1, (int)ms);
	close(pf.fd);
	if (rc == 1)
		return 0;
	return ga_error_set(err, "the server (PID %ld) had not died %ld ms "
			    "after SIGKILL", (long)pid, ms);
}

/* The cut's act: flow f into the sending side's set "cut" (point.c's
 * table). */
static int add_to_cut(struct ga_point_act *e, const struct flow *f,
		      struct ga_error *err)
{
	char addr[INET_ADDRSTRLEN] = "?", script[256];

	inet_ntop(AF_INET, &f->addr, addr, sizeof(addr));
	snprintf(script, sizeof(script), "add element inet %s cut { %s . %u "
		 "}\n", e->g.table, addr, (unsigned)f->port);
	return ga_nft_apply_in(e->ns, script, err);
}

/* The act on flow f, whose packet reached the point: a KILL of its
 * session, or the server killed (once). */
static void act(struct ga_point_act *e, struct flow *f)
{
	char addr[INET_ADDRSTRLEN] = "?", what[96] = "", line[256];
	struct ga_error err;
	int rc;

	f->acted = true;
	f->pending = false;
	inet_ntop(AF_INET, &f->addr, addr, sizeof(addr));
	if (e->p.crash) {
		if (e->crashed)
			return;
		e->crashed = true;
		rc = kill(e->server_pid, SIGKILL) == 0 ? 0 :
		     ga_error_errno(&err, errno, "kill(%ld, SIGKILL)",
				    (long)e->server_pid);
		if (rc == 0)
			rc = await_death(e->server_pid, DEATH_WAIT_MS, &err);
		snprintf(what, sizeof(what), "the server (PID %ld) killed",
			 (long)e->server_pid);
	} else if (e->p.cut) {
		rc = add_to_cut(e, f, &err);
		snprintf(what, sizeof(what), "the connection cut");
	} else {
		rc = e->kill_session(e->kill_ctx, addr, f->port, what,
				     sizeof(what), &err);
	}
	snprintf(line, sizeof(line), "%s (the connection from %s:%u) %s its "
		 "packet that took it to %llu %sbytes %s", what, addr,
		 (unsigned)f->port, e->p.after ? "after" : "at",
		 (unsigned long long)e->p.bytes, e->p.data ? "data " : "",
		 e->p.to_server ? "to-server" : "from-server");
	pthread_mutex_lock(&e->g.lock);
	e->acts++;
	if (rc == 0 && !e->did[0])
		snprintf(e->did, sizeof(e->did), "%s", line);
	if (rc != 0 && !e->g.failed) {
		e->g.failed = true;
		ga_error_set(&e->g.err, "at the packet that took the connection "
			     "from %s:%u to %llu bytes: %s", addr,
			     (unsigned)f->port, (unsigned long long)e->p.bytes,
			     err.msg);
	}
	pthread_mutex_unlock(&e->g.lock);
}

/* The flow segment g belongs to in the point's direction, or NULL (not
 * a packet of a client connection that way). */
static struct flow *packet_flow(struct ga_point_act *e,
				const struct ga_tcp_seg *g)
{
	if (e->p.to_server && g->dst == e->server &&
	    g->dport == e->server_port)
		return flow_of(e, g->src, g->sport);
	if (!e->p.to_server && g->src == e->server &&
	    g->sport == e->server_port)
		return flow_of(e, g->dst, g->dport);
	return NULL;
}

/* Whether packet p (segment g, of flow f) is its flow's point: marked
 * by the nft rule (conntrack's count), or, with data, the first to take
 * the flow's data to the SIZE. */
static bool at_point(struct ga_point_act *e, const struct ga_nfq_packet *p,
		     const struct ga_tcp_seg *g, struct flow *f)
{
	if (!e->p.data)
		return p->mark == GA_POINT_ACT_MARK;
	return ga_point_seq_reaches(&f->seq, g, e->p.bytes);
}

/* The verdict on p: a cut flow's packets from its point on ("at") or
 * after it go with the mark the receiving side cuts. */
static int verdict(struct ga_point_act *e, const struct ga_nfq_packet *p,
		   const struct ga_tcp_seg *g, const struct flow *f,
		   struct ga_error *err)
{
	uint8_t copy[65536];

	if (!e->p.cut || !f || !f->acted || p->len > sizeof(copy) ||
	    (e->p.after && g->seq == f->point_seq && g->payload))
		return ga_nfq_verdict(&e->g.q, p->id, true, NULL, 0, err);
	memcpy(copy, p->data, p->len);
	ga_ip_set_dscp(copy, p->len, (unsigned)strtoul(GA_POINT_MARK, NULL,
							16));
	return ga_nfq_verdict(&e->g.q, p->id, true, copy, p->len, err);
}

/* The FIN of flow f, whose point's segment is g; a FIN not sent makes
 * the run an ERROR (the fault was not made). */
static void send_fin(struct ga_point_act *e, struct flow *f,
		     const struct ga_tcp_seg *g)
{
	struct ga_error err;

	ga_tcp_fin_of(g, e->p.to_server, e->p.after, &f->fin);
	if (ga_tcp_fin_send(e->g.raw, &f->fin, &err) == 0) {
		pthread_mutex_lock(&e->g.lock);
		if (e->did[0] && !strstr(e->did, "FIN"))
			snprintf(e->did + strlen(e->did), sizeof(e->did) -
				 strlen(e->did), "; a FIN sent to the client "
				 "(seq %lu)", (unsigned long)f->fin.seq);
		pthread_mutex_unlock(&e->g.lock);
		return;
	}
	ga_nfq_engine_fail(&e->g, &err);
}

/* ga_nfq_read() callback: a packet passes, but a flow's point's packet
 * waits for its act ("at"), or goes before it ("after": the act once
 * what was read with it has passed; a cut's at once, the packet not
 * marked). */
static int on_packet(void *arg, const struct ga_nfq_packet *p,
		     struct ga_error *err)
{
	struct ga_point_act *e = arg;
	struct ga_tcp_seg g;
	struct flow *f = NULL;
	bool fin = false;
	int rc;

	pthread_mutex_lock(&e->act_lock);
	pthread_mutex_lock(&e->g.lock);
	e->packets++;
	pthread_mutex_unlock(&e->g.lock);
	if (!e->stopping && ga_tcp_seg_parse(p->data, p->len, &g) == 0 &&
	    (e->p.data || p->mark == GA_POINT_ACT_MARK))
		f = packet_flow(e, &g);
	if (f && !f->acted && !f->pending && at_point(e, p, &g, f)) {
		f->point_seq = g.seq;
		if (e->p.after && !e->p.cut)
			f->pending = true;
		else
			act(e, f);
		fin = e->p.fin && f->acted;
	}
	rc = verdict(e, p, &g, f, err);
	if (fin && rc == 0)     /* behind the point's packet, if it went */
		send_fin(e, f, &g);
	pthread_mutex_unlock(&e->act_lock);
	return rc;
}

/* The "after" acts of the flows whose point's packet has passed. */
static void pending_acts(struct ga_point_act *e)
{
	size_t i;

	pthread_mutex_lock(&e->act_lock);
	for (i = 0; i < e->nflows && !e->stopping; i++)
		if (e->flows[i].pending)
			act(e, &e->flows[i]);
	pthread_mutex_unlock(&e->act_lock);
}

static void *engine_main(void *arg)
{
	struct ga_point_act *e = arg;
	struct ga_error err;
	int n;

	for (;;) {
		n = ga_nfq_engine_wait(&e->g, WAIT_NS);
		if (n < 0) {
			ga_error_errno(&err, errno, "point: poll");
			ga_nfq_engine_fail(&e->g, &err);
			break;
		}
		if (n == GA_NFQ_WAKE_STOP) {
			/* the rule is gone, its hook not yet: what it
			 * queued still passes (a closed queue, or a hook
			 * gone, would drop it) */
			while (ga_nfq_read(&e->g.q, READ_BATCH, on_packet, e,
					   &err) > 0)
				;
			break;
		}
		if (n == GA_NFQ_WAKE_PACKETS &&
		    ga_nfq_read(&e->g.q, READ_BATCH, on_packet, e, &err) < 0) {
			ga_nfq_engine_fail(&e->g, &err);
			break;
		}
		pending_acts(e);
	}
	return NULL;
}

static void engine_free(struct ga_point_act *e)
{
	ga_nfq_engine_finish(&e->g);
	pthread_mutex_destroy(&e->act_lock);
	free(e);
}

/* The nft script that marks every packet of a client flow the point's
 * way, from the one that takes conntrack's count that way to the SIZE
 * on (conntrack's original direction is whichever side's packet it saw
 * first: a rule for each).  Returns 0 or -1 with err set. */
static int mark_script(const struct ga_point_act *e, const char *addr,
		       char *buf, size_t len, struct ga_error *err)
{
	struct ga_strbuf o = { buf, len, 0, len == 0 };
	static const char *const ct[] = { "original", "reply" };
	char match[96];
	int i;

	snprintf(match, sizeof(match), e->p.to_server ? "ip daddr %s tcp "
		 "dport %u" : "ip saddr %s tcp sport %u", addr,
		 (unsigned)e->server_port);
	if (!ga_nft_valid_table(e->g.table))
		return ga_error_set(err, "point: '%s' is not a table name nft "
				    "takes", e->g.table);
	ga_strbuf_add(&o, "create table inet %s\n", e->g.table);
	ga_strbuf_add(&o, "add chain inet %s output { type filter hook output "
		      "priority 0; policy accept; }\n", e->g.table);
	for (i = 0; i < 2; i++)
		ga_strbuf_add(&o, "add rule inet %s output %s ct direction %s "
			      "ct %s bytes >= %llu meta mark set 0x%08x\n",
			      e->g.table, match, ct[i], ct[i],
			      (unsigned long long)e->p.bytes,
			      GA_POINT_ACT_MARK);
	if (o.cut)
		return ga_error_set(err, "point: the nft script does not fit");
	return 0;
}

/* What keeps the acts from being made on t: a proxy in front of the
 * server (its sessions are the proxy's connections), no KILL to be had,
 * no server process.  NULL: nothing. */
static const char *cannot(const struct ga_point_act_params *p,
			  const struct ga_fault_target *t)
{
	if (p->cut && t->connect_addr && !p->to_server)
		return "a proxy is in front of the server: a data point "
		       "from-server is counted where the server sends";
	if (p->cut)
		return NULL;
	if (t->connect_addr)
		return "a proxy is in front of the server: its sessions are "
		       "the proxy's connections, not the client's";
	if (!p->crash && !t->kill_session)
		return "no session KILL can be made from here";
	if (p->crash && t->server_pid <= 0)
		return "no server process to kill";
	return NULL;
}

/* ga_nfq_engine_open()'s work in the sending side's namespace: the
 * raw socket a FIN is sent through. */
static int open_raw(void *arg, struct ga_error *err)
{
	struct ga_point_act *e = arg;

	e->g.raw = ga_tcp_fin_socket(err);
	return e->g.raw < 0 ? -1 : 0;
}

int ga_point_act_start(const struct ga_point_act_params *p,
		       const struct ga_fault_target *t, const char *table,
		       struct ga_point_act **out, struct ga_error *err)
{
	struct ga_point_act *e;
	const char *why = cannot(p, t);
	char script[1024];
	struct ga_error ignored;
	const char *ifname, *addr;
	int rc, efd, ns;

	if (why) {
		ga_error_set(err, "point %s: %s", p->cut ? "data" : p->crash ?
			     "crash" : "kill", why);
		return GA_FAULT_UNSUPPORTED;
	}
	e = calloc(1, sizeof(*e));
	if (!e)
		return ga_error_set(err, "point: out of memory");
	e->p = *p;
	efd = ga_nfq_engine_init(&e->g, table);
	pthread_mutex_init(&e->act_lock, NULL);
	e->server_port = (uint16_t)(t->connect_addr ? t->connect_port :
				    t->server_port);
	e->server_pid = t->server_pid;
	e->kill_session = t->kill_session;
	e->kill_ctx = t->kill_ctx;
	addr = t->connect_addr ? t->connect_addr : t->server_addr;
	if (efd || !addr || inet_pton(AF_INET, addr, &e->server) != 1) {
		rc = efd ? ga_error_errno(err, efd, "point: "
			"eventfd") : ga_error_set(err, "point: the address "
			"'%s' is not a numeric IPv4 address",
			addr ? addr : "");
		engine_free(e);
		return rc;
	}
	ifname = p->to_server ? t->client_if : t->server_if;
	ns = p->to_server ? t->client_ns : t->server_ns;
	e->ns = ns;
	rc = p->data ? 0 : mark_script(e, addr, script, sizeof(script), err);
	if (rc == 0)
		rc = ga_nfq_engine_open(&e->g, ns, ifname, p->cut ?
					GA_POINT_CUT_QUEUE : GA_POINT_ACT_QUEUE,
					QUEUE_MAX, "point", p->fin ? open_raw :
					NULL, e, err);
	if (rc) {
		engine_free(e);
		return rc;
	}
	if (!p->data)           /* a data point has no mark rule */
		rc = ga_nft_apply_in(ns, script, err);
	if (rc) {
		ga_nfq_engine_stop(&e->g, ns, "point", NULL, NULL, NULL);
		engine_free(e);
		return rc;
	}
	if (ga_nfq_engine_start_thread(&e->g, engine_main, e, "ga-point",
				       false, "point", err)) {
		ga_nfq_engine_stop(&e->g, ns, "point", NULL, NULL, NULL);
		if (!p->data)
			ga_nft_delete_table_in(ns, e->g.table, &ignored);
		engine_free(e);
		return -1;
	}
	*out = e;
	return 0;
}

void ga_point_act_note(struct ga_point_act *e, char *buf, size_t len)
{
	pthread_mutex_lock(&e->act_lock);       /* an act under way ends */
	pthread_mutex_lock(&e->g.lock);
	if (e->g.failed)
		snprintf(buf, len, "NFQUEUE, %lu packets: the act failed: %s",
			 e->packets, e->g.err.msg);
	else if (e->acts)
		snprintf(buf, len, "NFQUEUE, %lu packets: %s", e->packets,
			 e->did);
	else
		snprintf(buf, len, "NFQUEUE, %lu packets: the point was not "
			 "reached", e->packets);
	pthread_mutex_unlock(&e->g.lock);
	pthread_mutex_unlock(&e->act_lock);
}

int ga_point_act_stop(struct ga_point_act *e, const struct ga_fault_target *t,
		      struct ga_error *err)
{
	int ns = e->p.to_server ? t->client_ns : t->server_ns;
	struct ga_error later;
	int rc;

	/* an act under way ends, its packet sent, and none begins: the
	 * rules are then deleted under no packet held */
	pthread_mutex_lock(&e->act_lock);
	e->stopping = true;
	pthread_mutex_unlock(&e->act_lock);
	/* the queue's rule, the thread (what was queued passes), its
	 * table: before any other table goes, whose hook would take the
	 * packets still queued with it (faults/nfq_engine.h) */
	rc = ga_nfq_engine_stop(&e->g, ns, "point", NULL, NULL, err);
	/* a data point made no mark rule (a cut's table is point.c's); a
	 * namespace that is gone took its tables along */
	if (!e->p.data && ns >= 0 && fcntl(ns, F_GETFD) >= 0 &&
	    ga_nft_delete_table_in(ns, e->g.table, rc ? &later : err) &&
	    rc == 0)
		rc = -1;
	if (rc == 0 && e->g.failed)
		rc = ga_error_set(err, "point %s: %s", e->p.cut ? "data" :
				  e->p.crash ? "crash" : "kill", e->g.err.msg);
	engine_free(e);
	return rc;
}
