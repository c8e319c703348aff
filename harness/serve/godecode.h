/* godecode.h - JSON as Toxiproxy's Go reads and writes it: a request
 * body read the way its encoding/json decodes into a struct, and
 * strings written as its encoder writes them, so that a client sees the same
 * answers from goneaway serve: the first JSON value of the body is
 * taken and what follows it ignored; members match a field's name
 * exactly or else without regard to case; unknown members are ignored;
 * null leaves a field as it was; and a value of the wrong type is
 * refused with Go's own words ("json: cannot unmarshal string into Go
 * struct field Proxy.name of type string").
 *
 * The JSON itself is read by util/json.h, which is stricter than Go in
 * one way a client may meet: an object with two members of one name is
 * refused (Go takes the last).  docs/toxiproxy.md says so.
 *
 * Ownership: ga_go_parse_body() returns a tree the caller frees with
 * ga_json_free(); a decoded string field is a new string the caller
 * owns (the old one freed).
 */
#ifndef GA_SERVE_GODECODE_H
#define GA_SERVE_GODECODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "util/json.h"

/* Go types a field may have. */
enum ga_go_kind {
	GA_GO_STRING,
	GA_GO_BOOL,
	GA_GO_INT64,            /* "int64" */
	GA_GO_INT,              /* "int" (64 bits, as on amd64) */
	GA_GO_FLOAT32,
	GA_GO_STRUCT,           /* an object: dst is const struct ga_json **
				 * (it gets the member), go_type names it */
};

struct ga_go_field {
	const char *name;       /* the JSON name */
	enum ga_go_kind kind;
	void *dst;              /* char **, bool *, long long *, float * */
	const char *go_type;    /* GA_GO_STRUCT: "toxics.NoopToxic" */
	bool *seen;             /* NULL, or set when a member (not null)
				 * set the field: Go's *T, nil or not */
	bool cli;               /* also takes what toxiproxy-cli sends
				 * (its --attribute K=V: a number when V
				 * reads as one, else a string): a bool
				 * as "true" or "false", a string as a
				 * number, whose text it gets */
};

/* The first JSON value of body[0..len) into *out.  Returns 0, or -1
 * with msg set as Go says it ("EOF" for an empty body, "unexpected EOF"
 * for one cut short, else util/json's reason). */
int ga_go_parse_body(const char *body, size_t len, struct ga_json **out,
		     char *msg, size_t msglen);

/* The Go name of j's JSON type in its messages: "string", "number",
 * "bool", "array", "object" ("number 1.5" for a number that does not
 * fit: with_value). */
void ga_go_type_name(const struct ga_json *j, bool with_value, char *buf,
		     size_t len);

/* Decodes object obj into the n fields: for each field its member, if
 * any and not null.  where is what Go names the struct in a message
 * ("Proxy", "LatencyToxic"), prefix what comes before the field's name
 * ("" or "attributes.").  Returns 0, or -1 with msg set to Go's words
 * for the first member of the wrong type; fields before it may have
 * been set. */
int ga_go_decode(const struct ga_json *obj, const char *where,
		 const char *prefix, const struct ga_go_field *fields,
		 size_t n, char *msg, size_t msglen);

/* Writes s[0, len) as Go's encoding/json writes a string: \n \r \t,
 * other controls and < > & as \u00XX, U+2028 and U+2029 escaped, a
 * byte that is not UTF-8 as \ufffd. */
void ga_go_write_string(FILE *f, const char *s, size_t len);

#endif
