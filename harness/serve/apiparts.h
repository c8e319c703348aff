/* apiparts.h - what the API's files share (serve/api.c's routes, the
 * handlers of apiproxies.c, apitoxics.c and apigoneaway.c, the
 * collection of apicollection.c, the answers of apiresp.c).  Their
 * public side is serve/api.h.
 *
 * Ownership as in api.h: a proxy owns its strings and toxics (freed by
 * ga_api_proxy_free); an answer owns its body.
 */
#ifndef GA_SERVE_APIPARTS_H
#define GA_SERVE_APIPARTS_H

#include <stdbool.h>
#include <stdio.h>

#include "serve/api.h"
#include "util/json.h"

#define GA_API_JSON "application/json"
#define GA_API_TEXT "text/plain; charset=utf-8"

/* ---- answers (apiresp.c) ---------------------------------------------------- */

/* A body written through a memory stream, then given to an answer. */
struct ga_api_body {
	FILE *f;
	char *buf;
	size_t len;
};

FILE *ga_api_body_open(struct ga_api_body *b);
void ga_api_body_give(struct ga_api_body *b, struct ga_api_response *resp,
		      int status, const char *type);
/* text as a text/plain answer */
void ga_api_text(struct ga_api_response *resp, int status, const char *text);
/* Toxiproxy's apiError: {"error":...,"status":...} and a newline, as
 * text/plain (Go's http.Error) */
void ga_api_error(struct ga_api_response *resp, int status, const char *fmt,
		  ...) __attribute__((format(printf, 3, 4)));
/* 400 "bad request body: msg" */
void ga_api_bad_body(struct ga_api_response *resp, const char *msg);
/* A string, a proxy (with its toxics), a proxy's toxics, as JSON. */
void ga_api_write_str(FILE *f, const char *s);
void ga_api_write_proxy(FILE *f, const struct ga_sv_proxy *p);
void ga_api_write_toxics(FILE *f, const struct ga_sv_proxy *p);
/* obj, written by write, as a JSON answer of status */
void ga_api_json(struct ga_api_response *resp, int status,
		 void (*write)(FILE *f, const void *obj), const void *obj);
void ga_api_proxy_answer(struct ga_api_response *resp, int status,
			 const struct ga_sv_proxy *p);
void ga_api_toxic_answer(struct ga_api_response *resp,
			 const struct ga_toxic *t);
/* The request's body as JSON, for a Go value of type go_type (an
 * object, or an array); NULL with msg set ("bad request body: ...")
 * when it is not one, *null when it is null.  Free with
 * ga_json_free(). */
struct ga_json *ga_api_body_json(const struct ga_http_request *req,
				 bool object, const char *go_type, bool *null,
				 char *msg, size_t len);
/* The same for an object, with the 400 answered into resp when it is
 * none (NULL then). */
struct ga_json *ga_api_body_object(const struct ga_http_request *req,
				   const char *go_type, bool *null,
				   struct ga_api_response *resp);

/* ---- the collection (apicollection.c) ------------------------------------------ */

struct ga_sv_proxy *ga_api_proxy_new(const char *name, const char *listen,
				     const char *upstream);
void ga_api_proxy_free(struct ga_sv_proxy *p);
/* Into sv (0), or -1 at the bound or out of memory. */
int ga_api_proxy_add(struct ga_sv *sv, struct ga_sv_proxy *p);
/* Listening (the hooks'), or not; start is true on success, else err. */
bool ga_api_start(struct ga_sv *sv, struct ga_sv_proxy *p,
		  struct ga_error *err);
void ga_api_stop(struct ga_sv *sv, struct ga_sv_proxy *p);
/* Toxic i of p goes (its fault lifted, the connections told), freed;
 * every toxic of p goes; p leaves sv (the caller frees it); p goes and
 * is freed.  Each returns 0, or -1 with msg set when a fault could not
 * be lifted (the rest is done anyway). */
int ga_api_toxic_drop(struct ga_sv *sv, struct ga_sv_proxy *p, size_t i,
		      char *msg, size_t len);
int ga_api_toxics_drop(struct ga_sv *sv, struct ga_sv_proxy *p, char *msg,
		       size_t len);
int ga_api_proxy_detach(struct ga_sv *sv, struct ga_sv_proxy *p, char *msg,
			size_t len);
int ga_api_proxy_drop(struct ga_sv *sv, struct ga_sv_proxy *p, char *msg,
		      size_t len);
/* p's toxic called name (its index into *at), or NULL. */
struct ga_toxic *ga_api_toxic_find(struct ga_sv_proxy *p, const char *name,
				   size_t *at);
/* Whether t acts on goneaway's server (the fault toxics, and mysql_kill
 * when sv has no --upstream-admin account for the user's own servers):
 * only on a proxy whose upstream it is. */
bool ga_api_toxic_needs_server(const struct ga_sv *sv,
			       const struct ga_toxic *t);
/* goneaway's checks of t on p (its own, and a proxy that reaches
 * goneaway's server for what acts on it): 0, or -1 with resp set. */
int ga_api_toxic_ok(struct ga_sv *sv, struct ga_sv_proxy *p,
		    struct ga_toxic *t, struct ga_api_response *resp);
/* A fault toxic's fault onto the lab (old's lifted first): 0, or -1
 * with resp set; nothing for the other toxics. */
int ga_api_apply_fault(struct ga_sv *sv, struct ga_toxic *t,
		       struct ga_toxic *old, struct ga_api_response *resp);
/* A new job of kind; NULL when out of memory. */
struct ga_sv_job *ga_api_job_new(enum ga_sv_job_kind kind);

/* ---- the handlers -------------------------------------------------------------- */

/* A request on its way to its handler (serve/api.c's routes): what its
 * path named. */
struct ga_api_call {
	struct ga_sv *sv;
	const struct ga_http_request *req;
	struct ga_sv_proxy *proxy;      /* {proxy}, found; else NULL */
	const char *name;               /* {name}: a toxic's, a server
					 * event's; else NULL */
};

/* apiproxies.c */
void ga_api_proxy_index(const struct ga_api_call *call,
			struct ga_api_response *resp);
void ga_api_proxy_create(const struct ga_api_call *call,
			 struct ga_api_response *resp);
void ga_api_populate(const struct ga_api_call *call,
		     struct ga_api_response *resp);
void ga_api_proxy_show(const struct ga_api_call *call,
		       struct ga_api_response *resp);
void ga_api_proxy_update(const struct ga_api_call *call,
			 struct ga_api_response *resp);
void ga_api_proxy_delete(const struct ga_api_call *call,
			 struct ga_api_response *resp);
void ga_api_reset(const struct ga_api_call *call,
		  struct ga_api_response *resp);
void ga_api_version(const struct ga_api_call *call,
		    struct ga_api_response *resp);
/* apitoxics.c */
void ga_api_toxic_index(const struct ga_api_call *call,
			struct ga_api_response *resp);
void ga_api_toxic_create(const struct ga_api_call *call,
			 struct ga_api_response *resp);
void ga_api_toxic_show(const struct ga_api_call *call,
		       struct ga_api_response *resp);
void ga_api_toxic_update(const struct ga_api_call *call,
			 struct ga_api_response *resp);
void ga_api_toxic_delete(const struct ga_api_call *call,
			 struct ga_api_response *resp);
/* apigoneaway.c */
void ga_api_goneaway(const struct ga_api_call *call,
		     struct ga_api_response *resp);
void ga_api_goneaway_toxics(const struct ga_api_call *call,
			    struct ga_api_response *resp);
void ga_api_server_show(const struct ga_api_call *call,
			struct ga_api_response *resp);
void ga_api_server_event(const struct ga_api_call *call,
			 struct ga_api_response *resp);

#endif
