/* jsonl_whole.c - see results.h: one case between goneaway's processes
 * (plan/jobs_wire.c), read back from the lines ga_results_write_whole()
 * wrote: results.jsonl's with the members flagged GA_JROW_WHOLE
 * (result.h), each step held to the scenario's. */
#include "result/jsonl_reader.h"

#include <stdlib.h>
#include <string.h>

/* One line of a whole case: a step's, or the case's (then *done). */
static int read_whole_line(struct reader *rd, const char *text, size_t len,
			   bool *done)
{
	const char *type;
	struct ga_json *j = ga_jsonl_parse(rd, text, len, &type);
	int rc;

	if (!j)
		return -1;
	if (strcmp(type, "step") == 0) {
		rc = ga_jsonl_read_step(rd, j);
	} else if (strcmp(type, "case") == 0) {
		rc = ga_jsonl_read_case(rd, j);
		*done = true;
	} else {
		rc = ga_jsonl_bad(rd, "not a step's or a case's line");
	}
	ga_json_free(j);
	return rc;
}

int ga_results_read_whole(const char *text, size_t len, const char *from,
			  const struct ga_scenario *sc,
			  const struct ga_expect *implicit,
			  const char *(*intern)(void *ctx, const char *api),
			  void *ctx, struct ga_case_result *res,
			  struct ga_error *err)
{
	struct reader rd;
	const char *end, *line = text;
	bool done = false;
	size_t i;
	int rc = -1;

	memset(&rd, 0, sizeof(rd));
	memset(res, 0, sizeof(*res));
	rd.err = err;
	rd.file = from;
	rd.whole = true;
	rd.sc = sc;
	rd.implicit = implicit;
	snprintf(rd.base, sizeof(rd.base), ".");
	while (!done && line < text + len) {
		end = memchr(line, '\n', (size_t)(text + len - line));
		rd.lineno++;
		if (!end) {
			ga_jsonl_bad(&rd, "the line is cut short (no newline at its end)");
			goto out;
		}
		if ((size_t)(end - line) > GA_RESULTS_LINE_MAX) {
			ga_jsonl_bad(&rd, "the line is longer than %d bytes",
			    GA_RESULTS_LINE_MAX);
			goto out;
		}
		if (read_whole_line(&rd, line, (size_t)(end - line), &done))
			goto out;
		line = end + 1;
	}
	if (!done || line != text + len) {
		ga_jsonl_bad(&rd, done ? "a line after the case's" : "no case line");
		goto out;
	}
	if (rd.cases[0].res.nsteps != sc->nsteps) {
		ga_jsonl_bad(&rd, "a result that is not one of the scenario's: %zu "
		    "steps for %zu", rd.cases[0].res.nsteps, sc->nsteps);
		goto out;
	}
	*res = rd.cases[0].res;
	memset(&rd.cases[0].res, 0, sizeof(rd.cases[0].res));
	/* the call names, kept by the caller's intern (the file reader's
	 * copies go with the case) */
	for (i = 0; i < res->nsteps; i++)
		res->steps[i].out.api = res->steps[i].out.api && intern ?
			intern(ctx, res->steps[i].out.api) : NULL;
	rc = 0;
out:
	ga_jsonl_reader_free(&rd);
	return rc;
}
