/* clients.c - the clients of a run: each --client opened (the built-in
 * driver, a driver of drivers/drivers.list, or cmd:COMMAND), and the
 * one --expectations FILE is for. */
#include "plan/internal.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/driverlist.h"
#include "plan/paths.h"
#include "util/escape.h"
#include "util/trustdir.h"

/* A cmd: driver that greets with a shipped driver's name is held to that
 * driver's [client=NAME] lines: say so, it is rarely meant. */
static void warn_taken_name(const char *client, const struct ga_driver *drv)
{
	if (!ga_driver_name_listed(drv->name))
		return;
	ga_esc_line(stderr, "goneaway: warning: --client %s: the driver "
		    "calls itself '%s', the name of a shipped client "
		    "(drivers/drivers.list), so that client's "
		    "[client=%s] expect lines apply to it; give it its own "
		    "name (the greeting's \"driver\") unless it is that "
		    "connector", client, drv->name, drv->name);
}

int ga_client_open(const char *client, struct ga_driver *drv,
		   struct ga_interrupt *in, struct ga_error *err)
{
	char *argv[32];
	char line[4096], *save = NULL, *w;
	int n = 0;

	if (strcmp(client, "builtin") == 0) {
		ga_driver_builtin(drv);
		return 0;
	}
	if (strncmp(client, "cmd:", 4) == 0) {
		struct ga_error ignored;

		/* a cmd: driver may use the shipped drivers' files (a
		 * wrapper of one, their modules): reached as for a name of
		 * drivers.list, even below root's 0700 home */
		if (ga_find_share_dir("drivers", line, sizeof(line),
				      &ignored) == 0 &&
		    ga_driver_reach(line, err))
			return -1;
		snprintf(line, sizeof(line), "%s", client + 4);
		for (w = strtok_r(line, " \t", &save); w && n < 31;
		     w = strtok_r(NULL, " \t", &save))
			argv[n++] = w;
		argv[n] = NULL;
	} else if (ga_find_driver(client, line, sizeof(line), argv, 32,
				  err) < 0) {
		return -1;
	}
	if (ga_driver_process(drv, argv, in, err))
		return -1;
	if (strncmp(client, "cmd:", 4) != 0)
		snprintf(drv->alias, sizeof(drv->alias), "%s", client);
	if (strncmp(client, "cmd:", 4) != 0 && strchr(client, '@') &&
	    strcmp(strchr(client, '@') + 1, drv->version_text) != 0) {
		ga_error_set(err, "the driver greets with %s (version %s), not "
			     "%s: it cannot run another version of its "
			     "connector (README, \"Choosing a connector's "
			     "version\")", drv->library, drv->version_text[0] ?
			     drv->version_text : "unknown",
			     strchr(client, '@') + 1);
		ga_driver_release(drv);
		return -1;
	}
	return 0;
}

/* One --client, said when it cannot be opened. */
static int open_client(const char *client, struct ga_driver *drv,
		       struct ga_interrupt *in)
{
	struct ga_error err;

	if (ga_client_open(client, drv, in, &err)) {
		ga_esc_line(stderr, "goneaway: --client %s: %s", client, err.msg);
		return -1;
	}
	if (strncmp(client, "cmd:", 4) == 0)
		warn_taken_name(client, drv);
	return 0;
}

void ga_drivers_cache_use(const char *cache)
{
	char dir[PATH_MAX + 16], py[PATH_MAX + 32];
	struct ga_error err;

	if (!cache || !cache[0])
		return;         /* none could be made (plan.c: check_dirs) */
	snprintf(dir, sizeof(dir), "%s/drivers", cache);
	if (ga_trustdir_mkdirs(dir, &err)) {
		ga_esc_line(stderr, "goneaway: warning: %s: drivers start "
			    "without their cache", err.msg);
		return;
	}
	snprintf(py, sizeof(py), "%s/python", dir);
	setenv("GONEAWAY_DRIVER_CACHE", dir, 1);
	/* with a prefix, Python reads no __pycache__ beside a module (not
	 * Debian's compiled standard library either): its probe writes
	 * there (client/confine.c), or every start compiles every module
	 * it imports */
	setenv("PYTHONPYCACHEPREFIX", py, 1);
	unsetenv("PYTHONDONTWRITEBYTECODE");
}

int ga_plan_open_clients(struct ga_plan *p, struct ga_interrupt *in)
{
	size_t i;

	ga_drivers_cache_use(p->cache);
	/* --expectations FILE: its driver is the client when no --client
	 * is given */
	if (p->expectations && !p->clients_given && p->ce.exists &&
	    p->ce.x.driver) {
		p->clients[0] = p->ce.x.driver;
		p->nclients = 1;
	}
	for (i = 0; i < p->nclients; i++)
		if (open_client(p->clients[i], &p->drivers[i], in))
			return -1;
	return 0;
}

int ga_plan_check_expectations(struct ga_plan *p)
{
	struct ga_expect_file *ce = &p->ce;
	size_t i;

	if (!p->expectations)
		return 0;
	if (!ce->exists) {
		if (p->nclients != 1) {
			ga_esc_line(stderr, "goneaway: --expectations %s: a "
				    "new expectation file is one client's: "
				    "give one --client", ce->path);
			return -1;
		}
		ce->x.client = strdup(p->drivers[0].name);
		ce->x.driver = strdup(p->clients[0]);
		if (!ce->x.client || !ce->x.driver) {
			fprintf(stderr, "goneaway: out of memory\n");
			return -1;
		}
		return 0;
	}
	for (i = 0; i < p->nclients; i++)
		if (strcmp(p->drivers[i].name, ce->x.client) == 0 ||
		    strcmp(p->drivers[i].alias, ce->x.client) == 0)
			return 0;
	ga_esc_line(stderr, "goneaway: --expectations %s: the file is "
		    "client %s's (line %d), and no --client greets as it "
		    "(%s calls itself '%s')", ce->path, ce->x.client,
		    ce->x.client_line, p->clients[0], p->drivers[0].name);
	return -1;
}
