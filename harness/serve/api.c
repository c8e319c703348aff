/* api.c - see api.h: the routes of Toxiproxy 2.12.0's api.go (gorilla
 * mux's 404 and 405 too) and goneaway's, each to its handler
 * (serve/apiparts.h). */
#include "serve/apiparts.h"

#include <string.h>

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
		ga_api_text(resp, 404, "404 page not found\n");
		return;
	}
	if (!takes(methods, m)) {
		resp->status = 405;     /* gorilla/mux: no body */
		return;
	}
	/* Toxiproxy's stopBrowsersMiddleware: a page a browser loads must
	 * not drive the API */
	if (strncmp(req->user_agent, "Mozilla/", 8) == 0) {
		ga_api_text(resp, 403, "User agent not allowed\n");
		return;
	}
	if (is(seg[0], "proxies") && n >= 2) {
		p = ga_api_proxy(sv, seg[1]);
		if (!p) {
			ga_api_error(resp, 404, "proxy not found");
			return;
		}
	}
	if (is(seg[0], "reset"))
		ga_api_reset(sv, resp);
	else if (is(seg[0], "populate"))
		ga_api_populate(sv, req, resp);
	else if (is(seg[0], "version"))
		ga_api_version(resp);
	else if (is(seg[0], "goneaway") && n == 1)
		ga_api_goneaway(sv, resp);
	else if (is(seg[0], "goneaway") && is(seg[1], "toxics"))
		ga_api_goneaway_toxics(resp);
	else if (is(seg[0], "goneaway") && n == 2)
		ga_api_server_show(sv, resp);
	else if (is(seg[0], "goneaway"))
		ga_api_server_event(sv, seg[2], req, resp);
	else if (n == 1 && is(m, "GET"))
		ga_api_proxy_index(sv, resp);
	else if (n == 1)
		ga_api_proxy_create(sv, req, resp);
	else if (n == 2 && is(m, "GET"))
		ga_api_proxy_show(p, resp);
	else if (n == 2 && is(m, "DELETE"))
		ga_api_proxy_delete(sv, p, resp);
	else if (n == 2)
		ga_api_proxy_update(sv, p, req, resp);
	else if (n == 3 && is(m, "GET"))
		ga_api_toxic_index(p, resp);
	else if (n == 3)
		ga_api_toxic_create(sv, p, req, resp);
	else if (is(m, "GET"))
		ga_api_toxic_show(p, seg[3], resp);
	else if (is(m, "DELETE"))
		ga_api_toxic_delete(sv, p, seg[3], resp);
	else
		ga_api_toxic_update(sv, p, seg[3], req, resp);
}
