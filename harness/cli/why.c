/* why.c - the last line of a run or a report: why its exit status is
 * what it is.  With -j, or hundreds of cases, the FAIL, ERROR and
 * --strict lines scroll by mid-log; a CI job's log ends with a green
 * looking summary unless the reasons are told again at its end
 * (issue 24).  cli_why_case and cli_why_strict keep them as the cases
 * end; cli_why_print tells them, bounded, once everything else is
 * printed. */
#include "cli/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "run/runner.h"
#include "util/escape.h"

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

void cli_why_case(struct cli_why *w, const struct ga_scenario *sc,
		  const struct ga_case_result *res)
{
	const char *label = ga_scenario_label(sc);

	switch (res->verdict) {
	case GA_VERDICT_FAIL:
		w->nfail++;
		add(w->fail, sizeof(w->fail), &w->fail_left_out, "%s%s%s%s",
		    label, res->combo[0] ? " (" : "", res->combo,
		    res->combo[0] ? ")" : "");
		break;
	case GA_VERDICT_ERROR:
		w->nerror++;
		add(w->error, sizeof(w->error), &w->error_left_out, "%s%s%s%s",
		    label, res->combo[0] ? " (" : "", res->combo,
		    res->combo[0] ? ")" : "");
		break;
	case GA_VERDICT_PASS:
	case GA_VERDICT_SKIP:
		break;
	}
}

void cli_why_strict(struct cli_why *w, const char *fmt, ...)
{
	va_list ap;

	w->nstrict++;
	if (w->nkept >= CLI_WHY_KEPT)
		return;
	va_start(ap, fmt);
	vsnprintf(w->strict[w->nkept++], sizeof(w->strict[0]), fmt, ap);
	va_end(ap);
}

static const char *s_(size_t n)
{
	return n == 1 ? "" : "s";
}

void cli_why_print(const struct cli_why *w, const char *cmd, int code,
		   int signo)
{
	size_t i;

	if (code == EXIT_ALL_PASSED || code == EXIT_USAGE)
		return;         /* the summary says it, or a message did */
	fflush(stdout);         /* after the summary, also in a log of both */
	if (signo) {
		ga_esc_line(stderr, "%s: exit %d: interrupted by signal %d",
			    cmd, code, signo);
		return;
	}
	if (code == EXIT_SOME_FAILED && w->nfail) {
		ga_esc_line(stderr, "%s: exit 1: %zu case%s FAILed: %s%s", cmd,
			    w->nfail, s_(w->nfail), w->fail,
			    w->fail_left_out ? ", ..." : "");
		return;
	}
	if (code == EXIT_SOME_ERROR && w->nerror) {
		ga_esc_line(stderr, "%s: exit 3: no FAIL, but %zu case%s "
			    "%s an ERROR: %s%s", cmd, w->nerror, s_(w->nerror),
			    w->nerror == 1 ? "is" : "are", w->error,
			    w->error_left_out ? ", ..." : "");
		return;
	}
	if (code == EXIT_STRICT && w->nstrict) {
		/* the reasons again, each on its line, then the verdict */
		for (i = 0; i < w->nkept; i++)
			ga_esc_line(stderr, "%s: --strict: %s", cmd,
				    w->strict[i]);
		if (w->nstrict > w->nkept)
			ga_esc_line(stderr, "%s: --strict: ... and %zu more "
				    "(above)", cmd, w->nstrict - w->nkept);
		ga_esc_line(stderr, "%s: exit 4: no FAIL or ERROR, but "
			    "--strict fails %zu thing%s a passing run may not "
			    "have (the lines just above)", cmd, w->nstrict,
			    s_(w->nstrict));
		return;
	}
	ga_esc_line(stderr, "%s: exit %d", cmd, code);
}
