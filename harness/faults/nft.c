/* nft.c - see nft.h */
#include "faults/nft.h"

#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
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

/* What a job in a namespace deletes or flushes: "table FAMILY NAME". */
struct table_job {
	const char *family;     /* "inet", "ip" */
	const char *name;
	bool flush_only;        /* its rules go, the table and hooks stay */
};

/* True when "list tables" output has the line "table FAMILY NAME". */
static bool has_table(const char *out, const struct table_job *j)
{
	size_t flen = strlen(j->family), nlen = strlen(j->name);
	const char *p = out;

	while (p && *p) {
		if (strncmp(p, "table ", 6) == 0 &&
		    strncmp(p + 6, j->family, flen) == 0 && p[6 + flen] == ' ' &&
		    strncmp(p + 7 + flen, j->name, nlen) == 0 &&
		    (p[7 + flen + nlen] == '\n' || p[7 + flen + nlen] == '\0'))
			return true;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

static int table_here(void *arg, struct ga_error *err)
{
	const struct table_job *j = arg;
	struct nft_ctx *ctx;
	char cmd[128];
	int rc;

	rc = nft_open(&ctx, err);
	if (rc != 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "list tables %s", j->family);
	rc = nft_run(ctx, cmd, false, err);
	if (rc == 0 && has_table(nft_ctx_get_output_buffer(ctx), j)) {
		snprintf(cmd, sizeof(cmd), "%s table %s %s", j->flush_only ?
			 "flush" : "delete", j->family, j->name);
		rc = nft_run(ctx, cmd, false, err);
	}
	nft_ctx_free(ctx);
	return rc == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------ */
/* Holds: the tables of a namespace where a queue holds packets */

#define HOLDS_MAX 64            /* namespaces held at once */
#define RETIRED_MAX 64          /* tables retired in one of them */

struct hold {
	dev_t dev;
	ino_t ino;
	unsigned count;                         /* its holders */
	unsigned nretired;
	struct retired {
		char family[8];
		char name[64];
	} retired[RETIRED_MAX];
};

static pthread_mutex_t holds_lock = PTHREAD_MUTEX_INITIALIZER;
static struct hold *holds[HOLDS_MAX];          /* under holds_lock */

/* The hold of dev and ino; NULL: none. */
static struct hold *hold_find(dev_t dev, ino_t ino)
{
	size_t i;

	for (i = 0; i < HOLDS_MAX; i++)
		if (holds[i] && holds[i]->dev == dev && holds[i]->ino == ino)
			return holds[i];
	return NULL;
}

/* The hold of namespace ns_fd; NULL: not held (or no such fd). */
static struct hold *hold_of(int ns_fd)
{
	struct stat st;

	if (fstat(ns_fd, &st) != 0)
		return NULL;
	return hold_find(st.st_dev, st.st_ino);
}

int ga_nft_hold(int ns_fd, struct ga_nft_hold *key, struct ga_error *err)
{
	struct stat st;
	struct hold *h;
	size_t i;
	int rc = 0;

	key->held = false;
	if (fstat(ns_fd, &st) != 0)
		return ga_error_errno(err, errno, "holding a namespace's "
				      "tables");
	pthread_mutex_lock(&holds_lock);
	h = hold_find(st.st_dev, st.st_ino);
	for (i = 0; !h && i < HOLDS_MAX; i++)
		if (!holds[i]) {
			h = holds[i] = calloc(1, sizeof(*h));
			if (!h)
				break;
			h->dev = st.st_dev;
			h->ino = st.st_ino;
		}
	if (h) {
		h->count++;
		key->dev = st.st_dev;
		key->ino = st.st_ino;
		key->held = true;
	} else {
		rc = ga_error_set(err, "holding a namespace's tables: %s",
				  i < HOLDS_MAX ? "out of memory" :
				  "too many namespaces held");
	}
	pthread_mutex_unlock(&holds_lock);
	return rc;
}

int ga_nft_release(int ns_fd, struct ga_nft_hold *key, struct ga_error *err)
{
	struct table_job j = { NULL, NULL, false };
	struct ga_error later;
	struct hold *h;
	struct stat st;
	bool live;
	unsigned k;
	size_t i;
	int rc = 0;

	if (!key->held)
		return 0;
	key->held = false;
	/* a namespace that is gone took its tables along */
	live = ns_fd >= 0 && fstat(ns_fd, &st) == 0 && st.st_dev == key->dev &&
	       st.st_ino == key->ino;
	pthread_mutex_lock(&holds_lock);
	h = hold_find(key->dev, key->ino);
	if (h && --h->count == 0) {
		for (k = 0; live && k < h->nretired; k++) {
			j.family = h->retired[k].family;
			j.name = h->retired[k].name;
			if (ga_netns_run(ns_fd, table_here, &j,
					 rc ? &later : err))
				rc = -1;
		}
		for (i = 0; i < HOLDS_MAX; i++)
			if (holds[i] == h)
				holds[i] = NULL;
		free(h);
	}
	pthread_mutex_unlock(&holds_lock);
	return rc;
}

int ga_nft_drop_table_in(int ns_fd, const char *family, const char *table,
			 struct ga_error *err)
{
	struct table_job j = { family, table, false };
	struct hold *h;
	int rc;

	if (!ga_nft_valid_table(table))
		return ga_error_set(err, "nft: '%s' is not a table name nft "
				    "takes", table);
	pthread_mutex_lock(&holds_lock);
	h = hold_of(ns_fd);
	j.flush_only = h != NULL;
	if (h && h->nretired == RETIRED_MAX)
		j.flush_only = false;   /* deleted now, as before holds */
	rc = ga_netns_run(ns_fd, table_here, &j, err);
	if (rc == 0 && j.flush_only) {
		snprintf(h->retired[h->nretired].family,
			 sizeof(h->retired[0].family), "%s", family);
		snprintf(h->retired[h->nretired].name,
			 sizeof(h->retired[0].name), "%s", table);
		h->nretired++;
	}
	pthread_mutex_unlock(&holds_lock);
	return rc;
}

int ga_nft_delete_table_in(int ns_fd, const char *table, struct ga_error *err)
{
	return ga_nft_drop_table_in(ns_fd, "inet", table, err);
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
