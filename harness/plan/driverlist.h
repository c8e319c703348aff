/* driverlist.h - drivers/drivers.list, the table of the client drivers
 * "goneaway run --client NAME" knows by name (plan/driverlist.c): each
 * line a NAME and the command that starts it. */
#ifndef GA_PLAN_DRIVERS_H
#define GA_PLAN_DRIVERS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"
#include "util/interrupt.h"

/* The command of driver name in drivers/drivers.list ("name command
 * args" lines) as its words, its file words made absolute (a path may
 * hold a blank: the words are never joined): argv[0..n) point into buf
 * (len bytes, the caller's), argv[n] is NULL, max counts argv's room.
 * "NAME@VERSION" is NAME's command with "--connector-version VERSION"
 * after it: the driver loads that version of its connector
 * (drivers/node: install-version.sh), or greets with its own version,
 * which the run refuses.  Returns n, or -1 with err set. */
int ga_find_driver(const char *name, char *buf, size_t len, char **argv,
		   size_t max, struct ga_error *err);

struct ga_driver;

/* Opens client spec into drv: "builtin", a NAME (or NAME@VERSION) of
 * drivers/drivers.list, or "cmd:COMMAND ARGS..." (split at blanks); a
 * driver process is started once and greets (docs/driver-protocol.md),
 * which is its own word that its runtime and connector are here.
 * Returns 0 (release drv with ga_driver_release), or -1 with err
 * saying why (the driver's own stderr among it). */
int ga_client_open(const char *spec, struct ga_driver *drv,
		   struct ga_interrupt *in, struct ga_error *err);

/* Client names, each once, in the order added. */
struct ga_names {
	char **names;           /* owned strings */
	size_t n;
	char *text;             /* owned, after ga_names_join: "a, b, c" */
};

void ga_names_free(struct ga_names *k);
bool ga_names_has(const struct ga_names *k, const char *name, size_t len);
/* Adds name[0..len) unless it is there.  Returns 0, or -1 out of memory. */
int ga_names_add(struct ga_names *k, const char *name, size_t len);
/* k->text: the names joined by ", ".  Returns 0, or -1 out of memory. */
int ga_names_join(struct ga_names *k);
/* Adds every NAME of drivers/drivers.list (the one run --client reads),
 * with and without its -VERSION ("libmysqlclient-9.7" and
 * "libmysqlclient").  Returns 0, or -1 with err set. */
int ga_names_read_drivers(struct ga_names *k, struct ga_error *err);
/* Every NAME of drivers/drivers.list, in its order, added to k.
 * Returns 0, or -1 with err set. */
int ga_names_read_list(struct ga_names *k, struct ga_error *err);


/* True when name is "builtin", a NAME of drivers/drivers.list or such a
 * NAME without its "-VERSION": selectors written for that driver apply
 * to a client of this name. */
bool ga_driver_name_listed(const char *name);

#endif
