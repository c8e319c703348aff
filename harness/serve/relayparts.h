/* relayparts.h - what the relay's files share: relay.c (the relay, its
 * connections made, moved on and closed, the API's changes) over
 * relaylink.c (a link's bytes read, spliced and written) over
 * relaymysql.c (a link's bytes through the MySQL watch into its chain,
 * the mysql toxics' cuts and kills) over relayconn.c (a connection's
 * record for the log, its sockets closed).  The public side is
 * serve/relay.h.
 *
 * Ownership: the relay owns its connections (freed by reap in relay.c,
 * after their links by ga_relay_link_free()); a link owns its chain,
 * its held chunk and its pipe (back to the relay's pool when empty).
 */
#ifndef GA_SERVE_RELAYPARTS_H
#define GA_SERVE_RELAYPARTS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "serve/chain.h"
#include "serve/dialer.h"
#include "serve/mysqlwire.h"
#include "serve/relay.h"

#define CHUNK_SIZE (64 * 1024)          /* one read */
#define LINK_MAX_HELD (4 << 20)         /* a link reads no more past it */
#define PIPE_SIZE (1 << 20)             /* splice's pipe */
#define ACCEPTS_PER_EVENT 64
#define RST_DRAIN_MS 500                /* a reset waits for what was
					 * written to leave, this long */
#define CLOSE_DRAIN_MAX (1 << 20)      /* what a close reads and drops
					 * at most, so that it sends a FIN */
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
	struct ga_chunk *held;          /* a command its KILL waits for (paused),
					 * and what came after it */
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
	struct ga_toxic *t;             /* the API's: its acted counts */
	bool on;
};

struct ga_sv_conn {
	struct ga_sv_conn *prev, *next;
	unsigned long id;
	struct ga_sv_proxy *proxy;
	int fd[2];                      /* the client's, the upstream's */
	struct ga_sv_watch w[2];
	uint32_t ev[2];                 /* epoll interest registered */
	bool connecting;                /* the upstream's connect(), or its
					 * name's dial (fd[1] -1 until done) */
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
	struct ga_sv_job *kill_query_job;  /* borrowed: the KILL QUERY on its
					 * way, told when the answer comes
					 * (ga_relay_job_done lets go) */
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
	struct ga_dialer *dialer;       /* an upstream's name, at each
					 * connection */
	struct ga_sv_watch dial_w;      /* its fd's */
};

/* ---- relayconn.c -------------------------------------------------------------- */

/* c's end, for the log: the first reason given is the one kept. */
void ga_relay_ended(struct ga_sv_conn *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* t's name among the toxics c met (once). */
void ga_relay_add_met(struct ga_sv_conn *c, const struct ga_toxic *t);
/* c's line in r's log (--log), when it closes. */
void ga_relay_log_conn(struct ga_relay *r, struct ga_sv_conn *c);
/* Closes c's socket of side: a TCP reset when reset, else a FIN (what
 * its peer sent that was not read yet is read and dropped first, as
 * Toxiproxy has read it). */
void ga_relay_close_side(struct ga_sv_conn *c, int side, bool reset);

/* ---- relaylink.c -------------------------------------------------------------- */

void ga_relay_link_init(struct link *l, int dir);
/* What l holds freed; its pipe back to r's pool when empty. */
void ga_relay_link_free(struct ga_relay *r, struct link *l);
/* Reads what the source of l has, through ga_relay_feed() (not
 * spliced). */
void ga_relay_link_read(struct ga_relay *r, struct ga_sv_conn *c,
			struct link *l);
/* splice(): what the source of l has, into its pipe. */
void ga_relay_splice_in(struct ga_relay *r, struct ga_sv_conn *c,
			struct link *l);
/* Writes what went through l (the pipe first: it passed before). */
void ga_relay_link_write(struct ga_relay *r, struct ga_sv_conn *c,
			 struct link *l);
/* l's end went through its chain and what it held was written: its
 * destination closes (a reset once what was written has left, for a
 * while), and the way back ends.  Returns whether it closed. */
bool ga_relay_link_finish(struct ga_sv_conn *c, struct link *l, double now);

/* ---- relaymysql.c ------------------------------------------------------------- */

/* Passes k's bytes (read on link l) through the MySQL watch into the
 * chain, acting at the points the mysql toxics name; k is taken. */
void ga_relay_feed(struct ga_relay *r, struct ga_sv_conn *c, struct link *l,
		   struct ga_chunk *k);
/* A KILL (QUERY when query) of c's session, as a job for the
 * backstage. */
void ga_relay_submit_kill(struct ga_relay *r, struct ga_sv_conn *c,
			  bool query);

#endif
