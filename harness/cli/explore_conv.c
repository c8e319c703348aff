/* explore_conv.c - a clean run's conversation, from its capture.pcap
 * (lab/capture.c writes it: Ethernet, IPv4, as the client's end of the
 * link saw it): each TCP connection's streams put back together, the
 * segments that carried data with their offset (what the point
 * fault's "data SIZE" counts, by TCP sequence) and conntrack's count
 * before each, and
 * the MySQL packets of each stream, named by serve/mysqlwire.c - the
 * one classifier of the protocol's packets goneaway has. */
#include "cli/explore.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "faults/point.h"
#include "serve/mysqlwire.h"
#include "util/strbuf.h"

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du
#define STREAM_MAX (64UL << 20)         /* bytes of one direction kept */

struct stream {
	unsigned char *buf;
	size_t len, cap;
	uint32_t isn;
	bool have_isn;
	unsigned long long ct;          /* conntrack's count so far */
};

struct building {
	struct ex_connection *cn;
	struct stream st[2];
	bool have_last[2];              /* a data segment came that way ... */
	unsigned long long last_off[2]; /* ... the last one's offset */
	/* what a cut leaves in the capture: the first TCP reset, and the
	 * segment it answered (the last data of the other direction) ... */
	bool rst;
	double rst_ms;
	int rst_dir;
	unsigned long long rst_off;
	/* ... and the bytes sent again, each way, and how far the other
	 * side acknowledged each way (the first byte it did not) */
	bool resent[2];
	unsigned long long resent_end[2];       /* past the last byte
						 * sent again */
	unsigned long long rst_acked[2];        /* acked[] at the reset */
	double resent_ms;               /* the first time any was */
	unsigned long long acked[2];
	unsigned long long acked_then[2];       /* ... when the first was:
						 * later ACKs may come after
						 * the fault's lift */
	double t0;
	size_t segcap;
};

/* The server's end of the connection: its first FIN or reset, the last
 * data it sent before (a FIN may ride on it), and the first data the
 * client sent after it. */
static void note_end(struct building *b, int dir, unsigned flags, size_t n)
{
	struct ex_connection *cn = b->cn;

	if (dir == EX_DOWN && (flags & 0x05) && !cn->end_seen) {
		cn->end_seen = true;
		cn->end_down_seen = b->have_last[EX_DOWN];
		cn->end_down_off = b->last_off[EX_DOWN];
	} else if (dir == EX_UP && n && cn->end_seen && !cn->end_up_seen &&
		   b->have_last[EX_UP]) {
		cn->end_up_seen = true;
		cn->end_up_off = b->last_off[EX_UP];
	}
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static unsigned be16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static int grow(void **p, size_t *cap, size_t want, size_t size)
{
	size_t n = *cap ? *cap : 16;
	void *q;

	if (want <= *cap)
		return 0;
	while (n < want)
		n *= 2;
	q = realloc(*p, n * size);
	if (!q)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

/* Bytes of one direction in order; a segment already had (TCP sent it
 * again) adds nothing, one past a gap marks the record incomplete. */
static int stream_add(struct building *b, int dir, uint32_t seq,
		      const unsigned char *p, size_t n, unsigned long ip_len,
		      double ms)
{
	struct stream *s = &b->st[dir];
	struct ex_connection *cn = b->cn;
	unsigned long long off = (uint32_t)(seq - s->isn - 1);
	struct ex_segment *sg;
	unsigned long long before = s->ct;

	s->ct += ip_len;
	if (n == 0 || !s->have_isn)
		return 0;
	if (off + n <= s->len) {                /* sent again */
		if (!b->resent[!dir] && !b->resent[dir]) {
			b->resent_ms = ms;
			b->acked_then[0] = b->acked[0];
			b->acked_then[1] = b->acked[1];
		}
		b->resent[dir] = true;
		if (off + n > b->resent_end[dir])
			b->resent_end[dir] = off + n;
		return 0;
	}
	b->have_last[dir] = true;
	b->last_off[dir] = off;
	if (off > s->len || s->len + n > STREAM_MAX) {
		cn->incomplete = true;
		return 0;
	}
	p += s->len - off;
	n -= (size_t)(s->len - off);
	if (grow((void **)&s->buf, &s->cap, s->len + n, 1) ||
	    grow((void **)&cn->segs, &b->segcap, cn->nsegs + 1, sizeof(*sg)))
		return -1;
	sg = &cn->segs[cn->nsegs++];
	sg->dir = dir;
	sg->off = s->len;
	sg->len = (unsigned long)n;
	sg->ip_len = ip_len;
	sg->ct_before = before;
	sg->ms = ms;
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	return 0;
}

static struct building *find_conn(struct building *bs, size_t n,
				  unsigned port)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (bs[i].cn->port == port)
			return &bs[i];
	return NULL;
}

/* One captured frame: a TCP segment of a connection to server_port. */
static int frame(struct ex_conv *c, struct building **bs, size_t *bcap,
		 const unsigned char *f, size_t caplen, size_t origlen,
		 double t, unsigned server_port)
{
	const unsigned char *ip = f + 14, *tcp;
	size_t ihl, doff, iplen, n;
	unsigned sport, dport, port, flags;
	struct building *b;
	int dir;

	if (caplen < 14 + 20 || be16(f + 12) != 0x0800 || (ip[0] >> 4) != 4 ||
	    ip[9] != 6)
		return 0;
	ihl = (size_t)(ip[0] & 15) * 4;
	iplen = be16(ip + 2);
	if (caplen < 14 + ihl + 20)
		return 0;
	tcp = ip + ihl;
	doff = (size_t)(tcp[12] >> 4) * 4;
	sport = be16(tcp);
	dport = be16(tcp + 2);
	flags = tcp[13];
	if (dport != server_port && sport != server_port)
		return 0;
	dir = dport == server_port ? EX_UP : EX_DOWN;
	port = dir == EX_UP ? sport : dport;
	b = find_conn(*bs, c->nconns, port);
	if (!b && dir == EX_UP && (flags & 0x12) == 0x02) {     /* a SYN */
		if (grow((void **)&c->conns, &(size_t){ c->nconns },
			 c->nconns + 1, sizeof(*c->conns)) ||
		    grow((void **)bs, bcap, c->nconns + 1, sizeof(**bs)))
			return -1;
		/* grow() above sized conns to exactly what is needed */
		memset(&c->conns[c->nconns], 0, sizeof(*c->conns));
		c->conns[c->nconns].port = port;
		memset(&(*bs)[c->nconns], 0, sizeof(**bs));
		b = &(*bs)[c->nconns];
		b->t0 = t;
		c->nconns++;
		for (n = 0; n < c->nconns; n++)
			(*bs)[n].cn = &c->conns[n];
	}
	if (!b)
		return 0;
	if ((flags & 0x04) && !b->rst && b->have_last[!dir]) {
		b->rst = true;                  /* a reset answered the last */
		b->rst_dir = !dir;              /* segment the other way */
		b->rst_off = b->last_off[!dir];
		b->rst_ms = (t - b->t0) * 1000.0;
		b->rst_acked[0] = b->acked[0];
		b->rst_acked[1] = b->acked[1];
	}
	if ((flags & 0x10) && b->st[!dir].have_isn) {   /* an ACK */
		unsigned long long a = (uint32_t)(be32(tcp + 8) -
						  b->st[!dir].isn - 1);

		if (a > b->acked[!dir] && a < (1ULL << 31))
			b->acked[!dir] = a;
	}
	if (flags & 0x02) {                     /* SYN or SYN-ACK */
		b->st[dir].isn = be32(tcp + 4);
		b->st[dir].have_isn = true;
	}
	if (iplen < ihl + doff)
		return 0;
	n = iplen - ihl - doff;
	if (n && 14 + ihl + doff + n > caplen) {
		b->cn->incomplete = true;       /* cut to its headers */
		n = 0;
	}
	(void)origlen;
	if (stream_add(b, dir, be32(tcp + 4), tcp + doff, n, iplen,
		       (t - b->t0) * 1000.0))
		return -1;
	note_end(b, dir, flags, n);
	return 0;
}

/* ---- the MySQL packets of a connection ----------------------------------- */

static void shape_of(const char *phase, char *shape, size_t len)
{
	size_t i = 0;

	/* "COM_QUERY SELECT 1" -> "COM_QUERY", "row 12" -> "row" */
	while (phase[i] && i + 1 < len &&
	       !(phase[i] == ' ' && (phase[i + 1] >= '0' && phase[i + 1] <= '9')) &&
	       !(phase[i] == ' ' && strncmp(phase, "COM_", 4) == 0)) {
		shape[i] = phase[i];
		i++;
	}
	shape[i] = '\0';
}

/* The names of the points that name their packet alone. */
static const char *const point_names[] = {
	[GA_MW_GREETING] = "greeting",
	[GA_MW_LOGIN] = "login",
	[GA_MW_SSL_REQUEST] = "TLS request",
	[GA_MW_TLS] = "TLS hello",
};

/* The name of a packet the classifier reported as ev, dir's. */
static void name_packet(const struct ga_mysql_wire *w, int dir,
			const struct ga_mw_event *ev, const unsigned char *pl,
			size_t plen, unsigned *cols, char *buf, size_t len)
{
	int first = plen ? pl[0] : -1;
	const char *part;
	size_t i, n;

	switch (ev->point) {
	case GA_MW_GREETING:
	case GA_MW_LOGIN:
	case GA_MW_SSL_REQUEST:
	case GA_MW_TLS:
		snprintf(buf, len, "%s", point_names[ev->point]);
		return;
	case GA_MW_AUTH:
		snprintf(buf, len, "%s", first == 0x00 ? "auth OK" :
			 first == 0xff ? "auth error" : first == 0xfe ?
			 "auth switch" : "auth more data");
		return;
	case GA_MW_COMMAND:
		n = snprintf(buf, len, "%s", ga_point_command_name(ev->command));
		if (ev->command == 3 && n < len) {      /* COM_QUERY: its SQL */
			buf[n++] = ' ';
			for (i = 1; i < plen && i <= 40 && n + 4 < len; i++)
				buf[n++] = pl[i] >= 0x20 && pl[i] < 0x7f ?
					   (char)pl[i] : '.';
			if (i < plen && n + 4 < len) {
				memcpy(buf + n, "...", 3);
				n += 3;
			}
			buf[n < len ? n : len - 1] = '\0';
		}
		return;
	case GA_MW_ROW:
		snprintf(buf, len, "row %llu", ev->row);
		return;
	default:
		break;
	}
	if (dir == EX_UP) {
		snprintf(buf, len, "client data");
		return;
	}
	part = ga_mysql_wire_part(w, first, plen);
	if (strcmp(part, "result header") == 0)
		*cols = 0;
	if (strcmp(part, "column") == 0)
		snprintf(buf, len, "column %u", ++*cols);
	else
		snprintf(buf, len, "%s", part);
}

/* Frames dir's stream: the packets, in order, until TLS or the end. */
struct framer {
	size_t at;                      /* the next packet's header */
};

/* Feeds seg's bytes to the classifier; each packet it says begins is
 * framed from the stream (its length and number) and named. */
static int classify_segment(struct building *b, struct ga_mysql_wire *w,
			    struct framer *fr, size_t *pcap,
			    const struct ex_segment *sg, unsigned *cols)
{
	struct ex_connection *cn = b->cn;
	const struct stream *s = &b->st[sg->dir];
	const unsigned char *p = s->buf + sg->off;
	size_t pos = 0, n, plen;
	struct ga_mw_event ev;
	struct ex_packet *pk;
	struct framer *f = &fr[sg->dir];

	while (pos < sg->len && !cn->tls) {
		memset(&ev, 0, sizeof(ev));
		n = ga_mysql_wire_step(w, sg->dir, p + pos, sg->len - pos,
				       false, &ev);
		if (ev.point == GA_MW_TLS) {
			cn->tls = true;
			break;
		}
		if (ev.point != GA_MW_NONE) {
			if (f->at + 4 > s->len) {
				cn->incomplete = true;
				break;
			}
			plen = (size_t)s->buf[f->at] |
			       (size_t)s->buf[f->at + 1] << 8 |
			       (size_t)s->buf[f->at + 2] << 16;
			if (grow((void **)&cn->pkts, pcap,
				 cn->npkts + 1, sizeof(*pk)))
				return -1;
			pk = &cn->pkts[cn->npkts++];
			memset(pk, 0, sizeof(*pk));
			pk->dir = sg->dir;
			pk->off = f->at;
			pk->len = (unsigned long)plen;
			pk->seq = s->buf[f->at + 3];
			name_packet(w, sg->dir, &ev, s->buf + f->at + 4,
				    f->at + 4 + plen <= s->len ? plen :
				    s->len - f->at - 4, cols, pk->phase,
				    sizeof(pk->phase));
			shape_of(pk->phase, pk->shape, sizeof(pk->shape));
			f->at += 4 + plen;
		}
		if (n == 0 && ev.point == GA_MW_NONE)
			break;
		pos += n;
	}
	return 0;
}

/* The segment of dir that carried byte off, or NULL. */
static const struct ex_segment *segment_of(const struct ex_connection *cn,
					   int dir, unsigned long long off)
{
	size_t i;

	for (i = 0; i < cn->nsegs; i++)
		if (cn->segs[i].dir == dir && cn->segs[i].off <= off &&
		    off < cn->segs[i].off + cn->segs[i].len)
			return &cn->segs[i];
	return NULL;
}

/* Where the connection was first cut: a reset answered the segment
 * before it, when it came before anything was sent again (or what was
 * sent again had been acknowledged by then); else, when
 * something was first sent again, the first segment each way its
 * receiver had not acknowledged (and that was sent by then: what comes
 * later may follow the fault's lift), the one of them first sent last
 * (the one before it got through: its ACK was cut, not its data). */
static void find_cut(struct building *b)
{
	struct ex_connection *cn = b->cn;
	const struct ex_segment *s[2] = { NULL, NULL }, *pick;
	/* a segment sent again that was acknowledged before the reset was
	 * a slow peer's (a loaded machine), not the cut's */
	bool spurious = b->rst &&
		(!b->resent[0] || b->rst_acked[0] >= b->resent_end[0]) &&
		(!b->resent[1] || b->rst_acked[1] >= b->resent_end[1]);
	int d;

	if (b->rst && (!(b->resent[0] || b->resent[1]) || spurious ||
		       b->rst_ms <= b->resent_ms)) {
		cn->cut_seen = true;
		cn->cut_dir = b->rst_dir;
		cn->cut_off = b->rst_off;
		return;
	}
	if (!(b->resent[0] || b->resent[1]))
		return;
	for (d = 0; d < 2; d++) {
		s[d] = segment_of(cn, d, b->acked_then[d]);
		if (s[d] && s[d]->ms > b->resent_ms)
			s[d] = NULL;    /* sent after it: after the lift */
	}
	pick = s[0] && s[1] ? (s[0]->ms > s[1]->ms ? s[0] : s[1]) :
	       s[0] ? s[0] : s[1];
	if (pick) {
		cn->cut_seen = true;
		cn->cut_dir = pick->dir;
		cn->cut_off = pick->off;
	}
}

static int classify(struct building *b)
{
	struct ga_mysql_wire w;
	struct framer fr[2];
	unsigned cols = 0;
	size_t i, pcap = 0;

	ga_mysql_wire_init(&w);
	memset(fr, 0, sizeof(fr));
	for (i = 0; i < b->cn->nsegs; i++) {
		if (classify_segment(b, &w, fr, &pcap, &b->cn->segs[i], &cols))
			return -1;
	}
	return 0;
}

/* ---- the file -------------------------------------------------------------- */

static int read_frames(FILE *f, struct ex_conv *c, struct building **bs,
		       size_t *bcap, unsigned server_port, bool ns,
		       struct ga_error *err)
{
	unsigned char rh[16], *fb = malloc(65536 + 64);
	uint32_t caplen, origlen;
	double t;

	if (!fb)
		return ga_error_set(err, "out of memory");
	while (fread(rh, 1, 16, f) == 16) {
		caplen = (uint32_t)rh[8] | (uint32_t)rh[9] << 8 |
			 (uint32_t)rh[10] << 16 | (uint32_t)rh[11] << 24;
		origlen = (uint32_t)rh[12] | (uint32_t)rh[13] << 8 |
			  (uint32_t)rh[14] << 16 | (uint32_t)rh[15] << 24;
		if (caplen > 65536 + 64 || fread(fb, 1, caplen, f) != caplen)
			break;
		t = (double)((uint32_t)rh[0] | (uint32_t)rh[1] << 8 |
			     (uint32_t)rh[2] << 16 | (uint32_t)rh[3] << 24) +
		    (double)((uint32_t)rh[4] | (uint32_t)rh[5] << 8 |
			     (uint32_t)rh[6] << 16 | (uint32_t)rh[7] << 24) /
		    (ns ? 1e9 : 1e6);
		if (frame(c, bs, bcap, fb, caplen, origlen, t, server_port)) {
			free(fb);
			return ga_error_set(err, "out of memory");
		}
	}
	free(fb);
	return 0;
}

int ex_conv_read(const char *path, unsigned server_port, struct ex_conv *c,
		 struct ga_error *err)
{
	struct building *bs = NULL;
	size_t bcap = 0, i;
	unsigned char gh[24];
	uint32_t magic;
	FILE *f = fopen(path, "rb");
	int rc = 0;

	if (!f)
		return ga_error_errno(err, errno, "%s", path);
	if (fread(gh, 1, 24, f) != 24) {
		fclose(f);
		return ga_error_set(err, "%s: not a pcap file", path);
	}
	magic = (uint32_t)gh[0] | (uint32_t)gh[1] << 8 |
		(uint32_t)gh[2] << 16 | (uint32_t)gh[3] << 24;
	if ((magic != PCAP_MAGIC_US && magic != PCAP_MAGIC_NS) || gh[20] != 1) {
		fclose(f);
		return ga_error_set(err, "%s: not an Ethernet pcap file in "
				    "little-endian order", path);
	}
	rc = read_frames(f, c, &bs, &bcap, server_port,
			 magic == PCAP_MAGIC_NS, err);
	fclose(f);
	for (i = 0; rc == 0 && i < c->nconns; i++) {
		find_cut(&bs[i]);
		if (classify(&bs[i]))
			rc = ga_error_set(err, "out of memory");
	}
	for (i = 0; i < c->nconns; i++) {
		free(bs[i].st[0].buf);
		free(bs[i].st[1].buf);
	}
	free(bs);
	if (rc)
		ex_conv_free(c);
	return rc;
}

void ex_conv_free(struct ex_conv *c)
{
	size_t i;

	for (i = 0; i < c->nconns; i++) {
		free(c->conns[i].segs);
		free(c->conns[i].pkts);
	}
	free(c->conns);
	c->conns = NULL;
	c->nconns = 0;
}

/* ---- told ------------------------------------------------------------------ */

/* Where the packets read of dir end: past them, TLS. */
static unsigned long long framed_end(const struct ex_connection *cn, int dir)
{
	unsigned long long end = 0;
	size_t i;

	for (i = 0; i < cn->npkts; i++)
		if (cn->pkts[i].dir == dir &&
		    cn->pkts[i].off + 4 + cn->pkts[i].len > end)
			end = cn->pkts[i].off + 4 + cn->pkts[i].len;
	return end;
}

void ex_segment_label(const struct ex_connection *cn,
		      const struct ex_segment *seg, char *buf, size_t len,
		      char *shape, size_t shape_len)
{
	const struct ex_packet *first = NULL, *last = NULL;
	struct ga_strbuf sb, sh;
	size_t i, n = 0;

	for (i = 0; i < cn->npkts; i++) {
		const struct ex_packet *p = &cn->pkts[i];

		if (p->dir != seg->dir || p->off < seg->off ||
		    p->off >= seg->off + seg->len)
			continue;
		if (!first)
			first = p;
		last = p;
		n++;
	}
	ga_strbuf_init(&sb, buf, len);
	ga_strbuf_init(&sh, shape, shape_len);
	if (!first && cn->tls && seg->off >= framed_end(cn, seg->dir)) {
		ga_strbuf_add(&sb, "TLS records (not read)");
		ga_strbuf_add(&sh, "tls");
		return;
	}
	if (!first) {
		ga_strbuf_add(&sb, "(inside a packet)");
		ga_strbuf_add(&sh, "inside");
		return;
	}
	ga_strbuf_add(&sb, "%s", first->phase);
	ga_strbuf_add(&sh, "%s", first->shape);
	if (n > 1) {
		ga_strbuf_add(&sb, " .. %s (%zu packets)", last->phase, n);
		ga_strbuf_add(&sh, "..%s", last->shape);
	}
}

unsigned long long ex_segment_size(const struct ex_segment *seg)
{
	return seg->off + seg->len / 2 + 1;
}

/* Whether y, the segment of another run that stands where x stood,
 * carries x's point's byte. */
static bool lands_on(const struct ex_segment *x, const struct ex_segment *y)
{
	unsigned long long size = ex_segment_size(x);

	return y->off < size && y->off + y->len >= size;
}

bool ex_conv_same(const struct ex_conv *a, const struct ex_conv *b,
		  char *why, size_t len)
{
	size_t i, k;

	if (a->nconns != b->nconns) {
		snprintf(why, len, "%zu connections, then %zu", a->nconns,
			 b->nconns);
		return false;
	}
	for (i = 0; i < a->nconns; i++) {
		const struct ex_connection *x = &a->conns[i], *y = &b->conns[i];

		if (x->nsegs != y->nsegs || x->npkts != y->npkts) {
			snprintf(why, len, "connection %zu: %zu segments and "
				 "%zu packets, then %zu and %zu", i + 1,
				 x->nsegs, x->npkts, y->nsegs, y->npkts);
			return false;
		}
		for (k = 0; k < x->nsegs; k++)
			if (x->segs[k].dir != y->segs[k].dir ||
			    x->segs[k].len != y->segs[k].len ||
			    !lands_on(&x->segs[k], &y->segs[k])) {
				snprintf(why, len, "connection %zu, segment "
					 "%zu: %lu bytes at offset %llu (its "
					 "point data %llu), then %lu at %llu",
					 i + 1, k + 1, x->segs[k].len,
					 x->segs[k].off,
					 ex_segment_size(&x->segs[k]),
					 y->segs[k].len, y->segs[k].off);
				return false;
			}
		for (k = 0; k < x->npkts; k++)
			if (x->pkts[k].off != y->pkts[k].off ||
			    x->pkts[k].len != y->pkts[k].len ||
			    strcmp(x->pkts[k].shape, y->pkts[k].shape) != 0) {
				snprintf(why, len, "connection %zu, packet %zu: "
					 "%s, then %s", i + 1, k + 1,
					 x->pkts[k].phase, y->pkts[k].phase);
				return false;
			}
	}
	return true;
}

void ex_conv_print(FILE *f, const struct ex_conv *c)
{
	size_t i, k;

	for (i = 0; i < c->nconns; i++) {
		const struct ex_connection *cn = &c->conns[i];

		fprintf(f, "connection %zu (client port %u)%s%s\n", i + 1,
			cn->port, cn->tls ? ", TLS past the hello" : "",
			cn->incomplete ? ", INCOMPLETE capture" : "");
		fprintf(f, "  %-11s %8s %8s %4s  %s\n", "direction", "offset",
			"length", "seq", "phase");
		for (k = 0; k < cn->npkts; k++)
			fprintf(f, "  %-11s %8llu %8lu %4u  %s\n",
				cn->pkts[k].dir == EX_UP ? "to-server" :
				"from-server", cn->pkts[k].off,
				cn->pkts[k].len, cn->pkts[k].seq,
				cn->pkts[k].phase);
	}
}
