/* cnf.c - the scenario's my.cnf, as every backend writes it (see
 * ga_server_write_cnf in server/internal.h). */
#include "server/internal.h"

#include <errno.h>
#include <stdio.h>

#include "lab/lab.h"

int ga_server_write_cnf(const struct ga_server *srv, const char *fixture,
			const char *inside, const char *extra,
			const struct ga_scenario *sc, struct ga_error *err)
{
	FILE *f;
	size_t i;

	f = fopen(srv->cnf, "we");
	if (!f)
		return ga_error_errno(err, errno, "create %s", srv->cnf);
	fprintf(f, "# Written by goneaway for %s\n", sc->path);
	fputs(fixture, f);
	fprintf(f, "\n[mysqld]\n"
		"# the scenario's private paths\n"
		"datadir=%s/data\nsocket=%s/s.sock\nlog-error=%s/error.log\n"
		"pid-file=%s/server.pid\nbind-address=%s\nport=%d\n",
		inside, inside, inside, inside, GA_LAB_SERVER_ADDR,
		GA_SERVER_PORT);
	if (extra)
		fputs(extra, f);
	if (sc->noptions)
		fprintf(f, "# server-option lines of %s\n", sc->path);
	for (i = 0; i < sc->noptions; i++) {
		const struct ga_server_option *o = &sc->options[i];

		if (o->value)
			fprintf(f, "%s=%s\n", o->name, o->value);
		else
			fprintf(f, "%s\n", o->name);
	}
	if (fclose(f) != 0)
		return ga_error_errno(err, errno, "write %s", srv->cnf);
	return 0;
}
