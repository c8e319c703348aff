/* check.c - "goneaway check [--client NAME]... PATH...": parses scenario
 * files and reports every problem; runs nothing.
 *
 * It also warns (exit status unchanged) about a selector whose
 * client=NAME names no client goneaway knows, since such a line never
 * applies and a typo in it goes unnoticed.  Known are "builtin", every
 * NAME of drivers/drivers.list, such a NAME without its "-VERSION"
 * ("libmysqlclient" for "libmysqlclient-9.7": the name the driver gives
 * itself), the names given with --client (a connector project's own
 * driver, not in the list) and, with --expectations FILE, the file's
 * client (whose lines the file holds: issue 38).
 */
#include "cli/internal.h"
#include "cli/parseopt.h"

#include <ctype.h>
#include <getopt.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plan/driverlist.h"
#include "plan/expectfile.h"
#include "plan/scenarios.h"
#include "util/escape.h"
#include "util/fsutil.h"

/* "builtin", drivers.list's names, then the --client names (own[0..n))
 * and file_client (an expectation file's client; NULL: none).  Returns
 * 0, or -1 after printing why (a list that cannot be read is said once;
 * client names are then not checked: *checked is false). */
static int known_build(struct ga_names *k, const char **own, size_t nown,
		       const char *file_client, bool *checked)
{
	struct ga_error err;
	size_t i;
	int rc;

	*checked = false;
	rc = ga_names_add(k, "builtin", strlen("builtin"));
	if (rc == 0 && ga_names_read_drivers(k, &err)) {
		ga_esc_line(stderr, "goneaway check: warning: client names "
			    "are not checked: %s", err.msg);
		return 0;
	}
	for (i = 0; i < nown && rc == 0; i++)
		rc = ga_names_add(k, own[i], strlen(own[i]));
	if (rc == 0 && file_client && file_client[0])
		rc = ga_names_add(k, file_client, strlen(file_client));
	if (rc == 0)
		rc = ga_names_join(k);
	if (rc) {
		fprintf(stderr, "goneaway: out of memory\n");
		return -1;
	}
	*checked = true;
	return 0;
}

/* Warns when sel's client=NAME is not known.  Returns 1 for a warning,
 * else 0. */
static size_t warn_client(const char *path, const struct ga_selector *sel,
			  const struct ga_names *k)
{
	if (!sel->client[0] || ga_names_has(k, sel->client, strlen(sel->client)))
		return 0;
	ga_esc_line(stderr, "%s:%d:%d: warning: client '%s' is no driver in "
		    "drivers/drivers.list (known: %s); pass --client %s to "
		    "check if it is your own driver's name", path,
		    sel->client_line, sel->client_col, sel->client, k->text,
		    sel->client);
	return 1;
}

/* The warnings of every scenario that parsed (scs[i] NULL: it did not),
 * in line order.  Returns how many. */
static size_t warn_unknown_clients(struct ga_scenario **scs, size_t n,
				   const struct ga_names *k)
{
	const struct ga_scenario *sc;
	const struct ga_step *st;
	size_t i, j, s, warned = 0;

	for (i = 0; scs && i < n; i++) {
		sc = scs[i];
		if (!sc)
			continue;
		if (sc->requires_text)
			warned += warn_client(sc->path, &sc->requires_selector,
					      k);
		for (s = 0; s < sc->nconnections; s++)
			for (j = 0; j < sc->connections[s].ndriver_options;
			     j++)
				warned += warn_client(sc->path,
					&sc->connections[s].driver_options[j].selector,
					k);
		for (s = 0; s < sc->nconnections; s++)
			for (j = 0; j < sc->connections[s].nkeepalives; j++)
				warned += warn_client(sc->path,
					&sc->connections[s].keepalives[j].selector,
					k);
		for (s = 0; s < sc->nsteps; s++) {
			st = &sc->steps[s];
			for (j = 0; j < st->nexpects; j++)
				warned += warn_client(sc->path,
						      &st->expects[j].selector,
						      k);
		}
	}
	return warned;
}

/* A draft's placeholders: fine to check, but they check nothing until
 * recorded.  Returns how many warnings. */
static size_t warn_placeholders(struct ga_scenario **scs, size_t n)
{
	const struct ga_step *st;
	size_t i, s, j, warned = 0;

	for (i = 0; scs && i < n; i++)
		for (s = 0; scs[i] && s < scs[i]->nsteps; s++) {
			st = &scs[i]->steps[s];
			for (j = 0; j < st->nexpects; j++) {
				if (!st->expects[j].set.any)
					continue;
				ga_esc_line(stderr, "%s:%d: warning: 'expect any' "
					    "is a draft's placeholder, which "
					    "checks nothing: goneaway run "
					    "--record writes what happens in "
					    "its place", scs[i]->path,
					    st->expects[j].line);
				warned++;
			}
		}
	return warned;
}

/* What check's options say: own[0..nown) the --client names (argv's;
 * own has room for one per word of argv), --expectations FILE. */
struct check_args {
	const char **own;
	size_t nown;
	const char *expectations;
};

/* --client NAME: one name more. */
static int own_name(const struct cli_take *t)
{
	struct check_args *a = t->field;

	a->own[a->nown++] = t->arg;
	return 0;
}

/* check's options (cli/parseopt.h); --help is run's (cli_usage), which
 * says them in check's words. */
static const struct cli_option check_options[] = {
	CLI_HELP_ROWS("0.2.0", "every option"),
	{ .name = "client", .arg = "NAME", .kind = CLI_OPT_CALL, .at = 0,
	  .call = own_name,
	  .since = "0.2.0",
	  .doc = "a driver's name selectors may use, repeatable" },
	{ .name = "expectations", .arg = "FILE", .kind = CLI_OPT_STRING,
	  .at = offsetof(struct check_args, expectations),
	  .since = "0.2.0",
	  .doc = "also check a connector's expectation file" },
	CLI_OPTIONS_END,
};

const struct cli_command cli_check = {
	.name = "check", .who = "goneaway check", .options = check_options,
	.usage = cli_usage,
	.operands = "usage: goneaway check [--client NAME]... PATH...\n"
		    "       goneaway check --expectations FILE "
		    "[--client NAME]... PATH...",
};

/* --expectations FILE (read already): fit to the scenarios (every line
 * names a step there); warns about the steps it has no line for.
 * Returns 0, or -1 (printed). */
static int check_expectations(struct ga_expect_file *ce, const char *path,
			      struct ga_scenario **scs, size_t n,
			      size_t *nwarn)
{
	if (ga_expect_file_apply(ce, scs, n))
		return -1;
	if (ga_expect_file_missing(ce, scs, n, true))
		(*nwarn)++;
	if (ce->unused) {
		ga_esc_line(stderr, "%s: warning: %zu line%s name%s "
			    "scenarios not given here", path, ce->unused,
			    ce->unused == 1 ? "" : "s",
			    ce->unused == 1 ? "s" : "");
		(*nwarn)++;
	}
	ga_esc_line(stdout, "%s: %zu line%s OK (client %s)", path, ce->x.n,
		    ce->x.n == 1 ? "" : "s", ce->x.client);
	return 0;
}

int cmd_check(int argc, char **argv)
{
	struct check_args a = { 0 };
	struct ga_expect_file ce = { 0 };
	struct ga_path_list paths = { 0 };
	struct ga_scenario **scs = NULL;
	struct ga_names known = { 0 };
	size_t nwarn = 0;
	bool checked;
	int code = EXIT_USAGE, parsed, rc;

	a.own = calloc((size_t)argc + 1, sizeof(*a.own));
	if (!a.own) {
		fprintf(stderr, "goneaway: out of memory\n");
		return EXIT_USAGE;
	}
	rc = cli_parse(&cli_check, argc, argv, &a);
	if (rc > 0)
		code = EXIT_ALL_PASSED;
	if (rc || ga_collect_paths(argv + optind, argc - optind, &paths))
		goto out;
	parsed = ga_parse_all(&paths, &scs);
	/* the file first: its client is a name the scenarios may use */
	if (parsed == 0 && a.expectations &&
	    ga_expect_file_load(&ce, a.expectations, false))
		goto out;
	if (known_build(&known, a.own, a.nown, parsed == 0 && a.expectations ?
			ce.x.client : NULL, &checked))
		goto out;
	if (checked)
		nwarn = warn_unknown_clients(scs, paths.n, &known);
	nwarn += warn_placeholders(scs, paths.n);
	if (parsed == 0 && a.expectations &&
	    check_expectations(&ce, a.expectations, scs, paths.n, &nwarn))
		goto out;
	if (parsed == 0) {
		printf("%zu scenario file%s OK", paths.n,
		       paths.n == 1 ? "" : "s");
		if (nwarn)
			printf(" (%zu warning%s)", nwarn,
			       nwarn == 1 ? "" : "s");
		printf("\n");
		code = EXIT_ALL_PASSED;
	}
out:
	ga_names_free(&known);
	ga_scenarios_free(scs, paths.n);
	ga_expect_file_free(&ce);     /* the scenarios named its path */
	ga_path_list_free(&paths);
	free(a.own);
	return code;
}
