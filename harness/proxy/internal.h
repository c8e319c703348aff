/* internal.h - what the proxy floor's files share (proxy/ only): a kind
 * of proxy, as proxy.c drives it. */
#ifndef GA_PROXY_INTERNAL_H
#define GA_PROXY_INTERNAL_H

#include <stdio.h>

#include "proxy/proxy.h"

#define GA_PROXY_ARGV_MAX 8

struct ga_proxy_kind {
	const char *name;               /* "haproxy": --proxy and the file,
					 * its row's word */
	const char *help;               /* what --help says it is ("HAProxy
					 * in TCP mode, ...") */
	const char *program;            /* "/usr/sbin/haproxy" */
	const char *install;            /* what provides it ("apt-get
					 * install haproxy") */
	int stop_signal;                /* ends it at once, closing every
					 * connection it relays */
	int finish_signal;              /* ends it once the connections it
					 * relays have ended, each logged */
	/* Writes the configuration for net and s to f, with root the
	 * empty directory it must chroot into once it has bound, as it
	 * gives up root for nobody.  Returns 0, or -1 (err set). */
	int (*write_config)(FILE *f, const struct ga_proxy_net *net,
			    const struct ga_proxy_settings *s,
			    const char *root, struct ga_error *err);
	/* Fills argv (at most GA_PROXY_ARGV_MAX - 1 words and a NULL) to
	 * run it in the foreground with px->cfg; the strings live in px or
	 * are static. */
	void (*command)(const struct ga_proxy *px, const char **argv);
	/* Fills argv to print its version, and reads that output into buf
	 * ("HAProxy 2.6.12-1+deb12u4"); "" when it cannot be read. */
	void (*version_command)(const struct ga_proxy_kind *k,
				const char **argv);
	void (*version_parse)(const char *out, char *buf, size_t len);
};

/* The kinds, one row each: ga_proxy_NAME, defined in proxy/NAME.c, is
 * the proxy NAME of --proxy and of "proxy" lines. */
#define GA_PROXY_KINDS(X) X(haproxy)

#define GA_PROXY_DECLARE(name) extern const struct ga_proxy_kind ga_proxy_##name;
GA_PROXY_KINDS(GA_PROXY_DECLARE)
#undef GA_PROXY_DECLARE

#endif
