/* explore.h - what goneaway explore's files share (cli/explore*.c): a
 * clean run's conversation read from its capture.pcap, per connection
 * and direction, as TCP segments (what the lab's point fault can cut)
 * and the MySQL packets they carry (what serve/mysqlwire.c says each
 * is).
 *
 * Ownership: ex_conv_read() fills a struct ex_conv that ex_conv_free()
 * empties; every array in it is its own.
 */
#ifndef GA_CLI_EXPLORE_H
#define GA_CLI_EXPLORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/error.h"

#define EX_UP 0                 /* client -> server: "to-server" */
#define EX_DOWN 1               /* server -> client: "from-server" */
#define EX_LABEL_MAX 160

/* A MySQL packet of one direction's stream. */
struct ex_packet {
	int dir;
	unsigned long long off;         /* its header's first byte, in the
					 * direction's stream */
	unsigned long len;              /* payload bytes */
	unsigned seq;                   /* its sequence number */
	char phase[EX_LABEL_MAX];       /* "greeting", "COM_QUERY SELECT 1",
					 * "row 12", "column 2", "OK" ... */
	char shape[48];                 /* its phase without numbers or
					 * text ("row"): repeats are alike */
};

/* A TCP segment that carried data, as the capture saw it. */
struct ex_segment {
	int dir;
	unsigned long long off;         /* its first payload byte */
	unsigned long len;              /* payload bytes */
	unsigned long ip_len;           /* the IP packet whole */
	unsigned long long ct_before;   /* conntrack's count of the
					 * direction before it: every IP
					 * packet whole, the SYN on */
	double ms;                      /* from the connection's SYN */
};

struct ex_connection {
	unsigned port;                  /* the client's */
	struct ex_segment *segs;
	size_t nsegs;
	struct ex_packet *pkts;
	size_t npkts;
	/* where the connection was first cut, as its capture shows it (a
	 * run with a fault): the segment a TCP reset answered (the last
	 * of the other direction before the first reset), or the first
	 * one sent again (a drop: its sender had no ACK for it) */
	bool cut_seen;
	int cut_dir;
	unsigned long long cut_off;
	/* where the server ended it (a run whose session was KILLed or
	 * whose server was killed): its first FIN or reset, the last data
	 * segment it sent before it and the first the client sent after */
	bool end_seen, end_down_seen, end_up_seen;
	unsigned long long end_down_off, end_up_off;
	bool tls;                       /* opaque past the client's hello */
	bool incomplete;                /* a gap, a cut packet: the record
					 * is not the whole conversation */
};

struct ex_conv {
	struct ex_connection *conns;
	size_t nconns;
};

/* Reads the pcap file path (goneaway's capture.pcap: Ethernet, IPv4)
 * into c, zeroed by the caller: every TCP connection to server_port,
 * in the order their SYNs came.  Returns 0, or -1 with err set (a file
 * that is not a capture, memory). */
int ex_conv_read(const char *path, unsigned server_port, struct ex_conv *c,
		 struct ga_error *err);
void ex_conv_free(struct ex_conv *c);

/* The packets whose first byte seg carries, as "row 3-40" or "greeting":
 * into buf (len bytes); "(inside PHASE)" for a segment that begins no
 * packet.  shape gets the same without numbers. */
void ex_segment_label(const struct ex_connection *cn,
		      const struct ex_segment *seg, char *buf, size_t len,
		      char *shape, size_t shape_len);

/* The point fault's SIZE for seg, a "data SIZE" point: its data's
 * middle byte, counted from 1 (off + len / 2 + 1), which the faulted
 * run's engine finds by TCP sequence (faults/pointseq.h): the segment
 * that carries that byte.  Bare ACKs count nothing, so a client that
 * ACKs otherwise than in the clean run (delayed or quick, a loaded
 * machine) meets the point at the same segment; the middle, not the
 * first byte, keeps it there when a sender cuts its data a little
 * otherwise. */
unsigned long long ex_segment_size(const struct ex_segment *seg);

/* Whether a and b carried the same segments and packets (directions,
 * lengths, offsets), and every point of a's lands on its segment in b
 * (b's segment carries the byte ex_segment_size() of a's names); if
 * not, the first difference into why. */
bool ex_conv_same(const struct ex_conv *a, const struct ex_conv *b,
		  char *why, size_t len);

/* The conversation, a line per packet, into f. */
void ex_conv_print(FILE *f, const struct ex_conv *c);

#endif

/* ---- the runs and their judge (cli/explore_judge.c) ---------------------- */

#define EX_TEXT_MAX 256

/* A step of a case, as results.jsonl says (docs/results-jsonl.md). */
struct ex_step {
	int line;
	char kind[24];
	char conn[64];                  /* its connection, "" for none */
	char result[16];                /* ok, error, hang, wrong-result */
	long errnum;
	char code[64];                  /* errname, error class or number */
	bool ran, has_value;
	char value[EX_TEXT_MAX];
	double ms;
	char digest[24];                /* the server's tables just before
					 * it, for a step that writes or
					 * commits (run/digest.c), "" none */
	long timeout_ms;                /* the client's own (its
					 * connection's read timeout), 0:
					 * none */
};

struct ex_case {
	char label[128];
	char verdict[8];
	char reason[EX_TEXT_MAX];
	struct ex_step *steps;
	size_t nsteps;
	char digest_before[24];         /* the server's tables at the
					 * case's mark, and at its end */
	char digest[24];
};

/* Reads every case of the results file path (results.jsonl).  *cases
 * is a new array (free with ex_cases_free()).  Returns 0, or -1 with
 * err set. */
int ex_cases_read(const char *path, struct ex_case **cases, size_t *n,
		  struct ga_error *err);
void ex_cases_free(struct ex_case *cases, size_t n);

enum ex_kind { EX_RESET, EX_DROP, EX_FIN, EX_KILL, EX_SERVER_CRASH,
	      EX_NKINDS };
extern const char *const ex_kind_names[EX_NKINDS];

enum ex_verdict {
	EX_OK,                  /* every step succeeded */
	EX_CODE,                /* a step failed with a code the
				 * catalogue knows */
	EX_NEW,                 /* ... one it does not know */
	EX_HANG,                /* past its timeout and the margin */
	EX_CRASH,               /* the client died of a signal */
	EX_WRONG,               /* succeeded with another value */
	EX_SILENT,              /* hung, with no timeout of its own */
	EX_NOT_RUN,             /* ERROR of the harness, SKIP */
};

/* The judgement of one run against the clean one. */
struct ex_judgement {
	enum ex_verdict v;
	bool violation;
	int line;                       /* the step it names, 0: none */
	size_t step;                    /* its index */
	double ms;                      /* that step's time */
	long timeout_ms;                /* ... and its client's timeout */
	char cell[48];                  /* the map's word: "2013", "ok" */
	char code[64];                  /* the step's error, "" for none */
	char detail[EX_TEXT_MAX];       /* in words */
};

/* Judges run against clean (same steps, same order), margin_ms past a
 * step's own timeout; known, the catalogue's text (NULL: every code is
 * known). */
void ex_judge(const struct ex_case *clean, const struct ex_case *run,
	      long margin_ms, const char *known, struct ex_judgement *j);
