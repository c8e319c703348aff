/* nullproxy.c - a proxy of t0006-recipes, never installed here (its
 * program is not there: doctor says so, its scenarios SKIP).  It goes
 * in as docs/ARCHITECTURE.md's recipe says: this file and its word in
 * GA_PROXY_KINDS. */
#include "proxy/internal.h"

#include <signal.h>
#include <stdio.h>

static int nullproxy_config(FILE *f, const struct ga_proxy_net *net,
			    const struct ga_proxy_settings *s,
			    const char *root, struct ga_error *err)
{
	(void)s;
	(void)root;
	(void)err;
	fprintf(f, "listen %s:%u\nserver %s:%u\n", net->listen_addr,
		net->listen_port, net->server_addr, net->server_port);
	return 0;
}

static void nullproxy_command(const struct ga_proxy *px, const char **argv)
{
	argv[0] = px->kind->program;
	argv[1] = px->cfg;
	argv[2] = NULL;
}

static void nullproxy_version_command(const struct ga_proxy_kind *k,
				      const char **argv)
{
	argv[0] = k->program;
	argv[1] = "--version";
	argv[2] = NULL;
}

static void nullproxy_version_parse(const char *out, char *buf, size_t len)
{
	snprintf(buf, len, "%.40s", out);
}

const struct ga_proxy_kind ga_proxy_nullproxy = {
	.name = "nullproxy",
	.help = "a proxy that is never there",
	.program = "/nonexistent/nullproxy",
	.install = "nothing installs it",
	.stop_signal = SIGTERM,
	.finish_signal = SIGTERM,
	.write_config = nullproxy_config,
	.command = nullproxy_command,
	.version_command = nullproxy_version_command,
	.version_parse = nullproxy_version_parse,
};
