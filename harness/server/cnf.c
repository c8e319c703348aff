/* cnf.c - the scenario's my.cnf, as every backend writes it (see
 * ga_server_write_cnf in server/internal.h). */
#include "server/internal.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>

#include "lab/lab.h"

/* Whether a connection of sc declares tls=required over TCP: the runner
 * then checks each of its sessions from the server side (run/steps.c,
 * tls_check), through the Connect lines of the general log. */
static bool checks_tls(const struct ga_scenario *sc)
{
	size_t i;

	for (i = 0; i < sc->nconnections; i++)
		if (sc->connections[i].tls == GA_TLS_REQUIRED &&
		    sc->connections[i].transport == GA_TRANSPORT_TCP)
			return true;
	return false;
}

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
	if (checks_tls(sc))
		fputs("# tls=required connections: the server's log of each "
		      "login says\n# whether it came over TLS (\"using "
		      "SSL/TLS\"), read by thread id\n"
		      "general_log=ON\nlog_output=TABLE\n", f);
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
