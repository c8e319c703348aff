/* tls.h - the lab's TLS certificate: a self-signed key and certificate
 * for the servers, made once with openssl and kept in the cache (never
 * committed).  Clients that ask for TLS (connection option tls=required)
 * do not verify it: the lab's servers have no names to check. */
#ifndef GA_TLS_H
#define GA_TLS_H

#include <stddef.h>

#include "util/error.h"
#include "util/interrupt.h"

/* Makes sure cache_dir/tls-1/ holds server-key.pem and server-cert.pem
 * (making them if needed; concurrent runs share one) and writes that
 * directory into dir.  Returns 0, or -1 with err set. */
int ga_tls_ensure(const char *cache_dir, struct ga_interrupt *in, char *dir,
		  size_t len, struct ga_error *err);

#endif
