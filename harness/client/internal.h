/* internal.h - what the built-in driver's files share (client/ only).
 *
 * The calls themselves (the MySQL C API in mysqlapi/, a raw TCP socket
 * in client/rawconn.c) are the boundary where the C API's errors
 * (mysql_errno, mysql_sqlstate, mysql_error) become struct ga_outcome
 * values.  None of them blocks longer than the handle's own timeouts
 * allow; the watchdog (client/client.c) bounds them further.
 * client/sockets.c finds the sockets a call made, so that cancelling it
 * cuts only its own.
 */
#ifndef GA_CLIENT_INTERNAL_H
#define GA_CLIENT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <mysql.h>

#include "mysqlapi/mysqlapi.h"
#include "lang/outcome.h"
#include "lang/scenario.h"
#include "util/error.h"

/* ---- client/rawconn.c ----------------------------------------------------- */

/* A bare TCP connection that speaks no MySQL: it connects, lets the
 * server's greeting arrive and never answers.  Connects to host:port
 * (numeric IPv4) within timeout_ms; on success *fd is the connected
 * socket (the caller closes it). */
void ga_raw_connect(const char *host, unsigned port, long timeout_ms,
		    int *fd, struct ga_outcome *out);

/* Reads fd until the peer closes it or timeout_ms pass.  Ok with the
 * value "eof" (an orderly close) or "reset" (ECONNRESET); a hang when
 * the server kept it open.  The message counts the bytes read. */
void ga_raw_drain(int fd, long timeout_ms, struct ga_outcome *out);

/* ---- client/sockets.c ----------------------------------------------------- */

/* The inodes of the TCP sockets in a namespace, sorted: what existed
 * before a call started, so that cancelling it cuts only the sockets it
 * made. */
struct ga_socket_set {
	ino_t *inodes;                  /* owned */
	size_t n;
};

/* Fills set with every TCP socket of the namespace netns_fd now.
 * Returns 0, or -1 with err set (set is then empty). */
int ga_socket_set_take(int netns_fd, struct ga_socket_set *set,
		       struct ga_error *err);
void ga_socket_set_free(struct ga_socket_set *set);

/* Aborts the TCP sockets of netns_fd that are not in before, and the one
 * with inode known (0: none), by their identity in the kernel
 * (SOCK_DESTROY; a blocked call on one gets ECONNABORTED), or, on a
 * kernel without it, shuts down this process's descriptors of them.
 * Returns how many, or -1 with err set. */
int ga_sockets_cut(int netns_fd, const struct ga_socket_set *before,
		   ino_t known, struct ga_error *err);

/* Aborts the TCP sockets of netns_fd whose inode is in these, the same
 * way.  Returns how many, or -1 with err set. */
int ga_sockets_cut_these(int netns_fd, const struct ga_socket_set *these,
			 struct ga_error *err);

/* The sockets process pid and its children hold (read from /proc/PID/fd:
 * names, never descriptors).  set is empty when there are none or pid is
 * gone. */
void ga_socket_set_of_process(pid_t pid, struct ga_socket_set *set);

/* The local ports of the TCP sockets of netns_fd whose inode is in set
 * and whose peer is host:port (IPv4), as the kernel lists them: at most
 * max into ports, their number into *n.  Returns 0, or -1 with err set. */
int ga_socket_ports_to(int netns_fd, const struct ga_socket_set *set,
		       const char *host, unsigned port, unsigned *ports,
		       size_t max, size_t *n, struct ga_error *err);

/* The inode of socket fd, or 0 when fd is not a socket.  Call it only
 * where no other thread may close fd. */
ino_t ga_socket_inode(int fd);

#endif
