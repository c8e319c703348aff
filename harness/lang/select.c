/* select.c - see select.h.  A recursive-descent parser over the -k
 * expression, a tree walk to match, and a greedy (LPT) shard split. */
#include "lang/select.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DEPTH 64
#define MAX_WORD 128

enum node_kind { NODE_WORD, NODE_AND, NODE_OR, NODE_NOT };

struct ga_select {
	enum node_kind kind;
	char word[MAX_WORD];            /* NODE_WORD */
	struct ga_select *a, *b;        /* owned: operands (NOT: a only) */
};

struct parser {
	const char *s;
	size_t pos;
	struct ga_error *err;
};

static bool word_char(char c)
{
	return c && (isalnum((unsigned char)c) || strchr("-_.:/", c) != NULL);
}

static void skip_blanks(struct parser *p)
{
	while (p->s[p->pos] == ' ' || p->s[p->pos] == '\t')
		p->pos++;
}

/* The next token's length at p->pos (after blanks): a parenthesis is 1,
 * a word its length, 0 at the end or on a character that is neither. */
static size_t token_len(struct parser *p)
{
	size_t n = 0;

	skip_blanks(p);
	if (p->s[p->pos] == '(' || p->s[p->pos] == ')')
		return 1;
	while (word_char(p->s[p->pos + n]))
		n++;
	return n;
}

static bool next_is(struct parser *p, const char *op)
{
	size_t n = token_len(p);

	return n == strlen(op) && strncmp(p->s + p->pos, op, n) == 0;
}

static struct ga_select *node(enum node_kind kind, struct ga_select *a,
			      struct ga_select *b)
{
	struct ga_select *s = calloc(1, sizeof(*s));

	if (!s) {
		ga_select_free(a);
		ga_select_free(b);
		return NULL;
	}
	s->kind = kind;
	s->a = a;
	s->b = b;
	return s;
}

static struct ga_select *fail(struct parser *p, const char *what)
{
	ga_error_set(p->err, "-k: %s at column %zu", what, p->pos + 1);
	return NULL;
}

static struct ga_select *parse_or(struct parser *p, int depth);

static struct ga_select *parse_factor(struct parser *p, int depth)
{
	struct ga_select *s;
	size_t n;

	if (depth > MAX_DEPTH)
		return fail(p, "nested too deep");
	if (next_is(p, "not")) {
		p->pos += 3;
		s = parse_factor(p, depth + 1);
		return s ? node(NODE_NOT, s, NULL) : NULL;
	}
	if (next_is(p, "(")) {
		p->pos++;
		s = parse_or(p, depth + 1);
		if (!s)
			return NULL;
		if (!next_is(p, ")")) {
			ga_select_free(s);
			return fail(p, "expected ')'");
		}
		p->pos++;
		return s;
	}
	n = token_len(p);
	if (n == 0 || next_is(p, ")") || next_is(p, "and") || next_is(p, "or"))
		return fail(p, p->s[p->pos] ? "expected a word" :
			    "expected a word at the end");
	if (n >= MAX_WORD)
		return fail(p, "word too long");
	s = node(NODE_WORD, NULL, NULL);
	if (!s)
		return fail(p, "out of memory");
	memcpy(s->word, p->s + p->pos, n);
	s->word[n] = '\0';
	p->pos += n;
	return s;
}

/* operand (op operand)...: one level of "and" or "or", left to right. */
static struct ga_select *parse_level(struct parser *p, int depth,
				     const char *op, enum node_kind kind,
				     struct ga_select *(*operand)(struct parser *,
								  int))
{
	struct ga_select *s = operand(p, depth), *r;

	while (s && next_is(p, op)) {
		p->pos += strlen(op);
		r = operand(p, depth);
		if (!r) {
			ga_select_free(s);
			return NULL;
		}
		s = node(kind, s, r);
	}
	return s;
}

static struct ga_select *parse_and(struct parser *p, int depth)
{
	return parse_level(p, depth, "and", NODE_AND, parse_factor);
}

static struct ga_select *parse_or(struct parser *p, int depth)
{
	return parse_level(p, depth, "or", NODE_OR, parse_and);
}

int ga_select_parse(const char *expr, struct ga_select **out,
		    struct ga_error *err)
{
	struct parser p = { .s = expr, .pos = 0, .err = err };
	struct ga_select *s;

	*out = NULL;
	s = parse_or(&p, 0);
	if (!s)
		return -1;
	skip_blanks(&p);
	if (p.s[p.pos]) {
		ga_select_free(s);
		fail(&p, word_char(p.s[p.pos]) || p.s[p.pos] == '(' ||
		     p.s[p.pos] == ')' ? "expected 'and', 'or' or the end" :
		     "unexpected character");
		return -1;
	}
	*out = s;
	return 0;
}

void ga_select_free(struct ga_select *s)
{
	if (!s)
		return;
	ga_select_free(s->a);
	ga_select_free(s->b);
	free(s);
}

static bool word_matches(const char *word, const struct ga_scenario *sc)
{
	size_t i;

	for (i = 0; i < sc->nkeywords; i++)
		if (strcasecmp(sc->keywords[i], word) == 0)
			return true;
	if (sc->label && strstr(sc->label, word))
		return true;
	return sc->name && strstr(sc->name, word);
}

bool ga_select_match(const struct ga_select *s, const struct ga_scenario *sc)
{
	switch (s->kind) {
	case NODE_WORD:
		return word_matches(s->word, sc);
	case NODE_AND:
		return ga_select_match(s->a, sc) && ga_select_match(s->b, sc);
	case NODE_OR:
		return ga_select_match(s->a, sc) || ga_select_match(s->b, sc);
	case NODE_NOT:
		return !ga_select_match(s->a, sc);
	}
	return false;
}

int ga_shard_parse(const char *text, unsigned *k, unsigned *n,
		   struct ga_error *err)
{
	unsigned long a, b;
	char *end;

	a = strtoul(text, &end, 10);
	if (end == text || *end != '/' || !isdigit((unsigned char)text[0]))
		return ga_error_set(err, "--shard %s: expected K/N, e.g. 2/3",
				    text);
	text = end + 1;
	b = strtoul(text, &end, 10);
	if (end == text || *end || !isdigit((unsigned char)text[0]))
		return ga_error_set(err, "--shard: expected K/N, e.g. 2/3");
	if (b < 1 || b > 1000 || a < 1 || a > b)
		return ga_error_set(err, "--shard %lu/%lu: K must be 1 to N, "
				    "N 1 to 1000", a, b);
	*k = (unsigned)a;
	*n = (unsigned)b;
	return 0;
}

struct item {
	double cost;
	const char *name;
	size_t index;
};

static int heaviest_first(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;
	int c;

	if (a->cost != b->cost)
		return a->cost > b->cost ? -1 : 1;
	c = strcmp(a->name ? a->name : "", b->name ? b->name : "");
	if (c)
		return c;
	return a->index < b->index ? -1 : a->index > b->index;
}

void ga_shard_assign(const double *cost, const char *const *names, size_t n,
		     unsigned nshards, unsigned *shard_of)
{
	struct item *items = calloc(n ? n : 1, sizeof(*items));
	double *load = calloc(nshards ? nshards : 1, sizeof(*load));
	size_t i;
	unsigned s, best;

	if (!items || !load || nshards == 0) {
		/* out of memory: still a deterministic split, round robin */
		for (i = 0; i < n; i++)
			shard_of[i] = nshards ? (unsigned)(i % nshards) : 0;
		free(items);
		free(load);
		return;
	}
	for (i = 0; i < n; i++) {
		items[i].cost = cost[i] > 0 ? cost[i] : 0;
		items[i].name = names[i];
		items[i].index = i;
	}
	qsort(items, n, sizeof(*items), heaviest_first);
	for (i = 0; i < n; i++) {
		for (best = 0, s = 1; s < nshards; s++)
			if (load[s] < load[best])
				best = s;
		load[best] += items[i].cost;
		shard_of[items[i].index] = best;
	}
	free(items);
	free(load);
}
