/* server_nothing.c - a server backend of t0006-recipes with no server:
 * --server nothing makes every case SKIP (kind server), with the reason.
 * It goes in as docs/ARCHITECTURE.md's recipe says: this file and its
 * word in GA_SERVER_BACKENDS. */
#include "server/internal.h"

static int nothing_prepare(struct ga_server_backend *be,
			   struct ga_interrupt *in, struct ga_error *err)
{
	(void)be;
	(void)in;
	ga_error_set(err, "the nothing backend has no server");
	return GA_SERVER_UNAVAILABLE;
}

static int nothing_create(struct ga_server *srv, const struct ga_scenario *sc,
			  struct ga_error *err)
{
	(void)srv;
	(void)sc;
	return ga_error_set(err, "no server");
}

static int nothing_own_netns(const struct ga_server *srv)
{
	(void)srv;
	return -1;
}

static int nothing_spawn(struct ga_server *srv, struct ga_error *err)
{
	(void)srv;
	return ga_error_set(err, "no server");
}

static void nothing_reap(struct ga_server *srv, int *status)
{
	(void)srv;
	*status = -1;
}

static void nothing_doctor(const struct ga_server_options *o, bool as_root,
			   struct ga_checklist *c)
{
	(void)o;
	(void)as_root;
	ga_check_line(c, false, false, "nothing", "%s", "no server, ever "
		      "(t0006-recipes)");
}

const struct ga_server_backend_ops ga_server_nothing = {
	.name = "nothing",
	.prefix = "nothing",
	.usage = "nothing",
	.help = "a backend with no server\n(t0006-recipes)",
	.prepare = nothing_prepare,
	.create = nothing_create,
	.own_netns = nothing_own_netns,
	.spawn = nothing_spawn,
	.reap = nothing_reap,
	.doctor = nothing_doctor,
};
