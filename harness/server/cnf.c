/* cnf.c - the scenario's my.cnf, as every backend writes it (see
 * ga_server_write_cnf in server/internal.h). */
#include "server/internal.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "lab/lab.h"
#include "util/fsutil.h"

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

/* Whether a and b (each up to its end or '=') name one option: MySQL and
 * MariaDB take '-' and '_' alike in option names. */
static bool same_option(const char *a, size_t alen, const char *b,
			size_t blen)
{
	size_t i;

	if (alen != blen)
		return false;
	for (i = 0; i < alen; i++) {
		char x = a[i] == '_' ? '-' : a[i];
		char y = b[i] == '_' ? '-' : b[i];

		if (x != y)
			return false;
	}
	return true;
}

/* The scenario's server-option line that names the option of the
 * fixture's line (start, len bytes), or NULL. */
static const struct ga_server_option *replaced_by(const struct ga_scenario *sc,
						  const char *line, size_t len)
{
	size_t i, n = strspn(line, " \t"), name;

	line += n;
	len -= n;
	name = strcspn(line, "= \t\r#");
	if (name > len)
		name = len;
	for (i = 0; name && i < sc->noptions; i++)
		if (same_option(line, name, sc->options[i].name,
				strlen(sc->options[i].name)))
			return &sc->options[i];
	return NULL;
}

/* The fixture, but a line of an option that a server-option line of sc
 * names again is left out (commented): the scenario's value wins even
 * where a server would keep something of the first line (MySQL 9.7
 * stays at skip-name-resolve after skip-name-resolve=OFF, though
 * @@skip_name_resolve then says 0). */
static void put_fixture(FILE *f, const char *fixture,
			const struct ga_scenario *sc)
{
	const struct ga_server_option *o;
	const char *p = fixture, *nl;
	size_t len;

	while (*p) {
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		o = p[0] != '#' && p[0] != '[' ? replaced_by(sc, p, len) : NULL;
		if (o)
			fprintf(f, "# %.*s: the server-option line %d of the "
				"scenario instead\n", (int)len, p, o->line);
		else
			fprintf(f, "%.*s\n", (int)len, p);
		if (!nl)
			break;
		p = nl + 1;
	}
}

int ga_server_write_cnf(const struct ga_server *srv, const char *fixture,
			const char *inside, const char *extra,
			const struct ga_scenario *sc, struct ga_error *err)
{
	FILE *f;
	size_t i;

	if (srv->dir[0] != '/')
		return ga_error_set(err, "writing my.cnf: the server has no "
				    "private directory");
	f = fopen(srv->cnf, "we");
	if (!f)
		return ga_error_errno(err, errno, "create %s", srv->cnf);
	fprintf(f, "# Written by goneaway for %s\n", sc->path);
	put_fixture(f, fixture, sc);
	fprintf(f, "\n[mysqld]\n"
		"# the scenario's private paths\n"
		"datadir=%s/data\nsocket=%s/" GA_SERVER_RUN_DIR "/s.sock\n"
		"log-error=%s/error.log\n"
		"pid-file=%s/" GA_SERVER_RUN_DIR "/server.pid\n"
		"bind-address=%s\nport=%d\n"
		"tmpdir=%s/" GA_SERVER_TMP_DIR "\n"
		"# files through SQL: only here\n"
		"secure_file_priv=%s/" GA_SERVER_FILES_DIR "\n"
		"# the lab's certificate (ga_server_copy_tls), for the "
		"connections\n# that ask for TLS; MariaDB 11.4 and later "
		"would make one at every start\n"
		"ssl_cert=%s/server-cert.pem\nssl_key=%s/server-key.pem\n",
		inside, inside, inside, inside, GA_LAB_SERVER_ADDR,
		GA_SERVER_PORT, inside, inside, inside, inside);
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

int ga_server_copy_tls(const struct ga_server *srv, struct ga_error *err)
{
	static const char *const files[] = { "server-cert.pem",
					      "server-key.pem" };
	char src[PATH_MAX], dst[PATH_MAX];
	size_t i;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (snprintf(src, sizeof(src), "%s/%s", srv->be->tls_dir,
			     files[i]) >= (int)sizeof(src) ||
		    snprintf(dst, sizeof(dst), "%s/%s", srv->dir, files[i]) >=
		    (int)sizeof(dst))
			return ga_error_set(err, "path too long: %s", srv->dir);
		if (ga_file_copy(src, dst, err))
			return -1;
	}
	return 0;
}
