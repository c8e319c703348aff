/* sockdiag.c - see sockdiag.h */
#include "lab/sockdiag.h"

#include <errno.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/grow.h"

/* Every state but TCP_BOUND_INACTIVE (Linux 6.8): a socket bound and
 * neither connecting nor listening, which no call of a client makes
 * and which the kernel finds only by walking its bind table, the
 * host's whole, for every dump (0.25 ms of a dump's 0.27 here). */
#define TCP_BOUND_INACTIVE_STATE 13
#define DUMP_STATES (~(1u << TCP_BOUND_INACTIVE_STATE))

static void sock_of(struct ga_tcp_sock *s, const struct inet_diag_msg *m)
{
	s->ino = m->idiag_inode;
	s->uid = m->idiag_uid;
	s->family = m->idiag_family;
	s->state = m->idiag_state;
	s->id = m->id;
}

static int list_add(struct ga_tcp_list *l, const struct inet_diag_msg *m)
{
	if (ga_grow(&l->items, &l->cap, l->n, sizeof(*l->items), 16))
		return -1;
	sock_of(&l->items[l->n++], m);
	return 0;
}

int ga_sockdiag_open(void)
{
	return socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
}

static int diag_send(int nl, uint16_t type, uint16_t flags, uint8_t family,
		     const struct inet_diag_sockid *id)
{
	struct {
		struct nlmsghdr nlh;
		struct inet_diag_req_v2 req;
	} msg;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };

	memset(&msg, 0, sizeof(msg));
	msg.nlh.nlmsg_len = sizeof(msg);
	msg.nlh.nlmsg_type = type;
	msg.nlh.nlmsg_flags = NLM_F_REQUEST | flags;
	msg.req.sdiag_family = family;
	msg.req.sdiag_protocol = IPPROTO_TCP;
	msg.req.idiag_states = DUMP_STATES;
	if (id)
		msg.req.id = *id;
	return sendto(nl, &msg, sizeof(msg), 0, (struct sockaddr *)&sa,
		      sizeof(sa)) < 0 ? -1 : 0;
}

/* Reads the answers to one request: the dumped sockets into l (when not
 * NULL), or the acknowledgement's error.  Returns 0 or a negative errno. */
static int diag_recv(int nl, struct ga_tcp_list *l)
{
	char buf[16384];
	struct nlmsghdr *h;
	ssize_t n;
	int len;

	for (;;) {
		n = recv(nl, buf, sizeof(buf), 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		len = (int)n;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return 0;
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				return e->error;
			}
			if (l && list_add(l, NLMSG_DATA(h)))
				return -ENOMEM;
		}
	}
}

int ga_sockdiag_dump(int nl, struct ga_tcp_list *l)
{
	static const uint8_t families[] = { AF_INET, AF_INET6 };
	size_t i;
	int rc;

	for (i = 0; i < sizeof(families); i++) {
		if (diag_send(nl, SOCK_DIAG_BY_FAMILY, NLM_F_DUMP, families[i],
			      NULL))
			return -errno;
		rc = diag_recv(nl, l);
		if (rc)
			return rc;
	}
	return 0;
}

int ga_sockdiag_find(int nl, uint8_t family,
		     const struct inet_diag_sockid *id, struct ga_tcp_sock *s)
{
	struct inet_diag_sockid want = *id;
	char buf[4096];
	struct nlmsghdr *h = (struct nlmsghdr *)buf;
	ssize_t n;

	/* no cookie: the kernel compares none */
	want.idiag_cookie[0] = want.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
	if (diag_send(nl, SOCK_DIAG_BY_FAMILY, 0, family, &want))
		return -errno;
	/* one answer, not a dump's: the socket, or an error */
	do
		n = recv(nl, buf, sizeof(buf), 0);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (!NLMSG_OK(h, (int)n))
		return -EIO;
	if (h->nlmsg_type == NLMSG_ERROR) {
		struct nlmsgerr *e = NLMSG_DATA(h);

		return e->error ? e->error : -EIO;
	}
	if (h->nlmsg_len < NLMSG_LENGTH(sizeof(struct inet_diag_msg)))
		return -EIO;
	sock_of(s, NLMSG_DATA(h));
	return 0;
}

int ga_sockdiag_destroy(int nl, const struct ga_tcp_sock *s)
{
	if (diag_send(nl, SOCK_DESTROY, NLM_F_ACK, s->family, &s->id))
		return -errno;
	return diag_recv(nl, NULL);
}

void ga_tcp_list_free(struct ga_tcp_list *l)
{
	free(l->items);
	l->items = NULL;
	l->n = l->cap = 0;
}
