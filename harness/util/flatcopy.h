/* flatcopy.h - a directory of a few plain files copied within bounds: a
 * scenario's fixtures (lang/scenario.h, GA_FIXTURES_DIR), from beside
 * its file into the case's own directory, from there into its evidence
 * folder, and from a replayed folder back beside its scenario.
 *
 * What is copied came from whoever wrote the scenario, and the copy is
 * made by goneaway, often as root: so nothing in the directory is
 * followed (a symlink is an error, not a copy of what it points at), a
 * file with more than one link is refused (a hard link to a file of the
 * host would be a copy of that file), and nothing but regular files
 * with plain names is taken, a few, of bounded size.
 */
#ifndef GA_FLATCOPY_H
#define GA_FLATCOPY_H

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

/* What one copy may take. */
struct ga_flat_bounds {
	size_t files;                   /* files at most */
	long long bytes;                /* bytes of all of them at most */
	size_t name_max;                /* bytes of a name at most */
};

/* Whether every byte of s is a letter, a digit, '.', '_' or '-'. */
bool ga_name_chars(const char *s);

/* Whether s is a plain name of at most max bytes: letters, digits, '.',
 * '_' and '-', not starting with '.'. */
bool ga_plain_name(const char *s, size_t max);

/* Copies every entry of the directory src into a new directory dst_name
 * below the open directory dst_parent (mode 0700; one already there is
 * an error), each entry opened below src's descriptor without following
 * a symlink: it must be a regular file with a single link and a plain
 * name (ga_plain_name, b->name_max), at most b->files of them of at most
 * b->bytes bytes together.  Anything else is an error naming the entry
 * (as shown/NAME) and why ("a symlink, not followed"), and what was
 * copied stays, the caller's to remove.  Returns 0 (*files says how
 * many), 1 when src does not exist (nothing made), or -1 with err
 * set. */
int ga_flat_copy(const char *src, const char *shown, int dst_parent,
		 const char *dst_name, const struct ga_flat_bounds *b,
		 size_t *files, struct ga_error *err);

#endif
