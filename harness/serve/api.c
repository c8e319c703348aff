/* api.c - see api.h: Toxiproxy's routes (api.go, proxy_collection.go,
 * toxic_collection.go) and goneaway's, answered as Toxiproxy 2.12.0
 * answers them. */
#include "serve/api.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "faults/fault.h"
#include "serve/godecode.h"
#include "util/json.h"

#define JSON_TYPE "application/json"
#define TEXT_TYPE "text/plain; charset=utf-8"

/* ---- responses ------------------------------------------------------------ */

void ga_api_response_free(struct ga_api_response *resp)
{
	free(resp->body);
	resp->body = NULL;
	resp->body_len = 0;
}

/* A body written through a memory stream. */
struct body {
	FILE *f;
	char *buf;
	size_t len;
};

static FILE *body_open(struct body *b)
{
	b->buf = NULL;
	b->len = 0;
	b->f = open_memstream(&b->buf, &b->len);
	return b->f;
}

static void body_give(struct body *b, struct ga_api_response *resp,
		      int status, const char *type)
{
	fclose(b->f);
	ga_api_response_free(resp);
	resp->status = status;
	resp->content_type = type;
	resp->body = b->buf;
	resp->body_len = b->len;
	resp->nosniff = strcmp(type, TEXT_TYPE) == 0;
}

static void text_response(struct ga_api_response *resp, int status,
			  const char *text)
{
	struct body b;

	if (!body_open(&b)) {
		resp->status = 503;
		return;
	}
	fputs(text, b.f);
	body_give(&b, resp, status, TEXT_TYPE);
}

/* Toxiproxy's apiError: {"error":...,"status":...} and a newline, as
 * text/plain (Go's http.Error). */
static void api_error(struct ga_api_response *resp, int status,
		      const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void api_error(struct ga_api_response *resp, int status,
		      const char *fmt, ...)
{
	char msg[2048];
	struct body b;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!body_open(&b)) {
		resp->status = 503;
		return;
	}
	fputs("{\"error\":", b.f);
	ga_go_write_string(b.f, msg, strlen(msg));
	fprintf(b.f, ",\"status\":%d}\n", status);
	body_give(&b, resp, status, TEXT_TYPE);
}

static void bad_body(struct ga_api_response *resp, const char *msg)
{
	api_error(resp, 400, "bad request body: %s", msg);
}

int ga_api_refusal_bytes(const struct ga_http_refusal *bad, char **out,
			 size_t *len)
{
	char text[256];
	FILE *f;

	*out = NULL;
	*len = 0;
	f = open_memstream(out, len);
	if (!f)
		return -1;
	/* Go's server, word for word: its status line carries the reason */
	if (bad->status == 501)
		snprintf(text, sizeof(text), "Unsupported transfer encoding");
	else if (bad->public)
		snprintf(text, sizeof(text), "%d %s: %s", bad->status,
			 ga_http_status_text(bad->status), bad->reason);
	else
		snprintf(text, sizeof(text), "%d %s", bad->status,
			 ga_http_status_text(bad->status));
	fprintf(f, "HTTP/1.1 %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
		"Connection: close\r\n\r\n%s", bad->status == 501 ?
		"501 Not Implemented" : text, text);
	if (fclose(f) != 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}

/* ---- proxies and toxics as JSON -------------------------------------------- */

static void write_str(FILE *f, const char *s)
{
	ga_go_write_string(f, s, strlen(s));
}

static void write_toxics(FILE *f, const struct ga_sv_proxy *p)
{
	int dir;
	size_t i;
	bool first = true;

	fputc('[', f);
	/* Toxiproxy's chains: upstream's, then downstream's */
	for (dir = GA_STREAM_UP; dir <= GA_STREAM_DOWN; dir++)
		for (i = 0; i < p->ntoxics; i++) {
			if (p->toxics[i]->dir != dir)
				continue;
			if (!first)
				fputc(',', f);
			first = false;
			ga_toxic_write(f, p->toxics[i]);
		}
	fputc(']', f);
}

static void write_proxy(FILE *f, const struct ga_sv_proxy *p)
{
	fputs("{\"name\":", f);
	write_str(f, p->name);
	fputs(",\"listen\":", f);
	write_str(f, p->listen);
	fputs(",\"upstream\":", f);
	write_str(f, p->upstream);
	fprintf(f, ",\"enabled\":%s,\"Logger\":{},\"toxics\":",
		p->enabled ? "true" : "false");
	write_toxics(f, p);
	fputc('}', f);
}

/* obj, written by write, as a JSON answer of status. */
static void json_response(struct ga_api_response *resp, int status,
			  void (*write)(FILE *f, const void *obj),
			  const void *obj)
{
	struct body b;

	if (!body_open(&b)) {
		resp->status = 503;
		return;
	}
	write(b.f, obj);
	body_give(&b, resp, status, JSON_TYPE);
}

static void write_proxy_obj(FILE *f, const void *p)
{
	write_proxy(f, p);
}

static void write_toxic_obj(FILE *f, const void *t)
{
	ga_toxic_write(f, t);
}

static void proxy_response(struct ga_api_response *resp, int status,
			   const struct ga_sv_proxy *p)
{
	json_response(resp, status, write_proxy_obj, p);
}

static void toxic_response(struct ga_api_response *resp,
			   const struct ga_toxic *t)
{
	json_response(resp, 200, write_toxic_obj, t);
}

/* ---- the collection --------------------------------------------------------- */

void ga_api_open(struct ga_sv *sv, const struct ga_sv_hooks *hooks, void *ctx)
{
	memset(sv, 0, sizeof(*sv));
	sv->hooks = hooks;
	sv->ctx = ctx;
	sv->next_fault_line = 1;
}

struct ga_sv_proxy *ga_api_proxy(struct ga_sv *sv, const char *name)
{
	size_t i;

	for (i = 0; i < sv->nproxies; i++)
		if (strcmp(sv->proxies[i]->name, name) == 0)
			return sv->proxies[i];
	return NULL;
}

static void proxy_free(struct ga_sv_proxy *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->ntoxics; i++)
		ga_toxic_free(p->toxics[i]);
	free(p->toxics);
	free(p->name);
	free(p->listen);
	free(p->upstream);
	free(p);
}

static struct ga_sv_proxy *proxy_new(const char *name, const char *listen,
				     const char *upstream)
{
	struct ga_sv_proxy *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->lfd = -1;
	p->name = strdup(name);
	p->listen = strdup(listen);
	p->upstream = strdup(upstream);
	if (!p->name || !p->listen || !p->upstream) {
		proxy_free(p);
		return NULL;
	}
	return p;
}

static bool start(struct ga_sv *sv, struct ga_sv_proxy *p, struct ga_error *err)
{
	if (p->enabled)
		return true;
	if (sv->hooks && sv->hooks->listen && sv->hooks->listen(sv, p, err))
		return false;
	if (!sv->hooks || !sv->hooks->listen) {
		/* no relay (the fuzz target): a port made up */
		char *l = strdup("127.0.0.1:1");

		if (!l) {
			ga_error_set(err, "out of memory");
			return false;
		}
		free(p->listen);
		p->listen = l;
	}
	p->enabled = true;
	return true;
}

static void stop(struct ga_sv *sv, struct ga_sv_proxy *p)
{
	if (!p->enabled)
		return;
	p->enabled = false;
	if (sv->hooks && sv->hooks->unlisten)
		sv->hooks->unlisten(sv, p);
}

/* The fault of a fault toxic comes off the lab (when it is on). */
static int lift(struct ga_sv *sv, struct ga_toxic *t, char *msg, size_t len)
{
	int rc = 0;

	if (t->type->family != GA_TOXIC_FAULT || !t->fault_line)
		return 0;
	if (sv->hooks && sv->hooks->fault)
		rc = sv->hooks->fault(sv, t->fault_line, NULL, NULL, 0, msg,
				      len);
	t->fault_line = 0;
	return rc;
}

/* Takes toxic i off p (its fault lifted, the connections told) and
 * frees it.  Returns what lifting said. */
static int toxic_drop(struct ga_sv *sv, struct ga_sv_proxy *p, size_t i,
		      char *msg, size_t len)
{
	struct ga_toxic *t = p->toxics[i];
	int rc = lift(sv, t, msg, len);

	if (sv->hooks && sv->hooks->toxic_removed)
		sv->hooks->toxic_removed(sv, p, t);
	memmove(&p->toxics[i], &p->toxics[i + 1],
		(p->ntoxics - i - 1) * sizeof(*p->toxics));
	p->ntoxics--;
	ga_toxic_free(t);
	return rc;
}

/* Every toxic of p goes.  Returns 0, or -1 with msg set when a fault
 * could not be lifted (the others still go). */
static int toxics_drop_all(struct ga_sv *sv, struct ga_sv_proxy *p,
			   char *msg, size_t len)
{
	char one[GA_ERROR_MAX];
	int rc = 0;

	while (p->ntoxics)
		if (toxic_drop(sv, p, p->ntoxics - 1, one, sizeof(one)) && !rc) {
			snprintf(msg, len, "%s", one);
			rc = -1;
		}
	return rc;
}

/* p goes: out of sv, its faults lifted, stopped, freed. */
/* p leaves sv: stopped, its toxics dropped (their faults lifted), out
 * of the list; the caller frees it.  Returns what lifting said. */
static int proxy_detach(struct ga_sv *sv, struct ga_sv_proxy *p, char *msg,
			size_t len)
{
	size_t i;
	int rc;

	stop(sv, p);
	rc = toxics_drop_all(sv, p, msg, len);
	for (i = 0; i < sv->nproxies; i++)
		if (sv->proxies[i] == p) {
			memmove(&sv->proxies[i], &sv->proxies[i + 1],
				(sv->nproxies - i - 1) * sizeof(p));
			sv->nproxies--;
			break;
		}
	return rc;
}

static int proxy_drop(struct ga_sv *sv, struct ga_sv_proxy *p, char *msg,
		      size_t len)
{
	int rc = proxy_detach(sv, p, msg, len);

	proxy_free(p);
	return rc;
}

void ga_api_close(struct ga_sv *sv)
{
	char msg[GA_ERROR_MAX];

	while (sv->nproxies)
		proxy_drop(sv, sv->proxies[sv->nproxies - 1], msg, sizeof(msg));
	free(sv->proxies);
	sv->proxies = NULL;
}

static int proxy_add(struct ga_sv *sv, struct ga_sv_proxy *p)
{
	struct ga_sv_proxy **np;

	if (sv->nproxies >= GA_SV_MAX_PROXIES)
		return -1;
	np = realloc(sv->proxies, (sv->nproxies + 1) * sizeof(*np));
	if (!np)
		return -1;
	sv->proxies = np;
	sv->proxies[sv->nproxies++] = p;
	return 0;
}

/* ---- proxies' fields -------------------------------------------------------- */

struct proxy_in {
	char *name, *listen, *upstream;
	bool enabled;
	bool enabled_given;             /* populate: a nullable enabled */
};

static void proxy_in_free(struct proxy_in *in)
{
	free(in->name);
	free(in->listen);
	free(in->upstream);
	memset(in, 0, sizeof(*in));
}

static int proxy_in_decode(const struct ga_json *j, const char *where,
			   struct proxy_in *in, char *msg, size_t len)
{
	struct ga_go_field f[] = {
		{ "name", GA_GO_STRING, &in->name, NULL, NULL },
		{ "listen", GA_GO_STRING, &in->listen, NULL, NULL },
		{ "upstream", GA_GO_STRING, &in->upstream, NULL, NULL },
		{ "enabled", GA_GO_BOOL, &in->enabled, NULL, &in->enabled_given },
	};

	return ga_go_decode(j, where, "", f, sizeof(f) / sizeof(f[0]), msg,
			    len);
}

/* The text Go's ResolveTCPAddr gives listen ("localhost:0" is
 * "127.0.0.1:0"), for Differs; listen itself when it does not read. */
static void listen_text(const char *listen, char *buf, size_t len)
{
	struct ga_sv_addr a;
	char msg[256];
	int status;

	if (ga_sv_addr_listen(listen, &a, &status, msg, sizeof(msg)) == 0)
		ga_sv_addr_text((struct sockaddr *)&a.sa, buf, len);
	else
		snprintf(buf, len, "%s", listen);
}

/* goneaway's own word on a proxy's fields: a loopback listen, an
 * upstream it may reach.  Returns 0, or the status to answer with and
 * msg set. */
static int proxy_fields_ok(const char *name, const char *listen,
			   const char *upstream, struct ga_sv_addr *up,
			   bool *to_server, char *msg, size_t len)
{
	struct ga_sv_addr a;
	char why[600];
	int status;

	if (strlen(name) > GA_SV_MAX_NAME || strlen(listen) > GA_SV_MAX_NAME ||
	    strlen(upstream) > GA_SV_MAX_NAME) {
		snprintf(msg, len, "a name, listen or upstream of more than %d "
			 "bytes", GA_SV_MAX_NAME);
		return 400;
	}
	if (ga_sv_addr_upstream(upstream, up, to_server, msg, len))
		return 400;
	if (ga_sv_addr_listen(listen, &a, &status, why, sizeof(why))) {
		snprintf(msg, len, "%s%s", status == 500 ? "listen tcp: " : "",
			 why);
		return status;
	}
	return 0;
}

/* ---- Toxiproxy's handlers ----------------------------------------------------- */

static void proxy_index(struct ga_sv *sv, struct ga_api_response *resp)
{
	struct ga_sv_proxy **sorted;
	struct body b;
	size_t i, j;

	sorted = malloc((sv->nproxies ? sv->nproxies : 1) * sizeof(*sorted));
	if (!sorted || !body_open(&b)) {
		free(sorted);
		resp->status = 503;
		return;
	}
	/* Go writes a map's keys sorted */
	for (i = 0; i < sv->nproxies; i++) {
		for (j = i; j > 0 && strcmp(sorted[j - 1]->name,
					    sv->proxies[i]->name) > 0; j--)
			sorted[j] = sorted[j - 1];
		sorted[j] = sv->proxies[i];
	}
	fputc('{', b.f);
	for (i = 0; i < sv->nproxies; i++) {
		if (i)
			fputc(',', b.f);
		write_str(b.f, sorted[i]->name);
		fputc(':', b.f);
		write_proxy(b.f, sorted[i]);
	}
	fputc('}', b.f);
	free(sorted);
	body_give(&b, resp, 200, JSON_TYPE);
}

/* body as JSON, for a Go value of type go_type; NULL with msg set (all
 * of it: "bad request body: ...") when it is not one, *null when it is
 * null. */
static struct ga_json *body_json(const struct ga_http_request *req,
				 bool object, const char *go_type,
				 bool *null, char *msg, size_t len)
{
	struct ga_json *j;
	char why[512], type[64];

	*null = false;
	if (req->body_error) {
		snprintf(msg, len, "bad request body: %s", req->body_error);
		return NULL;
	}
	if (ga_go_parse_body(req->body ? req->body : "", req->body_len, &j,
			     why, sizeof(why))) {
		snprintf(msg, len, "bad request body: %s", why);
		return NULL;
	}
	if (j->type == GA_JSON_NULL) {
		*null = true;
		return j;
	}
	if (j->type != (object ? GA_JSON_OBJECT : GA_JSON_ARRAY)) {
		ga_go_type_name(j, false, type, sizeof(type));
		snprintf(msg, len, "bad request body: json: cannot unmarshal %s "
			 "into Go value of type %s", type, go_type);
		ga_json_free(j);
		return NULL;
	}
	return j;
}

static void proxy_create(struct ga_sv *sv, const struct ga_http_request *req,
			 struct ga_api_response *resp)
{
	struct proxy_in in = { .enabled = true };
	struct ga_sv_proxy *p;
	struct ga_sv_addr up;
	struct ga_error err;
	struct ga_json *j;
	char msg[700];
	bool null, to_server;
	int status;

	j = body_json(req, true, "toxiproxy.Proxy", &null, msg, sizeof(msg));
	if (!j) {
		api_error(resp, 400, "%s", msg);
		return;
	}
	if (!null && proxy_in_decode(j, "Proxy", &in, msg, sizeof(msg))) {
		bad_body(resp, msg);
		goto out;
	}
	if (!in.name || !*in.name) {
		api_error(resp, 400, "missing required field: name");
		goto out;
	}
	if (!in.upstream || !*in.upstream) {
		api_error(resp, 400, "missing required field: upstream");
		goto out;
	}
	if (ga_api_proxy(sv, in.name)) {
		api_error(resp, 409, "proxy already exists");
		goto out;
	}
	status = proxy_fields_ok(in.name, in.listen ? in.listen : "",
				 in.upstream, &up, &to_server, msg, sizeof(msg));
	if (status) {
		api_error(resp, status, "%s", msg);
		goto out;
	}
	if (sv->nproxies >= GA_SV_MAX_PROXIES) {
		api_error(resp, 400, "too many proxies: goneaway serve keeps at "
			  "most %d", GA_SV_MAX_PROXIES);
		goto out;
	}
	p = proxy_new(in.name, in.listen ? in.listen : "", in.upstream);
	if (!p) {
		api_error(resp, 500, "out of memory");
		goto out;
	}
	p->to_server = to_server;
	p->up = up;
	if (in.enabled && !start(sv, p, &err)) {
		api_error(resp, 500, "%s", err.msg);
		proxy_free(p);
		goto out;
	}
	if (proxy_add(sv, p)) {
		stop(sv, p);
		proxy_free(p);
		api_error(resp, 500, "out of memory");
		goto out;
	}
	proxy_response(resp, 201, p);
out:
	proxy_in_free(&in);
	ga_json_free(j);
}

#define POPULATE_TYPE "[]struct { toxiproxy.Proxy; Enabled *bool " \
	"\"json:\\\"enabled\\\"\" }"
#define POPULATE_ITEM "struct { toxiproxy.Proxy; Enabled *bool " \
	"\"json:\\\"enabled\\\"\" }"

/* /populate's answer: {"error":..,"status":..,"proxies":[...]} or
 * {"proxies":[...]}, always application/json. */
static void populate_response(struct ga_api_response *resp, int status,
			      const char *error, struct ga_sv_proxy **done,
			      size_t n)
{
	struct body b;
	size_t i;

	if (!body_open(&b)) {
		resp->status = 503;
		return;
	}
	fputc('{', b.f);
	if (error) {
		fputs("\"error\":", b.f);
		write_str(b.f, error);
		fprintf(b.f, ",\"status\":%d,", status);
	}
	fputs("\"proxies\":", b.f);
	if (n == 0) {
		fputs("null", b.f);
	} else {
		fputc('[', b.f);
		for (i = 0; i < n; i++) {
			if (i)
				fputc(',', b.f);
			write_proxy(b.f, done[i]);
		}
		fputc(']', b.f);
	}
	fputc('}', b.f);
	body_give(&b, resp, status, JSON_TYPE);
}

/* One proxy of /populate: AddOrReplace.  Returns the proxy in sv, or
 * NULL with err set (500).  A proxy it replaces goes out of sv into
 * *gone (an earlier proxy of the same /populate may be one: its answer
 * shows it, stopped, as Toxiproxy's does). */
static struct ga_sv_proxy *populate_one(struct ga_sv *sv,
					const struct proxy_in *in,
					struct ga_sv_proxy **gone,
					struct ga_error *err)
{
	struct ga_sv_proxy *old = ga_api_proxy(sv, in->name), *p;
	const char *listen = in->listen ? in->listen : "";
	char want[GA_SV_MAX_NAME + 64], msg[GA_ERROR_MAX];
	struct ga_sv_addr up;
	bool to_server = false;

	listen_text(listen, want, sizeof(want));
	if (old && strcmp(old->listen, want) == 0 &&
	    strcmp(old->upstream, in->upstream) == 0)
		return old;             /* the same: left as it is */
	ga_sv_addr_upstream(in->upstream, &up, &to_server, msg, sizeof(msg));
	p = proxy_new(in->name, listen, in->upstream);
	if (!p) {
		ga_error_set(err, "out of memory");
		return NULL;
	}
	p->to_server = to_server;
	p->up = up;
	if (old) {
		*gone = old;
		if (proxy_detach(sv, old, msg, sizeof(msg))) {
			ga_error_set(err, "%s", msg);
			proxy_free(p);
			return NULL;
		}
	}
	if ((!in->enabled_given || in->enabled) && !start(sv, p, err)) {
		proxy_free(p);
		return NULL;
	}
	if (proxy_add(sv, p)) {
		stop(sv, p);
		proxy_free(p);
		ga_error_set(err, "too many proxies: goneaway serve keeps at "
			     "most %d", GA_SV_MAX_PROXIES);
		return NULL;
	}
	return p;
}

static void populate(struct ga_sv *sv, const struct ga_http_request *req,
		     struct ga_api_response *resp)
{
	struct ga_sv_proxy **done = NULL, **gone = NULL;
	struct proxy_in *in = NULL;
	struct ga_sv_addr up;
	struct ga_error err;
	struct ga_json *j;
	char msg[700], why[600], type[64];
	size_t i, n = 0, ndone = 0;
	bool null, to_server;
	int status;

	j = body_json(req, false, POPULATE_TYPE, &null, msg, sizeof(msg));
	if (!j) {
		populate_response(resp, 400, msg, NULL, 0);
		return;
	}
	if (null) {
		ga_json_free(j);
		populate_response(resp, 201, NULL, NULL, 0);
		return;
	}
	n = j->nitems;
	in = calloc(n ? n : 1, sizeof(*in));
	done = calloc(n ? n : 1, sizeof(*done));
	gone = calloc(n ? n : 1, sizeof(*gone));
	if (!in || !done || !gone) {
		populate_response(resp, 500, "out of memory", NULL, 0);
		goto out;
	}
	for (i = 0; i < n; i++) {
		const struct ga_json *e = &j->items[i];

		in[i].enabled = true;
		if (e->type == GA_JSON_NULL)
			continue;
		if (e->type != GA_JSON_OBJECT) {
			ga_go_type_name(e, false, type, sizeof(type));
			snprintf(msg, sizeof(msg), "bad request body: json: "
				 "cannot unmarshal %s into Go value of type %s",
				 type, POPULATE_ITEM);
			populate_response(resp, 400, msg, NULL, 0);
			goto out;
		}
		if (proxy_in_decode(e, "", &in[i], why, sizeof(why))) {
			snprintf(msg, sizeof(msg), "bad request body: %s", why);
			populate_response(resp, 400, msg, NULL, 0);
			goto out;
		}
	}
	/* every proxy checked before any is made */
	for (i = 0; i < n; i++) {
		if (!in[i].name || !*in[i].name) {
			snprintf(msg, sizeof(msg), "missing required field: "
				 "name at proxy %zu", i + 1);
			populate_response(resp, 400, msg, NULL, 0);
			goto out;
		}
		if (!in[i].upstream || !*in[i].upstream) {
			snprintf(msg, sizeof(msg), "missing required field: "
				 "upstream at proxy %zu", i + 1);
			populate_response(resp, 400, msg, NULL, 0);
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		/* goneaway's refusals (400) before anything is made; a
		 * listen Go cannot read fails at its proxy's start, after
		 * the ones before it were made (500), as in Toxiproxy */
		status = proxy_fields_ok(in[i].name, in[i].listen ?
					 in[i].listen : "", in[i].upstream, &up,
					 &to_server, why, sizeof(why));
		if (status == 400) {
			snprintf(msg, sizeof(msg), "%s at proxy %zu", why, i + 1);
			populate_response(resp, status, msg, NULL, 0);
			goto out;
		}
	}
	for (i = 0; i < n; i++) {
		done[ndone] = populate_one(sv, &in[i], &gone[i], &err);
		if (!done[ndone]) {
			populate_response(resp, 500, err.msg, done, ndone);
			goto out;
		}
		ndone++;
	}
	populate_response(resp, 201, NULL, done, ndone);
out:
	for (i = 0; in && i < n; i++)
		proxy_in_free(&in[i]);
	for (i = 0; gone && i < n; i++)
		proxy_free(gone[i]);
	free(in);
	free(done);
	free(gone);
	ga_json_free(j);
}

static void proxy_show(struct ga_sv_proxy *p, struct ga_api_response *resp)
{
	proxy_response(resp, 200, p);
}

static void proxy_update(struct ga_sv *sv, struct ga_sv_proxy *p,
			 const struct ga_http_request *req,
			 struct ga_api_response *resp)
{
	struct proxy_in in = { .enabled = p->enabled };
	char want[GA_SV_MAX_NAME + 64], msg[700];
	struct ga_sv_addr up, a;
	struct ga_error err;
	struct ga_json *j;
	bool null, to_server, differs;
	int status;

	j = body_json(req, true, "toxiproxy.Proxy", &null, msg, sizeof(msg));
	if (!j) {
		api_error(resp, 400, "%s", msg);
		return;
	}
	in.listen = strdup(p->listen);
	in.upstream = strdup(p->upstream);
	if (!in.listen || !in.upstream) {
		api_error(resp, 500, "out of memory");
		goto out;
	}
	if (!null && proxy_in_decode(j, "Proxy", &in, msg, sizeof(msg))) {
		bad_body(resp, msg);
		goto out;
	}
	/* Differs(): ResolveTCPAddr of the new listen */
	if (ga_sv_addr_listen(in.listen, &a, &status, msg, sizeof(msg)) &&
	    status == 500) {
		api_error(resp, 500, "%s", msg);
		goto out;
	}
	status = proxy_fields_ok(p->name, in.listen, in.upstream, &up,
				 &to_server, msg, sizeof(msg));
	if (status) {
		api_error(resp, status, "%s", msg);
		goto out;
	}
	listen_text(in.listen, want, sizeof(want));
	differs = strcmp(p->listen, want) != 0 ||
		  strcmp(p->upstream, in.upstream) != 0;
	if (differs) {
		char *l = strdup(in.listen), *u = strdup(in.upstream);

		if (!l || !u) {
			free(l);
			free(u);
			api_error(resp, 500, "out of memory");
			goto out;
		}
		stop(sv, p);
		free(p->listen);
		free(p->upstream);
		p->listen = l;
		p->upstream = u;
		p->to_server = to_server;
		p->up = up;
	}
	if (in.enabled != p->enabled) {
		if (in.enabled && !start(sv, p, &err)) {
			api_error(resp, 500, "%s", err.msg);
			goto out;
		}
		if (!in.enabled)
			stop(sv, p);
	}
	proxy_response(resp, 200, p);
out:
	proxy_in_free(&in);
	ga_json_free(j);
}

static void proxy_delete(struct ga_sv *sv, struct ga_sv_proxy *p,
			 struct ga_api_response *resp)
{
	char msg[GA_ERROR_MAX];

	if (proxy_drop(sv, p, msg, sizeof(msg))) {
		api_error(resp, 500, "the proxy is deleted, but a fault of "
			  "its toxics could not be lifted: %s", msg);
		return;
	}
	resp->status = 204;
}

static void write_toxics_obj(FILE *f, const void *p)
{
	write_toxics(f, p);
}

static void toxic_index(struct ga_sv_proxy *p, struct ga_api_response *resp)
{
	json_response(resp, 200, write_toxics_obj, p);
}

static struct ga_toxic *toxic_find(struct ga_sv_proxy *p, const char *name,
				   size_t *at)
{
	size_t i;

	for (i = 0; i < p->ntoxics; i++)
		if (strcmp(p->toxics[i]->name, name) == 0) {
			if (at)
				*at = i;
			return p->toxics[i];
		}
	return NULL;
}

/* Toxiproxy's stream.ParseDirection. */
static int stream_of(const char *s)
{
	if (strcasecmp(s, "upstream") == 0)
		return GA_STREAM_UP;
	if (strcasecmp(s, "downstream") == 0)
		return GA_STREAM_DOWN;
	return -1;
}

/* What goneaway needs of a toxic beyond Toxiproxy's types: its own
 * checks, and a proxy that reaches goneaway's server for the toxics
 * that act on it.  Returns 0, or -1 with resp set. */
static int toxic_ok(struct ga_sv *sv, struct ga_sv_proxy *p,
		    struct ga_toxic *t, struct ga_api_response *resp)
{
	char msg[1024];

	if (ga_toxic_check(t, msg, sizeof(msg))) {
		api_error(resp, 400, "%s", msg);
		return -1;
	}
	if ((t->type->family == GA_TOXIC_FAULT ||
	     t->type->kind == GA_TK_MYSQL_KILL) && !p->to_server) {
		api_error(resp, 400, "%s acts on goneaway's server: proxy '%s' "
			  "has upstream %s, not %s:3306", t->type->name, p->name,
			  p->upstream, GA_SV_SERVER_HOST);
		return -1;
	}
	if ((t->type->family == GA_TOXIC_FAULT ||
	     t->type->kind == GA_TK_MYSQL_KILL) && !sv->have_server) {
		api_error(resp, 503, "%s: goneaway's server is not there",
			  t->type->name);
		return -1;
	}
	return 0;
}

/* A fault toxic's fault onto the lab (lifting old's first, for an
 * update).  Returns 0, or -1 with resp set. */
static int apply(struct ga_sv *sv, struct ga_toxic *t, struct ga_toxic *old,
		 struct ga_api_response *resp)
{
	char msg[GA_ERROR_MAX];
	int line, rc;

	if (t->type->family != GA_TOXIC_FAULT)
		return 0;
	line = sv->next_fault_line++;
	rc = sv->hooks && sv->hooks->fault ?
	     sv->hooks->fault(sv, old ? old->fault_line : 0, t->type->fault,
			      t->fault_spec, line, msg, sizeof(msg)) : 0;
	if (old)
		old->fault_line = 0;    /* lifted, whatever the apply did */
	if (rc == GA_FAULT_UNSUPPORTED) {
		api_error(resp, 501, "%s cannot be made here: %s",
			  t->type->name, msg);
		return -1;
	}
	if (rc) {
		api_error(resp, 500, "%s: %s", t->type->name, msg);
		return -1;
	}
	t->fault_line = line;
	return 0;
}

static void toxic_create(struct ga_sv *sv, struct ga_sv_proxy *p,
			 const struct ga_http_request *req,
			 struct ga_api_response *resp)
{
	char *name = NULL, *type = NULL, *stream = NULL;
	const struct ga_json *attrs = NULL;
	const struct ga_toxic_type *tt;
	float toxicity = 1;
	struct ga_toxic *t = NULL;
	struct ga_toxic **nt;
	struct ga_json *j;
	char msg[600], go_type[80];
	bool null;
	int dir;
	struct ga_go_field f[] = {
		{ "attributes", GA_GO_STRUCT, &attrs, "toxics.NoopToxic", NULL },
		{ "name", GA_GO_STRING, &name, NULL, NULL },
		{ "type", GA_GO_STRING, &type, NULL, NULL },
		{ "stream", GA_GO_STRING, &stream, NULL, NULL },
		{ "toxicity", GA_GO_FLOAT32, &toxicity, NULL, NULL },
	};

	j = body_json(req, true, "toxics.ToxicWrapper", &null, msg, sizeof(msg));
	if (!j) {
		api_error(resp, 400, "%s", msg);
		return;
	}
	if (!null && ga_go_decode(j, "ToxicWrapper", "", f,
				  sizeof(f) / sizeof(f[0]), msg, sizeof(msg))) {
		bad_body(resp, msg);
		goto out;
	}
	dir = stream_of(stream ? stream : "downstream");
	if (dir < 0) {
		api_error(resp, 400, "stream was invalid, can be either "
			  "upstream or downstream");
		goto out;
	}
	if (!name || !*name) {
		free(name);
		if (asprintf(&name, "%s_%s", type ? type : "",
			     stream ? stream : "downstream") < 0) {
			name = NULL;
			api_error(resp, 500, "out of memory");
			goto out;
		}
	}
	tt = ga_toxic_type_find(type ? type : "");
	if (!tt) {
		api_error(resp, 400, "invalid toxic type");
		goto out;
	}
	if (toxic_find(p, name, NULL)) {
		api_error(resp, 409, "toxic already exists");
		goto out;
	}
	t = ga_toxic_new(tt);
	if (!t) {
		api_error(resp, 500, "out of memory");
		goto out;
	}
	snprintf(go_type, sizeof(go_type), "%s", tt->go_struct);
	if (ga_toxic_decode_attrs(t, attrs, msg, sizeof(msg))) {
		bad_body(resp, msg);
		goto out;
	}
	t->name = name;
	t->stream = stream ? stream : strdup("downstream");
	name = stream = NULL;
	t->dir = dir;
	t->toxicity = toxicity;
	if (!t->stream) {
		api_error(resp, 500, "out of memory");
		goto out;
	}
	if (strlen(t->name) > GA_SV_MAX_NAME) {
		api_error(resp, 400, "a toxic's name of more than %d bytes",
			  GA_SV_MAX_NAME);
		goto out;
	}
	if (p->ntoxics >= GA_SV_MAX_TOXICS) {
		api_error(resp, 400, "too many toxics: goneaway serve keeps at "
			  "most %d on a proxy", GA_SV_MAX_TOXICS);
		goto out;
	}
	if (toxic_ok(sv, p, t, resp))
		goto out;
	nt = realloc(p->toxics, (p->ntoxics + 1) * sizeof(*nt));
	if (!nt) {
		api_error(resp, 500, "out of memory");
		goto out;
	}
	p->toxics = nt;
	if (apply(sv, t, NULL, resp))
		goto out;
	p->toxics[p->ntoxics++] = t;
	if (sv->hooks && sv->hooks->toxic_added)
		sv->hooks->toxic_added(sv, p, t);
	toxic_response(resp, t);
	t = NULL;
out:
	ga_toxic_free(t);
	free(name);
	free(type);
	free(stream);
	ga_json_free(j);
}

static void toxic_show(struct ga_sv_proxy *p, const char *name,
		       struct ga_api_response *resp)
{
	struct ga_toxic *t = toxic_find(p, name, NULL);

	if (!t) {
		api_error(resp, 404, "toxic not found");
		return;
	}
	toxic_response(resp, t);
}

/* A copy of t's values (not its name or stream: the update keeps them). */
static struct ga_toxic *toxic_copy(const struct ga_toxic *t)
{
	struct ga_toxic *c = ga_toxic_new(t->type);
	int i;

	if (!c)
		return NULL;
	for (i = 0; i < GA_TOXIC_MAX_ATTRS; i++) {
		c->num[i] = t->num[i];
		if (t->str[i]) {
			free(c->str[i]);
			c->str[i] = strdup(t->str[i]);
			if (!c->str[i]) {
				ga_toxic_free(c);
				return NULL;
			}
		}
	}
	c->toxicity = t->toxicity;
	return c;
}

static void toxic_update(struct ga_sv *sv, struct ga_sv_proxy *p,
			 const char *name, const struct ga_http_request *req,
			 struct ga_api_response *resp)
{
	struct ga_toxic *t = toxic_find(p, name, NULL), *c = NULL;
	const struct ga_json *attrs = NULL;
	struct ga_json *j = NULL;
	char msg[600], go_type[80];
	bool null;
	int i;

	if (!t) {
		api_error(resp, 404, "toxic not found");
		return;
	}
	c = toxic_copy(t);
	if (!c) {
		api_error(resp, 500, "out of memory");
		return;
	}
	snprintf(go_type, sizeof(go_type), "toxics.%s", t->type->go_struct);
	{
		struct ga_go_field f[] = {
			{ "attributes", GA_GO_STRUCT, &attrs, go_type, NULL },
			{ "toxicity", GA_GO_FLOAT32, &c->toxicity, NULL, NULL },
		};

		j = body_json(req, true, "struct { Attributes interface {} "
			      "\"json:\\\"attributes\\\"\"; Toxicity float32 "
			      "\"json:\\\"toxicity\\\"\" }", &null, msg,
			      sizeof(msg));
		if (!j) {
			api_error(resp, 400, "%s", msg);
			goto out;
		}
		if (!null && ga_go_decode(j, "", "", f, 2, msg, sizeof(msg))) {
			bad_body(resp, msg);
			goto out;
		}
	}
	if (ga_toxic_decode_attrs(c, attrs, msg, sizeof(msg))) {
		bad_body(resp, msg);
		goto out;
	}
	if (toxic_ok(sv, p, c, resp))
		goto out;
	if (t->type->family == GA_TOXIC_FAULT && apply(sv, c, t, resp))
		goto out;
	/* the values, into the toxic the connections know */
	for (i = 0; i < GA_TOXIC_MAX_ATTRS; i++) {
		char *s = t->str[i];

		t->num[i] = c->num[i];
		t->str[i] = c->str[i];
		c->str[i] = s;
	}
	t->toxicity = c->toxicity;
	if (c->fault_spec) {
		void *s = t->fault_spec;

		t->fault_spec = c->fault_spec;
		c->fault_spec = s;
		t->fault_line = c->fault_line;
	}
	if (sv->hooks && sv->hooks->toxic_updated)
		sv->hooks->toxic_updated(sv, p, t);
	toxic_response(resp, t);
out:
	ga_toxic_free(c);
	ga_json_free(j);
}

static void toxic_delete(struct ga_sv *sv, struct ga_sv_proxy *p,
			 const char *name, struct ga_api_response *resp)
{
	char msg[GA_ERROR_MAX];
	size_t at;

	if (!toxic_find(p, name, &at)) {
		api_error(resp, 404, "toxic not found");
		return;
	}
	if (toxic_drop(sv, p, at, msg, sizeof(msg))) {
		api_error(resp, 500, "the toxic is deleted, but its fault could "
			  "not be lifted: %s", msg);
		return;
	}
	resp->status = 204;
}

static struct ga_sv_job *job_new(enum ga_sv_job_kind kind)
{
	struct ga_sv_job *job = calloc(1, sizeof(*job));

	if (job)
		job->kind = kind;
	return job;
}

static void reset(struct ga_sv *sv, struct ga_api_response *resp)
{
	struct ga_error err;
	char msg[GA_ERROR_MAX];
	size_t i;

	for (i = 0; i < sv->nproxies; i++) {
		struct ga_sv_proxy *p = sv->proxies[i];

		if (!start(sv, p, &err)) {
			api_error(resp, 500, "%s", err.msg);
			return;
		}
		if (toxics_drop_all(sv, p, msg, sizeof(msg))) {
			api_error(resp, 500, "a fault could not be lifted: %s",
				  msg);
			return;
		}
	}
	if (!sv->have_server) {
		resp->status = 204;
		return;
	}
	/* goneaway's server as it started, then 204 */
	resp->job = job_new(GA_JOB_RESTORE);
	if (!resp->job)
		api_error(resp, 500, "out of memory");
}

static void version(struct ga_api_response *resp)
{
	struct body b;

	if (!body_open(&b)) {
		resp->status = 503;
		return;
	}
	fprintf(b.f, "{\"version\": \"%s\"}\n", GA_SV_TOXIPROXY_VERSION);
	body_give(&b, resp, 200, "application/json;charset=utf-8");
}

/* ---- goneaway's paths ---------------------------------------------------------- */

static void goneaway_index(struct ga_sv *sv, struct ga_api_response *resp)
{
	struct body b;
	const char *line, *eq, *nl;

	if (!body_open(&b)) {
		resp->status = 503;
		return;
	}
	fputs("{\"goneaway\":", b.f);
	write_str(b.f, sv->version ? sv->version : "");
	fprintf(b.f, ",\"toxiproxy_api\":\"%s\",\"upstream\":\"%s:3306\","
		"\"env\":{", GA_SV_TOXIPROXY_VERSION, GA_SV_SERVER_HOST);
	for (line = sv->env; line && *line; line = nl ? nl + 1 : NULL) {
		nl = strchr(line, '\n');
		eq = strchr(line, '=');
		if (!eq || (nl && eq > nl))
			break;
		if (line != sv->env)
			fputc(',', b.f);
		ga_go_write_string(b.f, line, (size_t)(eq - line));
		fputc(':', b.f);
		ga_go_write_string(b.f, eq + 1, nl ? (size_t)(nl - eq - 1) :
				     strlen(eq + 1));
	}
	fputs("},\"paths\":[\"/goneaway/toxics\",\"/goneaway/server\","
	      "\"/goneaway/server/restart\",\"/goneaway/server/stop\","
	      "\"/goneaway/server/start\",\"/goneaway/server/kill\","
	      "\"/goneaway/server/wait_timeout\","
	      "\"/goneaway/server/read_only\"]}", b.f);
	body_give(&b, resp, 200, JSON_TYPE);
}

static void goneaway_toxics(struct ga_api_response *resp)
{
	struct body b;

	if (!body_open(&b)) {
		resp->status = 503;
		return;
	}
	ga_toxic_types_write(b.f);
	body_give(&b, resp, 200, JSON_TYPE);
}

static void server_show(struct ga_sv *sv, struct ga_api_response *resp)
{
	struct body b;

	if (!sv->have_server) {
		api_error(resp, 503, "goneaway's server is not there");
		return;
	}
	if (!body_open(&b)) {
		resp->status = 503;
		return;
	}
	if (sv->hooks && sv->hooks->server_json)
		sv->hooks->server_json(sv, b.f);
	else
		fputs("{}", b.f);
	body_give(&b, resp, 200, JSON_TYPE);
}

/* POST /goneaway/server/EVENT: a job; its body, for the events that
 * take a value ({"seconds": N}, {"read_only": true}). */
static void server_event(struct ga_sv *sv, const char *event,
			 const struct ga_http_request *req,
			 struct ga_api_response *resp)
{
	static const char *const plain[] = { "restart", "stop", "start",
					     "kill" };
	long long seconds = -1;
	bool ro = true, null, known = false;
	struct ga_json *j = NULL;
	char msg[512];
	size_t i;

	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
		known |= strcmp(event, plain[i]) == 0;
	if (!known && strcmp(event, "wait_timeout") != 0 &&
	    strcmp(event, "read_only") != 0) {
		api_error(resp, 404, "no server event '%s': restart, stop, "
			  "start, kill, wait_timeout or read_only", event);
		return;
	}
	if (!sv->have_server) {
		api_error(resp, 503, "goneaway's server is not there");
		return;
	}
	if (!known) {
		struct ga_go_field f[] = {
			{ "seconds", GA_GO_INT64, &seconds, NULL, NULL },
			{ "read_only", GA_GO_BOOL, &ro, NULL, NULL },
		};

		j = body_json(req, true, "struct", &null, msg, sizeof(msg));
		if (!j) {
			api_error(resp, 400, "%s", msg);
			return;
		}
		if (!null && ga_go_decode(j, "", "", f, 2, msg, sizeof(msg))) {
			bad_body(resp, msg);
			ga_json_free(j);
			return;
		}
		ga_json_free(j);
		if (strcmp(event, "wait_timeout") == 0 &&
		    (seconds < 1 || seconds > 31536000)) {
			api_error(resp, 400, "wait_timeout: give {\"seconds\": "
				  "N}, N from 1 to 31536000");
			return;
		}
	}
	resp->job = job_new(GA_JOB_SERVER);
	if (!resp->job) {
		api_error(resp, 500, "out of memory");
		return;
	}
	snprintf(resp->job->event, sizeof(resp->job->event), "%s", event);
	resp->job->value = strcmp(event, "wait_timeout") == 0 ? seconds : ro;
}

/* ---- routes ------------------------------------------------------------------- */

#define MAX_SEGS 5

/* path's segments ("/proxies/a/toxics" -> proxies, a, toxics) into seg;
 * returns how many, or -1 for a path no route can match (empty
 * segments, too many). */
static int segments(const char *path, char seg[MAX_SEGS][GA_SV_MAX_NAME + 1])
{
	const char *p = path, *e;
	int n = 0;

	if (*p != '/')
		return -1;
	while (*p == '/') {
		p++;
		e = strchr(p, '/');
		if (!e)
			e = p + strlen(p);
		if (e == p || n == MAX_SEGS || (size_t)(e - p) > GA_SV_MAX_NAME)
			return -1;
		memcpy(seg[n], p, (size_t)(e - p));
		seg[n][e - p] = '\0';
		n++;
		p = e;
	}
	return n;
}

static bool is(const char *s, const char *word)
{
	return strcmp(s, word) == 0;
}

/* Which route path is, and the methods it takes ("GET POST"); NULL: no
 * route. */
static const char *route_methods(char seg[MAX_SEGS][GA_SV_MAX_NAME + 1],
				 int n)
{
	if (n == 1 && is(seg[0], "reset"))
		return "POST";
	if (n == 1 && is(seg[0], "populate"))
		return "POST";
	if (n == 1 && is(seg[0], "version"))
		return "GET";
	if (n == 1 && is(seg[0], "proxies"))
		return "GET POST";
	if (n == 2 && is(seg[0], "proxies"))
		return "GET POST PATCH DELETE";
	if (n == 3 && is(seg[0], "proxies") && is(seg[2], "toxics"))
		return "GET POST";
	if (n == 4 && is(seg[0], "proxies") && is(seg[2], "toxics"))
		return "GET POST PATCH DELETE";
	if (n == 1 && is(seg[0], "goneaway"))
		return "GET";
	if (n == 2 && is(seg[0], "goneaway") &&
	    (is(seg[1], "toxics") || is(seg[1], "server")))
		return "GET";
	if (n == 3 && is(seg[0], "goneaway") && is(seg[1], "server"))
		return "POST";
	return NULL;
}

static bool takes(const char *methods, const char *m)
{
	size_t n = strlen(m);
	const char *p = methods;

	while ((p = strstr(p, m)) != NULL) {
		if ((p == methods || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return true;
		p += n;
	}
	return false;
}

void ga_api_handle(struct ga_sv *sv, const struct ga_http_request *req,
		   struct ga_api_response *resp)
{
	char seg[MAX_SEGS][GA_SV_MAX_NAME + 1];
	const char *methods, *m = req->method;
	struct ga_sv_proxy *p = NULL;
	int n = segments(req->path, seg);

	memset(resp, 0, sizeof(*resp));
	methods = n > 0 ? route_methods(seg, n) : NULL;
	if (!methods) {
		text_response(resp, 404, "404 page not found\n");
		return;
	}
	if (!takes(methods, m)) {
		resp->status = 405;     /* gorilla/mux: no body */
		return;
	}
	/* Toxiproxy's stopBrowsersMiddleware: a page a browser loads must
	 * not drive the API */
	if (strncmp(req->user_agent, "Mozilla/", 8) == 0) {
		text_response(resp, 403, "User agent not allowed\n");
		return;
	}
	if (is(seg[0], "proxies") && n >= 2) {
		p = ga_api_proxy(sv, seg[1]);
		if (!p) {
			api_error(resp, 404, "proxy not found");
			return;
		}
	}
	if (is(seg[0], "reset"))
		reset(sv, resp);
	else if (is(seg[0], "populate"))
		populate(sv, req, resp);
	else if (is(seg[0], "version"))
		version(resp);
	else if (is(seg[0], "goneaway") && n == 1)
		goneaway_index(sv, resp);
	else if (is(seg[0], "goneaway") && is(seg[1], "toxics"))
		goneaway_toxics(resp);
	else if (is(seg[0], "goneaway") && n == 2)
		server_show(sv, resp);
	else if (is(seg[0], "goneaway"))
		server_event(sv, seg[2], req, resp);
	else if (n == 1 && is(m, "GET"))
		proxy_index(sv, resp);
	else if (n == 1)
		proxy_create(sv, req, resp);
	else if (n == 2 && is(m, "GET"))
		proxy_show(p, resp);
	else if (n == 2 && is(m, "DELETE"))
		proxy_delete(sv, p, resp);
	else if (n == 2)
		proxy_update(sv, p, req, resp);
	else if (n == 3 && is(m, "GET"))
		toxic_index(p, resp);
	else if (n == 3)
		toxic_create(sv, p, req, resp);
	else if (is(m, "GET"))
		toxic_show(p, seg[3], resp);
	else if (is(m, "DELETE"))
		toxic_delete(sv, p, seg[3], resp);
	else
		toxic_update(sv, p, seg[3], req, resp);
}

void ga_api_finish(struct ga_sv *sv, struct ga_sv_job *job,
		   struct ga_api_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	if (job->rc) {
		api_error(resp, 500, "%s", job->msg);
	} else if (job->kind == GA_JOB_RESTORE) {
		resp->status = 204;
	} else {
		server_show(sv, resp);
	}
	free(job);
}

/* ---- bytes on the wire ---------------------------------------------------------- */

int ga_api_response_bytes(const struct ga_api_response *resp,
			  const struct ga_api_wire *how, char **out,
			  size_t *len)
{
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	FILE *f;

	*out = NULL;
	*len = 0;
	f = open_memstream(out, len);
	if (!f)
		return -1;
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	/* as Go's server: the request's version; a Connection header
	 * when the connection does what that version would not */
	fprintf(f, "HTTP/1.%d %d %s\r\n", how->minor, resp->status,
		ga_http_status_text(resp->status));
	if (resp->content_type)
		fprintf(f, "Content-Type: %s\r\n", resp->content_type);
	if (resp->nosniff)
		fputs("X-Content-Type-Options: nosniff\r\n", f);
	if (how->request_id && *how->request_id)
		fprintf(f, "X-Toxiproxy-Request-Id: %s\r\n", how->request_id);
	fprintf(f, "Date: %s\r\n", date);
	if (resp->status != 204 && !(how->head && !resp->body_len))
		fprintf(f, "Content-Length: %zu\r\n", resp->body_len);
	if (how->minor == 1 && !how->keep_alive)
		fputs("Connection: close\r\n", f);
	if (how->minor == 0 && how->keep_alive)
		fputs("Connection: keep-alive\r\n", f);
	fputs("\r\n", f);
	if (resp->status != 204 && resp->body_len && !how->head)
		fwrite(resp->body, 1, resp->body_len, f);
	if (fclose(f) != 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	return 0;
}
