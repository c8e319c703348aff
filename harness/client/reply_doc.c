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

/* How a kind's "otherwise" is said, around the reader's words. */
enum say {
	SAY_AS_IS = 1,  /* the row's words (CALLER: the caller's) */
	SAY_ERROR,      /* the driver's failure, with the reader's error */
	SAY_NOTE,       /* left out, with the reader's note */
	SAY_DATA,       /* never refused */
};

/* What each kind says beside a row's own words: before its "taken
 * when" (what an absent member is, the replies it is read after), and
 * how its "otherwise" is said.  A kind of client/reply.h without its
 * row here stops the build. */
static const struct {
	const char *before;
	enum say say;
} kinds[] = {
	[GA_TAKE_CALLER] = { "", SAY_AS_IS },
	[GA_TAKE_RESULT] = { "", SAY_ERROR },
	[GA_TAKE_WHOLE] = { "absent or `null`: 0; else ", SAY_ERROR },
	[GA_TAKE_WORD] = { "absent or not a string: none; else ", SAY_ERROR },
	[GA_TAKE_CALL] = { "absent or not a string: `driver`; else ",
			   SAY_ERROR },
	[GA_TAKE_TEXT] = { "", SAY_DATA },
	[GA_TAKE_NAME] = { "absent or `null`: none; else ", SAY_NOTE },
	[GA_TAKE_ROWS] = { "after an `error` of `fetch` or `stream` (ignored "
			   "after any other): absent or `null`: none; else ",
			   SAY_NOTE },
	[GA_TAKE_VALUE] = { "after `ok` (ignored after any other): ",
			    SAY_DATA },
	[GA_TAKE_POOL] = { "absent or `null`: none; else ", SAY_ERROR },
};

_Static_assert(sizeof(kinds) / sizeof(kinds[0]) == GA_TAKE_POOL + 1,
	       "a row of kinds[] for every enum ga_reply_take");

/* Row r of "What goneaway accepts", after its member. */
static void accepts_row(FILE *f, const struct ga_reply_field *r)
{
	char text[300];

	if (r->feature) {
		ga_protocol_feature_list(r->feature, text, sizeof(text));
		fprintf(f, "from a driver that declared `%s` (ignored from any "
			"other): ", text);
	}
	fprintf(f, "%s%s | ", kinds[r->take].before, r->taken);
	ga_reply_failure(r, text, sizeof(text));
	if (kinds[r->take].say == SAY_ERROR)
		fprintf(f, "the reply is the driver's failure: an ERROR "
			"(\"%s\")", text);
	else if (kinds[r->take].say == SAY_NOTE)
		fprintf(f, "left out, with a note in the driver's log (\"%s\")",
			text);
	else if (kinds[r->take].say == SAY_DATA)
		fputs("never refused: kept as data, escaped wherever shown "
		      "(below), never written into a scenario or an "
		      "expectation file", f);
	else
		fputs(text, f);
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
		accepts_row(f, &fields[i]);
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
