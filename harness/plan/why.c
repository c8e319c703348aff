/* why.c - what made a run or a report fail, kept as its cases end
 * (ga_why_case, ga_why_strict), for the command line's last line
 * (cli/lastline.c, cli_why_print). */
#include "plan/why.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "run/runner.h"

/* Appends one item to list (", " between items), or counts it as left
 * out when list is full. */
static void add(char *list, size_t size, size_t *left_out, const char *fmt,
		...) __attribute__((format(printf, 4, 5)));

static void add(char *list, size_t size, size_t *left_out, const char *fmt,
		...)
{
	size_t used = strlen(list);
	char item[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(item, sizeof(item), fmt, ap);
	va_end(ap);
	if (used + strlen(item) + 3 >= size) {
		(*left_out)++;
		return;
	}
	snprintf(list + used, size - used, "%s%s", used ? ", " : "", item);
}

/* Appends a case's label (and its combination) to list. */
static void add_case(char *list, size_t size, size_t *left_out,
		     const char *label, const struct ga_case_result *res)
{
	add(list, size, left_out, "%s%s%s%s", label,
	    res->combo[0] ? " (" : "", res->combo, res->combo[0] ? ")" : "");
}

void ga_why_case(struct ga_why *w, const struct ga_scenario *sc,
		  const struct ga_case_result *res)
{
	const char *label = ga_scenario_label(sc);

	switch (res->verdict) {
	case GA_VERDICT_FAIL:
		w->nfail++;
		add_case(w->fail, sizeof(w->fail), &w->fail_left_out, label,
			 res);
		break;
	case GA_VERDICT_ERROR:
		w->nerror++;
		add_case(w->error, sizeof(w->error), &w->error_left_out, label,
			 res);
		break;
	case GA_VERDICT_PASS:
	case GA_VERDICT_SKIP:
		break;
	}
}

void ga_why_strict(struct ga_why *w, const char *fmt, ...)
{
	va_list ap;

	w->nstrict++;
	if (w->nkept >= GA_WHY_KEPT)
		return;
	va_start(ap, fmt);
	vsnprintf(w->strict[w->nkept++], sizeof(w->strict[0]), fmt, ap);
	va_end(ap);
}
