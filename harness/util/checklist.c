/* checklist.c - see checklist.h: doctor's lines. */
#include "util/checklist.h"

#include <stdarg.h>

void ga_check_line(struct ga_checklist *c, bool ok, bool required,
		   const char *name, const char *fmt, ...)
{
	va_list ap;

	fprintf(c->out, "  %-8s %-18s ", ok ? "ok" : required ? "MISSING" :
		"missing", name);
	va_start(ap, fmt);
	vfprintf(c->out, fmt, ap);
	va_end(ap);
	fputc('\n', c->out);
	if (!ok && required)
		c->all_needed = false;
}

void ga_check_note(struct ga_checklist *c, const char *text)
{
	fprintf(c->out, "  %-8s %-18s %s\n", "", "", text);
}
