/* lab.h - the network lab a scenario runs in.
 *
 * A lab is two fresh network namespaces, "client" and "server", joined by
 * one veth pair with fixed addresses and no route to anything else (but
 * the lab resolver's address, below, which goes nowhere):
 *
 *     client ns  ga<tag>c 198.18.0.1/30  <---veth--->  ga<tag>s 198.18.0.2/30  server ns
 *
 * (<tag> is up to six hex digits.)
 *
 * A lab with a proxy has a third namespace between them, joined to each
 * by a veth pair of its own, where a proxy process runs (proxy/proxy.h):
 *
 *     client ns  ga<tag>c 198.18.0.5/30  <-->  ga<tag>f 198.18.0.6/30  proxy ns
 *     proxy ns   ga<tag>b 198.18.0.1/30  <-->  ga<tag>s 198.18.0.2/30  server ns
 *
 * The server's side is the same in both (the server at 198.18.0.2 sees
 * its clients come from 198.18.0.1), so the server, its configuration
 * and the faults made on its side need not know whether a proxy is
 * there; the clients connect to connect_addr, which is the server's
 * address or the proxy's.  Nothing is forwarded: the proxy namespace
 * does not route between its two links, a proxy process relays.
 *
 * (198.18.0.0/15 is reserved for network benchmark labs, RFC 2544.)
 *
 * One more route each side, for the lab's resolver address (below): the
 * server side sends it to the client side, which drops it.
 *
 * The namespaces are anonymous: they are held only by the file descriptors
 * in struct ga_lab (and by any process started inside them), never by a
 * named mount under /run/netns.  When the harness exits for any reason,
 * even SIGKILL, the kernel closes the descriptors and frees the
 * namespaces, and the veth pairs with them.  The host's own namespace is
 * never changed: each veth is created from inside one lab namespace with
 * its peer placed directly in another.
 *
 * All netlink work uses libnl-route-3.
 */
#ifndef GA_LAB_H
#define GA_LAB_H

#include <net/if.h>
#include <stdbool.h>

#include "util/error.h"

#define GA_LAB_CLIENT_ADDR "198.18.0.1"
#define GA_LAB_SERVER_ADDR "198.18.0.2"
#define GA_LAB_PREFIXLEN 30
/* with a proxy: the client's link, the proxy's end of it */
#define GA_LAB_PROXIED_CLIENT_ADDR "198.18.0.5"
#define GA_LAB_PROXY_ADDR "198.18.0.6"

/* The lab's name server, which never answers: the server namespace
 * routes it through the veth to the client side, where a blackhole route
 * discards every packet for it without a word (no ICMP, no reset).  A
 * server's name lookups go there (server/resolver.c writes its
 * resolv.conf), so a lookup waits for its resolver's timeout and then
 * fails, and nothing ever leaves the lab. */
#define GA_LAB_RESOLVER_ADDR "198.18.1.53"

struct ga_lab {
	int host_ns;            /* fd of the namespace the harness runs in */
	int client_ns;          /* fd of the client namespace, or -1 */
	int server_ns;          /* fd of the server namespace, or -1 */
	int proxy_ns;           /* fd of the proxy namespace; -1: none */
	char client_if[IF_NAMESIZE];
	char server_if[IF_NAMESIZE];
	char proxy_front_if[IF_NAMESIZE];       /* "" without a proxy */
	char proxy_back_if[IF_NAMESIZE];
	bool client_kept;               /* the client namespace is a kept
					 * one (ga_lab_create_sharing): the
					 * lab's link is deleted from it when
					 * the lab goes */
	bool link_left;                 /* ... and that failed */
	const char *client_addr;        /* static: the client's address */
	const char *connect_addr;       /* static: where clients connect,
					 * the server or the proxy */
};

/* Creates both namespaces, the veth pair, addresses and links up.  tag
 * makes the interface names unique per run and scenario (it is printed in
 * hex into the names).  On failure everything made so far is removed.
 * Release a created lab with ga_lab_destroy(). */
int ga_lab_create(struct ga_lab *lab, unsigned tag, struct ga_error *err);

/* The same, with a proxy namespace between client and server (see
 * above) when proxy is true. */
int ga_lab_create_with(struct ga_lab *lab, unsigned tag, int server_ns,
		       bool proxy, struct ga_error *err);

/* The same, with the client side in client_ns, a namespace kept for
 * the labs of a runner one after another (lab/clientns.h), and the
 * server's in server_ns, each -1 for a new one.  The lab holds
 * descriptors of its own for both; it makes only its link (and the
 * proxy's namespace) in a kept client namespace, and ga_lab_destroy
 * deletes that link from it again. */
int ga_lab_create_sharing(struct ga_lab *lab, unsigned tag, int client_ns,
			  int server_ns, bool proxy, struct ga_error *err);

/* Closes the namespace descriptors.  The kernel frees each namespace (and
 * the veth) once no process is left inside it.  Safe on a half-made lab
 * and on one whose fds were all set to -1 (NOT on a memset-0 one: fd 0 is
 * stdin). */
void ga_lab_destroy(struct ga_lab *lab);

#endif
