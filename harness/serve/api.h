/* api.h - Toxiproxy's HTTP API 2.x, as its README documents it and its
 * server answers (api.go: the same routes, JSON, status codes and error
 * bodies), over goneaway serve's proxies; and goneaway's own paths
 * under /goneaway (the toxic types, the server and its events).
 *
 * A request (serve/httpreq.h) becomes a response here; what a request
 * does to connections and to the server goes through the hooks of
 * struct ga_sv (serve/internal.h) and, when it takes time (a server
 * event, /reset's server), through a job for the backstage thread: the
 * response is then pending until ga_api_finish().  The API's
 * connections (serve/apiconn.h) take no other request that may change
 * something while one is pending, so the API changes one thing at a
 * time, as Toxiproxy's locks make it; a GET (or HEAD) changes nothing
 * and is answered meanwhile.
 *
 * Ownership: a response owns its body (free with ga_api_response_free);
 * a pending response's job is the caller's until ga_api_finish(), which
 * frees it.  ga_api_open()/ga_api_close() own the proxies and their
 * toxics.
 */
#ifndef GA_SERVE_API_H
#define GA_SERVE_API_H

#include <stdbool.h>
#include <stddef.h>

#include "serve/httpreq.h"
#include "serve/internal.h"

struct ga_api_response {
	int status;
	const char *content_type;       /* static; NULL: no body, no type */
	bool nosniff;                   /* X-Content-Type-Options: nosniff */
	char *body;                     /* owned */
	size_t body_len;
	char *error;                    /* owned: a refusal's reason (what
					 * its body says), for the log; NULL */
	struct ga_sv_job *job;          /* non-NULL: pending on this job */
};

void ga_api_open(struct ga_sv *sv, const struct ga_sv_hooks *hooks,
		 void *ctx);
/* Frees every proxy and toxic (the relay has let them go: unlisten). */
void ga_api_close(struct ga_sv *sv);

/* Who may use the API (serve/apigate.c).  A request whose Host is not
 * the API's own address (sv->api as written, or localhost, and its
 * port) is refused: a page a browser loaded from another name that was
 * made to resolve to 127.0.0.1 (a DNS rebinding) sends its name.  A
 * request on a connection that is not the owner's (owner false: the
 * socket at its other end is neither goneaway serve's owner's nor
 * root's, serve/peers.h) is refused unless it gives sv->token
 * ("Authorization: Bearer TOKEN", or Basic with TOKEN as the
 * password).  Returns 0 when req may be answered, else -1 with resp
 * the refusal (403). */
int ga_api_gate(const struct ga_sv *sv, const struct ga_http_request *req,
		bool owner, struct ga_api_response *resp);

/* A new token (GA_SV_TOKEN_LEN hex digits of the kernel's randomness)
 * into buf.  Returns 0, or -1 when buf is too small or the kernel
 * gives none. */
int ga_api_token_new(char *buf, size_t len);

/* Answers req into resp (zeroed first). */
void ga_api_handle(struct ga_sv *sv, const struct ga_http_request *req,
		   struct ga_api_response *resp);

/* job (resp's) is done (its rc and msg set): makes the change it was
 * for and the answer into resp, and frees job. */
void ga_api_finish(struct ga_sv *sv, struct ga_sv_job *job,
		   struct ga_api_response *resp);

void ga_api_response_free(struct ga_api_response *resp);

/* How a response goes on the wire: the request's HTTP/1.minor, whether
 * the connection stays open, whether it answers a HEAD (no body), and
 * Toxiproxy's X-Toxiproxy-Request-Id. */
struct ga_api_wire {
	int minor;
	bool keep_alive;
	bool head;
	const char *request_id;
};

/* A response's head and body as bytes to send, into a new buffer
 * (*out, *len; free it).  Returns 0, or -1 when out of memory. */
int ga_api_response_bytes(const struct ga_api_response *resp,
			  const struct ga_api_wire *how, char **out,
			  size_t *len);

/* The answer to a request the reader refused, as Go's server writes it
 * ("HTTP/1.1 400 Bad Request", its text, and the connection closes),
 * into a new buffer.  A 417 (an Expect it does not know) is an ordinary
 * response instead (ga_api_response_bytes).  Returns 0, or -1 when out
 * of memory. */
int ga_api_refusal_bytes(const struct ga_http_refusal *bad, char **out,
			 size_t *len);

/* A proxy by name, or NULL. */
struct ga_sv_proxy *ga_api_proxy(struct ga_sv *sv, const char *name);

#endif
