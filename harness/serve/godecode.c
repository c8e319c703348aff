/* godecode.c - see godecode.h: encoding/json's answers, over util/json. */
#include "serve/godecode.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* The end of the JSON value that starts at s[i] (blanks skipped
 * before), or 0 when the text ends inside it.  Only brackets and
 * strings are followed: what is between them is util/json's to judge. */
static size_t value_end(const char *s, size_t len, size_t i)
{
	int depth = 0;
	bool in_string = false;

	for (; i < len; i++) {
		char c = s[i];

		if (in_string) {
			if (c == '\\')
				i++;
			else if (c == '"')
				in_string = false;
			if (!in_string && depth == 0)
				return i + 1;
			continue;
		}
		if (c == '"') {
			in_string = true;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (--depth <= 0)
				return i + 1;
		} else if (depth == 0 && (c == ' ' || c == '\t' || c == '\n' ||
					  c == '\r' || c == ',' || c == ':')) {
			return i;
		}
	}
	return depth == 0 && !in_string ? len : 0;
}

int ga_go_parse_body(const char *body, size_t len, struct ga_json **out,
		     char *msg, size_t msglen)
{
	struct ga_error err;
	size_t i = 0, end;

	*out = NULL;
	while (i < len && (body[i] == ' ' || body[i] == '\t' ||
			   body[i] == '\n' || body[i] == '\r'))
		i++;
	if (i == len) {
		snprintf(msg, msglen, "EOF");
		return -1;
	}
	end = value_end(body, len, i);
	if (end == 0) {
		snprintf(msg, msglen, "unexpected EOF");
		return -1;
	}
	*out = ga_json_parse(body + i, end - i, &err);
	if (!*out) {
		snprintf(msg, msglen, "%s", err.msg);
		return -1;
	}
	return 0;
}

/* The shortest text of x that reads back as x. */
static void number_text(double x, char *buf, size_t len)
{
	int prec;

	for (prec = 1; prec <= 17; prec++) {
		snprintf(buf, len, "%.*g", prec, x);
		if (strtod(buf, NULL) == x)
			return;
	}
}

void ga_go_type_name(const struct ga_json *j, bool with_value, char *buf,
		     size_t len)
{
	char num[40];

	switch (j->type) {
	case GA_JSON_STRING: snprintf(buf, len, "string"); break;
	case GA_JSON_BOOL: snprintf(buf, len, "bool"); break;
	case GA_JSON_ARRAY: snprintf(buf, len, "array"); break;
	case GA_JSON_OBJECT: snprintf(buf, len, "object"); break;
	case GA_JSON_NULL: snprintf(buf, len, "null"); break;
	case GA_JSON_NUMBER:
		if (!with_value) {
			snprintf(buf, len, "number");
			break;
		}
		number_text(j->num, num, sizeof(num));
		snprintf(buf, len, "number %s", num);
		break;
	}
}

const struct ga_json *ga_go_member(const struct ga_json *obj,
				   const char *name)
{
	const struct ga_json *folded = NULL;
	size_t i;

	if (!obj || obj->type != GA_JSON_OBJECT)
		return NULL;
	for (i = 0; i < obj->nitems; i++) {
		if (strcmp(obj->items[i].key, name) == 0)
			return &obj->items[i];
		if (!folded && strcasecmp(obj->items[i].key, name) == 0)
			folded = &obj->items[i];
	}
	return folded;
}

static const char *const go_names[] = {
	[GA_GO_STRING] = "string", [GA_GO_BOOL] = "bool",
	[GA_GO_INT64] = "int64", [GA_GO_INT] = "int",
	[GA_GO_FLOAT32] = "float32", [GA_GO_STRUCT] = "struct",
};

/* Sets f from j (not null).  Returns 0, 1 when j's type is not f's, 2
 * when j is a number f cannot hold. */
static int assign(const struct ga_go_field *f, const struct ga_json *j)
{
	char *s;

	switch (f->kind) {
	case GA_GO_STRING:
		if (j->type != GA_JSON_STRING)
			return 1;
		s = strdup(j->str);
		if (!s)
			return 1;
		free(*(char **)f->dst);
		*(char **)f->dst = s;
		return 0;
	case GA_GO_BOOL:
		if (j->type != GA_JSON_BOOL)
			return 1;
		*(bool *)f->dst = j->b;
		return 0;
	case GA_GO_INT64:
	case GA_GO_INT:
		if (j->type != GA_JSON_NUMBER)
			return 1;
		/* exactly an integer that a double holds exactly */
		if (j->num != floor(j->num) || fabs(j->num) > 9007199254740992.0)
			return 2;
		*(long long *)f->dst = (long long)j->num;
		return 0;
	case GA_GO_FLOAT32:
		if (j->type != GA_JSON_NUMBER)
			return 1;
		if (fabs(j->num) > FLT_MAX)
			return 2;
		*(float *)f->dst = (float)j->num;
		return 0;
	case GA_GO_STRUCT:
		if (j->type != GA_JSON_OBJECT)
			return 1;
		*(const struct ga_json **)f->dst = j;
		return 0;
	}
	return 1;
}

/* The field the member called key sets: the one of its name, else one
 * whose name is the same without regard to case; NULL: none. */
static const struct ga_go_field *field_of(const char *key,
					  const struct ga_go_field *fields,
					  size_t n)
{
	const struct ga_go_field *folded = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		if (strcmp(fields[i].name, key) == 0)
			return &fields[i];
		if (!folded && strcasecmp(fields[i].name, key) == 0)
			folded = &fields[i];
	}
	return folded;
}

int ga_go_decode(const struct ga_json *obj, const char *where,
		 const char *prefix, const struct ga_go_field *fields,
		 size_t n, char *msg, size_t msglen)
{
	const struct ga_go_field *f;
	const struct ga_json *j;
	char type[64];
	size_t i;
	int rc;

	/* in the document's order, as Go reads it: the first wrong member
	 * is the one named */
	for (i = 0; obj && obj->type == GA_JSON_OBJECT && i < obj->nitems;
	     i++) {
		j = &obj->items[i];
		f = field_of(j->key, fields, n);
		if (!f || j->type == GA_JSON_NULL)
			continue;
		rc = assign(f, j);
		if (rc == 0)
			continue;
		ga_go_type_name(j, rc == 2, type, sizeof(type));
		snprintf(msg, msglen, "json: cannot unmarshal %s into Go struct "
			 "field %s.%s%s of type %s", type, where, prefix,
			 f->name, f->go_type ? f->go_type : go_names[f->kind]);
		return -1;
	}
	return 0;
}
