/* trustdir.h - the one rule for every directory goneaway executes or
 * loads from.
 *
 * goneaway runs as root, and what it runs or loads is in directories:
 * its cache (the template datadirs and their builds, the drivers'
 * compiled code, the lab's TLS key, a root's or an image's cache), a
 * server's root filesystem and its programs, the slots of the servers'
 * users, its drivers and fixtures.  Each must be what root put there,
 * not what another user of the machine did.  So each, and every
 * directory above it up to "/":
 *
 *   - belongs to a trusted user: root, the user goneaway runs as (where
 *     it runs unprivileged, its own files), or the owner of the goneaway
 *     binary (who could replace goneaway itself: a build tree run by its
 *     owner, or by root with sudo);
 *   - can be written by no other user: not by every user (above the
 *     last level, a sticky directory, as /tmp is, is fine: no one else
 *     can rename or remove what is ours in it) and not by a group but
 *     root's;
 *   - is not a symbolic link.
 *
 * The walk starts at "/" and opens one component at a time beneath the
 * descriptor of the one above with O_NOFOLLOW, checking what it opened
 * (fstat of the descriptor, never a path looked at twice); the caller
 * gets the descriptor of the last.  Since no one but a trusted user can
 * write any level, a path checked stays the directory it was: it can
 * then be handed to a program (mariadb-install-db --datadir=...) with no
 * window in which another user swaps a level.
 *
 * A path the user gave (--cache, --server rootfs:DIR, a binary's path)
 * is resolved once (realpath: its symlinks are the user's choice), and
 * what it resolves to is walked; below a directory checked
 * (ga_trustdir_open_at, ga_trustdir_tree_at), no symlink is followed at all.
 * Refusals say which path, which level of it and why:
 *
 *   refusing P: belongs to uid N, not to root or uid E
 *   refusing P: LEVEL belongs to uid N, not to root or uid E
 *   refusing P: writable by other users (chmod go-w P)
 *   refusing P: LEVEL is a symbolic link (goneaway follows none there)
 */
#ifndef GA_TRUSTDIR_H
#define GA_TRUSTDIR_H

#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "util/error.h"

/* Returned (with err set) when a level breaks the rule; -1 is for what
 * could not be looked at or made (err names the errno). */
#define GA_TRUSTDIR_REFUSED (-2)

#define GA_TRUSTDIR_DEPTH_MAX 64   /* levels of a tree checked whole */

enum ga_trustdir_flags {
	GA_TRUSTDIR_MAKE = 1,   /* what is missing is made (0755), each
				 * level checked once made */
	GA_TRUSTDIR_FILE = 2,   /* the last level may be a regular file */
	GA_TRUSTDIR_BELOW = 4,  /* something is to be made in the last
				 * level: it may be sticky, as those above */
};

/* One level the caller stat'ed without following a link (st): 0, or
 * GA_TRUSTDIR_REFUSED with err in the words above, shown being the path
 * the caller named and level this level's (NULL: shown itself, the
 * last level).  sticky_ok: a sticky directory writable by all passes
 * (a level above the last). */
int ga_trustdir_stat(const struct stat *st, const char *shown,
		     const char *level, bool sticky_ok, struct ga_error *err);

/* Opens path (a directory, or with GA_TRUSTDIR_FILE a file) walking from
 * "/", every level checked.  Returns a new O_PATH descriptor (close-on-
 * exec: usable as the directory of openat(), mkdirat(), fstatat(); the
 * caller closes it), GA_TRUSTDIR_REFUSED, or -1 (not there, and not
 * GA_TRUSTDIR_MAKE, or it could not be made), err set. */
int ga_trustdir_open(const char *path, unsigned flags, struct ga_error *err);

/* The same for rel beneath dirfd, a directory the caller checked
 * (named base in messages): rel's levels only ("a/b/c", no ".." and
 * no symlink anywhere, the last included). */
int ga_trustdir_open_at(int dirfd, const char *base, const char *rel,
			unsigned flags, struct ga_error *err);

/* ga_trustdir_open(), the descriptor closed: 0 when path passes, else
 * GA_TRUSTDIR_REFUSED or -1 with err set. */
int ga_trustdir_check(const char *path, unsigned flags, struct ga_error *err);

/* ga_trustdir_check() with GA_TRUSTDIR_MAKE: the directory path is there
 * and passes. */
int ga_trustdir_mkdirs(const char *path, struct ga_error *err);

/* Every entry of the tree below dirfd (named base), at every depth,
 * must pass as a last level does: a file or directory of a trusted
 * user that no one else can write, and no symbolic link (what is
 * loaded from it as code, or as a key, is read through any of them).
 * Returns 0, or GA_TRUSTDIR_REFUSED or -1 with err naming the entry (a
 * tree deeper than GA_TRUSTDIR_DEPTH_MAX is refused). */
int ga_trustdir_tree_at(int dirfd, const char *base, struct ga_error *err);

#endif
