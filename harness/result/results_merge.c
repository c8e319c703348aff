/* results_merge.c - see results.h: the cases read from one or several
 * results files put in a stable order, an identical copy of a case
 * (two shards that both ran it) dropped, a conflicting one refused. */
#include "result/jsonl_reader.h"

#include <stdlib.h>
#include <string.h>

#include "util/grow.h"

/* ---- merging ------------------------------------------------------------ */

/* Labels in the order of their files' names ("x-tls.gw" before
 * "x.gw"), the order a run takes a directory's scenarios in: each
 * compared as if ".gw" followed it. */
static int label_cmp(const char *a, const char *b)
{
	static const char gw[] = ".gw";
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char ca, cb;

	for (i = 0; i < la + 3 || i < lb + 3; i++) {
		ca = i < la ? (unsigned char)a[i] :
		     i < la + 3 ? (unsigned char)gw[i - la] : 0;
		cb = i < lb ? (unsigned char)b[i] :
		     i < lb + 3 ? (unsigned char)gw[i - lb] : 0;
		if (ca != cb)
			return ca < cb ? -1 : 1;
	}
	return 0;
}

static int case_cmp(const void *a, const void *b)
{
	const struct ga_results_case *x = a, *y = b;
	int c = label_cmp(x->sc->label, y->sc->label);

	if (!c)
		c = strcmp(x->res.server, y->res.server);
	if (!c)
		c = strcmp(x->res.client, y->res.client);
	if (!c)
		c = strcmp(x->res.proxy, y->res.proxy);
	return c;
}

/* The order of reading breaks ties: a stable sort. */
static int case_cmp_stable(const void *a, const void *b)
{
	const struct ga_results_case *x = a, *y = b;
	int c = case_cmp(a, b);

	if (c)
		return c;
	return x->order < y->order ? -1 : x->order > y->order;
}

int ga_results_sort(struct ga_results *r, struct ga_error *err)
{
	size_t i, kept = 0;

	if (r->n > 1)
		qsort(r->cases, r->n, sizeof(*r->cases), case_cmp_stable);
	for (i = 0; i < r->n; i++) {
		struct ga_results_case *c = &r->cases[i];

		if (kept && case_cmp(&r->cases[kept - 1], c) == 0) {
			struct ga_results_case *k = &r->cases[kept - 1];

			if (strcmp(k->fingerprint, c->fingerprint) != 0)
				return ga_error_set(err, "%s on %s with %s%s%s is "
					"in %s:%ld and in %s:%ld, and they "
					"differ: give each case to one run only",
					c->sc->label, c->res.server,
					c->res.client, c->res.proxy[0] ?
					" behind " : "", c->res.proxy, k->file,
					k->line, c->file, c->line);
			ga_jsonl_case_free(c);
			continue;
		}
		if (kept != i) {
			r->cases[kept] = *c;
			memset(c, 0, sizeof(*c));
		}
		kept++;
	}
	r->n = kept;
	return 0;
}

void ga_results_free(struct ga_results *r)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		ga_jsonl_case_free(&r->cases[i]);
	free(r->cases);
	ga_strings_free(r->files, r->nfiles);
	free(r->shards);
	free(r->runs);
	memset(r, 0, sizeof(*r));
}

void ga_results_run_line(const struct ga_results_run *run, char *buf,
			 size_t len)
{
	snprintf(buf, len, "Measured %s%s%s%s%s%s%s%s%s%s%s",
		 run->date[0] ? run->date : "at an unknown date",
		 run->goneaway[0] ? " by goneaway " : "", run->goneaway,
		 run->kernel[0] ? " on Linux " : "", run->kernel,
		 run->machine[0] ? (run->kernel[0] ? " (" : " on ") : "",
		 run->machine,
		 run->machine[0] && run->kernel[0] ? ")" : "",
		 run->command[0] ? ": " : "", run->command,
		 run->command[0] ? "" : ".");
}

