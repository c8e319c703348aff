/* sockdiag.h - the TCP sockets of a network namespace, as the kernel's
 * sock_diag lists them, one found by its identity (whose is it: its
 * uid), and aborting one by its identity (SOCK_DESTROY).
 *
 * Every call works on a NETLINK_SOCK_DIAG socket the caller opened in
 * the namespace it means (ga_sockdiag_open(), on a thread inside it:
 * lab/netns.h); nothing here enters a namespace.
 *
 * Ownership: a ga_tcp_list's items are its own; free them with
 * ga_tcp_list_free().
 */
#ifndef GA_LAB_SOCKDIAG_H
#define GA_LAB_SOCKDIAG_H

#include <linux/inet_diag.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct ga_tcp_sock {
	ino_t ino;              /* 0: no process holds it (an orphan) */
	uid_t uid;              /* who made it (its file's owner) */
	uint8_t family;
	uint8_t state;          /* TCP_ESTABLISHED ... (netinet/tcp.h) */
	struct inet_diag_sockid id;
};

struct ga_tcp_list {
	struct ga_tcp_sock *items;      /* owned */
	size_t n, cap;
};

/* A sock_diag socket in the calling thread's namespace, or -1 with
 * errno set. */
int ga_sockdiag_open(void);

/* Appends every TCP socket (v4 and v6, every state) of nl's namespace
 * to l.  Returns 0 or a negative errno. */
int ga_sockdiag_dump(int nl, struct ga_tcp_list *l);

/* The socket of family (AF_INET, AF_INET6) whose local address and
 * port are id's idiag_src and idiag_sport and whose peer's are its
 * idiag_dst and idiag_dport (network order), into *s.  Returns 0 or a
 * negative errno (-ENOENT: there is none). */
int ga_sockdiag_find(int nl, uint8_t family,
		     const struct inet_diag_sockid *id, struct ga_tcp_sock *s);

/* Aborts s (the blocked call on it gets ECONNABORTED; its peer a
 * reset).  Returns 0 or a negative errno (-EOPNOTSUPP: a kernel without
 * CONFIG_INET_DIAG_DESTROY). */
int ga_sockdiag_destroy(int nl, const struct ga_tcp_sock *s);

void ga_tcp_list_free(struct ga_tcp_list *l);

#endif
