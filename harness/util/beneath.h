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
 * The same opening serves what goneaway reads of a directory another
 * user may write: a server's own directory (server/server.h) holds its
 * datadir, error log and socket, which the server's user may replace by
 * anything - a symlink to a root-only file, a FIFO that no one writes
 * (an open of it would wait through every signal), a hard link.  Every
 * file goneaway reads there is opened beneath that directory by these
 * rules (ga_within_*), must be a regular file with a single link, and is
 * read within a bound; its socket is connected to only through a link
 * of goneaway's own to a socket of the server's user.
 *
 * Reads no environment and keeps nothing: safe in any process, drivers/c
 * included.
 */
#ifndef GA_BENEATH_H
#define GA_BENEATH_H

#include <stddef.h>
#include <sys/stat.h>

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

/* ---- the files of a directory another user may write -----------------
 * dir: an absolute path of goneaway's own (every directory of it
 * goneaway's, so that no one else can swap one); rel: a relative name
 * beneath it ("error.log", "data/mysqld-auto.cnf"), opened as
 * ga_open_beneath() opens a name.  Messages name rel and dir. */

#define GA_WITHIN_MISSING (-2)  /* rel, or a directory on its way, is not
				 * there */

/* Opens rel for reading: it must be a regular file with a single link
 * (a hard link would be a file of elsewhere).  Returns a new descriptor
 * (close-on-exec, non-blocking: a regular file's reads never wait; the
 * caller closes it) with *st its fstat, GA_WITHIN_MISSING, or -1 with
 * err set. */
int ga_within_open(const char *dir, const char *rel, struct stat *st,
		   struct ga_error *err);

/* Reads the whole of rel (ga_within_open) into a new NUL-terminated
 * buffer (*out, free() it; *len its length when len is not NULL): a
 * file of more than max bytes is an error.  Returns 0,
 * GA_WITHIN_MISSING, or -1 with err set. */
int ga_within_read(const char *dir, const char *rel, size_t max, char **out,
		   size_t *len, struct ga_error *err);

/* ga_file_read_from() (util/fsutil.h) of rel, opened by
 * ga_within_open(): what it holds from byte *from on, at most max
 * bytes; a missing file reads as empty.  Returns 0, or -1 with err
 * set. */
int ga_within_read_from(const char *dir, const char *rel, long long *from,
			size_t max, char **out, size_t *len,
			struct ga_error *err);

/* rel's size: 0 when it is missing or is not a file ga_within_open()
 * opens. */
long long ga_within_size(const char *dir, const char *rel);

/* Links the unix socket rel, which the user uid owns, as link (a plain
 * name) in dir itself, replacing what link was: a path to connect to
 * that no one but goneaway can change, to the inode the socket is
 * bound to (a socket is found by its inode).  A symlink, anything but a
 * socket, or another user's socket is refused.  Returns 0, or -1 with
 * err set. */
int ga_within_link_socket(const char *dir, const char *rel, unsigned uid,
			  const char *link, struct ga_error *err);

#endif
