/* relaylink.c - see relayparts.h: a link's bytes - read (then fed to
 * serve/relaymysql.c), or spliced through a pipe of the relay's pool -
 * and written to its destination, and the link's end. */
#include "serve/relayparts.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sockios.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "util/clock.h"

/* ---- a link ------------------------------------------------------------------- */

void ga_relay_link_init(struct link *l, int dir)
{
	memset(l, 0, sizeof(*l));
	l->dir = dir;
	l->pipe[0] = l->pipe[1] = -1;
	ga_chain_init(&l->chain);
}

void ga_relay_link_free(struct ga_relay *r, struct link *l)
{
	ga_chain_free(&l->chain);
	free(l->held);
	l->held = NULL;
	if (l->pipe[0] >= 0 && l->in_pipe == 0 && r->npipes < PIPES_KEPT) {
		r->pipes[r->npipes][0] = l->pipe[0];
		r->pipes[r->npipes++][1] = l->pipe[1];
	} else if (l->pipe[0] >= 0) {
		close(l->pipe[0]);
		close(l->pipe[1]);
	}
	l->pipe[0] = l->pipe[1] = -1;
}

/* A read of l's source returned n (errno set when -1): whether that is
 * all for now - nothing more to read (EAGAIN), or the source ended (its
 * reason set). */
static bool src_ended(struct ga_sv_conn *c, struct link *l, ssize_t n)
{
	if (n < 0 && errno == EINTR)
		return false;
	if (n < 0 && errno == EAGAIN)
		return true;
	ga_relay_ended(c, "the %s %s", l->dir == GA_STREAM_UP ? "client" :
		  "server", n == 0 ? "closed" : errno == ECONNRESET ?
		  "reset the connection" : "went away");
	l->src_end = true;
	return true;
}

void ga_relay_link_read(struct ga_relay *r, struct ga_sv_conn *c,
			struct link *l)
{
	static unsigned char buf[CHUNK_SIZE];
	int src = c->fd[l->dir == GA_STREAM_UP ? 0 : 1];
	struct ga_chunk *k;
	ssize_t n;
	int reads;

	for (reads = 0; reads < 4; reads++) {
		if (src < 0 || l->src_end || l->paused ||
		    l->chain.held >= LINK_MAX_HELD)
			return;
		n = read(src, buf, sizeof(buf));
		if (n > 0) {
			c->bytes[l->dir] += (unsigned long long)n;
			if (c->hold)
				continue;       /* nothing passes */
			k = ga_chunk_new((size_t)n, ga_clock_ms());
			if (!k)
				return;
			memcpy(k->data, buf, (size_t)n);
			ga_relay_feed(r, c, l, k);
			if ((size_t)n < sizeof(buf))
				return;
			continue;
		}
		if (src_ended(c, l, n))
			return;
	}
}

static int make_pipe(struct ga_relay *r, struct link *l)
{
	if (l->pipe[0] >= 0)
		return 0;
	if (r->npipes) {
		r->npipes--;
		l->pipe[0] = r->pipes[r->npipes][0];
		l->pipe[1] = r->pipes[r->npipes][1];
		return 0;
	}
	if (pipe2(l->pipe, O_NONBLOCK | O_CLOEXEC) != 0)
		return -1;
	fcntl(l->pipe[1], F_SETPIPE_SZ, PIPE_SIZE);
	return 0;
}

void ga_relay_splice_in(struct ga_relay *r, struct ga_sv_conn *c,
			struct link *l)
{
	int src = c->fd[l->dir == GA_STREAM_UP ? 0 : 1];
	ssize_t n;
	size_t want;

	if (src < 0 || l->src_end || make_pipe(r, l))
		return;
	while (l->in_pipe < PIPE_SIZE) {
		want = PIPE_SIZE - l->in_pipe;
		n = splice(src, NULL, l->pipe[1], NULL, want,
			   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0) {
			l->in_pipe += (size_t)n;
			c->bytes[l->dir] += (unsigned long long)n;
			if ((size_t)n < want)
				return;
			continue;
		}
		if (src_ended(c, l, n))
			return;
	}
}

/* The destination of l is gone: what it holds is dropped, and the way
 * back (whose source it is) ends. */
static void dst_gone(struct ga_sv_conn *c, struct link *l)
{
	int side = l->dir == GA_STREAM_UP ? 1 : 0;

	ga_relay_ended(c, "the %s went away", side ? "server" : "client");
	ga_relay_close_side(c, side, false);
	ga_chain_free(&l->chain);
	ga_chain_init(&l->chain);
	l->in_pipe = 0;
	l->done = true;
	c->l[!l->dir].src_end = true;
}

/* A write to l's destination returned n (errno set when -1): whether
 * to write on; else it would block (l waits for EPOLLOUT) or the
 * destination is gone. */
static bool write_on(struct ga_sv_conn *c, struct link *l, ssize_t n)
{
	if (n > 0 || (n < 0 && errno == EINTR))
		return true;
	if (n < 0 && errno == EAGAIN)
		l->want_out = true;
	else
		dst_gone(c, l);
	return false;
}

void ga_relay_link_write(struct ga_relay *r, struct ga_sv_conn *c,
			 struct link *l)
{
	int dst = c->fd[l->dir == GA_STREAM_UP ? 1 : 0];
	struct ga_chunk *k;
	ssize_t n;

	if (l->done || l->want_out)
		return;
	if (dst < 0) {
		dst_gone(c, l);
		return;
	}
	while (l->in_pipe) {
		n = splice(l->pipe[0], NULL, dst, NULL, l->in_pipe,
			   SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
		if (n > 0)
			l->in_pipe -= (size_t)n;
		if (!write_on(c, l, n))
			return;
	}
	while ((k = ga_chain_peek(&l->chain)) != NULL) {
		struct iovec iov[IOV_BATCH];
		struct msghdr msg;
		int niov = 0;

		/* what went through, in one call as far as it goes */
		for (; k && niov < IOV_BATCH; k = k->next) {
			if (k->len == 0)
				continue;
			iov[niov].iov_base = k->data + k->off;
			iov[niov++].iov_len = k->len;
		}
		if (niov == 0) {
			ga_chain_consumed(&l->chain, 0);
			continue;
		}
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = iov;
		msg.msg_iovlen = (size_t)niov;
		n = sendmsg(dst, &msg, MSG_NOSIGNAL);
		if (n > 0)
			ga_chain_consumed(&l->chain, (size_t)n);
		if (!write_on(c, l, n))
			return;
	}
	if (c->kill_query && l->dir == GA_STREAM_UP && !l->chain.held) {
		c->kill_query = false;  /* the command is on its way */
		ga_relay_submit_kill(r, c, true);
	}
}

/* Whether dst still has bytes it has not sent (a reset would drop
 * them). */
static bool unsent(int fd)
{
	int n = 0;

	return ioctl(fd, SIOCOUTQ, &n) == 0 && n > 0;
}

bool ga_relay_link_finish(struct ga_sv_conn *c, struct link *l, double now)
{
	int side = l->dir == GA_STREAM_UP ? 1 : 0;

	if (l->chain.closer[0])
		ga_relay_ended(c, "toxic %s", l->chain.closer);
	if (c->reset && c->fd[side] >= 0 && unsent(c->fd[side])) {
		if (l->drain_until == 0)
			l->drain_until = now + RST_DRAIN_MS;
		if (now < l->drain_until)
			return false;
	}
	ga_relay_close_side(c, side, c->reset || c->linger0);
	l->done = true;
	c->l[!l->dir].src_end = true;   /* its source was that socket */
	return true;
}
