/* clientns.h - a client namespace kept for the labs of a runner, one
 * after another, so that a driver process living in it (client/driver.h,
 * a kept driver) can serve case after case: each lab makes its link in
 * it and deletes it again when it goes (lab/lab.h,
 * ga_lab_create_sharing).
 *
 * It is made as a lab's client namespace is (lo up, the lab resolver's
 * blackhole route) and its whole state taken then (lab/nsstate.h).
 * Whenever a lab in it went, what the kernel keeps on its own is undone
 * and the state is compared with that first one: the same, and the next
 * lab is made in it; anything else, and it is given up (its drivers
 * with it) and the next lab gets a new one.
 *
 * Ownership: a struct ga_clientns holds its descriptor and texts; free
 * them with ga_clientns_close().
 */
#ifndef GA_LAB_CLIENTNS_H
#define GA_LAB_CLIENTNS_H

#include <sys/types.h>

#include "util/error.h"

struct ga_clientns {
	int fd;                 /* the namespace, -1: none now */
	ino_t ino;              /* its identity (what a kept driver in it
				 * is found by), 0: none */
	char *base;             /* owned: its state when it was made */
	unsigned labs;          /* labs made in it so far */
	unsigned made;          /* namespaces made, this one included */
	char given_up[400];     /* why the last one was given up, "" */
};

/* An empty one: no namespace yet. */
void ga_clientns_init(struct ga_clientns *ns);

/* Makes the namespace unless there is one.  Returns 0, or -1 with err
 * set. */
int ga_clientns_ensure(struct ga_clientns *ns, struct ga_error *err);

/* After the lab made in it went (its link deleted): undoes what the
 * kernel keeps (ga_nsstate_reset) and compares the namespace with its
 * state when made.  Returns 0 when it is the same; 1 when it differs or
 * could not be read: then it is closed (fd -1) and given_up says why. */
int ga_clientns_check(struct ga_clientns *ns);

/* Closes it (the kernel frees it once no process is left inside). */
void ga_clientns_close(struct ga_clientns *ns);

#endif
