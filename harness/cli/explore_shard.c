/* explore_shard.c - goneaway explore past one machine: --shard K/N's
 * split of the points, and goneaway report's merge of the shards' JSON
 * Lines (explore.jsonl) into one map.
 *
 * The split: every shard makes the clean runs itself, so every shard
 * numbers the same points in the clean conversation's order; of the
 * points that run (sampled in), the i-th (from 0) is shard i mod N + 1's,
 * round robin, so each shard gets points from the greeting to the end
 * and as many as the others, one more at most.  Each shard's JSON Lines
 * name the clean run (a hash of its points: where each is, its
 * packets, whether it runs) and the scenario (a hash of its text):
 * the merge refuses shards that differ in either, or in the client, the
 * server, the kinds, --sample or --margin, and a shard given twice. */
#include "cli/explore_plan.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lang/scenario.h"
#include "lang/select.h"
#include "util/fsutil.h"
#include "util/hash.h"
#include "util/json.h"

#define MAX_POINTS 1000000              /* a points count read back */
#define MAX_FILE (64 << 20)             /* an explore.jsonl read back */

/* ---- the split ------------------------------------------------------------------ */

static void hash_hex(uint64_t h, char *buf, size_t len)
{
	snprintf(buf, len, "%016llx", (unsigned long long)h);
}

/* The clean run's points, hashed: what the shards must agree on for
 * a point's number to name the same cut in each (its connection,
 * segment, direction, at or after, the packets it carries, whether it
 * runs).  Not its SIZE: each shard cuts at the data byte its own
 * clean run measured (a login a byte longer on another machine moves
 * it). */
static void clean_hash(struct ex_state *st)
{
	char line[EX_LABEL_MAX + 128];
	uint64_t h = GA_FNV1A_INIT;
	size_t i;
	int n;

	for (i = 0; i < st->npts; i++) {
		const struct ex_point *p = &st->pts[i];

		n = snprintf(line, sizeof(line), "%zu %zu %d %d %d %zu %s\n",
			     p->conn, p->seg, p->dir, p->after, p->run,
			     p->run ? 0 : p->like, p->label);
		h = ga_fnv1a(h, line, n > 0 && (size_t)n < sizeof(line) ?
			     (size_t)n : strlen(line));
	}
	hash_hex(h, st->clean_id, sizeof(st->clean_id));
}

int ex_shard_points(struct ex_state *st, struct ga_error *err)
{
	size_t i, ran = 0, mine = 0;

	st->nconns = st->conv.nconns;
	for (i = 0; i < st->conv.nconns; i++) {
		st->npkts += st->conv.conns[i].npkts;
		st->nsegs += st->conv.conns[i].nsegs;
	}
	hash_hex(ga_fnv1a(GA_FNV1A_INIT, st->text, strlen(st->text)),
		 st->scenario_id, sizeof(st->scenario_id));
	clean_hash(st);
	if (!st->a.shard_n)
		return 0;
	st->shard_of = calloc(st->npts ? st->npts : 1, sizeof(*st->shard_of));
	if (!st->shard_of)
		return ga_error_set(err, "out of memory");
	for (i = 0; i < st->npts; i++) {
		if (!st->pts[i].run)
			continue;
		st->shard_of[i] = (unsigned)(ran++ % st->a.shard_n) + 1;
		mine += st->shard_of[i] == st->a.shard_k;
	}
	if (!mine)
		return ga_error_set(err, "--shard %u/%u is empty: the %zu "
				    "points that run make no point for shard "
				    "%u: nothing to run (use fewer shards)",
				    st->a.shard_k, st->a.shard_n, ran,
				    st->a.shard_k);
	return 0;
}

/* ---- the shards' files read back ----------------------------------------------- */

/* One explore.jsonl given to goneaway report. */
struct shard_file {
	char path[EX_PATH_MAX];
	struct ga_json **lines;         /* owned, every line parsed */
	size_t nlines;
	const struct ga_json *head;     /* lines[0] */
	unsigned k, n;                  /* its --shard; 0/0: none */
};

bool ex_is_result(const char *path)
{
	static const char start[] = "{\"type\":\"explore\"";
	char buf[sizeof(start)], file[EX_PATH_MAX];
	struct stat sb;
	ssize_t got;
	int fd;

	if (stat(path, &sb))
		return false;
	snprintf(file, sizeof(file), S_ISDIR(sb.st_mode) ?
		 "%s/explore.jsonl" : "%s", path);
	fd = open(file, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return false;
	got = read(fd, buf, sizeof(start) - 1);
	close(fd);
	return got == (ssize_t)sizeof(start) - 1 &&
	       memcmp(buf, start, sizeof(start) - 1) == 0;
}

static void shard_file_free(struct shard_file *sf)
{
	size_t i;

	for (i = 0; i < sf->nlines; i++)
		ga_json_free(sf->lines[i]);
	free(sf->lines);
}

/* Reads sf->path's every line (folder: its explore.jsonl). */
static int shard_file_read(struct shard_file *sf, const char *given,
			   struct ga_error *err)
{
	struct stat sb;
	struct ga_json **more;
	char *text = NULL, *line, *nl;
	const char *shard;
	size_t len, no = 0;

	snprintf(sf->path, sizeof(sf->path), stat(given, &sb) == 0 &&
		 S_ISDIR(sb.st_mode) ? "%s/explore.jsonl" : "%s", given);
	if (ga_file_read(sf->path, MAX_FILE, &text, &len, err))
		return -1;
	for (line = text; line && line < text + len; line = nl < text + len ?
	     nl + 1 : NULL) {
		nl = memchr(line, '\n', (size_t)(text + len - line));
		if (!nl)
			nl = text + len;
		no++;
		if (nl == line)
			continue;
		more = realloc(sf->lines, (sf->nlines + 1) * sizeof(*more));
		if (!more)
			goto fail_mem;
		sf->lines = more;
		sf->lines[sf->nlines] = ga_json_parse(line, (size_t)(nl - line),
						      err);
		if (!sf->lines[sf->nlines]) {
			free(text);
			return ga_error_prefix(err, "%s:%zu", sf->path, no);
		}
		sf->nlines++;
	}
	free(text);
	sf->head = sf->nlines ? sf->lines[0] : NULL;
	if (!sf->head || strcmp(ga_json_str(sf->head, "type", ""),
				"explore") != 0)
		return ga_error_set(err, "%s:1: not goneaway explore's JSON "
				    "Lines (its first line is no \"explore\" "
				    "line)", sf->path);
	shard = ga_json_str(sf->head, "shard", "");
	if (shard[0] && ga_shard_parse(shard, &sf->k, &sf->n, err))
		return ga_error_prefix(err, "%s:1", sf->path);
	return 0;
fail_mem:
	free(text);
	return ga_error_set(err, "%s: out of memory", sf->path);
}

/* b is a shard of a's exploration: the same scenario, client, server,
 * kinds, sampling, margin and clean run, and another shard of one
 * split. */
static int same_exploration(const struct shard_file *a,
			    const struct shard_file *b, struct ga_error *err)
{
	static const char *const keys[] = {
		"scenario_hash", "client", "server", "kinds",
	};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(ga_json_str(a->head, keys[i], ""),
			   ga_json_str(b->head, keys[i], "")) != 0)
			return ga_error_set(err, "%s and %s are not shards of "
				"one exploration: their %s differs ('%s', "
				"'%s'; scenario %s and %s)", a->path, b->path,
				keys[i], ga_json_str(a->head, keys[i], ""),
				ga_json_str(b->head, keys[i], ""),
				ga_json_str(a->head, "scenario", "?"),
				ga_json_str(b->head, "scenario", "?"));
	if (ga_json_num(a->head, "sample", 0) !=
	    ga_json_num(b->head, "sample", 0) ||
	    ga_json_num(a->head, "margin_ms", 0) !=
	    ga_json_num(b->head, "margin_ms", 0))
		return ga_error_set(err, "%s and %s are not shards of one "
				    "exploration: their --sample or --margin "
				    "differs", a->path, b->path);
	if (!a->n || !b->n || a->n != b->n)
		return ga_error_set(err, "%s and %s are not shards of one "
				    "split: %s holds %s, %s %s (goneaway "
				    "report merges the K/N shards of one "
				    "--shard split)", a->path, b->path,
				    a->path, a->n ? ga_json_str(a->head,
				    "shard", "") : "no --shard", b->path,
				    b->n ? ga_json_str(b->head, "shard", "") :
				    "no --shard");
	if (a->k == b->k)
		return ga_error_set(err, "shard %u/%u is given twice: %s and "
				    "%s", a->k, a->n, a->path, b->path);
	if (strcmp(ga_json_str(a->head, "clean", ""),
		   ga_json_str(b->head, "clean", "")) != 0)
		return ga_error_set(err, "the clean runs of shard %u/%u (%s) "
				    "and shard %u/%u (%s) differ: their points "
				    "are not the same, so a point's number "
				    "would name another cut in each (run the "
				    "shards again)", a->k, a->n, a->path, b->k,
				    b->n, b->path);
	return 0;
}

/* ---- the merged state ---------------------------------------------------------- */

/* j's member key as a whole number from lo to hi into *out. */
static int whole(const struct ga_json *j, const char *key, double lo,
		 double hi, size_t *out)
{
	const struct ga_json *v = ga_json_get(j, key);

	if (!v || v->type != GA_JSON_NUMBER || v->num < lo || v->num > hi ||
	    v->num != (double)(size_t)v->num)
		return -1;
	*out = (size_t)v->num;
	return 0;
}

static void copy(char *buf, size_t len, const struct ga_json *j,
		 const char *key)
{
	snprintf(buf, len, "%s", ga_json_str(j, key, ""));
}

/* The head of the first shard, into st (its strings borrowed from
 * it). */
static int read_head(struct ex_state *st, const struct shard_file *sf,
		     struct ga_error *err)
{
	const struct ga_json *h = sf->head;
	const char *kinds = ga_json_str(h, "kinds", "");
	char word[32];
	size_t n;
	int k;

	st->a.scenario = ga_json_str(h, "scenario", "?");
	st->a.client = ga_json_str(h, "client", "builtin");
	st->a.server = ga_json_str(h, "server", "local");
	st->a.sample = (long)ga_json_num(h, "sample", 0);
	st->a.margin_ms = (long)ga_json_num(h, "margin_ms", 0);
	st->a.shard_n = sf->n;
	st->catalogue = ga_json_bool(h, "catalogue", false);
	st->catalogue_client = ga_json_bool(h, "catalogue_client", false);
	st->same = ga_json_bool(h, "deterministic", false);
	copy(st->same_why, sizeof(st->same_why), h, "deterministic_why");
	copy(st->clean_id, sizeof(st->clean_id), h, "clean");
	copy(st->scenario_id, sizeof(st->scenario_id), h, "scenario_hash");
	while (*kinds) {
		n = strcspn(kinds, ",");
		snprintf(word, sizeof(word), "%.*s", (int)n, kinds);
		k = ex_kind_of(word);
		if (k >= 0)
			st->a.kinds |= 1u << k;
		kinds += n + (kinds[n] == ',');
	}
	if (whole(h, "points", 0, MAX_POINTS, &st->npts) ||
	    whole(h, "connections", 0, 1e9, &st->nconns) ||
	    whole(h, "packets", 0, 1e12, &st->npkts) ||
	    whole(h, "segments", 0, 1e12, &st->nsegs) ||
	    st->npts >= sf->nlines)
		return ga_error_set(err, "%s:1: its points, connections, "
				    "packets or segments are not counts, or "
				    "it has fewer point lines than points",
				    sf->path);
	st->pts = calloc(st->npts ? st->npts : 1, sizeof(*st->pts));
	st->shard_of = calloc(st->npts ? st->npts : 1, sizeof(*st->shard_of));
	st->shard_seen = calloc(sf->n + 1, sizeof(*st->shard_seen));
	if (!st->pts || !st->shard_of || !st->shard_seen)
		return ga_error_set(err, "out of memory");
	return 0;
}

/* A "point" line into its point of st. */
static int read_point(struct ex_state *st, const struct ga_json *l,
		      bool *seen)
{
	struct ex_point *p;
	size_t no, conn, like, shard;

	if (whole(l, "point", 1, (double)st->npts, &no) || seen[no - 1] ||
	    whole(l, "connection", 1, 1e9, &conn) ||
	    whole(l, "like", 0, (double)st->npts, &like) ||
	    whole(l, "shard", 0, st->a.shard_n, &shard))
		return -1;
	seen[no - 1] = true;
	p = &st->pts[no - 1];
	p->conn = conn - 1;
	p->dir = strcmp(ga_json_str(l, "direction", ""), "to-server") == 0 ?
		 EX_UP : EX_DOWN;
	p->after = strcmp(ga_json_str(l, "where", ""), "after") == 0;
	p->size = (unsigned long long)ga_json_num(l, "size", 0);
	copy(p->label, sizeof(p->label), l, "packets");
	p->run = ga_json_bool(l, "ran", false);
	p->like = like ? like - 1 : 0;
	st->shard_of[no - 1] = (unsigned)shard;
	return 0;
}

/* A "run" line into a run more of st. */
static int read_run(struct ex_state *st, const struct ga_json *l)
{
	struct ex_run *r = &st->runs[st->nruns];
	size_t no;
	int kind = ex_kind_of(ga_json_str(l, "kind", "")),
	    v = ex_verdict_of(ga_json_str(l, "outcome", "")),
	    land = ex_land_of(ga_json_str(l, "landed", "")),
	    side = ex_side_of(ga_json_str(l, "server_side", ""));

	if (whole(l, "point", 1, (double)st->npts, &no) || kind < 0 ||
	    v < 0 || land < 0 || side < 0 || ex_find_run(st, no - 1, kind) ||
	    st->nruns >= st->npts * EX_NKINDS || st->nruns >= st->cap_runs)
		return -1;
	r->point = no - 1;
	r->kind = (enum ex_kind)kind;
	r->j.v = (enum ex_verdict)v;
	r->land = (enum ex_land)land;
	r->made = ga_json_bool(l, "made", false);
	r->j.violation = ga_json_bool(l, "violation", false);
	r->j.line = (int)ga_json_num(l, "line", 0);
	r->j.ms = ga_json_num(l, "elapsed_ms", 0);
	copy(r->name, sizeof(r->name), l, "name");
	copy(r->fault, sizeof(r->fault), l, "fault");
	copy(r->j.cell, sizeof(r->j.cell), l, "cell");
	copy(r->j.code, sizeof(r->j.code), l, "code");
	copy(r->j.detail, sizeof(r->j.detail), l, "detail");
	copy(r->land_at, sizeof(r->land_at), l, "landed_at");
	copy(r->repro, sizeof(r->repro), l, "repro");
	copy(r->repro_verdict, sizeof(r->repro_verdict), l, "repro_verdict");
	r->side = (enum ex_side)side;
	r->side_line = (int)ga_json_num(l, "server_side_line", 0);
	st->nruns++;
	return 0;
}

/* Every point line (the first shard's: the others hold the same, their
 * clean runs agreeing) or run line (each shard's) of sf into st. */
static int read_lines(struct ex_state *st, const struct shard_file *sf,
		      bool points, struct ga_error *err)
{
	bool *seen = NULL;
	const char *type;
	size_t i;
	int rc = 0;

	if (points && !(seen = calloc(st->npts + 1, sizeof(*seen))))
		return ga_error_set(err, "out of memory");
	for (i = 1; i < sf->nlines && !rc; i++) {
		type = ga_json_str(sf->lines[i], "type", "");
		if (points && strcmp(type, "point") == 0)
			rc = read_point(st, sf->lines[i], seen);
		else if (!points && strcmp(type, "run") == 0)
			rc = read_run(st, sf->lines[i]);
		if (rc)
			ga_error_set(err, "%s:%zu: not a %s line of its "
				     "exploration (a number out of range, a "
				     "word it does not know, or a run read "
				     "twice)", sf->path, i + 1, type);
	}
	for (i = 0; points && !rc && i < st->npts; i++)
		if (!seen[i])
			rc = ga_error_set(err, "%s: no line for point %zu of "
					  "its %zu", sf->path, i + 1, st->npts);
	free(seen);
	return rc;
}

static int by_point_and_kind(const void *pa, const void *pb)
{
	const struct ex_run *a = pa, *b = pb;

	if (a->point != b->point)
		return a->point < b->point ? -1 : 1;
	return (int)a->kind - (int)b->kind;
}

/* The files sfs[0..n) into st, the shards checked against the first;
 * *secs the longest shard's time. */
static int merge(struct ex_state *st, struct shard_file *sfs, size_t n,
		 double *secs, struct ga_error *err)
{
	size_t i, lines = 0;
	double s;

	for (i = 1; i < n; i++)
		if (same_exploration(&sfs[0], &sfs[i], err))
			return -1;
	if (read_head(st, &sfs[0], err) || read_lines(st, &sfs[0], true, err))
		return -1;
	/* a run a line: as many as the files have lines, at most */
	for (i = 0; i < n; i++)
		lines += sfs[i].nlines;
	st->cap_runs = lines;
	st->runs = calloc(lines + 1, sizeof(*st->runs));
	if (!st->runs)
		return ga_error_set(err, "out of memory");
	*secs = 0;
	for (i = 0; i < n; i++) {
		if (read_lines(st, &sfs[i], false, err))
			return -1;
		s = ga_json_num(sfs[i].head, "seconds", 0);
		*secs = s > *secs ? s : *secs;
		if (sfs[i].n) {
			st->shard_seen[sfs[i].k] = true;
			st->merged++;
		}
	}
	qsort(st->runs, st->nruns, sizeof(*st->runs), by_point_and_kind);
	return 0;
}

/* The shards of st's split that were not given, said on stderr. */
static unsigned missing_shards(const struct ex_state *st)
{
	unsigned k, missing = 0;

	for (k = 1; k <= st->a.shard_n; k++)
		if (!st->shard_seen[k]) {
			fprintf(stderr, "goneaway report: shard %u/%u of the "
				"exploration of %s is missing: no results of "
				"it were given (its points' rows are empty)\n",
				k, st->a.shard_n, st->a.scenario);
			missing++;
		}
	return missing;
}

int ex_report(const struct ex_report_args *ra, char *const *paths, size_t n)
{
	struct shard_file *sfs = calloc(n ? n : 1, sizeof(*sfs));
	struct ex_state st = { 0 };
	struct ga_error err;
	size_t i, nread = 0;
	unsigned missing;
	double secs = 0;
	int code = 2;

	if (!sfs) {
		fprintf(stderr, "goneaway report: out of memory\n");
		return code;
	}
	for (nread = 0; nread < n; nread++)
		if (shard_file_read(&sfs[nread], paths[nread], &err)) {
			nread++;
			goto out;
		}
	if (merge(&st, sfs, n, &secs, &err) ||
	    ex_write_map(&st, secs, &ra->files, false, &err))
		goto out;
	missing = missing_shards(&st);
	if (ex_count_violations(&st))
		code = 1;
	else
		code = missing && ra->strict ? 4 : 0;
out:
	if (code == 2)
		fprintf(stderr, "goneaway report: %s\n", err.msg);
	ex_state_release(&st);
	for (i = 0; i < nread; i++)
		shard_file_free(&sfs[i]);
	free(sfs);
	return code;
}

void ex_state_release(struct ex_state *st)
{
	ex_conv_free(&st->conv);
	ex_conv_free(&st->again);
	ex_cases_free(st->clean, st->nclean);
	ex_cases_free(st->cases, st->ncases);
	free(st->pts);
	free(st->runs);
	free(st->text);
	free(st->known);
	free(st->shard_of);
	free(st->shard_seen);
	if (st->sc)
		ga_scenario_free(st->sc);
}
