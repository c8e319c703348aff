/* owned_dirs.c - before a run: what the run would replace under -o is
 * goneaway's (ga_plan_check_owned in plan/internal.h). */
#include "plan/internal.h"

#include "util/escape.h"

int ga_plan_check_owned(const struct ga_plan *p)
{
	struct ga_run_options opts = p->opts;
	struct ga_error err;
	struct ga_combo k;
	size_t i, s, bad = 0;

	if (!opts.results_dir)
		return 0;
	for (i = 0; i < ga_plan_ncombos(p); i++) {
		ga_plan_combo(p, i, &k);
		opts.results_sub = k.sub[0] ? k.sub : NULL;
		for (s = 0; s < p->nscs; s++) {
			if (ga_evidence_check(&opts, p->scs[s], &err) == 0)
				continue;
			ga_esc_line(stderr, "goneaway: -o %s: %s",
				    opts.results_dir, err.msg);
			bad++;
		}
	}
	if (p->record && !p->expectations &&
	    ga_recorder_check(opts.results_dir))
		bad++;
	return bad ? -1 : 0;
}
