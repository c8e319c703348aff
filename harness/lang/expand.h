/* expand.h - variables in a step's SQL, expanded before the run.
 *
 * A statement that must be large (a 2 MiB literal that trips
 * max_allowed_packet) is written with curl's repeat form:
 *
 *     INSERT INTO blobs(b) VALUES ('%repeat[2MiB x a]%')
 *
 * "%repeat[COUNT x TEXT]%" is TEXT repeated COUNT times; COUNT is a size
 * (util/units.h: "2MiB" is 2097152).  Everything else is copied as it
 * is.
 */
#ifndef GA_EXPAND_H
#define GA_EXPAND_H

#include <stddef.h>

/* Expands in[0..n).  On success *out is a new NUL-terminated string (free
 * it) and 0 is returned.  On error returns -1, *out is NULL, msg gets the
 * reason and *offset the byte offset of the bad "%repeat[". */
int ga_expand(const char *in, size_t n, char **out, char *msg, size_t msglen,
	      size_t *offset);

#endif
