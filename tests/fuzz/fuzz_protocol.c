/* fuzz_protocol.c - what a client driver writes back (docs/driver-
 * protocol.md): each line of the input is a reply or a greeting, parsed
 * by util/json.c as client/process_lines.c parses it (at most its 64 MiB;
 * here the input's size), read whole by ga_reply_read() (client/reply.h)
 * for every kind of step, with and without the feature pool, its
 * versions read by ga_protocol_version().  Every string the parser returns is
 * written back by ga_json_write_string() and must parse again into the
 * same bytes (the results file and the requests are written that way).
 * A refusal's words hold no control byte: jansson's quote the text. */
#include <string.h>

#include "client/protocol.h"
#include "client/reply.h"
#include "fuzz.h"
#include "util/json.h"

static void round_trip(const char *s, size_t len)
{
	struct ga_error err;
	struct ga_json *j;
	char *buf = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&buf, &n);

	if (!f)
		return;
	ga_json_write_string(f, s, len);
	fclose(f);
	j = ga_json_parse(buf, n, &err);
	if (!j)
		fuzz_fail("a string written does not parse: %s: %s", err.msg,
			  buf);
	if (j->type != GA_JSON_STRING || j->len != len ||
	    memcmp(j->str, s, len) != 0)
		fuzz_fail("a string written reads back otherwise: %s", buf);
	ga_json_free(j);
	free(buf);
}

static void walk(const struct ga_json *j)
{
	size_t i;

	if (j->key)
		round_trip(j->key, strlen(j->key));
	if (j->type == GA_JSON_STRING) {
		if (strlen(j->str) != j->len)
			fuzz_fail("a string with a NUL byte was accepted");
		round_trip(j->str, j->len);
	}
	for (i = 0; i < j->nitems; i++)
		walk(&j->items[i]);
}

static void reply(const struct ga_json *j)
{
	static const unsigned features[] = { 0, GA_FEATURE_POOL };
	struct ga_reply_why why;
	struct ga_outcome out;
	char ver[64];
	unsigned k;
	size_t f;

	for (k = 0; k < GA_STEP_KIND_COUNT; k++)
		for (f = 0; f < 2; f++) {
			if (ga_reply_read(j, (enum ga_step_kind)k, features[f],
					  &out, &why) != GA_REPLY_TAKEN)
				continue;
			if (strlen(out.error_name) >= sizeof(out.error_name))
				fuzz_fail("error_name overflows");
			if (strlen(out.pool_detail) >= sizeof(out.pool_detail))
				fuzz_fail("pool_detail overflows");
			if (!out.api)
				fuzz_fail("a reply taken without its api");
		}
	ga_protocol_version(ga_json_str(j, "version", NULL), true, ver,
			    sizeof(ver));
	ga_protocol_version(ga_json_str(j, "library", NULL), false, ver,
			    sizeof(ver));
	ga_protocol_version(ga_json_str(j, "message", NULL), false, ver, 4);
}

/* A refusal is shown on a terminal and in steps.log as it is. */
static void refusal(const struct ga_error *err)
{
	const unsigned char *m = (const unsigned char *)err->msg;

	for (; *m; m++)
		if (*m < 0x20 || *m == 0x7f)
			fuzz_fail("a refusal holds the byte 0x%02x: %s", *m,
				  err->msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size, *nl;
	struct ga_error err;
	struct ga_json *j;

	/* the whole input as one document, then line by line */
	j = ga_json_parse(p, size, &err);
	if (j)
		walk(j);
	else
		refusal(&err);
	ga_json_free(j);
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		j = ga_json_parse(p, (size_t)((nl ? nl : end) - p), &err);
		if (j && j->type == GA_JSON_OBJECT) {
			walk(j);
			reply(j);
		} else if (!j) {
			refusal(&err);
		}
		ga_json_free(j);
		if (!nl)
			break;
		p = nl + 1;
	}
	return 0;
}
