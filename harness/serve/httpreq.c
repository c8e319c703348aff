/* httpreq.c - see httpreq.h: one request of HTTP/1.x, read on as its
 * bytes come, bounded. */
#include "serve/httpreq.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The longest chunk-size or trailer line. */
#define LINE_MAX_BYTES 1024

static const struct {
	int status;
	const char *text;
} status_texts[] = {
	{ 100, "Continue" }, { 200, "OK" }, { 201, "Created" },
	{ 204, "No Content" }, { 400, "Bad Request" }, { 403, "Forbidden" },
	{ 404, "Not Found" }, { 405, "Method Not Allowed" },
	{ 408, "Request Timeout" }, { 409, "Conflict" },
	{ 413, "Request Entity Too Large" }, { 414, "Request URI Too Long" },
	{ 417, "Expectation Failed" },
	{ 431, "Request Header Fields Too Large" },
	{ 500, "Internal Server Error" }, { 501, "Not Implemented" },
	{ 503, "Service Unavailable" }, { 505, "HTTP Version Not Supported" },
};

const char *ga_http_status_text(int status)
{
	size_t i;

	for (i = 0; i < sizeof(status_texts) / sizeof(status_texts[0]); i++)
		if (status_texts[i].status == status)
			return status_texts[i].text;
	return "";
}

/* Refuses the request with status; public: Go's server says reason
 * too (its statusError), else only the status. */
static int refuse(struct ga_http_refusal *bad, int status, bool public,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int refuse(struct ga_http_refusal *bad, int status, bool public,
		  const char *fmt, ...)
{
	va_list ap;

	bad->status = status;
	bad->public = public;
	va_start(ap, fmt);
	vsnprintf(bad->reason, sizeof(bad->reason), fmt, ap);
	va_end(ap);
	return GA_HTTP_REFUSED;
}

void ga_http_reader_init(struct ga_http_reader *r)
{
	memset(r, 0, sizeof(*r));
}

void ga_http_reader_free(struct ga_http_reader *r)
{
	free(r->req.body);
	r->req.body = NULL;
}

void ga_http_reader_reset(struct ga_http_reader *r)
{
	ga_http_reader_free(r);
	ga_http_reader_init(r);
}

/* RFC 9110's tchar. */
static bool is_tchar(unsigned char c)
{
	return isalnum(c) || (c && strchr("!#$%&'*+-.^_`|~", c));
}

/* A line of the head, without its CR LF. */
struct line {
	const char *s;
	size_t len;
};

static size_t split_lines(const char *head, size_t len, struct line *lines,
			  size_t max)
{
	size_t n = 0, start = 0, i;

	for (i = 0; i < len && n < max; i++) {
		if (head[i] != '\n')
			continue;
		lines[n].s = head + start;
		lines[n].len = i - start;
		if (lines[n].len && lines[n].s[lines[n].len - 1] == '\r')
			lines[n].len--;
		n++;
		start = i + 1;
	}
	return n;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The path of target (origin-form "/a/b?q", or absolute-form
 * "http://host/a/b"), percent-decoded, into req->path. */
static int read_target(struct ga_http_request *req, const char *t, size_t len,
		       struct ga_http_refusal *bad)
{
	size_t i = 0, o = 0;
	int h, l;

	if (len >= 7 && strncasecmp(t, "http://", 7) == 0) {
		i = 7;
	} else if (len >= 8 && strncasecmp(t, "https://", 8) == 0) {
		i = 8;
	}
	if (i) {                        /* absolute-form: skip the authority */
		while (i < len && t[i] != '/')
			i++;
		if (i == len)
			return refuse(bad, 400, false, "no path in the request target");
	}
	if (i >= len || t[i] != '/')
		return refuse(bad, 400, false, "the request target is not a path");
	for (; i < len && t[i] != '?' && t[i] != '#'; i++) {
		char c = t[i];

		if (c == '%') {
			if (i + 2 >= len || (h = hexval(t[i + 1])) < 0 ||
			    (l = hexval(t[i + 2])) < 0)
				return refuse(bad, 400, false, "invalid URL escape");
			c = (char)(h << 4 | l);
			i += 2;
			if (c == '\0')
				return refuse(bad, 400, false, "a NUL byte in the "
					      "path");
		}
		if (o + 1 >= sizeof(req->path))
			return refuse(bad, 414, false, "the path is longer than %zu "
				      "bytes", sizeof(req->path) - 1);
		req->path[o++] = c;
	}
	req->path[o] = '\0';
	return 0;
}

static int read_request_line(struct ga_http_request *req, const struct line *ln,
			     struct ga_http_refusal *bad)
{
	const char *s = ln->s, *sp1, *sp2, *end = ln->s + ln->len;
	size_t mlen;

	sp1 = memchr(s, ' ', ln->len);
	if (!sp1)
		return refuse(bad, 400, false, "malformed request line");
	sp2 = memchr(sp1 + 1, ' ', (size_t)(end - sp1 - 1));
	if (!sp2 || memchr(sp2 + 1, ' ', (size_t)(end - sp2 - 1)))
		return refuse(bad, 400, false, "malformed request line");
	mlen = (size_t)(sp1 - s);
	if (mlen == 0 || mlen >= sizeof(req->method))
		return refuse(bad, 400, false, "invalid method");
	for (const char *p = s; p < sp1; p++)
		if (!is_tchar((unsigned char)*p))
			return refuse(bad, 400, false, "invalid method");
	memcpy(req->method, s, mlen);
	req->method[mlen] = '\0';
	if (end - sp2 - 1 != 8 || memcmp(sp2 + 1, "HTTP/", 5) != 0 ||
	    !isdigit((unsigned char)sp2[6]) || sp2[7] != '.' ||
	    !isdigit((unsigned char)sp2[8]))
		return refuse(bad, 400, false, "malformed HTTP version");
	if (sp2[6] != '1' || (sp2[8] != '0' && sp2[8] != '1'))
		return refuse(bad, 505, true, "unsupported protocol version");
	req->minor = sp2[8] - '0';
	req->keep_alive = req->minor == 1;
	return read_target(req, sp1 + 1, (size_t)(sp2 - sp1 - 1), bad);
}

/* Whether the comma-separated list v[0..len) has token word. */
static bool has_token(const char *v, size_t len, const char *word)
{
	size_t i = 0, wl = strlen(word), s, e;

	while (i < len) {
		while (i < len && (v[i] == ' ' || v[i] == '\t' || v[i] == ','))
			i++;
		s = i;
		while (i < len && v[i] != ',')
			i++;
		e = i;
		while (e > s && (v[e - 1] == ' ' || v[e - 1] == '\t'))
			e--;
		if (e - s == wl && strncasecmp(v + s, word, wl) == 0)
			return true;
	}
	return false;
}

struct head_facts {
	bool has_length, chunked, bad_host, bad_expect;
	unsigned long long length;
	int hosts;
};

static int read_length(struct head_facts *f, const char *v, size_t len,
		       struct ga_http_refusal *bad)
{
	unsigned long long n = 0;
	size_t i;

	if (len == 0 || len > 19)
		return refuse(bad, 400, false, "bad Content-Length");
	for (i = 0; i < len; i++) {
		if (!isdigit((unsigned char)v[i]))
			return refuse(bad, 400, false, "bad Content-Length");
		n = n * 10 + (unsigned)(v[i] - '0');
	}
	if (f->has_length && f->length != n)
		return refuse(bad, 400, false, "two different Content-Lengths");
	f->has_length = true;
	f->length = n;
	return 0;
}

/* Go's httpguts.ValidHostHeader. */
static bool valid_host(const char *v, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (!isalnum((unsigned char)v[i]) &&
		    !strchr("!$%&()*+,-.:;=[]'_~", v[i]))
			return false;
	return true;
}

/* A header: its name in the head, its value (folded lines joined, as
 * Go's textproto joins them) in the reader's scratch. */
struct header {
	const char *name;
	size_t nlen;
	const char *value;
	size_t vlen;
};

static void trim(const char **v, const char **ve)
{
	while (*v < *ve && (**v == ' ' || **v == '\t'))
		(*v)++;
	while (*ve > *v && ((*ve)[-1] == ' ' || (*ve)[-1] == '\t'))
		(*ve)--;
}

/* The header lines into h (at most max), values into scratch.  Returns
 * how many, or -1 with bad set. */
static int read_headers(const struct line *lines, size_t n, char *scratch,
			struct header *h, size_t max,
			struct ga_http_refusal *bad)
{
	const char *colon, *v, *ve;
	size_t i, k, nh = 0, used = 0;

	for (i = 0; i < n; i++) {
		const struct line *ln = &lines[i];

		v = ln->s;
		ve = ln->s + ln->len;
		if (ln->len && (ln->s[0] == ' ' || ln->s[0] == '\t')) {
			if (nh == 0)
				return refuse(bad, 400, false, "a folded first "
					      "header line");
			trim(&v, &ve);  /* obs-fold: joined with a space */
			scratch[used++] = ' ';
			memcpy(scratch + used, v, (size_t)(ve - v));
			used += (size_t)(ve - v);
			h[nh - 1].vlen = (size_t)(scratch + used -
						  h[nh - 1].value);
			continue;
		}
		colon = memchr(ln->s, ':', ln->len);
		if (!colon)
			return refuse(bad, 400, false, "malformed header line");
		if (nh == max)
			return refuse(bad, 431, false, "more than %d headers",
				      GA_HTTP_MAX_HEADERS);
		h[nh].name = ln->s;
		h[nh].nlen = (size_t)(colon - ln->s);
		v = colon + 1;
		trim(&v, &ve);
		memcpy(scratch + used, v, (size_t)(ve - v));
		h[nh].value = scratch + used;
		h[nh].vlen = (size_t)(ve - v);
		used += h[nh].vlen;
		nh++;
	}
	for (i = 0; i < nh; i++) {
		if (h[i].nlen == 0)
			return refuse(bad, 400, true, "invalid header name");
		for (k = 0; k < h[i].nlen; k++)
			if (!is_tchar((unsigned char)h[i].name[k]))
				return refuse(bad, 400, true, "invalid header "
					      "name");
		for (k = 0; k < h[i].vlen; k++)
			if (((unsigned char)h[i].value[k] < 0x20 &&
			     h[i].value[k] != '\t') || h[i].value[k] == 0x7f)
				return refuse(bad, 400, true, "invalid header "
					      "value");
	}
	return (int)nh;
}

static int use_header(struct ga_http_request *req, struct head_facts *f,
		      const struct header *h, struct ga_http_refusal *bad)
{
	const char *v = h->value;
	size_t vlen = h->vlen, nlen = h->nlen;

#define IS(word) \
	(nlen == sizeof(word) - 1 && strncasecmp(h->name, word, nlen) == 0)
	if (IS("Content-Length"))
		return read_length(f, v, vlen, bad);
	if (IS("Transfer-Encoding")) {
		if (vlen != 7 || strncasecmp(v, "chunked", 7) != 0 || f->chunked)
			return refuse(bad, 501, false, "unsupported transfer "
				      "encoding");
		f->chunked = true;
	} else if (IS("Connection")) {
		if (has_token(v, vlen, "close"))
			req->keep_alive = false;
		else if (has_token(v, vlen, "keep-alive"))
			req->keep_alive = true;
	} else if (IS("Expect")) {
		if (vlen != 12 || strncasecmp(v, "100-continue", 12) != 0)
			f->bad_expect = true;   /* answered with 417 */
		else
			req->expect_continue = true;
	} else if (IS("Host")) {
		f->hosts++;
		if (!valid_host(v, vlen))
			f->bad_host = true;
		snprintf(req->host, sizeof(req->host), "%.*s", (int)vlen, v);
	} else if (IS("Authorization")) {
		snprintf(req->authorization, sizeof(req->authorization),
			 "%.*s", (int)vlen, v);
	} else if (IS("User-Agent")) {
		snprintf(req->user_agent, sizeof(req->user_agent), "%.*s",
			 (int)vlen, v);
	}
#undef IS
	return 0;
}

/* The head is buf[0..r->head_len): the request line and the headers. */
static int read_head(struct ga_http_reader *r, const char *buf,
		     struct ga_http_refusal *bad)
{
	struct line lines[GA_HTTP_MAX_HEADERS + 2];
	struct header h[GA_HTTP_MAX_HEADERS];
	struct head_facts f = { 0 };
	char *scratch;
	size_t n, skip = 0;
	int nh, i;

	while (skip < r->head_len && (buf[skip] == '\r' || buf[skip] == '\n'))
		skip++;         /* blank lines before the request line */
	n = split_lines(buf + skip, r->head_len - skip, lines,
			sizeof(lines) / sizeof(lines[0]));
	/* the request line, the headers, the empty line */
	if (n < 2)
		return refuse(bad, 400, false, "malformed request");
	if (lines[n - 1].len != 0)
		return refuse(bad, 431, false, "more than %d header lines",
			      GA_HTTP_MAX_HEADERS);
	if (read_request_line(&r->req, &lines[0], bad))
		return GA_HTTP_REFUSED;
	scratch = malloc(r->head_len + 1);
	if (!scratch)
		return refuse(bad, 503, false, "out of memory");
	nh = read_headers(lines + 1, n - 2, scratch, h, GA_HTTP_MAX_HEADERS,
			  bad);
	for (i = 0; i < nh; i++)
		if (use_header(&r->req, &f, &h[i], bad)) {
			nh = -1;
			break;
		}
	free(scratch);
	if (nh < 0)
		return GA_HTTP_REFUSED;
	if (r->req.minor == 1 && f.hosts == 0)
		return refuse(bad, 400, true, "missing required Host header");
	if (f.hosts > 1)
		return refuse(bad, 400, false, "more than one Host header");
	if (f.bad_host)
		return refuse(bad, 400, true, "malformed Host header");
	if (f.bad_expect) {
		r->req.keep_alive = false;
		return refuse(bad, 417, false, "an Expect other than "
			      "100-continue");
	}
	if (!f.chunked && f.has_length && f.length > GA_HTTP_MAX_BODY)
		return refuse(bad, 413, true, "a body of more than %d bytes",
			      GA_HTTP_MAX_BODY);
	r->body_cap = !f.chunked && f.has_length ? (size_t)f.length + 1 : 1;
	r->req.body = malloc(r->body_cap);
	if (!r->req.body)
		return refuse(bad, 503, false, "out of memory");
	r->req.body[0] = '\0';
	if (f.chunked) {                /* it wins over a Content-Length */
		r->phase = GA_HTTP_CHUNK_SIZE;
	} else if (f.has_length && f.length) {
		r->phase = GA_HTTP_BODY_LENGTH;
		r->left = f.length;
	} else {
		r->phase = GA_HTTP_DONE;
	}
	r->head_read = true;
	return 0;
}

/* Looks for the empty line that ends the head, from r->pos on. */
static int find_head_end(struct ga_http_reader *r, const char *buf, size_t len,
			 struct ga_http_refusal *bad)
{
	size_t i = r->pos, lead = 0;

	/* blank lines before the request line are not its end */
	while (lead < len && (buf[lead] == '\r' || buf[lead] == '\n'))
		lead++;
	if (i < lead)
		i = lead;
	for (; i < len; i++) {
		if (buf[i] != '\n' || i == lead)
			continue;
		if (buf[i - 1] == '\n' ||
		    (buf[i - 1] == '\r' && i >= lead + 2 && buf[i - 2] == '\n')) {
			r->head_len = i + 1;
			break;
		}
	}
	if (r->head_len == 0) {
		r->pos = len;
		if (len > GA_HTTP_MAX_HEAD)
			return refuse(bad, 431, false, "a head of more than %d bytes",
				      GA_HTTP_MAX_HEAD);
		return GA_HTTP_MORE;
	}
	if (r->head_len > GA_HTTP_MAX_HEAD)
		return refuse(bad, 431, false, "a head of more than %d bytes",
			      GA_HTTP_MAX_HEAD);
	r->pos = r->head_len;
	return read_head(r, buf, bad);
}

static int add_body(struct ga_http_reader *r, const char *p, size_t n,
		    struct ga_http_refusal *bad)
{
	struct ga_http_request *req = &r->req;
	size_t cap;
	char *nb;

	if (req->body_len + n > GA_HTTP_MAX_BODY)
		return refuse(bad, 413, true, "a body of more than %d bytes",
			      GA_HTTP_MAX_BODY);
	if (req->body_len + n + 1 > r->body_cap) {
		cap = r->body_cap * 2;
		while (cap < req->body_len + n + 1)
			cap *= 2;
		if (cap > GA_HTTP_MAX_BODY + 1)
			cap = GA_HTTP_MAX_BODY + 1;
		nb = realloc(req->body, cap);
		if (!nb)
			return refuse(bad, 503, false, "out of memory");
		req->body = nb;
		r->body_cap = cap;
	}
	memcpy(req->body + req->body_len, p, n);
	req->body_len += n;
	req->body[req->body_len] = '\0';
	return 0;
}

/* A line of the chunked body from r->pos: its length without CR LF into
 * *llen, and r->pos moved past it.  Returns 0, MORE or REFUSED. */
static int chunk_line(struct ga_http_reader *r, const char *buf, size_t len,
		      size_t *start, size_t *llen, struct ga_http_refusal *bad)
{
	const char *nl = memchr(buf + r->pos, '\n', len - r->pos);

	if (!nl) {
		if (len - r->pos > LINE_MAX_BYTES)
			return refuse(bad, 400, false, "a chunk line of more than %d "
				      "bytes", LINE_MAX_BYTES);
		return GA_HTTP_MORE;
	}
	*start = r->pos;
	*llen = (size_t)(nl - (buf + r->pos));
	if (*llen > LINE_MAX_BYTES)
		return refuse(bad, 400, false, "a chunk line of more than %d bytes",
			      LINE_MAX_BYTES);
	if (*llen && buf[r->pos + *llen - 1] == '\r')
		(*llen)--;
	r->pos = (size_t)(nl - buf) + 1;
	return 0;
}

/* Reads a chunk-size line.  Returns 0, 1 when it is not one, or
 * GA_HTTP_REFUSED (a chunk past the largest body). */
static int chunk_size(struct ga_http_reader *r, const char *s, size_t n,
		      struct ga_http_refusal *bad)
{
	unsigned long long v = 0;
	size_t i;
	int h;

	for (i = 0; i < n && (h = hexval(s[i])) >= 0; i++) {
		if (i == 8)
			return refuse(bad, 413, true, "a chunk larger than the "
				      "largest body");
		v = v << 4 | (unsigned)h;
	}
	if (i == 0 || (i < n && s[i] != ';' && s[i] != ' ' && s[i] != '\t'))
		return 1;       /* not a chunk size */
	if (r->req.body_len + v > GA_HTTP_MAX_BODY)
		return refuse(bad, 413, true, "a body of more than %d bytes",
			      GA_HTTP_MAX_BODY);
	r->left = v;
	r->phase = v ? GA_HTTP_CHUNK_DATA : GA_HTTP_TRAILER;
	return 0;
}

/* The chunked body cannot be read: the request is whole with its
 * body_error, and every byte read is its. */
static int chunk_bad(struct ga_http_reader *r, size_t len)
{
	r->req.body_error = "malformed chunked encoding";
	r->req.keep_alive = false;
	r->pos = len;
	r->phase = GA_HTTP_DONE;
	return GA_HTTP_COMPLETE;
}

static int read_body(struct ga_http_reader *r, const char *buf, size_t len,
		     struct ga_http_refusal *bad)
{
	size_t n, start, llen;
	int rc;

	while (r->phase != GA_HTTP_DONE) {
		switch (r->phase) {
		case GA_HTTP_BODY_LENGTH:
		case GA_HTTP_CHUNK_DATA:
			n = len - r->pos;
			if (n > r->left)
				n = (size_t)r->left;
			if (n == 0)
				return GA_HTTP_MORE;
			if (add_body(r, buf + r->pos, n, bad))
				return GA_HTTP_REFUSED;
			r->pos += n;
			r->left -= n;
			if (r->left == 0)
				r->phase = r->phase == GA_HTTP_BODY_LENGTH ?
					   GA_HTTP_DONE : GA_HTTP_CHUNK_END;
			break;
		case GA_HTTP_CHUNK_SIZE:
			rc = chunk_line(r, buf, len, &start, &llen, bad);
			if (rc == GA_HTTP_REFUSED)
				return chunk_bad(r, len);
			if (rc)
				return rc;
			rc = chunk_size(r, buf + start, llen, bad);
			if (rc == 1)
				return chunk_bad(r, len);
			if (rc)
				return GA_HTTP_REFUSED;
			break;
		case GA_HTTP_CHUNK_END:
			rc = chunk_line(r, buf, len, &start, &llen, bad);
			if (rc == GA_HTTP_REFUSED || (rc == 0 && llen != 0))
				return chunk_bad(r, len);   /* no CRLF after */
			if (rc)
				return rc;
			r->phase = GA_HTTP_CHUNK_SIZE;
			break;
		case GA_HTTP_TRAILER:
			rc = chunk_line(r, buf, len, &start, &llen, bad);
			if (rc)
				return rc;
			if (r->pos - r->head_len > GA_HTTP_MAX_BODY +
			    GA_HTTP_MAX_HEAD)
				return refuse(bad, 431, false, "too long a trailer");
			if (llen == 0)
				r->phase = GA_HTTP_DONE;
			break;
		default:
			return refuse(bad, 500, false, "the reader lost its place");
		}
	}
	return GA_HTTP_COMPLETE;
}

int ga_http_read(struct ga_http_reader *r, const char *buf, size_t len,
		 struct ga_http_refusal *bad)
{
	int rc;

	if (r->phase == GA_HTTP_HEAD) {
		rc = find_head_end(r, buf, len, bad);
		if (rc)
			return rc;
	}
	rc = read_body(r, buf, len, bad);
	if (rc == GA_HTTP_COMPLETE)
		r->req.consumed = r->pos;
	return rc;
}
