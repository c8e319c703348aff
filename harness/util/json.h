/* json.h - the JSON goneaway reads (a driver's replies, docs/
 * driver-protocol.md; results.jsonl; serve's API), read by jansson into
 * a tree of goneaway's own, and strings written with their escapes.
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

/* The most values (array items and object members, at any depth) one
 * document may hold: a driver's reply has a dozen, and a line of
 * hundreds of thousands is refused at once rather than built. */
#define GA_JSON_MAX_VALUES 10000

/* Parses text[0..len) as one JSON value (blanks around it allowed).
 * Returns a new tree, or NULL with err set ("... at line L, column C",
 * both from 1, a column counting characters).  The text comes from
 * other programs and is held to RFC 8259, strictly, by jansson
 * (json_loadb) behind goneaway's own bounds:
 *
 *   - a NUL byte anywhere is refused ("NUL byte at ..."), and so is
 *     \u0000 in a string ("\u0000 in a string at ...");
 *   - numbers follow JSON's grammar exactly (no "+1", "01", ".5", "1.",
 *     "Infinity": "invalid token near '01' at ...") and must be finite
 *     ("1e999": "real number overflow"); every number is a double;
 *   - the text is valid UTF-8 ("unable to decode byte 0xff at ...") and
 *     a \u escape of a lone surrogate, high or low, is refused
 *     ("invalid Unicode '\uD800'");
 *   - an object with two members of one name is refused ("duplicate
 *     object key near '"x"' at ..."): one name, one meaning, whichever
 *     member a reader would have taken;
 *   - nesting deeper than 32, or more than GA_JSON_MAX_VALUES values,
 *     is refused before jansson builds anything ("nested too deep at
 *     ...", "more than 10000 values at ...").
 *
 * What jansson quotes of the text in its words is shown escaped (an ESC
 * as \x1B).  Memory is what the tree holds, once jansson's own copy is
 * freed: each string takes the size of its text. */
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
 * Latin-1 for them), controls as \uXXXX.  Hand-written, not jansson's:
 * jansson takes no string that is not UTF-8 (json_stringn() returns
 * NULL), and a server's message or a row's bytes often are not. */
void ga_json_write_string(FILE *f, const char *s, size_t len);

#endif
