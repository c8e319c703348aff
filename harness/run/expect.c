/* expect.c - see expect.h */
#include "run/expect.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/errnames.h"

#define VALUE_SHOWN 40          /* longer values are cut in messages */

/* A small append-only string builder over a caller's buffer. */
struct sbuf {
	char *buf;
	size_t len;
	size_t used;
};

static void sb_add(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void sb_add(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (sb->used >= sb->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->used, sb->len - sb->used, fmt, ap);
	va_end(ap);
	if (n > 0)
		sb->used += (size_t)n;
	if (sb->used >= sb->len)
		sb->used = sb->len - 1;
}

static void sb_init(struct sbuf *sb, char *buf, size_t len)
{
	sb->buf = buf;
	sb->len = len;
	sb->used = 0;
	if (len)
		buf[0] = '\0';
}

static void sb_code(struct sbuf *sb, unsigned code, enum ga_flavour flavour)
{
	const char *name = ga_errname_name_for(code, flavour);

	if (name)
		sb_add(sb, "%u (%s)", code, name);
	else
		sb_add(sb, "%u", code);
}

static const char *cmp_text(enum ga_cmp cmp)
{
	switch (cmp) {
	case GA_CMP_NONE: return "";
	case GA_CMP_EQ: return "=";
	case GA_CMP_NE: return "!=";
	case GA_CMP_LT: return "<";
	case GA_CMP_LE: return "<=";
	case GA_CMP_GT: return ">";
	case GA_CMP_GE: return ">=";
	}
	return "?";
}

static bool cmp_holds(enum ga_cmp cmp, double diff)
{
	switch (cmp) {
	case GA_CMP_NONE: return true;
	case GA_CMP_EQ: return diff == 0;
	case GA_CMP_NE: return diff != 0;
	case GA_CMP_LT: return diff < 0;
	case GA_CMP_LE: return diff <= 0;
	case GA_CMP_GT: return diff > 0;
	case GA_CMP_GE: return diff >= 0;
	}
	return false;
}

static bool same_name(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* "client=NAME [OP VERSION]": NAME is the name the driver gives itself
 * or the one --client was given; a version compares only with a known
 * one. */
static bool client_matches(const struct ga_selector *sel,
			   const struct ga_server_id *server)
{
	double diff;

	if (!sel->client[0])
		return true;
	if (!same_name(sel->client, server->client) &&
	    !same_name(sel->client, server->client_alias))
		return false;
	if (sel->client_cmp == GA_CMP_NONE)
		return true;
	if (server->client_version == 0)
		return false;
	diff = (double)server->client_version - (double)sel->client_version;
	return cmp_holds(sel->client_cmp, diff);
}

bool ga_selector_matches(const struct ga_selector *sel,
			 const struct ga_server_id *server)
{
	double diff;

	if (!client_matches(sel, server))
		return false;
	if (sel->flavour != GA_FLAVOUR_ANY && sel->flavour != server->flavour)
		return false;
	diff = (double)server->version - (double)sel->version;
	return cmp_holds(sel->version_cmp, diff);
}

/* " >= 8.0.24", " < 1.1": a version as the user writes it, the patch
 * left out when it is 0; nothing without a comparison. */
static void sb_version_cond(struct sbuf *sb, enum ga_cmp cmp, unsigned long v)
{
	if (cmp == GA_CMP_NONE)
		return;
	sb_add(sb, " %s %lu.%lu", cmp_text(cmp), v / 10000, v / 100 % 100);
	if (v % 100)
		sb_add(sb, ".%lu", v % 100);
}

void ga_selector_describe(const struct ga_selector *sel, char *buf, size_t len)
{
	struct sbuf sb;
	const char *sep = "[";

	sb_init(&sb, buf, len);
	if (sel->flavour != GA_FLAVOUR_ANY) {
		sb_add(&sb, "%s%s", sep, ga_flavour_name(sel->flavour));
		sb_version_cond(&sb, sel->version_cmp, sel->version);
		sep = ", ";
	}
	if (sel->client[0]) {
		sb_add(&sb, "%sclient=%s", sep, sel->client);
		sb_version_cond(&sb, sel->client_cmp, sel->client_version);
		sep = ", ";
	}
	if (sep[0] == ',')
		sb_add(&sb, "]");
}

void ga_expect_where(const struct ga_expect *exp, char *buf, size_t len)
{
	char sel[160];

	ga_selector_describe(&exp->selector, sel, sizeof(sel));
	snprintf(buf, len, " (expect line %d, %s)", exp->line,
		 sel[0] ? sel : "no selector");
}

static const struct ga_expect implicit_ok = {
	.set = { .ok = true }, .after_ms = -1, .within_ms = -1,
};

const struct ga_expect *ga_expect_implicit(void)
{
	return &implicit_ok;
}

const struct ga_expect *ga_expect_select(const struct ga_step *step,
					 const struct ga_server_id *server)
{
	const struct ga_expect *fallback = NULL;
	size_t i;

	if (step->nexpects == 0)
		return &implicit_ok;
	for (i = 0; i < step->nexpects; i++) {
		const struct ga_expect *e = &step->expects[i];

		if (e->selector.flavour == GA_FLAVOUR_ANY &&
		    e->selector.version_cmp == GA_CMP_NONE &&
		    !e->selector.client[0]) {
			fallback = e;
			continue;
		}
		if (ga_selector_matches(&e->selector, server))
			return e;
	}
	return fallback;
}

/* A plain decimal number: [+-]digits[.digits].  Not "0x10", "1e3", "". */
static bool parse_number(const char *s, double *v)
{
	const char *p = s;

	if (!s)
		return false;
	if (*p == '+' || *p == '-')
		p++;
	if (!(*p >= '0' && *p <= '9'))
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (*p != '\0')
		return false;
	*v = strtod(s, NULL);
	return true;
}

/* Checks the returned value; on mismatch writes the reason. */
static bool value_matches(const struct ga_value_check *vc,
			  const struct ga_outcome *out, struct sbuf *why)
{
	double want, got;
	bool holds;

	if (vc->cmp == GA_CMP_NONE)
		return true;
	if (!out->has_value) {
		sb_add(why, "returned no value, when expecting a value %s %s",
		       cmp_text(vc->cmp), vc->is_null ? "NULL" : vc->text);
		return false;
	}
	/* = and != compare text exactly, as the server sent it; the order
	 * comparisons compare numbers. */
	if (vc->is_null) {
		holds = vc->cmp == GA_CMP_EQ ? out->value_null : !out->value_null;
	} else if (out->value_null) {
		holds = vc->cmp == GA_CMP_NE;
	} else if (vc->cmp == GA_CMP_EQ || vc->cmp == GA_CMP_NE) {
		holds = cmp_holds(vc->cmp, strcmp(out->value, vc->text) ? 1 : 0);
	} else if (parse_number(vc->text, &want) &&
		   parse_number(out->value, &got)) {
		holds = cmp_holds(vc->cmp, got - want);
	} else {
		holds = false;
	}
	if (!holds)
		sb_add(why, "returned the value %s%s%s, when expecting a value %s %s",
		       out->value_null ? "" : "'",
		       out->value_null ? "NULL" : out->value,
		       out->value_null ? "" : "'",
		       cmp_text(vc->cmp), vc->is_null ? "NULL" : vc->text);
	return holds;
}

bool ga_outcome_in_set(const struct ga_outcome_set *set,
		       const struct ga_outcome *out)
{
	size_t i;

	switch (out->result) {
	case GA_RESULT_OK:
		return set->ok;
	case GA_RESULT_HANG:
		return set->hang;
	case GA_RESULT_WRONG:
		return set->wrong;
	case GA_RESULT_ERROR:
		if (set->any_error)
			return true;
		for (i = 0; i < set->ncodes; i++)
			if (set->codes[i] == out->err)
				return true;
		for (i = 0; i < set->nclasses; i++)
			if (out->error_class[0] &&
			    strcmp(set->classes[i], out->error_class) == 0)
				return true;
		return false;
	}
	return false;
}

bool ga_expect_match(const struct ga_expect *exp, const struct ga_outcome *out,
		     char *why, size_t whylen)
{
	char want[512], got[768];
	struct sbuf sb;
	char dummy[1];

	if (!why || !whylen) {
		why = dummy;
		whylen = sizeof(dummy);
	}
	sb_init(&sb, why, whylen);
	ga_expect_describe(exp, want, sizeof(want));
	ga_outcome_describe(out, got, sizeof(got));

	if (!ga_outcome_in_set(&exp->set, out)) {
		sb_add(&sb, "%s, when expecting %s", got, want);
		return false;
	}
	if (exp->message && out->result == GA_RESULT_ERROR &&
	    !strstr(out->message, exp->message)) {
		sb_add(&sb, "%s: the message does not contain \"%s\"", got,
		       exp->message);
		return false;
	}
	if (exp->rows_cmp != GA_CMP_NONE && out->result == GA_RESULT_ERROR &&
	    !out->has_rows) {
		sb_add(&sb, "%s: the client did not say how many rows it read "
		       "(expecting rows %s %ld)", got, cmp_text(exp->rows_cmp),
		       exp->rows);
		return false;
	}
	if (exp->rows_cmp != GA_CMP_NONE && out->result == GA_RESULT_ERROR &&
	    !cmp_holds(exp->rows_cmp, (double)out->rows - (double)exp->rows)) {
		sb_add(&sb, "%s: %ld rows read before the error, when expecting "
		       "rows %s %ld", got, out->rows, cmp_text(exp->rows_cmp),
		       exp->rows);
		return false;
	}
	/* A hang's elapsed time is the watchdog's: "after" is what made it
	 * a hang, so time bounds only apply to answers. */
	if (out->result != GA_RESULT_HANG) {
		/* with "hang" in the set, "after" is the hang's threshold,
		 * not a lower bound on answers */
		if (exp->after_ms >= 0 && !exp->set.hang &&
		    out->elapsed_ms < (double)exp->after_ms) {
			sb_add(&sb, "%s: sooner than expected (%s)", got, want);
			return false;
		}
		if (exp->within_ms >= 0 && out->elapsed_ms > (double)exp->within_ms) {
			sb_add(&sb, "%s: later than expected (%s)", got, want);
			return false;
		}
	}
	if (out->result != GA_RESULT_OK)
		return true;
	if (!value_matches(&exp->value, out, &sb))
		return false;
	/* A session is a thread id of one server start: a restarted server
	 * hands out the old ids again (issue 18). */
	if (exp->thread == GA_THREAD_NEW &&
	    ((out->thread_after == out->thread_before &&
	      out->start_after == out->start_before) ||
	     out->thread_after == 0)) {
		sb_add(&sb, "succeeded on the same server thread %lu, when "
		       "expecting a reconnect to a new one", out->thread_after);
		return false;
	}
	if (exp->thread == GA_THREAD_SAME &&
	    (out->thread_before == 0 || out->thread_after == 0)) {
		/* 0 is "unknown": two unknowns prove nothing */
		sb_add(&sb, "succeeded, but the server thread is unknown "
		       "(before %lu, after %lu): 'same-thread' needs both",
		       out->thread_before, out->thread_after);
		return false;
	}
	if (exp->thread == GA_THREAD_SAME &&
	    out->thread_after != out->thread_before) {
		sb_add(&sb, "succeeded on a new server thread %lu (was %lu), "
		       "when expecting the same one",
		       out->thread_after, out->thread_before);
		return false;
	}
	if (exp->thread == GA_THREAD_SAME &&
	    out->start_after != out->start_before) {
		sb_add(&sb, "succeeded on server thread %lu of a new server "
		       "start: a new session, when expecting the same one",
		       out->thread_after);
		return false;
	}
	return true;
}

void ga_expect_describe(const struct ga_expect *exp, char *buf, size_t len)
{
	struct sbuf sb;
	const char *sep = "";
	size_t i;

	sb_init(&sb, buf, len);
	if (exp->set.ok) {
		sb_add(&sb, "success");
		if (exp->value.cmp != GA_CMP_NONE)
			sb_add(&sb, " with a value %s %s", cmp_text(exp->value.cmp),
			       exp->value.is_null ? "NULL" : exp->value.text);
		if (exp->thread == GA_THREAD_NEW)
			sb_add(&sb, " on a new server thread");
		else if (exp->thread == GA_THREAD_SAME)
			sb_add(&sb, " on the same server thread");
		sep = " or ";
	}
	for (i = 0; i < exp->set.ncodes; i++) {
		sb_add(&sb, "%s", sep);
		sb_code(&sb, exp->set.codes[i], exp->selector.flavour);
		sep = " or ";
	}
	for (i = 0; i < exp->set.nclasses; i++) {
		sb_add(&sb, "%s%s", sep, exp->set.classes[i]);
		sep = " or ";
	}
	if (exp->set.any_error) {
		sb_add(&sb, "%sany error", sep);
		sep = " or ";
	}
	if (exp->set.wrong) {
		sb_add(&sb, "%sa wrong result", sep);
		sep = " or ";
	}
	if (exp->message)
		sb_add(&sb, " matching \"%s\"", exp->message);
	if (exp->rows_cmp != GA_CMP_NONE)
		sb_add(&sb, " with rows %s %ld read before it",
		       cmp_text(exp->rows_cmp), exp->rows);
	if (exp->set.hang && exp->after_ms >= 0)
		sb_add(&sb, "%sa hang (no answer after %ld ms)", sep,
		       exp->after_ms);
	else if (exp->set.hang)
		sb_add(&sb, "%sa hang", sep);
	else if (exp->after_ms >= 0)
		sb_add(&sb, " after %ld ms", exp->after_ms);
	if (exp->within_ms >= 0)
		sb_add(&sb, " within %ld ms", exp->within_ms);
}

/* An outcome's code with its name: the client headers' for the
 * server's flavour, else the one the driver gave (error_name).  When both
 * have one and they differ, the headers' stays: it is the same table for
 * every client, and a wrong name of one connector does not move it. */
static void sb_outcome_code(struct sbuf *sb, const struct ga_outcome *out)
{
	const char *name = ga_errname_name_for(out->err, out->flavour);
	int n = (int)strnlen(out->error_name, sizeof(out->error_name));

	if (name)
		sb_add(sb, "%u (%s)", out->err, name);
	else if (n && out->err)
		sb_add(sb, "%u (%.*s)", out->err, n, out->error_name);
	else
		sb_add(sb, "%u", out->err);
}

void ga_outcome_describe(const struct ga_outcome *out, char *buf, size_t len)
{
	struct sbuf sb;

	sb_init(&sb, buf, len);
	switch (out->result) {
	case GA_RESULT_OK:
		sb_add(&sb, "succeeded");
		if (out->has_value && out->value_null)
			sb_add(&sb, " with NULL");
		else if (out->has_value && strlen(out->value) > VALUE_SHOWN)
			sb_add(&sb, " with '%.*s...' (%zu%s bytes)",
			       VALUE_SHOWN, out->value, strlen(out->value),
			       strlen(out->value) == sizeof(out->value) - 1 ?
			       " or more" : "");
		else if (out->has_value)
			sb_add(&sb, " with '%s'", out->value);
		sb_add(&sb, " after %.0f ms", out->elapsed_ms);
		break;
	case GA_RESULT_ERROR:
		sb_add(&sb, "returned ");
		if (out->err || !out->error_class[0])
			sb_outcome_code(&sb, out);
		if (out->error_class[0])
			sb_add(&sb, "%s%s", out->err ? " " : "",
			       out->error_class);
		if (out->message[0])
			sb_add(&sb, " \"%s\"", out->message);
		sb_add(&sb, " after %.0f ms", out->elapsed_ms);
		if (out->has_rows)
			sb_add(&sb, ", %ld row%s read", out->rows,
			       out->rows == 1 ? "" : "s");
		break;
	case GA_RESULT_HANG:
		sb_add(&sb, "hung: no answer after %.0f ms", out->elapsed_ms);
		/* what the driver answered once the hang was cut */
		if (out->message[0])
			sb_add(&sb, " (%s)", out->message);
		break;
	case GA_RESULT_WRONG:
		sb_add(&sb, "returned a wrong result");
		if (out->message[0])
			sb_add(&sb, " (%s)", out->message);
		sb_add(&sb, " after %.0f ms", out->elapsed_ms);
		break;
	}
}
