/* apigoneaway.c - see apiparts.h: goneaway's own paths, /goneaway
 * (what it is, its toxic types, its server and the server's events),
 * and what a server job's end answers. */
#include "serve/apiparts.h"

#include <stdlib.h>
#include <string.h>

#include "serve/godecode.h"

/* The server's events, POST /goneaway/server/EVENT: those after the
 * first four take a value from the body. */
static const char *const events[] = {
	"restart", "stop", "start", "kill", "wait_timeout", "read_only",
};
#define NEVENTS (sizeof(events) / sizeof(events[0]))
#define NPLAIN 4

void ga_api_goneaway(const struct ga_api_call *call,
		     struct ga_api_response *resp)
{
	struct ga_sv *sv = call->sv;
	struct ga_api_body b;
	const char *line, *eq, *nl;
	size_t i;

	if (!ga_api_body_open(&b)) {
		resp->status = 503;
		return;
	}
	fputs("{\"goneaway\":", b.f);
	ga_api_write_str(b.f, sv->version ? sv->version : "");
	fprintf(b.f, ",\"toxiproxy_api\":\"%s\",\"upstream\":",
		GA_SV_TOXIPROXY_VERSION);
	if (sv->no_server)
		fputs("null", b.f);
	else
		fprintf(b.f, "\"%s:3306\"", GA_SV_SERVER_HOST);
	fputs(",\"env\":{", b.f);
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
	fputs("},\"paths\":[\"/goneaway/toxics\"", b.f);
	if (!sv->no_server)
		fputs(",\"/goneaway/server\"", b.f);
	for (i = 0; i < NEVENTS && !sv->no_server; i++)
		fprintf(b.f, ",\"/goneaway/server/%s\"", events[i]);
	fputs("]}", b.f);
	ga_api_body_give(&b, resp, 200, GA_API_JSON);
}

static void write_types(FILE *f, const void *none)
{
	(void)none;
	ga_toxic_types_write(f);
}

void ga_api_goneaway_toxics(const struct ga_api_call *call,
			    struct ga_api_response *resp)
{
	(void)call;
	ga_api_json(resp, 200, write_types, NULL);
}

/* A serve without a server (--no-server): path refused, 404 with why;
 * false when there is a server. */
static bool no_server(const struct ga_sv *sv, const char *path,
		      struct ga_api_response *resp)
{
	if (!sv->no_server)
		return false;
	ga_api_error(resp, 404, "%s: this goneaway serve has no server of its "
		     "own (--no-server): its proxies lead to servers it does "
		     "not run", path);
	return true;
}

static void server_show(struct ga_sv *sv, struct ga_api_response *resp)
{
	struct ga_api_body b;

	if (no_server(sv, "/goneaway/server", resp))
		return;
	if (!sv->have_server) {
		ga_api_error(resp, 503, "goneaway's server is not there");
		return;
	}
	if (!ga_api_body_open(&b)) {
		resp->status = 503;
		return;
	}
	if (sv->hooks && sv->hooks->server_json)
		sv->hooks->server_json(sv, b.f);
	else
		fputs("{}", b.f);
	ga_api_body_give(&b, resp, 200, GA_API_JSON);
}

void ga_api_server_show(const struct ga_api_call *call,
			struct ga_api_response *resp)
{
	server_show(call->sv, resp);
}

/* POST /goneaway/server/EVENT: a job; its body, for the events that
 * take a value ({"seconds": N}, {"read_only": true}). */
void ga_api_server_event(const struct ga_api_call *call,
			 struct ga_api_response *resp)
{
	const char *event = call->name;
	const struct ga_http_request *req = call->req;
	long long seconds = -1;
	bool ro = true, null;
	struct ga_json *j = NULL;
	char msg[512];
	size_t i;

	for (i = 0; i < NEVENTS && strcmp(event, events[i]) != 0; i++)
		;
	if (i == NEVENTS) {
		char known[128];
		size_t k, n = 0;

		for (k = 0; k < NEVENTS && n < sizeof(known); k++)
			n += (size_t)snprintf(known + n, sizeof(known) - n,
					      "%s%s", !k ? "" : k + 1 < NEVENTS ?
					      ", " : " or ", events[k]);
		ga_api_error(resp, 404, "no server event '%s': %s", event,
			     known);
		return;
	}
	if (no_server(call->sv, call->req->path, resp))
		return;
	if (!call->sv->have_server) {
		ga_api_error(resp, 503, "goneaway's server is not there");
		return;
	}
	if (i >= NPLAIN) {
		struct ga_go_field f[] = {
			{ "seconds", GA_GO_INT64, &seconds, NULL, NULL, false },
			{ "read_only", GA_GO_BOOL, &ro, NULL, NULL, false },
		};

		j = ga_api_body_object(req, "struct", &null, resp);
		if (!j)
			return;
		if (!null && ga_go_decode(j, "", "", f, 2, msg, sizeof(msg))) {
			ga_api_bad_body(resp, msg);
			ga_json_free(j);
			return;
		}
		ga_json_free(j);
		if (strcmp(event, "wait_timeout") == 0 &&
		    (seconds < 1 || seconds > 31536000)) {
			ga_api_error(resp, 400, "wait_timeout: give {\"seconds\": "
				  "N}, N from 1 to 31536000");
			return;
		}
	}
	resp->job = ga_api_job_new(GA_JOB_SERVER);
	if (!resp->job) {
		ga_api_error(resp, 500, "out of memory");
		return;
	}
	snprintf(resp->job->event, sizeof(resp->job->event), "%s", event);
	resp->job->value = strcmp(event, "wait_timeout") == 0 ? seconds : ro;
}

void ga_api_finish(struct ga_sv *sv, struct ga_sv_job *job,
		   struct ga_api_response *resp)
{
	memset(resp, 0, sizeof(*resp));
	if (job->rc) {
		ga_api_error(resp, job->status ? job->status : 500, "%s",
			     job->msg);
	} else if (job->kind == GA_JOB_RESTORE) {
		resp->status = 204;
	} else {
		server_show(sv, resp);
	}
	free(job);
}
