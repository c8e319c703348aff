/* reporter.c - what the reporters share. */
#include "report/report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/internal.h"
#include "report/outputs.h"

struct ga_reporter *ga_reporter_new(const struct ga_reporter_ops *ops,
				    void *state, struct ga_error *err)
{
	struct ga_reporter *rep = state ? calloc(1, sizeof(*rep)) : NULL;

	if (!rep) {
		if (state && ops->destroy) {
			struct ga_reporter tmp = { .ops = ops, .state = state };

			ops->destroy(&tmp);
		}
		ga_error_set(err, "out of memory");
		return NULL;
	}
	rep->ops = ops;
	rep->state = state;
	return rep;
}

void ga_reporter_free(struct ga_reporter *rep)
{
	if (!rep)
		return;
	if (rep->ops->destroy)
		rep->ops->destroy(rep);
	if (rep->owns_out && rep->out)
		fclose(rep->out);
	free(rep);
}

void ga_reporter_no_case(struct ga_reporter *rep, size_t index,
			 const struct ga_scenario *sc)
{
	(void)rep;
	(void)index;
	(void)sc;
}

void ga_reporter_free_state(struct ga_reporter *rep)
{
	free(rep->state);
}

FILE *ga_output_table_file(const char *name, const char *path,
			   const struct ga_run_summary *sum)
{
	FILE *f;

	if (!sum->table)
		return NULL;
	f = fopen(path, "we");
	if (!f)
		fprintf(stderr, "goneaway: --%s %s: %s\n", name, path,
			strerror(errno));
	return f;
}

void ga_report_steps(FILE *f, const char *indent, const struct ga_scenario *sc,
		     const struct ga_case_result *res, bool only_checked)
{
	size_t i;

	/* what the server said about the scenario's server-option lines */
	ga_esc_lines_write(f, indent, res->server_notes);
	for (i = 0; i < res->nsteps && i < sc->nsteps; i++) {
		/* a step skipped in a partly skipped case says why */
		if (!res->steps[i].ran && !res->steps[i].skipped[0])
			continue;
		/* a sleep that varies over the runs shows what it slept */
		if (only_checked && sc->steps[i].nexpects == 0 &&
		    res->steps[i].matched &&
		    sc->steps[i].vary == GA_SLEEP_FIXED)
			continue;
		ga_step_line_write(f, indent, sc, res, i, false);
	}
}
