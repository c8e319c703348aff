/* expand.c - see expand.h */
#include "lang/expand.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/units.h"

#define OPEN "%repeat["
#define CLOSE "]%"
#define EXPANDED_MAX (64L << 20)        /* one statement, at most 64 MiB */

struct repeat {
	size_t start, end;      /* the whole "%repeat[...]%" in the input */
	long count;
	const char *text;       /* in the input */
	size_t textlen;
};

/* Finds and checks the next repeat at or after from.  Returns 1 found,
 * 0 none, -1 error. */
static int next_repeat(const char *in, size_t n, size_t from,
		       struct repeat *r, char *msg, size_t msglen,
		       size_t *offset)
{
	const char *p, *close, *x;
	char count[32];
	size_t len;

	p = from < n ? memmem(in + from, n - from, OPEN, strlen(OPEN)) : NULL;
	if (!p)
		return 0;
	r->start = (size_t)(p - in);
	*offset = r->start;
	p += strlen(OPEN);
	close = memmem(p, n - (size_t)(p - in), CLOSE, strlen(CLOSE));
	if (!close) {
		snprintf(msg, msglen, "'%%repeat[' without its closing ']%%'");
		return -1;
	}
	x = memmem(p, (size_t)(close - p), " x ", 3);
	if (!x) {
		snprintf(msg, msglen, "write %%repeat[COUNT x TEXT]%%, e.g. "
			 "%%repeat[2MiB x a]%%");
		return -1;
	}
	len = (size_t)(x - p);
	if (len == 0) {
		snprintf(msg, msglen, "%%repeat needs a count before ' x '");
		return -1;
	}
	if (len >= sizeof(count)) {
		snprintf(msg, msglen, "invalid count in %%repeat: write e.g. "
			 "1000, 64KiB or 2MiB");
		return -1;
	}
	memcpy(count, p, len);
	count[len] = '\0';
	if (ga_units_bytes(count, &r->count, NULL)) {
		snprintf(msg, msglen, "invalid count '%s' in %%repeat: write "
			 "e.g. 1000, 64KiB or 2MiB", count);
		return -1;
	}
	r->text = x + 3;
	r->textlen = (size_t)(close - r->text);
	if (r->textlen == 0) {
		snprintf(msg, msglen, "%%repeat has no text to repeat");
		return -1;
	}
	if (r->count > EXPANDED_MAX / (long)r->textlen) {
		snprintf(msg, msglen, "%%repeat makes more than 64 MiB");
		return -1;
	}
	r->end = (size_t)(close - in) + strlen(CLOSE);
	return 1;
}

/* Two passes: measure, then write. */
int ga_expand(const char *in, size_t n, char **out, char *msg, size_t msglen,
	      size_t *offset)
{
	struct repeat r;
	size_t pos, total, w;
	char *buf;
	long i;
	int pass, rc;

	*out = NULL;
	buf = NULL;
	total = 0;
	for (pass = 0; pass < 2; pass++) {
		pos = 0;
		w = 0;
		for (;;) {
			rc = next_repeat(in, n, pos, &r, msg, msglen, offset);
			if (rc < 0) {
				free(buf);
				return -1;
			}
			if (rc == 0)
				r.start = r.end = n;
			if (buf)
				memcpy(buf + w, in + pos, r.start - pos);
			w += r.start - pos;
			if (rc == 0)
				break;
			for (i = 0; i < r.count; i++) {
				if (buf)
					memcpy(buf + w, r.text, r.textlen);
				w += r.textlen;
			}
			if (w > (size_t)EXPANDED_MAX) {
				*offset = r.start;
				snprintf(msg, msglen, "the statement grows "
					 "beyond 64 MiB");
				free(buf);
				return -1;
			}
			pos = r.end;
		}
		if (pass == 0) {
			total = w;
			buf = malloc(total + 1);
			if (!buf) {
				*offset = 0;
				snprintf(msg, msglen, "out of memory");
				return -1;
			}
		}
	}
	buf[total] = '\0';
	*out = buf;
	return 0;
}
