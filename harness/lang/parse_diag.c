/* parse_diag.c - how the parser's files report a problem (ga_perr and
 * friends in lang/internal.h) and the name tables their messages use.
 * Every other parse_*.c file and the lexer use these; these use none of
 * them. */
#include "lang/internal.h"

#include <stdarg.h>
#include <stdio.h>

const char *const ga_cmp_names[] = {
	[GA_CMP_NONE] = "",
	[GA_CMP_EQ] = "=",
	[GA_CMP_NE] = "!=",
	[GA_CMP_LT] = "<",
	[GA_CMP_LE] = "<=",
	[GA_CMP_GT] = ">",
	[GA_CMP_GE] = ">=",
};

/* Every diagnostic goes through here; returns -1 for "return ga_perr()". */
static int vperr_at(struct parser *p, int line, int col, const char *fmt,
		    va_list ap)
{
	char msg[MSG_MAX];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	ga_diags_add(p->diags, p->path, line, col, "%s", msg);
	p->nerrors++;
	return -1;
}

int ga_perr_at(struct parser *p, int line, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vperr_at(p, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

/* A problem on the current line at column col. */
int ga_perr(struct parser *p, int col, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vperr_at(p, p->line, col, fmt, ap);
	va_end(ap);
	return -1;
}

int ga_vperr(struct parser *p, int col, const char *fmt, va_list ap)
{
	return vperr_at(p, p->line, col, fmt, ap);
}

int ga_parse_nomem(struct parser *p)
{
	return ga_perr(p, 0, "out of memory");
}

/* "a, b, c" from a table of names, for "(known: ...)" messages. */
const char *ga_join_names(char *buf, size_t size,
			      const char *const *names, size_t n)
{
	size_t used = 0;
	size_t i;
	int k;

	buf[0] = '\0';
	for (i = 0; i < n && used < size; i++) {
		k = snprintf(buf + used, size - used, "%s%s",
			     i ? ", " : "", names[i]);
		if (k < 0)
			break;
		used += (size_t)k;
	}
	return buf;
}
