/* json.h - the little JSON the driver protocol needs (docs/
 * driver-protocol.md): one object per line, parsed into a tree, and
 * strings written with their escapes.
 *
 * Ownership: ga_json_parse() returns a tree that owns every node and
 * string below it; free it with ga_json_free().  Lookups return borrowed
 * pointers into the tree.
 */
#ifndef GA_JSON_H
#define GA_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/error.h"

enum ga_json_type {
	GA_JSON_NULL,
	GA_JSON_BOOL,
	GA_JSON_NUMBER,
	GA_JSON_STRING,
	GA_JSON_ARRAY,
	GA_JSON_OBJECT,
};

struct ga_json {
	enum ga_json_type type;
	bool b;                         /* GA_JSON_BOOL */
	double num;                     /* GA_JSON_NUMBER */
	char *str;                      /* GA_JSON_STRING: owned, NUL-free
					 * UTF-8 (a \u0000 is refused) */
	size_t len;                     /* its length */
	char *key;                      /* owned: the member name, when the
					 * node is an object's member */
	struct ga_json *items;          /* owned: array items, object members */
	size_t nitems;
};

/* Parses text[0..len) as one JSON value (blanks around it allowed).
 * Returns a new tree, or NULL with err set ("... at byte N"). */
struct ga_json *ga_json_parse(const char *text, size_t len,
			      struct ga_error *err);
void ga_json_free(struct ga_json *j);

/* The member called key of object j, or NULL (also when j is not an
 * object).  Borrowed. */
const struct ga_json *ga_json_get(const struct ga_json *j, const char *key);

/* Typed lookups with a default for a missing or mistyped member. */
const char *ga_json_str(const struct ga_json *j, const char *key,
			const char *def);
double ga_json_num(const struct ga_json *j, const char *key, double def);
bool ga_json_bool(const struct ga_json *j, const char *key, bool def);

/* Writes s[0..len) as a JSON string (quotes included) to f.  Bytes that
 * are not valid UTF-8 are written as \u00XX of the byte (the drivers see
 * Latin-1 for them), controls as \uXXXX. */
void ga_json_write_string(FILE *f, const char *s, size_t len);

#endif
