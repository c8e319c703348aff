/* netns.h - running a piece of work inside another network namespace.
 *
 * setns() moves only the calling thread, and a netlink or nftables socket
 * stays bound to the namespace it was opened in.  ga_netns_run() starts a
 * short-lived thread, moves it into ns_fd, runs fn there and joins it, so
 * the caller's own namespace never changes (iproute2's netns_switch, done
 * on a thread of its own).
 */
#ifndef GA_NETNS_H
#define GA_NETNS_H

#include <netlink/socket.h>

#include "util/error.h"

/* Runs fn(arg, err) on a new thread inside the namespace ns_fd and
 * returns what fn returned (fn's err is copied into err).  Returns -1
 * with err set if the thread could not be started or could not enter. */
int ga_netns_run(int ns_fd, int (*fn)(void *arg, struct ga_error *err),
		 void *arg, struct ga_error *err);

/* Makes a network namespace and moves the calling thread into it (what
 * names it in messages: "client").  It is made from goneaway's nursery
 * where the kernel has one (netns.c): a namespace of the process's own,
 * never used for traffic, whose net.ipv4.tcp_child_ehash_entries gives
 * each namespace made from it a TCP hash table of its own, instead of
 * a share of the host's (262,144 buckets here), which every sock_diag
 * dump of a lab namespace walked whole: 1.3 ms a dump, 7 % of the
 * suite's CPU.  The host's own sysctl is never written.  A kernel
 * without it (before 6.1) makes the namespace as unshare() alone does.
 * In the new namespace, TCP's buffer bounds (tcp_rmem, tcp_wmem) are the
 * kernel's defaults, not the host's (netns.c, tcp_buffers): what a
 * stalled stream leaves buffered does not depend on the machine. */
int ga_netns_unshare(const char *what, struct ga_error *err);

/* Moves the calling thread into the network namespace ns_fd (setns).
 * Other threads are unaffected. */
int ga_netns_enter(int ns_fd, struct ga_error *err);

/* Opens a NETLINK_ROUTE socket in the calling thread's namespace (what
 * names that namespace in messages: "client").  On success *sockp is a
 * new socket that stays bound to this namespace; release it with
 * nl_socket_free(). */
int ga_netns_route_socket(struct nl_sock **sockp, const char *what,
			  struct ga_error *err);

#endif
