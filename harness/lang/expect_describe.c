/* expect_describe.c - see expect_describe.h: an expect line, its
 * selector and an outcome in words, for messages, step lines and
 * results. */
#include "lang/expect_describe.h"

#include <stdio.h>
#include <string.h>

#include "lang/errnames.h"
#include "lang/expect_text.h"
#include "util/strbuf.h"

#define VALUE_SHOWN 40          /* longer values are cut in messages */

static void sb_code(struct ga_strbuf *sb, unsigned code, enum ga_flavour flavour)
{
	const char *name = ga_errname_name_for(code, flavour);

	if (name)
		ga_strbuf_add(sb, "%u (%s)", code, name);
	else
		ga_strbuf_add(sb, "%u", code);
}

void ga_selector_describe(const struct ga_selector *sel, char *buf, size_t len)
{
	size_t n;

	ga_selector_text(sel, buf, len);
	if (!sel->server[0] || !len)
		return;
	/* "[mysql, server=mysql-9.7]": the expectation file's column too */
	n = strlen(buf);
	if (n)
		snprintf(buf + n - 1, len - (n - 1), ", server=%s]", sel->server);
	else
		snprintf(buf, len, "[server=%s]", sel->server);
}

void ga_expect_where(const struct ga_expect *exp, char *buf, size_t len)
{
	char sel[400];

	ga_selector_describe(&exp->selector, sel, sizeof(sel));
	if (exp->origin)
		snprintf(buf, len, " (%s:%d, %s)", exp->origin, exp->line,
			 sel[0] ? sel : "no selector");
	else
		snprintf(buf, len, " (expect line %d, %s)", exp->line,
			 sel[0] ? sel : "no selector");
}

void ga_expect_describe(const struct ga_expect *exp, char *buf, size_t len)
{
	struct ga_strbuf sb;
	const char *sep = "";
	size_t i;

	ga_strbuf_init(&sb, buf, len);
	if (exp->set.any) {
		ga_strbuf_add(&sb, "any outcome (a draft's placeholder)");
		if (exp->after_ms >= 0)
			ga_strbuf_add(&sb, ", a hang after %ld ms", exp->after_ms);
		return;
	}
	if (exp->set.ok) {
		ga_strbuf_add(&sb, "success");
		if (exp->value.cmp != GA_CMP_NONE)
			ga_strbuf_add(&sb, " with a value %s %s", ga_cmp_text(exp->value.cmp),
			       exp->value.is_null ? "NULL" : exp->value.text);
		if (exp->thread == GA_THREAD_NEW)
			ga_strbuf_add(&sb, " on a new server thread");
		else if (exp->thread == GA_THREAD_SAME)
			ga_strbuf_add(&sb, " on the same server thread");
		sep = " or ";
	}
	for (i = 0; i < exp->set.ncodes; i++) {
		ga_strbuf_add(&sb, "%s", sep);
		sb_code(&sb, exp->set.codes[i], exp->selector.flavour);
		sep = " or ";
	}
	for (i = 0; i < exp->set.nclasses; i++) {
		ga_strbuf_add(&sb, "%s%s", sep, exp->set.classes[i]);
		sep = " or ";
	}
	if (exp->set.any_error) {
		ga_strbuf_add(&sb, "%sany error", sep);
		sep = " or ";
	}
	if (exp->set.wrong) {
		ga_strbuf_add(&sb, "%sa wrong result", sep);
		sep = " or ";
	}
	if (exp->message)
		ga_strbuf_add(&sb, " matching \"%s\"", exp->message);
	if (exp->rows_cmp != GA_CMP_NONE)
		ga_strbuf_add(&sb, " with rows %s %ld read before it",
			      ga_cmp_text(exp->rows_cmp), exp->rows);
	if (exp->pool_sets) {
		char ev[512];

		ga_strbuf_add(&sb, ", pool %s",
			      ga_pool_sets_text(exp->pool_sets, ev,
						sizeof(ev)));
	}
	if (exp->set.hang && exp->after_ms >= 0)
		ga_strbuf_add(&sb, "%sa hang (no answer after %ld ms)", sep,
		       exp->after_ms);
	else if (exp->set.hang)
		ga_strbuf_add(&sb, "%sa hang", sep);
	else if (exp->after_ms >= 0)
		ga_strbuf_add(&sb, " after %ld ms", exp->after_ms);
	if (exp->within_ms >= 0)
		ga_strbuf_add(&sb, " within %ld ms", exp->within_ms);
}

/* An outcome's code with its name: the client headers' for the
 * server's flavour, else the one the driver gave (error_name).  When both
 * have one and they differ, the headers' stays: it is the same table for
 * every client, and a wrong name of one connector does not move it. */
static void sb_outcome_code(struct ga_strbuf *sb, const struct ga_outcome *out)
{
	const char *name = ga_errname_name_for(out->err, out->flavour);
	int n = (int)strnlen(out->error_name, sizeof(out->error_name));

	if (name)
		ga_strbuf_add(sb, "%u (%s)", out->err, name);
	else if (n && out->err)
		ga_strbuf_add(sb, "%u (%.*s)", out->err, n, out->error_name);
	else
		ga_strbuf_add(sb, "%u", out->err);
}

void ga_outcome_describe(const struct ga_outcome *out, char *buf, size_t len)
{
	struct ga_strbuf sb;

	ga_strbuf_init(&sb, buf, len);
	switch (out->result) {
	case GA_RESULT_OK:
		ga_strbuf_add(&sb, "succeeded");
		if (out->has_value && out->value_null)
			ga_strbuf_add(&sb, " with NULL");
		else if (out->has_value && strlen(out->value) > VALUE_SHOWN)
			ga_strbuf_add(&sb, " with '%.*s...' (%zu%s bytes)",
			       VALUE_SHOWN, out->value, strlen(out->value),
			       strlen(out->value) == sizeof(out->value) - 1 ?
			       " or more" : "");
		else if (out->has_value)
			ga_strbuf_add(&sb, " with '%s'", out->value);
		ga_strbuf_add(&sb, " after %.0f ms", out->elapsed_ms);
		/* the harness's own steps' words on a success (an errorlog
		 * line's session that did not leave); a driver's are its */
		if (out->message[0] && out->api &&
		    strcmp(out->api, "errorlog") == 0)
			ga_strbuf_add(&sb, " (%s)", out->message);
		break;
	case GA_RESULT_ERROR:
		ga_strbuf_add(&sb, "returned ");
		if (out->err || !out->error_class[0])
			sb_outcome_code(&sb, out);
		if (out->error_class[0])
			ga_strbuf_add(&sb, "%s%s", out->err ? " " : "",
			       out->error_class);
		if (out->message[0])
			ga_strbuf_add(&sb, " \"%s\"", out->message);
		ga_strbuf_add(&sb, " after %.0f ms", out->elapsed_ms);
		if (out->has_rows)
			ga_strbuf_add(&sb, ", %ld row%s read", out->rows,
			       out->rows == 1 ? "" : "s");
		break;
	case GA_RESULT_HANG:
		ga_strbuf_add(&sb, "hung: no answer after %.0f ms", out->elapsed_ms);
		/* what the driver answered once the hang was cut */
		if (out->message[0])
			ga_strbuf_add(&sb, " (%s)", out->message);
		break;
	case GA_RESULT_WRONG:
		ga_strbuf_add(&sb, "returned a wrong result");
		if (out->message[0])
			ga_strbuf_add(&sb, " (%s)", out->message);
		ga_strbuf_add(&sb, " after %.0f ms", out->elapsed_ms);
		break;
	}
	/* what the pool did meanwhile */
	if (out->has_pool_events && out->result != GA_RESULT_HANG) {
		char ev[128];

		ga_strbuf_add(&sb, "; pool %s",
			      ga_pool_events_text(out->pool_events, ev,
						  sizeof(ev)));
		if (out->pool_detail[0])
			ga_strbuf_add(&sb, ": %s", out->pool_detail);
	}
}
