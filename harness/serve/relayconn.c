/* relayconn.c - see relayparts.h: what the relay's files do to a
 * connection's record and sockets: its end's reason, the toxics it met,
 * its line in the log, a side closed. */
#include "serve/relayparts.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/clock.h"

void ga_relay_ended(struct ga_sv_conn *c, const char *fmt, ...)
{
	va_list ap;

	if (c->ended[0])
		return;                 /* the first reason is the one */
	va_start(ap, fmt);
	vsnprintf(c->ended, sizeof(c->ended), fmt, ap);
	va_end(ap);
}

void ga_relay_add_met(struct ga_sv_conn *c, const struct ga_toxic *t)
{
	size_t n = strlen(c->met_names);

	if (strstr(c->met_names, t->name))
		return;
	snprintf(c->met_names + n, sizeof(c->met_names) - n, "%s%s",
		 n ? "\n" : "", t->name);
}

void ga_relay_log_conn(struct ga_relay *r, struct ga_sv_conn *c)
{
	FILE *f = ga_sv_log_begin(r->env.log, "connection");
	const char *p, *nl;

	if (!f)
		return;
	ga_sv_log_str(f, "proxy", c->proxy ? c->proxy->name : "");
	ga_sv_log_str(f, "client", c->client);
	ga_sv_log_str(f, "upstream", c->proxy ? c->proxy->upstream : "");
	ga_sv_log_int(f, "id", (long long)c->id);
	if (c->wire.thread_id)
		ga_sv_log_int(f, "thread_id", (long long)c->wire.thread_id);
	ga_sv_log_num(f, "ms", ga_clock_ms() - c->started);
	ga_sv_log_int(f, "bytes_up", (long long)c->bytes[GA_STREAM_UP]);
	ga_sv_log_int(f, "bytes_down", (long long)c->bytes[GA_STREAM_DOWN]);
	ga_sv_log_key(f, "toxics");
	fputc('[', f);
	for (p = c->met_names; *p; p = nl ? nl + 1 : p + strlen(p)) {
		nl = strchr(p, '\n');
		if (p != c->met_names)
			fputc(',', f);
		fputc('"', f);
		fwrite(p, 1, nl ? (size_t)(nl - p) : strlen(p), f);
		fputc('"', f);
		if (!nl)
			break;
	}
	fputc(']', f);
	if (c->kills)
		ga_sv_log_int(f, "kills", c->kills);
	ga_sv_log_str(f, "ended", c->ended[0] ? c->ended : "?");
	if (c->wire.errors) {
		ga_sv_log_key(f, "mysql_error");
		fprintf(f, "{\"code\":%u", c->wire.err_code);
		ga_sv_log_str(f, "sqlstate", c->wire.err_state);
		ga_sv_log_str(f, "message", c->wire.err_msg);
		ga_sv_log_int(f, "errors", c->wire.errors);
		fputc('}', f);
	}
	ga_sv_log_end(r->env.log);
}

/* Reads and drops what fd's peer sent that was not read yet, at most
 * CLOSE_DRAIN_MAX bytes: a socket closed with bytes in its receive
 * queue is reset by the kernel (RST, not FIN), and Toxiproxy, whose
 * goroutine reads each socket all the time, has none there when it
 * closes one.  Returns how many bytes it dropped. */
static size_t drop_unread(int fd)
{
	static unsigned char buf[CHUNK_SIZE];
	size_t dropped = 0;
	ssize_t n;

	while (dropped < CLOSE_DRAIN_MAX) {
		n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n <= 0)
			break;
		dropped += (size_t)n;
	}
	return dropped;
}

void ga_relay_close_side(struct ga_sv_conn *c, int side, bool reset)
{
	struct linger lg = { 1, 0 };

	if (c->fd[side] < 0)
		return;
	if (reset)
		setsockopt(c->fd[side], SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	else    /* a FIN, as Toxiproxy's close sends */
		c->bytes[side == 0 ? GA_STREAM_UP : GA_STREAM_DOWN] +=
			drop_unread(c->fd[side]);
	close(c->fd[side]);     /* leaves the epoll set with it */
	c->fd[side] = -1;
}
