/* apicollection.c - see apiparts.h: the proxies and their toxics, as
 * Toxiproxy's ProxyCollection and ToxicCollection keep them: made,
 * started and stopped through the hooks, a fault toxic's fault on and
 * off the lab, freed. */
#include "serve/apiparts.h"

#include <stdlib.h>
#include <string.h>

#include "faults/fault.h"

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

void ga_api_proxy_free(struct ga_sv_proxy *p)
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

struct ga_sv_proxy *ga_api_proxy_new(const char *name, const char *listen,
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
		ga_api_proxy_free(p);
		return NULL;
	}
	return p;
}

bool ga_api_start(struct ga_sv *sv, struct ga_sv_proxy *p, struct ga_error *err)
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

void ga_api_stop(struct ga_sv *sv, struct ga_sv_proxy *p)
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

	if (!t->type->fault || !t->fault_line)
		return 0;
	if (sv->hooks && sv->hooks->fault)
		rc = sv->hooks->fault(sv, t->fault_line, NULL, NULL, 0, msg,
				      len);
	t->fault_line = 0;
	return rc;
}

/* Takes toxic i off p (its fault lifted, the connections told) and
 * frees it.  Returns what lifting said. */
int ga_api_toxic_drop(struct ga_sv *sv, struct ga_sv_proxy *p, size_t i,
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
int ga_api_toxics_drop(struct ga_sv *sv, struct ga_sv_proxy *p,
		       char *msg, size_t len)
{
	char one[GA_ERROR_MAX];
	int rc = 0;

	while (p->ntoxics)
		if (ga_api_toxic_drop(sv, p, p->ntoxics - 1, one, sizeof(one)) && !rc) {
			snprintf(msg, len, "%s", one);
			rc = -1;
		}
	return rc;
}

/* p goes: out of sv, its faults lifted, stopped, freed. */
/* p leaves sv: stopped, its toxics dropped (their faults lifted), out
 * of the list; the caller frees it.  Returns what lifting said. */
int ga_api_proxy_detach(struct ga_sv *sv, struct ga_sv_proxy *p, char *msg,
			size_t len)
{
	size_t i;
	int rc;

	ga_api_stop(sv, p);
	rc = ga_api_toxics_drop(sv, p, msg, len);
	for (i = 0; i < sv->nproxies; i++)
		if (sv->proxies[i] == p) {
			memmove(&sv->proxies[i], &sv->proxies[i + 1],
				(sv->nproxies - i - 1) * sizeof(p));
			sv->nproxies--;
			break;
		}
	return rc;
}

int ga_api_proxy_drop(struct ga_sv *sv, struct ga_sv_proxy *p, char *msg,
		      size_t len)
{
	int rc = ga_api_proxy_detach(sv, p, msg, len);

	ga_api_proxy_free(p);
	return rc;
}

void ga_api_close(struct ga_sv *sv)
{
	char msg[GA_ERROR_MAX];

	while (sv->nproxies)
		ga_api_proxy_drop(sv, sv->proxies[sv->nproxies - 1], msg, sizeof(msg));
	free(sv->proxies);
	sv->proxies = NULL;
}

int ga_api_proxy_add(struct ga_sv *sv, struct ga_sv_proxy *p)
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

struct ga_toxic *ga_api_toxic_find(struct ga_sv_proxy *p, const char *name,
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

bool ga_api_toxic_needs_server(const struct ga_sv *sv,
			       const struct ga_toxic *t)
{
	return (t->type->needs & GA_TOXIC_NEEDS_SERVER) != 0 ||
	       ((t->type->needs & GA_TOXIC_NEEDS_ADMIN) != 0 &&
		!sv->upstream_admin);
}

/* What a toxic that needs goneaway's server for want of an admin
 * account on the user's own one says of it ("" when it needs the
 * server itself). */
static const char *admin_hint(const struct ga_toxic *t)
{
	return t->type->needs & GA_TOXIC_NEEDS_SERVER ? "" :
	       " (or give goneaway serve an admin account for your own "
	       "server: --upstream-admin FILE, naming its host and port)";
}

/* What goneaway needs of a toxic beyond Toxiproxy's types: its own
 * checks, and a proxy that reaches goneaway's server for the toxics
 * that act on it.  Returns 0, or -1 with resp set. */
int ga_api_toxic_ok(struct ga_sv *sv, struct ga_sv_proxy *p,
		    struct ga_toxic *t, struct ga_api_response *resp)
{
	char msg[1024];

	if (ga_toxic_check(t, msg, sizeof(msg))) {
		ga_api_error(resp, 400, "%s", msg);
		return -1;
	}
	if (ga_api_toxic_needs_server(sv, t) && sv->no_server) {
		ga_api_error(resp, 400, "%s acts on goneaway's server, and this "
			     "goneaway serve has none (--no-server): the byte "
			     "toxics act on any upstream, mysql_cut on any "
			     "MySQL one%s", t->type->name, admin_hint(t));
		return -1;
	}
	if (ga_api_toxic_needs_server(sv, t) && !p->to_server) {
		ga_api_error(resp, 400, "%s acts on goneaway's server: proxy '%s' "
			  "has upstream %s, not %s:3306%s", t->type->name,
			  p->name, p->upstream, GA_SV_SERVER_HOST,
			  admin_hint(t));
		return -1;
	}
	if (p->to_server && (t->type->needs & (GA_TOXIC_NEEDS_SERVER |
					       GA_TOXIC_NEEDS_ADMIN)) &&
	    !sv->have_server) {
		ga_api_error(resp, 503, "%s: goneaway's server is not there",
			  t->type->name);
		return -1;
	}
	return 0;
}

/* A fault toxic's fault onto the lab (lifting old's first, for an
 * update).  Returns 0, or -1 with resp set. */
int ga_api_apply_fault(struct ga_sv *sv, struct ga_toxic *t,
		       struct ga_toxic *old, struct ga_api_response *resp)
{
	char msg[GA_ERROR_MAX];
	int line, rc;

	if (!t->type->fault)
		return 0;
	line = sv->next_fault_line++;
	rc = sv->hooks && sv->hooks->fault ?
	     sv->hooks->fault(sv, old ? old->fault_line : 0, t->type->fault,
			      t->fault_spec, line, msg, sizeof(msg)) : 0;
	if (old)
		old->fault_line = 0;    /* lifted, whatever the apply did */
	if (rc == GA_FAULT_UNSUPPORTED) {
		ga_api_error(resp, 501, "%s cannot be made here: %s",
			  t->type->name, msg);
		return -1;
	}
	if (rc) {
		ga_api_error(resp, 500, "%s: %s", t->type->name, msg);
		return -1;
	}
	t->fault_line = line;
	return 0;
}

struct ga_sv_job *ga_api_job_new(enum ga_sv_job_kind kind)
{
	struct ga_sv_job *job = calloc(1, sizeof(*job));

	if (job)
		job->kind = kind;
	return job;
}
