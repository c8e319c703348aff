/* fuzz_api.c - goneaway serve's API as a client drives it: the input is
 * the bytes of one API connection (serve/httpreq.c reads them, request
 * after request), each request answered by serve/api.c over one set of
 * proxies (no relay: its hooks are absent), a pending server job
 * finished as done or failed by the input's own bits.  The same bytes
 * are read twice, whole and in reads of 1 to 64 bytes (the first byte
 * says how many), into two APIs: both must answer every request alike
 * (the reader is incremental).  Every answer must be one of the API's
 * statuses; a JSON body must be JSON (util/json.c); its bytes on the
 * wire and a refusal's must be made; and the proxies and toxics stay
 * within their bounds.  With the first byte's top bit, each request
 * passes the gate first (ga_api_gate: its Host must name 127.0.0.1:8474,
 * and its connection is not the owner's, so it must give the token). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "serve/api.h"
#include "util/json.h"

#define MAX_ANSWERS 256

struct answer {
	int status;
	size_t len;
	unsigned long sum;      /* of the body's bytes */
};

struct run {
	struct ga_sv sv;
	struct answer a[MAX_ANSWERS];
	size_t n;
};

static bool known_status(int s)
{
	switch (s) {
	case 200: case 201: case 204: case 400: case 403: case 404:
	case 405: case 409: case 413: case 417: case 431: case 500:
	case 501: case 503: case 505:
		return true;
	}
	return false;
}

static void check_body(const struct ga_api_response *r)
{
	struct ga_error err;
	struct ga_json *j;

	if (!r->content_type || !r->body_len)
		return;
	/* JSON: the API's answers, and its error bodies (text/plain, as
	 * Go's http.Error writes them, but JSON all the same) */
	if (strncmp(r->content_type, "application/json", 16) != 0 &&
	    r->body[0] != '{')
		return;
	j = ga_json_parse(r->body, r->body_len, &err);
	if (!j)
		fuzz_fail("status %d: a body that is not JSON (%s): %.*s",
			  r->status, err.msg, (int)r->body_len, r->body);
	ga_json_free(j);
}

static void record(struct run *run, int status, const char *body, size_t len)
{
	struct answer *a;
	size_t i;

	if (run->n == MAX_ANSWERS)
		return;
	a = &run->a[run->n++];
	a->status = status;
	a->len = len;
	a->sum = 0;
	for (i = 0; i < len; i++)
		a->sum = a->sum * 31 + (unsigned char)body[i];
}

static void answer(struct run *run, struct ga_api_response *r, bool job_ok)
{
	struct ga_api_wire how = { 1, true, false, "x" };
	char *bytes;
	size_t len;

	if (r->job) {
		r->job->rc = job_ok ? 0 : -1;
		snprintf(r->job->msg, sizeof(r->job->msg), "it failed");
		ga_api_finish(&run->sv, r->job, r);
	}
	if (!known_status(r->status))
		fuzz_fail("status %d", r->status);
	check_body(r);
	if (ga_api_response_bytes(r, &how, &bytes, &len) != 0)
		fuzz_fail("no bytes for a response");
	free(bytes);
	record(run, r->status, r->body ? r->body : "", r->body_len);
	ga_api_response_free(r);
}

/* The input read as a connection, step bytes at a time (0: whole). */
static void drive(struct run *run, const char *data, size_t size, size_t step,
		  bool job_ok, bool gated)
{
	struct ga_http_reader rd;
	struct ga_http_refusal bad;
	struct ga_api_response r;
	size_t start = 0, have = 0;
	char *bytes;
	size_t len;
	int rc;

	ga_api_open(&run->sv, NULL, NULL);
	if (gated) {
		char msg[128];

		ga_sv_addr_listen("127.0.0.1:8474", false, &run->sv.api, &rc, msg,
				  sizeof(msg));
		snprintf(run->sv.token, sizeof(run->sv.token), "%032d", 7);
	}
	ga_http_reader_init(&rd);
	while (start < size) {
		have = step ? (have + step < size - start ? have + step :
			       size - start) : size - start;
		rc = ga_http_read(&rd, data + start, have, &bad);
		if (rc == GA_HTTP_MORE) {
			if (have == size - start)
				break;          /* the input ended */
			continue;
		}
		if (rc == GA_HTTP_REFUSED) {
			if (!known_status(bad.status))
				fuzz_fail("refused with %d", bad.status);
			if (ga_api_refusal_bytes(&bad, &bytes, &len) != 0)
				fuzz_fail("no bytes for a refusal");
			free(bytes);
			record(run, bad.status, "", 0);
			break;                  /* the connection closes */
		}
		if (rd.req.consumed == 0 || rd.req.consumed > have)
			fuzz_fail("a request of %zu bytes out of %zu",
				  rd.req.consumed, have);
		if (!gated || ga_api_gate(&run->sv, &rd.req, false, &r) == 0)
			ga_api_handle(&run->sv, &rd.req, &r);
		answer(run, &r, job_ok);
		if (run->sv.nproxies > GA_SV_MAX_PROXIES)
			fuzz_fail("%zu proxies", run->sv.nproxies);
		for (len = 0; len < run->sv.nproxies; len++)
			if (run->sv.proxies[len]->ntoxics > GA_SV_MAX_TOXICS)
				fuzz_fail("%zu toxics",
					  run->sv.proxies[len]->ntoxics);
		if (!rd.req.keep_alive)
			break;
		start += rd.req.consumed;
		have = 0;
		ga_http_reader_reset(&rd);
	}
	ga_http_reader_free(&rd);
	ga_api_close(&run->sv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct run whole, split;
	size_t i, step;
	bool job_ok, gated;

	if (size < 1)
		return 0;
	step = (data[0] & 63) + 1;
	job_ok = data[0] & 64;
	gated = data[0] & 128;
	whole.n = split.n = 0;
	drive(&whole, (const char *)data + 1, size - 1, 0, job_ok, gated);
	drive(&split, (const char *)data + 1, size - 1, step, job_ok, gated);
	if (whole.n != split.n)
		fuzz_fail("%zu answers read whole, %zu in reads of %zu bytes",
			  whole.n, split.n, step);
	for (i = 0; i < whole.n; i++)
		if (whole.a[i].status != split.a[i].status ||
		    whole.a[i].len != split.a[i].len ||
		    whole.a[i].sum != split.a[i].sum)
			fuzz_fail("answer %zu: %d (%zu bytes) read whole, %d "
				  "(%zu bytes) in reads of %zu", i,
				  whole.a[i].status, whole.a[i].len,
				  split.a[i].status, split.a[i].len, step);
	return 0;
}
