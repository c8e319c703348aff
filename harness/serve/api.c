/* api.c - see api.h: the routes of Toxiproxy 2.12.0's api.go (gorilla
 * mux's 404 and 405 too) and goneaway's, one table, each to its
 * handler (serve/apiparts.h). */
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

/* The routes of api.go, and goneaway's: a path's segments (a word, or
 * {proxy}: a proxy's name, found before the handler is called, else
 * 404 "proxy not found"; {name}: any word, a toxic's or a server
 * event's), its method, its handler. */
static const struct route {
	const char *path;
	const char *method;
	void (*handle)(const struct ga_api_call *call,
		       struct ga_api_response *resp);
} routes[] = {
	{ "/reset", "POST", ga_api_reset },
	{ "/populate", "POST", ga_api_populate },
	{ "/version", "GET", ga_api_version },
	{ "/proxies", "GET", ga_api_proxy_index },
	{ "/proxies", "POST", ga_api_proxy_create },
	{ "/proxies/{proxy}", "GET", ga_api_proxy_show },
	{ "/proxies/{proxy}", "POST", ga_api_proxy_update },
	{ "/proxies/{proxy}", "PATCH", ga_api_proxy_update },
	{ "/proxies/{proxy}", "DELETE", ga_api_proxy_delete },
	{ "/proxies/{proxy}/toxics", "GET", ga_api_toxic_index },
	{ "/proxies/{proxy}/toxics", "POST", ga_api_toxic_create },
	{ "/proxies/{proxy}/toxics/{name}", "GET", ga_api_toxic_show },
	{ "/proxies/{proxy}/toxics/{name}", "POST", ga_api_toxic_update },
	{ "/proxies/{proxy}/toxics/{name}", "PATCH", ga_api_toxic_update },
	{ "/proxies/{proxy}/toxics/{name}", "DELETE", ga_api_toxic_delete },
	{ "/goneaway", "GET", ga_api_goneaway },
	{ "/goneaway/toxics", "GET", ga_api_goneaway_toxics },
	{ "/goneaway/server", "GET", ga_api_server_show },
	{ "/goneaway/server/{name}", "POST", ga_api_server_event },
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

/* Whether the n segments seg are path's; the segments its {proxy} and
 * {name} stand for into *proxy and *name (-1: none). */
static bool path_is(const char *path, char seg[MAX_SEGS][GA_SV_MAX_NAME + 1],
		    int n, int *proxy, int *name)
{
	const char *p = path, *e;
	size_t len;
	int i = 0;

	*proxy = *name = -1;
	while (*p == '/') {
		p++;
		e = strchr(p, '/');
		len = e ? (size_t)(e - p) : strlen(p);
		if (i == n)
			return false;
		if (strncmp(p, "{proxy}", len) == 0 && len == 7)
			*proxy = i;
		else if (strncmp(p, "{name}", len) == 0 && len == 6)
			*name = i;
		else if (strlen(seg[i]) != len || strncmp(seg[i], p, len) != 0)
			return false;
		i++;
		p += len;
	}
	return i == n;
}

void ga_api_handle(struct ga_sv *sv, const struct ga_http_request *req,
		   struct ga_api_response *resp)
{
	char seg[MAX_SEGS][GA_SV_MAX_NAME + 1];
	struct ga_api_call call = { .sv = sv, .req = req };
	const struct route *r = NULL;
	int n = segments(req->path, seg), proxy = -1, name = -1;
	bool path = false;
	size_t i;

	memset(resp, 0, sizeof(*resp));
	for (i = 0; n > 0 && i < NROUTES && !r; i++)
		if (path_is(routes[i].path, seg, n, &proxy, &name)) {
			path = true;
			if (strcmp(routes[i].method, req->method) == 0)
				r = &routes[i];
		}
	if (!path) {
		ga_api_text(resp, 404, "404 page not found\n");
		return;
	}
	if (!r) {
		resp->status = 405;     /* gorilla/mux: no body */
		return;
	}
	/* Toxiproxy's stopBrowsersMiddleware: a page a browser loads must
	 * not drive the API */
	if (strncmp(req->user_agent, "Mozilla/", 8) == 0) {
		ga_api_text(resp, 403, "User agent not allowed\n");
		return;
	}
	if (proxy >= 0) {
		call.proxy = ga_api_proxy(sv, seg[proxy]);
		if (!call.proxy) {
			ga_api_error(resp, 404, "proxy not found");
			return;
		}
	}
	call.name = name >= 0 ? seg[name] : NULL;
	r->handle(&call, resp);
}
