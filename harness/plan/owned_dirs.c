/* owned_dirs.c - before a run: what the run would replace under -o is
 * goneaway's (run_check_owned in plan/run.h). */
#include "plan/run.h"

#include "util/escape.h"

int run_check_owned(const struct run_args *a, struct ga_scenario **scs,
		    size_t n)
{
	struct ga_run_options opts = a->opts;
	struct ga_error err;
	struct combo k;
	size_t i, s, bad = 0;

	if (!opts.results_dir)
		return 0;
	for (i = 0; i < run_ncombos(a); i++) {
		run_combo_init(a, i, &k);
		opts.results_sub = k.sub[0] ? k.sub : NULL;
		for (s = 0; s < n; s++) {
			if (ga_evidence_check(&opts, scs[s], &err) == 0)
				continue;
			ga_esc_line(stderr, "goneaway: -o %s: %s",
				    opts.results_dir, err.msg);
			bad++;
		}
	}
	if (a->record && !a->expectations &&
	    ga_recorder_check(opts.results_dir))
		bad++;
	return bad ? -1 : 0;
}
