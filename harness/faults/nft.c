/* nft.c - see nft.h */
#include "faults/nft.h"

#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/netlink.h>
#include <nftables/libnftables.h>

#include "faults/fault.h"
#include "lab/netns.h"

/* Opens a libnftables context with buffered output and errors, on the
 * calling thread's namespace.  Returns 0, -1 or GA_FAULT_UNSUPPORTED;
 * free *ctx with nft_ctx_free(). */
static int nft_open(struct nft_ctx **ctx, struct ga_error *err)
{
	int fd;

	/* nft_ctx_new() opens its netlink socket at once, and libnftables
	 * 1.0.6 exit()s the whole process when it cannot ("Unable to
	 * initialize Netlink socket"): try one first ourselves. */
	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
	if (fd < 0) {
		ga_error_errno(err, errno, "nf_tables unavailable: cannot open "
			       "a netfilter netlink socket");
		return GA_FAULT_UNSUPPORTED;
	}
	close(fd);
	*ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!*ctx) {
		ga_error_set(err, "nf_tables unavailable: nft_ctx_new failed");
		return GA_FAULT_UNSUPPORTED;
	}
	if (nft_ctx_buffer_output(*ctx) != 0 || nft_ctx_buffer_error(*ctx) != 0) {
		nft_ctx_free(*ctx);
		*ctx = NULL;
		return ga_error_set(err, "libnftables: cannot buffer output");
	}
	return 0;
}

/* Runs cmds; on failure puts libnftables' first error line into err
 * (1.0.6 quotes the buffer's first line under it, whichever line was at
 * fault, so that part is left out).  Returns 0, -1, or GA_FAULT_UNSUPPORTED
 * when the kernel lacks what the commands need (missing_is_unsupported:
 * also for "No such file or directory", which a script that makes every
 * object it names only gets for a missing kernel module). */
static int nft_run(struct nft_ctx *ctx, const char *cmds,
		   bool missing_is_unsupported, struct ga_error *err)
{
	const char *text, *p;
	struct ga_error e;
	size_t len;
	int rc = -1;

	if (nft_run_cmd_from_buffer(ctx, cmds) == 0)
		return 0;
	text = nft_ctx_get_error_buffer(ctx);
	if (!text || !*text)
		text = "libnftables failed without a message";
	len = strcspn(text, "\n");
	p = strstr(text, "Error: ");    /* after a location, if any */
	if (p && p < text + len) {
		len -= (size_t)(p + 7 - text);
		text = p + 7;
	}
	ga_error_set(&e, "nft: %.*s", (int)len, text);
	if (strstr(e.msg, "Operation not supported") ||
	    strstr(e.msg, "Protocol not supported") ||
	    (missing_is_unsupported &&
	     strstr(e.msg, "No such file or directory")))
		rc = GA_FAULT_UNSUPPORTED;
	if (err)
		*err = e;
	return rc;
}

static int apply_here(void *arg, struct ga_error *err)
{
	struct nft_ctx *ctx;
	int rc;

	rc = nft_open(&ctx, err);
	if (rc != 0)
		return rc;
	rc = nft_run(ctx, arg, true, err);
	nft_ctx_free(ctx);
	return rc;
}

int ga_nft_apply_in(int ns_fd, const char *script, struct ga_error *err)
{
	return ga_netns_run(ns_fd, apply_here, (void *)script, err);
}

/* True when "list tables" output has the line "table inet NAME". */
static bool has_table(const char *out, const char *name)
{
	size_t nlen = strlen(name);
	const char *p = out;

	while (p && *p) {
		if (strncmp(p, "table inet ", 11) == 0 &&
		    strncmp(p + 11, name, nlen) == 0 &&
		    (p[11 + nlen] == '\n' || p[11 + nlen] == '\0'))
			return true;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

static int delete_here(void *arg, struct ga_error *err)
{
	const char *table = arg;
	struct nft_ctx *ctx;
	char cmd[128];
	int rc;

	rc = nft_open(&ctx, err);
	if (rc != 0)
		return -1;
	rc = nft_run(ctx, "list tables inet", false, err);
	if (rc == 0 && has_table(nft_ctx_get_output_buffer(ctx), table)) {
		snprintf(cmd, sizeof(cmd), "delete table inet %s", table);
		rc = nft_run(ctx, cmd, false, err);
	}
	nft_ctx_free(ctx);
	return rc == 0 ? 0 : -1;
}

int ga_nft_delete_table_in(int ns_fd, const char *table, struct ga_error *err)
{
	return ga_netns_run(ns_fd, delete_here, (void *)table, err);
}

static int list_here(void *arg, struct ga_error *err)
{
	char **out = arg;
	struct nft_ctx *ctx;
	const char *text;
	int rc;

	rc = nft_open(&ctx, err);
	if (rc != 0)
		return -1;
	rc = nft_run(ctx, "list tables", false, err);
	if (rc == 0) {
		text = nft_ctx_get_output_buffer(ctx);
		*out = strdup(text ? text : "");
		if (!*out)
			rc = ga_error_set(err, "out of memory");
	}
	nft_ctx_free(ctx);
	return rc == 0 ? 0 : -1;
}

int ga_nft_list_tables_in(int ns_fd, char **out, struct ga_error *err)
{
	*out = NULL;
	return ga_netns_run(ns_fd, list_here, out, err);
}

const char *ga_nft_table_name(unsigned tag, unsigned line, char *buf,
			      size_t len)
{
	snprintf(buf, len, "goneaway_%x_%u", tag, line);
	return buf;
}

bool ga_nft_valid_table(const char *name)
{
	size_t n = strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			  "abcdefghijklmnopqrstuvwxyz0123456789_");

	return isalpha((unsigned char)name[0]) && name[n] == '\0' && n < 64;
}
