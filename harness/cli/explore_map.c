/* explore_map.c - goneaway explore's outputs: the map as text (points
 * down the side, fault kinds across, violations first: the console and
 * explore.txt, one of the map's family of outputs, ex_map_format), a
 * JSON line per point and per run, the clean run's conversation, and
 * the map's files (docs/explore.md says how to read them). */
#include "cli/explore_plan.h"

#include <errno.h>
#include <string.h>

#include "util/fsutil.h"
#include "util/json.h"

static void text_line(void *ctx, const char *text)
{
	fprintf(ctx, "%s\n", text);
}

/* The server side's lines (ex_side_lines): the first as it is, the
 * runs under it indented, a blank line after them. */
static void side_line(void *ctx, const char *text)
{
	struct ex_lines *t = ctx;

	fprintf(t->f, "%s%s\n", t->n++ ? "  " : "", text);
}

static void map_violations(FILE *f, const struct ex_state *st)
{
	char name[EX_LABEL_MAX + 40];
	size_t i, n = ex_count_violations(st);

	fprintf(f, "violations: %zu\n", n);
	for (i = 0; i < st->nruns; i++) {
		const struct ex_run *r = &st->runs[i];

		if (!r->j.violation)
			continue;
		ex_point_name(&st->pts[r->point], name, sizeof(name));
		fprintf(f, "  %-11s %s: %s\n    %s\n", r->name,
			ex_verdict_word(r->j.v), name, r->j.detail);
		if (r->land == EX_LAND_ELSEWHERE)
			fprintf(f, "    the cut landed elsewhere: %s\n",
				r->land_at);
		if (r->repro[0])
			fprintf(f, "    reproduced by %s (goneaway run: %s)\n",
				r->repro, r->repro_verdict[0] ?
				r->repro_verdict : "not run");
	}
	fputc('\n', f);
}

static void map_table(FILE *f, const struct ex_state *st)
{
	char name[EX_LABEL_MAX + 40], cell[96];
	const struct ex_run *r;
	unsigned elsewhere;
	size_t i;
	int k;

	fprintf(f, "%-4s %-64s", "#", "point");
	for (k = 0; k < EX_NKINDS; k++)
		fprintf(f, k + 1 < EX_NKINDS ? " %-22s" : " %s",
			ex_kind_names[k]);
	fputc('\n', f);
	for (i = 0; i < st->npts; i++) {
		ex_point_name(&st->pts[i], name, sizeof(name));
		fprintf(f, "%-4zu %-64.64s", i + 1, name);
		elsewhere = ex_point_elsewhere(st, i);
		if (!st->pts[i].run || elsewhere) {
			if (elsewhere)
				fprintf(f, " (shard %u/%u%s)\n", elsewhere,
					st->a.shard_n, st->merged ?
					": MISSING" : "");
			else
				fprintf(f, " (not run: like #%zu)\n",
					st->pts[i].like + 1);
			continue;
		}
		for (k = 0; k < EX_NKINDS; k++) {
			r = ex_find_run(st, i, k);
			if (r)
				ex_cell_text(r, cell, sizeof(cell));
			else
				snprintf(cell, sizeof(cell), "-");
			fprintf(f, " %-22s", cell);
		}
		fputc('\n', f);
	}
}

static void text_write(FILE *f, const struct ex_state *st, double secs)
{
	struct ex_lines side = { f, 0 };

	ex_map_head(st, secs, text_line, f);
	fputc('\n', f);
	map_violations(f, st);
	ex_side_lines(st, side_line, &side);
	if (side.n)
		fputc('\n', f);
	map_table(f, st);
}

static const struct ex_map_format ex_map_text = {
	.name = "text",
	.write = text_write,
};

static void json_str(FILE *f, const char *key, const char *v)
{
	fprintf(f, ",\"%s\":", key);
	ga_json_write_string(f, v, strlen(v));
}

/* Which kinds ran: "reset,drop,FIN" (--kind's, or all). */
static void kinds_words(const struct ex_state *st, char *buf, size_t len)
{
	size_t used;
	int k;

	buf[0] = '\0';
	for (k = 0; k < EX_NKINDS; k++) {
		if (st->a.kinds && !(st->a.kinds & (1u << k)))
			continue;
		used = strlen(buf);
		snprintf(buf + used, len - used, "%s%s", used ? "," : "",
			 ex_kind_names[k]);
	}
}

static void jsonl_head(FILE *f, const struct ex_state *st, double secs)
{
	char words[128];

	fprintf(f, "{\"type\":\"explore\"");
	json_str(f, "scenario", st->a.scenario);
	json_str(f, "scenario_hash", st->scenario_id);
	json_str(f, "client", st->a.client ? st->a.client : "builtin");
	json_str(f, "server", st->a.server ? st->a.server : "local");
	kinds_words(st, words, sizeof(words));
	json_str(f, "kinds", words);
	if (st->a.shard_n)
		snprintf(words, sizeof(words), "%u/%u", st->a.shard_k,
			 st->a.shard_n);
	else
		words[0] = '\0';
	json_str(f, "shard", words);
	json_str(f, "clean", st->clean_id);
	fprintf(f, ",\"connections\":%zu,\"packets\":%zu,\"segments\":%zu",
		st->nconns, st->npkts, st->nsegs);
	fprintf(f, ",\"points\":%zu,\"runs\":%zu,\"violations\":%zu,"
		"\"deterministic\":%s", st->npts, st->nruns,
		ex_count_violations(st), st->same ? "true" : "false");
	json_str(f, "deterministic_why", st->same ? "" : st->same_why);
	fprintf(f, ",\"sample\":%ld,\"margin_ms\":%ld,\"catalogue\":%s,"
		"\"catalogue_client\":%s,\"seconds\":%.3f}\n", st->a.sample,
		st->a.margin_ms, st->catalogue ? "true" : "false",
		st->catalogue_client ? "true" : "false", secs);
}

/* A line for the exploration, then one per point (where it is, whether
 * it ran or which it is like, its shard) and one per run
 * (docs/explore.md): what goneaway report reads back. */
static void write_jsonl(FILE *f, const struct ex_state *st, double secs)
{
	size_t i;

	jsonl_head(f, st, secs);
	for (i = 0; i < st->npts; i++) {
		const struct ex_point *p = &st->pts[i];

		fprintf(f, "{\"type\":\"point\",\"point\":%zu,"
			"\"connection\":%zu", i + 1, p->conn + 1);
		json_str(f, "direction", p->dir == EX_UP ? "to-server" :
			 "from-server");
		json_str(f, "where", p->after ? "after" : "at");
		fprintf(f, ",\"size\":%llu", p->size);
		json_str(f, "packets", p->label);
		fprintf(f, ",\"ran\":%s,\"like\":%zu,\"shard\":%u}\n",
			p->run ? "true" : "false", p->run ? 0 : p->like + 1,
			st->shard_of ? st->shard_of[i] : 0);
	}
	for (i = 0; i < st->nruns; i++) {
		const struct ex_run *r = &st->runs[i];
		const struct ex_point *p = &st->pts[r->point];

		fprintf(f, "{\"type\":\"run\",\"point\":%zu,\"connection\":%zu",
			r->point + 1, p->conn + 1);
		json_str(f, "name", r->name);
		json_str(f, "direction", p->dir == EX_UP ? "to-server" :
			 "from-server");
		json_str(f, "where", p->after ? "after" : "at");
		fprintf(f, ",\"size\":%llu", p->size);
		json_str(f, "packets", p->label);
		json_str(f, "kind", ex_kind_names[r->kind]);
		json_str(f, "fault", r->fault);
		fprintf(f, ",\"made\":%s", r->made ? "true" : "false");
		json_str(f, "outcome", ex_verdict_word(r->j.v));
		fprintf(f, ",\"violation\":%s,\"line\":%d,\"elapsed_ms\":%.3f",
			r->j.violation ? "true" : "false", r->j.line, r->j.ms);
		json_str(f, "cell", r->j.cell);
		json_str(f, "code", r->j.code);
		json_str(f, "detail", r->j.detail);
		json_str(f, "landed", ex_land_word(r->land));
		json_str(f, "landed_at", r->land_at);
		json_str(f, "repro", r->repro);
		json_str(f, "repro_verdict", r->repro_verdict);
		json_str(f, "server_side", ex_side_word(r->side));
		fprintf(f, ",\"server_side_line\":%d}\n", r->side_line);
	}
}

/* path written by write (a format's, or the JSON Lines'). */
static int write_file(const char *path, const struct ex_state *st,
		      double secs,
		      void (*write)(FILE *, const struct ex_state *, double),
		      struct ga_error *err)
{
	FILE *f = fopen(path, "we");

	if (!f)
		return ga_error_errno(err, errno, "%s", path);
	write(f, st, secs);
	if (ga_file_close(f, 0))
		return ga_error_set(err, "%s: could not be written", path);
	return 0;
}

int ex_write_map(const struct ex_state *st, double secs,
		 const struct ex_map_files *files, bool quiet,
		 struct ga_error *err)
{
	if (files->markdown && write_file(files->markdown, st, secs,
					  ex_map_markdown.write, err))
		return ga_error_prefix(err, "--markdown");
	if (files->html && write_file(files->html, st, secs,
				      ex_map_html.write, err))
		return ga_error_prefix(err, "--html");
	if (files->jsonl && write_file(files->jsonl, st, secs, write_jsonl,
				       err))
		return ga_error_prefix(err, "--jsonl");
	if (!quiet)
		ex_map_text.write(stdout, st, secs);
	return 0;
}

static void conv_write(FILE *f, const struct ex_state *st, double secs)
{
	(void)secs;
	ex_conv_print(f, &st->conv);
}

int ex_write_outputs(const struct ex_state *st, double secs,
		     struct ga_error *err)
{
	const struct ex_map_files files = {
		.markdown = st->a.markdown, .html = st->a.html,
		.jsonl = st->a.jsonl,
	};
	char path[EX_PATH_MAX];

	snprintf(path, sizeof(path), "%s/conversation.txt", st->a.out);
	if (write_file(path, st, secs, conv_write, err))
		return -1;
	snprintf(path, sizeof(path), "%s/explore.txt", st->a.out);
	if (write_file(path, st, secs, ex_map_text.write, err))
		return -1;
	snprintf(path, sizeof(path), "%s/explore.jsonl", st->a.out);
	if (write_file(path, st, secs, write_jsonl, err))
		return -1;
	return ex_write_map(st, secs, &files, st->a.quiet, err);
}
