/* point.h - the parts of the "point" fault kind that tests reach
 * directly.  The kind itself is ga_fault_point (fault.h); what it does
 * is described at the top of faults/point.c.
 */
#ifndef GA_FAULT_POINT_H
#define GA_FAULT_POINT_H

#include <stddef.h>

#include "faults/fault.h"
#include "util/error.h"

/* The largest SIZE of "SIZE to-server|from-server": 1024GiB. */
#define GA_POINT_BYTES_MAX (1ULL << 40)

/* The DSCP value the packets of a flow one side has cut carry to the
 * other (faults/point.c): within the lab only. */
#define GA_POINT_MARK "0x3f"

/* The two sides a point fault makes rules on: the client's namespace,
 * and the one its connections arrive in (the server's, or a proxy's in
 * front of it).  Each side cuts the packets it receives. */
enum ga_point_side {
	GA_POINT_CLIENT_SIDE,
	GA_POINT_FRONT_SIDE,
};

/* Writes the nft script that applies spec (made by ga_fault_point's
 * parse) to target t on side which, in the table "inet <table>", into
 * buf (len bytes, always NUL-terminated).  The script creates the
 * table, so running it fails rather than merge into a table that
 * already exists.  Touches nothing in the kernel.  Returns 0, or -1 with
 * err set (an address that is not a numeric IPv4 address, a name nft
 * would not take, buf too small). */
int ga_point_script(const void *spec, const struct ga_fault_target *t,
		    enum ga_point_side which, const char *table, char *buf,
		    size_t len, struct ga_error *err);

/* The MySQL command byte named name ("COM_QUERY" is 3), or -1 when the
 * name is not one of the commands the kind knows. */
int ga_point_command_byte(const char *name);

/* The name of MySQL command byte b ("COM_QUERY" for 3), "?" for one the
 * kind does not know.  Static. */
const char *ga_point_command_name(int b);

#endif
