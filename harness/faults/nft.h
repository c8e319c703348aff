/* nft.h - running an nft script inside one of the lab's namespaces, for
 * the fault kinds that make their rules with libnftables (firewall.c,
 * point.c).
 *
 * Each fault makes a table of its own, and its script starts with
 * "create table", which fails rather than adopt a table that is already
 * there; reverting deletes that table and nothing else: never "flush
 * ruleset".
 */
#ifndef GA_FAULT_NFT_H
#define GA_FAULT_NFT_H

#include <stdbool.h>
#include <stddef.h>

#include <sys/types.h>

#include "util/error.h"

/* Runs script (one nft batch: all or nothing) in the network namespace
 * ns_fd.  Returns 0, -1 (err: libnftables' first error line), or
 * GA_FAULT_UNSUPPORTED when the kernel lacks what the script needs (no
 * nf_tables, an expression or module it does not have). */
int ga_nft_apply_in(int ns_fd, const char *script, struct ga_error *err);

/* Deletes "table inet <table>" in the namespace ns_fd, if it is there
 * (a table already gone is not an error): ga_nft_drop_table_in(ns_fd,
 * "inet", table, err). */
int ga_nft_delete_table_in(int ns_fd, const char *table,
			   struct ga_error *err);

/* Deletes "table FAMILY TABLE" in the namespace ns_fd, if it is there;
 * while the namespace is held (below), only its rules go and the table
 * is retired, to be deleted with the namespace's last release.  Returns
 * 0 or -1 (err set). */
int ga_nft_drop_table_in(int ns_fd, const char *family, const char *table,
			 struct ga_error *err);

/* Holds: the kernel drops every packet queued to user space (NFQUEUE)
 * in a namespace whenever a hook there goes (nfnetlink_queue's
 * hook_drop), and deleting a table with a base chain removes a hook.
 * What queues packets there (faults/nfq_engine.h: the user-space netem
 * holds them for their delay) holds the namespace from before its rule
 * is made until its queue is read and its rule gone; while it is held,
 * no table of goneaway's there is deleted, only emptied of its rules
 * (the others' lifts still take effect at once), and the last release
 * deletes the tables retired meanwhile.  Each hold is released once.
 * A hold is known by its key, so that a release finds it even once the
 * namespace is gone (its tables with it).  Return 0 or -1 (err set). */
struct ga_nft_hold {
	dev_t dev;              /* the namespace's, as fstat() gives them */
	ino_t ino;
	bool held;
};

int ga_nft_hold(int ns_fd, struct ga_nft_hold *key, struct ga_error *err);
int ga_nft_release(int ns_fd, struct ga_nft_hold *key, struct ga_error *err);

/* The output of "list tables" (every family) in the namespace ns_fd, as
 * a new string into *out (free it).  Returns 0, or -1 with err set. */
int ga_nft_list_tables_in(int ns_fd, char **out, struct ga_error *err);

/* The name a fault's table gets: "goneaway_<tag in hex>_<line>" (the tag
 * printed as in the lab's veth names), into buf.  Returns buf. */
const char *ga_nft_table_name(unsigned tag, unsigned line, char *buf,
			      size_t len);

/* True when name is an nft identifier goneaway can use as a table: a
 * letter, then letters, digits and '_', at most 63 characters. */
bool ga_nft_valid_table(const char *name);

#endif
