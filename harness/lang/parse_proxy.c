/* parse_proxy.c - the "proxy" header line: what stands between the
 * scenario's clients and its server.
 *
 *     proxy haproxy [client-timeout=D] [server-timeout=D] [connect-timeout=D]
 *     proxy none REASON
 *
 * The first declares that the scenario runs behind that proxy (it is
 * part of what the scenario tests: its steps may act on it, "proxy
 * restart"); the second that it tests a direct connection, which a
 * proxy would change (REASON, the rest of the line, says how: it is the
 * reason of the SKIP under "goneaway run --proxy NAME").  The "proxy
 * stop|start|restart|crash" steps are parsed with the other steps
 * (lang/parse_steps.c); parse.c tells the two apart by the word after
 * "proxy".
 */
#include "lang/internal.h"

#include <stdio.h>
#include <string.h>

#include "lang/proxynames.h"
#include "util/byname.h"
#include "util/suggest.h"
#include "util/units.h"

/* A proxy line's KEY=VALUE settings: each one's enum and name. */
#define PROXY_KEYS(X) \
	X(CLIENT_TIMEOUT, "client-timeout") \
	X(SERVER_TIMEOUT, "server-timeout") \
	X(CONNECT_TIMEOUT, "connect-timeout")
GA_KEY_TABLE(proxy_key, keys, PROXY_KEYS);

static const char *const actions[] = {
	"stop", "start", "restart", "crash", NULL,
};

bool ga_parse_proxy_is_action(const char *word)
{
	return ga_name_among(actions, word);
}

/* "unknown proxy 'X'; did you mean 'Y'? (known: none, haproxy)" */
static int unknown_proxy(struct parser *p, const struct word *w)
{
	const char *const *names = ga_proxy_names();
	char dym[GA_SUGGEST_MAX + 32], known[160];
	struct ga_suggest sg;
	size_t i;

	ga_suggest_init(&sg, w->text, 2);
	ga_suggest_try(&sg, "none");
	for (i = 0; names[i]; i++)
		ga_suggest_try(&sg, names[i]);
	ga_proxy_names_text(known, sizeof(known));
	for (i = 0; actions[i]; i++)
		ga_suggest_try(&sg, actions[i]);
	return ga_perr(p, w->col, "unknown proxy '%s'%s (known: %s; or an "
		       "action on it: stop, start, restart, crash)", w->text,
		       ga_suggest_text(&sg, dym, sizeof(dym)), known);
}

/* One "KEY=DURATION" word of a proxy line. */
static int parse_setting(struct parser *p, struct ga_proxy_decl *d,
			 const struct word *w, bool *given)
{
	long *dst[KEY_COUNT] = {
		[KEY_CLIENT_TIMEOUT] = &d->client_timeout_ms,
		[KEY_SERVER_TIMEOUT] = &d->server_timeout_ms,
		[KEY_CONNECT_TIMEOUT] = &d->connect_timeout_ms,
	};
	const char *eq = strchr(w->text, '=');
	size_t klen = eq ? (size_t)(eq - w->text) : strlen(w->text);
	int k = ga_find_name(keys, KEY_COUNT, w->text, klen);
	char dym[GA_SUGGEST_MAX + 32], key[48];
	struct ga_suggest sg;
	long ms;
	int i;

	snprintf(key, sizeof(key), "%.*s", (int)klen, w->text);
	if (k < 0) {
		ga_suggest_init(&sg, key, 2);
		for (i = 0; i < KEY_COUNT; i++)
			ga_suggest_try(&sg, keys[i]);
		return ga_perr(p, w->col, "unknown proxy setting '%s'%s "
			       "(known: client-timeout, server-timeout, "
			       "connect-timeout)", key,
			       ga_suggest_text(&sg, dym, sizeof(dym)));
	}
	if (given[k])
		return ga_perr(p, w->col, "'%s' is given twice", key);
	given[k] = true;
	if (!eq || !eq[1])
		return ga_perr(p, w->col, "'%s' needs a value: %s=DURATION, "
			       "e.g. %s=2s", key, key, key);
	if (ga_units_ms(eq + 1, &ms, NULL))
		return ga_perr(p, w->col + (int)klen + 1, "invalid duration "
			       "'%s' for %s: write e.g. 2s or 500ms", eq + 1,
			       key);
	if (ms < 1)
		return ga_perr(p, w->col + (int)klen + 1, "%s must be at least "
			       "1ms", key);
	*dst[k] = ms;
	return 0;
}

int ga_parse_proxy(struct parser *p, struct lexer *lx,
		   const struct directive *dir, const struct word *kw)
{
	struct ga_proxy_decl *d = &p->sc->proxy;
	bool given[KEY_COUNT] = { false };
	char known[160];
	const char *text;
	struct word w;
	size_t n;
	int rc, bad = 0;

	(void)dir;
	rc = ga_lex_word(p, lx, &w);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		ga_proxy_names_text(known, sizeof(known));
		return ga_perr(p, kw->col, "'proxy' needs a proxy's name (%s) or "
			       "an action on it (stop, start, restart, crash)",
			       known);
	}
	if (!ga_proxy_name_known(w.text) && strcmp(w.text, "none") != 0)
		return unknown_proxy(p, &w);
	d->line = p->line;
	snprintf(d->name, sizeof(d->name), "%s", w.text);
	if (strcmp(w.text, "none") == 0) {
		n = ga_lex_text(lx, &text);
		if (n == 0)
			return ga_perr(p, w.col, "'proxy none' needs the reason "
				       "a proxy would change what the scenario "
				       "tests, e.g. proxy none the client must "
				       "reach the server's own port");
		d->reason = ga_parse_strndup(p, text, n);
		return d->reason ? 0 : -1;
	}
	while ((rc = ga_lex_word(p, lx, &w)) > 0)
		if (parse_setting(p, d, &w, given))
			bad = -1;
	return rc < 0 ? -1 : bad;
}
