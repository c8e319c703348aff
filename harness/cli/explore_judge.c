/* explore_judge.c - goneaway explore's oracle: each run read back from
 * its results.jsonl and judged against the clean run, with no expect
 * line: a step that hung past its client's own timeout and a margin, a
 * client that died of a signal, a step that succeeded with another value
 * than the clean run's (a result cut short and reported whole), an
 * error code the catalogue does not know; else the code seen. */
#include "cli/explore.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"

#define LINE_MAX_READ (1L << 20)

const char *const ex_kind_names[EX_NKINDS] = {
	[EX_RESET] = "reset", [EX_DROP] = "drop", [EX_FIN] = "FIN",
	[EX_KILL] = "kill", [EX_SERVER_CRASH] = "crash",
};

static void copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

static int add_step(struct ex_case *c, const struct ga_json *j)
{
	struct ex_step *s, *ns;
	const char *name, *cls;

	ns = realloc(c->steps, (c->nsteps + 1) * sizeof(*ns));
	if (!ns)
		return -1;
	c->steps = ns;
	s = &ns[c->nsteps++];
	memset(s, 0, sizeof(*s));
	s->line = (int)ga_json_num(j, "line", 0);
	copy(s->kind, sizeof(s->kind), ga_json_str(j, "kind", ""));
	copy(s->conn, sizeof(s->conn), ga_json_str(j, "connection", ""));
	copy(s->result, sizeof(s->result), ga_json_str(j, "result", ""));
	s->errnum = (long)ga_json_num(j, "errno", 0);
	name = ga_json_str(j, "errname", NULL);
	cls = ga_json_str(j, "error_class", "");
	if (name && *name)
		copy(s->code, sizeof(s->code), name);
	else if (s->errnum)
		snprintf(s->code, sizeof(s->code), "%ld", s->errnum);
	else
		copy(s->code, sizeof(s->code), cls);
	s->ran = ga_json_bool(j, "ran", false);
	s->has_value = ga_json_bool(j, "has_value", false);
	copy(s->value, sizeof(s->value), ga_json_str(j, "value", ""));
	s->ms = ga_json_num(j, "elapsed_ms", 0);
	copy(s->digest, sizeof(s->digest),
	     ga_json_str(j, "server_digest_before", ""));
	return 0;
}

static int add_case(struct ex_case **cases, size_t *n, struct ex_case *cur,
		    const struct ga_json *j)
{
	const struct ga_json *sc = ga_json_get(j, "scenario");
	struct ex_case *nc = realloc(*cases, (*n + 1) * sizeof(*nc));

	if (!nc)
		return -1;
	*cases = nc;
	copy(cur->label, sizeof(cur->label), ga_json_str(sc, "label", ""));
	copy(cur->verdict, sizeof(cur->verdict), ga_json_str(j, "verdict", ""));
	copy(cur->reason, sizeof(cur->reason), ga_json_str(j, "reason", ""));
	copy(cur->digest_before, sizeof(cur->digest_before),
	     ga_json_str(j, "server_digest_before", ""));
	copy(cur->digest, sizeof(cur->digest),
	     ga_json_str(j, "server_digest", ""));
	nc[(*n)++] = *cur;
	memset(cur, 0, sizeof(*cur));
	return 0;
}

int ex_cases_read(const char *path, struct ex_case **cases, size_t *n,
		  struct ga_error *err)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	struct ex_case cur = { 0 };
	struct ga_json *j;
	const char *type;
	long no = 0;
	int rc = 0;

	*cases = NULL;
	*n = 0;
	if (!f)
		return ga_error_set(err, "%s: cannot be read", path);
	while (rc == 0 && (len = getline(&line, &cap, f)) > 0) {
		no++;
		if (len > LINE_MAX_READ) {
			rc = ga_error_set(err, "%s:%ld: a line too long", path,
					  no);
			break;
		}
		j = ga_json_parse(line, (size_t)len, err);
		if (!j) {
			rc = ga_error_prefix(err, "%s:%ld", path, no);
			break;
		}
		type = ga_json_str(j, "type", "");
		if (strcmp(type, "step") == 0 && add_step(&cur, j))
			rc = ga_error_set(err, "out of memory");
		else if (strcmp(type, "case") == 0 &&
			 add_case(cases, n, &cur, j))
			rc = ga_error_set(err, "out of memory");
		ga_json_free(j);
	}
	free(line);
	free(cur.steps);
	fclose(f);
	if (rc) {
		ex_cases_free(*cases, *n);
		*cases = NULL;
		*n = 0;
	}
	return rc;
}

void ex_cases_free(struct ex_case *cases, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(cases[i].steps);
	free(cases);
}

/* Whether word stands in text as a word of its own. */
static bool known_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	const char *p = text;

	if (!n)
		return true;
	while ((p = strstr(p, word)) != NULL) {
		bool before = p == text || !(isalnum((unsigned char)p[-1]) ||
					     p[-1] == '_');
		bool after = !(isalnum((unsigned char)p[n]) || p[n] == '_');

		if (before && after)
			return true;
		p += n;
	}
	return false;
}

static void set(struct ex_judgement *j, enum ex_verdict v, bool violation,
		const struct ex_step *s, size_t i, const char *cell)
{
	j->v = v;
	j->violation = violation;
	j->line = s ? s->line : 0;
	j->step = i;
	j->ms = s ? s->ms : 0;
	j->timeout_ms = s ? s->timeout_ms : 0;
	copy(j->cell, sizeof(j->cell), cell);
	copy(j->code, sizeof(j->code), s ? s->code : "");
}

/* A step that took longer than its client's own timeout allows. */
static bool judge_time(const struct ex_step *s, size_t i, long margin_ms,
		       struct ex_judgement *j)
{
	bool hung = strcmp(s->result, "hang") == 0;

	if (!hung && (s->timeout_ms == 0 ||
		      s->ms <= (double)(s->timeout_ms + margin_ms)))
		return false;
	if (s->timeout_ms == 0) {
		set(j, EX_SILENT, false, s, i, "silent");
		snprintf(j->detail, sizeof(j->detail), "line %d: %s hung "
			 "%.1f s; its connection has no read timeout of its "
			 "own, so waiting is what it was told to do", s->line,
			 s->kind, s->ms / 1000.0);
		return true;
	}
	set(j, EX_HANG, true, s, i, "HANG");
	snprintf(j->detail, sizeof(j->detail), "line %d: %s answered %s "
		 "after %.1f s, past its read timeout of %ld s and the margin "
		 "of %.1f s", s->line, s->kind, hung ? "nothing" : s->result,
		 s->ms / 1000.0, s->timeout_ms / 1000, margin_ms / 1000.0);
	return true;
}

/* The first step that did not succeed, or that succeeded wrongly. */
static bool judge_step(const struct ex_step *c, const struct ex_step *s,
		       size_t i, long margin_ms, const char *known,
		       struct ex_judgement *j)
{
	if (!s->ran)
		return false;
	if (judge_time(s, i, margin_ms, j))
		return true;
	if (strcmp(s->result, "ok") == 0) {
		if (!c || !c->has_value ||
		    (s->has_value && strcmp(s->value, c->value) == 0))
			return false;
		set(j, EX_WRONG, true, s, i, "WRONG");
		snprintf(j->detail, sizeof(j->detail), "line %d: %s "
			 "succeeded with '%s' where the clean run returned "
			 "'%s'", s->line, s->kind, s->has_value ? s->value :
			 "(nothing)", c->value);
		return true;
	}
	if (known && !known_word(known, s->code)) {
		char num[24];

		snprintf(num, sizeof(num), "%ld", s->errnum);
		if (!s->errnum || !known_word(known, num)) {
			set(j, EX_NEW, true, s, i, "NEW");
			snprintf(j->detail, sizeof(j->detail), "line %d: %s "
				 "failed with %s, which the catalogue does "
				 "not name", s->line, s->kind, s->code);
			return true;
		}
	}
	set(j, EX_CODE, false, s, i, s->code[0] ? s->code : s->result);
	snprintf(j->detail, sizeof(j->detail), "line %d: %s: %s after %.0f ms",
		 s->line, s->kind, s->code[0] ? s->code : s->result, s->ms);
	return true;
}

void ex_judge(const struct ex_case *clean, const struct ex_case *run,
	      long margin_ms, const char *known, struct ex_judgement *j)
{
	size_t i;

	memset(j, 0, sizeof(*j));
	if (strcmp(run->verdict, "ERROR") == 0 &&
	    strstr(run->reason, "signal")) {
		/* the step it died in: the first not made (a recorded run
		 * makes every step whatever happens, until the client dies),
		 * so that its scenario stops there */
		for (i = 0; i + 1 < run->nsteps && run->steps[i].ran; i++)
			;
		set(j, EX_CRASH, true, run->nsteps ? &run->steps[i] : NULL, i,
		    "CRASH");
		copy(j->detail, sizeof(j->detail), run->reason);
		return;
	}
	if (strcmp(run->verdict, "ERROR") == 0 ||
	    strcmp(run->verdict, "SKIP") == 0) {
		set(j, EX_NOT_RUN, false, NULL, 0, run->verdict);
		copy(j->detail, sizeof(j->detail), run->reason);
		return;
	}
	for (i = 0; i < run->nsteps; i++)
		if (judge_step(i < clean->nsteps ? &clean->steps[i] : NULL,
			       &run->steps[i], i, margin_ms, known, j))
			return;
	set(j, EX_OK, false, NULL, 0, "ok");
	copy(j->detail, sizeof(j->detail), "every step succeeded");
}
