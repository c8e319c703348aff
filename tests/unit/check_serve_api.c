/* check_serve_api.c - goneaway serve's API (serve/api.c) against what
 * the real Toxiproxy 2.12.0 answered to the same requests (recorded
 * here: ../shared/toxiproxy's build, by hand), with no relay behind it:
 * its JSON, status codes, content types and error bodies, the order of
 * toxics, Go's float32 and its type errors, /populate's shape, /reset,
 * the routes; and goneaway's own: loopback only, the bounds, the mysql
 * and fault toxics' checks (a proxy's upstream kept while a toxic acts
 * on goneaway's server), the /goneaway paths; who may ask (the Host,
 * the owner, the token: serve/apigate.c) and where a proxy may listen
 * (not below 1024 unless allowed, not beside another program's socket:
 * serve/peers.c) and lead (not to the API). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "serve/api.h"
#include "serve/peers.h"
#include "suites.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The body of a response as a string (it has no NUL). */
static char body[8192];

static int call(struct ga_sv *sv, const char *method, const char *path,
		const char *text, const char *agent,
		struct ga_api_response *resp)
{
	struct ga_http_request req;

	memset(&req, 0, sizeof(req));
	snprintf(req.method, sizeof(req.method), "%s", method);
	snprintf(req.path, sizeof(req.path), "%s", path);
	snprintf(req.user_agent, sizeof(req.user_agent), "%s",
		 agent ? agent : "check");
	req.body = text ? strdup(text) : NULL;
	req.body_len = text ? strlen(text) : 0;
	ga_api_handle(sv, &req, resp);
	free(req.body);
	snprintf(body, sizeof(body), "%.*s", (int)resp->body_len,
		 resp->body ? resp->body : "");
	return resp->status;
}

/* One request and what Toxiproxy answered, in order: each builds on the
 * ones before (a proxy made, a toxic added ...). */
static const struct {
	const char *method, *path, *body;
	int status;
	const char *type;       /* "json", "text", NULL: none */
	const char *want;
} steps[] = {
	{ "GET", "/version", NULL, 200, "application/json;charset=utf-8",
	  "{\"version\": \"2.12.0\"}\n" },
	{ "GET", "/proxies", NULL, 200, "json", "{}" },
	{ "POST", "/proxies", "{\"name\":\"p1\",\"listen\":\"127.0.0.1:0\","
	  "\"upstream\":\"127.0.0.1:3306\"}", 201, "json",
	  "{\"name\":\"p1\",\"listen\":\"127.0.0.1:1\",\"upstream\":"
	  "\"127.0.0.1:3306\",\"enabled\":true,\"Logger\":{},\"toxics\":[]}" },
	{ "POST", "/proxies", "{\"name\":\"p1\",\"listen\":\"127.0.0.1:0\","
	  "\"upstream\":\"127.0.0.1:3306\"}", 409, "text",
	  "{\"error\":\"proxy already exists\",\"status\":409}\n" },
	{ "POST", "/proxies", "{\"listen\":\"127.0.0.1:0\",\"upstream\":\"x\"}",
	  400, "text", "{\"error\":\"missing required field: name\","
	  "\"status\":400}\n" },
	{ "POST", "/proxies", "{\"name\":\"p3\"}", 400, "text",
	  "{\"error\":\"missing required field: upstream\",\"status\":400}\n" },
	{ "POST", "/proxies", "", 400, "text",
	  "{\"error\":\"bad request body: EOF\",\"status\":400}\n" },
	{ "POST", "/proxies", "{\"name\":5}", 400, "text",
	  "{\"error\":\"bad request body: json: cannot unmarshal number into "
	  "Go struct field Proxy.name of type string\",\"status\":400}\n" },
	{ "POST", "/proxies", "{bad", 400, "text",
	  "{\"error\":\"bad request body: invalid character 'b' looking for "
	  "beginning of object key string\",\"status\":400}\n" },
	{ "POST", "/proxies", "[1]", 400, "text",
	  "{\"error\":\"bad request body: json: cannot unmarshal array into Go "
	  "value of type toxiproxy.Proxy\",\"status\":400}\n" },
	{ "POST", "/proxies", "null", 400, "text",
	  "{\"error\":\"missing required field: name\",\"status\":400}\n" },
	{ "POST", "/proxies/p1/toxics", "{\"type\":\"latency\",\"attributes\":"
	  "{\"latency\":100}}", 200, "json",
	  "{\"attributes\":{\"latency\":100,\"jitter\":0},\"name\":"
	  "\"latency_downstream\",\"type\":\"latency\",\"stream\":\"downstream\","
	  "\"toxicity\":1}" },
	{ "POST", "/proxies/p1/toxics", "{\"type\":\"latency\"}", 409, "text",
	  "{\"error\":\"toxic already exists\",\"status\":409}\n" },
	{ "POST", "/proxies/p1/toxics", "{\"type\":\"latency\",\"stream\":\"up\"}",
	  400, "text", "{\"error\":\"stream was invalid, can be either upstream "
	  "or downstream\",\"status\":400}\n" },
	{ "POST", "/proxies/p1/toxics", "{\"type\":\"nope\"}", 400, "text",
	  "{\"error\":\"invalid toxic type\",\"status\":400}\n" },
	{ "POST", "/proxies/p1/toxics", "{\"type\":\"bandwidth\",\"name\":\"bw\","
	  "\"stream\":\"upstream\",\"toxicity\":0.5,\"attributes\":{\"rate\":"
	  "\"x\"}}", 400, "text", "{\"error\":\"bad request body: json: cannot "
	  "unmarshal string into Go struct field BandwidthToxic.attributes.rate "
	  "of type int64\",\"status\":400}\n" },
	{ "POST", "/proxies/p1/toxics", "{\"type\":\"bandwidth\",\"name\":\"bw\","
	  "\"stream\":\"upstream\",\"toxicity\":0.5,\"attributes\":{\"rate\":10,"
	  "\"extra\":1}}", 200, "json", "{\"attributes\":{\"rate\":10},\"name\":"
	  "\"bw\",\"type\":\"bandwidth\",\"stream\":\"upstream\",\"toxicity\":"
	  "0.5}" },
	{ "POST", "/proxies/p1/toxics", "{\"type\":\"limit_data\",\"name\":\"ld\","
	  "\"attributes\":{\"bytes\":1.5}}", 400, "text", "{\"error\":\"bad "
	  "request body: json: cannot unmarshal number 1.5 into Go struct field "
	  "LimitDataToxic.attributes.bytes of type int64\",\"status\":400}\n" },
	{ "POST", "/proxies/p1/toxics", "{\"type\":\"latency\",\"name\":\"l6\","
	  "\"toxicity\":0.1234567891}", 200, "json", "{\"attributes\":"
	  "{\"latency\":0,\"jitter\":0},\"name\":\"l6\",\"type\":\"latency\","
	  "\"stream\":\"downstream\",\"toxicity\":0.12345679}" },
	{ "POST", "/proxies/p1/toxics", "{\"type\":\"latency\",\"name\":\"l5\","
	  "\"toxicity\":1e40}", 400, "text", "{\"error\":\"bad request body: "
	  "json: cannot unmarshal number 1e40 into Go struct field "
	  "ToxicWrapper.toxicity of type float32\",\"status\":400}\n" },
	{ "POST", "/proxies/p1/toxics", "{\"Type\":\"slicer\",\"NAME\":\"<s>\","
	  "\"attributes\":{\"AVERAGE_SIZE\":3,\"delay\":null}}", 200, "json",
	  "{\"attributes\":{\"average_size\":3,\"size_variation\":0,\"delay\":0},"
	  "\"name\":\"\\u003cs\\u003e\",\"type\":\"slicer\",\"stream\":"
	  "\"downstream\",\"toxicity\":1}" },
	/* upstream's chain first, then downstream's, each in its order */
	{ "GET", "/proxies/p1/toxics", NULL, 200, "json",
	  "[{\"attributes\":{\"rate\":10},\"name\":\"bw\",\"type\":\"bandwidth\","
	  "\"stream\":\"upstream\",\"toxicity\":0.5},{\"attributes\":{\"latency\":"
	  "100,\"jitter\":0},\"name\":\"latency_downstream\",\"type\":"
	  "\"latency\",\"stream\":\"downstream\",\"toxicity\":1},{\"attributes\":"
	  "{\"latency\":0,\"jitter\":0},\"name\":\"l6\",\"type\":\"latency\","
	  "\"stream\":\"downstream\",\"toxicity\":0.12345679},{\"attributes\":"
	  "{\"average_size\":3,\"size_variation\":0,\"delay\":0},\"name\":"
	  "\"\\u003cs\\u003e\",\"type\":\"slicer\",\"stream\":\"downstream\","
	  "\"toxicity\":1}]" },
	{ "GET", "/proxies/nope/toxics", NULL, 404, "text",
	  "{\"error\":\"proxy not found\",\"status\":404}\n" },
	{ "GET", "/proxies/p1/toxics/nope", NULL, 404, "text",
	  "{\"error\":\"toxic not found\",\"status\":404}\n" },
	{ "POST", "/proxies/p1/toxics/bw", "{\"attributes\":{\"rate\":99},"
	  "\"toxicity\":0.1,\"stream\":\"downstream\",\"type\":\"latency\"}", 200,
	  "json", "{\"attributes\":{\"rate\":99},\"name\":\"bw\",\"type\":"
	  "\"bandwidth\",\"stream\":\"upstream\",\"toxicity\":0.1}" },
	{ "PATCH", "/proxies/p1/toxics/latency_downstream", "{\"attributes\":"
	  "{\"jitter\":\"5\"}}", 400, "text", "{\"error\":\"bad request body: "
	  "json: cannot unmarshal string into Go struct field LatencyToxic."
	  "attributes.jitter of type int64\",\"status\":400}\n" },
	{ "PATCH", "/proxies/p1/toxics/latency_downstream", "{\"attributes\":5}",
	  400, "text", "{\"error\":\"bad request body: json: cannot unmarshal "
	  "number into Go struct field .attributes of type toxics.LatencyToxic\","
	  "\"status\":400}\n" },
	{ "PATCH", "/proxies/p1/toxics/latency_downstream", "{\"attributes\":"
	  "{\"jitter\":5}}", 200, "json", "{\"attributes\":{\"latency\":100,"
	  "\"jitter\":5},\"name\":\"latency_downstream\",\"type\":\"latency\","
	  "\"stream\":\"downstream\",\"toxicity\":1}" },
	{ "DELETE", "/proxies/p1/toxics/bw", NULL, 204, NULL, "" },
	{ "DELETE", "/proxies/p1/toxics/bw", NULL, 404, "text",
	  "{\"error\":\"toxic not found\",\"status\":404}\n" },
	{ "POST", "/proxies/p1", "{\"enabled\":false}", 200, "json",
	  "{\"name\":\"p1\",\"listen\":\"127.0.0.1:1\",\"upstream\":"
	  "\"127.0.0.1:3306\",\"enabled\":false,\"Logger\":{},\"toxics\":["
	  "{\"attributes\":{\"latency\":100,\"jitter\":5},\"name\":"
	  "\"latency_downstream\",\"type\":\"latency\",\"stream\":\"downstream\","
	  "\"toxicity\":1},{\"attributes\":{\"latency\":0,\"jitter\":0},\"name\":"
	  "\"l6\",\"type\":\"latency\",\"stream\":\"downstream\",\"toxicity\":"
	  "0.12345679},{\"attributes\":{\"average_size\":3,\"size_variation\":0,"
	  "\"delay\":0},\"name\":\"\\u003cs\\u003e\",\"type\":\"slicer\","
	  "\"stream\":\"downstream\",\"toxicity\":1}]}" },
	{ "PATCH", "/proxies/p1", "{\"listen\":\"bad\"}", 500, "text",
	  "{\"error\":\"address bad: missing port in address\",\"status\":500}\n" },
	{ "POST", "/reset", NULL, 204, NULL, "" },
	{ "GET", "/proxies/p1", NULL, 200, "json",
	  "{\"name\":\"p1\",\"listen\":\"127.0.0.1:1\",\"upstream\":"
	  "\"127.0.0.1:3306\",\"enabled\":true,\"Logger\":{},\"toxics\":[]}" },
	{ "POST", "/populate", "[{\"name\":\"a\",\"listen\":\"127.0.0.1:0\","
	  "\"upstream\":\"127.0.0.1:1\"},{\"name\":\"b\",\"listen\":"
	  "\"127.0.0.1:0\",\"upstream\":\"127.0.0.1:2\",\"enabled\":false}]", 201,
	  "json", "{\"proxies\":[{\"name\":\"a\",\"listen\":\"127.0.0.1:1\","
	  "\"upstream\":\"127.0.0.1:1\",\"enabled\":true,\"Logger\":{},"
	  "\"toxics\":[]},{\"name\":\"b\",\"listen\":\"127.0.0.1:0\",\"upstream\":"
	  "\"127.0.0.1:2\",\"enabled\":false,\"Logger\":{},\"toxics\":[]}]}" },
	{ "POST", "/populate", "[{\"name\":\"c\",\"upstream\":\"127.0.0.1:1\"},"
	  "{\"listen\":\"x\"}]", 400, "json", "{\"error\":\"missing required "
	  "field: name at proxy 2\",\"status\":400,\"proxies\":null}" },
	{ "POST", "/populate", "{}", 400, "json", "{\"error\":\"bad request body: "
	  "json: cannot unmarshal object into Go value of type []struct { "
	  "toxiproxy.Proxy; Enabled *bool \\\"json:\\\\\\\"enabled\\\\\\\"\\\" }\","
	  "\"status\":400,\"proxies\":null}" },
	{ "POST", "/populate", "[{\"name\":5}]", 400, "json", "{\"error\":\"bad "
	  "request body: json: cannot unmarshal number into Go struct field "
	  ".name of type string\",\"status\":400,\"proxies\":null}" },
	{ "POST", "/populate", "[]", 201, "json", "{\"proxies\":null}" },
	{ "GET", "/proxies", NULL, 200, "json",
	  "{\"a\":{\"name\":\"a\",\"listen\":\"127.0.0.1:1\",\"upstream\":"
	  "\"127.0.0.1:1\",\"enabled\":true,\"Logger\":{},\"toxics\":[]},"
	  "\"b\":{\"name\":\"b\",\"listen\":\"127.0.0.1:0\",\"upstream\":"
	  "\"127.0.0.1:2\",\"enabled\":false,\"Logger\":{},\"toxics\":[]},"
	  "\"p1\":{\"name\":\"p1\",\"listen\":\"127.0.0.1:1\",\"upstream\":"
	  "\"127.0.0.1:3306\",\"enabled\":true,\"Logger\":{},\"toxics\":[]}}" },
	{ "DELETE", "/proxies/b", NULL, 204, NULL, "" },
	{ "DELETE", "/proxies/b", NULL, 404, "text",
	  "{\"error\":\"proxy not found\",\"status\":404}\n" },
	/* gorilla/mux: no route, a route without the method */
	{ "PUT", "/proxies/p1", NULL, 405, NULL, "" },
	{ "GET", "/proxies/", NULL, 404, "text", "404 page not found\n" },
	{ "GET", "/nothing", NULL, 404, "text", "404 page not found\n" },
	{ "POST", "/version", NULL, 405, NULL, "" },
};

static const char *type_of(const char *t)
{
	if (t && strcmp(t, "json") == 0)
		return "application/json";
	if (t && strcmp(t, "text") == 0)
		return "text/plain; charset=utf-8";
	return t;
}

START_TEST(test_as_toxiproxy)
{
	struct ga_api_response resp;
	struct ga_sv sv;
	int i;

	ga_api_open(&sv, NULL, NULL);
	for (i = 0; i < N(steps); i++) {
		call(&sv, steps[i].method, steps[i].path, steps[i].body, NULL,
		     &resp);
		ck_assert_msg(resp.status == steps[i].status, "%s %s %s: %d %s",
			      steps[i].method, steps[i].path,
			      steps[i].body ? steps[i].body : "", resp.status,
			      body);
		ck_assert_msg(strcmp(body, steps[i].want) == 0, "%s %s %s:\n"
			      "  %s\nnot\n  %s", steps[i].method,
			      steps[i].path, steps[i].body ? steps[i].body : "",
			      body, steps[i].want);
		if (type_of(steps[i].type))
			ck_assert_str_eq(resp.content_type,
					 type_of(steps[i].type));
		else
			ck_assert_ptr_null(resp.content_type);
		ck_assert_int_eq(resp.nosniff, steps[i].type &&
				 strcmp(steps[i].type, "text") == 0);
		ck_assert_ptr_null(resp.job);
		ga_api_response_free(&resp);
	}
	ga_api_close(&sv);
}
END_TEST

/* A browser's page cannot drive the API: Toxiproxy refuses any user
 * agent that starts with Mozilla/. */
START_TEST(test_browsers)
{
	struct ga_api_response resp;
	struct ga_sv sv;

	ga_api_open(&sv, NULL, NULL);
	ck_assert_int_eq(call(&sv, "POST", "/proxies", "{\"name\":\"x\","
			      "\"upstream\":\"127.0.0.1:1\"}", "Mozilla/5.0",
			      &resp), 403);
	ck_assert_str_eq(body, "User agent not allowed\n");
	ga_api_response_free(&resp);
	ck_assert_int_eq(call(&sv, "GET", "/proxies", NULL, NULL, &resp), 200);
	ck_assert_str_eq(body, "{}");
	ga_api_response_free(&resp);
	ga_api_close(&sv);
}
END_TEST

/* What goneaway refuses that Toxiproxy would take, each with its
 * reason. */
static const struct {
	const char *path, *body;
	int status;
	const char *says;
} refused[] = {
	{ "/proxies", "{\"name\":\"x\",\"listen\":\"8.8.8.8:1\",\"upstream\":"
	  "\"127.0.0.1:1\"}", 400, "is not a loopback address" },
	{ "/proxies", "{\"name\":\"x\",\"listen\":\"192.168.1.1:1\","
	  "\"upstream\":\"127.0.0.1:1\"}", 400, "loopback only" },
	{ "/proxies", "{\"name\":\"x\",\"upstream\":\"0.0.0.0:3306\"}", 400,
	  "is a wildcard address, no host" },
	{ "/proxies", "{\"name\":\"x\",\"upstream\":\":3306\"}", 400,
	  "is not HOST:PORT" },
	{ "/proxies", "{\"name\":\"x\",\"upstream\":\"goneaway:3307\"}", 400,
	  "listens on port 3306" },
	{ "/proxies", "{\"name\":\"x\",\"upstream\":\"127.0.0.1\"}", 400,
	  "is not HOST:PORT" },
	{ "/populate", "[{\"name\":\"y\",\"upstream\":\"127.0.0.1:1\"},"
	  "{\"name\":\"x\",\"upstream\":\"[::]:1\"}]", 400, "at proxy 2" },
	{ "/proxies/name/toxics", "{\"type\":\"mysql_kill\"}", 400,
	  "mysql_kill acts on goneaway's server: proxy 'name' has upstream "
	  "mysql:3306" },
	{ "/proxies/name/toxics", "{\"type\":\"fault_firewall\",\"attributes\":"
	  "{\"args\":\"reject both\"}}", 400, "fault_firewall acts on goneaway's "
	  "server" },
	{ "/proxies/lo/toxics", "{\"type\":\"mysql_kill\"}", 400,
	  "mysql_kill acts on goneaway's server" },
	{ "/proxies/lo/toxics", "{\"type\":\"fault_netem\",\"attributes\":"
	  "{\"args\":\"on server delay 10ms\"}}", 400,
	  "fault_netem acts on goneaway's server" },
	{ "/proxies/srv/toxics", "{\"type\":\"fault_netem\",\"attributes\":"
	  "{\"args\":\"on nowhere\"}}", 400, "fault_netem: args 'on nowhere'" },
	{ "/proxies/srv/toxics", "{\"type\":\"fault_netem\",\"attributes\":"
	  "{\"args\":\"on server delay 10ms\"}}", 503,
	  "goneaway's server is not there" },
	{ "/proxies/srv/toxics", "{\"type\":\"mysql_cut\",\"attributes\":"
	  "{\"at\":\"nowhere\"}}", 400, "at: 'nowhere' is not greeting, login, "
	  "auth, tls, command or row" },
	{ "/proxies/srv/toxics", "{\"type\":\"mysql_cut\",\"attributes\":"
	  "{\"action\":\"explode\"}}", 400, "is not reset, close or hold" },
	{ "/proxies/srv/toxics", "{\"type\":\"mysql_cut\",\"attributes\":"
	  "{\"at\":\"command\",\"command\":\"COM_NOPE\"}}", 400,
	  "is not a command such as COM_QUERY" },
	{ "/proxies/srv/toxics", "{\"type\":\"mysql_cut\",\"attributes\":"
	  "{\"at\":\"row\",\"row\":0}}", 400, "row must be 1 or more" },
	{ "/proxies/srv/toxics", "{\"type\":\"mysql_kill\",\"attributes\":"
	  "{\"count\":-1}}", 400, "mysql_kill: count must be 0 or more" },
	{ "/proxies/srv/toxics", "{\"type\":\"mysql_cut\",\"attributes\":"
	  "{\"at\":\"greeting\",\"action\":\"reset\",\"count\":-1}}", 400,
	  "mysql_cut: count must be 0 or more" },
	{ "/proxies/srv/toxics", "{\"type\":\"mysql_kill\",\"attributes\":"
	  "{\"query\":1}}", 400, "MysqlKillToxic.attributes.query of type bool" },
	{ "/proxies/srv/toxics", "{\"type\":\"mysql_kill\",\"attributes\":"
	  "{\"query\":\"yes\"}}", 400,
	  "cannot unmarshal string into Go struct field "
	  "MysqlKillToxic.attributes.query of type bool" },
	/* Toxiproxy's own toxics stay as strict as Toxiproxy */
	{ "/proxies/srv/toxics", "{\"type\":\"latency\",\"attributes\":"
	  "{\"latency\":\"100\"}}", 400,
	  "cannot unmarshal string into Go struct field "
	  "LatencyToxic.attributes.latency of type int64" },
};

START_TEST(test_refused)
{
	struct ga_api_response resp;
	struct ga_sv sv;

	ga_api_open(&sv, NULL, NULL);
	call(&sv, "POST", "/proxies", "{\"name\":\"lo\",\"upstream\":"
	     "\"127.0.0.1:1\"}", NULL, &resp);
	ga_api_response_free(&resp);
	call(&sv, "POST", "/proxies", "{\"name\":\"srv\",\"upstream\":"
	     "\"goneaway:3306\"}", NULL, &resp);
	ck_assert_int_eq(resp.status, 201);
	ga_api_response_free(&resp);
	call(&sv, "POST", "/proxies", "{\"name\":\"name\",\"upstream\":"
	     "\"mysql:3306\"}", NULL, &resp);
	ck_assert_int_eq(resp.status, 201);
	ga_api_response_free(&resp);
	call(&sv, "POST", refused[_i].path, refused[_i].body, NULL, &resp);
	ck_assert_msg(resp.status == refused[_i].status && strstr(body,
		      refused[_i].says), "%s %s: %d %s", refused[_i].path,
		      refused[_i].body, resp.status, body);
	ck_assert_str_eq(resp.content_type, strcmp(refused[_i].path,
			 "/populate") == 0 ? "application/json" :
			 "text/plain; charset=utf-8");
	/* the reason, for the log's api line too (issue 60, point 9) */
	ck_assert_msg(resp.error && strstr(resp.error, refused[_i].says),
		      "%s: %s", refused[_i].body, resp.error);
	ga_api_response_free(&resp);
	/* nothing was made */
	call(&sv, "GET", "/proxies/srv/toxics", NULL, NULL, &resp);
	ck_assert_str_eq(body, "[]");
	ga_api_response_free(&resp);
	ck_assert_uint_eq(sv.nproxies, 3);
	ga_api_close(&sv);
}
END_TEST

/* goneaway's own toxics take what toxiproxy-cli sends (issue 60,
 * point 5): "toxiproxy-cli toxic add -t mysql_kill -a query=true -a
 * count=2" sends {"query":"true","count":2}; "-a command=3" sends a
 * number where mysql_cut wants a string. */
START_TEST(test_cli_attributes)
{
	struct ga_api_response resp;
	struct ga_sv sv;

	ga_api_open(&sv, NULL, NULL);
	call(&sv, "POST", "/proxies", "{\"name\":\"srv\",\"upstream\":"
	     "\"goneaway:3306\"}", NULL, &resp);
	ck_assert_int_eq(resp.status, 201);
	ga_api_response_free(&resp);
	call(&sv, "POST", "/proxies/srv/toxics", "{\"type\":\"mysql_kill\","
	     "\"name\":\"k\",\"attributes\":{\"query\":\"true\","
	     "\"count\":2}}", NULL, &resp);
	/* read as it was meant: what stops it is the server, absent here */
	ck_assert_msg(resp.status == 503 && strstr(body, "goneaway's server "
		      "is not there"), "%d %s", resp.status, body);
	ga_api_response_free(&resp);
	call(&sv, "POST", "/proxies/srv/toxics", "{\"type\":\"mysql_cut\","
	     "\"name\":\"c\",\"attributes\":{\"at\":\"command\","
	     "\"command\":3,\"after\":\"true\"}}", NULL, &resp);
	ck_assert_msg(resp.status == 200, "%d %s", resp.status, body);
	ck_assert_msg(strstr(body, "\"command\":\"3\""), "%s", body);
	ck_assert_msg(strstr(body, "\"after\":true"), "%s", body);
	ga_api_response_free(&resp);
	ga_api_close(&sv);
}
END_TEST

/* Bounded: proxies, toxics on one, a name's length. */
START_TEST(test_bounds)
{
	struct ga_api_response resp;
	char text[600], name[GA_SV_MAX_NAME + 2];
	struct ga_sv sv;
	int i;

	ga_api_open(&sv, NULL, NULL);
	for (i = 0; i < GA_SV_MAX_PROXIES; i++) {
		snprintf(text, sizeof(text), "{\"name\":\"p%d\",\"upstream\":"
			 "\"127.0.0.1:1\"}", i);
		ck_assert_int_eq(call(&sv, "POST", "/proxies", text, NULL,
				      &resp), 201);
		ga_api_response_free(&resp);
	}
	ck_assert_int_eq(call(&sv, "POST", "/proxies", "{\"name\":\"more\","
			      "\"upstream\":\"127.0.0.1:1\"}", NULL, &resp), 400);
	ck_assert(strstr(body, "too many proxies"));
	ga_api_response_free(&resp);
	for (i = 0; i < GA_SV_MAX_TOXICS; i++) {
		snprintf(text, sizeof(text), "{\"type\":\"latency\",\"name\":"
			 "\"t%d\"}", i);
		ck_assert_int_eq(call(&sv, "POST", "/proxies/p0/toxics", text,
				      NULL, &resp), 200);
		ga_api_response_free(&resp);
	}
	ck_assert_int_eq(call(&sv, "POST", "/proxies/p0/toxics",
			      "{\"type\":\"latency\"}", NULL, &resp), 400);
	ck_assert(strstr(body, "too many toxics"));
	ga_api_response_free(&resp);
	memset(name, 'n', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(text, sizeof(text), "{\"name\":\"%s\",\"upstream\":"
		 "\"127.0.0.1:1\"}", name);
	ck_assert_int_eq(call(&sv, "POST", "/proxies", text, NULL, &resp), 400);
	ga_api_response_free(&resp);
	ga_api_close(&sv);
}
END_TEST

/* goneaway's paths: the toxic types (every standard, mysql and fault
 * one), the server's state and events (a job; no server: 503). */
START_TEST(test_goneaway_paths)
{
	struct ga_api_response resp;
	struct ga_sv sv;

	ga_api_open(&sv, NULL, NULL);
	ck_assert_int_eq(call(&sv, "GET", "/goneaway/toxics", NULL, NULL,
			      &resp), 200);
	ck_assert(strstr(body, "\"type\":\"latency\",\"family\":\"toxiproxy\""));
	ck_assert(strstr(body, "\"type\":\"limit_data\""));
	ck_assert(strstr(body, "\"type\":\"mysql_kill\",\"family\":\"mysql\""));
	ck_assert(strstr(body, "\"type\":\"mysql_cut\""));
	ck_assert(strstr(body, "\"type\":\"fault_firewall\",\"family\":"
			 "\"fault\""));
	ck_assert(strstr(body, "\"type\":\"fault_point\""));
	ga_api_response_free(&resp);
	ck_assert_int_eq(call(&sv, "GET", "/goneaway", NULL, NULL, &resp), 200);
	ck_assert(strstr(body, "\"upstream\":\"goneaway:3306\""));
	ga_api_response_free(&resp);
	ck_assert_int_eq(call(&sv, "POST", "/goneaway/server/restart", NULL,
			      NULL, &resp), 503);
	ga_api_response_free(&resp);
	ck_assert_int_eq(call(&sv, "POST", "/goneaway/server/explode", NULL,
			      NULL, &resp), 404);
	ga_api_response_free(&resp);
	sv.have_server = true;
	ck_assert_int_eq(call(&sv, "POST", "/goneaway/server/wait_timeout",
			      "{\"seconds\":0}", NULL, &resp), 400);
	ga_api_response_free(&resp);
	call(&sv, "POST", "/goneaway/server/wait_timeout", "{\"seconds\":2}",
	     NULL, &resp);
	ck_assert_ptr_nonnull(resp.job);
	ck_assert_int_eq(resp.job->kind, GA_JOB_SERVER);
	ck_assert_str_eq(resp.job->event, "wait_timeout");
	ck_assert_int_eq(resp.job->value, 2);
	ga_api_finish(&sv, resp.job, &resp);    /* done: the server's JSON */
	ck_assert_int_eq(resp.status, 200);
	ga_api_response_free(&resp);
	call(&sv, "POST", "/reset", NULL, NULL, &resp);
	ck_assert_ptr_nonnull(resp.job);
	ck_assert_int_eq(resp.job->kind, GA_JOB_RESTORE);
	resp.job->rc = -1;
	snprintf(resp.job->msg, sizeof(resp.job->msg), "it would not start");
	ga_api_finish(&sv, resp.job, &resp);
	ck_assert_int_eq(resp.status, 500);
	snprintf(body, sizeof(body), "%.*s", (int)resp.body_len, resp.body);
	ck_assert_str_eq(body, "{\"error\":\"it would not start\","
			 "\"status\":500}\n");
	ga_api_response_free(&resp);
	ga_api_close(&sv);
}
END_TEST

/* A listen address and what ga_sv_addr_listen makes of it. */
struct listen_case {
	const char *listen;
	int status;             /* 0: taken */
	const char *as;         /* its text, or a part of the refusal */
};

static void check_listens(const struct listen_case *c, int n, bool any)
{
	struct ga_sv_addr a;
	char msg[512], text[80];
	int i, status, rc;

	for (i = 0; i < n; i++) {
		rc = ga_sv_addr_listen(c[i].listen, any, &a, &status, msg,
				       sizeof(msg));
		if (c[i].status == 0) {
			ck_assert_msg(rc == 0, "%s: %s", c[i].listen, msg);
			ga_sv_addr_text((struct sockaddr *)&a.sa, text,
					sizeof(text));
			ck_assert_str_eq(text, c[i].as);
		} else {
			ck_assert_int_eq(rc, -1);
			ck_assert_int_eq(status, c[i].status);
			ck_assert_msg(strstr(msg, c[i].as), "%s: %s",
				      c[i].listen, msg);
		}
	}
}

/* The addresses a proxy takes (serve/address.c): loopback, a wildcard
 * as 127.0.0.1, Go's words for what it cannot read, the upstreams. */
START_TEST(test_addresses)
{
	static const struct listen_case listens[] = {
		{ "127.0.0.1:0", 0, "127.0.0.1:0" },
		{ "127.9.8.7:80", 0, "127.9.8.7:80" },
		{ "localhost:21212", 0, "127.0.0.1:21212" },
		{ "[::1]:5", 0, "[::1]:5" },
		{ "", 0, "127.0.0.1:0" },
		{ ":3306", 0, "127.0.0.1:3306" },
		{ "0.0.0.0:1", 0, "127.0.0.1:1" },
		{ "[::]:1", 0, "127.0.0.1:1" },
		{ "bad", 500, "address bad: missing port in address" },
		{ "a:b:c", 500, "too many colons" },
		{ "[::1:5", 500, "missing ']'" },
		{ "127.0.0.1:99999", 500, "invalid port" },
		{ "10.0.0.1:1", 400, "not a loopback address" },
		{ "[2001:db8::1]:1", 400, "not a loopback address" },
		{ "example.com:1", 400, "not a loopback address" },
	};
	static const char *const names[] = {
		"mysql:3306", "db:3306", "LOCALHOST:33306", "localhost:3306",
		"postgres.example:5432", "Db-1.internal:1",
	};
	struct ga_sv_addr a;
	char msg[512], text[80];
	bool to_server;
	size_t i;

	check_listens(listens, N(listens), false);
	ck_assert_int_eq(ga_sv_addr_upstream("goneaway:3306", &a, &to_server,
					     msg, sizeof(msg)), 0);
	ck_assert(to_server);
	ck_assert_int_eq(ga_sv_addr_upstream("localhost:3306", &a, &to_server,
					     msg, sizeof(msg)), 0);
	ck_assert(!to_server);
	ck_assert_int_eq(ga_sv_addr_upstream("127.0.0.1:0", &a, &to_server,
					     msg, sizeof(msg)), -1);
	ck_assert_int_eq(ga_sv_addr_upstream("0.0.0.0:3306", &a, &to_server,
					     msg, sizeof(msg)), -1);
	/* Toxiproxy's upstreams (issue 60, point 1): a name in any case,
	 * resolved at each connection (a's family AF_UNSPEC), any address */
	for (i = 0; i < N(names); i++) {
		ck_assert_msg(ga_sv_addr_upstream(names[i], &a, &to_server, msg,
						  sizeof(msg)) == 0, "%s: %s",
			      names[i], msg);
		ck_assert(!to_server);
		ck_assert_int_eq(a.sa.ss_family, AF_UNSPEC);
	}
	ck_assert_int_eq(ga_sv_addr_upstream("10.0.0.1:3306", &a, &to_server,
					     msg, sizeof(msg)), 0);
	ga_sv_addr_text((struct sockaddr *)&a.sa, text, sizeof(text));
	ck_assert_str_eq(text, "10.0.0.1:3306");
	ck_assert_int_eq(ga_sv_addr_upstream("[2001:db8::1]:5432", &a,
					     &to_server, msg, sizeof(msg)), 0);
	ck_assert_int_eq(a.sa.ss_family, AF_INET6);
	ck_assert_int_eq(ga_sv_addr_upstream("GONEAWAY:3306", &a, &to_server,
					     msg, sizeof(msg)), 0);
	ck_assert(to_server);
	ck_assert_int_eq(ga_sv_addr_upstream("[::]:3306", &a, &to_server,
					     msg, sizeof(msg)), -1);
}
END_TEST

/* A PATCH that moves a proxy's upstream off goneaway's server while a
 * toxic of it acts on the server (mysql_kill would KILL sessions of
 * goneaway's server by the thread ids of another's greetings) is
 * refused, and nothing changes; Toxiproxy keeps a proxy's toxics when
 * its upstream changes, so removing the toxic is the user's to do. */
START_TEST(test_upstream_kept)
{
	struct ga_api_response resp;
	struct ga_sv sv;

	ga_api_open(&sv, NULL, NULL);
	sv.have_server = true;
	call(&sv, "POST", "/proxies", "{\"name\":\"srv\",\"upstream\":"
	     "\"goneaway:3306\"}", NULL, &resp);
	ga_api_response_free(&resp);
	call(&sv, "POST", "/proxies/srv/toxics", "{\"type\":\"mysql_cut\"}",
	     NULL, &resp);
	ga_api_response_free(&resp);
	call(&sv, "POST", "/proxies/srv/toxics", "{\"type\":\"mysql_kill\","
	     "\"name\":\"k\"}", NULL, &resp);
	ck_assert_int_eq(resp.status, 200);
	ga_api_response_free(&resp);
	ck_assert_int_eq(call(&sv, "PATCH", "/proxies/srv", "{\"upstream\":"
			      "\"127.0.0.1:3306\"}", NULL, &resp), 400);
	ck_assert_msg(strstr(body, "has toxic 'k' (mysql_kill), which acts on "
			     "goneaway's server"), "%s", body);
	ga_api_response_free(&resp);
	call(&sv, "GET", "/proxies/srv", NULL, NULL, &resp);
	ck_assert(strstr(body, "\"upstream\":\"goneaway:3306\""));
	ga_api_response_free(&resp);
	/* the same upstream, or without the toxic: taken */
	ck_assert_int_eq(call(&sv, "PATCH", "/proxies/srv", "{\"upstream\":"
			      "\"goneaway:3306\",\"enabled\":false}", NULL,
			      &resp), 200);
	ga_api_response_free(&resp);
	call(&sv, "DELETE", "/proxies/srv/toxics/k", NULL, NULL, &resp);
	ga_api_response_free(&resp);
	ck_assert_int_eq(call(&sv, "PATCH", "/proxies/srv", "{\"upstream\":"
			      "\"127.0.0.1:3306\"}", NULL, &resp), 200);
	ck_assert(strstr(body, "\"name\":\"mysql_cut_downstream\""));
	ga_api_response_free(&resp);
	ga_api_close(&sv);
}
END_TEST

/* Where a proxy may listen and lead: below port 1024 only when serve
 * allows it (a PATCH that keeps its port aside), never to the API. */
START_TEST(test_ports)
{
	static const struct {
		const char *upstream;
		int status;
	} to_api[] = {
		{ "[::1]:8474", 400 }, { "127.0.0.2:8474", 400 },
		{ "LocalHost:8474", 400 }, { "10.1.2.3:8474", 200 },
	};
	struct ga_api_response resp;
	struct ga_sv sv;
	int status, i;
	char msg[256], patch[128];

	ga_api_open(&sv, NULL, NULL);
	ga_sv_addr_listen("127.0.0.1:8474", false, &sv.api, &status, msg,
			  sizeof(msg));
	ck_assert_int_eq(call(&sv, "POST", "/proxies", "{\"name\":\"low\","
			      "\"listen\":\"127.0.0.1:80\",\"upstream\":"
			      "\"127.0.0.1:9\"}", NULL, &resp), 400);
	ck_assert(strstr(body, "port 80 is below 1024"));
	ga_api_response_free(&resp);
	ck_assert_int_eq(call(&sv, "POST", "/populate", "[{\"name\":\"low\","
			      "\"listen\":\"[::1]:22\",\"upstream\":"
			      "\"127.0.0.1:9\"}]", NULL, &resp), 400);
	ga_api_response_free(&resp);
	ck_assert_int_eq(call(&sv, "POST", "/proxies", "{\"name\":\"self\","
			      "\"upstream\":\"localhost:8474\"}", NULL, &resp),
			 400);
	ck_assert(strstr(body, "goneaway serve's own API port"));
	ga_api_response_free(&resp);
	ck_assert_int_eq(call(&sv, "POST", "/proxies", "{\"name\":\"p\","
			      "\"upstream\":\"127.0.0.1:9\"}", NULL, &resp), 201);
	ga_api_response_free(&resp);
	/* the API's port on any loopback address, localhost in any case;
	 * another name is looked at where it resolves, at each connection */
	for (i = 0; i < N(to_api); i++) {
		snprintf(patch, sizeof(patch), "{\"upstream\":\"%s\"}",
			 to_api[i].upstream);
		ck_assert_msg(call(&sv, "PATCH", "/proxies/p", patch, NULL,
				   &resp) == to_api[i].status, "%s: %s",
			      to_api[i].upstream, body);
		ga_api_response_free(&resp);
	}
	ck_assert_uint_eq(sv.nproxies, 1);
	sv.low_ports = true;
	ck_assert_int_eq(call(&sv, "POST", "/proxies", "{\"name\":\"low\","
			      "\"listen\":\"127.0.0.1:80\",\"upstream\":"
			      "\"127.0.0.1:9\"}", NULL, &resp), 201);
	ga_api_response_free(&resp);
	ga_api_close(&sv);
}
END_TEST

/* ga_api_gate: req with this Host and Authorization, on a connection of
 * the owner or not; the status (0: answered). */
static int gate(const struct ga_sv *sv, const char *host, const char *auth,
		bool owner)
{
	struct ga_http_request req;
	struct ga_api_response resp;
	int status;

	memset(&req, 0, sizeof(req));
	snprintf(req.host, sizeof(req.host), "%s", host);
	snprintf(req.authorization, sizeof(req.authorization), "%s", auth);
	if (ga_api_gate(sv, &req, owner, &resp) == 0)
		return 0;
	status = resp.status;
	ga_api_response_free(&resp);
	return status;
}

/* Who may ask: a Host that is the API's address (a DNS rebinding's
 * name is not), the owner, or whoever gives the token. */
START_TEST(test_gate)
{
	static const struct {
		const char *host;
		int status;
	} hosts[] = {
		{ "127.0.0.1:8474", 0 }, { "localhost:8474", 0 },
		{ "LocalHost:8474", 0 }, { "", 0 },
		{ "rebind.evil.example:8474", 403 }, { "rebind.evil.example", 403 },
		{ "127.0.0.1", 403 }, { "127.0.0.1:8475", 403 },
		{ "127.0.0.2:8474", 403 }, { "[::1]:8474", 403 },
		{ "localhost.:8474", 403 }, { "127.0.0.1:", 403 },
		{ "::1:8474", 403 }, { "127.0.0.1:8474x", 403 },
	};
	char auth[96];
	struct ga_sv sv;
	int status;
	size_t i;

	memset(&sv, 0, sizeof(sv));
	ga_sv_addr_listen("127.0.0.1:8474", false, &sv.api, &status, auth,
			  sizeof(auth));
	for (i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++)
		ck_assert_msg(gate(&sv, hosts[i].host, "", true) ==
			      hosts[i].status, "Host %s", hosts[i].host);
	/* no token yet: only the owner */
	ck_assert_int_eq(gate(&sv, "127.0.0.1:8474", "", false), 403);
	ck_assert_int_eq(gate(&sv, "127.0.0.1:8474", "Bearer ", false), 403);
	ck_assert_int_eq(ga_api_token_new(sv.token, sizeof(sv.token)), 0);
	ck_assert_uint_eq(strlen(sv.token), GA_SV_TOKEN_LEN);
	snprintf(auth, sizeof(auth), "Bearer %s", sv.token);
	ck_assert_int_eq(gate(&sv, "127.0.0.1:8474", auth, false), 0);
	ck_assert_int_eq(gate(&sv, "evil:8474", auth, false), 403);
	auth[10] ^= 1;
	ck_assert_int_eq(gate(&sv, "127.0.0.1:8474", auth, false), 403);
	snprintf(auth, sizeof(auth), "Bearer %s0", sv.token);
	ck_assert_int_eq(gate(&sv, "127.0.0.1:8474", auth, false), 403);
	/* Basic: any user, the token its password ("x:TOKEN", base64) */
	snprintf(sv.token, sizeof(sv.token), "0123456789abcdef0123456789abcdef");
	ck_assert_int_eq(gate(&sv, "127.0.0.1:8474", "Basic eDowMTIzNDU2Nzg5"
			      "YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZg==", false), 0);
	ck_assert_int_eq(gate(&sv, "127.0.0.1:8474", "Basic eDowMTIzNDU2Nzg5"
			      "YWJjZGVmMDEyMzQ1Njc4OWFiY2RlZw==", false), 403);
	ck_assert_int_eq(gate(&sv, "127.0.0.1:8474", "Basic !!!", false), 403);
	/* an API on [::1] */
	ga_sv_addr_listen("[::1]:80", false, &sv.api, &status, auth,
			  sizeof(auth));
	ck_assert_int_eq(gate(&sv, "[::1]", "", true), 0);
	ck_assert_int_eq(gate(&sv, "[0:0::1]:80", "", true), 0);
	ck_assert_int_eq(gate(&sv, "localhost", "", true), 0);
	ck_assert_int_eq(gate(&sv, "127.0.0.1:80", "", true), 403);
}
END_TEST

/* A serve without a server that is not root's (--no-server): listen
 * addresses of any interface, as Toxiproxy takes them; its gate open
 * when the API is off loopback; what needs goneaway's server refused
 * with why, 4xx. */
START_TEST(test_no_server)
{
	static const struct listen_case listens[] = {
		{ "0.0.0.0:8474", 0, "0.0.0.0:8474" },
		{ ":0", 0, "0.0.0.0:0" },
		{ "", 0, "0.0.0.0:0" },
		{ "[::]:1", 0, "[::]:1" },
		{ "10.0.0.1:1", 0, "10.0.0.1:1" },
		{ "[2001:db8::1]:1", 0, "[2001:db8::1]:1" },
		{ "localhost:5", 0, "127.0.0.1:5" },
		{ "example.com:1", 400, "is not an address" },
		{ "bad", 500, "missing port in address" },
	};
	struct ga_api_response resp;
	char msg[512];
	struct ga_sv sv;
	int status;

	check_listens(listens, N(listens), true);
	ga_api_open(&sv, NULL, NULL);
	sv.no_server = sv.any_address = true;
	/* (no relay here: the listen the kernel gives is made up) */
	ck_assert_int_eq(call(&sv, "POST", "/proxies", "{\"name\":\"p\","
			      "\"listen\":\"10.0.0.1:80\",\"upstream\":"
			      "\"mysql:3306\"}", NULL, &resp), 201);
	ga_api_response_free(&resp);
	ck_assert_int_eq(call(&sv, "POST", "/proxies", "{\"name\":\"q\","
			      "\"upstream\":\"GONEAWAY:3306\"}", NULL, &resp),
			 400);
	ck_assert(strstr(body, "is goneaway's server, and this goneaway "
			 "serve has none (--no-server)"));
	ga_api_response_free(&resp);
	ck_assert_int_eq(call(&sv, "POST", "/proxies/p/toxics", "{\"type\":"
			      "\"mysql_kill\"}", NULL, &resp), 400);
	ck_assert(strstr(body, "mysql_kill acts on goneaway's server, and "
			 "this goneaway serve has none (--no-server)"));
	ga_api_response_free(&resp);
	ck_assert_int_eq(call(&sv, "POST", "/proxies/p/toxics", "{\"type\":"
			      "\"mysql_cut\",\"attributes\":{\"at\":"
			      "\"greeting\"}}", NULL, &resp), 200);
	ga_api_response_free(&resp);
	ck_assert_int_eq(call(&sv, "GET", "/goneaway/server", NULL, NULL,
			      &resp), 404);
	ck_assert(strstr(body, "no server of its own (--no-server)"));
	ga_api_response_free(&resp);
	ck_assert_int_eq(call(&sv, "POST", "/goneaway/server/kill", NULL,
			      NULL, &resp), 404);
	ga_api_response_free(&resp);
	ck_assert_int_eq(call(&sv, "GET", "/goneaway", NULL, NULL, &resp),
			 200);
	ck_assert(strstr(body, "\"upstream\":null"));
	ck_assert(!strstr(body, "/goneaway/server"));
	ga_api_response_free(&resp);
	ck_assert_int_eq(call(&sv, "POST", "/reset", NULL, NULL, &resp), 204);
	ck_assert_ptr_null(resp.job);
	ga_api_response_free(&resp);
	ga_api_close(&sv);
	/* off loopback, the gate is open: any Host, no owner, no token */
	memset(&sv, 0, sizeof(sv));
	ga_sv_addr_listen("0.0.0.0:8474", true, &sv.api, &status, msg,
			  sizeof(msg));
	ck_assert_int_eq(gate(&sv, "toxiproxy:32768", "", false), 403);
	sv.open_gate = true;
	ck_assert_int_eq(gate(&sv, "toxiproxy:32768", "", false), 0);
	ck_assert_int_eq(gate(&sv, "", "", false), 0);
}
END_TEST

/* The kernel says whose socket is at the other end of a loopback
 * connection (ours: this uid's), and who else listens on a port. */
START_TEST(test_peers)
{
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	struct stat st;
	char who[80];
	uid_t uid = (uid_t)-1;
	int l, c, s;
	unsigned port;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_ge(l, 0);
	ck_assert_int_eq(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(l, 4), 0);
	getsockname(l, (struct sockaddr *)&a, &len);
	port = ntohs(a.sin_port);
	c = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_eq(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
	s = accept(l, NULL, NULL);
	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(ga_sv_peer_uid(s, &uid), 0);
	ck_assert_uint_eq(uid, geteuid());
	ck_assert_int_eq(ga_sv_port_taken(port, NULL, 0, who, sizeof(who)), 1);
	ck_assert_msg(strstr(who, "127.0.0.1:"), "%s", who);
	ck_assert_int_eq(fstat(l, &st), 0);
	ck_assert_int_eq(ga_sv_port_taken(port, &st.st_ino, 1, who,
					  sizeof(who)), 0);
	close(c);
	close(s);
	close(l);
	ck_assert_int_eq(ga_sv_port_taken(port, NULL, 0, who, sizeof(who)), 0);
}
END_TEST

/* Every type of GA_TOXICS (serve/toxics.h), a new one too: found by
 * its name, its attributes' rows sound (at most GA_TOXIC_MAX_ATTRS, each
 * of a kind the decoder takes, inside its struct, each name once), what
 * it does said (a pipe for the bytes, or an act at packets), listed by
 * GET /goneaway/toxics, and made with its defaults on a proxy to
 * goneaway's server, shown and deleted as Toxiproxy would. */
#define TYPE_ROW(name) &ga_toxic_##name,
static const struct ga_toxic_type *const table_types[] = {
	GA_TOXICS(TYPE_ROW)
};
#undef TYPE_ROW

/* t's attributes with their defaults, as the API writes them, into buf. */
static void defaults_text(const struct ga_toxic_type *t, char *buf,
			  size_t len)
{
	const struct ga_toxic_attr *a;
	size_t i, n = 0;

	buf[0] = '\0';         /* a toxic without attributes: noop's "{}" */
	for (i = 0; i < t->nattrs && n < len; i++) {
		a = &t->attrs[i];
		n += (size_t)snprintf(buf + n, len - n, "%s\"%s\":", i ? "," : "",
				      a->name);
		if (a->kind == GA_GO_STRING)
			n += (size_t)snprintf(buf + n, len - n, "\"%s\"",
					      a->def ? a->def : "");
		else
			n += (size_t)snprintf(buf + n, len - n, "%s", a->def ?
					      a->def : a->kind == GA_GO_BOOL ?
					      "false" : "0");
	}
}

START_TEST(test_toxic_types)
{
	const struct ga_toxic_type *t = table_types[_i];
	struct ga_api_response resp;
	char want[2048], attrs[1024], path[300];
	struct ga_sv sv;
	size_t i, j, size;

	ck_assert_ptr_eq(ga_toxic_type_find(t->name), t);
	ck_assert(t->go_struct && *t->go_struct && t->what && *t->what);
	ck_assert_uint_le(t->nattrs, GA_TOXIC_MAX_ATTRS);
	for (i = 0; i < t->nattrs; i++) {
		const struct ga_toxic_attr *a = &t->attrs[i];

		ck_assert(a->kind == GA_GO_STRING || a->kind == GA_GO_BOOL ||
			  a->kind == GA_GO_INT64 || a->kind == GA_GO_INT);
		size = a->kind == GA_GO_STRING ? sizeof(char *) :
		       a->kind == GA_GO_BOOL ? sizeof(bool) : sizeof(long long);
		ck_assert_uint_le(a->off + size, t->size);
		ck_assert(*a->name && a->what && *a->what);
		for (j = 0; j < i; j++)
			ck_assert_str_ne(t->attrs[j].name, a->name);
	}
	ck_assert_msg((t->pipe != NULL) != (t->packet != NULL),
		      "%s: a pipe or a packet op, one of them", t->name);
	ck_assert(t->pipe || (!t->interrupted && !t->cleanup));

	ga_api_open(&sv, NULL, NULL);
	sv.have_server = true;
	ck_assert_int_eq(call(&sv, "GET", "/goneaway/toxics", NULL, NULL,
			      &resp), 200);
	snprintf(want, sizeof(want), "{\"type\":\"%s\",\"family\":\"", t->name);
	ck_assert_msg(strstr(body, want), "GET /goneaway/toxics: no %s", want);
	ga_api_response_free(&resp);
	ck_assert_int_eq(call(&sv, "POST", "/proxies", "{\"name\":\"srv\","
			      "\"upstream\":\"goneaway:3306\"}", NULL, &resp),
			 201);
	ga_api_response_free(&resp);
	defaults_text(t, attrs, sizeof(attrs));
	snprintf(want, sizeof(want), "{\"attributes\":{%s},\"name\":"
		 "\"%s_downstream\",\"type\":\"%s\",\"stream\":\"downstream\","
		 "\"toxicity\":1}", attrs, t->name, t->name);
	snprintf(path, sizeof(path), "{\"type\":\"%s\"}", t->name);
	ck_assert_int_eq(call(&sv, "POST", "/proxies/srv/toxics", path, NULL,
			      &resp), 200);
	ck_assert_str_eq(body, want);
	ga_api_response_free(&resp);
	snprintf(path, sizeof(path), "/proxies/srv/toxics/%s_downstream",
		 t->name);
	ck_assert_int_eq(call(&sv, "GET", path, NULL, NULL, &resp), 200);
	ck_assert_str_eq(body, want);
	ga_api_response_free(&resp);
	ck_assert_int_eq(call(&sv, "DELETE", path, NULL, NULL, &resp), 204);
	ga_api_response_free(&resp);
	ga_api_close(&sv);
}
END_TEST

Suite *make_serve_api_suite(void)
{
	Suite *s = suite_create("serve_api");
	TCase *tc;

	tc = tcase_create("toxiproxy");
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_as_toxiproxy);
	tcase_add_test(tc, test_browsers);
	suite_add_tcase(s, tc);

	tc = tcase_create("goneaway");
	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_cli_attributes);
	tcase_add_loop_test(tc, test_refused, 0, N(refused));
	tcase_add_loop_test(tc, test_toxic_types, 0, N(table_types));
	tcase_add_test(tc, test_bounds);
	tcase_add_test(tc, test_goneaway_paths);
	tcase_add_test(tc, test_addresses);
	tcase_add_test(tc, test_upstream_kept);
	tcase_add_test(tc, test_ports);
	tcase_add_test(tc, test_gate);
	tcase_add_test(tc, test_no_server);
	tcase_add_test(tc, test_peers);
	suite_add_tcase(s, tc);
	return s;
}
