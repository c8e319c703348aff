/* lab_util.h - what the kernel unit tests do inside a lab's network
 * namespaces: TCP sockets for real traffic through faults and proxies,
 * and nft commands to look at the tables faults make. */
#ifndef GA_TEST_LAB_UTIL_H
#define GA_TEST_LAB_UTIL_H

#include <stddef.h>

#include "util/error.h"

/* A socket listening on addr:port inside the namespace ns_fd.  Returns
 * its descriptor (the caller closes it), or -1 with err set. */
int unit_tcp_listen(int ns_fd, const char *addr, unsigned port,
		    struct ga_error *err);

/* A socket connected from inside the namespace ns_fd to addr:port
 * (blocking).  Returns its descriptor (the caller closes it), or -1 with
 * err set: "connect: Connection refused" and the like. */
int unit_tcp_connect(int ns_fd, const char *addr, unsigned port,
		     struct ga_error *err);

/* What fd receives within ms (each wait): the bytes read into buf (up to
 * len), 0 at EOF or when nothing came, or -errno. */
long unit_recv_for(int fd, char *buf, size_t len, int ms);

/* Runs one nft command (libnftables) in the namespace ns_fd; its output
 * goes to out (size bytes, truncated).  A failure fails the test. */
void unit_nft_cmd(int ns_fd, const char *cmd, char *out, size_t size);

/* How many goneaway tables (any family) the namespace ns_fd holds. */
int unit_nft_count_tables(int ns_fd);

#endif
