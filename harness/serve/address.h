/* address.h - the addresses goneaway serve takes: where the API and the
 * proxies listen (loopback only, as root) and where a proxy's upstream is
 * (goneaway's server, or any HOST:PORT, an address or a name, as
 * Toxiproxy takes it).  Nothing here resolves a name: a listen
 * address's "localhost" is 127.0.0.1, and an upstream's name is
 * resolved at each connection by the dialer (serve/dialer.h), as the
 * API's owner.
 *
 * Pure but for the text of a bound socket (ga_sv_addr_of_fd).
 */
#ifndef GA_SERVE_ADDRESS_H
#define GA_SERVE_ADDRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

struct ga_sv_addr {
	struct sockaddr_storage sa;
	socklen_t len;
};

/* The upstream that names goneaway's server (GONEAWAY_UPSTREAM). */
#define GA_SV_SERVER_HOST "goneaway"

/* A listen address, "HOST:PORT" (Go's net.SplitHostPort: "[::1]:80"
 * for IPv6): HOST is a loopback address (127.0.0.0/8, ::1), localhost,
 * or empty or a wildcard (0.0.0.0, ::), which goneaway takes as
 * 127.0.0.1; PORT 0 to 65535 (0: the kernel picks).  With any (a
 * serve that is not root's: goneaway serve --no-server), HOST may be
 * any IP address, and a wildcard is the wildcard (empty: 0.0.0.0), as
 * Toxiproxy listens.  Returns 0, or -1 with msg and *status set: 500
 * and Go's words for what Go itself could not read ("address bad:
 * missing port in address"), 400 for an address that is not loopback
 * (not an address, with any). */
int ga_sv_addr_listen(const char *text, bool any, struct ga_sv_addr *a,
		      int *status, char *msg, size_t len);

/* An upstream: "goneaway:3306" (the name in any case: *to_server set;
 * a is left as it is), or HOST:PORT with PORT 1 to 65535 and HOST an IP
 * address (into a; not a wildcard) or a name (a's family is then
 * AF_UNSPEC: the name is resolved at each connection).  Returns 0, or
 * -1 with msg set. */
int ga_sv_addr_upstream(const char *text, struct ga_sv_addr *a,
			bool *to_server, char *msg, size_t len);

/* text, "HOST:PORT" as Go splits it, into host and port: HOST not
 * empty, PORT 1 to 65535.  Returns 0, or -1 when it is not that. */
int ga_sv_addr_split(const char *text, char *host, size_t hlen, char *port,
		     size_t plen);

/* Whether a connection to sa could reach the API listening at api: its
 * port, on a loopback address (an IPv4-mapped one too) or the API's
 * own.  A proxy never leads there: the relay's sockets are its owner's,
 * whom the API answers. */
bool ga_sv_addr_is_api(const struct sockaddr *sa,
		       const struct ga_sv_addr *api);

/* Whether host, an HTTP Host header ("127.0.0.1:8474", "[::1]:8474",
 * "localhost:8474", "localhost" for port 80), names a: its address as
 * written (or localhost, in any case) and its port.  A name that only
 * resolves to it (a DNS rebinding's) does not. */
bool ga_sv_addr_names(const char *host, const struct ga_sv_addr *a);

/* The port of a (0 for an address of no known family). */
unsigned ga_sv_addr_port(const struct ga_sv_addr *a);

/* "127.0.0.1:5555" or "[::1]:5555", as Go writes a TCP address. */
void ga_sv_addr_text(const struct sockaddr *sa, char *buf, size_t len);

/* The text of the address fd is bound to; "" when it has none. */
void ga_sv_addr_of_fd(int fd, char *buf, size_t len);

#endif
