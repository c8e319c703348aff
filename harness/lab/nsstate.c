/* nsstate.c - see nsstate.h
 *
 * Everything is read on a thread inside the namespace (lab/netns.h):
 * rtnetlink through libnl-route's caches, nft's tables and conntrack
 * and TCP metrics through raw netfilter and generic netlink messages
 * (libnl's core), the legacy iptables tables through /proc, which shows
 * a thread the namespace it is in.  Lines of one
 * kind come in the kernel's order, which is stable for a namespace
 * nobody changes.
 */
#include "lab/nsstate.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/neighbour.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_conntrack.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/rtnetlink.h>
#include <linux/tcp_metrics.h>
#include <net/if.h>
#include <netinet/tcp.h>

#include <netlink/attr.h>
#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/neighbour.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/route.h>
#include <netlink/route/rule.h>
#include <netlink/route/tc.h>

#include "lab/netns.h"
#include "lab/sockdiag.h"

/* ---- the text ------------------------------------------------------------- */

struct take {
	FILE *f;                        /* the text being written */
	struct nl_cache *links;         /* ifindex -> name */
};

static const char *ifname(const struct take *t, int ifindex, char *buf,
			  size_t len)
{
	if (ifindex <= 0)
		return "-";
	if (!rtnl_link_i2name(t->links, ifindex, buf, len))
		snprintf(buf, len, "#%d", ifindex);
	return buf;
}

static const char *addr_text(const struct nl_addr *a, char *buf, size_t len)
{
	if (!a)
		return "-";
	return nl_addr2str(a, buf, len);
}

static void one_link(struct nl_object *obj, void *arg)
{
	struct take *t = arg;
	struct rtnl_link *l = (struct rtnl_link *)obj;
	const char *kind = rtnl_link_get_type(l);
	const char *q = rtnl_link_get_qdisc(l);
	char a[64], m[IF_NAMESIZE + 4];

	fprintf(t->f, "link %s kind %s flags %#x mtu %u txqlen %u qdisc %s "
		"addr %s master %s group %u\n", rtnl_link_get_name(l),
		kind ? kind : "-", rtnl_link_get_flags(l), rtnl_link_get_mtu(l),
		rtnl_link_get_txqlen(l), q ? q : "-",
		addr_text(rtnl_link_get_addr(l), a, sizeof(a)),
		ifname(t, rtnl_link_get_master(l), m, sizeof(m)),
		rtnl_link_get_group(l));
}

static void one_addr(struct nl_object *obj, void *arg)
{
	struct take *t = arg;
	struct rtnl_addr *a = (struct rtnl_addr *)obj;
	char local[64], peer[64], dev[IF_NAMESIZE + 4];

	fprintf(t->f, "addr %d %s peer %s dev %s scope %d flags %#x\n",
		rtnl_addr_get_family(a),
		addr_text(rtnl_addr_get_local(a), local, sizeof(local)),
		addr_text(rtnl_addr_get_peer(a), peer, sizeof(peer)),
		ifname(t, rtnl_addr_get_ifindex(a), dev, sizeof(dev)),
		rtnl_addr_get_scope(a), rtnl_addr_get_flags(a));
}

static void one_nexthop(struct rtnl_nexthop *nh, void *arg)
{
	struct take *t = arg;
	char gw[64], dev[IF_NAMESIZE + 4];

	fprintf(t->f, " via %s dev %s weight %u flags %#x",
		addr_text(rtnl_route_nh_get_gateway(nh), gw, sizeof(gw)),
		ifname(t, rtnl_route_nh_get_ifindex(nh), dev, sizeof(dev)),
		rtnl_route_nh_get_weight(nh), rtnl_route_nh_get_flags(nh));
}

static void one_route(struct nl_object *obj, void *arg)
{
	struct take *t = arg;
	struct rtnl_route *r = (struct rtnl_route *)obj;
	char dst[64], src[64], pref[64];
	uint32_t v;
	int i;

	fprintf(t->f, "route %d table %u type %u proto %u scope %u dst %s "
		"src %s prefsrc %s prio %u tos %u flags %#x",
		rtnl_route_get_family(r), rtnl_route_get_table(r),
		rtnl_route_get_type(r), rtnl_route_get_protocol(r),
		rtnl_route_get_scope(r),
		addr_text(rtnl_route_get_dst(r), dst, sizeof(dst)),
		addr_text(rtnl_route_get_src(r), src, sizeof(src)),
		addr_text(rtnl_route_get_pref_src(r), pref, sizeof(pref)),
		rtnl_route_get_priority(r), rtnl_route_get_tos(r),
		rtnl_route_get_flags(r));
	for (i = 1; i <= RTAX_MAX; i++)
		if (rtnl_route_get_metric(r, i, &v) == 0)
			fprintf(t->f, " m%d %u", i, v);
	rtnl_route_foreach_nexthop(r, one_nexthop, t);
	fputc('\n', t->f);
}

static void one_rule(struct nl_object *obj, void *arg)
{
	struct take *t = arg;
	struct rtnl_rule *r = (struct rtnl_rule *)obj;
	char src[64], dst[64];
	const char *iif = rtnl_rule_get_iif(r), *oif = rtnl_rule_get_oif(r);

	fprintf(t->f, "rule %d prio %u table %u action %u from %s to %s "
		"iif %s oif %s mark %#x/%#x goto %u\n", rtnl_rule_get_family(r),
		rtnl_rule_get_prio(r), rtnl_rule_get_table(r),
		rtnl_rule_get_action(r),
		addr_text(rtnl_rule_get_src(r), src, sizeof(src)),
		addr_text(rtnl_rule_get_dst(r), dst, sizeof(dst)),
		iif ? iif : "-", oif ? oif : "-", rtnl_rule_get_mark(r),
		rtnl_rule_get_mask(r), rtnl_rule_get_goto(r));
}

/* A neighbour entry someone set by hand; the kernel's own cache comes
 * and goes as it resolves (a kept lab's ARP entry goes from REACHABLE
 * to STALE between two cases). */
static void one_neigh(struct nl_object *obj, void *arg)
{
	struct take *t = arg;
	struct rtnl_neigh *n = (struct rtnl_neigh *)obj;
	int state = rtnl_neigh_get_state(n);
	char dst[64], ll[64], dev[IF_NAMESIZE + 4];

	if (!(state & (NUD_PERMANENT | NUD_NOARP)))
		return;
	fprintf(t->f, "neigh %d %s lladdr %s dev %s state %#x flags %#x\n",
		rtnl_neigh_get_family(n),
		addr_text(rtnl_neigh_get_dst(n), dst, sizeof(dst)),
		addr_text(rtnl_neigh_get_lladdr(n), ll, sizeof(ll)),
		ifname(t, rtnl_neigh_get_ifindex(n), dev, sizeof(dev)), state,
		rtnl_neigh_get_flags(n));
}

static void one_qdisc(struct nl_object *obj, void *arg)
{
	struct take *t = arg;
	struct rtnl_tc *tc = (struct rtnl_tc *)obj;
	const char *kind = rtnl_tc_get_kind(tc);
	uint32_t h = rtnl_tc_get_handle(tc), p = rtnl_tc_get_parent(tc);
	char dev[IF_NAMESIZE + 4];

	fprintf(t->f, "qdisc %s dev %s handle %x:%x parent %x:%x\n",
		kind ? kind : "-", ifname(t, rtnl_tc_get_ifindex(tc), dev,
					  sizeof(dev)),
		h >> 16, h & 0xffff, p >> 16, p & 0xffff);
}

/* rtnetlink: links first (their names serve the others). */
static int take_rtnl(struct take *t, struct ga_error *err)
{
	struct nl_cache *c = NULL;
	struct nl_sock *sock;
	int rc;

	if (ga_netns_route_socket(&sock, "kept", err))
		return -1;
	rc = rtnl_link_alloc_cache(sock, AF_UNSPEC, &t->links);
	if (rc == 0) {
		nl_cache_foreach(t->links, one_link, t);
		rc = rtnl_addr_alloc_cache(sock, &c);
	}
	if (rc == 0) {
		nl_cache_foreach(c, one_addr, t);
		nl_cache_free(c);
		c = NULL;
		rc = rtnl_route_alloc_cache(sock, AF_UNSPEC, 0, &c);
	}
	if (rc == 0) {
		nl_cache_foreach(c, one_route, t);
		nl_cache_free(c);
		c = NULL;
		rc = rtnl_rule_alloc_cache(sock, AF_UNSPEC, &c);
	}
	if (rc == 0) {
		nl_cache_foreach(c, one_rule, t);
		nl_cache_free(c);
		c = NULL;
		rc = rtnl_neigh_alloc_cache(sock, &c);
	}
	if (rc == 0) {
		nl_cache_foreach(c, one_neigh, t);
		nl_cache_free(c);
		c = NULL;
		rc = rtnl_qdisc_alloc_cache(sock, &c);
	}
	if (rc == 0) {
		nl_cache_foreach(c, one_qdisc, t);
		nl_cache_free(c);
	}
	nl_socket_free(sock);
	if (rc)
		return ga_error_set(err, "reading the namespace's links, "
				    "addresses, routes, rules, neighbours and "
				    "qdiscs: %s", nl_geterror(rc));
	return 0;
}

/* ---- netfilter ------------------------------------------------------------ */

static int one_table(struct nl_msg *msg, void *arg)
{
	struct take *t = arg;
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nfgenmsg *g = nlmsg_data(h);
	struct nlattr *a[NFTA_TABLE_MAX + 1];

	if (nlmsg_parse(h, sizeof(*g), a, NFTA_TABLE_MAX, NULL) < 0 ||
	    !a[NFTA_TABLE_NAME])
		return NL_SKIP;
	fprintf(t->f, "nft table %u %s\n", g->nfgen_family,
		nla_get_string(a[NFTA_TABLE_NAME]));
	return NL_OK;
}

/* Every nft table (a chain, a set or a rule lives in one). */
static int take_nft(struct take *t, struct ga_error *err)
{
	struct nfgenmsg g = { .nfgen_family = AF_UNSPEC,
			      .version = NFNETLINK_V0 };
	struct nl_sock *sock = nl_socket_alloc();
	int rc;

	if (!sock)
		return ga_error_set(err, "out of memory");
	rc = nl_connect(sock, NETLINK_NETFILTER);
	if (rc == 0)
		rc = nl_socket_modify_cb(sock, NL_CB_VALID, NL_CB_CUSTOM,
					 one_table, t);
	if (rc == 0)
		rc = nl_send_simple(sock, NFNL_SUBSYS_NFTABLES << 8 |
				    NFT_MSG_GETTABLE, NLM_F_DUMP, &g, sizeof(g));
	if (rc >= 0)
		rc = nl_recvmsgs_default(sock);
	nl_socket_free(sock);
	/* a kernel without nf_tables has no table */
	if (rc < 0 && rc != -NLE_OPNOTSUPP && rc != -NLE_OBJ_NOTFOUND &&
	    rc != -NLE_PROTO_MISMATCH)
		return ga_error_set(err, "listing the namespace's nft tables: "
				    "%s", nl_geterror(rc));
	return 0;
}

/* The legacy iptables tables in use (x_tables: /proc/net shows the
 * reading thread's namespace). */
static void take_xtables(struct take *t)
{
	static const char *const files[] = { "ip_tables_names",
		"ip6_tables_names", "arp_tables_names" };
	char path[96], line[128];
	size_t i;
	FILE *f;

	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "/proc/thread-self/net/%s",
			 files[i]);
		f = fopen(path, "re");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f))
			fprintf(t->f, "xtables %s %s", files[i], line);
		fclose(f);
	}
}

static int take_here(void *arg, struct ga_error *err)
{
	struct take *t = arg;
	int rc;

	rc = take_rtnl(t, err);
	if (rc == 0)
		rc = take_nft(t, err);
	if (rc == 0)
		take_xtables(t);
	if (t->links)
		nl_cache_free(t->links);
	t->links = NULL;
	return rc;
}

int ga_nsstate_take(int ns_fd, char **text, struct ga_error *err)
{
	struct take t = { NULL, NULL };
	size_t len = 0;
	int rc;

	*text = NULL;
	t.f = open_memstream(text, &len);
	if (!t.f)
		return ga_error_set(err, "out of memory");
	rc = ga_netns_run(ns_fd, take_here, &t, err);
	if (fclose(t.f) != 0 && rc == 0)
		rc = ga_error_set(err, "out of memory");
	if (rc) {
		free(*text);
		*text = NULL;
	}
	return rc;
}

/* ---- undoing what the kernel keeps --------------------------------------- */

/* One request and its acknowledgement; errors the caller names are
 * taken as "nothing to do" (0). */
static int request(struct nl_sock *sock, struct nl_msg *msg, int ok1,
		   int ok2)
{
	int rc = nl_send_auto(sock, msg);

	nlmsg_free(msg);
	if (rc >= 0)
		rc = nl_wait_for_ack(sock);
	if (rc == ok1 || rc == ok2)
		return 0;
	return rc < 0 ? rc : 0;
}

/* conntrack's table emptied, each family (a kernel or namespace without
 * conntrack has none: ENOENT, EOPNOTSUPP). */
static int flush_conntrack(struct ga_error *err)
{
	static const uint8_t families[] = { AF_INET, AF_INET6 };
	struct nl_sock *sock = nl_socket_alloc();
	struct nfgenmsg g = { .version = NFNETLINK_V0 };
	struct nl_msg *msg;
	size_t i;
	int rc;

	if (!sock)
		return ga_error_set(err, "out of memory");
	rc = nl_connect(sock, NETLINK_NETFILTER);
	for (i = 0; rc == 0 && i < sizeof(families); i++) {
		g.nfgen_family = families[i];
		msg = nlmsg_alloc_simple(NFNL_SUBSYS_CTNETLINK << 8 |
					 IPCTNL_MSG_CT_DELETE, NLM_F_ACK);
		if (!msg || nlmsg_append(msg, &g, sizeof(g), NLMSG_ALIGNTO)) {
			nlmsg_free(msg);
			rc = -NLE_NOMEM;
			break;
		}
		rc = request(sock, msg, -NLE_OBJ_NOTFOUND, -NLE_OPNOTSUPP);
	}
	nl_socket_free(sock);
	if (rc)
		return ga_error_set(err, "emptying the namespace's conntrack "
				    "table: %s", nl_geterror(rc));
	return 0;
}

static int family_id(struct nl_msg *msg, void *arg)
{
	struct nlmsghdr *h = nlmsg_hdr(msg);
	struct nlattr *a[CTRL_ATTR_MAX + 1];

	if (nlmsg_parse(h, GENL_HDRLEN, a, CTRL_ATTR_MAX, NULL) == 0 &&
	    a[CTRL_ATTR_FAMILY_ID])
		*(int *)arg = nla_get_u16(a[CTRL_ATTR_FAMILY_ID]);
	return NL_OK;
}

static struct nl_msg *genl_msg(int family, uint8_t cmd, int flags)
{
	struct genlmsghdr g = { .cmd = cmd, .version = 1 };
	struct nl_msg *msg = nlmsg_alloc_simple(family, flags);

	if (msg && nlmsg_append(msg, &g, sizeof(g), NLMSG_ALIGNTO)) {
		nlmsg_free(msg);
		return NULL;
	}
	return msg;
}

/* TCP's cached metrics per peer, all of them (TCP_METRICS_CMD_DEL with
 * no address: "ip tcp_metrics flush all"). */
static int flush_tcp_metrics(struct ga_error *err)
{
	struct nl_sock *sock = nl_socket_alloc();
	struct nl_msg *msg = NULL;
	int rc, family = -1;

	if (!sock)
		return ga_error_set(err, "out of memory");
	rc = nl_connect(sock, NETLINK_GENERIC);
	if (rc == 0)
		rc = nl_socket_modify_cb(sock, NL_CB_VALID, NL_CB_CUSTOM,
					 family_id, &family);
	if (rc == 0) {
		msg = genl_msg(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
		rc = !msg || nla_put_string(msg, CTRL_ATTR_FAMILY_NAME,
					    TCP_METRICS_GENL_NAME) ?
		     -NLE_NOMEM : 0;
	}
	if (rc == 0) {
		rc = nl_send_auto(sock, msg);
		if (rc >= 0)
			rc = nl_recvmsgs_default(sock);
	}
	nlmsg_free(msg);
	msg = NULL;
	if (rc >= 0 && family > 0) {
		msg = genl_msg(family, TCP_METRICS_CMD_DEL, NLM_F_ACK);
		rc = msg ? request(sock, msg, -NLE_OBJ_NOTFOUND,
				   -NLE_OBJ_NOTFOUND) : -NLE_NOMEM;
	}
	nl_socket_free(sock);
	/* a kernel without the family has nothing cached (-NLE_OBJ_NOTFOUND
	 * from the controller) */
	if (rc < 0 && rc != -NLE_OBJ_NOTFOUND)
		return ga_error_set(err, "emptying the namespace's TCP "
				    "metrics: %s", nl_geterror(rc));
	return 0;
}

/* TCP sockets no process holds (inode 0): closing ones that would go on
 * sending FINs or retransmissions into the next case's link. */
static int abort_orphans(struct ga_error *err)
{
	struct ga_tcp_list l = { NULL, 0, 0 };
	size_t i;
	int nl, rc;

	nl = ga_sockdiag_open();
	if (nl < 0)
		return ga_error_errno(err, errno, "sock_diag socket");
	rc = ga_sockdiag_dump(nl, &l);
	for (i = 0; rc == 0 && i < l.n; i++) {
		if (l.items[i].ino != 0 || l.items[i].state == TCP_TIME_WAIT ||
		    l.items[i].state == TCP_CLOSE)
			continue;
		rc = ga_sockdiag_destroy(nl, &l.items[i]);
		if (rc == -ENOENT)
			rc = 0;         /* gone meanwhile */
	}
	close(nl);
	ga_tcp_list_free(&l);
	if (rc == -EOPNOTSUPP)
		rc = 0;         /* no SOCK_DESTROY here: they end on their own */
	if (rc)
		return ga_error_errno(err, -rc, "aborting the namespace's "
				      "orphaned TCP sockets");
	return 0;
}

static int reset_here(void *arg, struct ga_error *err)
{
	(void)arg;
	if (abort_orphans(err) || flush_conntrack(err) ||
	    flush_tcp_metrics(err))
		return -1;
	return 0;
}

int ga_nsstate_reset(int ns_fd, struct ga_error *err)
{
	return ga_netns_run(ns_fd, reset_here, NULL, err);
}

/* ---- comparing ------------------------------------------------------------ */

static size_t line_len(const char *s)
{
	const char *nl = strchr(s, '\n');

	return nl ? (size_t)(nl - s) : strlen(s);
}

int ga_nsstate_diff(const char *was, const char *now, char *why, size_t len)
{
	size_t a, b;

	while (*was || *now) {
		a = line_len(was);
		b = line_len(now);
		if (a != b || memcmp(was, now, a) != 0) {
			if (!*now)
				snprintf(why, len, "'%.*s' is gone", (int)a, was);
			else if (!*was)
				snprintf(why, len, "'%.*s' is new", (int)b, now);
			else
				snprintf(why, len, "'%.*s' instead of '%.*s'",
					 (int)b, now, (int)a, was);
			return 1;
		}
		was += a + (was[a] == '\n');
		now += b + (now[b] == '\n');
	}
	return 0;
}
