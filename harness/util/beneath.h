/* beneath.h - opening a file that someone else named, without leaving
 * the directories it may come from.
 *
 * LOAD DATA LOCAL INFILE makes a client send the server a file of the
 * client's machine, and it is the server that names the file: a server
 * (or anyone in between) can ask for any path, whatever the statement
 * said.  So the guard is where the client opens the file
 * (mysqlapi/infile.c): the name must resolve beneath one of the
 * directories the scenario may read, and nothing on the way may lead out
 * of it.  Resolved by the kernel where it can (openat2 with
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS), else one
 * component at a time below the directory's descriptor with O_NOFOLLOW:
 *
 *   - a ".." component is refused wherever it stands (either way, so the
 *     two ways refuse the same names), an empty name too;
 *   - a symlink is refused wherever it stands, the last component
 *     included (a symlink inside the directory pointing inside it too:
 *     what it points at may change between a look and an open);
 *   - what is opened must be a regular file: not a directory, a FIFO (an
 *     open of which would wait for a writer) or a device.
 *
 * Reads no environment and keeps nothing: safe in any process, drivers/c
 * included.
 */
#ifndef GA_BENEATH_H
#define GA_BENEATH_H

#include <stddef.h>

#include "util/error.h"

#define GA_BENEATH_DIRS_MAX 4           /* directories of one bound */

/* How ga_open_beneath() resolves: the kernel's openat2 where it has it
 * (else the walk), or the walk alone (the tests run both). */
enum ga_beneath_how {
	GA_BENEATH_AUTO,
	GA_BENEATH_WALK,
};

/* The directories a name may resolve beneath: absolute paths without a
 * trailing '/' and without a symlink (as realpath() gives them), not "/"
 * itself.  Borrowed strings; n 0: nothing may be opened. */
struct ga_beneath {
	const char *dirs[GA_BENEATH_DIRS_MAX];
	size_t n;
};

/* Opens name read-only as a regular file beneath one of b's directories:
 * a relative name beneath b->dirs[0], an absolute one beneath the
 * directory it begins with ("DIR/..."); see above for what is refused.
 * Returns a new descriptor (close-on-exec, blocking; the caller closes
 * it), or -1 with err saying why in words naming name ("'NAME': ...").
 * Never blocks on what it opens. */
int ga_open_beneath(const struct ga_beneath *b, const char *name,
		    enum ga_beneath_how how, struct ga_error *err);

#endif
