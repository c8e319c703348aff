/* reply_doc.c - docs/driver-protocol.md's two tables of a driver's reply,
 * made from its one table, GA_REPLY_MAP (client/reply.h): what each
 * member means ("Replies") and what goneaway takes of it and does
 * otherwise ("What goneaway accepts"); and the fuzz dictionary's reply
 * keys.  docs/gen-replies.sh writes them between their marks, t0097
 * compares. */
#include "client/reply.h"

#include <stdio.h>

/* The greeting's members in "What goneaway accepts": fixed rows, not
 * members of a reply (ga_protocol_name_ok() checks "driver" when the
 * greeting comes, client/protocol.c). */
static const char *const greeting_rows[] = {
	"| greeting `driver` | 1 to " GA_REPLY_N(GA_PROTOCOL_WORD_MAX)
	" letters, digits, `_`, `.` and `-`, a letter or digit first (what "
	"`[client=NAME]` reads) | the driver does not start: a usage error "
	"naming it, nothing runs |",
	"| greeting `library`, `runtime` | any text | kept as data: escaped "
	"wherever shown (below), never written into a scenario or an "
	"expectation file |",
};

void ga_reply_describe(FILE *f)
{
	const struct ga_reply_field *fields = ga_reply_fields();
	size_t i;

	fputs("| member | |\n|---|---|\n", f);
	for (i = 0; i < GA_REPLY_COUNT; i++)
		if (fields[i].doc_member)
			fprintf(f, "| %s | %s |\n", fields[i].doc_member,
				fields[i].meaning);
}

/* What the kind takes beside r->taken: an absent member, the replies
 * and drivers it is read from. */
static void taken(FILE *f, const struct ga_reply_field *r)
{
	char feature[64];

	switch (r->take) {
	case GA_TAKE_CALLER:
	case GA_TAKE_RESULT:
	case GA_TAKE_TEXT:
		fputs(r->taken, f);
		return;
	case GA_TAKE_WHOLE:
		fputs("absent or `null`: 0; else ", f);
		break;
	case GA_TAKE_WORD:
		fputs("absent or not a string: none; else ", f);
		break;
	case GA_TAKE_CALL:
		fputs("absent or not a string: `driver`; else ", f);
		break;
	case GA_TAKE_NAME:
		fputs("absent or `null`: none; else ", f);
		break;
	case GA_TAKE_ROWS:
		fputs("after an `error` of `fetch` or `stream` (ignored after "
		      "any other): absent or `null`: none; else ", f);
		break;
	case GA_TAKE_VALUE:
		fputs("after `ok` (ignored after any other): ", f);
		break;
	case GA_TAKE_POOL:
		ga_protocol_feature_list(r->feature, feature, sizeof(feature));
		fprintf(f, "from a driver that declared `%s` (ignored from any "
			"other): absent or `null`: none; else ", feature);
		break;
	}
	fputs(r->taken, f);
}

/* What comes of a member that fails: the reader's words. */
static void otherwise(FILE *f, const struct ga_reply_field *r)
{
	char text[300];

	ga_reply_failure(r, text, sizeof(text));
	switch (r->take) {
	case GA_TAKE_CALLER:
		fputs(text, f);
		break;
	case GA_TAKE_RESULT:
	case GA_TAKE_WHOLE:
	case GA_TAKE_WORD:
	case GA_TAKE_CALL:
		fprintf(f, "the reply is the driver's failure: an ERROR "
			"(\"%s\")", text);
		break;
	case GA_TAKE_POOL:
		fputs("the reply is the driver's failure: an ERROR (\""
		      GA_PROTOCOL_POOL_NOT_ARRAY "\", or \"pool_events[N] "
		      GA_PROTOCOL_POOL_NOT_EVENT "\")", f);
		break;
	case GA_TAKE_NAME:
	case GA_TAKE_ROWS:
		fprintf(f, "left out, with a note in the driver's log (\"%s\")",
			text);
		break;
	case GA_TAKE_TEXT:
	case GA_TAKE_VALUE:
		fputs("never refused: kept as data, escaped wherever shown "
		      "(below), never written into a scenario or an "
		      "expectation file", f);
		break;
	}
}

void ga_reply_describe_accepts(FILE *f)
{
	const struct ga_reply_field *fields = ga_reply_fields();
	size_t i;

	fputs("| member | taken when | otherwise |\n|---|---|---|\n", f);
	for (i = 0; i < sizeof(greeting_rows) / sizeof(greeting_rows[0]); i++)
		fprintf(f, "%s\n", greeting_rows[i]);
	for (i = 0; i < GA_REPLY_COUNT; i++) {
		if (!fields[i].doc_member)
			continue;
		fprintf(f, "| %s | ", fields[i].doc_member);
		taken(f, &fields[i]);
		fputs(" | ", f);
		otherwise(f, &fields[i]);
		fputs(" |\n", f);
	}
}

void ga_reply_describe_dict(FILE *f)
{
	const struct ga_reply_field *fields = ga_reply_fields();
	size_t i;

	for (i = 0; i < GA_REPLY_COUNT; i++)
		fprintf(f, "\"\\\"%s\\\":\"\n", fields[i].key);
}
