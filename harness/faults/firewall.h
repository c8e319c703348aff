/* firewall.h - the parts of the "firewall" fault kind that tests
 * reach directly.  The kind itself is ga_fault_firewall (fault.h).
 */
#ifndef GA_FAULT_FIREWALL_H
#define GA_FAULT_FIREWALL_H

#include <stddef.h>

#include "util/error.h"
#include "faults/fault.h"

/* Writes the nft script that applies spec (made by ga_fault_firewall's
 * parse) to target t, in the table "inet <table>", into buf (len bytes,
 * always NUL-terminated).  The script creates the table, so running it
 * fails rather than merge into a table that already exists.  Touches
 * nothing in the kernel.  Returns 0, or -1 with err set (a server
 * address that is not a numeric IP address, a name nft would not take,
 * buf too small). */
int ga_firewall_script(const void *spec, const struct ga_fault_target *t,
		       const char *table, char *buf, size_t len,
		       struct ga_error *err);

/* Writes the name apply gives to the table of the fault on line of the
 * run tag ("goneaway_<tag in hex>_<line>", the tag printed as in the
 * lab's veth names) into buf.  Returns buf. */
const char *ga_firewall_table_name(unsigned tag, unsigned line, char *buf,
				   size_t len);

#endif
