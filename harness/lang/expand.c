/* expand.c - see expand.h */
#include "lang/expand.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/units.h"

#define OPEN "%repeat["
#define CLOSE "]%"
#define EXPANDED_MAX GA_EXPAND_MAX

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

/* Walks in[0..n): with buf NULL it only checks and measures, else it
 * writes the expansion into buf (as large as a walk without it said).
 * Returns 0 with *len and *repeats, or -1 (msg, *offset). */
static int walk(const char *in, size_t n, char *buf, size_t *len,
		size_t *repeats, char *msg, size_t msglen, size_t *offset)
{
	struct repeat r;
	size_t pos = 0, w = 0, count = 0;
	long i;
	int rc;

	for (;;) {
		rc = next_repeat(in, n, pos, &r, msg, msglen, offset);
		if (rc < 0)
			return -1;
		if (rc == 0)
			r.start = r.end = n;
		if (buf)
			memcpy(buf + w, in + pos, r.start - pos);
		w += r.start - pos;
		if (rc == 0)
			break;
		count++;
		/* count * textlen <= EXPANDED_MAX (next_repeat) and w stays
		 * below EXPANDED_MAX + n: no overflow. */
		if (buf)
			for (i = 0; i < r.count; i++)
				memcpy(buf + w + (size_t)i * r.textlen, r.text,
				       r.textlen);
		w += (size_t)r.count * r.textlen;
		if (w > (size_t)EXPANDED_MAX) {
			*offset = r.start;
			snprintf(msg, msglen, "the statement grows beyond 64 MiB");
			return -1;
		}
		pos = r.end;
	}
	*len = w;
	*repeats = count;
	return 0;
}

int ga_expand_measure(const char *in, size_t n, size_t *len, size_t *repeats,
		      char *msg, size_t msglen, size_t *offset)
{
	return walk(in, n, NULL, len, repeats, msg, msglen, offset);
}

int ga_expand(const char *in, size_t n, char **out, char *msg, size_t msglen,
	      size_t *offset)
{
	size_t total, again, repeats;
	char *buf;

	*out = NULL;
	if (walk(in, n, NULL, &total, &repeats, msg, msglen, offset))
		return -1;
	buf = malloc(total + 1);
	if (!buf) {
		*offset = 0;
		snprintf(msg, msglen, "out of memory");
		return -1;
	}
	if (walk(in, n, buf, &again, &repeats, msg, msglen, offset)) {
		free(buf);
		return -1;
	}
	buf[total] = '\0';
	*out = buf;
	return 0;
}

int ga_expand_step(const struct ga_step *step, const char **sql,
		   struct ga_error *err)
{
	struct ga_expansion *x = step->expansion;
	char msg[256];
	size_t off;

	if (!x) {
		*sql = step->text;
		return 0;
	}
	if (!x->text && ga_expand(step->text, strlen(step->text), &x->text,
				  msg, sizeof(msg), &off))
		return ga_error_set(err, "expanding the %%repeat of line %d: "
				    "%s", step->line, msg);
	*sql = x->text;
	return 0;
}

void ga_expand_step_release(const struct ga_step *step)
{
	if (step->expansion) {
		free(step->expansion->text);
		step->expansion->text = NULL;
	}
}

void ga_expansion_free(struct ga_expansion *x)
{
	if (x) {
		free(x->text);
		free(x);
	}
}
