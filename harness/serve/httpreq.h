/* httpreq.h - a bounded HTTP/1.1 request reader: goneaway serve's API
 * (serve/api.h) reads its requests with it.
 *
 * The API listens on loopback only, yet what arrives there is still
 * outside input: any local process, a browser's page (serve/api.c
 * refuses browsers as Toxiproxy does) or a fuzzer may write anything.
 * Every request is bounded - its head (request line and headers) to
 * GA_HTTP_MAX_HEAD bytes and GA_HTTP_MAX_HEADERS lines, its body to
 * GA_HTTP_MAX_BODY bytes - and whatever is not HTTP/1.x as RFC 9112
 * writes it is refused with the status a server owes it (400, 413,
 * 431, 501, 505), never guessed at.
 *
 * The reader is incremental: a connection's bytes gather in the
 * caller's buffer, which starts at the request's first byte and only
 * grows; ga_http_read() is called after each read with the whole buffer
 * and carries on from where it stopped (each byte is looked at once, so
 * a request sent a byte at a time costs no more than one sent whole).
 * Bodies come with Content-Length or chunked (decoded here; a chunked
 * body that is not one is the request's body_error, as Go's handler
 * finds it when it reads the body).
 *
 * Ownership: a struct ga_http_reader owns the body it decodes
 * (req.body) until ga_http_reader_reset() or ga_http_reader_free().
 */
#ifndef GA_SERVE_HTTPREQ_H
#define GA_SERVE_HTTPREQ_H

#include <stdbool.h>
#include <stddef.h>

#define GA_HTTP_MAX_HEAD 16384          /* request line + headers */
#define GA_HTTP_MAX_HEADERS 64
#define GA_HTTP_MAX_BODY (1 << 20)

/* What a whole request says. */
struct ga_http_request {
	char method[16];
	char path[2048];                /* percent-decoded, no query */
	int minor;                      /* HTTP/1.<minor>: 0 or 1 */
	bool keep_alive;                /* the connection stays open after */
	bool expect_continue;           /* "Expect: 100-continue" */
	char user_agent[256];           /* cut to fit */
	char host[256];                 /* the Host header, "": none (cut to
					 * fit: a longer one names nothing) */
	char authorization[160];        /* the Authorization header, cut */
	char *body;                     /* owned by the reader; NUL after it */
	size_t body_len;
	const char *body_error;         /* static: the chunked body could not
					 * be read ("malformed chunked
					 * encoding", Go's words); NULL.  The
					 * request is whole but its body is
					 * not, and the connection closes */
	size_t consumed;                /* bytes of the buffer it took */
};

/* Why a request was refused: the status to answer with, and why.  Go's
 * server says why only for some ("400 Bad Request: missing required
 * Host header": public); for the others it answers "400 Bad Request"
 * alone, and reason is for goneaway's log. */
struct ga_http_refusal {
	int status;
	bool public;
	char reason[160];
};

enum ga_http_phase {
	GA_HTTP_HEAD,                   /* looking for the end of the head */
	GA_HTTP_BODY_LENGTH,            /* Content-Length bytes to come */
	GA_HTTP_CHUNK_SIZE,             /* a chunk-size line */
	GA_HTTP_CHUNK_DATA,
	GA_HTTP_CHUNK_END,              /* the CRLF after a chunk's data */
	GA_HTTP_TRAILER,                /* trailer lines, up to an empty one */
	GA_HTTP_DONE,
};

struct ga_http_reader {
	enum ga_http_phase phase;
	size_t pos;                     /* the next byte of the buffer to look at */
	size_t head_len;                /* bytes of the head, its empty line too */
	unsigned long long left;        /* of the body or of the chunk */
	bool head_read;                 /* the head is whole (a 100 Continue
					 * may be owed: req.expect_continue) */
	size_t body_cap;
	struct ga_http_request req;
};

/* Results of ga_http_read(). */
#define GA_HTTP_COMPLETE 0              /* r->req is a whole request */
#define GA_HTTP_MORE 1                  /* not whole yet: read on */
#define GA_HTTP_REFUSED (-1)            /* *bad says why; answer and close */

void ga_http_reader_init(struct ga_http_reader *r);

/* Reads on in buf[0..len) (the same buffer as before, grown; a reader
 * that said COMPLETE or REFUSED must be reset first).  Returns one of
 * the results above; the reader never reads past len. */
int ga_http_read(struct ga_http_reader *r, const char *buf, size_t len,
		 struct ga_http_refusal *bad);

/* Forgets the request (its body freed), for the next one, whose first
 * byte the caller has moved to the start of its buffer. */
void ga_http_reader_reset(struct ga_http_reader *r);
void ga_http_reader_free(struct ga_http_reader *r);

/* The reason phrase of status ("Not Found"); "" for one it does not
 * know. */
const char *ga_http_status_text(int status);

#endif
