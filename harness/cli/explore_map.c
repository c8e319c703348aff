/* explore_map.c - goneaway explore's outputs: the map (points down the
 * side, fault kinds across, violations first), a JSON line per run, and
 * the clean run's conversation (docs/explore.md says how to read them). */
#include "cli/explore_plan.h"

#include <errno.h>
#include <string.h>

#include "util/fsutil.h"
#include "util/json.h"

static const char *verdict_word(enum ex_verdict v)
{
	switch (v) {
	case EX_OK: return "ok";
	case EX_CODE: return "code";
	case EX_NEW: return "new";
	case EX_HANG: return "hang";
	case EX_CRASH: return "crash";
	case EX_WRONG: return "wrong-result";
	case EX_SILENT: return "silent";
	case EX_NOT_RUN: return "not-run";
	}
	return "?";
}

static void point_name(const struct ex_point *p, char *buf, size_t len)
{
	snprintf(buf, len, "c%zu %-5s %-11s %s", p->conn + 1,
		 p->after ? "after" : "at",
		 p->dir == EX_UP ? "to-server" : "from-server", p->label);
}

static const char *land_word(enum ex_land l)
{
	switch (l) {
	case EX_LAND_UNCHECKED: return "unchecked";
	case EX_LAND_HERE: return "here";
	case EX_LAND_ELSEWHERE: return "elsewhere";
	case EX_LAND_UNSEEN: return "unseen";
	}
	return "?";
}

static void cell_text(const struct ex_run *r, char *buf, size_t len)
{
	const char *mark = r->land == EX_LAND_ELSEWHERE ? "!" :
			   r->land == EX_LAND_UNSEEN ? "?" : "";

	if (r->j.v == EX_NOT_RUN || r->j.v == EX_OK)
		snprintf(buf, len, "%s%s", r->j.cell, r->made ? mark : "");
	else
		snprintf(buf, len, "%s%s%s %.1fs%s", r->j.cell,
			 r->j.v == EX_CODE ? "" : ":",
			 r->j.v == EX_CODE ? "" : r->j.code, r->j.ms / 1000.0,
			 mark);
}

size_t ex_count_violations(const struct ex_state *st)
{
	size_t i, n = 0;

	for (i = 0; i < st->nruns; i++)
		n += st->runs[i].j.violation;
	return n;
}

static void map_head(FILE *f, const struct ex_state *st, double secs)
{
	size_t i, pkts = 0, segs = 0, ran = 0, made = 0, lands[4] = { 0 };

	for (i = 0; i < st->conv.nconns; i++) {
		pkts += st->conv.conns[i].npkts;
		segs += st->conv.conns[i].nsegs;
	}
	for (i = 0; i < st->npts; i++)
		ran += st->pts[i].run;
	for (i = 0; i < st->nruns; i++) {
		made += st->runs[i].made;
		lands[st->runs[i].land]++;
	}
	fprintf(f, "goneaway explore %s (client %s, server %s)\n",
		st->a.scenario, st->a.client ? st->a.client : "builtin",
		st->a.server ? st->a.server : "local");
	fprintf(f, "conversation: %zu connection(s), %zu MySQL packets in "
		"%zu segments that carried data (conversation.txt)%s\n",
		st->conv.nconns, pkts, segs,
		st->conv.nconns > 1 ? "; a SIZE point cuts every connection "
		"that reaches it" : "");
	fprintf(f, "clean run twice: %s%s\n", st->same ? "the same segments, "
		"packets and conntrack counts" : "DIFFERENT: ",
		st->same ? "" : st->same_why);
	fprintf(f, "points: %zu (at and after each segment), %zu ran (rows "
		"alike sampled, --sample %ld); %zu runs; FIN: %s\n", st->npts,
		ran, st->a.sample, made, ex_fin_skip);
	fprintf(f, "oracle: a step past its read timeout + %.1f s is a hang; "
		"another value than the clean run's is a wrong result; a code "
		"%s\n", st->a.margin_ms / 1000.0, st->known ? "the catalogue "
		"does not name is new" : "is never judged new (no catalogue "
		"read)");
	fprintf(f, "where the cuts landed (\"at\" runs, each run's own "
		"capture): %zu on their segment, %zu elsewhere (!), %zu not "
		"seen (?)\n", lands[EX_LAND_HERE], lands[EX_LAND_ELSEWHERE],
		lands[EX_LAND_UNSEEN]);
	fprintf(f, "time: %.1f s\n\n", secs);
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
		point_name(&st->pts[r->point], name, sizeof(name));
		fprintf(f, "  %-11s %s: %s\n    %s\n", r->name,
			verdict_word(r->j.v), name, r->j.detail);
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

static const struct ex_run *find_run(const struct ex_state *st, size_t point,
				     int kind)
{
	size_t i;

	for (i = 0; i < st->nruns; i++)
		if (st->runs[i].point == point && (int)st->runs[i].kind == kind)
			return &st->runs[i];
	return NULL;
}

static void map_table(FILE *f, const struct ex_state *st)
{
	char name[EX_LABEL_MAX + 40], cell[96];
	const struct ex_run *r;
	size_t i;
	int k;

	fprintf(f, "%-4s %-64s", "#", "point");
	for (k = 0; k < EX_NKINDS; k++)
		fprintf(f, k + 1 < EX_NKINDS ? " %-22s" : " %s",
			ex_kind_names[k]);
	fputc('\n', f);
	for (i = 0; i < st->npts; i++) {
		point_name(&st->pts[i], name, sizeof(name));
		fprintf(f, "%-4zu %-64.64s", i + 1, name);
		if (!st->pts[i].run) {
			fprintf(f, " (not run: like #%zu)\n",
				st->pts[i].like + 1);
			continue;
		}
		for (k = 0; k < EX_NKINDS; k++) {
			r = find_run(st, i, k);
			if (r)
				cell_text(r, cell, sizeof(cell));
			else
				snprintf(cell, sizeof(cell), "-");
			fprintf(f, " %-22s", cell);
		}
		fputc('\n', f);
	}
}

static void json_str(FILE *f, const char *key, const char *v)
{
	fprintf(f, ",\"%s\":", key);
	ga_json_write_string(f, v, strlen(v));
}

/* A line for the exploration, then one per point sampled out and one
 * per run (docs/explore.md). */
static void write_jsonl(FILE *f, const struct ex_state *st, double secs)
{
	size_t i;

	fprintf(f, "{\"type\":\"explore\"");
	json_str(f, "scenario", st->a.scenario);
	json_str(f, "client", st->a.client ? st->a.client : "builtin");
	json_str(f, "server", st->a.server ? st->a.server : "local");
	fprintf(f, ",\"points\":%zu,\"runs\":%zu,\"violations\":%zu,"
		"\"deterministic\":%s,\"margin_ms\":%ld,\"seconds\":%.3f}\n",
		st->npts, st->nruns, ex_count_violations(st),
		st->same ? "true" : "false", st->a.margin_ms, secs);
	for (i = 0; i < st->npts; i++)
		if (!st->pts[i].run)
			fprintf(f, "{\"type\":\"point\",\"point\":%zu,"
				"\"ran\":false,\"like\":%zu}\n", i + 1,
				st->pts[i].like + 1);
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
		json_str(f, "outcome", verdict_word(r->j.v));
		fprintf(f, ",\"violation\":%s,\"line\":%d,\"elapsed_ms\":%.3f",
			r->j.violation ? "true" : "false", r->j.line, r->j.ms);
		json_str(f, "code", r->j.code);
		json_str(f, "detail", r->j.detail);
		json_str(f, "landed", land_word(r->land));
		json_str(f, "landed_at", r->land_at);
		json_str(f, "repro", r->repro);
		json_str(f, "repro_verdict", r->repro_verdict);
		fprintf(f, "}\n");
	}
}

int ex_write_outputs(const struct ex_state *st, double secs,
		     struct ga_error *err)
{
	char path[EX_PATH_MAX];
	FILE *f;
	int rc = 0;

	snprintf(path, sizeof(path), "%s/conversation.txt", st->a.out);
	f = fopen(path, "w");
	if (f) {
		ex_conv_print(f, &st->conv);
		rc |= ga_file_close(f, 0);
	}
	snprintf(path, sizeof(path), "%s/explore.txt", st->a.out);
	f = fopen(path, "w");
	if (f) {
		map_head(f, st, secs);
		map_violations(f, st);
		map_table(f, st);
		rc |= ga_file_close(f, 0);
	}
	snprintf(path, sizeof(path), "%s/explore.jsonl", st->a.out);
	f = fopen(path, "w");
	if (f) {
		write_jsonl(f, st, secs);
		rc |= ga_file_close(f, 0);
	}
	if (st->a.jsonl) {
		f = fopen(st->a.jsonl, "w");
		if (!f)
			return ga_error_errno(err, errno, "%s", st->a.jsonl);
		write_jsonl(f, st, secs);
		rc |= ga_file_close(f, 0);
	}
	if (rc || !f)
		return ga_error_set(err, "%s: its files could not be written",
				    st->a.out);
	if (!st->a.quiet) {
		map_head(stdout, st, secs);
		map_violations(stdout, st);
		map_table(stdout, st);
	}
	return 0;
}


