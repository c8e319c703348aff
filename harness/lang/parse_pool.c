/* parse_pool.c - the "pool" header line and a connection's "pool=NAME":
 * a connection taken from a pool, with the pool's settings.
 *
 *     pool NAME [size=N] [pre_ping=on|off] [recycle=D] [idle_timeout=D]
 *               [validation=SQL]
 *     connection app pool=NAME [OPTION]...
 *
 * The settings are generic; each pool's driver maps them onto its own
 * (drivers/README.md, "Pools") or answers the connect "unsupported".  A
 * pool is declared before the connection that takes from it, and one
 * connection takes from it: a connection is one driver process, and the
 * pool lives in it.  The connection keeps a copy of the pool's settings
 * (lang/scenario.h, struct ga_pool_decl).
 */
#include "lang/internal.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util/suggest.h"
#include "util/units.h"

/* A pool line's KEY=VALUE settings: each one's enum and name. */
#define POOL_KEYS(X) \
	X(SIZE, "size") \
	X(PRE_PING, "pre_ping") \
	X(RECYCLE, "recycle") \
	X(IDLE_TIMEOUT, "idle_timeout") \
	X(VALIDATION, "validation")
GA_KEY_TABLE(pool_key, keys, POOL_KEYS);

/* "unknown pool setting 'X'; did you mean 'Y'? (known: ...)" */
static int unknown_setting(struct parser *p, const struct word *w,
			   size_t klen)
{
	char dym[GA_SUGGEST_MAX + 32], known[160], key[64];
	struct ga_suggest sg;
	size_t i;

	snprintf(key, sizeof(key), "%.*s", (int)klen, w->text);
	ga_suggest_init(&sg, key, 2);
	for (i = 0; i < KEY_COUNT; i++)
		ga_suggest_try(&sg, keys[i]);
	return ga_perr(p, w->col, "unknown pool setting '%s'%s (known: %s)",
		       key, ga_suggest_text(&sg, dym, sizeof(dym)),
		       ga_join_names(known, sizeof(known), keys, KEY_COUNT));
}

static int parse_duration(struct parser *p, const char *key, const char *val,
			  int col, long *out)
{
	if (ga_units_ms(val, out, NULL))
		return ga_perr(p, col, "invalid duration '%s' for %s: write e.g. "
			       "30s or 1500ms (at most 86400s)", val, key);
	/* at most a day: ga_units_ms() refuses more */
	if (*out < 1)
		return ga_perr(p, col, "%s must be at least 1ms", key);
	return 0;
}

/* One "KEY=VALUE" word of a pool line. */
static int parse_setting(struct parser *p, struct ga_pool_decl *d,
			 const struct word *w, unsigned *seen)
{
	const char *eq = strchr(w->text, '='), *val;
	size_t klen = eq ? (size_t)(eq - w->text) : strlen(w->text);
	enum pool_key key;
	int idx, vcol;

	idx = ga_find_name(keys, KEY_COUNT, w->text, klen);
	if (idx < 0)
		return unknown_setting(p, w, klen);
	key = (enum pool_key)idx;
	if (*seen & (1u << idx))
		return ga_perr(p, w->col, "'%s' is given twice", keys[key]);
	*seen |= 1u << idx;
	vcol = w->col + (int)klen + 1;
	if (!eq || (eq[1] == '\0' && !w->quoted))
		return ga_perr(p, eq ? vcol : w->col, "'%s' needs a value: "
			       "%s=VALUE", keys[key], keys[key]);
	val = eq + 1;
	switch (key) {
	case KEY_SIZE:
		if (!ga_is_digits(val) || strlen(val) > 3 ||
		    strtol(val, NULL, 10) < 1 ||
		    strtol(val, NULL, 10) > GA_POOL_SIZE_MAX)
			return ga_perr(p, vcol, "size must be a number from 1 "
				       "to %d, not '%s'", GA_POOL_SIZE_MAX, val);
		d->size = strtol(val, NULL, 10);
		return 0;
	case KEY_PRE_PING:
		if (strcmp(val, "on") == 0)
			d->pre_ping = 1;
		else if (strcmp(val, "off") == 0)
			d->pre_ping = 0;
		else
			return ga_perr(p, vcol, "pre_ping must be 'on' or "
				       "'off', not '%s'", val);
		return 0;
	case KEY_RECYCLE:
		return parse_duration(p, keys[key], val, vcol, &d->recycle_ms);
	case KEY_IDLE_TIMEOUT:
		return parse_duration(p, keys[key], val, vcol,
				      &d->idle_timeout_ms);
	case KEY_VALIDATION:
		if (!*val)
			return ga_perr(p, vcol, "validation needs the SQL the "
				       "pool runs, e.g. validation=\"SELECT 1\"");
		free(d->validation);
		d->validation = ga_parse_strdup(p, val);
		return d->validation ? 0 : -1;
	case KEY_COUNT:
		break;
	}
	return -1;
}

int ga_parse_pool(struct parser *p, struct lexer *lx,
		  const struct directive *dir, const struct word *kw)
{
	struct ga_pool_decl d = { .line = p->line, .pre_ping = -1 };
	struct pool_name *v;
	unsigned seen = 0;
	struct word w;
	size_t len;
	long dup;
	int rc, ret = 0;

	(void)dir;
	rc = ga_parse_decl_name(p, lx, &w, kw->col, "pool", "'pool' needs a "
				"name, e.g. pool app-pool pre_ping=on");
	if (rc < 0)
		return -1;
	len = (size_t)rc;
	dup = ga_nameindex_find(&p->pool_names, w.text, len);
	if (dup >= 0)
		return ga_perr(p, w.col, "pool '%s' is already declared at "
			       "line %d", w.text, p->pools[dup].decl.line);
	memcpy(d.name, w.text, len + 1);
	/* keep going after a bad setting, and keep the pool: the
	 * connection that names it should not be reported as well */
	while (ga_lex_next(p, lx, &w, &ret))
		if (parse_setting(p, &d, &w, &seen))
			ret = -1;
	v = ga_parse_grow(p, p->pools, p->npools, sizeof(*v));
	if (v)
		p->pools = v;
	if (!v || ga_nameindex_add(&p->pool_names, d.name) < 0) {
		free(d.validation);
		return v ? ga_parse_nomem(p) : -1;
	}
	memset(&v[p->npools], 0, sizeof(v[p->npools]));
	v[p->npools].decl = d;
	p->npools++;
	return ret;
}

int ga_parse_pool_take(struct parser *p, struct ga_connection *c,
		       const char *name, int col)
{
	char dym[GA_SUGGEST_MAX + 32];
	struct ga_suggest sg;
	struct pool_name *pn = NULL;
	long i = ga_nameindex_find(&p->pool_names, name, strlen(name));

	if (i >= 0)
		pn = &p->pools[i];
	if (!pn) {
		ga_suggest_init(&sg, name, 2);
		ga_nameindex_suggest(&p->pool_names, &sg, &p->suggest_budget);
		return ga_perr(p, col, "unknown pool '%s'%s: declare it before "
			       "the connection, e.g. pool %s pre_ping=on", name,
			       ga_suggest_text(&sg, dym, sizeof(dym)), name);
	}
	if (pn->taken_line)
		return ga_perr(p, col, "pool '%s' is already taken by "
			       "connection '%s' (line %d): a pool lives in "
			       "one connection's driver process; declare "
			       "another pool", name, pn->taken_by,
			       pn->taken_line);
	pn->taken_line = p->line;
	snprintf(pn->taken_by, sizeof(pn->taken_by), "%s", c->name);
	c->pool = pn->decl;
	c->pool.validation = NULL;
	if (pn->decl.validation) {
		c->pool.validation = ga_parse_strdup(p, pn->decl.validation);
		if (!c->pool.validation)
			return -1;
	}
	return 0;
}

void ga_parse_pools_finish(struct parser *p)
{
	size_t i;

	for (i = 0; i < p->npools; i++)
		if (!p->pools[i].taken_line)
			ga_perr_at(p, p->pools[i].decl.line, 0, "pool '%s' is "
				   "declared but no connection takes from it: "
				   "add pool=%s to a connection",
				   p->pools[i].decl.name,
				   p->pools[i].decl.name);
}

void ga_parse_pools_free(struct parser *p)
{
	size_t i;

	for (i = 0; i < p->npools; i++)
		free(p->pools[i].decl.validation);
	free(p->pools);
	p->pools = NULL;
	p->npools = 0;
}
