/* strbuf.h - an append-only string builder over a caller's buffer (no
 * allocation): messages, nft scripts, expect lines written as text.
 *
 *     char buf[256];
 *     struct ga_strbuf sb;
 *
 *     ga_strbuf_init(&sb, buf, sizeof(buf));
 *     ga_strbuf_add(&sb, "%u (%s)", code, name);
 *     if (sb.cut) ...the text did not fit: buf holds what did
 */
#ifndef GA_UTIL_STRBUF_H
#define GA_UTIL_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct ga_strbuf {
	char *buf;              /* borrowed: the caller's */
	size_t len;             /* its size */
	size_t used;            /* bytes written, below len (the NUL after) */
	bool cut;               /* something did not fit (buf holds the
				 * text cut at len - 1 bytes) */
};

/* Starts sb over buf[len] (buf is made "" when len > 0). */
void ga_strbuf_init(struct ga_strbuf *sb, char *buf, size_t len);

/* Appends a formatted piece; once one did not fit, sb->cut is set and
 * nothing more is added. */
void ga_strbuf_add(struct ga_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
