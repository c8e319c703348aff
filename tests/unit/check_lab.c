/* check_lab.c - tests for lab.c: two namespaces joined by a veth.
 *
 * Most tests need root (CAP_SYS_ADMIN and CAP_NET_ADMIN) to make network
 * namespaces.  Their test cases are registered only as root; without it
 * each is named as skipped before the run (needs.h).  The "errors" test
 * case needs nothing and always runs.  CI runs the unit tests as root.
 *
 * Each test runs in Check's forked child (CK_FORK, the default), so a
 * namespace switch or a lab left open by a failed assertion dies with the
 * child.  Even so, the helpers that switch namespaces never assert while
 * away from home: they return an error text, go back to the host
 * namespace, and the test asserts there.
 *
 * Network rule: traffic goes only to addresses inside labs these tests
 * made themselves.  Nothing is sent from the host namespace to the lab
 * addresses; the host is only inspected (if_nametoindex, /proc routes,
 * and a netlink socket that listens to its link, address and route
 * changes).  The one test that makes a link on purpose, to prove that
 * listener sees it, first moves its forked child into a namespace of its
 * own.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>

#include "lab/clientns.h"
#include "lab/lab.h"
#include "lab/netns.h"
#include "lab/nsstate.h"
#include "lab/sockdiag.h"
#include "suites.h"

#define TIMEOUT 20

static ino_t thread_ns_inode(void)
{
	struct stat st;

	ck_assert_msg(stat("/proc/thread-self/ns/net", &st) == 0,
		      "stat /proc/thread-self/ns/net: %s", strerror(errno));
	return st.st_ino;
}

static ino_t fd_inode(int fd)
{
	struct stat st;

	ck_assert_msg(fstat(fd, &st) == 0, "fstat %d: %s", fd, strerror(errno));
	return st.st_ino;
}

static void make_lab(struct ga_lab *lab, unsigned tag)
{
	struct ga_error err;

	memset(&err, 0, sizeof(err));
	ck_assert_msg(ga_lab_create(lab, tag, &err) == 0,
		      "ga_lab_create(%#x): %s", tag, err.msg);
	ck_assert_int_ge(lab->host_ns, 0);
	ck_assert_int_ge(lab->client_ns, 0);
	ck_assert_int_ge(lab->server_ns, 0);
}

static int count_open_fds(void)
{
	struct dirent *de;
	DIR *dir;
	int n = 0;

	dir = opendir("/proc/self/fd");
	ck_assert_msg(dir != NULL, "opendir /proc/self/fd: %s", strerror(errno));
	while ((de = readdir(dir)) != NULL)
		if (de->d_name[0] != '.')
			n++;
	closedir(dir);
	return n - 1;	/* the directory's own descriptor */
}

/* ------------------------------------------------------------------ */
/* Traffic through a lab */

static void close_if_open(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static int set_timeouts(int fd)
{
	struct timeval tv = { 5, 0 };

	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0)
		return -1;
	return setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* The steps taken while away from home: a listener on
 * GA_LAB_SERVER_ADDR in the server namespace, a connect() to it from the
 * client namespace.  Returns with the thread in whatever namespace it
 * reached, and an error in why; the caller goes home and asserts. */
static int open_pair(const struct ga_lab *lab, int *lfd, int *cfd,
		     struct ga_error *why)
{
	struct sockaddr_in sa;
	socklen_t salen = sizeof(sa);

	if (ga_netns_enter(lab->server_ns, why))
		return -1;
	*lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*lfd < 0)
		return ga_error_errno(why, errno, "server socket");
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	inet_pton(AF_INET, GA_LAB_SERVER_ADDR, &sa.sin_addr);
	if (bind(*lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return ga_error_errno(why, errno, "bind %s", GA_LAB_SERVER_ADDR);
	if (listen(*lfd, 4) < 0)
		return ga_error_errno(why, errno, "listen");
	if (getsockname(*lfd, (struct sockaddr *)&sa, &salen) < 0)
		return ga_error_errno(why, errno, "getsockname");

	if (ga_netns_enter(lab->client_ns, why))
		return -1;
	*cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (*cfd < 0)
		return ga_error_errno(why, errno, "client socket");
	if (set_timeouts(*cfd) < 0)
		return ga_error_errno(why, errno, "client timeouts");
	if (connect(*cfd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return ga_error_errno(why, errno, "connect to %s:%d",
				      GA_LAB_SERVER_ADDR, ntohs(sa.sin_port));
	return 0;
}

static void exchange(int from, int to, const char *msg)
{
	char buf[64];
	size_t len = strlen(msg);
	ssize_t n;

	n = send(from, msg, len, MSG_NOSIGNAL);
	ck_assert_msg(n == (ssize_t)len, "send: %s", strerror(errno));
	ck_assert_uint_lt(len, sizeof(buf));
	n = recv(to, buf, len, MSG_WAITALL);
	ck_assert_msg(n == (ssize_t)len, "recv returned %zd: %s", n,
		      strerror(errno));
	buf[n] = '\0';
	ck_assert_str_eq(buf, msg);
}

/* Connects client to server through the lab and passes bytes both ways.
 * The calling thread ends in the namespace it started in. */
static void check_traffic(const struct ga_lab *lab)
{
	struct sockaddr_in peer;
	socklen_t peerlen = sizeof(peer);
	struct ga_error err;
	struct ga_error why;
	char text[INET_ADDRSTRLEN];
	ino_t home = thread_ns_inode();
	int lfd = -1;
	int cfd = -1;
	int afd;
	int rc;

	memset(&why, 0, sizeof(why));
	rc = open_pair(lab, &lfd, &cfd, &why);
	ck_assert_msg(ga_netns_enter(lab->host_ns, &err) == 0, "%s", err.msg);
	ck_assert_uint_eq(thread_ns_inode(), home);
	if (rc) {
		close_if_open(&lfd);
		close_if_open(&cfd);
		ck_abort_msg("%s", why.msg);
	}

	/* accept() needs no namespace switch: the listener is bound to
	 * the server namespace for good. */
	ck_assert_int_eq(set_timeouts(lfd), 0);
	afd = accept4(lfd, (struct sockaddr *)&peer, &peerlen, SOCK_CLOEXEC);
	ck_assert_msg(afd >= 0, "accept: %s", strerror(errno));
	inet_ntop(AF_INET, &peer.sin_addr, text, sizeof(text));
	ck_assert_str_eq(text, GA_LAB_CLIENT_ADDR);
	ck_assert_int_eq(set_timeouts(afd), 0);

	exchange(cfd, afd, "client to server");
	exchange(afd, cfd, "server to client");

	close(afd);
	close(cfd);
	close(lfd);
}

START_TEST(test_traffic)
{
	struct ga_lab lab;
	ino_t before;

	before = thread_ns_inode();
	make_lab(&lab, 0x51);
	ck_assert_uint_eq(thread_ns_inode(), before);
	ck_assert_uint_eq(fd_inode(lab.host_ns), before);
	ck_assert_uint_ne(fd_inode(lab.client_ns), before);
	ck_assert_uint_ne(fd_inode(lab.server_ns), before);
	ck_assert_uint_ne(fd_inode(lab.client_ns), fd_inode(lab.server_ns));
	ck_assert_str_eq(lab.client_if, "ga51c");
	ck_assert_str_eq(lab.server_if, "ga51s");

	check_traffic(&lab);
	ck_assert_uint_eq(thread_ns_inode(), before);
	ga_lab_destroy(&lab);
}
END_TEST

/* ------------------------------------------------------------------ */
/* A lab with a proxy namespace between client and server */

/* A listener on addr in namespace ns, a connect() to it from namespace
 * from: *peer gets the address the listener saw.  Returns 0, or -1 with
 * why set (the connect's errno in why->msg); the thread is home again
 * either way (home: a descriptor of its namespace). */
static int connect_between(int home, int ns, const char *addr, int from,
			   char *peer, size_t len, struct ga_error *why)
{
	struct sockaddr_in sa, pa;
	socklen_t salen = sizeof(sa), palen = sizeof(pa);
	struct ga_error err;
	int lfd = -1, cfd = -1, afd = -1, rc = -1;

	if (ga_netns_enter(ns, why))
		goto out;
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	inet_pton(AF_INET, addr, &sa.sin_addr);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(lfd, 4) < 0 ||
	    getsockname(lfd, (struct sockaddr *)&sa, &salen) < 0) {
		ga_error_errno(why, errno, "listening on %s", addr);
		goto out;
	}
	if (ga_netns_enter(from, why))
		goto out;
	cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (cfd < 0 || set_timeouts(cfd) < 0 ||
	    connect(cfd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		ga_error_errno(why, errno, "connect to %s", addr);
		goto out;
	}
	afd = accept4(lfd, (struct sockaddr *)&pa, &palen, SOCK_CLOEXEC);
	if (afd < 0) {
		ga_error_errno(why, errno, "accept");
		goto out;
	}
	inet_ntop(AF_INET, &pa.sin_addr, peer, (socklen_t)len);
	rc = 0;
out:
	ga_netns_enter(home, &err);
	close_if_open(&afd);
	close_if_open(&cfd);
	close_if_open(&lfd);
	return rc;
}

/* Client and proxy share one link, proxy and server the other; the
 * server's side is the direct lab's (it sees 198.18.0.1), and the
 * client cannot reach the server past the proxy: nothing routes. */
START_TEST(test_proxied_lab)
{
	char peer[INET_ADDRSTRLEN];
	struct ga_error err;
	struct ga_lab lab;
	ino_t before = thread_ns_inode();

	memset(&err, 0, sizeof(err));
	ck_assert_msg(ga_lab_create_with(&lab, 0x52, -1, true, &err) == 0,
		      "%s", err.msg);
	ck_assert_uint_eq(thread_ns_inode(), before);
	ck_assert_int_ge(lab.proxy_ns, 0);
	ck_assert_uint_ne(fd_inode(lab.proxy_ns), fd_inode(lab.client_ns));
	ck_assert_uint_ne(fd_inode(lab.proxy_ns), fd_inode(lab.server_ns));
	ck_assert_uint_ne(fd_inode(lab.proxy_ns), before);
	ck_assert_str_eq(lab.client_if, "ga52c");
	ck_assert_str_eq(lab.proxy_front_if, "ga52f");
	ck_assert_str_eq(lab.proxy_back_if, "ga52b");
	ck_assert_str_eq(lab.server_if, "ga52s");
	ck_assert_str_eq(lab.connect_addr, GA_LAB_PROXY_ADDR);
	ck_assert_str_eq(lab.client_addr, GA_LAB_PROXIED_CLIENT_ADDR);

	ck_assert_msg(connect_between(lab.host_ns, lab.proxy_ns,
				      GA_LAB_PROXY_ADDR, lab.client_ns, peer,
				      sizeof(peer), &err) == 0, "%s", err.msg);
	ck_assert_str_eq(peer, GA_LAB_PROXIED_CLIENT_ADDR);
	ck_assert_msg(connect_between(lab.host_ns, lab.server_ns,
				      GA_LAB_SERVER_ADDR, lab.proxy_ns, peer,
				      sizeof(peer), &err) == 0, "%s", err.msg);
	ck_assert_str_eq(peer, GA_LAB_CLIENT_ADDR);
	ck_assert_msg(connect_between(lab.host_ns, lab.server_ns,
				      GA_LAB_SERVER_ADDR, lab.client_ns, peer,
				      sizeof(peer), &err) == -1,
		      "the client reached the server past the proxy");
	ck_assert_msg(strstr(err.msg, strerror(ENETUNREACH)), "%s", err.msg);
	ck_assert_uint_eq(thread_ns_inode(), before);
	ga_lab_destroy(&lab);
	ck_assert_int_eq(lab.proxy_ns, -1);
}
END_TEST

/* A lab without a proxy has none, and says where clients connect. */
START_TEST(test_direct_lab_has_no_proxy)
{
	struct ga_lab lab;

	make_lab(&lab, 0x53);
	ck_assert_int_eq(lab.proxy_ns, -1);
	ck_assert_str_eq(lab.proxy_front_if, "");
	ck_assert_str_eq(lab.connect_addr, GA_LAB_SERVER_ADDR);
	ck_assert_str_eq(lab.client_addr, GA_LAB_CLIENT_ADDR);
	ga_lab_destroy(&lab);
}
END_TEST

/* ------------------------------------------------------------------ */
/* What each namespace holds */

/* Reads the calling thread's IPv4 main routing table: each line of
 * /proc/thread-self/net/route is "iface dest gw flags ... mask ...", the
 * addresses in hex, network byte order.  (/proc/net is the thread group
 * leader's view; thread-self is this thread's.)  Returns the number of
 * routes, or -1 if the table cannot be read; *lab_routes counts routes,
 * other than a default route, whose destination covers 198.18.0.0, and the
 * last such route's interface and mask go into ifname and *mask_out.  Does
 * not assert: it runs inside labs. */
/* The lab's resolver route of the last read_routes(): its interface
 * ("" when there is none) and flags. */
static char resolver_if[64];
static unsigned resolver_flags;

static int read_routes(int *lab_routes, char *ifname, size_t ifsize,
		       unsigned *mask_out)
{
	struct in_addr resolver;
	char line[512];
	char iface[64];
	unsigned dest, gw, flags, mask;
	struct in_addr lab_net;
	FILE *f;
	int n = 0;

	inet_pton(AF_INET, "198.18.0.0", &lab_net);
	inet_pton(AF_INET, GA_LAB_RESOLVER_ADDR, &resolver);
	resolver_if[0] = '\0';
	resolver_flags = 0;
	*lab_routes = 0;
	f = fopen("/proc/thread-self/net/route", "r");
	if (!f)
		return -1;
	/* The header; a namespace whose main table was never made (a fresh
	 * one, before any route) has an empty file: no routes. */
	if (!fgets(line, sizeof(line), f)) {
		fclose(f);
		return 0;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %x %x %x %*d %*d %*d %x", iface, &dest,
			   &gw, &flags, &mask) != 5)
			continue;
		n++;
		if (dest == resolver.s_addr && mask == 0xffffffffu) {
			snprintf(resolver_if, sizeof(resolver_if), "%s", iface);
			resolver_flags = flags;
		}
		if (mask != 0 && (lab_net.s_addr & mask) == (dest & mask)) {
			(*lab_routes)++;
			snprintf(ifname, ifsize, "%s", iface);
			*mask_out = mask;
		}
	}
	fclose(f);
	return n;
}

/* Listens, from the calling thread's namespace, to its link, IPv4
 * address and IPv4 route changes.  A lab must cause none: not even a veth
 * made there for a moment and then moved away, which no look at the host
 * before or after would find. */
struct host_watch {
	int fd;
};

static void host_watch_start(struct host_watch *w)
{
	struct sockaddr_nl sa;

	w->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
		       NETLINK_ROUTE);
	ck_assert_msg(w->fd >= 0, "netlink socket: %s", strerror(errno));
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	sa.nl_groups = RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV4_ROUTE;
	ck_assert_msg(bind(w->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0,
		      "binding to the link, address and route groups: %s",
		      strerror(errno));
}

/* Is the IPv4 address at p (network order) in the lab's /30? */
static int in_lab_net(const void *p)
{
	struct in_addr net, a;

	inet_pton(AF_INET, GA_LAB_CLIENT_ADDR, &net);
	memcpy(&a, p, sizeof(a));
	return (ntohl(a.s_addr) & 0xfffffffcu) == (ntohl(net.s_addr) & 0xfffffffcu);
}

/* One notification: does it touch a link named client_if or server_if,
 * or an address or route in the lab's /30?  If so, says which in why. */
static int lab_change(const struct nlmsghdr *h, const char *client_if,
		      const char *server_if, char *why, size_t size)
{
	const struct rtattr *rta;
	int len;

	switch (h->nlmsg_type) {
	case RTM_NEWLINK:
	case RTM_DELLINK: {
		const struct ifinfomsg *ifi = NLMSG_DATA(h);

		len = (int)IFLA_PAYLOAD(h);
		for (rta = IFLA_RTA(ifi); RTA_OK(rta, len);
		     rta = RTA_NEXT(rta, len)) {
			const char *name = RTA_DATA(rta);

			if (rta->rta_type != IFLA_IFNAME ||
			    (strcmp(name, client_if) != 0 &&
			     strcmp(name, server_if) != 0))
				continue;
			snprintf(why, size, "%s link %s",
				 h->nlmsg_type == RTM_NEWLINK ? "new" : "deleted",
				 name);
			return 1;
		}
		return 0;
	}
	case RTM_NEWADDR:
	case RTM_DELADDR: {
		const struct ifaddrmsg *ifa = NLMSG_DATA(h);

		if (ifa->ifa_family != AF_INET)
			return 0;
		len = (int)IFA_PAYLOAD(h);
		for (rta = IFA_RTA(ifa); RTA_OK(rta, len);
		     rta = RTA_NEXT(rta, len)) {
			if ((rta->rta_type != IFA_LOCAL &&
			     rta->rta_type != IFA_ADDRESS) ||
			    !in_lab_net(RTA_DATA(rta)))
				continue;
			snprintf(why, size, "%s address %s on ifindex %u",
				 h->nlmsg_type == RTM_NEWADDR ? "new" : "deleted",
				 inet_ntoa(*(const struct in_addr *)RTA_DATA(rta)),
				 ifa->ifa_index);
			return 1;
		}
		return 0;
	}
	case RTM_NEWROUTE:
	case RTM_DELROUTE: {
		const struct rtmsg *rtm = NLMSG_DATA(h);

		if (rtm->rtm_family != AF_INET)
			return 0;
		len = (int)RTM_PAYLOAD(h);
		for (rta = RTM_RTA(rtm); RTA_OK(rta, len);
		     rta = RTA_NEXT(rta, len)) {
			if (rta->rta_type != RTA_DST || !in_lab_net(RTA_DATA(rta)))
				continue;
			snprintf(why, size, "%s route to %s/%u",
				 h->nlmsg_type == RTM_NEWROUTE ? "new" : "deleted",
				 inet_ntoa(*(const struct in_addr *)RTA_DATA(rta)),
				 rtm->rtm_dst_len);
			return 1;
		}
		return 0;
	}
	}
	return 0;
}

/* Reads every change queued since host_watch_start() (the kernel queues
 * a notification before it answers the request that caused it), closes
 * the watch, and returns how many touched the lab's names or addresses;
 * the first is described in why.  Lost notifications (ENOBUFS) count as
 * one: nothing can be vouched for then. */
static int host_watch_end(struct host_watch *w, const char *client_if,
			  const char *server_if, char *why, size_t size)
{
	union {
		struct nlmsghdr h;
		char buf[32768];
	} u;
	int found = 0;
	ssize_t n;

	why[0] = '\0';
	for (;;) {
		struct nlmsghdr *h = &u.h;
		int len;

		n = recv(w->fd, u.buf, sizeof(u.buf), MSG_DONTWAIT);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == ENOBUFS) {
			if (!found++)
				snprintf(why, size, "notifications lost (ENOBUFS)");
			continue;
		}
		if (n <= 0)
			break;
		len = (int)n;
		for (; NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
			char what[128];

			if (!lab_change(h, client_if, server_if, what,
					sizeof(what)))
				continue;
			if (!found++)
				snprintf(why, size, "%s", what);
		}
	}
	ck_assert_msg(n == 0 || errno == EAGAIN, "reading the watch: %s",
		      strerror(errno));
	close(w->fd);
	w->fd = -1;
	return found;
}

/* The watch can fail: in a namespace of its own (this forked child's,
 * never the host's), a veth with a lab's names and a lab address is made
 * by hand, as a lab that worked in its caller's namespace would, and the
 * watch must report it. */
START_TEST(test_host_watch_sees_a_lab_link)
{
	struct rtnl_link *link, *peer;
	struct host_watch w;
	struct nl_sock *sock;
	struct nl_addr *local;
	struct rtnl_addr *addr;
	char why[256];
	int ifindex;
	int rc;

	ck_assert_msg(unshare(CLONE_NEWNET) == 0, "unshare(CLONE_NEWNET): %s",
		      strerror(errno));
	host_watch_start(&w);

	sock = nl_socket_alloc();
	ck_assert_ptr_nonnull(sock);
	ck_assert_int_eq(nl_connect(sock, NETLINK_ROUTE), 0);
	link = rtnl_link_veth_alloc();
	ck_assert_ptr_nonnull(link);
	peer = rtnl_link_veth_get_peer(link);
	rtnl_link_set_name(link, "ga51c");
	rtnl_link_set_name(peer, "ga51s");
	rc = rtnl_link_add(sock, link, NLM_F_CREATE | NLM_F_EXCL);
	rtnl_link_put(peer);
	rtnl_link_veth_release(link);
	ck_assert_msg(rc == 0, "making the veth: %s", nl_geterror(rc));
	ifindex = (int)if_nametoindex("ga51c");
	ck_assert_int_gt(ifindex, 0);
	ck_assert_int_eq(nl_addr_parse(GA_LAB_CLIENT_ADDR "/30", AF_INET,
				       &local), 0);
	addr = rtnl_addr_alloc();
	ck_assert_ptr_nonnull(addr);
	rtnl_addr_set_ifindex(addr, ifindex);
	ck_assert_int_eq(rtnl_addr_set_local(addr, local), 0);
	rc = rtnl_addr_add(sock, addr, 0);
	ck_assert_msg(rc == 0, "adding the address: %s", nl_geterror(rc));
	rtnl_addr_put(addr);
	nl_addr_put(local);
	nl_socket_free(sock);

	/* the two links and the address, at least */
	ck_assert_int_ge(host_watch_end(&w, "ga51c", "ga51s", why,
					sizeof(why)), 3);
	ck_assert_msg(strstr(why, "new link ga51"), "first change: %s", why);

	/* And names or addresses of something else are not the lab's. */
	host_watch_start(&w);
	ck_assert_int_eq(host_watch_end(&w, "ga52c", "ga52s", why,
					sizeof(why)), 0);
}
END_TEST

START_TEST(test_host_untouched)
{
	struct ifaddrs *ifa, *p;
	struct ga_lab lab;
	char ifname[64] = "";
	unsigned mask = 0;
	int routes_before;
	int lab_routes;
	struct host_watch w;
	char why[256];
	int changes;

	/* A host may already route 198.18.0.0/15 somewhere (it is a
	 * benchmark range): what counts is that making a lab adds nothing. */
	ck_assert_int_ge(read_routes(&routes_before, ifname, sizeof(ifname),
				     &mask), 0);
	host_watch_start(&w);
	make_lab(&lab, 0xabcdef);
	ck_assert_str_eq(lab.client_if, "gaabcdefc");

	/* No lab interface in the host namespace, under either name. */
	ck_assert_uint_eq(if_nametoindex(lab.client_if), 0);
	ck_assert_uint_eq(if_nametoindex(lab.server_if), 0);

	/* No new route into 198.18.0.0/30: only the default route, which
	 * leads away from the lab, covers it.  (Nothing is sent there.) */
	ck_assert_int_ge(read_routes(&lab_routes, ifname, sizeof(ifname),
				     &mask), 0);
	ck_assert_msg(lab_routes == routes_before,
		      "host namespace gained a route to the lab via %s", ifname);

	/* And no lab address on any host interface. */
	ck_assert_int_eq(getifaddrs(&ifa), 0);
	for (p = ifa; p; p = p->ifa_next) {
		char text[INET_ADDRSTRLEN];

		if (!p->ifa_addr || p->ifa_addr->sa_family != AF_INET)
			continue;
		inet_ntop(AF_INET,
			  &((struct sockaddr_in *)(void *)p->ifa_addr)->sin_addr,
			  text, sizeof(text));
		ck_assert_msg(strcmp(text, GA_LAB_CLIENT_ADDR) != 0 &&
			      strcmp(text, GA_LAB_SERVER_ADDR) != 0,
			      "host interface %s has lab address %s",
			      p->ifa_name, text);
	}
	freeifaddrs(ifa);
	ga_lab_destroy(&lab);

	/* Nor, at any moment between the start of ga_lab_create() and the
	 * end of ga_lab_destroy(), a link, address or route of the lab's in
	 * the host: a veth made here and moved away at once would pass
	 * every look above. */
	changes = host_watch_end(&w, lab.client_if, lab.server_if, why,
				 sizeof(why));
	ck_assert_msg(changes == 0, "the host namespace saw %d changes of the "
		      "lab's, the first: %s", changes, why);
}
END_TEST

/* Kernel-made fallback tunnel devices.  A new namespace gets these, down
 * and unaddressed, when their modules are loaded and
 * net.core.fb_tunnels_only_for_init_net is 0.  They are not the lab's
 * doing, so the link count below ignores them if (and only if) down. */
static const char *const fallback_devices[] = {
	"sit0", "tunl0", "gre0", "gretap0", "erspan0", "ip_vti0",
	"ip6_vti0", "ip6tnl0", "ip6gre0",
};

static int is_fallback_device(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(fallback_devices) / sizeof(*fallback_devices); i++)
		if (strcmp(name, fallback_devices[i]) == 0)
			return 1;
	return 0;
}

struct ns_view {
	char links[8][IF_NAMESIZE];
	unsigned link_flags[8];
	int nlinks;		/* counted even past the 8 kept */
	int routes;		/* IPv4 main table */
	int lab_routes;
	char route_if[64];
	unsigned route_mask;
	char addr[INET_ADDRSTRLEN];	/* IPv4 address on the veth end */
	char netmask[INET_ADDRSTRLEN];
};

/* Looks at namespace ns_fd from inside: links through a libnl link cache
 * (a socket opened inside the namespace), routes, the veth's address.
 * Returns home to host_fd before any assertion. */
static void view_namespace(int ns_fd, int host_fd, const char *veth,
			   struct ns_view *v)
{
	struct nl_cache *cache = NULL;
	struct nl_object *obj;
	struct nl_sock *sock;
	struct ifaddrs *ifa = NULL, *p;
	struct ga_error err;
	int rc_connect = -NLE_NOMEM;
	int rc_cache = 0;
	int rc_ifa;

	memset(v, 0, sizeof(*v));
	ck_assert_msg(ga_netns_enter(ns_fd, &err) == 0, "%s", err.msg);
	sock = nl_socket_alloc();
	if (sock)
		rc_connect = nl_connect(sock, NETLINK_ROUTE);
	rc_ifa = getifaddrs(&ifa);
	v->routes = read_routes(&v->lab_routes, v->route_if,
				sizeof(v->route_if), &v->route_mask);
	ck_assert_msg(ga_netns_enter(host_fd, &err) == 0, "%s", err.msg);

	ck_assert_msg(sock != NULL, "nl_socket_alloc failed");
	ck_assert_msg(rc_connect == 0, "nl_connect: %s", nl_geterror(rc_connect));
	ck_assert_msg(rc_ifa == 0, "getifaddrs failed");
	ck_assert_msg(v->routes >= 0, "cannot read the lab's route table");

	/* The socket stays in ns_fd's namespace: the dump is of the lab. */
	rc_cache = rtnl_link_alloc_cache(sock, AF_UNSPEC, &cache);
	ck_assert_msg(rc_cache == 0, "rtnl_link_alloc_cache: %s",
		      nl_geterror(rc_cache));
	for (obj = nl_cache_get_first(cache); obj; obj = nl_cache_get_next(obj)) {
		struct rtnl_link *link = (struct rtnl_link *)obj;
		const char *name = rtnl_link_get_name(link);
		unsigned flags = rtnl_link_get_flags(link);

		if (is_fallback_device(name) && !(flags & IFF_UP))
			continue;
		if (v->nlinks < 8) {
			snprintf(v->links[v->nlinks], IF_NAMESIZE, "%s", name);
			v->link_flags[v->nlinks] = flags;
		}
		v->nlinks++;
	}
	nl_cache_free(cache);
	nl_socket_free(sock);

	for (p = ifa; p; p = p->ifa_next) {
		if (!p->ifa_addr || p->ifa_addr->sa_family != AF_INET ||
		    strcmp(p->ifa_name, veth) != 0)
			continue;
		inet_ntop(AF_INET,
			  &((struct sockaddr_in *)(void *)p->ifa_addr)->sin_addr,
			  v->addr, sizeof(v->addr));
		inet_ntop(AF_INET,
			  &((struct sockaddr_in *)(void *)p->ifa_netmask)->sin_addr,
			  v->netmask, sizeof(v->netmask));
	}
	freeifaddrs(ifa);
}

static void check_side(int ns_fd, int host_fd, const char *veth,
		       const char *addr)
{
	struct ns_view v;
	int i, seen_lo = 0, seen_veth = 0;

	view_namespace(ns_fd, host_fd, veth, &v);
	ck_assert_msg(v.nlinks == 2, "expected lo and %s, found %d links",
		      veth, v.nlinks);
	for (i = 0; i < 2; i++) {
		if (strcmp(v.links[i], "lo") == 0)
			seen_lo = 1;
		else if (strcmp(v.links[i], veth) == 0)
			seen_veth = 1;
		else
			ck_abort_msg("unexpected link %s", v.links[i]);
		ck_assert_msg(v.link_flags[i] & IFF_UP, "%s is down",
			      v.links[i]);
	}
	ck_assert(seen_lo && seen_veth);

	ck_assert_str_eq(v.addr, addr);
	ck_assert_str_eq(v.netmask, "255.255.255.252");

	/* The connected /30, on the veth, and the lab resolver's /32:
	 * nothing to anywhere else. */
	ck_assert_msg(v.routes == 2, "%d IPv4 routes, expected 2", v.routes);
	ck_assert_int_eq(v.lab_routes, 1);
	ck_assert_str_eq(v.route_if, veth);
	ck_assert_uint_eq(ntohl(v.route_mask), 0xfffffffcu);
}

/* The resolver's route: through the veth to the client on the server's
 * side (RTF_GATEWAY), discarded on the client's side (a blackhole: on no
 * interface, "*" in /proc, and through no gateway). */
static void check_resolver_route(int ns_fd, int host_fd, const char *veth,
				 bool server)
{
	struct ns_view v;

	view_namespace(ns_fd, host_fd, veth, &v);
	if (server) {
		ck_assert_str_eq(resolver_if, veth);
		ck_assert_msg(resolver_flags & 0x0002, "flags %#x: no gateway",
			      resolver_flags);
	} else {
		ck_assert_msg(strcmp(resolver_if, "*") == 0, "the client's "
			      "resolver route is on '%s'", resolver_if);
		ck_assert_msg(!(resolver_flags & 0x0002), "flags %#x: through "
			      "a gateway", resolver_flags);
	}
}

START_TEST(test_namespace_contents)
{
	struct ga_lab lab;

	make_lab(&lab, 0x7);
	check_side(lab.client_ns, lab.host_ns, lab.client_if,
		   GA_LAB_CLIENT_ADDR);
	check_side(lab.server_ns, lab.host_ns, lab.server_if,
		   GA_LAB_SERVER_ADDR);
	check_resolver_route(lab.server_ns, lab.host_ns, lab.server_if, true);
	check_resolver_route(lab.client_ns, lab.host_ns, lab.client_if,
			     false);
	ga_lab_destroy(&lab);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Destruction */

/* Counts references to the namespaces with inodes ino[0..n-1] visible in
 * /proc: every task's ns/net link, every process's open descriptors, and
 * nsfs bind mounts in this and init's mount table.  found[i] receives the
 * count for ino[i]. */
static void count_ns_refs(const ino_t *ino, int n, int *found)
{
	char path[PATH_MAX];
	char link[64];
	char want[8][32];
	struct dirent *pe;
	DIR *proc;
	size_t s;
	int i;

	ck_assert_int_le(n, 8);
	for (i = 0; i < n; i++) {
		found[i] = 0;
		snprintf(want[i], sizeof(want[i]), "net:[%lu]",
			 (unsigned long)ino[i]);
	}

	proc = opendir("/proc");
	ck_assert_msg(proc != NULL, "opendir /proc: %s", strerror(errno));
	while ((pe = readdir(proc)) != NULL) {
		static const char *const subdirs[] = { "task", "fd" };

		if (pe->d_name[0] < '1' || pe->d_name[0] > '9')
			continue;
		for (s = 0; s < 2; s++) {
			struct dirent *de;
			DIR *dir;

			snprintf(path, sizeof(path), "/proc/%s/%s", pe->d_name,
				 subdirs[s]);
			dir = opendir(path);
			if (!dir)
				continue;	/* the process is gone */
			while ((de = readdir(dir)) != NULL) {
				ssize_t len;

				if (de->d_name[0] == '.')
					continue;
				if (s == 0)
					snprintf(path, sizeof(path),
						 "/proc/%s/task/%s/ns/net",
						 pe->d_name, de->d_name);
				else
					snprintf(path, sizeof(path),
						 "/proc/%s/fd/%s", pe->d_name,
						 de->d_name);
				len = readlink(path, link, sizeof(link) - 1);
				if (len < 0)
					continue;
				link[len] = '\0';
				for (i = 0; i < n; i++)
					if (strcmp(link, want[i]) == 0)
						found[i]++;
			}
			closedir(dir);
		}
	}
	closedir(proc);

	for (s = 0; s < 2; s++) {
		static const char *const tables[] = {
			"/proc/self/mountinfo", "/proc/1/mountinfo",
		};
		char line[4096];
		FILE *f = fopen(tables[s], "r");

		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			for (i = 0; i < n; i++)
				if (strstr(line, want[i]))
					found[i]++;
		fclose(f);
	}
}

/* The first namespace a process makes makes its nursery too (lab/
 * netns.h), held for the process's life: a lab made and destroyed
 * first, so that the descriptors counted after are the lab's alone. */
static void warm_nursery(void)
{
	struct ga_lab lab;

	make_lab(&lab, 0xe);
	ga_lab_destroy(&lab);
}

START_TEST(test_destroy_frees_namespaces)
{
	struct ga_lab lab;
	ino_t ino[2];
	int found[2];
	int fds;

	warm_nursery();
	fds = count_open_fds();
	make_lab(&lab, 0xd);
	ino[0] = fd_inode(lab.client_ns);
	ino[1] = fd_inode(lab.server_ns);

	/* The scan must see the lab while it exists, or its silence after
	 * destroy would prove nothing: exactly our descriptor for each. */
	count_ns_refs(ino, 2, found);
	ck_assert_msg(found[0] == 1, "client namespace seen %d times, expected 1",
		      found[0]);
	ck_assert_msg(found[1] == 1, "server namespace seen %d times, expected 1",
		      found[1]);

	ga_lab_destroy(&lab);
	ck_assert_int_eq(lab.host_ns, -1);
	ck_assert_int_eq(lab.client_ns, -1);
	ck_assert_int_eq(lab.server_ns, -1);

	/* Nothing holds either namespace now: no task inside, no
	 * descriptor, no bind mount.  A socket opened inside a namespace
	 * pins it too, invisibly to the scan ("socket:[N]"), so the
	 * descriptor count must be back where it was: ga_lab_create's
	 * netlink sockets are gone.  The kernel then frees the namespaces,
	 * and the veth with them, asynchronously.  (The veth was never in
	 * the host namespace, so nothing there can tell that it is gone;
	 * test_host_untouched watches the host for it.) */
	ck_assert_int_eq(count_open_fds(), fds);
	count_ns_refs(ino, 2, found);
	ck_assert_msg(found[0] == 0, "client namespace still referenced %d times",
		      found[0]);
	ck_assert_msg(found[1] == 0, "server namespace still referenced %d times",
		      found[1]);
}
END_TEST

START_TEST(test_destroy_unmade_lab)
{
	struct ga_lab lab;

	memset(&lab, 0, sizeof(lab));
	lab.host_ns = -1;
	lab.client_ns = -1;
	lab.server_ns = -1;
	lab.proxy_ns = -1;
	ga_lab_destroy(&lab);
	ck_assert_int_eq(lab.host_ns, -1);
	ck_assert_int_eq(lab.client_ns, -1);
	ck_assert_int_eq(lab.server_ns, -1);
	ga_lab_destroy(&lab);	/* twice is fine too */
	ck_assert_int_ge(fcntl(0, F_GETFD), 0);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Several labs */

START_TEST(test_labs_coexist)
{
	struct ga_lab a, b, c;
	int i;

	make_lab(&a, 0x1);
	make_lab(&b, 0x2);
	ck_assert_str_ne(a.client_if, b.client_if);
	ck_assert_str_ne(a.server_if, b.server_if);

	/* The same tag again, with a still alive: it works because an
	 * interface name is unique only within its namespace, and each lab
	 * makes its veth inside its own fresh namespaces; no name is ever
	 * registered in the host.  Same names, different namespaces. */
	make_lab(&c, 0x1);
	ck_assert_str_eq(c.client_if, a.client_if);
	ck_assert_str_eq(c.server_if, a.server_if);
	ck_assert_uint_ne(fd_inode(c.client_ns), fd_inode(a.client_ns));
	ck_assert_uint_ne(fd_inode(c.server_ns), fd_inode(a.server_ns));

	/* Each one is whole and separate: the same addresses in three labs
	 * reach three different listeners. */
	for (i = 0; i < 2; i++) {
		check_traffic(&a);
		check_traffic(&b);
		check_traffic(&c);
	}
	check_side(c.client_ns, c.host_ns, c.client_if, GA_LAB_CLIENT_ADDR);
	check_side(a.server_ns, a.host_ns, a.server_if, GA_LAB_SERVER_ADDR);

	ga_lab_destroy(&a);
	ga_lab_destroy(&b);
	ga_lab_destroy(&c);
}
END_TEST

/* A lab made and used from a second thread: namespace switches are per
 * thread, so the main thread never leaves the host, and the worker ends
 * where it began. */
struct worker {
	ino_t before;
	ino_t after;
	ino_t lab_host;
	int made;
	struct ga_error err;
};

static void *make_lab_in_thread(void *arg)
{
	struct worker *w = arg;
	struct ga_lab lab;

	w->before = thread_ns_inode();
	w->made = ga_lab_create(&lab, 0x7e, &w->err) == 0;
	if (w->made) {
		check_traffic(&lab);
		w->lab_host = fd_inode(lab.host_ns);
		ga_lab_destroy(&lab);
	}
	w->after = thread_ns_inode();
	return NULL;
}

START_TEST(test_create_in_thread)
{
	struct worker w;
	pthread_t t;
	ino_t home;

	memset(&w, 0, sizeof(w));
	home = thread_ns_inode();
	ck_assert_int_eq(pthread_create(&t, NULL, make_lab_in_thread, &w), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_msg(w.made, "ga_lab_create in a thread: %s", w.err.msg);
	ck_assert_uint_eq(w.before, home);
	ck_assert_uint_eq(w.lab_host, home);
	ck_assert_uint_eq(w.after, home);
	ck_assert_uint_eq(thread_ns_inode(), home);
}
END_TEST

/* Many labs in a row: no descriptor is left behind, the thread stays
 * home, and the cost stays small (printed, not asserted: timing belongs
 * to "make bench", not to a pass/fail unit test). */
START_TEST(test_repeat)
{
	struct timespec t0, t1;
	struct ga_lab lab;
	ino_t home;
	int fds;
	int i;
	const int rounds = 30;

	home = thread_ns_inode();
	warm_nursery();
	fds = count_open_fds();
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < rounds; i++) {
		make_lab(&lab, 0x100 + (unsigned)i);
		ga_lab_destroy(&lab);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	ck_assert_int_eq(count_open_fds(), fds);
	ck_assert_uint_eq(thread_ns_inode(), home);
	fprintf(stderr, "lab create+destroy: %.2f ms mean over %d\n",
		((double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		 (double)(t1.tv_nsec - t0.tv_nsec) / 1e6) / rounds, rounds);
}
END_TEST

/* ------------------------------------------------------------------ */
/* Failures */

/* Drops CAP_SYS_ADMIN from this (forked) test process's effective set,
 * so unshare(CLONE_NEWNET) fails with EPERM.  (Without root there is
 * nothing to drop, and unshare fails the same way.) */
static void drop_sys_admin(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];

	ck_assert_int_eq(syscall(SYS_capget, &hdr, data), 0);
	data[CAP_TO_INDEX(CAP_SYS_ADMIN)].effective &= ~CAP_TO_MASK(CAP_SYS_ADMIN);
	ck_assert_msg(syscall(SYS_capset, &hdr, data) == 0, "capset: %s",
		      strerror(errno));
}

START_TEST(test_create_fails_cleanly)
{
	struct ga_error err;
	struct ga_lab lab;
	ino_t home;
	int fds;

	drop_sys_admin();
	home = thread_ns_inode();
	fds = count_open_fds();
	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(ga_lab_create(&lab, 0x5, &err), -1);
	ck_assert_msg(strstr(err.msg, "creating the client namespace") &&
		      strstr(err.msg, strerror(EPERM)),
		      "unexpected message: %s", err.msg);
	ck_assert_int_eq(lab.host_ns, -1);
	ck_assert_int_eq(lab.client_ns, -1);
	ck_assert_int_eq(lab.server_ns, -1);
	ck_assert_int_eq(count_open_fds(), fds);
	ck_assert_uint_eq(thread_ns_inode(), home);
	ga_lab_destroy(&lab);
}
END_TEST

START_TEST(test_enter_bad_fd)
{
	struct ga_error err;
	int fd;

	memset(&err, 0, sizeof(err));
	ck_assert_int_eq(ga_netns_enter(-1, &err), -1);
	ck_assert_msg(strstr(err.msg, strerror(EBADF)), "%s", err.msg);

	/* A descriptor that is not a namespace. */
	fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ga_netns_enter(fd, &err), -1);
	ck_assert_msg(strstr(err.msg, strerror(EINVAL)), "%s", err.msg);
	close(fd);
}
END_TEST

/* ---- a kept client namespace (lab/clientns.h, lab/nsstate.h) ---------- */

/* Runs "ip ARGS" inside the namespace ns_fd (nsenter through this
 * process's descriptor); returns its exit status. */
static int ip_in(int ns_fd, const char *args)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "nsenter --net=/proc/%d/fd/%d ip %s "
		 ">/dev/null 2>&1", (int)getpid(), ns_fd, args);
	return system(cmd);
}

/* A namespace's own TCP hash table (net.ipv4.tcp_ehash_entries of the
 * namespace: negative while it shares the host's), read inside it. */
static int read_ehash(void *arg, struct ga_error *err)
{
	long *entries = arg;
	FILE *f = fopen("/proc/sys/net/ipv4/tcp_ehash_entries", "re");

	(void)err;
	if (!f)
		return -1;
	if (fscanf(f, "%ld", entries) != 1)
		*entries = 0;
	fclose(f);
	return 0;
}

/* The namespaces a case's client and server run in: lab's two and a
 * kept client namespace, ns (both made here, the caller ends them). */
static void every_kind_of_namespace(struct ga_lab *lab, unsigned id,
				    struct ga_clientns *ns, int fds[3])
{
	struct ga_error err = { "" };

	make_lab(lab, id);
	ga_clientns_init(ns);
	ck_assert_msg(ga_clientns_ensure(ns, &err) == 0, "%s", err.msg);
	fds[0] = lab->client_ns;
	fds[1] = lab->server_ns;
	fds[2] = ns->fd;
}

/* Every namespace goneaway makes for a lab has a TCP hash table of its
 * own (the nursery's tcp_child_ehash_entries, lab/netns.h): a sock_diag
 * dump walks its own buckets, not the host's 262,144.  A kernel before
 * 6.1 has no such sysctl: skipped there. */
START_TEST(test_own_tcp_hash)
{
	struct ga_error err = { "" };
	struct ga_clientns ns;
	struct ga_lab lab;
	long entries = 0;
	int fds[3];
	size_t i;

	if (access("/proc/sys/net/ipv4/tcp_child_ehash_entries", F_OK) != 0)
		return;         /* before Linux 6.1 */
	every_kind_of_namespace(&lab, 0x1e, &ns, fds);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(ga_netns_run(fds[i], read_ehash, &entries,
					      &err), 0);
		ck_assert_msg(entries == 1024, "namespace %zu: "
			      "tcp_ehash_entries %ld, not its own 1024", i,
			      entries);
	}
	ga_clientns_close(&ns);
	ga_lab_destroy(&lab);
}
END_TEST

struct tcp_buffers {
	char rmem[64], wmem[64];
};

static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (!f)
		return;
	if (!fgets(buf, (int)len, f))
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

static int read_tcp_buffers(void *arg, struct ga_error *err)
{
	struct tcp_buffers *b = arg;

	(void)err;
	read_line("/proc/sys/net/ipv4/tcp_rmem", b->rmem, sizeof(b->rmem));
	read_line("/proc/sys/net/ipv4/tcp_wmem", b->wmem, sizeof(b->wmem));
	return 0;
}

/* Every namespace goneaway makes bounds TCP's buffers as the kernel's
 * defaults do, not as the host's tuning does (a new namespace copies
 * the host's: tcp_rmem up to 32 MiB on the machine this was written
 * on), and the host's own stay as they were. */
START_TEST(test_tcp_buffers_are_the_kernels)
{
	struct ga_error err = { "" };
	struct tcp_buffers host_before, host_after, in;
	struct ga_clientns ns;
	struct ga_lab lab;
	int fds[3];
	size_t i;

	read_tcp_buffers(&host_before, NULL);
	every_kind_of_namespace(&lab, 0x1f, &ns, fds);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(ga_netns_run(fds[i], read_tcp_buffers, &in,
					      &err), 0);
		ck_assert_msg(strcmp(in.rmem, "4096\t131072\t6291456") == 0,
			      "namespace %zu: tcp_rmem %s", i, in.rmem);
		ck_assert_msg(strcmp(in.wmem, "4096\t16384\t4194304") == 0,
			      "namespace %zu: tcp_wmem %s", i, in.wmem);
	}
	ga_clientns_close(&ns);
	ga_lab_destroy(&lab);
	read_tcp_buffers(&host_after, NULL);
	ck_assert_str_eq(host_after.rmem, host_before.rmem);
	ck_assert_str_eq(host_after.wmem, host_before.wmem);
}
END_TEST

/* Labs one after another in one kept client namespace: each makes its
 * link there and takes it away again, so the namespace is as it was made
 * after each (a lab with a proxy too), and the client end's name is the
 * lab's alone. */
START_TEST(test_kept_client_namespace_serves_labs)
{
	struct ga_clientns ns;
	struct ga_error err = { "" };
	struct ga_lab lab;
	unsigned i;

	ga_clientns_init(&ns);
	ck_assert_msg(ga_clientns_ensure(&ns, &err) == 0, "%s", err.msg);
	for (i = 0; i < 3; i++) {
		ck_assert_msg(ga_lab_create_sharing(&lab, 0x4b0 + i, ns.fd, -1,
						    i == 2, &err) == 0,
			      "lab %u: %s", i, err.msg);
		ck_assert(lab.client_kept);
		ck_assert_int_eq(fd_inode(lab.client_ns), ns.ino);
		ga_lab_destroy(&lab);
		ck_assert(!lab.link_left);
		ck_assert_msg(ga_clientns_check(&ns) == 0, "after lab %u: %s",
			      i, ns.given_up);
	}
	ck_assert_int_ge(ns.fd, 0);
	ga_clientns_close(&ns);
}
END_TEST

/* What the comparison finds: a route, a link, an nft table left in the
 * kept namespace gives it up, naming what is new. */
START_TEST(test_kept_client_namespace_change_found)
{
	static const char *const seen[] = { "10.9.9.9", "gaunit", "prio 100" };
	static const char *const changes[] = {
		"route add blackhole 10.9.9.9",
		"link add gaunit0 type veth peer name gaunit1",
		"rule add prio 100 from 10.9.9.9 lookup 7",
	};
	struct ga_clientns ns;
	struct ga_error err = { "" };

	ga_clientns_init(&ns);
	ck_assert_msg(ga_clientns_ensure(&ns, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(ip_in(ns.fd, changes[_i]), 0);
	ck_assert_int_eq(ga_clientns_check(&ns), 1);
	ck_assert_int_eq(ns.fd, -1);
	ck_assert_msg(strstr(ns.given_up, "is not as it was made: ") &&
		      strstr(ns.given_up, seen[_i]), "%s", ns.given_up);
	ga_clientns_close(&ns);
}
END_TEST

struct orphan_job {
	int lfd, cfd, sfd;
	int orphans;            /* after the reset */
};

/* In the namespace: a connection on loopback whose client side is
 * closed while the server side stays open: the client's socket goes on
 * as an orphan (FIN_WAIT2, no process holds it). */
static int make_orphan(void *arg, struct ga_error *err)
{
	struct orphan_job *j = arg;
	struct sockaddr_in a = { .sin_family = AF_INET };
	socklen_t len = sizeof(a);
	int lo_up = system("ip link set lo up");

	(void)err;
	if (lo_up != 0)
		return -1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	j->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (j->lfd < 0 || bind(j->lfd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(j->lfd, 1) ||
	    getsockname(j->lfd, (struct sockaddr *)&a, &len))
		return -1;
	j->cfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (j->cfd < 0 || connect(j->cfd, (struct sockaddr *)&a, sizeof(a)))
		return -1;
	j->sfd = accept(j->lfd, NULL, NULL);
	if (j->sfd < 0)
		return -1;
	close(j->cfd);
	return 0;
}

static int count_orphans(void *arg, struct ga_error *err)
{
	struct orphan_job *j = arg;
	struct ga_tcp_list l = { NULL, 0, 0 };
	size_t i;
	int nl = ga_sockdiag_open();

	(void)err;
	if (nl < 0 || ga_sockdiag_dump(nl, &l))
		return -1;
	close(nl);
	j->orphans = 0;
	for (i = 0; i < l.n; i++)
		if (l.items[i].ino == 0 && l.items[i].state != 6 /* TIME_WAIT */)
			j->orphans++;
	ga_tcp_list_free(&l);
	return 0;
}

/* The reset undoes what the kernel keeps on its own: an orphaned
 * socket (it would go on sending into the next case's link) is gone. */
START_TEST(test_kept_client_namespace_reset)
{
	struct orphan_job j = { -1, -1, -1, 0 };
	struct ga_clientns ns;
	struct ga_error err = { "" };

	ga_clientns_init(&ns);
	ck_assert_msg(ga_clientns_ensure(&ns, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(ga_netns_run(ns.fd, make_orphan, &j, &err), 0);
	ck_assert_int_eq(ga_netns_run(ns.fd, count_orphans, &j, &err), 0);
	ck_assert_int_eq(j.orphans, 1);
	ck_assert_msg(ga_nsstate_reset(ns.fd, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(ga_netns_run(ns.fd, count_orphans, &j, &err), 0);
	ck_assert_int_eq(j.orphans, 0);
	close(j.sfd);
	close(j.lfd);
	ga_clientns_close(&ns);
}
END_TEST

/* The text's comparison: the first line that differs, either way. */
START_TEST(test_nsstate_diff)
{
	char why[128];

	ck_assert_int_eq(ga_nsstate_diff("a\nb\n", "a\nb\n", why,
					 sizeof(why)), 0);
	ck_assert_int_eq(ga_nsstate_diff("a\nb\n", "a\nc\n", why,
					 sizeof(why)), 1);
	ck_assert_str_eq(why, "'c' instead of 'b'");
	ck_assert_int_eq(ga_nsstate_diff("a\n", "a\nb\n", why, sizeof(why)), 1);
	ck_assert_str_eq(why, "'b' is new");
	ck_assert_int_eq(ga_nsstate_diff("a\nb\n", "a\n", why, sizeof(why)), 1);
	ck_assert_str_eq(why, "'b' is gone");
}
END_TEST

Suite *make_lab_suite(struct unit_needs *needs)
{
	static const char why[] = "network namespaces";
	Suite *s;
	TCase *tc;

	s = suite_create("lab");

	if (unit_needs_root(needs, "lab", "traffic", why)) {
		tc = tcase_create("traffic");
		tcase_set_timeout(tc, TIMEOUT);
		tcase_add_test(tc, test_traffic);
		tcase_add_test(tc, test_labs_coexist);
		tcase_add_test(tc, test_create_in_thread);
		suite_add_tcase(s, tc);
	}

	if (unit_needs_root(needs, "lab", "proxy", why)) {
		tc = tcase_create("proxy");
		tcase_set_timeout(tc, TIMEOUT);
		tcase_add_test(tc, test_proxied_lab);
		tcase_add_test(tc, test_direct_lab_has_no_proxy);
		suite_add_tcase(s, tc);
	}

	if (unit_needs_root(needs, "lab", "isolation", why)) {
		tc = tcase_create("isolation");
		tcase_set_timeout(tc, TIMEOUT);
		tcase_add_test(tc, test_host_watch_sees_a_lab_link);
		tcase_add_test(tc, test_host_untouched);
		tcase_add_test(tc, test_namespace_contents);
		tcase_add_test(tc, test_own_tcp_hash);
		tcase_add_test(tc, test_tcp_buffers_are_the_kernels);
		suite_add_tcase(s, tc);
	}

	if (unit_needs_root(needs, "lab", "clientns", why)) {
		tc = tcase_create("clientns");
		tcase_set_timeout(tc, TIMEOUT);
		tcase_add_test(tc, test_kept_client_namespace_serves_labs);
		tcase_add_loop_test(tc, test_kept_client_namespace_change_found,
				    0, 3);
		tcase_add_test(tc, test_kept_client_namespace_reset);
		suite_add_tcase(s, tc);
	}

	if (unit_needs_root(needs, "lab", "lifetime", why)) {
		tc = tcase_create("lifetime");
		tcase_set_timeout(tc, TIMEOUT);
		tcase_add_test(tc, test_destroy_frees_namespaces);
		tcase_add_test(tc, test_repeat);
		suite_add_tcase(s, tc);
	}

	/* Without root as well: a failed create (as root, after dropping
	 * CAP_SYS_ADMIN) and the namespace-free error paths. */
	tc = tcase_create("errors");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_create_fails_cleanly);
	tcase_add_test(tc, test_destroy_unmade_lab);
	tcase_add_test(tc, test_enter_bad_fd);
	tcase_add_test(tc, test_nsstate_diff);
	suite_add_tcase(s, tc);

	return s;
}
