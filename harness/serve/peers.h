/* peers.h - who is on the other side of goneaway serve's sockets, as
 * the kernel's sock_diag says (lab/sockdiag.h), in the calling thread's
 * network namespace (the host's, where the API and the proxies listen):
 *
 *   - the uid of the socket at the other end of an API connection: the
 *     API listens on loopback, so its peer is a socket of this machine,
 *     and its owner is whoever made it (serve/api.h, ga_api_gate, answers
 *     the owner of goneaway serve and root);
 *   - whether another program listens on a port, on any address of
 *     either family, so that a proxy never listens beside it (a proxy
 *     on [::1]:631 beside a service on 127.0.0.1:631 would take the
 *     clients that try IPv6 first).
 *
 * Each call opens its own sock_diag socket and closes it: no state.
 */
#ifndef GA_SERVE_PEERS_H
#define GA_SERVE_PEERS_H

#include <stddef.h>
#include <sys/types.h>

/* The struct (size bytes, zeroed) of a connection just accepted on
 * fd, the next of n kept at most max: NULL, and fd closed, when max are
 * kept already (too many: a close, never a hang) or memory is out. */
void *ga_sv_peer_admit(int fd, size_t n, size_t max, size_t size);

/* The uid of the socket connected to fd (a TCP socket over IPv4 or
 * IPv6).  Returns 0, or a negative errno (-ENOENT: the peer is gone). */
int ga_sv_peer_uid(int fd, uid_t *uid);

/* Whether a socket listens on TCP port (any address, IPv4 or IPv6)
 * that is not one of own[0..n) (inodes of this process's sockets).
 * Returns 1 with who set to its address ("127.0.0.1:631"), 0 when none
 * does, or a negative errno. */
int ga_sv_port_taken(unsigned port, const ino_t *own, size_t n, char *who,
		     size_t len);

#endif
