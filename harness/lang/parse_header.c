/* parse_header.c - the directives before the first step: title, cause,
 * keywords, requires, server-option, server fresh, server memory, repeat
 * and connection lines. */
#include "lang/internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/units.h"

/* Words allowed after "requires".  Add new requirements here. */
static const char *const requirement_names[] = {
	"root",
	"mariadbd",
	"mysqld",
	"resolver",
};

/* A connection line's KEY=VALUE settings: each one's enum and name. */
#define CONN_KEYS(X) \
	X(CONNECT_TIMEOUT, "connect_timeout") \
	X(READ_TIMEOUT, "read_timeout") \
	X(WRITE_TIMEOUT, "write_timeout") \
	X(TRANSPORT, "transport") \
	X(USER, "user") \
	X(PASSWORD, "password") \
	X(DATABASE, "database") \
	X(RECONNECT, "reconnect") \
	X(INTERACTIVE, "interactive") \
	X(MAX_ALLOWED_PACKET, "max_allowed_packet") \
	X(PRIVILEGED, "privileged") \
	X(TLS, "tls") \
	X(KEEPALIVE, "keepalive") \
	X(POOL, "pool") \
	X(LOCAL_INFILE, "local_infile")
GA_KEY_TABLE(conn_key, conn_key_names, CONN_KEYS);

/* TCP keepalive's bounds on Linux (tcp(7)): seconds and probes. */
#define KEEPALIVE_SECONDS_MAX 32767
#define KEEPALIVE_COUNT_MAX 127

static int parse_header_text(struct parser *p, struct lexer *lx,
			     const struct word *kw, char **dst)
{
	const char *text;
	size_t n;

	n = ga_lex_text(lx, &text);
	if (n == 0)
		return ga_perr(p, kw->col, "'%s' needs a text", kw->text);
	*dst = ga_parse_strndup(p, text, n);
	return *dst ? 0 : -1;
}

int ga_parse_title(struct parser *p, struct lexer *lx,
		       const struct directive *dir, const struct word *kw)
{
	(void)dir;
	return parse_header_text(p, lx, kw, &p->sc->title);
}

int ga_parse_cause(struct parser *p, struct lexer *lx,
		       const struct directive *dir, const struct word *kw)
{
	(void)dir;
	return parse_header_text(p, lx, kw, &p->sc->cause);
}

/* WORD... into a string array; allowed (if not NULL) limits the words. */
static int parse_word_list(struct parser *p, struct lexer *lx,
			   const struct word *kw, char ***arr, size_t *n,
			   const char *const *allowed, size_t nallowed)
{
	char known[256];
	struct word w;
	char **v;
	size_t count = 0;
	int rc = 0;

	while (ga_lex_next(p, lx, &w, &rc)) {
		count++;
		if (allowed && ga_find_name(allowed, nallowed, w.text,
					 strlen(w.text)) < 0)
			return ga_perr(p, w.col, "unknown requirement '%s' "
				    "(known: %s)", w.text,
				    ga_join_names(known, sizeof(known), allowed,
					       nallowed));
		v = ga_parse_grow(p, *arr, *n, sizeof(**arr));
		if (!v)
			return -1;
		*arr = v;
		v[*n] = ga_parse_strdup(p, w.text);
		if (!v[*n])
			return -1;
		(*n)++;
	}
	if (rc)
		return -1;
	if (count == 0)
		return ga_perr(p, kw->col, "'%s' needs at least one word",
			    kw->text);
	return 0;
}

int ga_parse_keywords(struct parser *p, struct lexer *lx,
			  const struct directive *dir, const struct word *kw)
{
	(void)dir;
	return parse_word_list(p, lx, kw, &p->sc->keywords,
			       &p->sc->nkeywords, NULL, 0);
}

/* "requires [SELECTOR] [WORD...]": the selector first, as on expect
 * lines; at least one of them. */
int ga_parse_requires(struct parser *p, struct lexer *lx,
			  const struct directive *dir, const struct word *kw)
{
	struct ga_scenario *sc = p->sc;
	size_t start;

	(void)dir;
	ga_lex_skip(lx);
	if (ga_lex_peek(lx) == '[') {
		start = lx->pos;
		if (ga_parse_selector(p, lx, &sc->requires_selector))
			return -1;
		sc->requires_text = ga_parse_strdup(p, ga_lex_take(lx, start));
		if (!sc->requires_text)
			return -1;
		ga_lex_skip(lx);
		if (ga_lex_done(lx))
			return 0;
	}
	return parse_word_list(p, lx, kw, &p->sc->requires,
			       &p->sc->nrequires, requirement_names,
			       COUNT(requirement_names));
}

int ga_parse_server_option(struct parser *p, struct lexer *lx,
			       const struct directive *dir,
			       const struct word *kw)
{
	struct ga_server_option opt = { .line = p->line };
	struct ga_server_option *v;
	const char *eq;
	struct word w;
	size_t nlen;
	int rc;

	(void)dir;
	if (ga_lex_need(p, lx, &w, kw->col, "'server-option' needs NAME or "
			"NAME=VALUE"))
		return -1;
	eq = strchr(w.text, '=');
	nlen = eq ? (size_t)(eq - w.text) : strlen(w.text);
	if (!ga_all_of(w.text, nlen, "_-"))
		return ga_perr(p, w.col, "invalid server option name '%.*s': "
			    "use letters, digits, '_' and '-'",
			    (int)nlen, w.text);
	if (eq && eq[1] == '\0' && !w.quoted)
		return ga_perr(p, w.col + (int)nlen + 1, "server option '%.*s' "
			    "has '=' but no value", (int)nlen, w.text);
	rc = ga_lex_end(p, lx, "the server option");
	if (rc)
		return -1;

	opt.name = ga_parse_strndup(p, w.text, nlen);
	if (!opt.name)
		goto fail;
	if (eq) {
		opt.value = ga_parse_strdup(p, eq + 1);
		if (!opt.value)
			goto fail;
	}
	v = ga_parse_grow(p, p->sc->options, p->sc->noptions, sizeof(*v));
	if (!v)
		goto fail;
	p->sc->options = v;
	v[p->sc->noptions++] = opt;
	return 0;
fail:
	free(opt.name);
	free(opt.value);
	return -1;
}

/* The seconds in a timeout value: a duration of whole, positive seconds. */
static int parse_timeout(struct parser *p, const char *key, const char *val,
			 int col, long *out)
{
	long ms;

	if (ga_units_ms(val, &ms, NULL))
		return ga_perr(p, col, "invalid duration '%s' for %s: write e.g. "
			    "10s", val, key);
	if (ms % 1000 != 0)
		return ga_perr(p, col, "%s must be whole seconds: the C API "
			    "takes seconds", key);
	if (ms == 0)
		return ga_perr(p, col, "%s must be at least 1s", key);
	*out = ms / 1000;
	return 0;
}

static int parse_on_off(struct parser *p, const char *key, const char *val,
			int col, bool *out)
{
	if (strcmp(val, "on") == 0)
		*out = true;
	else if (strcmp(val, "off") == 0)
		*out = false;
	else
		return ga_perr(p, col, "%s must be 'on' or 'off', not '%s'",
			    key, val);
	return 0;
}

/* A flag: the word alone (val NULL) is on, else 'on' or 'off'. */
static int parse_flag(struct parser *p, const char *key, const char *val,
		      int col, bool *out)
{
	if (!val) {
		*out = true;
		return 0;
	}
	return parse_on_off(p, key, val, col, out);
}

/* "IDLE/INTERVAL/COUNT" (2s/1s/3): keepalive's idle time before the
 * first probe, the time between probes (whole seconds, as the socket
 * options take them) and how many probes go unanswered before the
 * kernel gives the connection up. */
static int parse_keepalive(struct parser *p, const char *val, int col,
			   struct ga_keepalive *ka)
{
	char idle[32], interval[32], count[16], extra[2];
	long idle_ms, interval_ms, n;

	if (sscanf(val, "%31[^/]/%31[^/]/%15[0-9]%1s", idle, interval, count,
		   extra) != 3 ||
	    ga_units_ms(idle, &idle_ms, NULL) ||
	    ga_units_ms(interval, &interval_ms, NULL) ||
	    idle_ms % 1000 || interval_ms % 1000 ||
	    idle_ms < 1000 || interval_ms < 1000 ||
	    idle_ms / 1000 > KEEPALIVE_SECONDS_MAX ||
	    interval_ms / 1000 > KEEPALIVE_SECONDS_MAX || strlen(count) > 3 ||
	    (n = strtol(count, NULL, 10)) < 1 || n > KEEPALIVE_COUNT_MAX)
		return ga_perr(p, col, "invalid keepalive '%s': write IDLE/"
			       "INTERVAL/COUNT, e.g. keepalive=2s/1s/3 (whole "
			       "seconds from 1s to %ds, a count from 1 to %d)",
			       val, KEEPALIVE_SECONDS_MAX, KEEPALIVE_COUNT_MAX);
	ka->idle_s = idle_ms / 1000;
	ka->interval_s = interval_ms / 1000;
	ka->count = n;
	return 0;
}

/* The key of a connection line's word w, known, given once (seen: the
 * keys given before), with a value unless it is a flag: *key, and *val
 * (NULL for a flag without one) at column *vcol.  Returns 0, or -1 with
 * the diagnostic reported. */
static int conn_option_key(struct parser *p, const struct word *w,
			   unsigned *seen, enum conn_key *key,
			   const char **val, int *vcol)
{
	const char *eq = strchr(w->text, '=');
	size_t klen = eq ? (size_t)(eq - w->text) : strlen(w->text);
	int idx = ga_find_name(conn_key_names, KEY_COUNT, w->text, klen);
	char known[256];

	if (idx < 0)
		return ga_perr(p, w->col, "unknown connection option '%.*s' "
			    "(known: %s, driver-option)", (int)klen, w->text,
			    ga_join_names(known, sizeof(known), conn_key_names,
				       KEY_COUNT));
	*key = (enum conn_key)idx;
	if (*seen & (1u << idx))
		return ga_perr(p, w->col, "'%s' is given twice",
			    conn_key_names[*key]);
	*seen |= 1u << idx;
	*val = eq ? eq + 1 : NULL;
	*vcol = w->col + (int)klen + 1;
	if (!eq && *key != KEY_RECONNECT && *key != KEY_INTERACTIVE &&
	    *key != KEY_PRIVILEGED && *key != KEY_LOCAL_INFILE)
		return ga_perr(p, w->col, "'%s' needs a value: %s=VALUE",
			    conn_key_names[*key], conn_key_names[*key]);
	if (eq && **val == '\0' && !w->quoted)
		return ga_perr(p, *vcol, "'%s' needs a value: %s=VALUE",
			    conn_key_names[*key], conn_key_names[*key]);
	return 0;
}

/* One "key=value" or "flag" word of a connection line. */
static int parse_conn_option(struct parser *p, struct ga_connection *c,
			     const struct word *w, unsigned *seen)
{
	/* set by conn_option_key (gcc cannot see that ga_perr is -1) */
	const char *val = NULL;
	enum conn_key key = KEY_COUNT;
	int vcol = 0;
	char **dst = NULL;

	if (conn_option_key(p, w, seen, &key, &val, &vcol) != 0)
		return -1;
	switch (key) {
	case KEY_CONNECT_TIMEOUT:
		return parse_timeout(p, conn_key_names[key], val, vcol,
				     &c->connect_timeout_s);
	case KEY_READ_TIMEOUT:
		return parse_timeout(p, conn_key_names[key], val, vcol,
				     &c->read_timeout_s);
	case KEY_WRITE_TIMEOUT:
		return parse_timeout(p, conn_key_names[key], val, vcol,
				     &c->write_timeout_s);
	case KEY_TRANSPORT:
		if (strcmp(val, "tcp") == 0)
			c->transport = GA_TRANSPORT_TCP;
		else if (strcmp(val, "socket") == 0)
			c->transport = GA_TRANSPORT_SOCKET;
		else if (strcmp(val, "raw") == 0)
			c->transport = GA_TRANSPORT_RAW;
		else
			return ga_perr(p, vcol, "transport must be 'tcp', "
				    "'socket' or 'raw', not '%s'", val);
		return 0;
	case KEY_MAX_ALLOWED_PACKET:
		if (ga_units_bytes(val, &c->max_allowed_packet, NULL) ||
		    c->max_allowed_packet < 1024)
			return ga_perr(p, vcol, "invalid size '%s' for "
				    "max_allowed_packet: write e.g. 1M or "
				    "65536 (at least 1024)", val);
		return 0;
	case KEY_USER:
		dst = &c->user;
		break;
	case KEY_PASSWORD:
		dst = &c->password;
		break;
	case KEY_DATABASE:
		dst = &c->database;
		break;
	case KEY_RECONNECT:
		return parse_flag(p, conn_key_names[key], val, vcol,
				  &c->reconnect);
	case KEY_INTERACTIVE:
		return parse_flag(p, conn_key_names[key], val, vcol,
				  &c->interactive);
	case KEY_TLS:
		if (strcmp(val, "off") == 0)
			c->tls = GA_TLS_OFF;
		else if (strcmp(val, "required") == 0)
			c->tls = GA_TLS_REQUIRED;
		else
			return ga_perr(p, vcol, "tls must be 'off' or 'required', "
				       "not '%s'", val);
		return 0;
	case KEY_PRIVILEGED:
		return parse_flag(p, conn_key_names[key], val, vcol,
				  &c->privileged);
	case KEY_LOCAL_INFILE:
		return parse_flag(p, conn_key_names[key], val, vcol,
				  &c->local_infile);
	case KEY_KEEPALIVE:
		return parse_keepalive(p, val, vcol, &c->keepalive);
	case KEY_POOL:
		return ga_parse_pool_take(p, c, val, vcol);
	case KEY_COUNT:
		return -1;
	}
	*dst = ga_parse_strdup(p, val);
	return *dst ? 0 : -1;
}

/* Two driver options' selectors name the same clients. */
static bool same_client(const struct ga_selector *a,
			const struct ga_selector *b)
{
	return strcmp(a->client, b->client) == 0 &&
	       a->client_cmp == b->client_cmp &&
	       (a->client_cmp == GA_CMP_NONE ||
		a->client_version == b->client_version);
}

/* "driver-option [SELECTOR] KEY=VALUE" (w: the KEY=VALUE word, kw:
 * driver-option itself; w NULL when nothing followed it; sel the
 * selector, client only): a connector's own option, passed to the
 * driver as it is written. */
static int parse_driver_option(struct parser *p, struct ga_connection *c,
			       const struct word *kw, const struct word *w,
			       const struct ga_selector *sel)
{
	struct ga_driver_option *v;
	const char *eq;
	size_t klen, i;

	if (!w)
		return ga_perr(p, kw->col, "'driver-option' needs KEY=VALUE, "
			       "e.g. driver-option interpolateParams=true");
	eq = strchr(w->text, '=');
	klen = eq ? (size_t)(eq - w->text) : strlen(w->text);
	if (!eq || !isalpha((unsigned char)w->text[0]) ||
	    !ga_all_of(w->text, klen, "_-."))
		return ga_perr(p, w->col, "invalid driver option '%s': write "
			       "KEY=VALUE, KEY being letters, digits, '_', "
			       "'-' and '.', starting with a letter", w->text);
	if (klen >= GA_DRIVER_OPTION_KEY_MAX)
		return ga_perr(p, w->col, "driver option '%.*s' is too long "
			       "(at most %d characters)", (int)klen, w->text,
			       GA_DRIVER_OPTION_KEY_MAX - 1);
	if (eq[1] == '\0' && !w->quoted)
		return ga_perr(p, w->col + (int)klen + 1, "driver option "
			       "'%.*s' has '=' but no value (write %.*s=\"\" "
			       "for an empty one)", (int)klen, w->text,
			       (int)klen, w->text);
	for (i = 0; i < c->ndriver_options; i++)
		if (strlen(c->driver_options[i].key) == klen &&
		    strncmp(c->driver_options[i].key, w->text, klen) == 0 &&
		    same_client(&c->driver_options[i].selector, sel))
			return ga_perr(p, w->col, "driver option '%.*s' is "
				       "given twice", (int)klen, w->text);
	if (c->ndriver_options >= GA_DRIVER_OPTIONS_MAX)
		return ga_perr(p, w->col, "too many driver options: at most %d "
			       "on a connection", GA_DRIVER_OPTIONS_MAX);
	v = ga_parse_grow(p, c->driver_options, c->ndriver_options,
			  sizeof(*v));
	if (!v)
		return -1;
	c->driver_options = v;
	v[c->ndriver_options].selector = *sel;
	memcpy(v[c->ndriver_options].key, w->text, klen);
	v[c->ndriver_options].key[klen] = '\0';
	v[c->ndriver_options].value = ga_parse_strdup(p, eq + 1);
	if (!v[c->ndriver_options].value)
		return -1;
	c->ndriver_options++;
	return 0;
}

/* A driver option's or a keepalive's (what) "[client=NAME [OP
 * VERSION]]", at lx (on the '['): a client's, not a server's (an option
 * goes to a client).  Returns 0, or -1 after a diagnostic. */
static int parse_option_selector(struct parser *p, struct lexer *lx,
				 const char *what, struct ga_selector *sel)
{
	int col = ga_lex_col(lx);

	if (ga_parse_selector(p, lx, sel))
		return -1;
	if (!sel->client[0] || sel->flavour != GA_FLAVOUR_ANY ||
	    sel->version_cmp != GA_CMP_NONE)
		return ga_perr(p, col, "%s selector names the "
			       "client it is for, and only that: "
			       "[client=NAME] or [client=NAME >= VERSION]",
			       what);
	return 0;
}

/* "keepalive [SELECTOR] IDLE/INTERVAL/COUNT" (kw: keepalive itself, w
 * the times' word, NULL when nothing followed the selector): the
 * keepalive of the clients sel names, in place of "keepalive=". */
static int parse_keepalive_for(struct parser *p, struct ga_connection *c,
			       const struct word *kw, const struct word *w,
			       const struct ga_selector *sel)
{
	struct ga_keepalive_for *v;
	struct ga_keepalive ka;
	size_t i;

	if (!w)
		return ga_perr(p, kw->col, "'keepalive [client=%s]' needs "
			       "IDLE/INTERVAL/COUNT, e.g. keepalive "
			       "[client=mysql2] 1s/1s/10", sel->client);
	if (parse_keepalive(p, w->text, w->col, &ka))
		return -1;
	for (i = 0; i < c->nkeepalives; i++)
		if (same_client(&c->keepalives[i].selector, sel))
			return ga_perr(p, kw->col, "a keepalive for client "
				       "'%s' is given twice", sel->client);
	if (c->nkeepalives >= GA_KEEPALIVES_MAX)
		return ga_perr(p, kw->col, "too many keepalives: at most %d "
			       "clients' own on a connection",
			       GA_KEEPALIVES_MAX);
	v = ga_parse_grow(p, c->keepalives, c->nkeepalives, sizeof(*v));
	if (!v)
		return -1;
	c->keepalives = v;
	v[c->nkeepalives].selector = *sel;
	v[c->nkeepalives].times = ka;
	c->nkeepalives++;
	return 0;
}

static void free_connection(struct ga_connection *c)
{
	size_t i;

	free(c->user);
	free(c->password);
	free(c->database);
	for (i = 0; i < c->ndriver_options; i++)
		free(c->driver_options[i].value);
	free(c->driver_options);
	free(c->keepalives);
	free(c->pool.validation);
}

/* The connection's NAME, checked and copied into c->name. */
static int parse_conn_name(struct parser *p, struct lexer *lx,
			   const struct word *kw, struct ga_connection *c)
{
	struct word w;
	size_t len;
	long dup;

	if (ga_lex_need(p, lx, &w, kw->col, "'connection' needs a name"))
		return -1;
	len = strlen(w.text);
	if (!isalpha((unsigned char)w.text[0]) || !ga_all_of(w.text, len, "_-"))
		return ga_perr(p, w.col, "invalid connection name '%s': use "
			    "letters, digits, '_' and '-', starting with a "
			    "letter", w.text);
	if (len >= GA_NAME_MAX)
		return ga_perr(p, w.col, "connection name '%s' is too long (at "
			    "most %d characters)", w.text, GA_NAME_MAX - 1);
	dup = ga_nameindex_find(&p->conn_names, w.text, len);
	if (dup >= 0)
		return ga_perr(p, w.col, "connection '%s' is already "
			    "declared at line %d", w.text,
			    p->sc->connections[dup].line);
	memcpy(c->name, w.text, len + 1);
	return 0;
}

/* "driver-option [SELECTOR] NAME=VALUE" or "keepalive[SELECTOR] N", kw
 * the option's word, the lexer after it: 1 when kw is neither, 0 parsed,
 * -1 an error (-2 one that stops the line). */
static int parse_conn_selected(struct parser *p, struct lexer *lx,
			       struct ga_connection *c, const struct word *kw)
{
	bool opt = strcmp(kw->text, "driver-option") == 0;
	struct ga_selector sel;
	struct word arg;
	int rc;

	if (kw->quoted || (!opt && strcmp(kw->text, "keepalive") != 0))
		return 1;
	ga_lex_skip(lx);
	if (ga_lex_peek(lx) != '[' && !opt)
		return 1;
	memset(&sel, 0, sizeof(sel));
	if (ga_lex_peek(lx) == '[' &&
	    parse_option_selector(p, lx, opt ? "a driver option's" :
				  "a keepalive's", &sel))
		return -2;
	rc = ga_lex_word(p, lx, &arg);
	if (rc < 0)
		return -2;
	if (opt)
		return parse_driver_option(p, c, kw, rc ? &arg : NULL, &sel) ?
		       -1 : 0;
	return parse_keepalive_for(p, c, kw, rc ? &arg : NULL, &sel) ? -1 : 0;
}

/* What a connection's transport cannot take: an error for each. */
static int check_conn_transport(struct parser *p, const struct word *kw,
				const struct ga_connection *c)
{
	int ret = 0;

	if (c->ndriver_options && c->transport == GA_TRANSPORT_RAW) {
		ga_perr(p, kw->col, "a raw connection (transport=raw) has no "
			"client driver to take driver options");
		ret = -1;
	}
	if ((c->keepalive.count || c->nkeepalives) &&
	    c->transport != GA_TRANSPORT_TCP) {
		ga_perr(p, kw->col, c->transport == GA_TRANSPORT_SOCKET ?
			"keepalive is TCP's: not over the unix socket "
			"(transport=socket)" : "a raw connection "
			"(transport=raw) takes no keepalive");
		ret = -1;
	}
	if (c->local_infile && c->transport == GA_TRANSPORT_RAW) {
		ga_perr(p, kw->col, "a raw connection (transport=raw) speaks "
			"no MySQL: it has no LOAD DATA LOCAL to allow "
			"(local_infile)");
		ret = -1;
	}
	if (c->pool.line && c->transport == GA_TRANSPORT_RAW) {
		ga_perr(p, kw->col, "a raw connection (transport=raw) speaks "
			"no MySQL: no pool can hold it");
		ret = -1;
	}
	return ret;
}

int ga_parse_connection(struct parser *p, struct lexer *lx,
			    const struct directive *dir, const struct word *kw)
{
	struct ga_connection c = { .line = p->line };
	struct ga_connection *v;
	unsigned seen = 0;
	struct word w;
	int rc, ret = 0;

	(void)dir;
	if (parse_conn_name(p, lx, kw, &c))
		return -1;
	/* Keep going after a bad option, and keep the connection: steps that
	 * use it should not be reported as well. */
	while (ga_lex_next(p, lx, &w, &ret)) {
		rc = parse_conn_selected(p, lx, &c, &w);
		if (rc == -2) {
			ret = -1;
			break;
		}
		if (rc == 1 && parse_conn_option(p, &c, &w, &seen))
			rc = -1;
		if (rc < 0)
			ret = -1;
	}
	if (check_conn_transport(p, kw, &c))
		ret = -1;
	v = ga_parse_grow(p, p->sc->connections, p->sc->nconnections, sizeof(*v));
	if (!v || ga_nameindex_add(&p->conn_names, c.name) < 0) {
		if (v)
			p->sc->connections = v;
		free_connection(&c);
		return v ? ga_parse_nomem(p) : -1;
	}
	p->sc->connections = v;
	v[p->sc->nconnections++] = c;
	return ret;
}


/* repeat N: run the whole scenario N times (a timing-dependent failure's
 * spread over the runs is reported). */
/* "server fresh": parse.c sends the header line here when its second
 * word is "fresh" (the steps "server stop" ... are parse_steps.c's). */
int ga_parse_server_fresh(struct parser *p, struct lexer *lx,
			  const struct directive *dir, const struct word *kw)
{
	struct word w;
	int rc;

	(void)dir;
	(void)kw;
	rc = ga_lex_word(p, lx, &w);
	if (rc <= 0)
		return -1;
	p->sc->server_fresh = p->line;
	return ga_lex_end(p, lx, "'server fresh'");
}

/* "server memory SIZE": parse.c sends the header line here when its
 * second word is "memory".  The server runs under a memory limit of its
 * own (lab/memcg.h). */
int ga_parse_server_memory(struct parser *p, struct lexer *lx,
			   const struct directive *dir, const struct word *kw)
{
	struct word w;
	long size;
	int rc;

	(void)dir;
	rc = ga_lex_word(p, lx, &w);     /* "memory" */
	if (rc <= 0)
		return -1;
	if (ga_lex_need(p, lx, &w, kw->col, "'server memory' needs the "
			"server's limit, e.g. server memory 256MiB"))
		return -1;
	if (ga_units_bytes(w.text, &size, NULL) || size < (16L << 20) ||
	    size > (1L << 40))
		return ga_perr(p, w.col, "invalid memory limit '%s': a size "
			       "from 16MiB to 1024GiB, e.g. 256MiB", w.text);
	p->sc->server_memory = size;
	p->sc->server_memory_line = p->line;
	return ga_lex_end(p, lx, "the memory limit");
}

int ga_parse_repeat(struct parser *p, struct lexer *lx,
			const struct directive *dir, const struct word *kw)
{
	struct word w;

	(void)dir;
	if (ga_lex_need(p, lx, &w, kw->col, "'repeat' needs how many runs, "
			"e.g. repeat 10"))
		return -1;
	if (!ga_is_digits(w.text) || strlen(w.text) > 4 ||
	    strtol(w.text, NULL, 10) < 1 || strtol(w.text, NULL, 10) > 1000)
		return ga_perr(p, w.col, "invalid repeat count '%s': a number "
			    "from 1 to 1000", w.text);
	p->sc->repeat = strtol(w.text, NULL, 10);
	p->sc->repeat_line = p->line;
	return ga_lex_end(p, lx, "the repeat count");
}

