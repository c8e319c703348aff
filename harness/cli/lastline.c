/* lastline.c - the last line of a run or a report: why its exit status is
 * what it is.  With -j, or hundreds of cases, the FAIL, ERROR and
 * --strict lines scroll by mid-log; a CI job's log ends with a green
 * looking summary unless the reasons are told again at its end
 * (issue 24).  ga_why_case and ga_why_strict keep them as the cases
 * end (plan/why.c); cli_why_print tells them, bounded, once everything
 * else is printed. */
#include "cli/internal.h"

#include <stdio.h>

#include "run/runner.h"
#include "util/escape.h"

static const char *s_(size_t n)
{
	return n == 1 ? "" : "s";
}

void cli_why_print(const struct ga_why *w, const char *cmd, int code,
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
