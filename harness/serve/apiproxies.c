/* apiproxies.c - see apiparts.h: Toxiproxy's proxy routes (api.go's
 * ProxyIndex, ProxyCreate, Populate, ProxyShow, ProxyUpdate,
 * ProxyDelete, ResetState, Version), with goneaway's word on a
 * proxy's addresses. */
#include "serve/apiparts.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "serve/godecode.h"

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
		{ "name", GA_GO_STRING, &in->name, NULL, NULL, false },
		{ "listen", GA_GO_STRING, &in->listen, NULL, NULL, false },
		{ "upstream", GA_GO_STRING, &in->upstream, NULL, NULL, false },
		{ "enabled", GA_GO_BOOL, &in->enabled, NULL, &in->enabled_given, false },
	};

	return ga_go_decode(j, where, "", f, sizeof(f) / sizeof(f[0]), msg,
			    len);
}

/* The text Go's ResolveTCPAddr gives listen ("localhost:0" is
 * "127.0.0.1:0"), for Differs; listen itself when it does not read. */
static void listen_text(const char *listen, bool any, char *buf, size_t len)
{
	struct ga_sv_addr a;
	char msg[256];
	int status;

	if (ga_sv_addr_listen(listen, any, &a, &status, msg, sizeof(msg)) == 0)
		ga_sv_addr_text((struct sockaddr *)&a.sa, buf, len);
	else
		snprintf(buf, len, "%s", listen);
}

/* Whether upstream (read into up) is the API: an address it listens
 * on, or localhost with its port.  Another name that resolves there is
 * refused at each connection (serve/dialer.c). */
static bool leads_to_api(const struct ga_sv *sv, const char *upstream,
			 const struct ga_sv_addr *up)
{
	char host[GA_SV_MAX_NAME + 1], port[16];

	if (up->sa.ss_family)
		return ga_sv_addr_is_api((const struct sockaddr *)&up->sa,
					 &sv->api);
	return sv->api.sa.ss_family &&
	       ga_sv_addr_split(upstream, host, sizeof(host), port,
				sizeof(port)) == 0 &&
	       strcasecmp(host, "localhost") == 0 &&
	       strtol(port, NULL, 10) == (long)ga_sv_addr_port(&sv->api);
}

/* goneaway's own word on a proxy's fields: a loopback listen, a new
 * one (not where it listens: bound) above port 1024 unless
 * --allow-low-ports (for a serve that is not root's, any address, and
 * the ports the kernel lets its user have); an upstream it may reach,
 * which is not the API itself (a proxy to it would make the API's
 * callers whoever reaches the proxy), nor goneaway's server when there
 * is none (--no-server).  Returns 0, or the status to answer with and
 * msg set. */
static int proxy_fields_ok(const struct ga_sv *sv, const char *name,
			   const char *listen, const char *bound,
			   const char *upstream, struct ga_sv_addr *up,
			   bool *to_server, char *msg, size_t len)
{
	struct ga_sv_addr a;
	char why[600];
	unsigned port;
	int status;

	if (strlen(name) > GA_SV_MAX_NAME || strlen(listen) > GA_SV_MAX_NAME ||
	    strlen(upstream) > GA_SV_MAX_NAME) {
		snprintf(msg, len, "a name, listen or upstream of more than %d "
			 "bytes", GA_SV_MAX_NAME);
		return 400;
	}
	if (ga_sv_addr_upstream(upstream, up, to_server, msg, len))
		return 400;
	if (*to_server && sv->no_server) {
		snprintf(msg, len, "upstream: '%s' is goneaway's server, and "
			 "this goneaway serve has none (--no-server): give the "
			 "HOST:PORT of a server", upstream);
		return 400;
	}
	if (!*to_server && leads_to_api(sv, upstream, up)) {
		snprintf(msg, len, "upstream: '%s' is goneaway serve's own API "
			 "port: no proxy leads to the API", upstream);
		return 400;
	}
	if (ga_sv_addr_listen(listen, sv->any_address, &a, &status, why,
			      sizeof(why))) {
		snprintf(msg, len, "%s%s", status == 500 ? "listen tcp: " : "",
			 why);
		return status;
	}
	port = ga_sv_addr_port(&a);
	ga_sv_addr_text((struct sockaddr *)&a.sa, why, sizeof(why));
	if (port && port < GA_SV_LOW_PORTS && !sv->low_ports &&
	    !sv->any_address &&
	    !(bound && strcmp(why, bound) == 0)) {
		snprintf(msg, len, "listen: port %u is below %d: goneaway serve "
			 "listens there only when it was started with "
			 "--allow-low-ports", port, GA_SV_LOW_PORTS);
		return 400;
	}
	return 0;
}

/* A toxic of p that acts on goneaway's server, which a new upstream
 * that is not the server would leave acting on it (Toxiproxy keeps a
 * proxy's toxics when its upstream changes); NULL when none. */
static const struct ga_toxic *server_toxic(const struct ga_sv *sv,
					   const struct ga_sv_proxy *p)
{
	size_t i;

	for (i = 0; i < p->ntoxics; i++)
		if (ga_api_toxic_needs_server(sv, p->toxics[i]))
			return p->toxics[i];
	return NULL;
}

void ga_api_proxy_index(const struct ga_api_call *call,
			struct ga_api_response *resp)
{
	struct ga_sv *sv = call->sv;
	struct ga_sv_proxy **sorted;
	struct ga_api_body b;
	size_t i, j;

	sorted = malloc((sv->nproxies ? sv->nproxies : 1) * sizeof(*sorted));
	if (!sorted || !ga_api_body_open(&b)) {
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
		ga_api_write_str(b.f, sorted[i]->name);
		fputc(':', b.f);
		ga_api_write_proxy(b.f, sorted[i]);
	}
	fputc('}', b.f);
	free(sorted);
	ga_api_body_give(&b, resp, 200, GA_API_JSON);
}

void ga_api_proxy_create(const struct ga_api_call *call,
			 struct ga_api_response *resp)
{
	struct ga_sv *sv = call->sv;
	struct proxy_in in = { .enabled = true };
	struct ga_sv_proxy *p;
	struct ga_sv_addr up;
	struct ga_error err;
	struct ga_json *j;
	char msg[700];
	bool null, to_server;
	int status;

	j = ga_api_body_object(call->req, "toxiproxy.Proxy", &null, resp);
	if (!j)
		return;
	if (!null && proxy_in_decode(j, "Proxy", &in, msg, sizeof(msg))) {
		ga_api_bad_body(resp, msg);
		goto out;
	}
	if (!in.name || !*in.name) {
		ga_api_error(resp, 400, "missing required field: name");
		goto out;
	}
	if (!in.upstream || !*in.upstream) {
		ga_api_error(resp, 400, "missing required field: upstream");
		goto out;
	}
	if (ga_api_proxy(sv, in.name)) {
		ga_api_error(resp, 409, "proxy already exists");
		goto out;
	}
	status = proxy_fields_ok(sv, in.name, in.listen ? in.listen : "", NULL,
				 in.upstream, &up, &to_server, msg, sizeof(msg));
	if (status) {
		ga_api_error(resp, status, "%s", msg);
		goto out;
	}
	if (sv->nproxies >= GA_SV_MAX_PROXIES) {
		ga_api_error(resp, 400, "too many proxies: goneaway serve keeps at "
			  "most %d", GA_SV_MAX_PROXIES);
		goto out;
	}
	p = ga_api_proxy_new(in.name, in.listen ? in.listen : "", in.upstream);
	if (!p) {
		ga_api_error(resp, 500, "out of memory");
		goto out;
	}
	p->to_server = to_server;
	p->up = up;
	if (in.enabled && !ga_api_start(sv, p, &err)) {
		ga_api_error(resp, 500, "%s", err.msg);
		ga_api_proxy_free(p);
		goto out;
	}
	if (ga_api_proxy_add(sv, p)) {
		ga_api_stop(sv, p);
		ga_api_proxy_free(p);
		ga_api_error(resp, 500, "out of memory");
		goto out;
	}
	ga_api_proxy_answer(resp, 201, p);
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
	struct ga_api_body b;
	size_t i;

	if (!ga_api_body_open(&b)) {
		resp->status = 503;
		return;
	}
	fputc('{', b.f);
	if (error) {
		fputs("\"error\":", b.f);
		ga_api_write_str(b.f, error);
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
			ga_api_write_proxy(b.f, done[i]);
		}
		fputc(']', b.f);
	}
	fputc('}', b.f);
	ga_api_body_give(&b, resp, status, GA_API_JSON);
	if (error)
		resp->error = strdup(error);    /* the log's */
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

	listen_text(listen, sv->any_address, want, sizeof(want));
	if (old && strcmp(old->listen, want) == 0 &&
	    strcmp(old->upstream, in->upstream) == 0)
		return old;             /* the same: left as it is */
	ga_sv_addr_upstream(in->upstream, &up, &to_server, msg, sizeof(msg));
	p = ga_api_proxy_new(in->name, listen, in->upstream);
	if (!p) {
		ga_error_set(err, "out of memory");
		return NULL;
	}
	p->to_server = to_server;
	p->up = up;
	if (old) {
		*gone = old;
		if (ga_api_proxy_detach(sv, old, msg, sizeof(msg))) {
			ga_error_set(err, "%s", msg);
			ga_api_proxy_free(p);
			return NULL;
		}
	}
	if ((!in->enabled_given || in->enabled) && !ga_api_start(sv, p, err)) {
		ga_api_proxy_free(p);
		return NULL;
	}
	if (ga_api_proxy_add(sv, p)) {
		ga_api_stop(sv, p);
		ga_api_proxy_free(p);
		ga_error_set(err, "too many proxies: goneaway serve keeps at "
			     "most %d", GA_SV_MAX_PROXIES);
		return NULL;
	}
	return p;
}

/* /populate's proxies, the n items of j, into in, every one checked
 * before any is made: Go's decoding, the required fields, goneaway's
 * refusals (a listen Go cannot read fails later, at its proxy's start,
 * after the ones before it were made: 500, as in Toxiproxy).  Returns
 * 0, or -1 with msg set (a 400). */
static int populate_read(const struct ga_sv *sv, const struct ga_json *j,
			 struct proxy_in *in, size_t n, char *msg, size_t len)
{
	struct ga_sv_addr up;
	char why[600], type[64];
	bool to_server;
	size_t i;

	for (i = 0; i < n; i++) {
		const struct ga_json *e = &j->items[i];

		in[i].enabled = true;
		if (e->type == GA_JSON_NULL)
			continue;
		if (e->type != GA_JSON_OBJECT) {
			ga_go_type_name(e, false, type, sizeof(type));
			snprintf(msg, len, "bad request body: json: cannot "
				 "unmarshal %s into Go value of type %s", type,
				 POPULATE_ITEM);
			return -1;
		}
		if (proxy_in_decode(e, "", &in[i], why, sizeof(why))) {
			snprintf(msg, len, "bad request body: %s", why);
			return -1;
		}
	}
	for (i = 0; i < n; i++) {
		if (!in[i].name || !*in[i].name) {
			snprintf(msg, len, "missing required field: name at "
				 "proxy %zu", i + 1);
			return -1;
		}
		if (!in[i].upstream || !*in[i].upstream) {
			snprintf(msg, len, "missing required field: upstream at "
				 "proxy %zu", i + 1);
			return -1;
		}
	}
	for (i = 0; i < n; i++)
		if (proxy_fields_ok(sv, in[i].name, in[i].listen ? in[i].listen :
				    "", NULL, in[i].upstream, &up, &to_server,
				    why, sizeof(why)) == 400) {
			snprintf(msg, len, "%s at proxy %zu", why, i + 1);
			return -1;
		}
	return 0;
}

void ga_api_populate(const struct ga_api_call *call,
		     struct ga_api_response *resp)
{
	struct ga_sv *sv = call->sv;
	struct ga_sv_proxy **done = NULL, **gone = NULL;
	struct proxy_in *in = NULL;
	struct ga_error err;
	struct ga_json *j;
	char msg[700];
	size_t i, n = 0, ndone = 0;
	bool null;

	j = ga_api_body_json(call->req, false, POPULATE_TYPE, &null, msg,
			     sizeof(msg));
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
	if (populate_read(sv, j, in, n, msg, sizeof(msg))) {
		populate_response(resp, 400, msg, NULL, 0);
		goto out;
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
		ga_api_proxy_free(gone[i]);
	free(in);
	free(done);
	free(gone);
	ga_json_free(j);
}

void ga_api_proxy_show(const struct ga_api_call *call,
		       struct ga_api_response *resp)
{
	ga_api_proxy_answer(resp, 200, call->proxy);
}

void ga_api_proxy_update(const struct ga_api_call *call,
			 struct ga_api_response *resp)
{
	struct ga_sv *sv = call->sv;
	struct ga_sv_proxy *p = call->proxy;
	struct proxy_in in = { .enabled = p->enabled };
	const struct ga_toxic *t;
	char want[GA_SV_MAX_NAME + 64], msg[700];
	struct ga_sv_addr up, a;
	struct ga_error err;
	struct ga_json *j;
	bool null, to_server, differs;
	int status;

	j = ga_api_body_object(call->req, "toxiproxy.Proxy", &null, resp);
	if (!j)
		return;
	in.listen = strdup(p->listen);
	in.upstream = strdup(p->upstream);
	if (!in.listen || !in.upstream) {
		ga_api_error(resp, 500, "out of memory");
		goto out;
	}
	if (!null && proxy_in_decode(j, "Proxy", &in, msg, sizeof(msg))) {
		ga_api_bad_body(resp, msg);
		goto out;
	}
	/* Differs(): ResolveTCPAddr of the new listen */
	if (ga_sv_addr_listen(in.listen, sv->any_address, &a, &status, msg,
			      sizeof(msg)) &&
	    status == 500) {
		ga_api_error(resp, 500, "%s", msg);
		goto out;
	}
	status = proxy_fields_ok(sv, p->name, in.listen, p->listen, in.upstream,
				 &up, &to_server, msg, sizeof(msg));
	if (status) {
		ga_api_error(resp, status, "%s", msg);
		goto out;
	}
	listen_text(in.listen, sv->any_address, want, sizeof(want));
	differs = strcmp(p->listen, want) != 0 ||
		  strcmp(p->upstream, in.upstream) != 0;
	t = differs && !to_server ? server_toxic(sv, p) : NULL;
	if (t) {
		ga_api_error(resp, 400, "upstream: proxy '%s' has toxic '%s' "
			     "(%s), which acts on goneaway's server: its "
			     "upstream stays %s:3306 until that toxic is "
			     "removed", p->name, t->name, t->type->name,
			     GA_SV_SERVER_HOST);
		goto out;
	}
	if (differs) {
		char *l = strdup(in.listen), *u = strdup(in.upstream);

		if (!l || !u) {
			free(l);
			free(u);
			ga_api_error(resp, 500, "out of memory");
			goto out;
		}
		ga_api_stop(sv, p);
		free(p->listen);
		free(p->upstream);
		p->listen = l;
		p->upstream = u;
		p->to_server = to_server;
		p->up = up;
	}
	if (in.enabled != p->enabled) {
		if (in.enabled && !ga_api_start(sv, p, &err)) {
			ga_api_error(resp, 500, "%s", err.msg);
			goto out;
		}
		if (!in.enabled)
			ga_api_stop(sv, p);
	}
	ga_api_proxy_answer(resp, 200, p);
out:
	proxy_in_free(&in);
	ga_json_free(j);
}

void ga_api_proxy_delete(const struct ga_api_call *call,
			 struct ga_api_response *resp)
{
	struct ga_sv *sv = call->sv;
	struct ga_sv_proxy *p = call->proxy;
	char msg[GA_ERROR_MAX];

	if (ga_api_proxy_drop(sv, p, msg, sizeof(msg))) {
		ga_api_error(resp, 500, "the proxy is deleted, but a fault of "
			  "its toxics could not be lifted: %s", msg);
		return;
	}
	resp->status = 204;
}

void ga_api_reset(const struct ga_api_call *call,
		  struct ga_api_response *resp)
{
	struct ga_sv *sv = call->sv;
	struct ga_error err;
	char msg[GA_ERROR_MAX];
	size_t i;

	for (i = 0; i < sv->nproxies; i++) {
		struct ga_sv_proxy *p = sv->proxies[i];

		if (!ga_api_start(sv, p, &err)) {
			ga_api_error(resp, 500, "%s", err.msg);
			return;
		}
		if (ga_api_toxics_drop(sv, p, msg, sizeof(msg))) {
			ga_api_error(resp, 500, "a fault could not be lifted: %s",
				  msg);
			return;
		}
	}
	if (!sv->have_server) {
		resp->status = 204;
		return;
	}
	/* goneaway's server as it started, then 204 */
	resp->job = ga_api_job_new(GA_JOB_RESTORE);
	if (!resp->job)
		ga_api_error(resp, 500, "out of memory");
}

void ga_api_version(const struct ga_api_call *call,
		    struct ga_api_response *resp)
{
	struct ga_api_body b;

	(void)call;
	if (!ga_api_body_open(&b)) {
		resp->status = 503;
		return;
	}
	fprintf(b.f, "{\"version\": \"%s\"}\n", GA_SV_TOXIPROXY_VERSION);
	ga_api_body_give(&b, resp, 200, "application/json;charset=utf-8");
}
