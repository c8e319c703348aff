/* threadvar.c - see threadvar.h */
#include "lang/threadvar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

int ga_threadvar_next(const char *s, size_t n, size_t from, size_t *start,
		      const char **name, size_t *namelen, size_t *end,
		      char *msg, size_t msglen)
{
	size_t olen = strlen(GA_THREADVAR_OPEN);
	const char *p, *close;

	p = from < n ? memmem(s + from, n - from, GA_THREADVAR_OPEN, olen)
		     : NULL;
	if (!p)
		return 0;
	*start = (size_t)(p - s);
	p += olen;
	close = memmem(p, n - (size_t)(p - s), GA_THREADVAR_CLOSE,
		       strlen(GA_THREADVAR_CLOSE));
	if (!close) {
		snprintf(msg, msglen, "'%%thread[' without its closing ']%%'");
		return -1;
	}
	if (close == p) {
		snprintf(msg, msglen, "%%thread[] needs a connection's name, "
			 "e.g. %%thread[app]%%");
		return -1;
	}
	*name = p;
	*namelen = (size_t)(close - p);
	*end = (size_t)(close - s) + strlen(GA_THREADVAR_CLOSE);
	return 1;
}

/* The connection index of the reference name[0..len) (one the parser
 * found), or -1. */
static int conn_of(const struct ga_threadvars *t, const char *name,
		   size_t len)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strlen(t->names[i]) == len &&
		    memcmp(t->names[i], name, len) == 0)
			return t->conns[i];
	return -1;
}

/* One pass over sql (the text after its %repeat expansion): with buf
 * NULL it measures, else it writes.  Each reference is looked up by its
 * name; one the parser did not find (none can be inside a %repeat, whose
 * TEXT ends at the first "]%") is kept as it is.  Returns the length. */
static size_t walk(const struct ga_threadvars *t, const char *sql,
		   const unsigned long *ids, char *buf)
{
	size_t n = strlen(sql), pos = 0, w = 0, start, end, namelen;
	const char *name;
	char msg[128], num[24];
	int conn, len;

	while (ga_threadvar_next(sql, n, pos, &start, &name, &namelen, &end,
				 msg, sizeof(msg)) == 1) {
		conn = conn_of(t, name, namelen);
		if (conn < 0) {         /* not one of the parser's: kept */
			start = end;
			len = 0;
		} else {
			len = snprintf(num, sizeof(num), "%lu", ids[conn]);
		}
		if (buf) {
			memcpy(buf + w, sql + pos, start - pos);
			memcpy(buf + w + (start - pos), num, (size_t)len);
		}
		w += start - pos + (size_t)len;
		pos = end;
	}
	if (buf) {
		memcpy(buf + w, sql + pos, n - pos);
		buf[w + n - pos] = '\0';
	}
	return w + n - pos;
}

/* The substitution of sql into a new string, or NULL (out of memory). */
static char *substitute(const struct ga_threadvars *t, const char *sql,
			const unsigned long *ids)
{
	char *buf = malloc(walk(t, sql, ids, NULL) + 1);

	if (buf)
		walk(t, sql, ids, buf);
	return buf;
}

char *ga_threadvars_substitute(const struct ga_step *step, const char *sql,
			       const unsigned long *ids)
{
	return step->threads ? substitute(step->threads, sql, ids) :
			       strdup(sql);
}

int ga_threadvars_apply(const struct ga_step *step, const char *sql,
			const unsigned long *ids, const char **out,
			struct ga_error *err)
{
	struct ga_threadvars *t = step->threads;
	char **old, *text;

	if (!t || !sql) {
		*out = sql;
		return 0;
	}
	text = substitute(t, sql, ids);
	if (!text)
		return ga_error_set(err, "out of memory");
	if (t->text) {
		old = realloc(t->old, (t->nold + 1) * sizeof(*old));
		if (!old) {
			free(text);
			return ga_error_set(err, "out of memory");
		}
		t->old = old;
		t->old[t->nold++] = t->text;
	}
	t->text = text;
	*out = text;
	return 0;
}

void ga_threadvars_free(struct ga_threadvars *t)
{
	if (!t)
		return;
	ga_strings_free(t->old, t->nold);
	free(t->text);
	free(t->conns);
	free(t->names);
	free(t);
}
