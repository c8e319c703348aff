/* internal.h - what lab/'s files share (lab/ only). */
#ifndef GA_LAB_INTERNAL_H
#define GA_LAB_INTERNAL_H

#include <netlink/socket.h>

#include "util/error.h"

/* Sets IFF_UP on the link called name in sock's namespace (what names
 * it in messages: "client"); *ifindex gets its index when not NULL.
 * Returns 0, or -1 with err set. */
int ga_lab_link_up(struct nl_sock *sock, const char *name, int *ifindex,
		   const char *what, struct ga_error *err);

/* Adds the route to GA_LAB_RESOLVER_ADDR/32 in sock's namespace: through
 * gateway on interface ifindex, or (gateway NULL) a blackhole, which
 * discards what it matches without an answer.  Returns 0, or -1 with
 * err set. */
int ga_lab_resolver_route(struct nl_sock *sock, int ifindex,
			  const char *gateway, const char *what,
			  struct ga_error *err);

#endif
