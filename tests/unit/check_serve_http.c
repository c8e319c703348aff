/* check_serve_http.c - goneaway serve's HTTP/1.1 request reader
 * (serve/httpreq.c): requests read whole and a byte at a time give the
 * same request, bodies by length and chunked, pipelined requests, every
 * bound (head, headers, body, chunk lines) and every refusal with the
 * status and words Go's server gives. */
#include <stdlib.h>
#include <string.h>

#include "serve/httpreq.h"
#include "suites.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* Reads text whole: the result, the request in *r (reset it after). */
static int read_whole(struct ga_http_reader *r, const char *text, size_t len,
		      struct ga_http_refusal *bad)
{
	ga_http_reader_init(r);
	return ga_http_read(r, text, len, bad);
}

/* Reads text as it would come a byte at a time: the buffer grows by
 * one and the reader carries on. */
static int read_bytewise(struct ga_http_reader *r, const char *text,
			 size_t len, struct ga_http_refusal *bad)
{
	size_t i;
	int rc = GA_HTTP_MORE;

	ga_http_reader_init(r);
	for (i = 1; i <= len && rc == GA_HTTP_MORE; i++)
		rc = ga_http_read(r, text, i, bad);
	return rc;
}

static const struct {
	const char *text;
	const char *method, *path, *body, *agent;
	int minor;
	bool keep_alive, expect;
	size_t consumed;        /* 0: all of text */
} good[] = {
	{ "GET /version HTTP/1.1\r\nHost: x\r\n\r\n", "GET", "/version", "",
	  "", 1, true, false, 0 },
	{ "GET /version HTTP/1.0\r\n\r\n", "GET", "/version", "", "", 0, false,
	  false, 0 },
	{ "GET /v HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", "GET", "/v", "",
	  "", 0, true, false, 0 },
	{ "GET /v HTTP/1.1\r\nHost: x\r\nConnection: Keep-Alive, close\r\n\r\n",
	  "GET", "/v", "", "", 1, false, false, 0 },
	/* bare LF, blank lines before the request line */
	{ "\r\n\nGET /v HTTP/1.1\nHost: x\n\n", "GET", "/v", "", "", 1, true,
	  false, 0 },
	{ "POST /proxies HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n"
	  "User-Agent: node\r\n\r\n{\"name\":1}\n", "POST", "/proxies",
	  "{\"name\":1}\n", "node", 1, true, false, 0 },
	{ "POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "5;ext=1\r\n{\"nam\r\n3\r\ne\":\r\n2\r\n1}\r\n0\r\nX-T: 1\r\n\r\n",
	  "POST", "/p", "{\"name\":1}", "", 1, true, false, 0 },
	/* chunked wins over a Content-Length, as in Go */
	{ "POST /p HTTP/1.1\r\nHost: x\r\nContent-Length: 99\r\n"
	  "Transfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n", "POST", "/p",
	  "a", "", 1, true, false, 0 },
	{ "GET /proxies/a%20b/toxics?x=%zz HTTP/1.1\r\nHost: x\r\n\r\n", "GET",
	  "/proxies/a b/toxics", "", "", 1, true, false, 0 },
	{ "GET http://127.0.0.1:8474/version HTTP/1.1\r\nHost: x\r\n\r\n", "GET",
	  "/version", "", "", 1, true, false, 0 },
	{ "POST /p HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
	  "Content-Length: 2\r\n\r\n{}", "POST", "/p", "{}", "", 1, true, true,
	  0 },
	/* a folded line joins its header, as Go's textproto joins it */
	{ "GET /v HTTP/1.1\r\nHost: x\r\nUser-Agent: a\r\n  b\r\n\r\n", "GET",
	  "/v", "", "a b", 1, true, false, 0 },
	/* two requests: the first one's bytes */
	{ "GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\n",
	  "GET", "/a", "", "", 1, true, false, 28 },
};

START_TEST(test_good)
{
	const char *t = good[_i].text;
	size_t len = strlen(t);
	struct ga_http_reader whole, bytes;
	struct ga_http_refusal bad;
	int how;

	for (how = 0; how < 2; how++) {
		struct ga_http_reader *r = how ? &bytes : &whole;
		int rc = how ? read_bytewise(r, t, len, &bad) :
			 read_whole(r, t, len, &bad);

		ck_assert_msg(rc == GA_HTTP_COMPLETE, "%s (%s): %d %d %s", t,
			      how ? "a byte at a time" : "whole", rc,
			      bad.status, rc < 0 ? bad.reason : "");
		ck_assert_str_eq(r->req.method, good[_i].method);
		ck_assert_str_eq(r->req.path, good[_i].path);
		ck_assert_str_eq(r->req.body, good[_i].body);
		ck_assert_uint_eq(r->req.body_len, strlen(good[_i].body));
		ck_assert_str_eq(r->req.user_agent, good[_i].agent);
		ck_assert_int_eq(r->req.minor, good[_i].minor);
		ck_assert_int_eq(r->req.keep_alive, good[_i].keep_alive);
		ck_assert_int_eq(r->req.expect_continue, good[_i].expect);
		ck_assert_ptr_null(r->req.body_error);
		ck_assert_uint_eq(r->req.consumed, good[_i].consumed ?
				  good[_i].consumed : len);
	}
	ga_http_reader_free(&whole);
	ga_http_reader_free(&bytes);
}
END_TEST

/* What is not whole yet asks for more, and says when the head is in
 * (for a 100 Continue). */
START_TEST(test_more)
{
	const char *t = "POST /p HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
			"Content-Length: 4\r\n\r\nab";
	struct ga_http_reader r;
	struct ga_http_refusal bad;

	ga_http_reader_init(&r);
	ck_assert_int_eq(ga_http_read(&r, t, 20, &bad), GA_HTTP_MORE);
	ck_assert(!r.head_read);
	ck_assert_int_eq(ga_http_read(&r, t, strlen(t), &bad), GA_HTTP_MORE);
	ck_assert(r.head_read);
	ck_assert(r.req.expect_continue);
	ga_http_reader_free(&r);
}
END_TEST

/* Refused as Go's server refuses: the status, and whether it says why
 * (public, with Go's words). */
static const struct {
	const char *text;
	int status;
	bool public;
	const char *reason;     /* public: Go's words */
} refused[] = {
	{ "GET /v HTTP/1.1\r\n\r\n", 400, true, "missing required Host header" },
	{ "GET /v HTTP/2.0\r\nHost: x\r\n\r\n", 505, true,
	  "unsupported protocol version" },
	{ "GET /v HTTP/1.1\r\nHost: a b\r\n\r\n", 400, true,
	  "malformed Host header" },
	{ "GET /v HTTP/1.1\r\nHost: x\r\n foo: bar\r\n\r\n", 400, true,
	  "malformed Host header" },
	{ "GET /v HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n", 400, true,
	  "invalid header name" },
	{ "GET /v HTTP/1.1\r\nHost: x\r\nA: \x01\r\n\r\n", 400, true,
	  "invalid header value" },
	{ "GET /v FOO\r\nHost: x\r\n\r\n", 400, false, NULL },
	{ "GET\r\nHost: x\r\n\r\n", 400, false, NULL },
	{ "G(T /v HTTP/1.1\r\nHost: x\r\n\r\n", 400, false, NULL },
	{ "GET v HTTP/1.1\r\nHost: x\r\n\r\n", 400, false, NULL },
	{ "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n", 400, false, NULL },
	{ "GET /%00 HTTP/1.1\r\nHost: x\r\n\r\n", 400, false, NULL },
	{ "GET /v HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400, false, NULL },
	{ "GET /v HTTP/1.1\r\nHost: x\r\nContent-Length: 1x\r\n\r\n", 400,
	  false, NULL },
	{ "GET /v HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
	  "Content-Length: 2\r\n\r\nab", 400, false, NULL },
	{ "POST /v HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", 501,
	  false, NULL },
	{ "GET /v HTTP/1.1\r\nHost: x\r\nExpect: later\r\n\r\n", 417, false,
	  NULL },
	{ "POST /v HTTP/1.1\r\nHost: x\r\nContent-Length: 1048577\r\n\r\n", 413,
	  true, NULL },
	{ "POST /v HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
	  "100001\r\n", 413, true, NULL },
	{ "GET /v HTTP/1.1\r\nHost: x\r\nA:\r\n\tb\r\nC\r\n\r\n", 400, false,
	  NULL },
};

START_TEST(test_refused)
{
	const char *t = refused[_i].text;
	struct ga_http_reader r;
	struct ga_http_refusal bad;
	int how;

	for (how = 0; how < 2; how++) {
		int rc = how ? read_bytewise(&r, t, strlen(t), &bad) :
			 read_whole(&r, t, strlen(t), &bad);

		ck_assert_msg(rc == GA_HTTP_REFUSED, "%s: %d", t, rc);
		ck_assert_int_eq(bad.status, refused[_i].status);
		ck_assert_int_eq(bad.public, refused[_i].public);
		if (refused[_i].reason)
			ck_assert_str_eq(bad.reason, refused[_i].reason);
		ck_assert(bad.reason[0]);       /* the log says why */
		ga_http_reader_free(&r);
	}
}
END_TEST

/* A chunked body that is not one is the request's body error (Go's
 * handler finds it reading the body); the connection then closes. */
START_TEST(test_bad_chunks)
{
	static const char *const texts[] = {
		"POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
		"zz\r\n",
		"POST /p HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
		"2\r\nabcd\r\n",
	};
	struct ga_http_reader r;
	struct ga_http_refusal bad;
	size_t i;

	for (i = 0; i < 2; i++) {
		ck_assert_int_eq(read_whole(&r, texts[i], strlen(texts[i]),
					    &bad), GA_HTTP_COMPLETE);
		ck_assert_str_eq(r.req.body_error, "malformed chunked encoding");
		ck_assert(!r.req.keep_alive);
		ck_assert_uint_eq(r.req.consumed, strlen(texts[i]));
		ga_http_reader_free(&r);
	}
}
END_TEST

/* t[0, n) read whole is refused with status. */
static void refused_with(const char *t, size_t n, int status)
{
	struct ga_http_reader r;
	struct ga_http_refusal bad;

	ck_assert_int_eq(read_whole(&r, t, n, &bad), GA_HTTP_REFUSED);
	ck_assert_int_eq(bad.status, status);
	ga_http_reader_free(&r);
}

/* The bounds: a head past GA_HTTP_MAX_HEAD (whole or never ending), more
 * than GA_HTTP_MAX_HEADERS headers, a body past GA_HTTP_MAX_BODY in
 * chunks, a chunk line past its bound. */
START_TEST(test_bounds)
{
	struct ga_http_reader r;
	struct ga_http_refusal bad;
	size_t cap = GA_HTTP_MAX_BODY + 4 * 65536 + 2 * GA_HTTP_MAX_HEAD, n, i;
	char *t = malloc(cap);

	ck_assert_ptr_nonnull(t);
	/* a head that never ends */
	n = (size_t)snprintf(t, cap, "GET /v HTTP/1.1\r\nHost: x\r\nA: ");
	memset(t + n, 'a', GA_HTTP_MAX_HEAD);
	n += GA_HTTP_MAX_HEAD;
	refused_with(t, n, 431);
	/* too many headers */
	n = (size_t)snprintf(t, cap, "GET /v HTTP/1.1\r\nHost: x\r\n");
	for (i = 0; i < GA_HTTP_MAX_HEADERS; i++)
		n += (size_t)snprintf(t + n, cap - n, "X-%zu: 1\r\n", i);
	n += (size_t)snprintf(t + n, cap - n, "\r\n");
	refused_with(t, n, 431);
	/* chunks adding up past the largest body */
	n = (size_t)snprintf(t, cap, "POST /p HTTP/1.1\r\nHost: x\r\n"
			     "Transfer-Encoding: chunked\r\n\r\n");
	for (i = 0; n + 70000 < cap; i++) {
		n += (size_t)snprintf(t + n, cap - n, "%x\r\n", 65536);
		memset(t + n, 'b', 65536);
		n += 65536;
		n += (size_t)snprintf(t + n, cap - n, "\r\n");
	}
	refused_with(t, n, 413);
	/* a chunk-size line that never ends */
	n = (size_t)snprintf(t, cap, "POST /p HTTP/1.1\r\nHost: x\r\n"
			     "Transfer-Encoding: chunked\r\n\r\n1");
	memset(t + n, ' ', 2000);
	n += 2000;
	ck_assert_int_eq(read_whole(&r, t, n, &bad), GA_HTTP_COMPLETE);
	ck_assert_str_eq(r.req.body_error, "malformed chunked encoding");
	ga_http_reader_free(&r);
	free(t);
}
END_TEST

START_TEST(test_status_text)
{
	ck_assert_str_eq(ga_http_status_text(404), "Not Found");
	ck_assert_str_eq(ga_http_status_text(431),
			 "Request Header Fields Too Large");
	ck_assert_str_eq(ga_http_status_text(299), "");
}
END_TEST

Suite *make_serve_http_suite(void)
{
	Suite *s = suite_create("serve_http");
	TCase *tc;

	tc = tcase_create("read");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_good, 0, N(good));
	tcase_add_test(tc, test_more);
	tcase_add_test(tc, test_status_text);
	suite_add_tcase(s, tc);

	tc = tcase_create("refused");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, test_refused, 0, N(refused));
	tcase_add_test(tc, test_bad_chunks);
	tcase_add_test(tc, test_bounds);
	suite_add_tcase(s, tc);
	return s;
}
