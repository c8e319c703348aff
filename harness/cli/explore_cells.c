/* explore_cells.c - the words of goneaway explore's map that every one
 * of its outputs says (cli/explore_map*.c) and goneaway report reads
 * back (cli/explore_shard.c): an outcome, a landing, a point's name, a
 * cell, the head's lines.  It calls none of them. */
#include "cli/explore_plan.h"

#include <string.h>
#include <strings.h>

size_t ex_count_violations(const struct ex_state *st)
{
	size_t i, n = 0;

	for (i = 0; i < st->nruns; i++)
		n += st->runs[i].j.violation;
	return n;
}

const char *ex_verdict_word(enum ex_verdict v)
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

int ex_verdict_of(const char *word)
{
	int v;

	for (v = EX_OK; v <= EX_NOT_RUN; v++)
		if (strcmp(word, ex_verdict_word((enum ex_verdict)v)) == 0)
			return v;
	return -1;
}

const char *ex_land_word(enum ex_land l)
{
	switch (l) {
	case EX_LAND_UNCHECKED: return "unchecked";
	case EX_LAND_HERE: return "here";
	case EX_LAND_ELSEWHERE: return "elsewhere";
	case EX_LAND_UNSEEN: return "unseen";
	}
	return "?";
}

int ex_land_of(const char *word)
{
	int l;

	for (l = EX_LAND_UNCHECKED; l <= EX_LAND_UNSEEN; l++)
		if (strcmp(word, ex_land_word((enum ex_land)l)) == 0)
			return l;
	return -1;
}

int ex_kind_of(const char *word)
{
	int k;

	for (k = 0; k < EX_NKINDS; k++)
		if (strcasecmp(word, ex_kind_names[k]) == 0)
			return k;
	return -1;
}

static const char *const side_words[EX_NSIDES] = {
	[EX_SIDE_NONE] = "", [EX_SIDE_COMMITTED] = "committed",
	[EX_SIDE_NOT] = "not-committed", [EX_SIDE_PARTLY] = "partly",
	[EX_SIDE_UNREAD] = "unread",
};

const char *ex_side_word(enum ex_side s)
{
	return s < EX_NSIDES ? side_words[s] : "";
}

int ex_side_of(const char *word)
{
	int s;

	for (s = 0; s < EX_NSIDES; s++)
		if (strcmp(word, side_words[s]) == 0)
			return s;
	return -1;
}

/* A run's server side's mark in the map's cell ("*" failed but
 * committed, "~" partly, else ""). */
static const char *ex_side_mark(enum ex_side s)
{
	return s == EX_SIDE_COMMITTED ? "*" : s == EX_SIDE_PARTLY ? "~" : "";
}

void ex_point_name(const struct ex_point *p, char *buf, size_t len)
{
	snprintf(buf, len, "c%zu %-5s %-11s %s", p->conn + 1,
		 p->after ? "after" : "at",
		 p->dir == EX_UP ? "to-server" : "from-server", p->label);
}

void ex_cell_text(const struct ex_run *r, char *buf, size_t len)
{
	const char *mark = r->land == EX_LAND_ELSEWHERE ? "!" :
			   r->land == EX_LAND_UNSEEN ? "?" : "";

	if (r->j.v == EX_NOT_RUN || r->j.v == EX_OK)
		snprintf(buf, len, "%s%s%s", r->j.cell, r->made ? mark : "",
			 ex_side_mark(r->side));
	else
		snprintf(buf, len, "%s%s%s %.1fs%s%s", r->j.cell,
			 r->j.v == EX_CODE ? "" : ":",
			 r->j.v == EX_CODE ? "" : r->j.code, r->j.ms / 1000.0,
			 mark, ex_side_mark(r->side));
}

const struct ex_run *ex_find_run(const struct ex_state *st, size_t point,
				 int kind)
{
	size_t i;

	for (i = 0; i < st->nruns; i++)
		if (st->runs[i].point == point && (int)st->runs[i].kind == kind)
			return &st->runs[i];
	return NULL;
}

unsigned ex_point_elsewhere(const struct ex_state *st, size_t i)
{
	int k;

	if (!st->shard_of || !st->shard_of[i] || !st->pts[i].run)
		return 0;
	for (k = 0; k < EX_NKINDS; k++)
		if (ex_find_run(st, i, k))
			return 0;
	return st->shard_of[i];
}

/* The points line's shard part: this shard's share, or the shards a
 * report merged and those it lacks. */
static void shard_words(const struct ex_state *st, char *buf, size_t len)
{
	size_t i, mine = 0, ran = 0, used;
	unsigned k;

	buf[0] = '\0';
	if (!st->a.shard_n)
		return;
	for (i = 0; i < st->npts; i++) {
		ran += st->pts[i].run;
		mine += st->shard_of && st->shard_of[i] == st->a.shard_k;
	}
	if (!st->merged) {
		snprintf(buf, len, "; shard %u/%u: %zu of the %zu points that "
			 "run (the others' rows say their shard; goneaway "
			 "report merges the shards)", st->a.shard_k,
			 st->a.shard_n, mine, ran);
		return;
	}
	snprintf(buf, len, "; shards: %u of %u merged", st->merged,
		 st->a.shard_n);
	for (k = 1; k <= st->a.shard_n; k++) {
		if (st->shard_seen && st->shard_seen[k])
			continue;
		used = strlen(buf);
		snprintf(buf + used, len - used, ", %u/%u MISSING (its rows "
			 "are empty)", k, st->a.shard_n);
	}
}

void ex_map_head(const struct ex_state *st, double secs,
		 void (*line)(void *ctx, const char *text), void *ctx)
{
	const char *client = st->a.client ? st->a.client : "builtin";
	char buf[1024], shards[512];
	size_t i, ran = 0, made = 0, lands[4] = { 0 };

	for (i = 0; i < st->npts; i++)
		ran += st->pts[i].run;
	for (i = 0; i < st->nruns; i++) {
		made += st->runs[i].made;
		lands[st->runs[i].land]++;
	}
	shard_words(st, shards, sizeof(shards));
	snprintf(buf, sizeof(buf), "goneaway explore %s (client %s, server "
		 "%s)", st->a.scenario, st->a.client ? st->a.client :
		 "builtin", st->a.server ? st->a.server : "local");
	line(ctx, buf);
	snprintf(buf, sizeof(buf), "conversation: %zu connection(s), %zu "
		 "MySQL packets in %zu segments that carried data "
		 "(conversation.txt)%s", st->nconns, st->npkts, st->nsegs,
		 st->nconns > 1 ? "; a SIZE point cuts every connection that "
		 "reaches it" : "");
	line(ctx, buf);
	snprintf(buf, sizeof(buf), "clean run twice: %s%s", st->same ?
		 "the same segments and packets, each point on its segment" :
		 "DIFFERENT: ", st->same ? "" : st->same_why);
	line(ctx, buf);
	snprintf(buf, sizeof(buf), "points: %zu (at and after each segment), "
		 "%zu ran (rows alike sampled, --sample %ld); %zu runs%s",
		 st->npts, ran, st->a.sample, made, shards);
	line(ctx, buf);
	snprintf(buf, sizeof(buf), "oracle: a step past its read timeout + "
		 "%.1f s is a hang; another value than the clean run's is a "
		 "wrong result; a code %s%s%s", st->a.margin_ms / 1000.0,
		 !st->catalogue ? "is never judged new (no catalogue read)" :
		 st->catalogue_client ? "the catalogue's tables do not name "
		 "for " : "the catalogue does not name is new (its tables "
		 "have no row for ", st->catalogue ? client : "",
		 !st->catalogue ? "" : st->catalogue_client ? " is new" :
		 ": every client's codes count)");
	line(ctx, buf);
	snprintf(buf, sizeof(buf), "where the cuts landed (\"at\" runs, each "
		 "run's own capture): %zu on their segment, %zu elsewhere (!), "
		 "%zu not seen (?)", lands[EX_LAND_HERE],
		 lands[EX_LAND_ELSEWHERE], lands[EX_LAND_UNSEEN]);
	line(ctx, buf);
	snprintf(buf, sizeof(buf), "time: %.1f s%s", secs, st->merged > 1 ?
		 " (the longest shard's)" : "");
	line(ctx, buf);
}
