/* lab.c - see lab.h
 *
 * Order of work in ga_lab_create():
 *
 *   1. hold the calling thread's namespace (host_ns);
 *   2. unshare() a client namespace, hold it, open a route socket in it;
 *      unshare() again for the server namespace (and the proxy's), same;
 *      setns() home;
 *   3. through the client socket create the veth pair, the peer placed
 *      straight into the server namespace (IFLA_NET_NS_FD); with a
 *      proxy, into the proxy's, and through the proxy's socket a second
 *      pair, its peer in the server namespace;
 *   4. through each socket: addresses on the veth ends, lo and the veth
 *      ends up.
 *   5. the lab's resolver address (GA_LAB_RESOLVER_ADDR): routed from
 *      the server namespace to the server's peer (the client, or the
 *      proxy), where a blackhole route discards it (lab.h).
 *
 * A netlink socket stays bound to the namespace it was opened in, so once
 * both sockets exist every request is sent from the host namespace; the
 * thread visits the lab only while unshare() makes it.  The host
 * namespace itself is never the target of a request.
 */
#include "lab/lab.h"
#include "lab/internal.h"
#include "lab/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sys/socket.h>

#include <netlink/addr.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>

#include "util/fsutil.h"

static int lab_create_in(struct ga_lab *lab, unsigned tag, int server_ns,
		     struct ga_error *err);

#define THREAD_NETNS "/proc/thread-self/ns/net"

/* The lower 24 bits of tag go into the names: "ga" + 6 hex digits + "c"
 * is 9 characters, well inside IF_NAMESIZE - 1. */
#define TAG_MASK 0xffffffu

/* Moves the calling thread into a new network namespace, stores a
 * descriptor for it in *ns_fd and a route socket opened inside it in
 * *sockp.  *moved is set once the thread has left its namespace, so the
 * caller knows it must return it, whatever else failed. */
static int new_netns(int *ns_fd, struct nl_sock **sockp, int *moved,
		     const char *what, struct ga_error *err)
{
	*moved = 1;     /* the nursery's, if not yet the new one */
	if (ga_netns_unshare(what, err))
		return -1;
	*ns_fd = open(THREAD_NETNS, O_RDONLY | O_CLOEXEC);
	if (*ns_fd < 0)
		return ga_error_errno(err, errno, "opening %s for the %s namespace",
				      THREAD_NETNS, what);
	return ga_netns_route_socket(sockp, what, err);
}

/* Moves the calling thread into the existing namespace given_fd (a
 * server backend's own, e.g. a container's), keeps a descriptor of its
 * own for it in *ns_fd and opens a route socket inside it. */
static int join_netns(int given_fd, int *ns_fd, struct nl_sock **sockp,
		      int *moved, const char *what, struct ga_error *err)
{
	*ns_fd = fcntl(given_fd, F_DUPFD_CLOEXEC, 0);
	if (*ns_fd < 0)
		return ga_error_errno(err, errno, "holding the %s namespace",
				      what);
	if (setns(*ns_fd, CLONE_NEWNET) < 0)
		return ga_error_errno(err, errno, "entering the %s namespace",
				      what);
	*moved = 1;
	return ga_netns_route_socket(sockp, what, err);
}

/* Makes both namespaces and their sockets, then returns the calling thread
 * to lab->host_ns on every path.  Failing to return is reported as fatal:
 * the thread would go on running inside a lab. */
static int make_namespaces(struct ga_lab *lab, int client_ns, int server_ns,
			   struct nl_sock **csock, struct nl_sock **ssock,
			   struct nl_sock **psock, struct ga_error *err)
{
	int moved = 0;
	int rc;

	if (client_ns >= 0)
		rc = join_netns(client_ns, &lab->client_ns, csock, &moved,
				"client", err);
	else
		rc = new_netns(&lab->client_ns, csock, &moved, "client", err);
	if (rc)
		goto out;
	if (psock) {
		rc = new_netns(&lab->proxy_ns, psock, &moved, "proxy", err);
		if (rc)
			goto out;
	}
	if (server_ns >= 0)
		rc = join_netns(server_ns, &lab->server_ns, ssock, &moved,
				"server", err);
	else
		rc = new_netns(&lab->server_ns, ssock, &moved, "server", err);
out:
	if (moved && setns(lab->host_ns, CLONE_NEWNET) < 0) {
		int e = errno;

		if (rc)
			return ga_error_prefix(err,
					       "fatal: cannot return the thread to the host namespace (%s) after",
					       strerror(e));
		return ga_error_errno(err, e,
				      "fatal: returning the thread to the host namespace");
	}
	return rc;
}

/* Creates a veth pair from inside sock's namespace (what: "client"),
 * name there and peer_name born in the namespace peer_ns.  Nothing
 * appears in the host. */
static int create_veth(struct nl_sock *sock, const char *name,
		       const char *peer_name, int peer_ns, const char *what,
		       struct ga_error *err)
{
	struct rtnl_link *link;
	struct rtnl_link *peer;
	int rc;

	link = rtnl_link_veth_alloc();
	if (!link)
		return ga_error_set(err, "allocating veth %s/%s: out of memory",
				    name, peer_name);
	/* A new reference: put below.  The link owns the peer as well and
	 * frees it with itself. */
	peer = rtnl_link_veth_get_peer(link);
	rtnl_link_set_name(link, name);
	rtnl_link_set_name(peer, peer_name);
	rtnl_link_set_ns_fd(peer, peer_ns);
	rc = rtnl_link_add(sock, link, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(peer);
	rtnl_link_veth_release(link);
	if (rc)
		return ga_error_set(err,
				    "creating veth %s/%s in the %s namespace: %s",
				    name, peer_name, what, nl_geterror(rc));
	return 0;
}

/* Sets IFF_UP on the link called name in sock's namespace.  If ifindex is
 * not NULL it receives the link's index. */
int ga_lab_link_up(struct nl_sock *sock, const char *name, int *ifindex,
		   const char *what, struct ga_error *err)
{
	struct rtnl_link *link = NULL;
	struct rtnl_link *change = NULL;
	int rc;

	rc = rtnl_link_get_kernel(sock, 0, name, &link);
	if (rc) {
		ga_error_set(err, "looking up %s in the %s namespace: %s",
			     name, what, nl_geterror(rc));
		goto out;
	}
	change = rtnl_link_alloc();
	if (!change) {
		rc = ga_error_set(err, "bringing up %s in the %s namespace: out of memory",
				  name, what);
		goto out;
	}
	rtnl_link_set_flags(change, IFF_UP);
	rc = rtnl_link_change(sock, link, change, 0);
	if (rc) {
		ga_error_set(err, "bringing up %s in the %s namespace: %s",
			     name, what, nl_geterror(rc));
		goto out;
	}
	if (ifindex)
		*ifindex = rtnl_link_get_ifindex(link);
out:
	if (change)
		rtnl_link_put(change);
	if (link)
		rtnl_link_put(link);
	return rc ? -1 : 0;
}

/* Adds local/GA_LAB_PREFIXLEN to interface ifindex in sock's namespace.
 * The kernel adds the connected route with it. */
static int add_address(struct nl_sock *sock, int ifindex, const char *ifname,
		       const char *local, const char *what,
		       struct ga_error *err)
{
	char text[32];
	struct rtnl_addr *addr = NULL;
	struct nl_addr *nladdr = NULL;
	int rc;

	snprintf(text, sizeof(text), "%s/%d", local, GA_LAB_PREFIXLEN);
	rc = nl_addr_parse(text, AF_INET, &nladdr);
	if (rc) {
		ga_error_set(err, "parsing address %s: %s", text,
			     nl_geterror(rc));
		goto out;
	}
	addr = rtnl_addr_alloc();
	if (!addr) {
		rc = ga_error_set(err, "adding %s to %s in the %s namespace: out of memory",
				  text, ifname, what);
		goto out;
	}
	rtnl_addr_set_ifindex(addr, ifindex);
	rc = rtnl_addr_set_local(addr, nladdr);
	if (rc) {
		ga_error_set(err, "adding %s to %s in the %s namespace: %s",
			     text, ifname, what, nl_geterror(rc));
		goto out;
	}
	rtnl_addr_set_prefixlen(addr, GA_LAB_PREFIXLEN);
	rc = rtnl_addr_add(sock, addr, NLM_F_EXCL);
	if (rc)
		ga_error_set(err, "adding %s to %s in the %s namespace: %s",
			     text, ifname, what, nl_geterror(rc));
out:
	if (addr)
		rtnl_addr_put(addr);
	if (nladdr)
		nl_addr_put(nladdr);
	return rc ? -1 : 0;
}

/* Brings up the veth end ifname in sock's namespace and gives it its
 * address. */
static int configure_end(struct nl_sock *sock, const char *ifname,
			 const char *local, int *ifindex, const char *what,
			 struct ga_error *err)
{
	int rc;

	*ifindex = 0;
	rc = ga_lab_link_up(sock, ifname, ifindex, what, err);
	if (rc)
		return rc;
	return add_address(sock, *ifindex, ifname, local, what, err);
}

/* Brings up lo and the veth end ifname in sock's namespace and gives the
 * veth end its address; *ifindex gets the veth end's index. */
static int configure_side(struct nl_sock *sock, const char *ifname,
			  const char *local, int *ifindex, const char *what,
			  struct ga_error *err)
{
	int rc;

	*ifindex = 0;
	rc = ga_lab_link_up(sock, "lo", NULL, what, err);
	if (rc)
		return rc;
	return configure_end(sock, ifname, local, ifindex, what, err);
}

/* Adds a route to GA_LAB_RESOLVER_ADDR/32 in sock's namespace: through
 * gateway on interface ifindex, or (gateway NULL) a blackhole, which
 * discards what it matches without an answer. */
int ga_lab_resolver_route(struct nl_sock *sock, int ifindex,
			  const char *gateway, const char *what,
			  struct ga_error *err)
{
	struct rtnl_route *route = NULL;
	struct rtnl_nexthop *nh = NULL;
	struct nl_addr *dst = NULL, *gw = NULL;
	int rc;

	rc = nl_addr_parse(GA_LAB_RESOLVER_ADDR "/32", AF_INET, &dst);
	if (!rc && gateway)
		rc = nl_addr_parse(gateway, AF_INET, &gw);
	if (rc) {
		ga_error_set(err, "parsing the resolver's route: %s",
			     nl_geterror(rc));
		goto out;
	}
	route = rtnl_route_alloc();
	if (!route) {
		rc = ga_error_set(err, "the resolver's route in the %s "
				  "namespace: out of memory", what);
		goto out;
	}
	rtnl_route_set_family(route, AF_INET);
	rtnl_route_set_table(route, RT_TABLE_MAIN);
	rtnl_route_set_protocol(route, RTPROT_STATIC);
	rc = rtnl_route_set_dst(route, dst);
	if (!rc && gateway) {
		rtnl_route_set_scope(route, RT_SCOPE_UNIVERSE);
		rtnl_route_set_type(route, RTN_UNICAST);
		nh = rtnl_route_nh_alloc();
		if (!nh) {
			rc = ga_error_set(err, "the resolver's route in the %s "
					  "namespace: out of memory", what);
			goto out;
		}
		rtnl_route_nh_set_ifindex(nh, ifindex);
		rtnl_route_nh_set_gateway(nh, gw);
		rtnl_route_add_nexthop(route, nh);      /* route owns nh */
	} else if (!rc) {
		rtnl_route_set_scope(route, RT_SCOPE_UNIVERSE);
		rtnl_route_set_type(route, RTN_BLACKHOLE);
	}
	if (!rc)
		rc = rtnl_route_add(sock, route, NLM_F_CREATE | NLM_F_EXCL);
	if (rc)
		ga_error_set(err, "adding the resolver's route (%s) in the %s "
			     "namespace: %s", GA_LAB_RESOLVER_ADDR, what,
			     nl_geterror(rc));
out:
	if (route)
		rtnl_route_put(route);
	if (gw)
		nl_addr_put(gw);
	if (dst)
		nl_addr_put(dst);
	return rc ? -1 : 0;
}

/* The server's end of a lab, with a proxy or without: its veth end
 * (lab->server_if) up with its address, lo up, and the resolver's
 * address routed to its peer. */
static int wire_server(struct ga_lab *lab, struct nl_sock *ssock,
		       struct ga_error *err)
{
	int sindex;
	int rc = configure_side(ssock, lab->server_if, GA_LAB_SERVER_ADDR,
				&sindex, "server", err);

	if (rc == 0)
		rc = ga_lab_resolver_route(ssock, sindex, GA_LAB_CLIENT_ADDR,
					"server", err);
	return rc;
}

/* The links of a lab without a proxy: client to server; the resolver's
 * address goes from the server to the client, which drops it. */
static int wire_direct(struct ga_lab *lab, struct nl_sock *csock,
		       struct nl_sock *ssock, struct ga_error *err)
{
	int rc, cindex;

	rc = create_veth(csock, lab->client_if, lab->server_if, lab->server_ns,
			 "client", err);
	if (rc == 0)
		rc = configure_side(csock, lab->client_if, GA_LAB_CLIENT_ADDR,
				    &cindex, "client", err);
	if (rc == 0)
		rc = wire_server(lab, ssock, err);
	/* a kept client namespace has it since it was made */
	if (rc == 0 && !lab->client_kept)
		rc = ga_lab_resolver_route(csock, cindex, NULL, "client", err);
	return rc;
}

/* The links of a lab with a proxy: client to proxy, proxy to server;
 * the server's end as in a lab without one, and the resolver's address
 * dropped by the proxy's namespace, the server's peer. */
static int wire_proxied(struct ga_lab *lab, struct nl_sock *csock,
			struct nl_sock *psock, struct nl_sock *ssock,
			struct ga_error *err)
{
	int rc, index, back;

	rc = create_veth(csock, lab->client_if, lab->proxy_front_if,
			 lab->proxy_ns, "client", err);
	if (rc == 0)
		rc = create_veth(psock, lab->proxy_back_if, lab->server_if,
				 lab->server_ns, "proxy", err);
	if (rc == 0)
		rc = configure_side(csock, lab->client_if,
				    GA_LAB_PROXIED_CLIENT_ADDR, &index,
				    "client", err);
	if (rc == 0)
		rc = configure_side(psock, lab->proxy_front_if,
				    GA_LAB_PROXY_ADDR, &index, "proxy", err);
	if (rc == 0)
		rc = configure_end(psock, lab->proxy_back_if,
				   GA_LAB_CLIENT_ADDR, &back, "proxy", err);
	if (rc == 0)
		rc = wire_server(lab, ssock, err);
	if (rc == 0)
		rc = ga_lab_resolver_route(psock, back, NULL, "proxy", err);
	return rc;
}

int ga_lab_create(struct ga_lab *lab, unsigned tag, struct ga_error *err)
{
	return lab_create_in(lab, tag, -1, err);
}

/* The same, with the server side in the existing namespace server_ns (a
 * server backend's own, e.g. a container's; the lab holds a descriptor
 * of its own for it) instead of a new one; -1: a new one. */
static int lab_create_in(struct ga_lab *lab, unsigned tag, int server_ns,
		     struct ga_error *err)
{
	return ga_lab_create_with(lab, tag, server_ns, false, err);
}

int ga_lab_create_with(struct ga_lab *lab, unsigned tag, int server_ns,
		       bool proxy, struct ga_error *err)
{
	return ga_lab_create_sharing(lab, tag, -1, server_ns, proxy, err);
}

int ga_lab_create_sharing(struct ga_lab *lab, unsigned tag, int client_ns,
			  int server_ns, bool proxy, struct ga_error *err)
{
	struct nl_sock *csock = NULL;
	struct nl_sock *ssock = NULL;
	struct nl_sock *psock = NULL;
	int rc;

	memset(lab, 0, sizeof(*lab));   /* link_left included */
	lab->host_ns = -1;
	lab->client_ns = -1;
	lab->server_ns = -1;
	lab->proxy_ns = -1;
	lab->client_kept = client_ns >= 0;
	snprintf(lab->client_if, sizeof(lab->client_if), "ga%xc",
		 tag & TAG_MASK);
	snprintf(lab->server_if, sizeof(lab->server_if), "ga%xs",
		 tag & TAG_MASK);
	lab->proxy_front_if[0] = lab->proxy_back_if[0] = '\0';
	if (proxy) {
		snprintf(lab->proxy_front_if, sizeof(lab->proxy_front_if),
			 "ga%xf", tag & TAG_MASK);
		snprintf(lab->proxy_back_if, sizeof(lab->proxy_back_if),
			 "ga%xb", tag & TAG_MASK);
	}
	lab->client_addr = proxy ? GA_LAB_PROXIED_CLIENT_ADDR :
			   GA_LAB_CLIENT_ADDR;
	lab->connect_addr = proxy ? GA_LAB_PROXY_ADDR : GA_LAB_SERVER_ADDR;

	lab->host_ns = open(THREAD_NETNS, O_RDONLY | O_CLOEXEC);
	if (lab->host_ns < 0)
		return ga_error_errno(err, errno, "opening %s", THREAD_NETNS);

	rc = make_namespaces(lab, client_ns, server_ns, &csock, &ssock,
			     proxy ? &psock : NULL, err);
	if (rc == 0)
		rc = proxy ? wire_proxied(lab, csock, psock, ssock, err) :
		     wire_direct(lab, csock, ssock, err);
	/* The sockets hold their namespaces too: free them before deciding
	 * whether the lab lives. */
	if (csock)
		nl_socket_free(csock);
	if (ssock)
		nl_socket_free(ssock);
	if (psock)
		nl_socket_free(psock);
	if (rc)
		ga_lab_destroy(lab);
	return rc;
}

/* The client's end of the lab's link, deleted from the kept client
 * namespace: the pair goes with it at once, while a namespace that is
 * no longer held is freed by the kernel later, its links with it, and
 * the next lab's link must be the only one with the client's address. */
static int delete_client_link(void *arg, struct ga_error *err)
{
	const struct ga_lab *lab = arg;
	struct rtnl_link *link = NULL;
	struct nl_sock *sock;
	int rc;

	if (ga_netns_route_socket(&sock, "client", err))
		return -1;
	rc = rtnl_link_get_kernel(sock, 0, lab->client_if, &link);
	if (rc == -NLE_OBJ_NOTFOUND || rc == -NLE_NODEV)
		rc = 0;         /* gone with its peer's namespace already */
	else if (rc == 0)
		rc = rtnl_link_delete(sock, link);
	if (link)
		rtnl_link_put(link);
	nl_socket_free(sock);
	if (rc)
		return ga_error_set(err, "deleting %s from the client "
				    "namespace: %s", lab->client_if,
				    nl_geterror(rc));
	return 0;
}

static int destroy_link(struct ga_lab *lab, struct ga_error *err)
{
	if (!lab->client_kept || lab->client_ns < 0 || !lab->client_if[0])
		return 0;
	return ga_netns_run(lab->client_ns, delete_client_link, lab, err);
}

void ga_lab_destroy(struct ga_lab *lab)
{
	struct ga_error ignored;

	/* a kept client namespace outlives the lab: its link must not */
	if (lab->client_kept && lab->client_ns >= 0 &&
	    destroy_link(lab, &ignored) != 0)
		lab->link_left = true;
	ga_close_fd(&lab->client_ns);
	ga_close_fd(&lab->server_ns);
	ga_close_fd(&lab->proxy_ns);
	ga_close_fd(&lab->host_ns);
}
