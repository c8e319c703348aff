/* checklist.c - see checklist.h: doctor's lines. */
#include "util/checklist.h"

#include <stdarg.h>

#include "util/escape.h"

void ga_check_line(struct ga_checklist *c, bool ok, bool required,
		   const char *name, const char *fmt, ...)
{
	char detail[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	/* a detail may quote what a program outside said: escaped */
	fprintf(c->out, "  %-8s %-18s ", ok ? "ok" : required ? "MISSING" :
		"missing", name);
	ga_esc_write(c->out, detail, GA_ESC_TEXT);
	fputc('\n', c->out);
	if (!ok && required)
		c->all_needed = false;
}

void ga_check_note(struct ga_checklist *c, const char *text)
{
	fprintf(c->out, "  %-8s %-18s %s\n", "", "", text);
}
