/* jsonl.c - results for programs: JSON Lines (docs/results-jsonl.md),
 * written by result/jsonl_write.c as a run goes, each case flushed as it
 * ends. */
#include "report/report.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "report/internal.h"
#include "report/outputs.h"
#include "result/results.h"
#include "util/fsutil.h"

struct jsonl_state {
	const struct ga_jsonl_meta *meta;       /* borrowed */
	long ncase;                             /* cases written */
};

static void jsonl_begin_run(struct ga_reporter *rep, size_t ncases)
{
	struct jsonl_state *st = rep->state;

	rep->ncases = ncases;
	ga_results_write_run(rep->out, st->meta, ncases);
	fflush(rep->out);
}

static void jsonl_end_case(struct ga_reporter *rep, size_t index,
			   const struct ga_scenario *sc,
			   const struct ga_case_result *res)
{
	struct jsonl_state *st = rep->state;
	size_t i;

	(void)index;
	st->ncase++;
	for (i = 0; i < res->nsteps && i < sc->nsteps; i++)
		ga_results_write_step(rep->out, st->ncase, sc, res, i);
	ga_results_write_case(rep->out, st->ncase, st->meta->results_dir,
		   st->meta->evidence_as, sc, res);
	fflush(rep->out);
}

static void jsonl_end_run(struct ga_reporter *rep,
			  const struct ga_run_summary *sum)
{
	ga_results_write_end(rep->out, sum);
	fflush(rep->out);
}

static const struct ga_reporter_ops jsonl_ops =
	GA_REPORTER_OPS(jsonl, ga_reporter_free_state);

/* A reporter writing to a new file dirfd/path (AT_FDCWD: path as it
 * is); fresh: what is there is removed first and the file made anew,
 * never through a symlink. */
static struct ga_reporter *jsonl_open(int dirfd, const char *path,
				      const struct ga_jsonl_meta *meta,
				      bool fresh, struct ga_error *err)
{
	struct ga_reporter *rep = calloc(1, sizeof(*rep));
	struct jsonl_state *st = calloc(1, sizeof(*st));
	int fd;

	if (!rep || !st) {
		ga_error_set(err, "out of memory");
		goto fail;
	}
	/* fresh: a new file, never through a symlink or into another
	 * name's hard link (below -o, as the evidence) */
	if (fresh && unlinkat(dirfd, path, 0) != 0 && errno != ENOENT) {
		ga_error_errno(err, errno, "cannot replace %s", path);
		goto fail;
	}
	fd = fresh ? openat(dirfd, path, O_WRONLY | O_CREAT | O_EXCL |
			    O_NOFOLLOW | O_CLOEXEC, 0644)
		   : openat(dirfd, path, O_WRONLY | O_CREAT | O_TRUNC |
			    O_CLOEXEC, 0644);
	if (fd < 0) {
		ga_error_errno(err, errno, "cannot write %s", path);
		goto fail;
	}
	rep->out = ga_fdopen(fd, "w");
	if (!rep->out) {
		ga_error_errno(err, errno, "cannot write %s", path);
		goto fail;
	}
	st->meta = meta;
	rep->owns_out = true;
	rep->ops = &jsonl_ops;
	rep->state = st;
	return rep;
fail:
	free(st);
	free(rep);
	return NULL;
}

struct ga_reporter *ga_report_jsonl_new(const char *path,
					const struct ga_jsonl_meta *meta,
					bool fresh, struct ga_error *err)
{
	return jsonl_open(AT_FDCWD, path, meta, fresh, err);
}

struct ga_reporter *ga_report_jsonl_new_at(int dirfd, const char *name,
					   const struct ga_jsonl_meta *meta,
					   struct ga_error *err)
{
	return jsonl_open(dirfd, name, meta, true, err);
}

static struct ga_reporter *jsonl_open_output(const struct ga_output_args *a,
					     struct ga_error *err)
{
	return ga_report_jsonl_new(a->path, a->meta, a->fresh, err);
}

const struct ga_output ga_output_jsonl = {
	.name = "jsonl",
	.file = GA_OUTPUT_RUN,
	.help = "also write the results as JSON Lines to FILE\n"
		"(docs/results-jsonl.md)",
	.doc = "the results as JSON Lines ([Results for programs]"
	       "(#results-for-programs))",
	.since = "0.2.0",
	.open = jsonl_open_output,
};
