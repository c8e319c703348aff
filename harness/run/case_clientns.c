/* case_clientns.c - the client namespace a case's lab is made in, and the
 * driver processes kept in it (docs/driver-protocol.md, "Cases").
 *
 * A runner makes every lab's client side in one namespace it keeps
 * (lab/clientns.h), so that a driver process started in a case can serve
 * the next one: its sockets can only go through the namespace it was
 * started in.  Whenever a lab goes, the namespace is checked as it was
 * made; if it is not, it is given up with every driver living in it,
 * and the next case says so.  --fresh-drivers makes a client namespace
 * per lab, as a run did before drivers were kept.
 */
#include "run/internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

int ga_case_lab_create(struct ga_case *c, int server_ns, struct ga_error *err)
{
	struct ga_runner *r = c->r;
	int client_ns = -1;

	if (!r->opts->fresh_drivers) {
		if (!r->keep_dir[0]) {
			snprintf(r->keep_dir, sizeof(r->keep_dir), "%s/drivers",
				 r->run_dir);
			if (mkdir(r->keep_dir, 0700) != 0 && errno != EEXIST) {
				r->keep_dir[0] = '\0';
				return ga_error_errno(err, errno, "mkdir %s/"
						      "drivers", r->run_dir);
			}
		}
		if (ga_clientns_ensure(&r->clientns, err))
			return -1;
		client_ns = r->clientns.fd;
		r->clientns.labs++;
	}
	return ga_lab_create_sharing(&c->lab, c->tag, client_ns, server_ns,
				     c->proxy != NULL, err);
}

void ga_runner_lab_gone(struct ga_runner *r, const struct ga_lab *lab)
{
	ino_t ino = r->clientns.ino;

	if (!lab->client_kept || r->clientns.fd < 0)
		return;
	if (lab->link_left) {
		snprintf(r->clientns.given_up, sizeof(r->clientns.given_up),
			 "the client namespace kept its lab's link %s",
			 lab->client_if);
		ga_clientns_close(&r->clientns);
	} else if (ga_clientns_check(&r->clientns) == 0) {
		return;
	}
	ga_driver_drop_kept(ino);
}

void ga_case_client_setup(struct ga_case *c)
{
	struct ga_case_result *res = c->res;
	const struct ga_driver_ops *ops;
	size_t i, n = 0, len = sizeof(res->client_setup);
	char what[200];
	bool any = false;

	res->client_setup[0] = '\0';
	for (i = 0; c->clients && i < c->sc->nconnections; i++) {
		ops = c->clients[i].driver->ops;
		if (!ops->setup || !c->clients[i].conn)
			continue;
		ops->setup(c->clients[i].conn, what, sizeof(what));
		n += (size_t)snprintf(res->client_setup + n, len - n, "%s%s: %s",
				      any ? "; " : "",
				      c->sc->connections[i].name, what);
		any = true;
		if (n >= len)
			return;
	}
	if (!any || c->r->opts->fresh_drivers)
		return;
	if (c->r->clientns.labs > 1 || c->reused)
		snprintf(res->client_setup + n, len - n, "; client namespace: "
			 "kept, its lab %u", c->r->clientns.labs);
	else
		snprintf(res->client_setup + n, len - n, "; client namespace: "
			 "new%s%s", c->r->clientns.given_up[0] ?
			 ", the last one was given up: " : "",
			 c->r->clientns.given_up);
}

void ga_runner_clientns_close(struct ga_runner *r)
{
	if (r->clientns.ino)
		ga_driver_drop_kept(r->clientns.ino);
	ga_clientns_close(&r->clientns);
}
