/* mysqlwire.h - where a proxied connection is in the MySQL protocol,
 * read from its bytes as they pass: the packets' frames (3 bytes of
 * length, 1 of sequence number), the handshake (the server's greeting,
 * the client's login or TLS request, the server's answer), the
 * commands, and a command's result (column count, column definitions,
 * the EOF between them unless CLIENT_DEPRECATE_EOF, the rows, the last
 * EOF or OK and whether more results follow), and every error packet
 * the server sends.  Once the client starts TLS nothing more can be
 * read: the rest is opaque.
 *
 * It holds nothing back: the caller (serve/relay.c) hands it the bytes
 * of one direction in order as they are read, and it says, for each
 * packet that begins, what point of the protocol that packet is - before
 * its bytes pass, so that the caller can cut the connection right
 * there - and how many bytes may pass before the next such point.  A
 * packet's first five bytes (its header and first payload byte) say
 * what it is; when a read ends before them, the ones read pass at once
 * (a service that is not MySQL sends what it likes, a byte at a time)
 * and are looked at again with the rest, so that the point is said
 * after those few bytes passed (struct ga_mw_event.left counts what is
 * still to pass of the packet).
 *
 * A connection relayed without being read (splice, serve/relay.c) is
 * picked up again at its next command: ga_mysql_wire_lose() says the
 * place is lost, and the next client packet numbered 0 that starts a
 * read while the server's side is quiet and that looks like a command
 * is taken as one.
 *
 * Pure: no I/O, no allocation.
 */
#ifndef GA_SERVE_MYSQLWIRE_H
#define GA_SERVE_MYSQLWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The directions, Toxiproxy's streams (serve/toxics.h). */
#define GA_MW_UP 0              /* client -> server */
#define GA_MW_DOWN 1            /* server -> client */

enum ga_mw_point {
	GA_MW_NONE,             /* bytes inside a packet, or the first
				 * ones of a packet not yet known: they
				 * pass */
	GA_MW_GREETING,         /* the server's greeting */
	GA_MW_LOGIN,            /* the client's handshake response */
	GA_MW_SSL_REQUEST,      /* ... or its request for TLS */
	GA_MW_TLS,              /* the client's first TLS record */
	GA_MW_AUTH,             /* the server's first answer to the login */
	GA_MW_COMMAND,          /* a command (event.command its byte) */
	GA_MW_ROW,              /* a row of a result (event.row: 1, 2 ...) */
	GA_MW_OTHER,            /* any other packet */
};

struct ga_mw_event {
	enum ga_mw_point point;
	int command;            /* GA_MW_COMMAND: the command byte */
	unsigned long long row; /* GA_MW_ROW: its number in the command's
				 * result, all its result sets counted */
	size_t left;            /* a point: the bytes of its packet still
				 * to pass (all of it but the first ones a
				 * read split off, which passed already);
				 * GA_MW_TLS: its record's, or what there
				 * is of it */
};

enum ga_mw_phase {
	GA_MW_PHASE_GREETING,   /* the server has not greeted yet */
	GA_MW_PHASE_LOGIN,      /* the client's login is next */
	GA_MW_PHASE_AUTH,       /* the server answers it */
	GA_MW_PHASE_COMMAND,    /* logged in: commands and their results */
	GA_MW_PHASE_OPAQUE,     /* TLS: nothing can be read any more */
	GA_MW_PHASE_LOST,       /* relayed unread: found at the next command */
};

#define GA_MW_KEEP 256          /* bytes of a packet's payload kept */

struct ga_mw_dir {
	size_t left;            /* payload bytes of the packet still to come */
	bool announced;         /* the packet that begins here was reported */
	bool cont;              /* the packet before was 0xffffff long: this
				 * one continues it */
	enum ga_mw_point kind;  /* what the current packet is */
	unsigned char seq;
	size_t plen;            /* its payload's length */
	int first;              /* its first payload byte, -1: none */
	unsigned char hdr[5];   /* the first bytes of a packet that began
				 * in an earlier read (they passed) ... */
	size_t hdr_n;           /* ... how many: fewer than it needs */
	unsigned char keep[GA_MW_KEEP]; /* the first bytes of its payload */
	size_t kept, keep_want;
};

struct ga_mysql_wire {
	enum ga_mw_phase phase;
	bool tls_next;                  /* the client asked for TLS */
	bool server_said_first;         /* the AUTH packet was reported */
	uint32_t server_caps, client_caps;
	unsigned long thread_id;        /* from the greeting; 0: unknown */
	char server_version[64];
	int resp;                       /* where a command's result is */
	unsigned long long cols_left, rows;
	int command;                    /* the last command, -1: none */
	struct ga_mw_dir dir[2];
	/* the server's error packets: how many, and the last one */
	unsigned errors;
	unsigned err_code;
	char err_state[6];
	char err_msg[200];
};

void ga_mysql_wire_init(struct ga_mysql_wire *w);

/* Looks at p[0..len), the next bytes of direction dir.  Returns how
 * many of them may pass now (len, when a packet begins whose first
 * bytes are not all there: they pass, and are kept to be read with
 * the rest); ev says what begins right after them: GA_MW_NONE when
 * nothing does (all of len may pass, or the rest is for the next
 * call), or the point a packet that begins there is - reported once
 * with 0 bytes to pass: the next call passes it on.  quiet says that
 * nothing is on its way from the server (for a lost place's pick-up at
 * a command). */
size_t ga_mysql_wire_step(struct ga_mysql_wire *w, int dir,
			  const unsigned char *p, size_t len, bool quiet,
			  struct ga_mw_event *ev);

/* The place is lost: bytes went by unread. */
void ga_mysql_wire_lose(struct ga_mysql_wire *w);

/* Whether the handshake is over (logged in, TLS or lost): until then a
 * connection is read even with no toxic, for its thread id and
 * capabilities. */
bool ga_mysql_wire_past_login(const struct ga_mysql_wire *w);

/* What the server's packet that begins now is within the answer to a
 * command, from where the result is and its first payload byte first
 * (-1: none) and payload length plen: "result header", "column",
 * "column EOF", "row", "end of rows", "OK", "error", "infile request" or
 * "answer"; call it when ga_mysql_wire_step() reports the packet, before
 * it passes (goneaway explore names the packets it records).  Static. */
const char *ga_mysql_wire_part(const struct ga_mysql_wire *w, int first,
			       size_t plen);

/* The name of a point ("row"), for the log. */
const char *ga_mw_point_name(enum ga_mw_point p);

#endif
