/* residue.c - see residue.h */
#include "faults/residue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlink/cache.h>
#include <netlink/errno.h>
#include <netlink/route/qdisc.h>
#include <netlink/route/tc.h>

#include "faults/nft.h"
#include "lab/netns.h"
#include "util/strbuf.h"

#define STATE_MAX 8192          /* a lab's text: a few lines per link */

struct qdisc_walk {
	struct ga_strbuf *sb;
	const char *where;
};

static void one_qdisc(struct nl_object *obj, void *arg)
{
	struct qdisc_walk *w = arg;
	struct rtnl_tc *tc = (struct rtnl_tc *)obj;
	const char *kind = rtnl_tc_get_kind(tc);
	uint32_t h = rtnl_tc_get_handle(tc), p = rtnl_tc_get_parent(tc);

	ga_strbuf_add(w->sb, "%s qdisc %d %s %x:%x parent %x:%x\n", w->where,
		      rtnl_tc_get_ifindex(tc), kind ? kind : "?", h >> 16,
		      h & 0xffff, p >> 16, p & 0xffff);
}

struct ns_job {
	struct ga_strbuf *sb;
	const char *where;
};

/* ga_netns_run() work: every qdisc of the namespace, in the kernel's
 * order (by link, then handle). */
static int qdiscs_here(void *arg, struct ga_error *err)
{
	struct ns_job *job = arg;
	struct nl_sock *sock = NULL;
	struct nl_cache *cache = NULL;
	struct qdisc_walk w = { job->sb, job->where };
	int rc;

	rc = ga_netns_route_socket(&sock, job->where, err);
	if (rc)
		return rc;
	rc = rtnl_qdisc_alloc_cache(sock, &cache);
	nl_socket_free(sock);
	if (rc < 0)
		return ga_error_set(err, "listing the qdiscs of the %s "
				    "namespace: %s", job->where,
				    nl_geterror(rc));
	nl_cache_foreach(cache, one_qdisc, &w);
	nl_cache_free(cache);
	return 0;
}

/* One namespace's part of the text. */
static int namespace_state(int ns_fd, const char *where,
			   struct ga_strbuf *sb, struct ga_error *err)
{
	struct ns_job job = { sb, where };
	char *tables = NULL, *line, *save = NULL;

	if (ga_nft_list_tables_in(ns_fd, &tables, err))
		return ga_error_prefix(err, "the %s namespace's nft tables",
				       where);
	for (line = strtok_r(tables, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		ga_strbuf_add(sb, "%s nft %s\n", where, line);
	free(tables);
	return ga_netns_run(ns_fd, qdiscs_here, &job, err);
}

int ga_fault_lab_state(const struct ga_fault_target *t, char **text,
		       struct ga_error *err)
{
	struct ga_strbuf sb;
	char *buf;

	*text = NULL;
	buf = malloc(STATE_MAX);
	if (!buf)
		return ga_error_set(err, "out of memory");
	ga_strbuf_init(&sb, buf, STATE_MAX);
	if (namespace_state(t->client_ns, "client", &sb, err) ||
	    namespace_state(t->server_ns, "server", &sb, err) ||
	    (t->connect_addr && t->connect_ns >= 0 &&
	     namespace_state(t->connect_ns, "proxy", &sb, err))) {
		free(buf);
		return -1;
	}
	if (sb.cut) {
		free(buf);
		return ga_error_set(err, "the lab's state is longer than %d "
				    "bytes", STATE_MAX);
	}
	*text = buf;
	return 0;
}
