/* peers.c - see peers.h. */
#include "serve/peers.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lab/sockdiag.h"
#include "serve/address.h"
#include "util/among.h"

/* addr's address and port into id's src (local) or dst (peer). */
static void id_side(struct inet_diag_sockid *id, const struct sockaddr *sa,
		    bool local)
{
	__be32 *addr = local ? id->idiag_src : id->idiag_dst;
	__be16 *port = local ? &id->idiag_sport : &id->idiag_dport;

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in4 = (const struct sockaddr_in *)sa;

		addr[0] = in4->sin_addr.s_addr;
		*port = in4->sin_port;
	} else {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		memcpy(addr, &in6->sin6_addr, sizeof(in6->sin6_addr));
		*port = in6->sin6_port;
	}
}

int ga_sv_peer_uid(int fd, uid_t *uid)
{
	struct sockaddr_storage ours, theirs;
	socklen_t ol = sizeof(ours), tl = sizeof(theirs);
	struct inet_diag_sockid id;
	struct ga_tcp_sock s;
	int nl, rc;

	if (getsockname(fd, (struct sockaddr *)&ours, &ol) != 0 ||
	    getpeername(fd, (struct sockaddr *)&theirs, &tl) != 0)
		return -errno;
	if (ours.ss_family != AF_INET && ours.ss_family != AF_INET6)
		return -EAFNOSUPPORT;
	/* the peer's socket: its local side is our peer, its peer us */
	memset(&id, 0, sizeof(id));
	id_side(&id, (struct sockaddr *)&theirs, true);
	id_side(&id, (struct sockaddr *)&ours, false);
	nl = ga_sockdiag_open();
	if (nl < 0)
		return -errno;
	rc = ga_sockdiag_find(nl, (uint8_t)ours.ss_family, &id, &s);
	close(nl);
	if (rc == 0)
		*uid = s.uid;
	return rc;
}

void *ga_sv_peer_admit(int fd, size_t n, size_t max, size_t size)
{
	void *c = n < max ? calloc(1, size) : NULL;

	if (!c)
		close(fd);
	return c;
}

/* s's local address as Go writes it ("127.0.0.1:631", "[::]:631"). */
static void local_text(const struct ga_tcp_sock *s, char *buf, size_t len)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *in4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = s->family;
	if (s->family == AF_INET) {
		in4->sin_addr.s_addr = s->id.idiag_src[0];
		in4->sin_port = s->id.idiag_sport;
	} else {
		memcpy(&in6->sin6_addr, s->id.idiag_src, sizeof(in6->sin6_addr));
		in6->sin6_port = s->id.idiag_sport;
	}
	ga_sv_addr_text((struct sockaddr *)&ss, buf, len);
}

int ga_sv_port_taken(unsigned port, const ino_t *own, size_t n, char *who,
		     size_t len)
{
	struct ga_tcp_list l = { 0 };
	int nl, rc;
	size_t i;

	nl = ga_sockdiag_open();
	if (nl < 0)
		return -errno;
	rc = ga_sockdiag_dump(nl, &l);
	close(nl);
	for (i = 0; rc == 0 && i < l.n; i++) {
		const struct ga_tcp_sock *s = &l.items[i];

		if (s->state != TCP_LISTEN || ntohs(s->id.idiag_sport) != port ||
		    ga_among(&s->ino, own, n, sizeof(*own)))
			continue;
		local_text(s, who, len);
		rc = 1;
	}
	ga_tcp_list_free(&l);
	return rc;
}
