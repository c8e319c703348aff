/* address.c - see address.h: HOST:PORT as Go splits it; a listen
 * address held to loopback (or any address, for a serve that is no
 * root's), an upstream read as Toxiproxy takes it. */
#include "serve/address.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Go's net.SplitHostPort.  Returns 0, or -1 with msg in Go's words. */
static int split(const char *text, char *host, size_t hlen, char *port,
		 size_t plen, char *msg, size_t len)
{
	const char *colon = strrchr(text, ':'), *h = text;
	size_t n;

	if (!colon) {
		snprintf(msg, len, "address %s: missing port in address", text);
		return -1;
	}
	n = (size_t)(colon - text);
	if (text[0] == '[') {
		const char *close = strchr(text, ']');

		if (!close || close + 1 != colon) {
			snprintf(msg, len, "address %s: %s", text, !close ?
				 "missing ']' in address" :
				 "missing port in address");
			return -1;
		}
		h = text + 1;
		n = (size_t)(close - h);
	} else if (memchr(text, ':', n)) {
		snprintf(msg, len, "address %s: too many colons in address",
			 text);
		return -1;
	}
	if (n >= hlen || strlen(colon + 1) >= plen) {
		snprintf(msg, len, "address %.64s...: too long", text);
		return -1;
	}
	memcpy(host, h, n);
	host[n] = '\0';
	strcpy(port, colon + 1);
	return 0;
}

static int port_of(const char *p, long *out)
{
	char *end;

	if (!*p) {
		*out = 0;
		return 0;
	}
	if (strspn(p, "0123456789") != strlen(p) || strlen(p) > 5)
		return -1;
	*out = strtol(p, &end, 10);
	return *out <= 65535 ? 0 : -1;
}

/* host, an IP address (not a wildcard), into a with port.  Returns
 * 0, 1 for a wildcard, -1 when host is no address (a name). */
static int ip_literal(const char *host, long port, struct ga_sv_addr *a)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)&a->sa;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&a->sa;

	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((unsigned short)port);
		a->len = sizeof(*in4);
		return in4->sin_addr.s_addr == INADDR_ANY;
	}
	if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((unsigned short)port);
		a->len = sizeof(*in6);
		return IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr);
	}
	memset(a, 0, sizeof(*a));
	return -1;
}

/* Whether a holds a loopback address (127.0.0.0/8, ::1). */
static bool loopback(const struct ga_sv_addr *a)
{
	const struct sockaddr_in *in4 = (const struct sockaddr_in *)&a->sa;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&a->sa;

	if (a->sa.ss_family == AF_INET)
		return (ntohl(in4->sin_addr.s_addr) >> 24) == 127;
	return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
}

/* host, a loopback address or name (any address when any), into a
 * (with port).  Returns 0, 1 for a wildcard, -1 when it is neither. */
static int listen_host(const char *host, bool any, long port,
		       struct ga_sv_addr *a)
{
	int rc = 0;

	if (!*host || strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0) {
		rc = 1;
		if (!any)
			host = "127.0.0.1";
		else if (!*host)
			host = "0.0.0.0";
	} else if (strcmp(host, "localhost") == 0) {
		host = "127.0.0.1";
	}
	if (ip_literal(host, port, a) < 0 || (!any && !loopback(a)))
		return -1;
	return rc;
}

int ga_sv_addr_listen(const char *text, bool any, struct ga_sv_addr *a,
		      int *status, char *msg, size_t len)
{
	char host[256], port[16];
	long p;

	*status = 500;
	if (!*text)
		text = ":0";    /* Go listens on any address, a port it picks */
	if (split(text, host, sizeof(host), port, sizeof(port), msg, len))
		return -1;
	if (port_of(port, &p)) {
		snprintf(msg, len, "address %s: invalid port", text);
		return -1;
	}
	if (listen_host(host, any, p, a) < 0) {
		*status = 400;
		if (any)
			snprintf(msg, len, "listen: '%s' is not an address: "
				 "give an IP address (0.0.0.0 for every one) or "
				 "localhost", text);
		else
			snprintf(msg, len, "listen: '%s' is not a loopback "
				 "address: goneaway serve listens on loopback "
				 "only (127.0.0.0/8, ::1 or localhost)", text);
		return -1;
	}
	return 0;
}

int ga_sv_addr_split(const char *text, char *host, size_t hlen, char *port,
		     size_t plen)
{
	char msg[80];
	long p;

	if (split(text, host, hlen, port, plen, msg, sizeof(msg)) ||
	    port_of(port, &p) || p == 0 || !*host)
		return -1;
	return 0;
}

int ga_sv_addr_upstream(const char *text, struct ga_sv_addr *a,
			bool *to_server, char *msg, size_t len)
{
	char host[256], port[16];
	long p;

	*to_server = false;
	if (ga_sv_addr_split(text, host, sizeof(host), port, sizeof(port))) {
		snprintf(msg, len, "upstream: '%s' is not HOST:PORT", text);
		return -1;
	}
	p = strtol(port, NULL, 10);
	if (strcasecmp(host, GA_SV_SERVER_HOST) == 0) {
		if (p != 3306) {
			snprintf(msg, len, "upstream: goneaway's server listens "
				 "on port 3306 (%s:3306), not %ld",
				 GA_SV_SERVER_HOST, p);
			return -1;
		}
		*to_server = true;
		return 0;
	}
	if (ip_literal(host, p, a) > 0) {
		snprintf(msg, len, "upstream: '%s' is a wildcard address, no "
			 "host: give the address or name of one", text);
		return -1;
	}
	return 0;       /* an address, or a name (a's family AF_UNSPEC) */
}

bool ga_sv_addr_is_api(const struct sockaddr *sa, const struct ga_sv_addr *api)
{
	const struct sockaddr_in *in4 = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
	const struct sockaddr_in *api4 = (const struct sockaddr_in *)&api->sa;
	const struct sockaddr_in6 *api6 = (const struct sockaddr_in6 *)&api->sa;

	if (!api->sa.ss_family)
		return false;
	if (sa->sa_family == AF_INET)
		return ntohs(in4->sin_port) == ga_sv_addr_port(api) &&
		       ((ntohl(in4->sin_addr.s_addr) >> 24) == 127 ||
			(api->sa.ss_family == AF_INET &&
			 in4->sin_addr.s_addr == api4->sin_addr.s_addr));
	if (sa->sa_family == AF_INET6)
		return ntohs(in6->sin6_port) == ga_sv_addr_port(api) &&
		       (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr) ||
			IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) ||
			(api->sa.ss_family == AF_INET6 &&
			 memcmp(&in6->sin6_addr, &api6->sin6_addr,
				sizeof(in6->sin6_addr)) == 0));
	return false;
}

unsigned ga_sv_addr_port(const struct ga_sv_addr *a)
{
	if (a->sa.ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)&a->sa)->sin_port);
	if (a->sa.ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)&a->sa)->sin6_port);
	return 0;
}

bool ga_sv_addr_names(const char *host, const struct ga_sv_addr *a)
{
	const struct sockaddr_in *in4 = (const struct sockaddr_in *)&a->sa;
	const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&a->sa;
	const char *colon = strrchr(host, ':'), *close = strchr(host, ']');
	char name[64], port[8];
	struct in6_addr v6;
	struct in_addr v4;
	size_t n;
	long p;

	if (host[0] == '[' && close && close > colon)
		colon = NULL;                   /* "[::1]": no port */
	else if (host[0] != '[' && colon && strchr(host, ':') != colon)
		return false;                   /* an IPv6 address unbracketed */
	n = colon ? (size_t)(colon - host) : strlen(host);
	if (n >= sizeof(name) || (colon && strlen(colon + 1) >= sizeof(port)))
		return false;
	memcpy(name, host, n);
	name[n] = '\0';
	snprintf(port, sizeof(port), "%s", colon ? colon + 1 : "80");
	if (port_of(port, &p) || !*port || (unsigned)p != ga_sv_addr_port(a))
		return false;
	if (strcasecmp(name, "localhost") == 0)
		return true;
	if (a->sa.ss_family == AF_INET)
		return inet_pton(AF_INET, name, &v4) == 1 &&
		       v4.s_addr == in4->sin_addr.s_addr;
	if (name[0] != '[' || name[n - 1] != ']')
		return false;
	name[n - 1] = '\0';
	return inet_pton(AF_INET6, name + 1, &v6) == 1 &&
	       memcmp(&v6, &in6->sin6_addr, sizeof(v6)) == 0;
}

void ga_sv_addr_text(const struct sockaddr *sa, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in4 = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &in4->sin_addr, ip, sizeof(ip));
		snprintf(buf, len, "%s:%u", ip, ntohs(in4->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof(ip));
		snprintf(buf, len, "[%s]:%u", ip, ntohs(in6->sin6_port));
	} else if (len) {
		buf[0] = '\0';
	}
}

void ga_sv_addr_of_fd(int fd, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
		if (len)
			buf[0] = '\0';
		return;
	}
	ga_sv_addr_text((struct sockaddr *)&ss, buf, len);
}
