/* lab_util.c - TCP sockets and nft commands inside a lab's network
 * namespaces.  The jobs run on ga_netns_run's threads and never assert
 * there; the functions that assert do it in the test's own thread. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <nftables/libnftables.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lab/netns.h"
#include "lab_util.h"

struct tcp_job {
	const char *addr;
	unsigned port;
	int fd;                 /* out */
};

static int open_tcp(struct tcp_job *j, struct sockaddr_in *sa,
		    struct ga_error *err)
{
	j->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (j->fd < 0)
		return ga_error_errno(err, errno, "socket");
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_port = htons((unsigned short)j->port);
	if (inet_pton(AF_INET, j->addr, &sa->sin_addr) != 1)
		return ga_error_set(err, "%s: not an IPv4 address", j->addr);
	return 0;
}

static int listen_job(void *arg, struct ga_error *err)
{
	struct tcp_job *j = arg;
	struct sockaddr_in sa;
	int one = 1;

	if (open_tcp(j, &sa, err) < 0)
		return -1;
	setsockopt(j->fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(j->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return ga_error_errno(err, errno, "bind");
	if (listen(j->fd, 16) < 0)
		return ga_error_errno(err, errno, "listen");
	return 0;
}

static int connect_job(void *arg, struct ga_error *err)
{
	struct tcp_job *j = arg;
	struct sockaddr_in sa;

	if (open_tcp(j, &sa, err) < 0)
		return -1;
	if (connect(j->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return ga_error_errno(err, errno, "connect");
	return 0;
}

static int run_job(int ns_fd, int (*fn)(void *, struct ga_error *),
		   const char *addr, unsigned port, struct ga_error *err)
{
	struct tcp_job j = { addr, port, -1 };

	if (ga_netns_run(ns_fd, fn, &j, err) < 0) {
		if (j.fd >= 0)
			close(j.fd);
		return -1;
	}
	return j.fd;
}

int unit_tcp_listen(int ns_fd, const char *addr, unsigned port,
		    struct ga_error *err)
{
	return run_job(ns_fd, listen_job, addr, port, err);
}

int unit_tcp_connect(int ns_fd, const char *addr, unsigned port,
		     struct ga_error *err)
{
	return run_job(ns_fd, connect_job, addr, port, err);
}

long unit_recv_for(int fd, char *buf, size_t len, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	size_t got = 0;
	ssize_t n;

	while (got < len && poll(&p, 1, ms) == 1) {
		n = recv(fd, buf + got, len - got, MSG_DONTWAIT);
		if (n < 0)
			return got ? (long)got : -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (long)got;
}

struct nft_job {
	const char *cmd;
	char *out;
	size_t size;
};

static int nft_job(void *arg, struct ga_error *err)
{
	struct nft_job *job = arg;
	struct nft_ctx *ctx;
	int rc;

	ctx = nft_ctx_new(NFT_CTX_DEFAULT);
	if (!ctx)
		return ga_error_set(err, "nft_ctx_new failed");
	nft_ctx_buffer_output(ctx);
	nft_ctx_buffer_error(ctx);
	rc = nft_run_cmd_from_buffer(ctx, job->cmd);
	if (rc != 0)
		ga_error_set(err, "nft '%s': %s", job->cmd,
			     nft_ctx_get_error_buffer(ctx));
	else
		snprintf(job->out, job->size, "%s",
			 nft_ctx_get_output_buffer(ctx));
	nft_ctx_free(ctx);
	return rc == 0 ? 0 : -1;
}

void unit_nft_cmd(int ns_fd, const char *cmd, char *out, size_t size)
{
	struct nft_job job = { cmd, out, size };
	struct ga_error err;

	out[0] = '\0';
	ck_assert_msg(ga_netns_run(ns_fd, nft_job, &job, &err) == 0, "%s",
		      err.msg);
}

int unit_nft_count_tables(int ns_fd)
{
	char out[4096];
	const char *p;
	int n = 0;

	unit_nft_cmd(ns_fd, "list tables", out, sizeof(out));
	for (p = out; (p = strstr(p, " goneaway_")) != NULL; p++)
		n++;
	return n;
}
