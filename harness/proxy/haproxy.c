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
 *         user nobody
 *         group nogroup
 *         chroot DIR/haproxy.root
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
 *
 * It starts as root, binds, then chroots into DIR/haproxy.root (empty,
 * root's, mode 0555) and takes nobody's and nogroup's ids: the process
 * that relays the lab's traffic holds no privilege and sees no file.  Its
 * log is the standard error it was started with, open before the
 * chroot; the port (the server's, 3306) is bound before it gives up
 * root anyway.
 */
#include "proxy/internal.h"

#include <ctype.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#define DEFAULT_CONNECT_MS 5000L
#define DEFAULT_IDLE_MS 3600000L        /* an hour: longer than any scenario */

static long or_default(long ms, long dflt)
{
	return ms > 0 ? ms : dflt;
}

/* Whether HAProxy's configuration can take path as a bare word: no
 * blank, quote, '#', '$' or backslash it would read otherwise. */
static bool plain_path(const char *path)
{
	const char *p;

	if (path[0] != '/')
		return false;
	for (p = path; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("/._+-", *p))
			return false;
	return true;
}

static int haproxy_config(FILE *f, const struct ga_proxy_net *net,
			  const struct ga_proxy_settings *s,
			  const char *root, struct ga_error *err)
{
	if (!plain_path(root))
		return ga_error_set(err, "haproxy: the directory %s holds a "
				    "character its configuration cannot take "
				    "as a path (letters, digits and /._+- "
				    "only; set TMPDIR or -o elsewhere)", root);
	fprintf(f, "# goneaway: HAProxy between the scenario's clients and "
		"its server\n"
		"global\n"
		"\tlog stderr format raw local0 info\n"
		"\tmaxconn 256\n"
		"\tnbthread 1\n"
		"\tuser nobody\n"
		"\tgroup nogroup\n"
		"\tchroot %s\n"
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
		root, or_default(s->connect_timeout_ms, DEFAULT_CONNECT_MS),
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
	.help = "HAProxy in TCP mode, in a namespace of its own",
	.program = "/usr/sbin/haproxy",
	.install = "apt-get install haproxy",
	.stop_signal = SIGTERM,
	.finish_signal = SIGUSR1,
	.write_config = haproxy_config,
	.command = haproxy_command,
	.version_command = haproxy_version_command,
	.version_parse = haproxy_version_parse,
};
