/* nfqueue.c - see nfqueue.h: the NFQUEUE rule (an nftables batch built
 * with libnl) and the queue's socket (libnl-nf-3).
 *
 * The rule's expressions, as "nft --debug=netlink" prints what
 * iptables-nft makes for "-o IF -j NFQUEUE --queue-num N --queue-bypass"
 * (but matching the interface by index, not by name):
 *
 *     [ meta load oif => reg 1 ]
 *     [ cmp eq reg 1 IFINDEX ]
 *     [ target name NFQUEUE rev 3 ]      struct xt_NFQ_info_v3
 */
#include "faults/nfqueue.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nf_tables_compat.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netfilter/nfnetlink_queue.h>
#include <linux/netfilter/x_tables.h>
#include <linux/netfilter/xt_NFQUEUE.h>
#include <linux/netlink.h>

#include <netlink/attr.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/netfilter/nfnl.h>
#include <netlink/netfilter/queue.h>
#include <netlink/netfilter/queue_msg.h>

#include "faults/fault.h"

#define CHAIN "postrouting"
#define NFT_TYPE(t) ((NFNL_SUBSYS_NFTABLES << 8) | (t))
#define RCVBUF (8 << 20)        /* bytes: room for a burst of packets */
#define ACK_TRIES 64            /* datagrams read for the batch's acks */

/* ------------------------------------------------------------------ */
/* The batch */

/* nft identifiers: a letter, then letters, digits and '_'. */
static bool valid_name(const char *name)
{
	size_t n = strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			  "abcdefghijklmnopqrstuvwxyz0123456789_");

	return isalpha((unsigned char)name[0]) && name[n] == '\0' &&
	       n < NFT_TABLE_MAXNAMELEN;
}

/* A new message of type in family, with flags (NLM_F_REQUEST added) and
 * struct nfgenmsg; NULL when out of memory. */
static struct nl_msg *new_msg(int type, int family, int flags, uint32_t seq,
			      uint16_t res_id)
{
	struct nfgenmsg *g;
	struct nl_msg *m;

	m = nlmsg_alloc();
	if (!m)
		return NULL;
	if (!nlmsg_put(m, 0, seq, type, sizeof(*g), flags | NLM_F_REQUEST)) {
		nlmsg_free(m);
		return NULL;
	}
	g = nlmsg_data(nlmsg_hdr(m));
	g->nfgen_family = (uint8_t)family;
	g->version = NFNETLINK_V0;
	g->res_id = htons(res_id);
	return m;
}

static struct nlattr *nest(struct nl_msg *m, int type)
{
	return nla_nest_start(m, type | NLA_F_NESTED);
}

/* One expression of a rule: NFTA_LIST_ELEM { NAME, DATA { ... } }; the
 * caller fills DATA and closes both with end_expr(). */
static struct nlattr *begin_expr(struct nl_msg *m, const char *name,
				 struct nlattr **data)
{
	struct nlattr *elem = nest(m, NFTA_LIST_ELEM);

	if (!elem || nla_put_string(m, NFTA_EXPR_NAME, name) < 0)
		return NULL;
	*data = nest(m, NFTA_EXPR_DATA);
	return *data ? elem : NULL;
}

static void end_expr(struct nl_msg *m, struct nlattr *elem,
		     struct nlattr *data)
{
	nla_nest_end(m, data);
	nla_nest_end(m, elem);
}

static int put_rule_exprs(struct nl_msg *m, unsigned ifindex, uint16_t queue)
{
	struct xt_NFQ_info_v3 info;
	unsigned char padded[XT_ALIGN(sizeof(info))];
	struct nlattr *list, *elem, *data, *value;
	uint32_t oif = ifindex;

	list = nest(m, NFTA_RULE_EXPRESSIONS);
	if (!list)
		return -1;

	elem = begin_expr(m, "meta", &data);
	if (!elem || nla_put_u32(m, NFTA_META_KEY, htonl(NFT_META_OIF)) < 0 ||
	    nla_put_u32(m, NFTA_META_DREG, htonl(NFT_REG_1)) < 0)
		return -1;
	end_expr(m, elem, data);

	/* meta oif loads the index in host order */
	elem = begin_expr(m, "cmp", &data);
	if (!elem || nla_put_u32(m, NFTA_CMP_SREG, htonl(NFT_REG_1)) < 0 ||
	    nla_put_u32(m, NFTA_CMP_OP, htonl(NFT_CMP_EQ)) < 0)
		return -1;
	value = nest(m, NFTA_CMP_DATA);
	if (!value || nla_put(m, NFTA_DATA_VALUE, sizeof(oif), &oif) < 0)
		return -1;
	nla_nest_end(m, value);
	end_expr(m, elem, data);

	/* xt_NFQ_info_v3 in host order, padded as xtables aligns it */
	memset(&info, 0, sizeof(info));
	info.queuenum = queue;
	info.queues_total = 1;
	info.flags = NFQ_FLAG_BYPASS;
	memset(padded, 0, sizeof(padded));
	memcpy(padded, &info, sizeof(info));
	elem = begin_expr(m, "target", &data);
	if (!elem || nla_put_string(m, NFTA_TARGET_NAME, "NFQUEUE") < 0 ||
	    nla_put_u32(m, NFTA_TARGET_REV, htonl(3)) < 0 ||
	    nla_put(m, NFTA_TARGET_INFO, sizeof(padded), padded) < 0)
		return -1;
	end_expr(m, elem, data);
	nla_nest_end(m, list);
	return 0;
}

/* The messages of the batch, in order; NULL at the first that could not
 * be built. */
static struct nl_msg *batch_msg(int k, const char *table, unsigned ifindex,
				uint16_t queue, uint32_t seq)
{
	struct nlattr *hook;
	struct nl_msg *m = NULL;

	switch (k) {
	case 0:
		return new_msg(NFNL_MSG_BATCH_BEGIN, AF_UNSPEC, 0, seq,
			       NFNL_SUBSYS_NFTABLES);
	case 1:         /* NLM_F_EXCL: never adopt a table already there */
		m = new_msg(NFT_TYPE(NFT_MSG_NEWTABLE), NFPROTO_IPV4,
			    NLM_F_CREATE | NLM_F_EXCL | NLM_F_ACK, seq, 0);
		if (m && nla_put_string(m, NFTA_TABLE_NAME, table) < 0)
			goto fail;
		return m;
	case 2:
		m = new_msg(NFT_TYPE(NFT_MSG_NEWCHAIN), NFPROTO_IPV4,
			    NLM_F_CREATE | NLM_F_ACK, seq, 0);
		if (!m || nla_put_string(m, NFTA_CHAIN_TABLE, table) < 0 ||
		    nla_put_string(m, NFTA_CHAIN_NAME, CHAIN) < 0)
			goto fail;
		hook = nest(m, NFTA_CHAIN_HOOK);
		if (!hook ||
		    nla_put_u32(m, NFTA_HOOK_HOOKNUM,
				htonl(NF_INET_POST_ROUTING)) < 0 ||
		    nla_put_u32(m, NFTA_HOOK_PRIORITY,
				htonl((uint32_t)GA_NFQ_PRIORITY)) < 0)
			goto fail;
		nla_nest_end(m, hook);
		if (nla_put_u32(m, NFTA_CHAIN_POLICY, htonl(NF_ACCEPT)) < 0 ||
		    nla_put_string(m, NFTA_CHAIN_TYPE, "filter") < 0)
			goto fail;
		return m;
	case 3:
		m = new_msg(NFT_TYPE(NFT_MSG_NEWRULE), NFPROTO_IPV4,
			    NLM_F_CREATE | NLM_F_APPEND | NLM_F_ACK, seq, 0);
		if (!m || nla_put_string(m, NFTA_RULE_TABLE, table) < 0 ||
		    nla_put_string(m, NFTA_RULE_CHAIN, CHAIN) < 0 ||
		    put_rule_exprs(m, ifindex, queue) < 0)
			goto fail;
		return m;
	case 4:
		return new_msg(NFNL_MSG_BATCH_END, AF_UNSPEC, 0, seq,
			       NFNL_SUBSYS_NFTABLES);
	}
	return NULL;
fail:
	nlmsg_free(m);
	return NULL;
}

#define BATCH_MSGS 5
#define BATCH_ACKS 3            /* table, chain, rule */

/* Appends m to buf at *used; frees m.  Returns 0 or -1 (no room). */
static int append_msg(struct nl_msg *m, void *buf, size_t len, size_t *used)
{
	struct nlmsghdr *h = nlmsg_hdr(m);
	size_t n = NLMSG_ALIGN(h->nlmsg_len);
	int rc = -1;

	if (n <= len - *used) {
		memcpy((char *)buf + *used, h, h->nlmsg_len);
		memset((char *)buf + *used + h->nlmsg_len, 0,
		       n - h->nlmsg_len);
		*used += n;
		rc = 0;
	}
	nlmsg_free(m);
	return rc;
}

long ga_nfq_rule_batch(const char *table, unsigned ifindex, uint16_t queue,
		       uint32_t seq, void *buf, size_t len,
		       struct ga_error *err)
{
	struct nl_msg *m;
	size_t used = 0;
	int k;

	if (!valid_name(table))
		return ga_error_set(err, "nfqueue: '%s' is not a table name "
				    "nft takes", table);
	if (ifindex == 0)
		return ga_error_set(err, "nfqueue: no interface index");
	for (k = 0; k < BATCH_MSGS; k++) {
		m = batch_msg(k, table, ifindex, queue, seq + (uint32_t)k);
		if (!m)
			return ga_error_set(err, "nfqueue: building the nftables "
					    "batch: out of memory");
		if (append_msg(m, buf, len, &used))
			return ga_error_set(err, "nfqueue: the nftables batch "
					    "does not fit in %zu bytes", len);
	}
	return (long)used;
}

/* ------------------------------------------------------------------ */
/* Sending a batch */

static int nf_socket(struct nl_sock **sockp, struct ga_error *err)
{
	struct nl_sock *sk;
	int rc;

	sk = nl_socket_alloc();
	if (!sk)
		return ga_error_set(err, "netfilter netlink socket: out of "
				    "memory");
	rc = nl_connect(sk, NETLINK_NETFILTER);
	if (rc) {
		nl_socket_free(sk);
		ga_error_set(err, "no netfilter netlink socket: %s",
			     nl_geterror(rc));
		return GA_FAULT_UNSUPPORTED;
	}
	*sockp = sk;
	return 0;
}

/* Sends buf and reads the answers to the acks messages with seq numbers
 * from first: returns 0, or the first error the kernel gave (a negative
 * errno), or 1 when the socket failed (err set). */
static int send_and_ack(struct nl_sock *sk, void *buf, size_t len,
			uint32_t first, int acks, int *failed_seq,
			struct ga_error *err)
{
	struct sockaddr_nl peer;
	struct nlmsghdr *h;
	unsigned char *data = NULL;
	int n, got = 0, tries, kerr = 0;

	n = nl_sendto(sk, buf, len);
	if (n < 0) {
		ga_error_set(err, "sending to nf_tables: %s", nl_geterror(n));
		return 1;
	}
	for (tries = 0; got < acks && tries < ACK_TRIES; tries++) {
		n = nl_recv(sk, &peer, &data, NULL);
		if (n <= 0) {
			free(data);
			ga_error_set(err, "reading nf_tables' answer: %s",
				     n ? nl_geterror(n) : "end of file");
			return 1;
		}
		for (h = (struct nlmsghdr *)data; nlmsg_ok(h, n);
		     h = nlmsg_next(h, &n)) {
			struct nlmsgerr *e = nlmsg_data(h);

			if (h->nlmsg_type != NLMSG_ERROR ||
			    h->nlmsg_seq < first ||
			    h->nlmsg_seq >= first + BATCH_MSGS)
				continue;
			got++;
			if (e->error && !kerr) {
				kerr = e->error;
				*failed_seq = (int)(h->nlmsg_seq - first);
			}
		}
		free(data);
		data = NULL;
	}
	if (got < acks && !kerr) {
		ga_error_set(err, "nf_tables answered %d of %d messages", got,
			     acks);
		return 1;
	}
	return kerr;
}

static const char *const batch_what[BATCH_MSGS] = {
	"batch", "table", "chain", "rule", "batch"
};

int ga_nfq_rule_add(const char *table, unsigned ifindex, uint16_t queue,
		    struct ga_error *err)
{
	unsigned char buf[2048];
	struct nl_sock *sk;
	uint32_t seq = 1;
	long len;
	int rc, failed = 0;

	len = ga_nfq_rule_batch(table, ifindex, queue, seq, buf, sizeof(buf),
				err);
	if (len < 0)
		return -1;
	rc = nf_socket(&sk, err);
	if (rc)
		return rc;
	rc = send_and_ack(sk, buf, (size_t)len, seq, BATCH_ACKS, &failed, err);
	nl_socket_free(sk);
	if (rc == 0)
		return 0;
	if (rc == 1)
		return -1;
	ga_error_errno(err, -rc, "nf_tables refused the %s of table ip %s",
		       batch_what[failed], table);
	/* No nf_tables (EOPNOTSUPP, EPROTONOSUPPORT), or no nft_compat or
	 * NFQUEUE target (ENOENT for the rule's expressions). */
	if (rc == -EOPNOTSUPP || rc == -EPROTONOSUPPORT ||
	    (rc == -ENOENT && failed == 3)) {
		ga_error_prefix(err, "the kernel cannot queue packets to user "
				"space (nf_tables with nft_compat and the "
				"xtables NFQUEUE target)");
		return GA_FAULT_UNSUPPORTED;
	}
	return -1;
}

/* Sends the batch of one message, DELTABLE (the table, its chain and
 * rule) or DELRULE (every rule of the chain; the table and the chain's
 * hook stay).  What is not there is not an error.  Returns 0 or -1 with
 * err set. */
static int delete_one(const char *table, bool rules_only,
		      struct ga_error *err)
{
	const char *what = rules_only ? "the rule of table ip" :
			   "table ip";
	unsigned char buf[512];
	struct nl_msg *m;
	struct nl_sock *sk;
	size_t used = 0;
	uint32_t seq = 1;
	int rc, failed = 0, k;

	if (!valid_name(table))
		return ga_error_set(err, "nfqueue: '%s' is not a table name "
				    "nft takes", table);
	for (k = 0; k < 3; k++) {
		if (k == 0)
			m = new_msg(NFNL_MSG_BATCH_BEGIN, AF_UNSPEC, 0, seq,
				    NFNL_SUBSYS_NFTABLES);
		else if (k == 2)
			m = new_msg(NFNL_MSG_BATCH_END, AF_UNSPEC, 0, seq + 2,
				    NFNL_SUBSYS_NFTABLES);
		else if (rules_only) {
			m = new_msg(NFT_TYPE(NFT_MSG_DELRULE), NFPROTO_IPV4,
				    NLM_F_ACK, seq + 1, 0);
			if (m && (nla_put_string(m, NFTA_RULE_TABLE, table) < 0 ||
				  nla_put_string(m, NFTA_RULE_CHAIN, CHAIN) < 0)) {
				nlmsg_free(m);
				m = NULL;
			}
		} else {
			m = new_msg(NFT_TYPE(NFT_MSG_DELTABLE), NFPROTO_IPV4,
				    NLM_F_ACK, seq + 1, 0);
			if (m && nla_put_string(m, NFTA_TABLE_NAME, table) < 0) {
				nlmsg_free(m);
				m = NULL;
			}
		}
		if (!m || append_msg(m, buf, sizeof(buf), &used))
			return ga_error_set(err, "nfqueue: building the delete "
					    "batch failed");
	}
	rc = nf_socket(&sk, err);
	if (rc)
		return -1;
	rc = send_and_ack(sk, buf, used, seq, 1, &failed, err);
	nl_socket_free(sk);
	if (rc == 0 || rc == -ENOENT)
		return 0;
	if (rc == 1)
		return -1;
	return ga_error_errno(err, -rc, "deleting %s %s", what, table);
}

int ga_nfq_rule_delete(const char *table, struct ga_error *err)
{
	return delete_one(table, false, err);
}

int ga_nfq_rule_flush(const char *table, struct ga_error *err)
{
	return delete_one(table, true, err);
}

/* ------------------------------------------------------------------ */
/* The queue */

int ga_nfq_open(struct ga_nfq *q, uint16_t queue, uint32_t maxlen,
		struct ga_error *err)
{
	struct nfnl_queue *cfg;
	struct nl_sock *sk;
	int rc, one = 1, size = RCVBUF;

	q->sock = NULL;
	q->queue = queue;
	rc = nf_socket(&sk, err);
	if (rc)
		return rc;
	cfg = nfnl_queue_alloc();
	if (!cfg) {
		nl_socket_free(sk);
		return ga_error_set(err, "nfqueue: out of memory");
	}
	nfnl_queue_set_group(cfg, queue);
	nfnl_queue_set_copy_mode(cfg, NFNL_QUEUE_COPY_PACKET);
	nfnl_queue_set_copy_range(cfg, 0xffff);
	nfnl_queue_set_maxlen(cfg, maxlen);
	/* With auto-ack on (nl_socket_alloc's default), nfnl_queue_create
	 * waits for the kernel's answer: a refusal is seen here. */
	rc = nfnl_queue_create(sk, cfg);
	nfnl_queue_put(cfg);
	if (rc) {
		nl_socket_free(sk);
		if (rc == -NLE_BUSY || rc == -NLE_PERM)
			return ga_error_set(err, "binding queue %u: %s (is "
					    "another netem fault on this side "
					    "bound to it already?)", queue,
					    nl_geterror(rc));
		ga_error_set(err, "the kernel cannot queue packets to user "
			     "space (nfnetlink_queue): binding queue %u: %s",
			     queue, nl_geterror(rc));
		return rc == -NLE_OPNOTSUPP || rc == -NLE_PROTO_MISMATCH ||
		       rc == -NLE_NOATTR ? GA_FAULT_UNSUPPORTED : -1;
	}
	/* From here on the socket carries packets and verdicts: no ack is
	 * waited for, the kernel's own messages have sequence number 0,
	 * and a packet may be as large as copy_range. */
	nl_socket_disable_auto_ack(sk);
	nl_socket_disable_seq_check(sk);
	nl_socket_enable_msg_peek(sk);
	setsockopt(nl_socket_get_fd(sk), SOL_SOCKET, SO_RCVBUFFORCE, &size,
		   sizeof(size));
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_NO_ENOBUFS, &one,
		   sizeof(one));
	rc = nl_socket_set_nonblocking(sk);
	if (rc) {
		nl_socket_free(sk);
		return ga_error_set(err, "nfqueue: non-blocking socket: %s",
				    nl_geterror(rc));
	}
	q->sock = sk;
	return 0;
}

int ga_nfq_fd(const struct ga_nfq *q)
{
	return q->sock ? nl_socket_get_fd(q->sock) : -1;
}

int ga_nfq_read(struct ga_nfq *q, int max,
		int (*fn)(void *arg, const struct ga_nfq_packet *p,
			  struct ga_error *err),
		void *arg, struct ga_error *err)
{
	struct sockaddr_nl peer;
	struct nfnl_queue_msg *qm;
	struct ga_nfq_packet p;
	struct nlmsghdr *h;
	unsigned char *data = NULL;
	const void *payload;
	int n, count = 0, plen, rc = 0;

	while (count < max) {
		n = nl_recv(q->sock, &peer, &data, NULL);
		if (n == -NLE_AGAIN || n == 0) {
			free(data);
			return count;
		}
		if (n < 0) {
			free(data);
			return ga_error_set(err, "reading queue %u: %s",
					    q->queue, nl_geterror(n));
		}
		for (h = (struct nlmsghdr *)data; rc == 0 && nlmsg_ok(h, n);
		     h = nlmsg_next(h, &n)) {
			if (h->nlmsg_type != ((NFNL_SUBSYS_QUEUE << 8) |
					      NFQNL_MSG_PACKET))
				continue;
			if (nfnlmsg_queue_msg_parse(h, &qm) < 0)
				continue;       /* malformed: nothing to answer */
			payload = nfnl_queue_msg_get_payload(qm, &plen);
			p.id = nfnl_queue_msg_get_packetid(qm);
			p.mark = nfnl_queue_msg_test_mark(qm) ?
				 nfnl_queue_msg_get_mark(qm) : 0;
			p.data = payload;
			p.len = payload && plen > 0 ? (size_t)plen : 0;
			rc = fn(arg, &p, err);
			nfnl_queue_msg_put(qm);
			count++;
		}
		free(data);
		data = NULL;
		if (rc)
			return -1;
	}
	return count;
}

int ga_nfq_verdict(struct ga_nfq *q, uint32_t id, bool accept,
		   const uint8_t *payload, size_t len, struct ga_error *err)
{
	struct nfqnl_msg_verdict_hdr v;
	struct nl_msg *m;
	int rc;

	m = nfnlmsg_alloc_simple(NFNL_SUBSYS_QUEUE, NFQNL_MSG_VERDICT, 0,
				 AF_INET, q->queue);
	if (!m)
		return ga_error_set(err, "nfqueue verdict: out of memory");
	v.id = htonl(id);
	v.verdict = htonl(accept ? NF_ACCEPT : NF_DROP);
	if (nla_put(m, NFQA_VERDICT_HDR, sizeof(v), &v) < 0 ||
	    (payload && nla_put(m, NFQA_PAYLOAD, (int)len, payload) < 0)) {
		nlmsg_free(m);
		return ga_error_set(err, "nfqueue verdict: a packet of %zu "
				    "bytes does not fit", len);
	}
	rc = nl_send_auto(q->sock, m);
	nlmsg_free(m);
	if (rc < 0)
		return ga_error_set(err, "nfqueue verdict on packet %u: %s", id,
				    nl_geterror(rc));
	return 0;
}

int ga_nfq_kernel_drops(uint16_t queue, unsigned long *queue_dropped,
			unsigned long *user_dropped, struct ga_error *err)
{
	unsigned long num, portid, total, mode, range, qd, ud;
	char line[256];
	FILE *f;
	int found = 0;

	/* thread-self: the namespace of the calling thread, not of the
	 * process's first one */
	f = fopen("/proc/thread-self/net/netfilter/nfnetlink_queue", "re");
	if (!f)
		return ga_error_errno(err, errno, "reading the queue counters");
	while (!found && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lu %lu %lu %lu %lu %lu %lu", &num, &portid,
			   &total, &mode, &range, &qd, &ud) == 7 &&
		    num == queue) {
			*queue_dropped = qd;
			*user_dropped = ud;
			found = 1;
		}
	}
	fclose(f);
	return found ? 0 : ga_error_set(err, "queue %u is not bound", queue);
}

void ga_nfq_close(struct ga_nfq *q)
{
	if (q->sock)
		nl_socket_free(q->sock);
	q->sock = NULL;
}
