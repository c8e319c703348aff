/* haproxy.c - HAProxy (Debian's "haproxy", 2.6) as the proxy: TCP mode,
 * one frontend where the clients connect, one backend server, no health
 * checks (a check would be a connection the server counts), run in the
 * foreground (-db) so that the process goneaway started is the proxy.
 *
 * The configuration for a scenario with "proxy haproxy client-timeout=2s":
 *
 *     global
 *         log stderr format raw local0 info
 *         maxconn 256
 *         nbthread 1
 *     defaults
 *         mode tcp
 *         log global
 *         option tcplog
 *         timeout connect 5000ms
 *         timeout client 2000ms
 *         timeout server 3600000ms
 *     frontend clients
 *         bind 198.18.0.6:3306
 *         default_backend server
 *     backend server
 *         server db 198.18.0.2:3306
 *
 * In TCP mode a connection on which neither side says anything ends
 * when the first of "timeout client" and "timeout server" runs out: the
 * proxy closes both sides.  SIGTERM is HAProxy's hard stop: it closes
 * every connection and exits at once, logging none of them.  SIGUSR1 is
 * its soft stop: it stops listening and exits when the last connection
 * it relays has ended, each logged.  Its log (one line per connection
 * it relayed, with the time and bytes each way and how it ended) goes
 * to standard error, kept as haproxy.log.
 */
#include "proxy/internal.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#define DEFAULT_CONNECT_MS 5000L
#define DEFAULT_IDLE_MS 3600000L        /* an hour: longer than any scenario */

static long or_default(long ms, long dflt)
{
	return ms > 0 ? ms : dflt;
}

static int haproxy_config(FILE *f, const struct ga_proxy_net *net,
			  const struct ga_proxy_settings *s,
			  struct ga_error *err)
{
	(void)err;
	fprintf(f, "# goneaway: HAProxy between the scenario's clients and "
		"its server\n"
		"global\n"
		"\tlog stderr format raw local0 info\n"
		"\tmaxconn 256\n"
		"\tnbthread 1\n"
		"defaults\n"
		"\tmode tcp\n"
		"\tlog global\n"
		"\toption tcplog\n"
		"\ttimeout connect %ldms\n"
		"\ttimeout client %ldms\n"
		"\ttimeout server %ldms\n"
		"frontend clients\n"
		"\tbind %s:%u\n"
		"\tdefault_backend server\n"
		"backend server\n"
		"\tserver db %s:%u\n",
		or_default(s->connect_timeout_ms, DEFAULT_CONNECT_MS),
		or_default(s->client_timeout_ms, DEFAULT_IDLE_MS),
		or_default(s->server_timeout_ms, DEFAULT_IDLE_MS),
		net->listen_addr, net->listen_port, net->server_addr,
		net->server_port);
	return 0;
}

static void haproxy_command(const struct ga_proxy *px, const char **argv)
{
	argv[0] = px->kind->program;
	argv[1] = "-db";                /* foreground, no daemon, no fork */
	argv[2] = "-f";
	argv[3] = px->cfg;
	argv[4] = NULL;
}

static void haproxy_version_command(const struct ga_proxy_kind *k,
				    const char **argv)
{
	argv[0] = k->program;
	argv[1] = "-v";
	argv[2] = NULL;
}

/* "HAProxy version 2.6.12-1+deb12u4 2025/06/13 - https://..." */
static void haproxy_version_parse(const char *out, char *buf, size_t len)
{
	const char *p = strstr(out, "HAProxy version ");
	size_t n;

	buf[0] = '\0';
	if (!p)
		return;
	p += strlen("HAProxy version ");
	n = strcspn(p, " \n");
	snprintf(buf, len, "HAProxy %.*s", (int)n, p);
}

const struct ga_proxy_kind ga_proxy_haproxy = {
	.name = "haproxy",
	.program = "/usr/sbin/haproxy",
	.install = "apt-get install haproxy",
	.stop_signal = SIGTERM,
	.finish_signal = SIGUSR1,
	.write_config = haproxy_config,
	.command = haproxy_command,
	.version_command = haproxy_version_command,
	.version_parse = haproxy_version_parse,
};
