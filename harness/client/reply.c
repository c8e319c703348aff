/* reply.c - a driver's reply read by its table, GA_REPLY_MAP
 * (client/reply.h): each member taken by its kind, in the table's order,
 * the first refusal winning (the docs' tables: client/reply_doc.c). */
#include "client/reply.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "util/json.h"

static const struct ga_reply_field fields[GA_REPLY_COUNT] = {
/* where is GA_REPLY_AT(member) or GA_REPLY_NOWHERE: at and size */
#define GA_REPLY_ROW(name, key, type, take, where, max, ok, taken,        \
		     feature, refuse, doc, meaning)                        \
	{ key, type, take, where, max, ok, taken, feature, refuse, doc,     \
	  meaning },
	GA_REPLY_MAP(GA_REPLY_ROW)
#undef GA_REPLY_ROW
};

/* Every row says what it takes ("What goneaway accepts"). */
#define GA_REPLY_TAKEN(name, key, type, take, where, max, ok, taken, ...) \
	_Static_assert(sizeof(taken) > 1, "GA_REPLY_MAP's row " key         \
		       " says what it takes");
GA_REPLY_MAP(GA_REPLY_TAKEN)
#undef GA_REPLY_TAKEN

/* sqlstate's row says "five" in words. */
_Static_assert(GA_PROTOCOL_SQLSTATE_LEN == 5, "sqlstate's words in "
	       "GA_REPLY_MAP say five letters or digits");

const struct ga_reply_field *ga_reply_fields(void)
{
	return fields;
}

static void *field_of(struct ga_outcome *out, const struct ga_reply_field *r)
{
	return (char *)out + r->at;
}

/* A note for the driver's log, after those before it ("; "). */
static void note(struct ga_reply_why *why, const char *text)
{
	size_t used = strlen(why->note);

	snprintf(why->note + used, sizeof(why->note) - used, "%s%s",
		 used ? "; " : "", text);
}

static enum ga_reply_state refuse(struct ga_reply_why *why, const char *what)
{
	why->what = what;
	return GA_REPLY_REFUSED;
}

static enum ga_reply_state take_result(const struct ga_json *j,
				       struct ga_outcome *out,
				       struct ga_reply_why *why)
{
	static const struct {
		const char *word;
		enum ga_result result;
	} words[] = { { "ok", GA_RESULT_OK }, { "error", GA_RESULT_ERROR },
		      { "wrong-result", GA_RESULT_WRONG } };
	const char *result = ga_json_str(j, "result", "");
	size_t i;

	if (strcmp(result, "unsupported") == 0) {
		why->reason = ga_json_str(j, "message", "unsupported");
		return GA_REPLY_UNSUPPORTED;
	}
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strcmp(result, words[i].word) == 0) {
			out->result = words[i].result;
			return GA_REPLY_TAKEN;
		}
	snprintf(why->detail, sizeof(why->detail), "'%s'", result);
	return refuse(why, fields[GA_REPLY_RESULT].refuse);
}

static bool whole(const struct ga_json *v, double max)
{
	return v->type == GA_JSON_NUMBER && v->num >= 0 && v->num <= max &&
	       v->num == (double)(unsigned long)v->num;
}

static enum ga_reply_state take_whole(const struct ga_reply_field *r,
				      const struct ga_json *v, void *at,
				      struct ga_reply_why *why)
{
	if (!v || v->type == GA_JSON_NULL)
		return GA_REPLY_TAKEN;
	if (whole(v, r->max)) {
		if (r->size == sizeof(unsigned))
			*(unsigned *)at = (unsigned)v->num;
		else
			*(unsigned long *)at = (unsigned long)v->num;
		return GA_REPLY_TAKEN;
	}
	if (v->type == GA_JSON_NUMBER)
		snprintf(why->detail, sizeof(why->detail), "%s %.17g", r->key,
			 v->num);
	else
		snprintf(why->detail, sizeof(why->detail), "a non-numeric %s",
			 r->key);
	return refuse(why, r->refuse);
}

static bool identifier(const char *s, size_t n)
{
	size_t i;

	if (n == 0 || isdigit((unsigned char)s[0]))
		return false;
	for (i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

void ga_reply_failure(const struct ga_reply_field *r, char *buf, size_t len)
{
	switch (r->take) {
	case GA_TAKE_WORD:
	case GA_TAKE_CALL:
		snprintf(buf, len, "%s is not %s", r->key, r->refuse);
		break;
	case GA_TAKE_NAME:
		snprintf(buf, len, "%s is not a name of at most %zu letters, "
			 "digits and '_': ignored", r->key, r->size - 1);
		break;
	case GA_TAKE_ROWS:
		snprintf(buf, len, "%s is not %s: ignored", r->key, r->refuse);
		break;
	default:
		snprintf(buf, len, "%s", r->refuse ? r->refuse : "");
	}
}

static void take_name(const struct ga_reply_field *r, const struct ga_json *v,
		      char *at, struct ga_reply_why *why)
{
	char text[160];

	if (v && v->type == GA_JSON_STRING && v->len < r->size &&
	    identifier(v->str, v->len)) {
		memcpy(at, v->str, v->len + 1);
	} else if (v && v->type != GA_JSON_NULL) {
		ga_reply_failure(r, text, sizeof(text));
		note(why, text);
	}
}

static void take_rows(const struct ga_reply_field *r, const struct ga_json *v,
		      enum ga_step_kind kind, struct ga_outcome *out,
		      struct ga_reply_why *why)
{
	char text[160];

	if (!v || v->type == GA_JSON_NULL || out->result != GA_RESULT_ERROR ||
	    (kind != GA_STEP_FETCH && kind != GA_STEP_STREAM))
		return;
	if (whole(v, r->max)) {
		out->has_rows = true;
		out->rows = (long)v->num;
		return;
	}
	ga_reply_failure(r, text, sizeof(text));
	note(why, text);
}

/* A reply's value into out (strings as they are, numbers printed). */
static void take_value(const struct ga_json *v, struct ga_outcome *out)
{
	if (!v || out->result != GA_RESULT_OK)
		return;
	out->has_value = true;
	switch (v->type) {
	case GA_JSON_NULL:
		out->value_null = true;
		break;
	case GA_JSON_STRING:
		snprintf(out->value, sizeof(out->value), "%s", v->str);
		break;
	case GA_JSON_NUMBER:
		snprintf(out->value, sizeof(out->value), "%.17g", v->num);
		break;
	case GA_JSON_BOOL:
		snprintf(out->value, sizeof(out->value), "%d", v->b ? 1 : 0);
		break;
	default:
		out->has_value = false;
	}
}

/* A word goneaway may write back into a file: ok(...), else refused;
 * a member of another type is absent. */
static enum ga_reply_state take_word(const struct ga_reply_field *r,
				     const struct ga_json *v, void *at,
				     struct ga_reply_why *why)
{
	bool str = v && v->type == GA_JSON_STRING;

	if (str && !r->ok(v->str, v->len)) {
		ga_reply_failure(r, why->detail, sizeof(why->detail));
		return refuse(why, GA_REPLY_REFUSED_WORD);
	}
	if (r->take == GA_TAKE_CALL)
		*(const char **)at = str ? v->str : "driver";
	else
		snprintf(at, r->size, "%s", str ? v->str : "");
	return GA_REPLY_TAKEN;
}

static enum ga_reply_state take(const struct ga_reply_field *r,
				const struct ga_json *j, enum ga_step_kind kind,
				unsigned features, struct ga_outcome *out,
				struct ga_reply_why *why)
{
	const struct ga_json *v = ga_json_get(j, r->key);
	void *at = field_of(out, r);

	if (r->feature && !(features & r->feature))
		return GA_REPLY_TAKEN;
	switch (r->take) {
	case GA_TAKE_CALLER:
		break;
	case GA_TAKE_RESULT:
		return take_result(j, out, why);
	case GA_TAKE_WHOLE:
		return take_whole(r, v, at, why);
	case GA_TAKE_WORD:
	case GA_TAKE_CALL:
		return take_word(r, v, at, why);
	case GA_TAKE_TEXT:
		snprintf(at, r->size, "%s", v && v->type == GA_JSON_STRING ?
			 v->str : "");
		break;
	case GA_TAKE_NAME:
		take_name(r, v, at, why);
		break;
	case GA_TAKE_ROWS:
		take_rows(r, v, kind, out, why);
		break;
	case GA_TAKE_VALUE:
		take_value(v, out);
		break;
	case GA_TAKE_POOL:
		if (ga_protocol_take_pool_events(j, out, why->detail,
						 sizeof(why->detail)))
			return refuse(why, GA_REPLY_REFUSED_WORD);
		break;
	}
	return GA_REPLY_TAKEN;
}

enum ga_reply_state ga_reply_read(const struct ga_json *j,
				  enum ga_step_kind kind, unsigned features,
				  struct ga_outcome *out,
				  struct ga_reply_why *why)
{
	enum ga_reply_state st;
	size_t i;

	memset(out, 0, sizeof(*out));
	why->what = NULL;
	why->reason = NULL;
	why->detail[0] = '\0';
	why->note[0] = '\0';
	for (i = 0; i < GA_REPLY_COUNT; i++) {
		st = take(&fields[i], j, kind, features, out, why);
		if (st != GA_REPLY_TAKEN)
			return st;
	}
	return GA_REPLY_TAKEN;
}
