/* case_proxy.c - a case's proxy: which one it runs behind and starting it
 * (proxy/proxy.h runs the process; run/runner.c ends it at teardown).
 *
 * A scenario says what it needs with its "proxy" line
 * (docs/scenario-format.md): "proxy haproxy ..." runs behind HAProxy
 * whatever --proxy says, and SKIPs under another proxy; "proxy none
 * REASON" runs only without one, and SKIPs with REASON under --proxy
 * NAME.  A scenario without the line runs behind what --proxy names.
 */
#include "run/internal.h"

#include <stdio.h>
#include <string.h>

/* --proxy's value for this run, NULL for none. */
static const char *asked(const struct ga_case *c)
{
	const char *p = c->r->opts->proxy;

	return p && strcmp(p, "none") != 0 ? p : NULL;
}

int ga_case_choose_proxy(struct ga_case *c)
{
	const struct ga_proxy_decl *d = &c->sc->proxy;
	const char *want = asked(c), *name;

	c->proxy = NULL;
	if (d->line && strcmp(d->name, "none") == 0) {
		if (!want)
			return 0;
		c->res->skip = GA_SKIP_PROXY;
		ga_case_verdict(c->res, GA_VERDICT_SKIP, d->line, "the "
				"scenario tests a direct connection, not one "
				"through %s (proxy none): %s", want, d->reason);
		return 1;
	}
	if (d->line && want && strcmp(want, d->name) != 0) {
		c->res->skip = GA_SKIP_PROXY;
		ga_case_verdict(c->res, GA_VERDICT_SKIP, d->line, "the "
				"scenario runs behind %s (its proxy line), not "
				"%s", d->name, want);
		return 1;
	}
	name = d->line ? d->name : want;
	if (!name)
		return 0;
	c->proxy = ga_proxy_kind_find(name);
	if (c->proxy)
		return 0;
	/* the parser and --proxy know the same names: a unit test says so */
	ga_case_verdict(c->res, GA_VERDICT_ERROR, d->line, "no proxy named "
			"'%s' in this build", name);
	return 1;
}

int ga_case_start_proxy(struct ga_case *c, struct ga_error *err)
{
	const struct ga_proxy_decl *d = &c->sc->proxy;
	struct ga_proxy_settings s = {
		.client_timeout_ms = d->client_timeout_ms,
		.server_timeout_ms = d->server_timeout_ms,
		.connect_timeout_ms = d->connect_timeout_ms,
	};
	struct ga_proxy_net net = {
		.netns_fd = c->lab.proxy_ns,
		.listen_addr = c->lab.connect_addr,
		.listen_port = GA_SERVER_PORT,
		.server_addr = GA_LAB_SERVER_ADDR,
		.server_port = GA_SERVER_PORT,
	};
	int rc;

	rc = ga_proxy_create(&c->prx, c->proxy, c->dir, &net, &s, err);
	if (rc == GA_PROXY_UNAVAILABLE) {
		c->res->skip = GA_SKIP_PROXY;
		ga_case_verdict(c->res, GA_VERDICT_SKIP, d->line, "%s",
				err->msg);
		return 1;
	}
	if (rc == 0)
		rc = ga_proxy_start(&c->prx, c->r->in, err);
	if (rc)
		return -1;
	snprintf(c->res->proxy_ran, sizeof(c->res->proxy_ran), "%s (%s)",
		 c->prx.version[0] ? c->prx.version : ga_proxy_name(&c->prx),
		 ga_proxy_name(&c->prx));
	return 0;
}
