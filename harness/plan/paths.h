/* paths.h - where goneaway looks for things by default
 * (plan/paths.c). */
#ifndef GA_PLAN_PATHS_H
#define GA_PLAN_PATHS_H

#include <stddef.h>

#include "util/error.h"
#include "util/trustdir.h"

/* The directory what ("fixtures", "drivers") next to the binary (a
 * build tree: the directory of /proc/self/exe), else in
 * ../share/goneaway/ next to that directory (PREFIX/share/goneaway);
 * never relative to the working directory.  The absolute path goes into
 * buf, and must pass ga_check_trusted().  Returns 0, or -1 with err naming
 * where it looked. */
int ga_find_share_dir(const char *what, char *buf, size_t len,
		   struct ga_error *err);
/* 0 when path (a directory or a file) and every directory above it
 * pass util/trustdir.h's rule: root's, the effective user's or the
 * binary's owner's, writable by no one else, no symlink after the
 * path's own are resolved; else GA_TRUSTDIR_REFUSED or -1 with err. */
int ga_check_trusted(const char *path, struct ga_error *err);
/* $XDG_CACHE_HOME/goneaway, ~/.cache/goneaway or /var/cache/goneaway */
void ga_default_cache(char *buf, size_t len);
/* The cache dir (--cache, or the default above) is goneaway's alone:
 * what a server runs from (its template datadir and its build, a
 * root's probe, the lab's TLS key), what drivers load (their compiled
 * code, drivers/) and the locks of every run are there, and goneaway
 * runs as root.  So dir and every directory above it must pass
 * util/trustdir.h's rule, as drivers and fixtures do (a sudo -E user's
 * home cache too: it belongs to that user, trusted only when the
 * goneaway binary is theirs), and so must each entry of it goneaway
 * uses (drivers/ and tls-1/ to their last file, the templates, their
 * builds, a root's or an image's cache and what it holds, the locks):
 * another user's, one other users can write, or a symlink there is
 * refused.  A dir not there yet is made (0755), after the directory it
 * is made in passed.  Its real path goes into real (len bytes; real
 * may be dir's own buffer).  Returns 0, or GA_TRUSTDIR_REFUSED (the rule
 * broken) or -1 (not made: errno) with err naming the directory and
 * why. */
int ga_check_cache(const char *dir, char *real, size_t len,
		   struct ga_error *err);
/* The server fixtures dir (--fixtures, or the one next to the binary):
 * the template's build runs its SQL and my.cnf as root, so it passes
 * util/trustdir.h's rule to its last file.  One not there is not
 * refused (the server's prepare says so).  Returns 0, or
 * GA_TRUSTDIR_REFUSED (or -1) with err naming the file and why. */
int ga_check_fixtures(const char *dir, struct ga_error *err);
/* $TMPDIR or /tmp */
const char *ga_tmp_root(void);



/* A case's folder keeps the SHA-256 digests of the files goneaway
 * replay runs from it, in sha256sum(1)'s format (plan/sink_casefolder.c
 * writes them, cli/replay.c checks them); "expectations" only when the
 * folder has one. */
#define GA_CASE_DIGESTS "SHA256SUMS"
#define GA_CASE_DIGESTED { "scenario.gw", "results.jsonl", "expectations" }
#define GA_CASE_DIGESTS_MAX (64L << 20)    /* bytes of a digested file */

#endif
