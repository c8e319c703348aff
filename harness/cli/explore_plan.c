/* explore_plan.c - goneaway explore's points and the scenario files it
 * runs: each segment of the clean run's conversation that carried data
 * is a point (its packets named), cut at it or after it by the lab's
 * point fault at the data byte the clean run carried there ("data
 * SIZE", counted by TCP sequence); points of
 * one shape in a row are sampled; and each run is the scenario with
 * that fault line first, and each violation a scenario of its own that
 * reproduces it with expect lines a correct client meets. */
#include "cli/explore_plan.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/fsutil.h"

/* In a row of segments alike (one connection and direction, the same
 * shape, nothing carried the other way between them: the rows of a
 * result), sample points of each, at and after, run: spread from the
 * first to the last.  The others say which one they are like. */
static int sample_points(struct ex_point *pts, size_t n, long sample)
{
	size_t *idx = malloc((n ? n : 1) * sizeof(*idx)), m, s, e, j, at;
	int after;

	if (!idx)
		return -1;
	for (after = 0; after < 2; after++) {
		m = 0;
		for (j = 0; j < n; j++)
			if (pts[j].after == after)
				idx[m++] = j;
		for (s = 0; s < m; s = e) {
			const struct ex_point *f = &pts[idx[s]];

			for (e = s + 1; e < m && pts[idx[e]].conn == f->conn &&
			     pts[idx[e]].dir == f->dir &&
			     strcmp(pts[idx[e]].shape, f->shape) == 0; e++)
				;
			if (e - s <= (size_t)sample)
				continue;
			for (j = s; j < e; j++) {
				pts[idx[j]].run = false;
				pts[idx[j]].like = idx[s];
			}
			for (j = 0; j < (size_t)sample; j++) {
				at = sample > 1 ? j * (e - s - 1) /
					(size_t)(sample - 1) : 0;
				pts[idx[s + at]].run = true;
			}
		}
	}
	free(idx);
	return 0;
}

int ex_points_make(const struct ex_conv *c, long sample,
		   struct ex_point **out, size_t *n, struct ga_error *err)
{
	struct ex_point *pts = NULL, *p;
	size_t i, k, cap = 0;
	int after;

	*n = 0;
	for (i = 0; i < c->nconns; i++) {
		const struct ex_connection *cn = &c->conns[i];

		for (k = 0; k < cn->nsegs; k++)
			for (after = 0; after < 2; after++) {
				if (*n == cap) {
					cap = cap ? cap * 2 : 32;
					p = realloc(pts, cap * sizeof(*p));
					if (!p) {
						free(pts);
						return ga_error_set(err, "out "
							"of memory");
					}
					pts = p;
				}
				p = &pts[(*n)++];
				memset(p, 0, sizeof(*p));
				p->conn = i;
				p->seg = k;
				p->dir = cn->segs[k].dir;
				p->after = after;
				p->size = ex_segment_size(&cn->segs[k]);
				ex_segment_label(cn, &cn->segs[k], p->label,
						 sizeof(p->label), p->shape,
						 sizeof(p->shape));
				p->run = true;
			}
	}
	if (sample_points(pts, *n, sample)) {
		free(pts);
		return ga_error_set(err, "out of memory");
	}
	*out = pts;
	return 0;
}

void ex_fault_line(const struct ex_point *p, const char *kind, char *buf,
		   size_t len)
{
	const char *dir = p->dir == EX_UP ? "to-server" : "from-server";
	/* kill and crash cut nothing: no CUT word */
	bool act = strcmp(kind, "kill") == 0 || strcmp(kind, "crash") == 0;

	/* the kind's word in the map is FIN, the point fault's fin */
	snprintf(buf, len, "fault explore point %s%s %s data %llu %s",
		 strcmp(kind, "FIN") == 0 ? "fin" : kind,
		 act ? "" : " both", p->after ? "after" : "at", p->size, dir);
}

long ex_seg_place(const struct ex_connection *cn, int dir,
		  unsigned long long off)
{
	long k = 0;
	size_t i;

	for (i = 0; i < cn->nsegs; i++) {
		if (cn->segs[i].dir != dir)
			continue;
		if (cn->segs[i].off == off)
			return k;
		k++;
	}
	return -1;
}

void ex_act_landing(const struct ex_connection *clean,
		    const struct ex_segment *want,
		    const struct ex_connection *seen, enum ex_land *land,
		    char *at, size_t len)
{
	bool up = want->dir == EX_UP;
	unsigned long long off = up ? seen->end_up_off : seen->end_down_off;
	long place, k = 0;
	char shape[96];
	size_t i;

	*land = EX_LAND_UNSEEN;
	if (!seen->end_seen || !(up ? seen->end_up_seen : seen->end_down_seen))
		return;
	place = ex_seg_place(seen, want->dir, off);
	*land = place >= 0 && place == ex_seg_place(clean, want->dir, want->off) ?
		EX_LAND_HERE : EX_LAND_ELSEWHERE;
	snprintf(at, len, "%s offset %llu", up ? "to-server" : "from-server",
		 off);
	for (i = 0; i < clean->nsegs && place >= 0; i++) {
		if (clean->segs[i].dir != want->dir)
			continue;
		if (k++ == place)
			ex_segment_label(clean, &clean->segs[i], at, len,
					 shape, sizeof(shape));
	}
}

/* The line numbered no (1-based) of text: its start and length. */
static const char *line_of(const char *text, int no, size_t *len)
{
	const char *p = text, *e;
	int i;

	for (i = 1; i < no && p; i++) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p || !*p) {
		*len = 0;
		return "";
	}
	e = strchr(p, '\n');
	*len = e ? (size_t)(e - p) : strlen(p);
	return p;
}

/* Whether a line is an expect or seen line (belongs to the step above). */
static bool expect_line(const char *p, size_t len)
{
	while (len && (*p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	return (len >= 6 && strncmp(p, "expect", 6) == 0 &&
		(len == 6 || p[6] == ' ' || p[6] == '\t')) ||
	       (len >= 4 && strncmp(p, "seen", 4) == 0 &&
		(len == 4 || p[4] == ' ' || p[4] == '\t'));
}

static int count_lines(const char *text)
{
	int n = 1;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

int ex_write_faulted(const char *path, const char *text,
		     const struct ga_scenario *sc, const char *fault,
		     struct ga_error *err)
{
	int first = sc->nsteps ? sc->steps[0].line : count_lines(text) + 1;
	FILE *f = fopen(path, "w");
	const char *p;
	size_t len;
	int i, last = count_lines(text);

	if (!f)
		return ga_error_errno(err, errno, "%s", path);
	for (i = 1; i <= last; i++) {
		if (i == first)
			fprintf(f, "%s\n", fault);
		p = line_of(text, i, &len);
		fprintf(f, "%.*s\n", (int)len, p);
	}
	if (first > last)
		fprintf(f, "%s\n", fault);
	if (ga_file_close(f, 0))
		return ga_error_errno(err, errno, "%s", path);
	return 0;
}

int ex_write_repro(const char *path, const char *text,
		   const struct ga_scenario *sc, const char *fault,
		   const char *comment, const char *const *seen,
		   size_t flagged, const char *expect, struct ga_error *err)
{
	FILE *f = fopen(path, "w");
	const char *p;
	size_t len, i;
	int k;

	if (!f || !sc->nsteps || flagged >= sc->nsteps) {
		if (f)
			fclose(f);
		return ga_error_set(err, "%s: cannot be written", path);
	}
	fprintf(f, "%s", comment);
	for (k = 1; k < sc->steps[0].line; k++) {
		p = line_of(text, k, &len);
		if (!expect_line(p, len))
			fprintf(f, "%.*s\n", (int)len, p);
	}
	fprintf(f, "%s\n", fault);
	for (i = 0; i <= flagged; i++) {
		p = line_of(text, sc->steps[i].line, &len);
		fprintf(f, "%.*s\n", (int)len, p);
		if (i < flagged && seen[i] && *seen[i])
			fprintf(f, "    expect %s\n", seen[i]);
	}
	fprintf(f, "    expect %s\n", expect);
	if (ga_file_close(f, 0))
		return ga_error_errno(err, errno, "%s", path);
	return 0;
}
