/* mysqlwire.c - see mysqlwire.h: MySQL's client/server protocol, its
 * frames and its states, read as the bytes pass. */
#include "serve/mysqlwire.h"

#include <stdio.h>
#include <string.h>

#define CLIENT_PROTOCOL_41 0x00000200u
#define CLIENT_SSL 0x00000800u
#define CLIENT_DEPRECATE_EOF 0x01000000u
#define SERVER_MORE_RESULTS_EXISTS 0x0008u
#define MAX_FRAME 0xffffffu
#define COM_QUERY 0x03
#define COM_STMT_EXECUTE 0x17
#define COM_LAST 0x1f           /* the highest command byte there is */

/* Where a command's result is (struct ga_mysql_wire.resp). */
enum {
	RESP_NONE,              /* no result is being read */
	RESP_FIRST,             /* its first packet: OK, ERR, infile or
				 * the column count */
	RESP_COLS,              /* column definitions */
	RESP_COLEOF,            /* the EOF after them */
	RESP_ROWS,
	RESP_OTHER,             /* the answer of another command */
};

static const char *const point_names[] = {
	[GA_MW_NONE] = "none",
	[GA_MW_GREETING] = "greeting", [GA_MW_LOGIN] = "login",
	[GA_MW_SSL_REQUEST] = "ssl-request", [GA_MW_TLS] = "tls",
	[GA_MW_AUTH] = "auth", [GA_MW_COMMAND] = "command",
	[GA_MW_ROW] = "row", [GA_MW_OTHER] = "other",
};

const char *ga_mw_point_name(enum ga_mw_point p)
{
	return (unsigned)p < sizeof(point_names) / sizeof(point_names[0]) ?
	       point_names[p] : "?";
}

void ga_mysql_wire_init(struct ga_mysql_wire *w)
{
	memset(w, 0, sizeof(*w));
	w->command = -1;
}

void ga_mysql_wire_lose(struct ga_mysql_wire *w)
{
	if (w->phase == GA_MW_PHASE_OPAQUE)
		return;
	w->phase = GA_MW_PHASE_LOST;
	w->resp = RESP_NONE;
	memset(w->dir, 0, sizeof(w->dir));
}

bool ga_mysql_wire_past_login(const struct ga_mysql_wire *w)
{
	return w->phase == GA_MW_PHASE_COMMAND ||
	       w->phase == GA_MW_PHASE_OPAQUE ||
	       w->phase == GA_MW_PHASE_LOST;
}

/* ---- what a packet is, from its first five bytes --------------------------- */

static bool is_end_of_rows(unsigned first, size_t plen)
{
	return first == 0xfe && plen < MAX_FRAME;
}

static enum ga_mw_point classify(struct ga_mysql_wire *w, int dir,
				 unsigned seq, size_t plen, int first,
				 struct ga_mw_event *ev)
{
	struct ga_mw_dir *d = &w->dir[dir];

	if (d->cont)
		return GA_MW_OTHER;
	if (dir == GA_MW_DOWN) {
		if (w->phase == GA_MW_PHASE_GREETING)
			return GA_MW_GREETING;
		if (w->phase == GA_MW_PHASE_AUTH && !w->server_said_first) {
			w->server_said_first = true;
			return GA_MW_AUTH;
		}
		if (w->phase == GA_MW_PHASE_COMMAND && w->resp == RESP_ROWS &&
		    first != 0xff && !is_end_of_rows((unsigned)first, plen)) {
			ev->row = ++w->rows;
			return GA_MW_ROW;
		}
		return GA_MW_OTHER;
	}
	if (w->phase == GA_MW_PHASE_LOGIN && seq == 1)
		return plen == 32 ? GA_MW_SSL_REQUEST : GA_MW_LOGIN;
	if (w->phase == GA_MW_PHASE_COMMAND && seq == 0 && first >= 0) {
		ev->command = first;
		return GA_MW_COMMAND;
	}
	return GA_MW_OTHER;
}

/* ---- what a packet said, once its payload has passed ----------------------- */

static uint32_t le(const unsigned char *p, int n)
{
	uint32_t v = 0;
	int i;

	for (i = n - 1; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

/* A length-encoded integer at p[*i] (below end): its value, *i moved
 * past it; -1 when it does not fit in the bytes kept. */
static long long lenenc(const unsigned char *p, size_t end, size_t *i)
{
	unsigned c;
	int n;

	if (*i >= end)
		return -1;
	c = p[(*i)++];
	if (c < 0xfb)
		return c;
	n = c == 0xfc ? 2 : c == 0xfd ? 3 : c == 0xfe ? 8 : -1;
	if (n < 0 || *i + (size_t)n > end)
		return -1;
	*i += (size_t)n;
	return n == 8 ? (long long)le(p + *i - 8, 4) : (long long)le(p + *i - n, n);
}

static void read_greeting(struct ga_mysql_wire *w, const struct ga_mw_dir *d)
{
	const unsigned char *p = d->keep;
	size_t n = d->kept, i = 1, v;

	if (n < 1 || p[0] != 10)
		return;
	for (v = 0; i < n && p[i]; i++)
		if (v + 1 < sizeof(w->server_version))
			w->server_version[v++] = (char)p[i];
	w->server_version[v] = '\0';
	i++;                            /* its NUL */
	if (i + 4 <= n)
		w->thread_id = le(p + i, 4);
	i += 4 + 8 + 1;                 /* scramble, filler */
	if (i + 2 <= n)
		w->server_caps = le(p + i, 2);
	i += 2 + 1 + 2;                 /* charset, status */
	if (i + 2 <= n)
		w->server_caps |= le(p + i, 2) << 16;
}

static void read_error(struct ga_mysql_wire *w, const struct ga_mw_dir *d)
{
	const unsigned char *p = d->keep;
	size_t n = d->kept, i = 3, m;

	if (n < 3)
		return;
	w->errors++;
	w->err_code = le(p + 1, 2);
	w->err_state[0] = '\0';
	if (n >= 9 && p[3] == '#') {
		memcpy(w->err_state, p + 4, 5);
		w->err_state[5] = '\0';
		i = 9;
	}
	m = n - i;
	if (m >= sizeof(w->err_msg))
		m = sizeof(w->err_msg) - 1;
	memcpy(w->err_msg, p + i, m);
	w->err_msg[m] = '\0';
}

/* The status flags of an OK packet (first byte 0x00 or 0xfe) or of an
 * EOF packet; 0 when they were not kept. */
static unsigned status_of(const struct ga_mw_dir *d)
{
	size_t i = 1;

	if (d->keep[0] == 0xfe && d->plen < 9)          /* EOF */
		return d->kept >= 5 ? le(d->keep + 3, 2) : 0;
	if (lenenc(d->keep, d->kept, &i) < 0 ||
	    lenenc(d->keep, d->kept, &i) < 0 || i + 2 > d->kept)
		return 0;
	return le(d->keep + i, 2);
}

static void result_packet(struct ga_mysql_wire *w, const struct ga_mw_dir *d)
{
	unsigned first = d->kept ? d->keep[0] : 0;
	size_t i = 0;
	long long n;

	if (first == 0xff && d->kept) {
		read_error(w, d);
		w->resp = RESP_NONE;
		return;
	}
	switch (w->resp) {
	case RESP_FIRST:
		if (first == 0x00) {
			w->resp = status_of(d) & SERVER_MORE_RESULTS_EXISTS ?
				  RESP_FIRST : RESP_NONE;
		} else if (first == 0xfb) {
			w->resp = RESP_OTHER;           /* LOCAL INFILE */
		} else {
			n = lenenc(d->keep, d->kept, &i);
			w->cols_left = n > 0 ? (unsigned long long)n : 0;
			w->resp = n > 0 ? RESP_COLS : RESP_OTHER;
		}
		break;
	case RESP_COLS:
		if (w->cols_left > 0)
			w->cols_left--;
		if (w->cols_left == 0)
			w->resp = w->server_caps & w->client_caps &
				  CLIENT_DEPRECATE_EOF ? RESP_ROWS : RESP_COLEOF;
		break;
	case RESP_COLEOF:
		w->resp = RESP_ROWS;
		break;
	case RESP_ROWS:
		if (is_end_of_rows(first, d->plen))
			w->resp = status_of(d) & SERVER_MORE_RESULTS_EXISTS ?
				  RESP_FIRST : RESP_NONE;
		break;
	default:
		break;
	}
}

static void packet_done(struct ga_mysql_wire *w, int dir)
{
	struct ga_mw_dir *d = &w->dir[dir];
	unsigned first = d->kept ? d->keep[0] : 0;

	d->cont = d->plen == MAX_FRAME;
	if (d->kind == GA_MW_OTHER && d->cont)
		return;
	switch (d->kind) {
	case GA_MW_GREETING:
		if (first == 0xff) {
			read_error(w, d);
			w->phase = GA_MW_PHASE_LOST;    /* the server hangs up */
			return;
		}
		read_greeting(w, d);
		w->phase = GA_MW_PHASE_LOGIN;
		return;
	case GA_MW_LOGIN:
	case GA_MW_SSL_REQUEST:
		if (d->kept >= 4)
			w->client_caps = le(d->keep, 4);
		if (d->kind == GA_MW_SSL_REQUEST)
			w->tls_next = true;
		else
			w->phase = GA_MW_PHASE_AUTH;
		return;
	case GA_MW_COMMAND:
		w->command = d->kept ? d->keep[0] : -1;
		w->rows = 0;
		w->resp = w->command == COM_QUERY ||
			  w->command == COM_STMT_EXECUTE ? RESP_FIRST :
			  RESP_OTHER;
		return;
	default:
		break;
	}
	if (dir != GA_MW_DOWN)
		return;
	if (w->phase == GA_MW_PHASE_AUTH) {
		if (first == 0x00)
			w->phase = GA_MW_PHASE_COMMAND;
		else if (first == 0xff)
			read_error(w, d);
		return;
	}
	if (w->phase == GA_MW_PHASE_COMMAND)
		result_packet(w, d);
}

/* How many bytes of a packet's payload to keep, by what it is. */
static size_t keep_for(const struct ga_mysql_wire *w, int dir,
		       enum ga_mw_point kind, int first)
{
	if (kind == GA_MW_ROW || (kind == GA_MW_OTHER && w->dir[dir].cont))
		return 0;
	if (dir == GA_MW_UP)
		return kind == GA_MW_LOGIN || kind == GA_MW_SSL_REQUEST ? 36 :
		       kind == GA_MW_COMMAND ? 1 : 0;
	return first == 0xff || kind == GA_MW_GREETING ? GA_MW_KEEP : 32;
}

/* A lost place is found at a client packet numbered 0 that begins a
 * read while the server is quiet, and whose first byte is a command. */
static bool found_again(const unsigned char *p, size_t len, bool quiet)
{
	size_t plen;

	if (!quiet || len < 5 || p[3] != 0)
		return false;
	plen = le(p, 3);
	return plen >= 1 && p[4] <= COM_LAST && plen + 4 >= len;
}

/* How many of a packet's first bytes say what it is: its header, and
 * its first payload byte unless it has none; h holds n of them. */
static size_t header_need(const unsigned char *h, size_t n)
{
	return n >= 4 && le(h, 3) == 0 ? 4 : 5;
}

/* A packet begins at p (after the d->hdr_n bytes of it an earlier read
 * passed).  Once its first bytes are all there it is announced (0 bytes
 * pass; ev says what it is); until then what is here passes and is
 * kept with the others. */
static size_t announce(struct ga_mysql_wire *w, int dir,
		       const unsigned char *p, size_t len,
		       struct ga_mw_event *ev)
{
	struct ga_mw_dir *d = &w->dir[dir];
	unsigned char h[5];
	size_t hn = d->hdr_n, take = len < 5 - hn ? len : 5 - hn;

	memcpy(h, d->hdr, hn);
	memcpy(h + hn, p, take);
	hn += take;
	if (hn < 4 || hn < header_need(h, hn)) {
		memcpy(d->hdr, h, hn);          /* all of p: it passes */
		d->hdr_n = hn;
		return len;
	}
	d->announced = true;
	d->seq = h[3];
	d->plen = le(h, 3);
	d->first = d->plen ? h[4] : -1;
	ev->point = classify(w, dir, d->seq, d->plen, d->first, ev);
	ev->left = 4 + d->plen - d->hdr_n;
	d->kind = ev->point;
	return 0;
}

size_t ga_mysql_wire_step(struct ga_mysql_wire *w, int dir,
			  const unsigned char *p, size_t len, bool quiet,
			  struct ga_mw_event *ev)
{
	struct ga_mw_dir *d = &w->dir[dir];
	size_t n;

	memset(ev, 0, sizeof(*ev));
	ev->point = GA_MW_NONE;
	if (len == 0 || w->phase == GA_MW_PHASE_OPAQUE)
		return len;
	if (w->phase == GA_MW_PHASE_LOST) {
		if (dir != GA_MW_UP || d->left || !found_again(p, len, quiet))
			return len;
		w->phase = GA_MW_PHASE_COMMAND;
		memset(w->dir, 0, sizeof(w->dir));
	}
	if (d->left > 0) {                      /* inside a payload */
		n = len < d->left ? len : d->left;
		if (d->kept < d->keep_want) {
			size_t k = d->keep_want - d->kept;

			if (k > n)
				k = n;
			memcpy(d->keep + d->kept, p, k);
			d->kept += k;
		}
		d->left -= n;
		if (d->left == 0)
			packet_done(w, dir);
		return n;
	}
	if (dir == GA_MW_DOWN && w->tls_next)  /* the server's TLS */
		return len;
	if (dir == GA_MW_UP && w->tls_next) {   /* its TLS hello */
		if (!d->announced) {
			d->announced = true;
			ev->point = GA_MW_TLS;
			/* a record: 5 bytes of header, then its length's */
			ev->left = len >= 5 ? 5 + ((size_t)p[3] << 8 | p[4]) :
				   len;
			return 0;
		}
		w->phase = GA_MW_PHASE_OPAQUE;
		return len;
	}
	if (!d->announced)
		return announce(w, dir, p, len, ev);
	/* the packet announced passes: its header's bytes that are here */
	n = d->hdr_n < 4 ? 4 - d->hdr_n : 0;
	d->announced = false;
	d->hdr_n = 0;
	d->left = d->plen;
	d->kept = 0;
	d->keep_want = keep_for(w, dir, d->kind, d->first);
	if (d->left == 0)
		packet_done(w, dir);
	return n;
}

const char *ga_mysql_wire_part(const struct ga_mysql_wire *w, int first,
			       size_t plen)
{
	if (first == 0xff)
		return "error";
	switch (w->resp) {
	case RESP_FIRST:
		return first == 0x00 ? "OK" : first == 0xfb ?
		       "infile request" : "result header";
	case RESP_COLS:
		return "column";
	case RESP_COLEOF:
		return "column EOF";
	case RESP_ROWS:
		return first >= 0 && is_end_of_rows((unsigned)first, plen) ?
		       "end of rows" : "row";
	default:
		return first == 0x00 ? "OK" : first == 0xfe ? "EOF" : "answer";
	}
}
