/* rawconn.h - a bare TCP connection to the server that speaks no MySQL:
 * it connects, lets the server's greeting arrive and never answers.  The
 * server's connect_timeout is what ends it. */
#ifndef GA_RAWCONN_H
#define GA_RAWCONN_H

#include "lang/outcome.h"

/* Connects to host:port (numeric IPv4) within timeout_ms.  On success
 * *fd is the connected socket (the caller closes it). */
void ga_raw_connect(const char *host, unsigned port, long timeout_ms,
		    int *fd, struct ga_outcome *out);

/* Reads fd until the peer closes it or timeout_ms pass.  Ok with the
 * value "eof" (an orderly close) or "reset" (ECONNRESET); a hang when
 * the server kept it open.  The message counts the bytes read. */
void ga_raw_drain(int fd, long timeout_ms, struct ga_outcome *out);

#endif
