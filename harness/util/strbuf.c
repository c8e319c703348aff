/* strbuf.c - see strbuf.h */
#include "util/strbuf.h"

#include <stdarg.h>
#include <stdio.h>

void ga_strbuf_init(struct ga_strbuf *sb, char *buf, size_t len)
{
	sb->buf = buf;
	sb->len = len;
	sb->used = 0;
	sb->cut = len == 0;
	if (len)
		buf[0] = '\0';
}

void ga_strbuf_add(struct ga_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->cut)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->used, sb->len - sb->used, fmt, ap);
	va_end(ap);
	if (n < 0) {                    /* an encoding error: drop it */
		sb->buf[sb->used] = '\0';
		sb->cut = true;
		return;
	}
	if ((size_t)n >= sb->len - sb->used) {  /* cut, NUL-terminated */
		sb->cut = true;
		sb->used = sb->len - 1;
		return;
	}
	sb->used += (size_t)n;
}
