/* fuzz_protocol.c - what a client driver writes back (docs/driver-
 * protocol.md): each line of the input is a reply or a greeting, parsed
 * by util/json.c as client/process_lines.c parses it (at most its 64 MiB;
 * here the input's size), its described members taken by
 * ga_protocol_take_described() for every kind of step, its versions
 * read by ga_protocol_version(), a pool's events by
 * ga_protocol_take_pool_events().  Every string the parser returns is
 * written back by ga_json_write_string() and must parse again into the
 * same bytes (the results file and the requests are written that way).
 * A refusal's words hold no control byte: jansson's quote the text. */
#include <string.h>

#include "client/protocol.h"
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
	static const char *const results[] = { "ok", "error", "hang",
					       "wrong-result" };
	char note[200], ver[64];
	struct ga_outcome out;
	unsigned k;
	size_t r;

	for (k = 0; k < GA_STEP_KIND_COUNT; k++) {
		memset(&out, 0, sizeof(out));
		for (r = 0; r < 4; r++)
			if (strcmp(ga_json_str(j, "result", ""), results[r]) == 0)
				out.result = (enum ga_result)r;
		ga_protocol_take_described(j, (enum ga_step_kind)k, &out,
					   note, sizeof(note));
		if (strlen(out.error_name) >= sizeof(out.error_name))
			fuzz_fail("error_name overflows");
	}
	memset(&out, 0, sizeof(out));
	if (ga_protocol_take_pool_events(j, &out, note, sizeof(note)) == 0 &&
	    strlen(out.pool_detail) >= sizeof(out.pool_detail))
		fuzz_fail("pool_detail overflows");
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
