/* protocol.c - see protocol.h: the driver protocol's requests and
 * connect options, the one table the process driver, driver-test and
 * docs/driver-protocol.md follow. */
#include "client/protocol.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "util/json.h"


static const struct ga_protocol_field members[] = {
	{ "id", "integer", "the request's number, increasing; the reply "
	  "carries it back" },
	{ "step", "string", "what to do: one of the steps below" },
	{ "host", "string", "the server's address (`transport` `\"tcp\"`)" },
	{ "port", "integer", "the server's TCP port" },
	{ "socket", "string or null", "the server's unix socket "
	  "(`transport` `\"socket\"`)" },
	{ "user", "string", "the account to log in as" },
	{ "password", "string", "its password" },
	{ "database", "string or null", "the default database" },
	{ "options", "object", "the connection's options (below)" },
	{ "sql", "string", "the statement" },
	{ "blob", "integer", "bytes of `x` to bind to the first parameter; "
	  "0: none (the `params` bind from the first)" },
	{ "params", "array", "values bound to the statement's parameters, "
	  "after the blob if there is one, in order: an integer (bound as a "
	  "64-bit integer, at most 2^53-1 either way), a string (text) or "
	  "null (SQL NULL); `[]`: none.  Every parameter gets a value: a "
	  "count that differs from the statement's is an error the driver "
	  "reports (errno 0), not a crash" },
	{ "batch", "integer", "`fetch`: a slow reader's rows per read (1: "
	  "row by row); 0: read as fast as the rows come" },
	{ "every_ms", "integer", "`fetch`: milliseconds to wait after each "
	  "read of `batch` rows before the next, the rest of the result "
	  "left on the wire meanwhile; 0 with `batch` 0" },
	{ "size", "integer", "bytes of `x` to send in all" },
	{ "chunk", "integer", "bytes per piece" },
	{ "mode", "string", "`\"close\"`, `\"exit\"` or `\"share\"`" },
	{ "count", "integer", "`share`: the queries each process runs (at least)" },
	{ "pool", "object", "`connect` on a connection of a pool: the "
	  "pool's settings (below); absent on any other connection" },
};

static const struct ga_protocol_field pool_settings[GA_POOL_SET_COUNT] = {
#define GA_PROTOCOL_POOL_ROW(name, key, type, meaning) \
	[GA_POOL_SET_##name] = { key, type, meaning },
	GA_PROTOCOL_POOL_MAP(GA_PROTOCOL_POOL_ROW)
#undef GA_PROTOCOL_POOL_ROW
};

static const struct ga_protocol_field options[GA_OPTION_COUNT] = {
#define GA_PROTOCOL_OPTION_ROW(name, key, type, meaning) \
	[GA_OPTION_##name] = { key, type, meaning },
	GA_PROTOCOL_OPTION_MAP(GA_PROTOCOL_OPTION_ROW)
#undef GA_PROTOCOL_OPTION_ROW
};

/* Indexed by step kind; a client step without a row fails the unit
 * tests (check_protocol.c). */
static const struct ga_protocol_request requests[GA_STEP_KIND_COUNT] = {
	[GA_STEP_CONNECT] = { "connect", { "host", "port", "socket", "user",
		"password", "database", "options", "pool" },
		"open a new connection (closing the previous one first, if "
		"any); with `pool`, make the pool instead, with those "
		"settings (it may open connections or not: `thread_after` "
		"is one it opened, else 0)", NULL },
	[GA_STEP_QUERY] = { "query", { "sql" },
		"run the statement; read the whole result" },
	[GA_STEP_SEND] = { "query", { "sql" },
		"a `query` request: goneaway writes it and the scenario's "
		"`reap` reads its reply" },
	[GA_STEP_PING] = { "ping", { NULL },
		"the connector's ping (`mysql_ping`, `conn.ping()` ...)" },
	[GA_STEP_CLOSE] = { "close", { NULL },
		"close the connection the connector's normal way (COM_QUIT)" },
	[GA_STEP_PREPARE] = { "prepare", { "sql" },
		"prepare a statement (server-side where the connector can)" },
	[GA_STEP_EXECUTE] = { "execute", { "blob", "params" },
		"execute the prepared statement with its parameters bound: "
		"`blob` > 0 that many bytes of `x` to the first, then "
		"`params`" },
	[GA_STEP_LONG_DATA] = { "long-data", { "size", "chunk" },
		"send `size` bytes of `x` for the first parameter in "
		"`chunk`-byte pieces; the value is the number of pieces" },
	[GA_STEP_STREAM] = { "stream", { "sql" },
		"run the statement unbuffered and read only its first row" },
	[GA_STEP_FETCH] = { "fetch", { "batch", "every_ms" },
		"read the rest of the streamed result; the value is the "
		"number of rows read.  `every_ms` > 0: slowly, `batch` rows "
		"at a time and a wait of `every_ms` after each (a driver that "
		"cannot answers `unsupported`)" },
	[GA_STEP_FORK] = { "fork", { "mode", "count" },
		"fork the process with the connection open: `close`, `exit` "
		"or `share` (see below)" },
	[GA_STEP_RESET] = { "reset", { NULL },
		"reset the session on the same connection, as a pool does "
		"before it hands the connection out again "
		"(COM_RESET_CONNECTION: `mysql_reset_connection`, "
		"`conn.reset()` ...)" },
	[GA_STEP_CHANGE_USER] = { "change-user", { "user", "password",
		"database" },
		"log in again as `user` on the same connection "
		"(COM_CHANGE_USER: `mysql_change_user`, `conn.changeUser()` "
		"...): the account of its `connect`" },
	[GA_STEP_DRAIN] = { NULL, { NULL },
		"never sent: a `transport=raw` connection always uses the "
		"built-in client" },
	[GA_STEP_BORROW] = { "borrow", { NULL },
		"take a connection from the pool, as an application does "
		"(the pool may check, replace or open one first: "
		"`pool_events` say what it did); the steps after it run on "
		"that connection until `return` or `evict`.  Without a "
		"borrowed connection a step runs on the pool itself (it "
		"lends one for that call: `pool.query()`, `db.Query()`)",
		"pool" },
	[GA_STEP_RETURN] = { "return", { NULL },
		"give the borrowed connection back to the pool, which keeps "
		"it; `thread_after` is its thread (a `kill` after it KILLs "
		"the connection idle in the pool)", "pool" },
	[GA_STEP_EVICT] = { "evict", { NULL },
		"give the borrowed connection back as broken: the pool "
		"closes it (`invalidate()`, `evictConnection()`, "
		"`destroy()`); `thread_after` 0", "pool" },
};

const struct ga_protocol_request *ga_protocol_request(enum ga_step_kind kind)
{
	if ((unsigned)kind >= GA_STEP_KIND_COUNT ||
	    !ga_step_kind_is(kind, GA_STEP_ON_CLIENT) || !requests[kind].does)
		return NULL;
	return &requests[kind];
}

const struct ga_protocol_field *ga_protocol_members(size_t *n)
{
	*n = sizeof(members) / sizeof(members[0]);
	return members;
}

const struct ga_protocol_field *ga_protocol_options(void)
{
	return options;
}

bool ga_protocol_is_step(const char *name)
{
	unsigned k;

	for (k = 0; k < GA_STEP_KIND_COUNT; k++) {
		const struct ga_protocol_request *r = ga_protocol_request(k);

		if (r && r->step && strcmp(r->step, name) == 0)
			return true;
	}
	return false;
}

static void write_bool(FILE *f, const char *key, bool v)
{
	fprintf(f, "\"%s\":%s", key, v ? "true" : "false");
}

static void write_driver_options(FILE *f, const char *key,
				 const struct ga_connection *c,
				 const struct ga_server_id *who)
{
	const struct ga_driver_option *o;
	const char *sep = "";
	size_t i;

	fprintf(f, "\"%s\":{", key);
	for (i = 0; i < c->ndriver_options; i++) {
		o = &c->driver_options[i];
		if (!ga_selector_client_matches(&o->selector, who->client,
						who->client_alias,
						who->client_version))
			continue;
		fputs(sep, f);
		sep = ",";
		ga_json_write_string(f, o->key, strlen(o->key));
		fputc(':', f);
		ga_json_write_string(f, o->value, strlen(o->value));
	}
	fputc('}', f);
}

void ga_protocol_write_params(FILE *f, const struct ga_step *step)
{
	const struct ga_param *p;
	size_t i;

	fputs(",\"params\":[", f);
	for (i = 0; i < step->nparams; i++) {
		p = &step->params[i];
		if (i)
			fputc(',', f);
		switch (p->type) {
		case GA_PARAM_INT:
			fprintf(f, "%lld", p->num);
			break;
		case GA_PARAM_TEXT:
			ga_json_write_string(f, p->text, strlen(p->text));
			break;
		case GA_PARAM_NULL:
			fputs("null", f);
			break;
		}
	}
	fputc(']', f);
}

void ga_protocol_write_options(FILE *f, const struct ga_connection *c,
			       const struct ga_server_id *who,
			       unsigned features, const char *infile_dir)
{
	const struct ga_keepalive *ka;
	enum ga_protocol_option o;

	fputs(",\"options\":{", f);
	for (o = 0; o < GA_OPTION_COUNT; o++) {
		const char *key = options[o].name;

		/* never a member the driver did not declare (protocols 1
		 * and 2) */
		if (o == GA_OPTION_DRIVER_OPTIONS &&
		    !(features & GA_FEATURE_DRIVER_OPTIONS))
			continue;
		if (o == GA_OPTION_KEEPALIVE &&
		    !(features & GA_FEATURE_KEEPALIVE))
			continue;
		if (o == GA_OPTION_LOCAL_INFILE &&
		    !(features & GA_FEATURE_LOCAL_INFILE))
			continue;
		if (o)
			fputc(',', f);
		switch (o) {
		case GA_OPTION_TRANSPORT:
			fprintf(f, "\"%s\":\"%s\"", key,
				c->transport == GA_TRANSPORT_SOCKET ? "socket" :
				"tcp");
			break;
		case GA_OPTION_CONNECT_TIMEOUT:
			fprintf(f, "\"%s\":%ld", key, c->connect_timeout_s);
			break;
		case GA_OPTION_READ_TIMEOUT:
			fprintf(f, "\"%s\":%ld", key, c->read_timeout_s);
			break;
		case GA_OPTION_WRITE_TIMEOUT:
			fprintf(f, "\"%s\":%ld", key, c->write_timeout_s);
			break;
		case GA_OPTION_RECONNECT:
			write_bool(f, key, c->reconnect);
			break;
		case GA_OPTION_INTERACTIVE:
			write_bool(f, key, c->interactive);
			break;
		case GA_OPTION_MAX_ALLOWED_PACKET:
			fprintf(f, "\"%s\":%ld", key, c->max_allowed_packet);
			break;
		case GA_OPTION_TLS:
			fprintf(f, "\"%s\":\"%s\"", key,
				c->tls == GA_TLS_REQUIRED ? "required" : "off");
			break;
		case GA_OPTION_KEEPALIVE:
			ka = ga_connection_keepalive(c, who->client,
						     who->client_alias,
						     who->client_version);
			if (!ka) {
				fprintf(f, "\"%s\":{}", key);
				break;
			}
			fprintf(f, "\"%s\":{\"idle\":%ld,\"interval\":%ld,"
				"\"count\":%ld}", key, ka->idle_s,
				ka->interval_s, ka->count);
			break;
		case GA_OPTION_LOCAL_INFILE:
			fprintf(f, "\"%s\":[", key);
			if (c->local_infile && infile_dir)
				ga_json_write_string(f, infile_dir,
						     strlen(infile_dir));
			fputc(']', f);
			break;
		case GA_OPTION_DRIVER_OPTIONS:
			write_driver_options(f, key, c, who);
			break;
		case GA_OPTION_COUNT:
			break;
		}
	}
	fputc('}', f);
}

/* A pool's setting v: null when it is not set (0: the pool's
 * default). */
static void write_setting(FILE *f, long v)
{
	if (v > 0)
		fprintf(f, "%ld", v);
	else
		fputs("null", f);
}

void ga_protocol_write_pool(FILE *f, const struct ga_connection *c)
{
	const struct ga_pool_decl *d = &c->pool;
	enum ga_protocol_pool_setting k;

	fputs(",\"pool\":{", f);
	for (k = 0; k < GA_POOL_SET_COUNT; k++) {
		fprintf(f, "%s\"%s\":", k ? "," : "", pool_settings[k].name);
		switch (k) {
		case GA_POOL_SET_SIZE:
			write_setting(f, d->size);
			break;
		case GA_POOL_SET_PRE_PING:
			fputs(d->pre_ping < 0 ? "null" : d->pre_ping ? "true" :
			      "false", f);
			break;
		case GA_POOL_SET_RECYCLE_MS:
			write_setting(f, d->recycle_ms);
			break;
		case GA_POOL_SET_IDLE_TIMEOUT_MS:
			write_setting(f, d->idle_timeout_ms);
			break;
		case GA_POOL_SET_VALIDATION:
			if (d->validation)
				ga_json_write_string(f, d->validation,
						     strlen(d->validation));
			else
				fputs("null", f);
			break;
		case GA_POOL_SET_COUNT:
			break;
		}
	}
	fputc('}', f);
}

#define POOL_THREAD_MAX 9007199254740991.0     /* 2^53 - 1 */

int ga_protocol_take_pool_events(const struct ga_json *j,
				 struct ga_outcome *out, char *why,
				 size_t len)
{
	const struct ga_json *evs = ga_json_get(j, "pool_events"), *ev, *v;
	size_t i, used = 0;
	int idx, n;

	out->has_pool_events = false;
	out->pool_events = 0;
	out->pool_detail[0] = '\0';
	if (!evs || evs->type == GA_JSON_NULL)
		return 0;
	if (evs->type != GA_JSON_ARRAY ||
	    evs->nitems > GA_PROTOCOL_POOL_EVENTS_MAX) {
		snprintf(why, len, "%s", GA_PROTOCOL_POOL_NOT_ARRAY);
		return -1;
	}
	for (i = 0; i < evs->nitems; i++) {
		ev = &evs->items[i];
		v = ev->type == GA_JSON_OBJECT ? ga_json_get(ev, "event") : NULL;
		idx = v && v->type == GA_JSON_STRING ?
		      ga_pool_event_find(v->str, v->len) : -1;
		if (idx < 0) {
			snprintf(why, len, "pool_events[%zu] %s", i,
				 GA_PROTOCOL_POOL_NOT_EVENT);
			return -1;
		}
		out->pool_events |= 1u << idx;
		n = snprintf(out->pool_detail + used,
			     sizeof(out->pool_detail) - used, "%s%s",
			     used ? ", " : "", ga_pool_event_name((unsigned)idx));
		used += n > 0 ? (size_t)n : 0;
		v = ga_json_get(ev, "thread");
		if (v && v->type == GA_JSON_NUMBER && v->num > 0 &&
		    v->num <= POOL_THREAD_MAX && v->num == (double)(long)v->num &&
		    used < sizeof(out->pool_detail)) {
			n = snprintf(out->pool_detail + used,
				     sizeof(out->pool_detail) - used,
				     " thread %.0f", v->num);
			used += n > 0 ? (size_t)n : 0;
		}
		v = ga_json_get(ev, "detail");
		if (v && v->type == GA_JSON_STRING && v->len &&
		    used < sizeof(out->pool_detail)) {
			n = snprintf(out->pool_detail + used,
				     sizeof(out->pool_detail) - used, " (%s)",
				     v->str);
			used += n > 0 ? (size_t)n : 0;
		}
		if (used >= sizeof(out->pool_detail))
			used = sizeof(out->pool_detail) - 1;
	}
	out->has_pool_events = true;
	return 0;
}

/* ---- the description ------------------------------------------------------ */

static void jstr(FILE *f, const char *s)
{
	if (s)
		ga_json_write_string(f, s, strlen(s));
	else
		fputs("null", f);
}

static void json_fields(FILE *f, const char *what,
			const struct ga_protocol_field *rows, size_t n)
{
	size_t i;

	fprintf(f, " \"%s\": [\n", what);
	for (i = 0; i < n; i++) {
		fputs("  {\"name\": ", f);
		jstr(f, rows[i].name);
		fputs(", \"type\": ", f);
		jstr(f, rows[i].type);
		fputs(", \"meaning\": ", f);
		jstr(f, rows[i].meaning);
		fprintf(f, "}%s\n", i + 1 < n ? "," : "");
	}
	fputs(" ]", f);
}

/* One line per request, so that a shell can read it with sed. */
static void describe_json(FILE *f)
{
	const struct ga_protocol_field *mem;
	const struct ga_protocol_request *r;
	const char *sep = "";
	unsigned k, m;
	size_t n;

	fprintf(f, "{\"protocol\": %d,\n \"requests\": [\n",
		GA_PROTOCOL_VERSION);
	for (k = 0; k < GA_STEP_KIND_COUNT; k++) {
		r = ga_protocol_request(k);
		if (!r)
			continue;
		fprintf(f, "%s  {\"keyword\": ", sep);
		jstr(f, ga_step_kind_name(k));
		fputs(", \"step\": ", f);
		jstr(f, r->step);
		fputs(", \"members\": [", f);
		for (m = 0; r->members[m]; m++) {
			fputs(m ? ", " : "", f);
			jstr(f, r->members[m]);
		}
		fputs("], \"does\": ", f);
		jstr(f, r->does);
		fputs(", \"feature\": ", f);
		jstr(f, r->feature);
		fputc('}', f);
		sep = ",\n";
	}
	fputs("\n ],\n", f);
	mem = ga_protocol_members(&n);
	json_fields(f, "members", mem, n);
	fputs(",\n", f);
	json_fields(f, "options", options, GA_OPTION_COUNT);
	fputs(",\n", f);
	json_fields(f, "pool", pool_settings, GA_POOL_SET_COUNT);
	fputs("\n}\n", f);
}

static void describe_markdown(FILE *f)
{
	const struct ga_protocol_request *r;
	unsigned k, m, o;
	size_t n, i;
	const struct ga_protocol_field *mem = ga_protocol_members(&n);

	fputs("| step | members | what the driver does |\n|---|---|---|\n", f);
	for (k = 0; k < GA_STEP_KIND_COUNT; k++) {
		r = ga_protocol_request(k);
		if (!r || !r->step ||
		    strcmp(r->step, ga_step_kind_name(k)) != 0)
			continue;
		fprintf(f, "| `%s` | ", r->step);
		for (m = 0; r->members[m]; m++)
			fprintf(f, "%s`%s`", m ? ", " : "", r->members[m]);
		fprintf(f, " | %s%s%s%s |\n", r->does,
			r->feature ? " (feature `" : "",
			r->feature ? r->feature : "", r->feature ? "`)" : "");
	}
	fputs("\nThe other client steps of the scenario language:\n\n", f);
	for (k = 0; k < GA_STEP_KIND_COUNT; k++) {
		r = ga_protocol_request(k);
		if (r && (!r->step ||
			  strcmp(r->step, ga_step_kind_name(k)) != 0))
			fprintf(f, "- `%s`: %s\n", ga_step_kind_name(k), r->does);
	}
	fputs("\n| member | JSON type | meaning |\n|---|---|---|\n", f);
	for (i = 0; i < n; i++)
		fprintf(f, "| `%s` | %s | %s |\n", mem[i].name, mem[i].type,
			mem[i].meaning);
	fputs("\n`options` of `connect` (each is always sent):\n\n"
	      "| option | JSON type | meaning |\n|---|---|---|\n", f);
	for (o = 0; o < GA_OPTION_COUNT; o++)
		fprintf(f, "| `%s` | %s | %s |\n", options[o].name,
			options[o].type, options[o].meaning);
	fputs("\n`pool` of `connect` (a connection of a pool only, each "
	      "setting always sent; `null`: the scenario gives none, the "
	      "pool's own default):\n\n"
	      "| setting | JSON type | meaning |\n|---|---|---|\n", f);
	for (o = 0; o < GA_POOL_SET_COUNT; o++)
		fprintf(f, "| `%s` | %s | %s |\n", pool_settings[o].name,
			pool_settings[o].type, pool_settings[o].meaning);
}

void ga_protocol_describe(FILE *f, bool markdown)
{
	if (markdown)
		describe_markdown(f);
	else
		describe_json(f);
}

/* ---- greetings and replies -------------------------------------------------- */

/* A run of digits at *p below limit, *p moved past it; -1 when it is
 * not one or too large (all of it is read either way). */
static long part(const char **p, long limit)
{
	long v = 0;
	bool big = false;

	if (!isdigit((unsigned char)**p))
		return -1;
	for (; isdigit((unsigned char)**p); (*p)++) {
		if (v >= limit)
			big = true;
		else
			v = v * 10 + (**p - '0');
	}
	return big || v >= limit ? -1 : v;
}

/* The number X[.Y[.Z]] at text, at least dots_min dots; *end after it.
 * Returns its value, 0 when out of range, -1 when it is not one. */
static long version_at(const char *text, int dots_min, const char **end)
{
	const char *p = text;
	long v[3] = { 0, 0, 0 };
	bool range = true;
	int n;

	for (n = 0; n < 3; n++) {
		if (n && !(p[0] == '.' && isdigit((unsigned char)p[1])))
			break;
		if (n)
			p++;
		v[n] = part(&p, n ? 100 : 10000);
		if (v[n] < 0)
			range = false;
	}
	*end = p;
	if (n - 1 < dots_min)
		return -1;
	return range ? v[0] * 10000 + v[1] * 100 + v[2] : 0;
}

unsigned long ga_protocol_version(const char *text, bool whole, char *buf,
				  size_t len)
{
	const char *p, *end = NULL;
	long v = -1;

	if (len)
		buf[0] = '\0';
	if (!text)
		return 0;
	if (whole) {
		v = version_at(text, 0, &end);
		/* a tag may follow: "-rc1", "+build", "rc1"; not more
		 * digits or dots ("1.2.3.4") */
		if (v > 0 && *end && *end != '-' && *end != '+' &&
		    !isalpha((unsigned char)*end))
			v = -1;
		p = text;
	} else {
		for (p = text; *p; p++) {
			if (!isdigit((unsigned char)*p) ||
			    (p > text && (isdigit((unsigned char)p[-1]) ||
					  p[-1] == '.')))
				continue;
			v = version_at(p, 1, &end);
			if (v >= 0)
				break;
		}
	}
	if (v <= 0)
		return 0;
	snprintf(buf, len, "%.*s", (int)(end - p), p);
	return (unsigned long)v;
}

/* The bytes each word of ga_protocol_*_ok() may be made of. */
static bool name_byte(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '.' || c == '-';
}

static bool class_byte(unsigned char c)
{
	return c > 0x20 && c < 0x7f;
}

static bool sqlstate_byte(unsigned char c)
{
	return isalnum(c);
}

static bool api_byte(unsigned char c)
{
	return c >= 0x20 && c != 0x7f;
}

/* Whether s is n bytes (no NUL among them), 1 to max, each one that
 * byte_ok takes. */
static bool word_ok(const char *s, size_t n, size_t max,
		    bool (*byte_ok)(unsigned char c))
{
	size_t i;

	if (n == 0 || n > max || strlen(s) != n)
		return false;
	for (i = 0; i < n; i++)
		if (!byte_ok((unsigned char)s[i]))
			return false;
	return true;
}

bool ga_protocol_name_ok(const char *s, size_t n)
{
	return word_ok(s, n, GA_PROTOCOL_WORD_MAX, name_byte) &&
	       isalnum((unsigned char)s[0]);
}

bool ga_protocol_class_ok(const char *s, size_t n)
{
	return word_ok(s, n, GA_PROTOCOL_WORD_MAX, class_byte);
}

bool ga_protocol_sqlstate_ok(const char *s, size_t n)
{
	return n == 0 || (n == GA_PROTOCOL_SQLSTATE_LEN &&
			  word_ok(s, n, n, sqlstate_byte));
}

bool ga_protocol_api_ok(const char *s, size_t n)
{
	return word_ok(s, n, GA_PROTOCOL_API_MAX, api_byte);
}
