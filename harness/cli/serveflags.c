/* serveflags.c - see cli/internal.h: toxiproxy-server's flags (its
 * cmd/server/server.go: -host, -port, -config, -seed, -version,
 * -proxy-metrics, -runtime-metrics, -help) as goneaway serve's options,
 * read as Go's flag package reads them - one dash or two, "-flag value"
 * or "-flag=value", a bool as "-flag=BOOL" too - so that a start script
 * of toxiproxy-server's runs goneaway serve with its name changed. */
#include "cli/internal.h"
#include "cli/parseopt.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/escape.h"

/* toxiproxy-server's flags, which Go's flag package takes with one
 * dash or two; the bool ones as -flag=BOOL too. */
static const char *const go_flags[] = {
	"host", "port", "config", "seed", "proxy-metrics", "runtime-metrics",
	"version", "help",
};
#define NGO (sizeof(go_flags) / sizeof(go_flags[0]))
#define NGO_VALUED 4            /* the first four take a value */

/* Go's strconv.ParseBool: 1 true, 0 false, -1 neither. */
static int go_bool(const char *v)
{
	static const char *const yes[] = { "1", "t", "T", "TRUE", "true",
					   "True" };
	static const char *const no[] = { "0", "f", "F", "FALSE", "false",
					  "False" };
	size_t i;

	for (i = 0; i < 6; i++) {
		if (strcmp(v, yes[i]) == 0)
			return 1;
		if (strcmp(v, no[i]) == 0)
			return 0;
	}
	return -1;
}

/* Whether arg, an option ("--env", "-h"), takes the next argument as
 * its value (a row of serve's with an argument, given without "="). */
static bool takes_next(const struct cli_command *cmd, const char *arg)
{
	const struct cli_option *o;

	if (strncmp(arg, "--", 2) != 0 || strchr(arg, '='))
		return false;
	for (o = cmd->options; CLI_OPT_MORE(o); o++)
		if (o->name && o->arg && strcmp(o->name, arg + 2) == 0)
			return true;
	return false;
}

/* go_args of cli_serve_go_args into out (argc + 1 slots; its strings
 * are argv's or b's, b at least argc + the lengths of argv's strings,
 * each with 2 more).  Returns the new argc, or -1 after saying what is
 * wrong. */
static int go_args(const struct cli_command *cmd, int argc, char **argv,
		   char **out, char *b)
{
	const char *arg, *name, *eq;
	int i, n = 0, v;
	size_t k, len;

	for (i = 0; i < argc && (i == 0 || strcmp(argv[i], "--")); i++) {
		arg = out[n++] = argv[i];
		if (i == 0 || arg[0] != '-')
			continue;
		name = arg + 1 + (arg[1] == '-');
		eq = strchr(name, '=');
		len = eq ? (size_t)(eq - name) : strlen(name);
		for (k = 0; k < NGO; k++)
			if (strlen(go_flags[k]) == len &&
			    strncmp(name, go_flags[k], len) == 0)
				break;
		if (k < NGO) {
			sprintf(b, "--%s", name);       /* "-host": "--host" */
			out[n - 1] = b;
			if (k >= NGO_VALUED && eq) {
				v = go_bool(eq + 1);
				if (v < 0) {
					ga_esc_line(stderr, "goneaway serve: "
						    "invalid boolean value "
						    "\"%s\" for -%s", eq + 1,
						    go_flags[k]);
					return -1;
				}
				b[2 + len] = '\0';      /* "--proxy-metrics" */
				n -= !v;                /* =false: as without */
			}
			b += strlen(b) + 1;
			if (k >= NGO_VALUED)
				continue;               /* a bool takes none */
		}
		if (takes_next(cmd, out[n - 1]) && i + 1 < argc)
			out[n++] = argv[++i];
	}
	for (; i < argc; i++)
		out[n++] = argv[i];
	out[n] = NULL;
	return n;
}

int cli_serve_go_args(const struct cli_command *cmd, int argc, char **argv,
		      char ***args, char **buf)
{
	size_t len = 0;
	int i;

	for (i = 0; i < argc; i++)
		len += strlen(argv[i]) + 3;
	*args = calloc((size_t)argc + 1, sizeof(**args));
	*buf = malloc(len + 1);
	if (!*args || !*buf) {
		fprintf(stderr, "goneaway serve: out of memory\n");
		return -1;
	}
	return go_args(cmd, argc, argv, *args, *buf);
}
