/* apitoxics.c - see apiparts.h: Toxiproxy's toxic routes (api.go's
 * ToxicIndex, ToxicCreate, ToxicShow, ToxicUpdate, ToxicDelete, and
 * toxic_collection.go's decoding), with goneaway's checks of the mysql
 * and fault toxics. */
#include "serve/apiparts.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "serve/godecode.h"

static void write_toxics_obj(FILE *f, const void *p)
{
	ga_api_write_toxics(f, p);
}

void ga_api_toxic_index(const struct ga_api_call *call,
			struct ga_api_response *resp)
{
	ga_api_json(resp, 200, write_toxics_obj, call->proxy);
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

/* A new toxic's request, as toxic_collection.go's AddToxicJson reads
 * it: its members (owned strings; attrs borrowed from the body's
 * JSON). */
struct toxic_in {
	char *name, *type, *stream;
	const struct ga_json *attrs;
	float toxicity;
};

/* The request's body into in.  Returns its JSON (in->attrs' owner: free
 * it with ga_json_free), or NULL with resp set. */
static struct ga_json *toxic_in_decode(const struct ga_http_request *req,
				       struct toxic_in *in,
				       struct ga_api_response *resp)
{
	struct ga_json *j;
	char msg[600];
	bool null;
	struct ga_go_field f[] = {
		{ "attributes", GA_GO_STRUCT, &in->attrs, "toxics.NoopToxic",
		  NULL },
		{ "name", GA_GO_STRING, &in->name, NULL, NULL },
		{ "type", GA_GO_STRING, &in->type, NULL, NULL },
		{ "stream", GA_GO_STRING, &in->stream, NULL, NULL },
		{ "toxicity", GA_GO_FLOAT32, &in->toxicity, NULL, NULL },
	};

	j = ga_api_body_object(req, "toxics.ToxicWrapper", &null, resp);
	if (!j)
		return NULL;
	if (!null && ga_go_decode(j, "ToxicWrapper", "", f,
				  sizeof(f) / sizeof(f[0]), msg, sizeof(msg))) {
		ga_api_bad_body(resp, msg);
		ga_json_free(j);
		return NULL;
	}
	return j;
}

/* The toxic in asks for on p: its type's, with its attributes, name
 * (TYPE_STREAM when none), stream and toxicity; in's strings are
 * taken.  Returns it, or NULL with resp set. */
static struct ga_toxic *toxic_make(struct ga_sv_proxy *p, struct toxic_in *in,
				   struct ga_api_response *resp)
{
	const struct ga_toxic_type *tt;
	struct ga_toxic *t;
	char msg[600];
	int dir = stream_of(in->stream ? in->stream : "downstream");

	if (dir < 0) {
		ga_api_error(resp, 400, "stream was invalid, can be either "
			     "upstream or downstream");
		return NULL;
	}
	if (!in->name || !*in->name) {
		free(in->name);
		if (asprintf(&in->name, "%s_%s", in->type ? in->type : "",
			     in->stream ? in->stream : "downstream") < 0) {
			in->name = NULL;
			ga_api_error(resp, 500, "out of memory");
			return NULL;
		}
	}
	tt = ga_toxic_type_find(in->type ? in->type : "");
	if (!tt) {
		ga_api_error(resp, 400, "invalid toxic type");
		return NULL;
	}
	if (ga_api_toxic_find(p, in->name, NULL)) {
		ga_api_error(resp, 409, "toxic already exists");
		return NULL;
	}
	t = ga_toxic_new(tt);
	if (!t) {
		ga_api_error(resp, 500, "out of memory");
		return NULL;
	}
	if (ga_toxic_decode_attrs(t, in->attrs, msg, sizeof(msg))) {
		ga_api_bad_body(resp, msg);
		ga_toxic_free(t);
		return NULL;
	}
	t->name = in->name;
	t->stream = in->stream ? in->stream : strdup("downstream");
	in->name = in->stream = NULL;
	t->dir = dir;
	t->toxicity = in->toxicity;
	if (!t->stream) {
		ga_api_error(resp, 500, "out of memory");
		ga_toxic_free(t);
		return NULL;
	}
	return t;
}

/* t onto p, last: within the bounds, through goneaway's checks, its
 * fault applied, the connections told.  Returns 0 (t is p's), or -1
 * with resp set. */
static int toxic_add(struct ga_sv *sv, struct ga_sv_proxy *p,
		     struct ga_toxic *t, struct ga_api_response *resp)
{
	struct ga_toxic **nt;

	if (strlen(t->name) > GA_SV_MAX_NAME) {
		ga_api_error(resp, 400, "a toxic's name of more than %d bytes",
			     GA_SV_MAX_NAME);
		return -1;
	}
	if (p->ntoxics >= GA_SV_MAX_TOXICS) {
		ga_api_error(resp, 400, "too many toxics: goneaway serve keeps "
			     "at most %d on a proxy", GA_SV_MAX_TOXICS);
		return -1;
	}
	if (ga_api_toxic_ok(sv, p, t, resp))
		return -1;
	nt = realloc(p->toxics, (p->ntoxics + 1) * sizeof(*nt));
	if (!nt) {
		ga_api_error(resp, 500, "out of memory");
		return -1;
	}
	p->toxics = nt;
	if (ga_api_apply_fault(sv, t, NULL, resp))
		return -1;
	p->toxics[p->ntoxics++] = t;
	if (sv->hooks && sv->hooks->toxic_added)
		sv->hooks->toxic_added(sv, p, t);
	return 0;
}

void ga_api_toxic_create(const struct ga_api_call *call,
			 struct ga_api_response *resp)
{
	struct toxic_in in = { .toxicity = 1 };
	struct ga_toxic *t;
	struct ga_json *j = toxic_in_decode(call->req, &in, resp);

	if (j) {
		t = toxic_make(call->proxy, &in, resp);
		if (t && toxic_add(call->sv, call->proxy, t, resp) == 0)
			ga_api_toxic_answer(resp, t);
		else
			ga_toxic_free(t);
	}
	free(in.name);
	free(in.type);
	free(in.stream);
	ga_json_free(j);
}

void ga_api_toxic_show(const struct ga_api_call *call,
		       struct ga_api_response *resp)
{
	struct ga_toxic *t = ga_api_toxic_find(call->proxy, call->name, NULL);

	if (!t) {
		ga_api_error(resp, 404, "toxic not found");
		return;
	}
	ga_api_toxic_answer(resp, t);
}

/* An update's body into c (a copy of the toxic): its toxicity and
 * attributes.  Returns 0, or -1 with resp set. */
static int toxic_update_decode(const struct ga_http_request *req,
			       struct ga_toxic *c, struct ga_api_response *resp)
{
	const struct ga_json *attrs = NULL;
	struct ga_json *j;
	char msg[600], go_type[80];
	bool null;
	int rc = -1;
	struct ga_go_field f[] = {
		{ "attributes", GA_GO_STRUCT, &attrs, go_type, NULL },
		{ "toxicity", GA_GO_FLOAT32, &c->toxicity, NULL, NULL },
	};

	snprintf(go_type, sizeof(go_type), "toxics.%s", c->type->go_struct);
	j = ga_api_body_object(req, "struct { Attributes interface {} "
			       "\"json:\\\"attributes\\\"\"; Toxicity float32 "
			       "\"json:\\\"toxicity\\\"\" }", &null, resp);
	if (!j)
		return -1;
	if (!null && ga_go_decode(j, "", "", f, 2, msg, sizeof(msg)))
		ga_api_bad_body(resp, msg);
	else if (ga_toxic_decode_attrs(c, attrs, msg, sizeof(msg)))
		ga_api_bad_body(resp, msg);
	else
		rc = 0;
	ga_json_free(j);
	return rc;
}

void ga_api_toxic_update(const struct ga_api_call *call,
			 struct ga_api_response *resp)
{
	struct ga_sv *sv = call->sv;
	struct ga_sv_proxy *p = call->proxy;
	struct ga_toxic *t = ga_api_toxic_find(p, call->name, NULL), *c;

	if (!t) {
		ga_api_error(resp, 404, "toxic not found");
		return;
	}
	c = ga_toxic_copy(t);
	if (!c) {
		ga_api_error(resp, 500, "out of memory");
		return;
	}
	if (toxic_update_decode(call->req, c, resp) ||
	    ga_api_toxic_ok(sv, p, c, resp) ||
	    ga_api_apply_fault(sv, c, t, resp)) {
		ga_toxic_free(c);
		return;
	}
	/* the values, into the toxic the connections know */
	ga_toxic_swap_values(t, c);
	if (sv->hooks && sv->hooks->toxic_updated)
		sv->hooks->toxic_updated(sv, p, t);
	ga_api_toxic_answer(resp, t);
	ga_toxic_free(c);
}

void ga_api_toxic_delete(const struct ga_api_call *call,
			 struct ga_api_response *resp)
{
	char msg[GA_ERROR_MAX];
	size_t at;

	if (!ga_api_toxic_find(call->proxy, call->name, &at)) {
		ga_api_error(resp, 404, "toxic not found");
		return;
	}
	if (ga_api_toxic_drop(call->sv, call->proxy, at, msg, sizeof(msg))) {
		ga_api_error(resp, 500, "the toxic is deleted, but its fault "
			     "could not be lifted: %s", msg);
		return;
	}
	resp->status = 204;
}
