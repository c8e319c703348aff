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

void ga_api_toxic_index(struct ga_sv_proxy *p, struct ga_api_response *resp)
{
	ga_api_json(resp, 200, write_toxics_obj, p);
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

void ga_api_toxic_create(struct ga_sv *sv, struct ga_sv_proxy *p,
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

	j = ga_api_body_json(req, true, "toxics.ToxicWrapper", &null, msg,
			     sizeof(msg));
	if (!j) {
		ga_api_error(resp, 400, "%s", msg);
		return;
	}
	if (!null && ga_go_decode(j, "ToxicWrapper", "", f,
				  sizeof(f) / sizeof(f[0]), msg, sizeof(msg))) {
		ga_api_bad_body(resp, msg);
		goto out;
	}
	dir = stream_of(stream ? stream : "downstream");
	if (dir < 0) {
		ga_api_error(resp, 400, "stream was invalid, can be either "
			  "upstream or downstream");
		goto out;
	}
	if (!name || !*name) {
		free(name);
		if (asprintf(&name, "%s_%s", type ? type : "",
			     stream ? stream : "downstream") < 0) {
			name = NULL;
			ga_api_error(resp, 500, "out of memory");
			goto out;
		}
	}
	tt = ga_toxic_type_find(type ? type : "");
	if (!tt) {
		ga_api_error(resp, 400, "invalid toxic type");
		goto out;
	}
	if (ga_api_toxic_find(p, name, NULL)) {
		ga_api_error(resp, 409, "toxic already exists");
		goto out;
	}
	t = ga_toxic_new(tt);
	if (!t) {
		ga_api_error(resp, 500, "out of memory");
		goto out;
	}
	snprintf(go_type, sizeof(go_type), "%s", tt->go_struct);
	if (ga_toxic_decode_attrs(t, attrs, msg, sizeof(msg))) {
		ga_api_bad_body(resp, msg);
		goto out;
	}
	t->name = name;
	t->stream = stream ? stream : strdup("downstream");
	name = stream = NULL;
	t->dir = dir;
	t->toxicity = toxicity;
	if (!t->stream) {
		ga_api_error(resp, 500, "out of memory");
		goto out;
	}
	if (strlen(t->name) > GA_SV_MAX_NAME) {
		ga_api_error(resp, 400, "a toxic's name of more than %d bytes",
			  GA_SV_MAX_NAME);
		goto out;
	}
	if (p->ntoxics >= GA_SV_MAX_TOXICS) {
		ga_api_error(resp, 400, "too many toxics: goneaway serve keeps at "
			  "most %d on a proxy", GA_SV_MAX_TOXICS);
		goto out;
	}
	if (ga_api_toxic_ok(sv, p, t, resp))
		goto out;
	nt = realloc(p->toxics, (p->ntoxics + 1) * sizeof(*nt));
	if (!nt) {
		ga_api_error(resp, 500, "out of memory");
		goto out;
	}
	p->toxics = nt;
	if (ga_api_apply_fault(sv, t, NULL, resp))
		goto out;
	p->toxics[p->ntoxics++] = t;
	if (sv->hooks && sv->hooks->toxic_added)
		sv->hooks->toxic_added(sv, p, t);
	ga_api_toxic_answer(resp, t);
	t = NULL;
out:
	ga_toxic_free(t);
	free(name);
	free(type);
	free(stream);
	ga_json_free(j);
}

void ga_api_toxic_show(struct ga_sv_proxy *p, const char *name,
		       struct ga_api_response *resp)
{
	struct ga_toxic *t = ga_api_toxic_find(p, name, NULL);

	if (!t) {
		ga_api_error(resp, 404, "toxic not found");
		return;
	}
	ga_api_toxic_answer(resp, t);
}

void ga_api_toxic_update(struct ga_sv *sv, struct ga_sv_proxy *p,
			 const char *name, const struct ga_http_request *req,
			 struct ga_api_response *resp)
{
	struct ga_toxic *t = ga_api_toxic_find(p, name, NULL), *c = NULL;
	const struct ga_json *attrs = NULL;
	struct ga_json *j = NULL;
	char msg[600], go_type[80];
	bool null;

	if (!t) {
		ga_api_error(resp, 404, "toxic not found");
		return;
	}
	c = ga_toxic_copy(t);
	if (!c) {
		ga_api_error(resp, 500, "out of memory");
		return;
	}
	snprintf(go_type, sizeof(go_type), "toxics.%s", t->type->go_struct);
	{
		struct ga_go_field f[] = {
			{ "attributes", GA_GO_STRUCT, &attrs, go_type, NULL },
			{ "toxicity", GA_GO_FLOAT32, &c->toxicity, NULL, NULL },
		};

		j = ga_api_body_json(req, true, "struct { Attributes interface {} "
			      "\"json:\\\"attributes\\\"\"; Toxicity float32 "
			      "\"json:\\\"toxicity\\\"\" }", &null, msg,
			      sizeof(msg));
		if (!j) {
			ga_api_error(resp, 400, "%s", msg);
			goto out;
		}
		if (!null && ga_go_decode(j, "", "", f, 2, msg, sizeof(msg))) {
			ga_api_bad_body(resp, msg);
			goto out;
		}
	}
	if (ga_toxic_decode_attrs(c, attrs, msg, sizeof(msg))) {
		ga_api_bad_body(resp, msg);
		goto out;
	}
	if (ga_api_toxic_ok(sv, p, c, resp))
		goto out;
	if (ga_api_apply_fault(sv, c, t, resp))
		goto out;
	/* the values, into the toxic the connections know */
	ga_toxic_swap_values(t, c);
	if (sv->hooks && sv->hooks->toxic_updated)
		sv->hooks->toxic_updated(sv, p, t);
	ga_api_toxic_answer(resp, t);
out:
	ga_toxic_free(c);
	ga_json_free(j);
}

void ga_api_toxic_delete(struct ga_sv *sv, struct ga_sv_proxy *p,
			 const char *name, struct ga_api_response *resp)
{
	char msg[GA_ERROR_MAX];
	size_t at;

	if (!ga_api_toxic_find(p, name, &at)) {
		ga_api_error(resp, 404, "toxic not found");
		return;
	}
	if (ga_api_toxic_drop(sv, p, at, msg, sizeof(msg))) {
		ga_api_error(resp, 500, "the toxic is deleted, but its fault could "
			  "not be lifted: %s", msg);
		return;
	}
	resp->status = 204;
}
