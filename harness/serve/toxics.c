/* toxics.c - see toxics.h: the table of toxic types, a toxic's values,
 * decoded, checked and written as Toxiproxy writes them. */
#include "serve/toxics.h"

#include <math.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "faults/fault.h"
#include "faults/point.h"
#include "util/json.h"

#define MS "time in milliseconds"

static const struct ga_toxic_type standard_types[] = {
	{ "latency", GA_TK_LATENCY, GA_TOXIC_STANDARD, "LatencyToxic",
	  "Delays all data through the proxy by latency +/- jitter.",
	  { { "latency", GA_GO_INT64, NULL, MS },
	    { "jitter", GA_GO_INT64, NULL, MS } }, NULL },
	{ "bandwidth", GA_TK_BANDWIDTH, GA_TOXIC_STANDARD, "BandwidthToxic",
	  "Limits the connection to rate kilobytes a second (0 or less: no "
	  "limit).",
	  { { "rate", GA_GO_INT64, NULL, "rate in KB/s" } }, NULL },
	{ "slow_close", GA_TK_SLOW_CLOSE, GA_TOXIC_STANDARD, "SlowCloseToxic",
	  "Delays the close of the connection by delay once its source "
	  "has closed.",
	  { { "delay", GA_GO_INT64, NULL, MS } }, NULL },
	{ "timeout", GA_TK_TIMEOUT, GA_TOXIC_STANDARD, "TimeoutToxic",
	  "Stops all data from getting through and closes the connection "
	  "after timeout; with timeout 0 it never closes it, and data is "
	  "dropped until the toxic is removed (which closes it).",
	  { { "timeout", GA_GO_INT64, NULL, MS } }, NULL },
	{ "reset_peer", GA_TK_RESET_PEER, GA_TOXIC_STANDARD, "ResetToxic",
	  "Resets the connection (TCP RST to both sides) timeout after the "
	  "first data (or end) reaches it; that data is dropped.",
	  { { "timeout", GA_GO_INT64, NULL, MS } }, NULL },
	{ "slicer", GA_TK_SLICER, GA_TOXIC_STANDARD, "SlicerToxic",
	  "Slices the data into pieces of average_size +/- size_variation "
	  "bytes, delay microseconds apart.",
	  { { "average_size", GA_GO_INT, NULL, "size in bytes of an average "
	      "piece" },
	    { "size_variation", GA_GO_INT, NULL, "variation in bytes of a "
	      "piece" },
	    { "delay", GA_GO_INT, NULL, "time in microseconds between "
	      "pieces" } }, NULL },
	{ "limit_data", GA_TK_LIMIT_DATA, GA_TOXIC_STANDARD, "LimitDataToxic",
	  "Closes the connection once bytes have gone through.",
	  { { "bytes", GA_GO_INT64, NULL, "how many bytes pass before the "
	      "close" } }, NULL },
	{ "mysql_kill", GA_TK_MYSQL_KILL, GA_TOXIC_MYSQL, "MysqlKillToxic",
	  "goneaway's server KILLs the session behind the connection when "
	  "the client's next command reaches the proxy: KILL (the "
	  "connection) before the command goes on to the server, or, with "
	  "query, KILL QUERY just after it went on (a statement still "
	  "running is interrupted).  The client gets what the server says. "
	  "Only for a proxy whose upstream is goneaway's server.",
	  { { "query", GA_GO_BOOL, NULL, "true: KILL QUERY instead of "
	      "KILL" },
	    { "count", GA_GO_INT64, NULL, "kills at most this many times "
	      "(0: every command)" } }, NULL },
	{ "mysql_cut", GA_TK_MYSQL_CUT, GA_TOXIC_MYSQL, "MysqlCutToxic",
	  "Cuts the connection where the MySQL protocol reaches a point: "
	  "the server's greeting, the client's login, the server's answer "
	  "to it (auth), the client's TLS hello, a command, or the n-th row "
	  "of a command's result; the packet at the point does not pass "
	  "(with after, it does and the cut comes right after it).",
	  { { "at", GA_GO_STRING, "command", "greeting, login, auth, tls, "
	      "command or row" },
	    { "command", GA_GO_STRING, NULL, "at command: the command "
	      "(COM_QUERY, COM_PING, ...; empty: any)" },
	    { "row", GA_GO_INT64, "1", "at row: which row of the result "
	      "(1 is the first)" },
	    { "action", GA_GO_STRING, "reset", "reset (TCP RST to both "
	      "sides), close (FIN to both) or hold (nothing passes any "
	      "more, either way)" },
	    { "after", GA_GO_BOOL, NULL, "true: the packet at the point "
	      "passes, the cut comes after it" },
	    { "count", GA_GO_INT64, NULL, "cuts at most this many "
	      "connections (0: every one)" } }, NULL },
};
#define NSTANDARD (sizeof(standard_types) / sizeof(standard_types[0]))

/* fault_NAME for every fault kind: made once. */
#define MAX_FAULT_TYPES 16
static struct ga_toxic_type fault_types[MAX_FAULT_TYPES];
static char fault_names[MAX_FAULT_TYPES][40];
static char fault_whats[MAX_FAULT_TYPES][400];
static const struct ga_toxic_type *table[NSTANDARD + MAX_FAULT_TYPES + 1];
static atomic_int table_made;

static void make_table(void)
{
	const struct ga_fault_kind *const *k = ga_fault_table();
	size_t n = 0, i;

	for (i = 0; i < NSTANDARD; i++)
		table[n++] = &standard_types[i];
	for (i = 0; k[i] && i < MAX_FAULT_TYPES; i++) {
		struct ga_toxic_type *t = &fault_types[i];

		snprintf(fault_names[i], sizeof(fault_names[i]), "fault_%s",
			 k[i]->name);
		snprintf(fault_whats[i], sizeof(fault_whats[i]), "goneaway's "
			 "fault '%s' in the lab between goneaway's server and "
			 "the proxies (every proxy whose upstream is goneaway's "
			 "server meets it): args are the words of a scenario's "
			 "fault line after the kind: %s", k[i]->name,
			 k[i]->usage);
		t->name = fault_names[i];
		t->kind = GA_TK_FAULT;
		t->family = GA_TOXIC_FAULT;
		t->go_struct = "FaultToxic";
		t->what = fault_whats[i];
		t->attrs[0].name = "args";
		t->attrs[0].kind = GA_GO_STRING;
		t->attrs[0].what = "the fault's words";
		t->fault = k[i];
		table[n++] = t;
	}
	table[n] = NULL;
}

/* The NULL-terminated table: the standard types, the MySQL ones, then a
 * fault type per kind of faults/fault.h (made at the first call). */
static const struct ga_toxic_type *const *toxic_types(void)
{
	/* one thread makes it (the API's); the flag for the fuzz target's
	 * and the tests' sake */
	if (!atomic_load(&table_made)) {
		make_table();
		atomic_store(&table_made, 1);
	}
	return table;
}

const struct ga_toxic_type *ga_toxic_type_find(const char *name)
{
	const struct ga_toxic_type *const *t;

	for (t = toxic_types(); *t; t++)
		if (strcmp((*t)->name, name) == 0)
			return *t;
	return NULL;
}

int ga_toxic_attr_index(const struct ga_toxic_type *type, const char *name)
{
	int i;

	for (i = 0; i < GA_TOXIC_MAX_ATTRS && type->attrs[i].name; i++)
		if (strcmp(type->attrs[i].name, name) == 0)
			return i;
	return -1;
}

long long ga_toxic_num(const struct ga_toxic *t, const char *name)
{
	int i = ga_toxic_attr_index(t->type, name);

	return i < 0 ? 0 : t->num[i];
}

const char *ga_toxic_str(const struct ga_toxic *t, const char *name)
{
	int i = ga_toxic_attr_index(t->type, name);

	return i < 0 || !t->str[i] ? "" : t->str[i];
}

struct ga_toxic *ga_toxic_new(const struct ga_toxic_type *type)
{
	static atomic_ulong next_id;
	struct ga_toxic *t = calloc(1, sizeof(*t));
	const struct ga_toxic_attr *a;
	int i;

	if (!t)
		return NULL;
	t->type = type;
	t->toxicity = 1;
	t->dir = GA_STREAM_DOWN;
	t->id = atomic_fetch_add(&next_id, 1) + 1;
	for (i = 0; i < GA_TOXIC_MAX_ATTRS && type->attrs[i].name; i++) {
		a = &type->attrs[i];
		if (a->kind == GA_GO_STRING) {
			t->str[i] = strdup(a->def ? a->def : "");
			if (!t->str[i]) {
				ga_toxic_free(t);
				return NULL;
			}
		} else if (a->def) {
			t->num[i] = strcmp(a->def, "true") == 0 ? 1 :
				    strtoll(a->def, NULL, 10);
		}
	}
	return t;
}

void ga_toxic_free(struct ga_toxic *t)
{
	int i;

	if (!t)
		return;
	for (i = 0; i < GA_TOXIC_MAX_ATTRS; i++)
		free(t->str[i]);
	if (t->fault_spec && t->type->fault)
		t->type->fault->free_spec(t->fault_spec);
	free(t->name);
	free(t->stream);
	free(t);
}

int ga_toxic_decode_attrs(struct ga_toxic *t, const struct ga_json *attrs,
			  char *msg, size_t len)
{
	struct ga_go_field f[GA_TOXIC_MAX_ATTRS];
	bool b[GA_TOXIC_MAX_ATTRS];
	size_t n;
	int rc;

	for (n = 0; n < GA_TOXIC_MAX_ATTRS && t->type->attrs[n].name; n++) {
		f[n].name = t->type->attrs[n].name;
		f[n].kind = t->type->attrs[n].kind;
		f[n].go_type = NULL;
		f[n].seen = NULL;
		b[n] = t->num[n] != 0;
		f[n].dst = f[n].kind == GA_GO_STRING ? (void *)&t->str[n] :
			   f[n].kind == GA_GO_BOOL ? (void *)&b[n] :
			   (void *)&t->num[n];
	}
	rc = ga_go_decode(attrs, t->type->go_struct, "attributes.", f, n, msg,
			  len);
	for (n = 0; n < GA_TOXIC_MAX_ATTRS && t->type->attrs[n].name; n++)
		if (t->type->attrs[n].kind == GA_GO_BOOL)
			t->num[n] = b[n];
	return rc;
}

/* ---- goneaway's checks ------------------------------------------------------ */

static const char *const cut_points[GA_CUT_POINT_COUNT] = {
	[GA_CUT_GREETING] = "greeting", [GA_CUT_LOGIN] = "login",
	[GA_CUT_AUTH] = "auth", [GA_CUT_TLS] = "tls",
	[GA_CUT_COMMAND] = "command", [GA_CUT_ROW] = "row",
};
static const char *const cut_actions[] = {
	[GA_CUT_RESET] = "reset", [GA_CUT_CLOSE] = "close",
	[GA_CUT_HOLD] = "hold",
};

static int word_index(const char *w, const char *const *words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(w, words[i]) == 0)
			return (int)i;
	return -1;
}

int ga_cut_point_of(const struct ga_toxic *t)
{
	return word_index(ga_toxic_str(t, "at"), cut_points,
			  GA_CUT_POINT_COUNT);
}

int ga_cut_action_of(const struct ga_toxic *t)
{
	return word_index(ga_toxic_str(t, "action"), cut_actions,
			  sizeof(cut_actions) / sizeof(cut_actions[0]));
}

int ga_cut_command_of(const struct ga_toxic *t)
{
	const char *c = ga_toxic_str(t, "command");
	char *end;
	long v;

	if (!*c)
		return -1;
	if (strncmp(c, "COM_", 4) == 0)
		return ga_point_command_byte(c) < 0 ? -2 :
		       ga_point_command_byte(c);
	v = strtol(c, &end, 0);
	return *end || v < 0 || v > 255 ? -2 : (int)v;
}

static int check_fault(struct ga_toxic *t, char *msg, size_t len)
{
	const struct ga_fault_kind *k = t->type->fault;
	struct ga_fault_diag diag;
	const char *args = ga_toxic_str(t, "args");
	void *spec = NULL;

	memset(&diag, 0, sizeof(diag));
	if (k->parse(args, &spec, &diag) != 0 ||
	    (k->validate && k->validate(spec, &diag) != 0)) {
		if (spec)
			k->free_spec(spec);
		snprintf(msg, len, "%s: args '%s': %s (%s)", t->type->name,
			 args, diag.msg, k->usage);
		return -1;
	}
	if (t->fault_spec)
		k->free_spec(t->fault_spec);
	t->fault_spec = spec;
	return 0;
}

int ga_toxic_check(struct ga_toxic *t, char *msg, size_t len)
{
	int point;

	switch (t->type->kind) {
	case GA_TK_FAULT:
		return check_fault(t, msg, len);
	case GA_TK_MYSQL_KILL:
		if (ga_toxic_num(t, "count") < 0) {
			snprintf(msg, len, "mysql_kill: count must be 0 or more");
			return -1;
		}
		return 0;
	case GA_TK_MYSQL_CUT:
		point = ga_cut_point_of(t);
		if (point < 0) {
			snprintf(msg, len, "mysql_cut: at: '%s' is not greeting, "
				 "login, auth, tls, command or row",
				 ga_toxic_str(t, "at"));
			return -1;
		}
		if (ga_cut_action_of(t) < 0) {
			snprintf(msg, len, "mysql_cut: action: '%s' is not "
				 "reset, close or hold",
				 ga_toxic_str(t, "action"));
			return -1;
		}
		if (ga_cut_command_of(t) == -2) {
			snprintf(msg, len, "mysql_cut: command: '%s' is not a "
				 "command such as COM_QUERY, COM_PING or "
				 "COM_STMT_EXECUTE, nor a byte",
				 ga_toxic_str(t, "command"));
			return -1;
		}
		if (point == GA_CUT_ROW && ga_toxic_num(t, "row") < 1) {
			snprintf(msg, len, "mysql_cut: row must be 1 or more");
			return -1;
		}
		if (ga_toxic_num(t, "count") < 0) {
			snprintf(msg, len, "mysql_cut: count must be 0 or more");
			return -1;
		}
		return 0;
	default:
		return 0;       /* Toxiproxy takes any value */
	}
}

/* ---- written as Toxiproxy writes them ------------------------------------- */

/* Writes a float32 as Go does (the shortest text that reads back as
 * the same float32: 0.3, 1, 0.12345679). */
static void go_write_float32(FILE *f, float x)
{
	char e[48], digits[16];
	float ax = fabsf(x);
	int prec, exp10 = 0, nd = 0, i;
	const char *p;

	if (x == 0) {
		fputs("0", f);
		return;
	}
	/* the fewest significant digits that read back as x */
	for (prec = 0; prec < 9; prec++) {
		snprintf(e, sizeof(e), "%.*e", prec, (double)ax);
		if (strtof(e, NULL) == ax)
			break;
	}
	for (p = e; *p && *p != 'e'; p++)
		if (*p >= '0' && *p <= '9' && nd < (int)sizeof(digits) - 1)
			digits[nd++] = *p;
	digits[nd] = '\0';
	while (nd > 1 && digits[nd - 1] == '0')
		digits[--nd] = '\0';
	if (*p == 'e')
		exp10 = atoi(p + 1);
	if (x < 0)
		fputc('-', f);
	if (ax < 1e-6f || ax >= 1e21f) {        /* Go's 'e' form: 1e-07 -> 1e-7 */
		fputc(digits[0], f);
		if (nd > 1)
			fprintf(f, ".%s", digits + 1);
		fprintf(f, "e%c%d", exp10 < 0 ? '-' : '+', abs(exp10));
		return;
	}
	if (exp10 >= 0) {
		for (i = 0; i <= exp10; i++)
			fputc(i < nd ? digits[i] : '0', f);
		if (nd > exp10 + 1)
			fprintf(f, ".%s", digits + exp10 + 1);
		return;
	}
	fputs("0.", f);
	for (i = 0; i < -exp10 - 1; i++)
		fputc('0', f);
	fputs(digits, f);
}

static void write_attrs(FILE *f, const struct ga_toxic *t)
{
	const struct ga_toxic_attr *a;
	int i;

	fputc('{', f);
	for (i = 0; i < GA_TOXIC_MAX_ATTRS && t->type->attrs[i].name; i++) {
		a = &t->type->attrs[i];
		if (i)
			fputc(',', f);
		ga_go_write_string(f, a->name, strlen(a->name));
		fputc(':', f);
		if (a->kind == GA_GO_STRING)
			ga_go_write_string(f, t->str[i] ? t->str[i] : "",
					     t->str[i] ? strlen(t->str[i]) : 0);
		else if (a->kind == GA_GO_BOOL)
			fputs(t->num[i] ? "true" : "false", f);
		else
			fprintf(f, "%lld", t->num[i]);
	}
	fputc('}', f);
}

void ga_toxic_write(FILE *f, const struct ga_toxic *t)
{
	fputs("{\"attributes\":", f);
	write_attrs(f, t);
	fputs(",\"name\":", f);
	ga_go_write_string(f, t->name, strlen(t->name));
	fputs(",\"type\":", f);
	ga_go_write_string(f, t->type->name, strlen(t->type->name));
	fputs(",\"stream\":", f);
	ga_go_write_string(f, t->stream, strlen(t->stream));
	fputs(",\"toxicity\":", f);
	go_write_float32(f, t->toxicity);
	fputc('}', f);
}

static const char *const family_words[] = {
	[GA_TOXIC_STANDARD] = "toxiproxy", [GA_TOXIC_MYSQL] = "mysql",
	[GA_TOXIC_FAULT] = "fault",
};
static const char *const go_kind_words[] = {
	[GA_GO_STRING] = "string", [GA_GO_BOOL] = "bool",
	[GA_GO_INT64] = "int64", [GA_GO_INT] = "int",
	[GA_GO_FLOAT32] = "float32",
};

void ga_toxic_types_write(FILE *f)
{
	const struct ga_toxic_type *const *t;
	const struct ga_toxic_attr *a;
	int i;

	fputc('[', f);
	for (t = toxic_types(); *t; t++) {
		if (t != toxic_types())
			fputc(',', f);
		fputs("{\"type\":", f);
		ga_go_write_string(f, (*t)->name, strlen((*t)->name));
		fprintf(f, ",\"family\":\"%s\",\"description\":",
			family_words[(*t)->family]);
		ga_go_write_string(f, (*t)->what, strlen((*t)->what));
		fputs(",\"attributes\":[", f);
		for (i = 0; i < GA_TOXIC_MAX_ATTRS && (*t)->attrs[i].name;
		     i++) {
			a = &(*t)->attrs[i];
			fprintf(f, "%s{\"name\":\"%s\",\"type\":\"%s\","
				"\"default\":", i ? "," : "", a->name,
				go_kind_words[a->kind]);
			if (a->kind == GA_GO_STRING)
				ga_go_write_string(f, a->def ? a->def : "",
						     a->def ? strlen(a->def) : 0);
			else
				fputs(a->def ? a->def : a->kind == GA_GO_BOOL ?
				      "false" : "0", f);
			fputs(",\"description\":", f);
			ga_go_write_string(f, a->what, strlen(a->what));
			fputc('}', f);
		}
		fputs("]}", f);
	}
	fputc(']', f);
}
