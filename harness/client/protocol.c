/* protocol.c - see protocol.h: the driver protocol's requests and
 * connect options, the one table the process driver, driver-test and
 * docs/driver-protocol.md follow. */
#include "client/protocol.h"

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
	  "0: execute without parameters" },
	{ "size", "integer", "bytes of `x` to send in all" },
	{ "chunk", "integer", "bytes per piece" },
	{ "mode", "string", "`\"close\"`, `\"exit\"` or `\"share\"`" },
	{ "count", "integer", "`share`: the queries each process runs" },
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
		"password", "database", "options" },
		"open a new connection (closing the previous one first, if "
		"any)" },
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
	[GA_STEP_EXECUTE] = { "execute", { "blob" },
		"execute the prepared statement; `blob` > 0: bind that many "
		"bytes of `x` to its first parameter" },
	[GA_STEP_LONG_DATA] = { "long-data", { "size", "chunk" },
		"send `size` bytes of `x` for the first parameter in "
		"`chunk`-byte pieces; the value is the number of pieces" },
	[GA_STEP_STREAM] = { "stream", { "sql" },
		"run the statement unbuffered and read only its first row" },
	[GA_STEP_FETCH] = { "fetch", { NULL },
		"read the rest of the streamed result; the value is the "
		"number of rows read" },
	[GA_STEP_FORK] = { "fork", { "mode", "count" },
		"fork the process with the connection open: `close`, `exit` "
		"or `share` (see below)" },
	[GA_STEP_DRAIN] = { NULL, { NULL },
		"never sent: a `transport=raw` connection always uses the "
		"built-in client" },
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

void ga_protocol_write_options(FILE *f, const struct ga_connection *c)
{
	enum ga_protocol_option o;

	fputs(",\"options\":{", f);
	for (o = 0; o < GA_OPTION_COUNT; o++) {
		const char *key = options[o].name;

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
		case GA_OPTION_COUNT:
			break;
		}
	}
	fputc('}', f);
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
		fputc('}', f);
		sep = ",\n";
	}
	fputs("\n ],\n", f);
	mem = ga_protocol_members(&n);
	json_fields(f, "members", mem, n);
	fputs(",\n", f);
	json_fields(f, "options", options, GA_OPTION_COUNT);
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
		fprintf(f, " | %s |\n", r->does);
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
}

void ga_protocol_describe(FILE *f, bool markdown)
{
	if (markdown)
		describe_markdown(f);
	else
		describe_json(f);
}
