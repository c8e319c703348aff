/* check_expect.c - matching observed outcomes against expect lines,
 * choosing the expect line for a server, and describing both sides. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "server/server.h"
#include "run/expect.h"
#include "run/internal.h"
#include "suites.h"

/* ---- ga_expect_match ---------------------------------------------------- */

enum val_kind {
	VAL_NONE = 0,   /* the step returned no value */
	VAL_NULL,       /* SQL NULL */
	VAL_TEXT,       /* the text in otext */
};

/* One row: an expect line, an outcome, whether they match, and (for a
 * mismatch) up to two pieces of text the reason must contain. */
struct match_case {
	const char *label;
	/* the expect line */
	bool ok, hang, wrong;
	unsigned codes[GA_MAX_CODES];
	size_t ncodes;
	long after_ms, within_ms;               /* -1: no bound */
	enum ga_cmp vcmp;
	bool vnull;
	const char *vtext;
	enum ga_thread_check thread;
	const char *matching;                   /* "matching TEXT"; NULL: none */
	/* the outcome */
	enum ga_result result;
	unsigned err;
	const char *omsg;                       /* its message; NULL: "" */
	double elapsed_ms;
	enum val_kind vkind;
	const char *otext;
	unsigned long tid_before, tid_after;
	/* the verdict */
	bool want;
	const char *why1, *why2;
};

#define NOB .after_ms = -1, .within_ms = -1
#define EXP_OK .ok = true, NOB
#define EXP_LOST .codes = { 2013 }, .ncodes = 1, NOB
#define EXP_LOST_GONE .codes = { 2013, 2006 }, .ncodes = 2, NOB
#define OUT_OK .result = GA_RESULT_OK, .elapsed_ms = 3
#define OUT_ERR(e) .result = GA_RESULT_ERROR, .err = (e), .elapsed_ms = 3
#define OUT_HANG .result = GA_RESULT_HANG, .elapsed_ms = 5000
#define OUT_WRONG .result = GA_RESULT_WRONG, .elapsed_ms = 3
#define ERRNO_110 "Can't connect to server on '198.18.0.2' (110)"
#define ERRNO_104 "Lost connection to server at 'reading initial " \
	"communication packet', system error: 104"
#define VAL(t) .vkind = VAL_TEXT, .otext = (t)

static const struct match_case match_cases[] = {
	/* result kinds */
	{ "ok vs ok", EXP_OK, OUT_OK, .want = true },
	{ "ok vs error", EXP_OK, OUT_ERR(2013), .want = false,
	  .why1 = "returned 2013 (CR_SERVER_LOST)",
	  .why2 = "when expecting success" },
	{ "ok vs hang", EXP_OK, OUT_HANG, .want = false,
	  .why1 = "hung: no answer after 5000 ms", .why2 = "when expecting success" },
	{ "2013 vs ok", EXP_LOST, OUT_OK, .want = false,
	  .why1 = "succeeded after 3 ms", .why2 = "when expecting 2013 (CR_SERVER_LOST)" },
	{ "2013 vs 2006", EXP_LOST, OUT_ERR(2006), .want = false,
	  .why1 = "returned 2006 (CR_SERVER_GONE_ERROR)",
	  .why2 = "when expecting 2013 (CR_SERVER_LOST)" },
	{ "2013 vs 2013", EXP_LOST, OUT_ERR(2013), .want = true },
	{ "2013|2006 vs 2013", EXP_LOST_GONE, OUT_ERR(2013), .want = true },
	{ "2013|2006 vs 2006", EXP_LOST_GONE, OUT_ERR(2006), .want = true },
	{ "2013|2006 vs 1927", EXP_LOST_GONE, OUT_ERR(1927), .want = false,
	  .why1 = "returned 1927 (ER_CONNECTION_KILLED)",
	  .why2 = "when expecting 2013 (CR_SERVER_LOST) or 2006 (CR_SERVER_GONE_ERROR)" },
	{ "2013|2006 vs ok", EXP_LOST_GONE, OUT_OK, .want = false,
	  .why1 = "succeeded", .why2 = "2013 (CR_SERVER_LOST) or 2006" },
	{ "ok|2013 vs 2013", .ok = true, .codes = { 2013 }, .ncodes = 1, NOB,
	  OUT_ERR(2013), .want = true },
	{ "ok|2013 vs ok", .ok = true, .codes = { 2013 }, .ncodes = 1, NOB,
	  OUT_OK, .want = true },
	{ "unnamed code vs itself", .codes = { 9999 }, .ncodes = 1, NOB,
	  OUT_ERR(9999), .want = true },
	{ "unnamed code vs other", .codes = { 9999 }, .ncodes = 1, NOB,
	  OUT_ERR(9998), .want = false, .why1 = "returned 9998 after",
	  .why2 = "when expecting 9999" },

	/* hangs */
	{ "hang vs hang", .hang = true, NOB, OUT_HANG, .want = true },
	{ "hang vs ok", .hang = true, NOB, OUT_OK, .want = false,
	  .why1 = "succeeded", .why2 = "when expecting a hang" },
	{ "hang vs error", .hang = true, NOB, OUT_ERR(2013), .want = false,
	  .why1 = "returned 2013", .why2 = "a hang" },
	{ "2013 vs hang", EXP_LOST, OUT_HANG, .want = false,
	  .why1 = "hung", .why2 = "when expecting 2013 (CR_SERVER_LOST)" },
	{ "2013|hang vs hang", .hang = true, .codes = { 2013 }, .ncodes = 1, NOB,
	  OUT_HANG, .want = true },
	{ "hang ignores within", .hang = true, .after_ms = -1, .within_ms = 100,
	  OUT_HANG, .want = true },
	{ "hang ignores after", .hang = true, .after_ms = 9000, .within_ms = -1,
	  OUT_HANG, .want = true },

	/* time bounds */
	{ "within: exactly at the bound", .codes = { 2013 }, .ncodes = 1,
	  .after_ms = -1, .within_ms = 2000, .result = GA_RESULT_ERROR, .err = 2013, .elapsed_ms = 2000, .want = true },
	{ "within: below", .codes = { 2013 }, .ncodes = 1, .after_ms = -1,
	  .within_ms = 2000, .result = GA_RESULT_ERROR, .err = 2013,
	  .elapsed_ms = 1999, .want = true },
	{ "within: just over", .codes = { 2013 }, .ncodes = 1, .after_ms = -1,
	  .within_ms = 2000, .result = GA_RESULT_ERROR, .err = 2013,
	  .elapsed_ms = 2000.5, .want = false, .why1 = "later than expected",
	  .why2 = "within 2000 ms" },
	{ "within: far over", .codes = { 2013 }, .ncodes = 1, .after_ms = -1,
	  .within_ms = 2000, .result = GA_RESULT_ERROR, .err = 2013,
	  .elapsed_ms = 30000, .want = false,
	  .why1 = "returned 2013 (CR_SERVER_LOST) after 30000 ms",
	  .why2 = "later than expected" },
	{ "after: exactly at the bound", .codes = { 2013 }, .ncodes = 1,
	  .after_ms = 1000, .within_ms = -1, .result = GA_RESULT_ERROR,
	  .err = 2013, .elapsed_ms = 1000, .want = true },
	{ "after: just under", .codes = { 2013 }, .ncodes = 1,
	  .after_ms = 1000, .within_ms = -1, .result = GA_RESULT_ERROR,
	  .err = 2013, .elapsed_ms = 999.5, .want = false,
	  .why1 = "sooner than expected", .why2 = "after 1000 ms" },
	{ "after+within: inside", .codes = { 2013 }, .ncodes = 1,
	  .after_ms = 1000, .within_ms = 2000, .result = GA_RESULT_ERROR,
	  .err = 2013, .elapsed_ms = 1500, .want = true },
	{ "ok within: over", .ok = true, .after_ms = -1, .within_ms = 10,
	  .result = GA_RESULT_OK, .elapsed_ms = 11, .want = false,
	  .why1 = "succeeded after 11 ms", .why2 = "later than expected" },
	{ "ok within 0: zero", .ok = true, .after_ms = -1, .within_ms = 0,
	  .result = GA_RESULT_OK, .elapsed_ms = 0, .want = true },

	/* value checks: numeric */
	{ "= 42 vs 42", EXP_OK, .vcmp = GA_CMP_EQ, .vtext = "42", OUT_OK,
	  VAL("42"), .want = true },
	{ "= 42 vs 43", EXP_OK, .vcmp = GA_CMP_EQ, .vtext = "42", OUT_OK,
	  VAL("43"), .want = false, .why1 = "returned the value '43'",
	  .why2 = "when expecting a value = 42" },
	{ "!= 42 vs 43", EXP_OK, .vcmp = GA_CMP_NE, .vtext = "42", OUT_OK,
	  VAL("43"), .want = true },
	{ "!= 42 vs 42", EXP_OK, .vcmp = GA_CMP_NE, .vtext = "42", OUT_OK,
	  VAL("42"), .want = false, .why1 = "'42'", .why2 = "a value != 42" },
	{ "< 10 vs 9", EXP_OK, .vcmp = GA_CMP_LT, .vtext = "10", OUT_OK,
	  VAL("9"), .want = true },
	{ "< 10 vs 10", EXP_OK, .vcmp = GA_CMP_LT, .vtext = "10", OUT_OK,
	  VAL("10"), .want = false, .why1 = "'10'", .why2 = "a value < 10" },
	{ "<= 10 vs 10", EXP_OK, .vcmp = GA_CMP_LE, .vtext = "10", OUT_OK,
	  VAL("10"), .want = true },
	{ "<= 10 vs 11", EXP_OK, .vcmp = GA_CMP_LE, .vtext = "10", OUT_OK,
	  VAL("11"), .want = false, .why2 = "a value <= 10" },
	{ "> 10 vs 11", EXP_OK, .vcmp = GA_CMP_GT, .vtext = "10", OUT_OK,
	  VAL("11"), .want = true },
	{ "> 10 vs 10", EXP_OK, .vcmp = GA_CMP_GT, .vtext = "10", OUT_OK,
	  VAL("10"), .want = false, .why2 = "a value > 10" },
	{ "> 10 vs 9 (numeric, not text order)", EXP_OK, .vcmp = GA_CMP_GT,
	  .vtext = "10", OUT_OK, VAL("9"), .want = false },
	{ "> 9 vs 10 (numeric, not text order)", EXP_OK, .vcmp = GA_CMP_GT,
	  .vtext = "9", OUT_OK, VAL("10"), .want = true },
	{ ">= 10 vs 10", EXP_OK, .vcmp = GA_CMP_GE, .vtext = "10", OUT_OK,
	  VAL("10"), .want = true },
	{ ">= 10 vs 9", EXP_OK, .vcmp = GA_CMP_GE, .vtext = "10", OUT_OK,
	  VAL("9"), .want = false, .why2 = "a value >= 10" },
	{ ">= -1.5 vs -1", EXP_OK, .vcmp = GA_CMP_GE, .vtext = "-1.5", OUT_OK,
	  VAL("-1"), .want = true },
	{ "< 5 vs text", EXP_OK, .vcmp = GA_CMP_LT, .vtext = "5", OUT_OK,
	  VAL("abc"), .want = false, .why1 = "'abc'" },
	{ "> 5 vs NULL", EXP_OK, .vcmp = GA_CMP_GT, .vtext = "5", OUT_OK,
	  .vkind = VAL_NULL, .want = false,
	  .why1 = "returned the value NULL", .why2 = "a value > 5" },

	/* value checks: text */
	{ "= abc vs abc", EXP_OK, .vcmp = GA_CMP_EQ, .vtext = "abc", OUT_OK,
	  VAL("abc"), .want = true },
	{ "= abc vs abd", EXP_OK, .vcmp = GA_CMP_EQ, .vtext = "abc", OUT_OK,
	  VAL("abd"), .want = false, .why1 = "'abd'", .why2 = "a value = abc" },
	{ "= abc vs ABC", EXP_OK, .vcmp = GA_CMP_EQ, .vtext = "abc", OUT_OK,
	  VAL("ABC"), .want = false },
	{ "!= abc vs abd", EXP_OK, .vcmp = GA_CMP_NE, .vtext = "abc", OUT_OK,
	  VAL("abd"), .want = true },
	{ "!= abc vs abc", EXP_OK, .vcmp = GA_CMP_NE, .vtext = "abc", OUT_OK,
	  VAL("abc"), .want = false },
	{ "= '' vs ''", EXP_OK, .vcmp = GA_CMP_EQ, .vtext = "", OUT_OK,
	  VAL(""), .want = true },
	{ "= '' vs 'x'", EXP_OK, .vcmp = GA_CMP_EQ, .vtext = "", OUT_OK,
	  VAL("x"), .want = false },

	/* NULL vs '' vs 'NULL' */
	{ "= NULL vs NULL", EXP_OK, .vcmp = GA_CMP_EQ, .vnull = true, OUT_OK,
	  .vkind = VAL_NULL, .want = true },
	{ "= NULL vs ''", EXP_OK, .vcmp = GA_CMP_EQ, .vnull = true, OUT_OK,
	  VAL(""), .want = false, .why1 = "returned the value ''",
	  .why2 = "a value = NULL" },
	{ "= NULL vs 'NULL'", EXP_OK, .vcmp = GA_CMP_EQ, .vnull = true, OUT_OK,
	  VAL("NULL"), .want = false, .why1 = "'NULL'", .why2 = "= NULL" },
	{ "!= NULL vs ''", EXP_OK, .vcmp = GA_CMP_NE, .vnull = true, OUT_OK,
	  VAL(""), .want = true },
	{ "!= NULL vs NULL", EXP_OK, .vcmp = GA_CMP_NE, .vnull = true, OUT_OK,
	  .vkind = VAL_NULL, .want = false },
	{ "= '' vs NULL", EXP_OK, .vcmp = GA_CMP_EQ, .vtext = "", OUT_OK,
	  .vkind = VAL_NULL, .want = false, .why1 = "returned the value NULL" },
	{ "= 'NULL' vs NULL", EXP_OK, .vcmp = GA_CMP_EQ, .vtext = "NULL", OUT_OK,
	  .vkind = VAL_NULL, .want = false },
	{ "= 'NULL' vs 'NULL'", EXP_OK, .vcmp = GA_CMP_EQ, .vtext = "NULL",
	  OUT_OK, VAL("NULL"), .want = true },
	{ "!= 'NULL' vs NULL", EXP_OK, .vcmp = GA_CMP_NE, .vtext = "NULL",
	  OUT_OK, .vkind = VAL_NULL, .want = true },

	/* a missing value */
	{ "= 42 vs no value", EXP_OK, .vcmp = GA_CMP_EQ, .vtext = "42", OUT_OK,
	  .want = false, .why1 = "returned no value",
	  .why2 = "when expecting a value = 42" },
	{ "= NULL vs no value", EXP_OK, .vcmp = GA_CMP_EQ, .vnull = true, OUT_OK,
	  .want = false, .why1 = "returned no value" },
	{ "no check vs no value", EXP_OK, OUT_OK, .want = true },
	{ "value check skipped on an error", .ok = true, .codes = { 2013 },
	  .ncodes = 1, NOB, .vcmp = GA_CMP_EQ, .vtext = "1", OUT_ERR(2013),
	  .want = true },

	/* server thread ids */
	{ "reconnected: new id", EXP_OK, .thread = GA_THREAD_NEW, OUT_OK,
	  .tid_before = 5, .tid_after = 6, .want = true },
	{ "reconnected: same id", EXP_OK, .thread = GA_THREAD_NEW, OUT_OK,
	  .tid_before = 5, .tid_after = 5, .want = false,
	  .why1 = "same server thread 5", .why2 = "reconnect" },
	{ "reconnected: id 0 after", EXP_OK, .thread = GA_THREAD_NEW, OUT_OK,
	  .tid_before = 5, .tid_after = 0, .want = false, .why2 = "reconnect" },
	{ "same-thread: same id", EXP_OK, .thread = GA_THREAD_SAME, OUT_OK,
	  .tid_before = 5, .tid_after = 5, .want = true },
	{ "same-thread: new id", EXP_OK, .thread = GA_THREAD_SAME, OUT_OK,
	  .tid_before = 5, .tid_after = 6, .want = false,
	  .why1 = "new server thread 6 (was 5)", .why2 = "the same one" },
	{ "any thread: new id", EXP_OK, OUT_OK, .tid_before = 5,
	  .tid_after = 6, .want = true },
	{ "thread check skipped on an error", .ok = true, .codes = { 2013 },
	  .ncodes = 1, NOB, .thread = GA_THREAD_NEW, OUT_ERR(2013),
	  .tid_before = 5, .tid_after = 5, .want = true },
	{ "value and thread both hold", EXP_OK, .vcmp = GA_CMP_EQ, .vtext = "1",
	  .thread = GA_THREAD_NEW, OUT_OK, VAL("1"), .tid_before = 5,
	  .tid_after = 7, .want = true },
	{ "value holds, thread does not", EXP_OK, .vcmp = GA_CMP_EQ,
	  .vtext = "1", .thread = GA_THREAD_NEW, OUT_OK, VAL("1"),
	  .tid_before = 5, .tid_after = 5, .want = false,
	  .why1 = "same server thread" },

	/* wrong results (set.wrong) */
	{ "wrong vs wrong", .wrong = true, NOB, OUT_WRONG, .want = true },
	{ "ok|wrong vs wrong", .ok = true, .wrong = true, NOB, OUT_WRONG,
	  .want = true },
	{ "ok|wrong vs ok", .ok = true, .wrong = true, NOB, OUT_OK,
	  .want = true },
	{ "ok vs wrong", EXP_OK, OUT_WRONG, .omsg = "row 7 answers query 3",
	  .want = false,
	  .why1 = "returned a wrong result (row 7 answers query 3) after 3 ms",
	  .why2 = "when expecting success" },
	{ "wrong vs ok", .wrong = true, NOB, OUT_OK, .want = false,
	  .why1 = "succeeded after 3 ms",
	  .why2 = "when expecting a wrong result" },
	{ "wrong vs 2013", .wrong = true, NOB, OUT_ERR(2013), .want = false,
	  .why1 = "returned 2013 (CR_SERVER_LOST)",
	  .why2 = "when expecting a wrong result" },
	{ "2013 vs wrong with err 2013", EXP_LOST, OUT_WRONG, .err = 2013,
	  .want = false, .why1 = "returned a wrong result",
	  .why2 = "when expecting 2013 (CR_SERVER_LOST)" },
	{ "hang vs wrong", .hang = true, .after_ms = 1000, .within_ms = -1,
	  OUT_WRONG, .want = false, .why2 = "a hang (no answer after 1000 ms)" },
	{ "ok|wrong = 1 vs wrong: no value check", .ok = true, .wrong = true,
	  NOB, .vcmp = GA_CMP_EQ, .vtext = "1", OUT_WRONG, .want = true },
	{ "wrong within: over", .wrong = true, .after_ms = -1,
	  .within_ms = 100, .result = GA_RESULT_WRONG, .elapsed_ms = 101,
	  .want = false, .why1 = "later than expected",
	  .why2 = "a wrong result within 100 ms" },

	/* matching: the error message must contain the text */
	{ "matching: present", EXP_LOST, .matching = "(110)", OUT_ERR(2013),
	  .omsg = ERRNO_110, .want = true },
	{ "matching: the whole message", EXP_LOST, .matching = ERRNO_110,
	  OUT_ERR(2013), .omsg = ERRNO_110, .want = true },
	{ "matching: absent", EXP_LOST, .matching = "(110)", OUT_ERR(2013),
	  .omsg = ERRNO_104, .want = false,
	  .why1 = "returned 2013 (CR_SERVER_LOST) \"Lost connection",
	  .why2 = ": the message does not contain \"(110)\"" },
	{ "matching: empty message", EXP_LOST, .matching = "(110)",
	  OUT_ERR(2013), .want = false, .why2 = "does not contain \"(110)\"" },
	{ "matching: case counts", EXP_LOST, .matching = "lost connection",
	  OUT_ERR(2013), .omsg = ERRNO_104, .want = false,
	  .why2 = "does not contain \"lost connection\"" },
	{ "matching: wrong code comes first", EXP_LOST, .matching = "(110)",
	  OUT_ERR(2006), .omsg = ERRNO_110, .want = false,
	  .why1 = "returned 2006", .why2 = "when expecting 2013 (CR_SERVER_LOST) "
	  "matching \"(110)\"" },
	{ "matching: not checked on success", .ok = true, .codes = { 2013 },
	  .ncodes = 1, NOB, .matching = "(110)", OUT_OK, .want = true },
	{ "matching: not checked on a hang", .hang = true, .codes = { 2013 },
	  .ncodes = 1, .after_ms = 1000, .within_ms = -1, .matching = "(110)",
	  OUT_HANG, .want = true },
	{ "matching: present but too late", .codes = { 2013 }, .ncodes = 1,
	  .after_ms = -1, .within_ms = 100, .matching = "(110)",
	  .result = GA_RESULT_ERROR, .err = 2013, .elapsed_ms = 200,
	  .omsg = ERRNO_110, .want = false, .why2 = "later than expected" },

	/* with hang in the set, after is the hang's threshold and not a
	 * lower bound on answers */
	{ "2013|hang after 2s vs 2013 at 3 ms", .hang = true,
	  .codes = { 2013 }, .ncodes = 1, .after_ms = 2000, .within_ms = -1,
	  OUT_ERR(2013), .want = true },
	{ "2013 after 2s vs 2013 at 3 ms", .codes = { 2013 }, .ncodes = 1,
	  .after_ms = 2000, .within_ms = -1, OUT_ERR(2013), .want = false,
	  .why1 = "returned 2013 (CR_SERVER_LOST) after 3 ms",
	  .why2 = ": sooner than expected (2013 (CR_SERVER_LOST) after 2000 ms)" },
	{ "ok|hang after 2s vs ok at 3 ms", .ok = true, .hang = true,
	  .after_ms = 2000, .within_ms = -1, OUT_OK, .want = true },
	{ "ok after 2s vs ok at 3 ms", .ok = true, .after_ms = 2000,
	  .within_ms = -1, OUT_OK, .want = false,
	  .why1 = "succeeded after 3 ms", .why2 = "sooner than expected" },
	{ "ok|wrong|2013|hang after 15s vs wrong at 3 ms", .ok = true,
	  .wrong = true, .hang = true, .codes = { 2013 }, .ncodes = 1,
	  .after_ms = 15000, .within_ms = -1, OUT_WRONG, .want = true },
	{ "ok|wrong after 15s vs wrong at 3 ms", .ok = true, .wrong = true,
	  .after_ms = 15000, .within_ms = -1, OUT_WRONG, .want = false,
	  .why2 = "sooner than expected" },
	{ "2013|hang after 2s within 5s vs 2013 at 6 s", .hang = true,
	  .codes = { 2013 }, .ncodes = 1, .after_ms = 2000, .within_ms = 5000,
	  .result = GA_RESULT_ERROR, .err = 2013, .elapsed_ms = 6000,
	  .want = false, .why1 = "after 6000 ms",
	  .why2 = "later than expected" },
	{ "2013|hang after 2s within 5s vs 2013 at 1 ms", .hang = true,
	  .codes = { 2013 }, .ncodes = 1, .after_ms = 2000, .within_ms = 5000,
	  .result = GA_RESULT_ERROR, .err = 2013, .elapsed_ms = 1,
	  .want = true },
	{ "2013|hang after 2s vs 2006 at 3 ms", .hang = true,
	  .codes = { 2013 }, .ncodes = 1, .after_ms = 2000, .within_ms = -1,
	  OUT_ERR(2006), .want = false, .why1 = "returned 2006",
	  .why2 = "when expecting 2013 (CR_SERVER_LOST) or a hang (no answer "
	  "after 2000 ms)" },
};

/* Builds the expect line and outcome of a row.  vbuf holds the value text
 * and mbuf the "matching" text (struct ga_expect's strings are not
 * const). */
static void build(const struct match_case *c, struct ga_expect *exp,
		  struct ga_outcome *out, char *vbuf, size_t vlen,
		  char *mbuf, size_t mlen)
{
	memset(exp, 0, sizeof(*exp));
	exp->line = 12;
	exp->set.ok = c->ok;
	exp->set.hang = c->hang;
	exp->set.wrong = c->wrong;
	memcpy(exp->set.codes, c->codes, sizeof(exp->set.codes));
	exp->set.ncodes = c->ncodes;
	exp->after_ms = c->after_ms;
	exp->within_ms = c->within_ms;
	exp->value.cmp = c->vcmp;
	exp->value.is_null = c->vnull;
	exp->value.text = NULL;
	if (c->vtext) {
		snprintf(vbuf, vlen, "%s", c->vtext);
		exp->value.text = vbuf;
	}
	exp->thread = c->thread;
	exp->message = NULL;
	if (c->matching) {
		snprintf(mbuf, mlen, "%s", c->matching);
		exp->message = mbuf;
	}

	memset(out, 0, sizeof(*out));
	out->result = c->result;
	out->api = "mysql_real_query";
	out->err = c->err;
	out->elapsed_ms = c->elapsed_ms;
	out->has_value = c->vkind != VAL_NONE;
	out->value_null = c->vkind == VAL_NULL;
	if (c->vkind == VAL_TEXT)
		snprintf(out->value, sizeof(out->value), "%s", c->otext);
	out->thread_before = c->tid_before;
	out->thread_after = c->tid_after;
	if (c->omsg)
		snprintf(out->message, sizeof(out->message), "%s", c->omsg);
}

START_TEST(test_match)
{
	const struct match_case *c = &match_cases[_i];
	struct ga_expect exp;
	struct ga_outcome out;
	char vbuf[64], mbuf[128];
	char why[1024];
	bool got;

	build(c, &exp, &out, vbuf, sizeof(vbuf), mbuf, sizeof(mbuf));
	memset(why, 'X', sizeof(why));
	got = ga_expect_match(&exp, &out, why, sizeof(why));
	ck_assert_msg(memchr(why, '\0', sizeof(why)) != NULL,
		      "%s: why is not terminated", c->label);
	ck_assert_msg(got == c->want, "%s: matched=%d, want %d (why: %s)",
		      c->label, got, c->want, why);
	if (c->want)
		return;
	ck_assert_msg(why[0] != '\0', "%s: a mismatch without a reason",
		      c->label);
	if (c->why1)
		ck_assert_msg(strstr(why, c->why1) != NULL,
			      "%s: \"%s\" lacks \"%s\"", c->label, why, c->why1);
	if (c->why2)
		ck_assert_msg(strstr(why, c->why2) != NULL,
			      "%s: \"%s\" lacks \"%s\"", c->label, why, c->why2);
	/* the same verdict without a buffer */
	ck_assert(ga_expect_match(&exp, &out, NULL, 0) == c->want);
}
END_TEST

/* The full sentence curl's style asks for: what happened, then what was
 * wanted. */
START_TEST(test_match_why_both_sides)
{
	struct ga_expect exp = { .set = { .codes = { 2013 }, .ncodes = 1 },
				 .after_ms = -1, .within_ms = 2000 };
	struct ga_outcome out = { .result = GA_RESULT_ERROR, .err = 2006,
				  .elapsed_ms = 3,
				  .message = "MySQL server has gone away" };
	char why[512];

	ck_assert(!ga_expect_match(&exp, &out, why, sizeof(why)));
	ck_assert_str_eq(why, "returned 2006 (CR_SERVER_GONE_ERROR) \"MySQL "
			 "server has gone away\" after 3 ms, when expecting "
			 "2013 (CR_SERVER_LOST) within 2000 ms");
}
END_TEST

/* A reason longer than the buffer is cut, never overrun. */
static const size_t small_lens[] = { 1, 2, 8, 40 };

START_TEST(test_match_why_truncated)
{
	struct ga_expect exp = { .set = { .codes = { 2013 }, .ncodes = 1 },
				 .after_ms = -1, .within_ms = -1 };
	struct ga_outcome out = { .result = GA_RESULT_ERROR, .err = 2006,
				  .elapsed_ms = 3 };
	size_t len = small_lens[_i];
	char full[512];
	char why[64];

	ck_assert(!ga_expect_match(&exp, &out, full, sizeof(full)));
	ck_assert_uint_gt(strlen(full), len);
	memset(why, 'X', sizeof(why));
	ck_assert(!ga_expect_match(&exp, &out, why, len));
	ck_assert_uint_eq(strlen(why), len - 1);
	ck_assert_int_eq(why[len], 'X');
	ck_assert(strncmp(why, full, len - 1) == 0);
}
END_TEST

/* Regression: "= VALUE" compares as text (docs/scenario-format.md,
 * VALUECHECK).  It used to compare both sides as doubles when they
 * parsed, so distinct BIGINT values above 2^53 compared equal and "0x10"
 * equalled "16". */
static const struct match_case bug_cases[] = {
	{ "= 2^53+1 vs 2^53", EXP_OK, .vcmp = GA_CMP_EQ,
	  .vtext = "9007199254740993", OUT_OK, VAL("9007199254740992"),
	  .want = false },
	{ "!= 2^53+1 vs 2^53", EXP_OK, .vcmp = GA_CMP_NE,
	  .vtext = "9007199254740993", OUT_OK, VAL("9007199254740992"),
	  .want = true },
	{ "= 16 vs 0x10", EXP_OK, .vcmp = GA_CMP_EQ, .vtext = "16", OUT_OK,
	  VAL("0x10"), .want = false },
};

START_TEST(test_match_bug_text_equality)
{
	const struct match_case *c = &bug_cases[_i];
	struct ga_expect exp;
	struct ga_outcome out;
	char vbuf[64], mbuf[128];
	bool got;

	build(c, &exp, &out, vbuf, sizeof(vbuf), mbuf, sizeof(mbuf));
	got = ga_expect_match(&exp, &out, NULL, 0);
	ck_assert_msg(got == c->want, "value_matches: "
		      "%s: matched=%d, want %d", c->label, got, c->want);
}
END_TEST

/* ---- ga_expect_describe / ga_outcome_describe ---------------------------- */

struct describe_case {
	struct ga_expect exp;
	const char *vtext;
	const char *want;
};

static const struct describe_case describe_cases[] = {
	{ { .set = { .ok = true }, NOB }, NULL, "success" },
	{ { .set = { .codes = { 2013, 2006 }, .ncodes = 2 }, .after_ms = -1,
	    .within_ms = 2000 }, NULL,
	  "2013 (CR_SERVER_LOST) or 2006 (CR_SERVER_GONE_ERROR) within 2000 ms" },
	{ { .set = { .codes = { 2013 }, .ncodes = 1 }, .after_ms = 900, .within_ms = 3000 },
	  NULL, "2013 (CR_SERVER_LOST) after 900 ms within 3000 ms" },
	{ { .set = { .ok = true, .hang = true }, NOB }, NULL, "success or a hang" },
	{ { .set = { .hang = true }, .after_ms = 2000, .within_ms = -1 }, NULL,
	  "a hang (no answer after 2000 ms)" },
	{ { .set = { .codes = { 9999 }, .ncodes = 1 }, NOB }, NULL, "9999" },
	{ { .set = { .ok = true }, .value = { .cmp = GA_CMP_GE }, NOB }, "10",
	  "success with a value >= 10" },
	{ { .set = { .ok = true }, .value = { .cmp = GA_CMP_EQ, .is_null = true }, NOB },
	  NULL, "success with a value = NULL" },
	{ { .set = { .ok = true }, .thread = GA_THREAD_NEW, NOB }, NULL,
	  "success on a new server thread" },
	{ { .set = { .ok = true, .codes = { 2006 }, .ncodes = 1 },
	    .thread = GA_THREAD_SAME, NOB }, NULL,
	  "success on the same server thread or 2006 (CR_SERVER_GONE_ERROR)" },
	{ { .set = { .wrong = true }, NOB }, NULL, "a wrong result" },
	{ { .set = { .ok = true, .wrong = true }, NOB }, NULL,
	  "success or a wrong result" },
	{ { .set = { .ok = true, .wrong = true, .hang = true,
		     .codes = { 2013 }, .ncodes = 1 },
	    .after_ms = 15000, .within_ms = -1 }, NULL,
	  "success or 2013 (CR_SERVER_LOST) or a wrong result or a hang (no "
	  "answer after 15000 ms)" },
	{ { .set = { .wrong = true }, .after_ms = -1, .within_ms = 100 }, NULL,
	  "a wrong result within 100 ms" },
};

START_TEST(test_expect_describe)
{
	const struct describe_case *c = &describe_cases[_i];
	struct ga_expect exp = c->exp;
	char vbuf[32];
	char buf[256];

	if (c->vtext) {
		snprintf(vbuf, sizeof(vbuf), "%s", c->vtext);
		exp.value.text = vbuf;
	}
	ga_expect_describe(&exp, buf, sizeof(buf));
	ck_assert_str_eq(buf, c->want);
}
END_TEST

/* "matching TEXT" follows the error codes. */
static const struct {
	struct ga_expect exp;
	const char *mtext;
	const char *want;
} describe_matching_cases[] = {
	{ { .set = { .codes = { 2013 }, .ncodes = 1 }, .after_ms = 1800,
	    .within_ms = 3000 }, "(110)",
	  "2013 (CR_SERVER_LOST) matching \"(110)\" after 1800 ms within "
	  "3000 ms" },
	{ { .set = { .ok = true, .codes = { 1045 }, .ncodes = 1 }, NOB },
	  "denied",
	  "success or 1045 (ER_ACCESS_DENIED_ERROR) matching \"denied\"" },
	{ { .set = { .hang = true, .codes = { 2013 }, .ncodes = 1 },
	    .after_ms = 2000, .within_ms = -1 }, "handshake",
	  "2013 (CR_SERVER_LOST) matching \"handshake\" or a hang (no answer "
	  "after 2000 ms)" },
};

START_TEST(test_expect_describe_matching)
{
	struct ga_expect exp = describe_matching_cases[_i].exp;
	char mbuf[32];
	char buf[256];

	snprintf(mbuf, sizeof(mbuf), "%s", describe_matching_cases[_i].mtext);
	exp.message = mbuf;
	ga_expect_describe(&exp, buf, sizeof(buf));
	ck_assert_str_eq(buf, describe_matching_cases[_i].want);
}
END_TEST

struct outcome_case {
	struct ga_outcome out;
	const char *want;
};

static const struct outcome_case outcome_cases[] = {
	{ { .result = GA_RESULT_ERROR, .err = 2013, .elapsed_ms = 1002,
	    .message = "Lost connection to server during query" },
	  "returned 2013 (CR_SERVER_LOST) \"Lost connection to server during "
	  "query\" after 1002 ms" },
	{ { .result = GA_RESULT_ERROR, .err = 2006, .elapsed_ms = 0.4 },
	  "returned 2006 (CR_SERVER_GONE_ERROR) after 0 ms" },
	{ { .result = GA_RESULT_OK, .elapsed_ms = 3 }, "succeeded after 3 ms" },
	{ { .result = GA_RESULT_OK, .elapsed_ms = 3, .has_value = true,
	    .value = "42" }, "succeeded with '42' after 3 ms" },
	{ { .result = GA_RESULT_OK, .elapsed_ms = 3, .has_value = true,
	    .value_null = true }, "succeeded with NULL after 3 ms" },
	{ { .result = GA_RESULT_HANG, .elapsed_ms = 5000 },
	  "hung: no answer after 5000 ms" },
	{ { .result = GA_RESULT_WRONG, .elapsed_ms = 7,
	    .message = "got 2 where 1 was selected" },
	  "returned a wrong result (got 2 where 1 was selected) after 7 ms" },
	{ { .result = GA_RESULT_WRONG, .elapsed_ms = 12.4 },
	  "returned a wrong result after 12 ms" },
	/* a wrong result's value is not shown */
	{ { .result = GA_RESULT_WRONG, .elapsed_ms = 1, .has_value = true,
	    .value = "2" }, "returned a wrong result after 1 ms" },
	/* values up to 40 characters are shown whole, longer ones cut */
	{ { .result = GA_RESULT_OK, .elapsed_ms = 3, .has_value = true,
	    .value = "0123456789012345678901234567890123456789" },
	  "succeeded with '0123456789012345678901234567890123456789' after "
	  "3 ms" },
	{ { .result = GA_RESULT_OK, .elapsed_ms = 3, .has_value = true,
	    .value = "0123456789012345678901234567890123456789X" },
	  "succeeded with '0123456789012345678901234567890123456789...' (41 "
	  "bytes) after 3 ms" },
	{ { .result = GA_RESULT_OK, .elapsed_ms = 4, .has_value = true,
	    .value = "abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz" },
	  "succeeded with 'abcdefghijklmnopqrstuvwxyzabcdefghijklmn...' (52 "
	  "bytes) after 4 ms" },
};

START_TEST(test_outcome_describe)
{
	const struct outcome_case *c = &outcome_cases[_i];
	char buf[256];

	ga_outcome_describe(&c->out, buf, sizeof(buf));
	ck_assert_str_eq(buf, c->want);
}
END_TEST

/* A value that filled the outcome's buffer may have been cut by the
 * harness: "or more". */
START_TEST(test_outcome_describe_full_value)
{
	struct ga_outcome out = { .result = GA_RESULT_OK, .elapsed_ms = 9,
				  .has_value = true };
	char want[256];
	char buf[256];

	memset(out.value, 'v', sizeof(out.value) - 1);
	out.value[sizeof(out.value) - 1] = '\0';
	ga_outcome_describe(&out, buf, sizeof(buf));
	snprintf(want, sizeof(want), "succeeded with '%.40s...' (%zu or more "
		 "bytes) after 9 ms", out.value, sizeof(out.value) - 1);
	ck_assert_str_eq(buf, want);
	ck_assert_str_eq(buf, "succeeded with "
			 "'vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv...' "
			 "(255 or more bytes) after 9 ms");
}
END_TEST

/* ---- ga_outcome_in_set ------------------------------------------------------- */

#define SET_OK { .ok = true }
#define SET_HANG { .hang = true }
#define SET_WRONG { .wrong = true }
#define SET_CODES { .codes = { 2013, 2006 }, .ncodes = 2 }
#define SET_ALL { .ok = true, .hang = true, .wrong = true, \
		  .codes = { 2013 }, .ncodes = 1 }
#define O_OK { .result = GA_RESULT_OK }
#define O_HANG { .result = GA_RESULT_HANG }
#define O_WRONG { .result = GA_RESULT_WRONG }
#define O_ERR(e) { .result = GA_RESULT_ERROR, .err = (e) }

static const struct {
	const char *label;
	struct ga_outcome_set set;
	struct ga_outcome out;
	bool want;
} in_set_cases[] = {
	{ "empty set, ok", { 0 }, O_OK, false },
	{ "empty set, hang", { 0 }, O_HANG, false },
	{ "empty set, wrong", { 0 }, O_WRONG, false },
	{ "empty set, error", { 0 }, O_ERR(2013), false },
	{ "{ok}, ok", SET_OK, O_OK, true },
	{ "{ok}, hang", SET_OK, O_HANG, false },
	{ "{ok}, wrong", SET_OK, O_WRONG, false },
	{ "{ok}, error", SET_OK, O_ERR(2013), false },
	{ "{hang}, hang", SET_HANG, O_HANG, true },
	{ "{hang}, ok", SET_HANG, O_OK, false },
	{ "{hang}, wrong", SET_HANG, O_WRONG, false },
	{ "{hang}, error", SET_HANG, O_ERR(2013), false },
	{ "{wrong}, wrong", SET_WRONG, O_WRONG, true },
	{ "{wrong}, ok", SET_WRONG, O_OK, false },
	{ "{wrong}, hang", SET_WRONG, O_HANG, false },
	{ "{wrong}, error", SET_WRONG, O_ERR(2013), false },
	{ "{2013,2006}, 2013", SET_CODES, O_ERR(2013), true },
	{ "{2013,2006}, 2006", SET_CODES, O_ERR(2006), true },
	{ "{2013,2006}, 2055", SET_CODES, O_ERR(2055), false },
	{ "{2013,2006}, error 0", SET_CODES, O_ERR(0), false },
	{ "{2013,2006}, ok", SET_CODES, O_OK, false },
	{ "{2013,2006}, hang", SET_CODES, O_HANG, false },
	{ "{2013,2006}, wrong", SET_CODES, O_WRONG, false },
	/* err is only looked at for errors */
	{ "{2013}, wrong with err 2013", { .codes = { 2013 }, .ncodes = 1 },
	  { .result = GA_RESULT_WRONG, .err = 2013 }, false },
	{ "{2013}, ok with err 2013", { .codes = { 2013 }, .ncodes = 1 },
	  { .result = GA_RESULT_OK, .err = 2013 }, false },
	/* codes past ncodes do not count */
	{ "ncodes 1 of {2013,2006}, 2006", { .codes = { 2013, 2006 },
	  .ncodes = 1 }, O_ERR(2006), false },
	{ "all, ok", SET_ALL, O_OK, true },
	{ "all, hang", SET_ALL, O_HANG, true },
	{ "all, wrong", SET_ALL, O_WRONG, true },
	{ "all, 2013", SET_ALL, O_ERR(2013), true },
	{ "all, 2006", SET_ALL, O_ERR(2006), false },
	{ "eight codes, the last", { .codes = { 1, 2, 3, 4, 5, 6, 7, 65535 },
	  .ncodes = 8 }, O_ERR(65535), true },
};

START_TEST(test_outcome_in_set)
{
	ck_assert_msg(ga_outcome_in_set(&in_set_cases[_i].set,
					&in_set_cases[_i].out) ==
		      in_set_cases[_i].want, "%s: want %d",
		      in_set_cases[_i].label, in_set_cases[_i].want);
}
END_TEST

/* ---- selection ------------------------------------------------------------ */

#define MARIADB_10_11 { .flavour = GA_FLAVOUR_MARIADB, .version = 101119 }
#define MYSQL(v) { .flavour = GA_FLAVOUR_MYSQL, .version = (v) }

/* A server selector: flavour, comparison, version. */
#define SEL(f, c, v) { .flavour = (f), .version_cmp = (c), .version = (v) }

/* Expect lines for the selection tests; line numbers identify them. */
#define DEFAULT_LINE(l) { .line = (l), .set = { .ok = true }, NOB }
#define MYSQL_GE(l, v) { .line = (l), .set = { .codes = { 4031 }, .ncodes = 1 }, NOB, \
	.selector = SEL(GA_FLAVOUR_MYSQL, GA_CMP_GE, (v)) }
#define MARIADB_ANY(l) { .line = (l), .set = { .codes = { 2013 }, .ncodes = 1 }, NOB, \
	.selector = SEL(GA_FLAVOUR_MARIADB, GA_CMP_NONE, 0) }

static const struct ga_expect lines_default_first[] = {
	DEFAULT_LINE(10), MYSQL_GE(11, 80024),
};
static const struct ga_expect lines_default_last[] = {
	MYSQL_GE(10, 80024), DEFAULT_LINE(11),
};
static const struct ga_expect lines_qualified_only[] = {
	MARIADB_ANY(10), MYSQL_GE(11, 80024),
};
static const struct ga_expect lines_first_match_wins[] = {
	MYSQL_GE(10, 80000), MYSQL_GE(11, 80024), DEFAULT_LINE(12),
};

struct select_case {
	const char *label;
	const struct ga_expect *lines;
	size_t nlines;
	struct ga_server_id server;
	int want_line;          /* 0: NULL */
};

#define LINES(a) (a), sizeof(a) / sizeof((a)[0])

static const struct select_case select_cases[] = {
	{ "default first, MariaDB 10.11", LINES(lines_default_first),
	  MARIADB_10_11, 10 },
	{ "default first, MySQL 8.0.24", LINES(lines_default_first),
	  MYSQL(80024), 11 },
	{ "default first, MySQL 8.0.23", LINES(lines_default_first),
	  MYSQL(80023), 10 },
	{ "default first, MySQL 8.0.36", LINES(lines_default_first),
	  MYSQL(80036), 11 },
	{ "default last, MariaDB 10.11", LINES(lines_default_last),
	  MARIADB_10_11, 11 },
	{ "default last, MySQL 8.0.24", LINES(lines_default_last),
	  MYSQL(80024), 10 },
	{ "default last, MySQL 8.0.23", LINES(lines_default_last),
	  MYSQL(80023), 11 },
	{ "qualified only, MySQL 8.0.23", LINES(lines_qualified_only),
	  MYSQL(80023), 0 },
	{ "qualified only, MySQL 8.4.0", LINES(lines_qualified_only),
	  MYSQL(80400), 11 },
	{ "qualified only, MariaDB 10.11", LINES(lines_qualified_only),
	  MARIADB_10_11, 10 },
	{ "first match wins, MySQL 8.0.36", LINES(lines_first_match_wins),
	  MYSQL(80036), 10 },
	{ "first match wins, MySQL 5.7.44", LINES(lines_first_match_wins),
	  MYSQL(50744), 12 },
};

START_TEST(test_select)
{
	const struct select_case *c = &select_cases[_i];
	struct ga_step step = { .line = 9, .kind = GA_STEP_QUERY, .conn = 0,
				.expects = (struct ga_expect *)c->lines,
				.nexpects = c->nlines };
	const struct ga_expect *e = ga_expect_select(&step, &c->server);

	if (c->want_line == 0) {
		ck_assert_msg(e == NULL, "%s: chose line %d", c->label,
			      e ? e->line : 0);
		return;
	}
	ck_assert_msg(e != NULL, "%s: no line chosen", c->label);
	ck_assert_msg(e->line == c->want_line, "%s: chose line %d, want %d",
		      c->label, e->line, c->want_line);
	ck_assert(e >= c->lines && e < c->lines + c->nlines);
}
END_TEST

static const struct ga_server_id any_servers[] = {
	MARIADB_10_11, MYSQL(80024), MYSQL(0),
};

START_TEST(test_select_implicit_ok)
{
	struct ga_step step = { .line = 3, .kind = GA_STEP_PING, .conn = 0 };
	const struct ga_expect *e = ga_expect_select(&step, &any_servers[_i]);
	struct ga_outcome ok = { .result = GA_RESULT_OK, .elapsed_ms = 99999 };
	struct ga_outcome lost = { .result = GA_RESULT_ERROR, .err = 2013 };
	struct ga_outcome hang = { .result = GA_RESULT_HANG };

	ck_assert_ptr_nonnull(e);
	ck_assert(e->set.ok);
	ck_assert(!e->set.hang);
	ck_assert_uint_eq(e->set.ncodes, 0);
	ck_assert_int_eq(e->after_ms, -1);
	ck_assert_int_eq(e->within_ms, -1);
	ck_assert_int_eq(e->value.cmp, GA_CMP_NONE);
	ck_assert_int_eq(e->thread, GA_THREAD_ANY);
	ck_assert(ga_expect_match(e, &ok, NULL, 0));
	ck_assert(!ga_expect_match(e, &lost, NULL, 0));
	ck_assert(!ga_expect_match(e, &hang, NULL, 0));
}
END_TEST

struct selector_case {
	struct ga_selector sel;
	struct ga_server_id server;
	bool want;
};

static const struct selector_case selector_cases[] = {
	{ SEL(GA_FLAVOUR_ANY, GA_CMP_NONE, 0), MARIADB_10_11, true },
	{ SEL(GA_FLAVOUR_ANY, GA_CMP_NONE, 0), MYSQL(80036), true },
	{ SEL(GA_FLAVOUR_MARIADB, GA_CMP_NONE, 0), MARIADB_10_11, true },
	{ SEL(GA_FLAVOUR_MARIADB, GA_CMP_NONE, 0), MYSQL(80036), false },
	{ SEL(GA_FLAVOUR_MYSQL, GA_CMP_NONE, 0), MARIADB_10_11, false },
	{ SEL(GA_FLAVOUR_MYSQL, GA_CMP_GE, 80024), MYSQL(80024), true },
	{ SEL(GA_FLAVOUR_MYSQL, GA_CMP_GE, 80024), MYSQL(80023), false },
	{ SEL(GA_FLAVOUR_MYSQL, GA_CMP_GE, 80024), MARIADB_10_11, false },
	{ SEL(GA_FLAVOUR_MYSQL, GA_CMP_GT, 80024), MYSQL(80024), false },
	{ SEL(GA_FLAVOUR_MYSQL, GA_CMP_LT, 80024), MYSQL(80023), true },
	{ SEL(GA_FLAVOUR_MYSQL, GA_CMP_LE, 80024), MYSQL(80024), true },
	{ SEL(GA_FLAVOUR_MYSQL, GA_CMP_LE, 80024), MYSQL(80025), false },
	{ SEL(GA_FLAVOUR_MARIADB, GA_CMP_EQ, 101119), MARIADB_10_11, true },
	{ SEL(GA_FLAVOUR_MARIADB, GA_CMP_NE, 101119), MARIADB_10_11, false },
	{ SEL(GA_FLAVOUR_MARIADB, GA_CMP_LT, 100500), MARIADB_10_11, false },
	{ SEL(GA_FLAVOUR_ANY, GA_CMP_GE, 100000), MARIADB_10_11, true },
	{ SEL(GA_FLAVOUR_ANY, GA_CMP_GE, 100000), MYSQL(80036), false },
};

START_TEST(test_selector_matches)
{
	const struct selector_case *c = &selector_cases[_i];

	ck_assert_msg(ga_selector_matches(&c->sel, &c->server) == c->want,
		      "selector {%d %d %lu} vs server {%d %lu}: want %d",
		      c->sel.flavour, c->sel.version_cmp, c->sel.version,
		      c->server.flavour, c->server.version, c->want);
}
END_TEST

/* client=NAME [OP VERSION]: the driver's own name or its --client alias,
 * the version only when it is known. */
#define CSEL(n, c, v) { .client = (n), .client_cmp = (c), \
	.client_version = (v) }
#define CLIENT(n, a, v) { .flavour = GA_FLAVOUR_MYSQL, .version = 80036, \
	.client = (n), .client_alias = (a), .client_version = (v) }
#define PY(v) CLIENT("pymysql", NULL, (v))      /* pymysql, version v */

static const struct selector_case client_cases[] = {
	{ CSEL("pymysql", GA_CMP_NONE, 0), PY(0), true },
	{ CSEL("pymysql", GA_CMP_NONE, 0), CLIENT("mysql2", NULL, 0), false },
	{ CSEL("pymysql", GA_CMP_NONE, 0), CLIENT(NULL, NULL, 0), false },
	{ CSEL("pymysql", GA_CMP_NONE, 0), CLIENT(NULL, "pymysql", 0), true },
	/* "--client libmysqlclient-9.7", a driver calling itself
	 * libmysqlclient: either name selects it, no other does */
	{ CSEL("libmysqlclient-9.7", GA_CMP_NONE, 0),
	  CLIENT("libmysqlclient", "libmysqlclient-9.7", 90700), true },
	{ CSEL("libmysqlclient", GA_CMP_NONE, 0),
	  CLIENT("libmysqlclient", "libmysqlclient-9.7", 90700), true },
	{ CSEL("libmariadb-3.4", GA_CMP_NONE, 0),
	  CLIENT("libmysqlclient", "libmysqlclient-9.7", 90700), false },
	{ CSEL("libmysqlclient-9.7", GA_CMP_GE, 90700),
	  CLIENT("libmysqlclient", "libmysqlclient-9.7", 90700), true },
	{ CSEL("libmysqlclient-9.7", GA_CMP_LT, 90700),
	  CLIENT("libmysqlclient", "libmysqlclient-9.7", 90700), false },
	/* the comparisons */
	{ CSEL("pymysql", GA_CMP_GE, 10100), PY(10100), true },
	{ CSEL("pymysql", GA_CMP_GE, 10100), PY(10099), false },
	{ CSEL("pymysql", GA_CMP_GT, 10100), PY(10100), false },
	{ CSEL("pymysql", GA_CMP_GT, 10100), PY(10101), true },
	{ CSEL("pymysql", GA_CMP_LT, 10100), PY(10002), true },
	{ CSEL("pymysql", GA_CMP_LT, 10100), PY(10100), false },
	{ CSEL("pymysql", GA_CMP_LE, 10100), PY(10100), true },
	{ CSEL("pymysql", GA_CMP_LE, 10100), PY(10101), false },
	{ CSEL("pymysql", GA_CMP_EQ, 10100), PY(10100), true },
	{ CSEL("pymysql", GA_CMP_EQ, 10100), PY(10101), false },
	{ CSEL("pymysql", GA_CMP_NE, 10100), PY(10101), true },
	{ CSEL("pymysql", GA_CMP_NE, 10100), PY(10100), false },
	/* a version on another client does not make it this one */
	{ CSEL("pymysql", GA_CMP_GE, 10000), CLIENT("mysql2", NULL, 50000),
	  false },
	/* an unknown version (0) matches no comparison, not even != or < */
	{ CSEL("pymysql", GA_CMP_LT, 10100), PY(0), false },
	{ CSEL("pymysql", GA_CMP_NE, 10100), PY(0), false },
	{ CSEL("pymysql", GA_CMP_LE, 0), PY(0), false },
	{ CSEL("pymysql", GA_CMP_GE, 0), PY(0), false },
	/* with a server condition: both must hold */
	{ { .flavour = GA_FLAVOUR_MYSQL, .version_cmp = GA_CMP_GE,
	    .version = 80000, .client = "pymysql", .client_cmp = GA_CMP_LT,
	    .client_version = 10100 }, PY(10002), true },
	{ { .flavour = GA_FLAVOUR_MARIADB, .client = "pymysql",
	    .client_cmp = GA_CMP_LT, .client_version = 10100 },
	  PY(10002), false },
	{ { .flavour = GA_FLAVOUR_MYSQL, .version_cmp = GA_CMP_GE,
	    .version = 80000, .client = "pymysql", .client_cmp = GA_CMP_LT,
	    .client_version = 10100 }, PY(10100), false },
};

START_TEST(test_client_matches)
{
	const struct selector_case *c = &client_cases[_i];
	char sel[128];

	ga_selector_describe(&c->sel, sel, sizeof(sel));
	ck_assert_msg(ga_selector_matches(&c->sel, &c->server) == c->want,
		      "%s vs client %s (alias %s) version %lu: want %d", sel,
		      c->server.client ? c->server.client : "NULL",
		      c->server.client_alias ? c->server.client_alias : "NULL",
		      c->server.client_version, c->want);
}
END_TEST

/* The expect line for a client of a known or an unknown version. */
static const struct ga_expect lines_client_versions[] = {
	{ .line = 10, .set = { .codes = { 2013 }, .ncodes = 1 }, NOB,
	  .selector = CSEL("pymysql", GA_CMP_GE, 10100) },
	{ .line = 11, .set = { .codes = { 2006 }, .ncodes = 1 }, NOB,
	  .selector = CSEL("pymysql", GA_CMP_NONE, 0) },
	DEFAULT_LINE(12),
};

static const struct select_case client_select_cases[] = {
	{ "pymysql 1.1", LINES(lines_client_versions),
	  CLIENT("pymysql", NULL, 10100), 10 },
	{ "pymysql 1.0.2", LINES(lines_client_versions),
	  CLIENT("pymysql", NULL, 10002), 11 },
	{ "pymysql, version unknown", LINES(lines_client_versions),
	  CLIENT("pymysql", NULL, 0), 11 },
	{ "alias pymysql 1.1", LINES(lines_client_versions),
	  CLIENT("PyMySQL", "pymysql", 10100), 10 },
	{ "mysql2 2.0", LINES(lines_client_versions),
	  CLIENT("mysql2", NULL, 20000), 12 },
};

START_TEST(test_client_select)
{
	const struct select_case *c = &client_select_cases[_i];
	struct ga_step step = { .line = 9, .kind = GA_STEP_QUERY, .conn = 0,
				.expects = (struct ga_expect *)c->lines,
				.nexpects = c->nlines };
	const struct ga_expect *e = ga_expect_select(&step, &c->server);

	ck_assert_msg(e != NULL, "%s: no line chosen", c->label);
	ck_assert_msg(e->line == c->want_line, "%s: chose line %d, want %d",
		      c->label, e->line, c->want_line);
}
END_TEST

/* ---- ga_selector_describe --------------------------------------------- */

struct sel_describe_case {
	struct ga_selector sel;
	const char *want;
};

static const struct sel_describe_case sel_describe_cases[] = {
	{ SEL(GA_FLAVOUR_ANY, GA_CMP_NONE, 0), "" },
	{ SEL(GA_FLAVOUR_MARIADB, GA_CMP_NONE, 0), "[mariadb]" },
	{ SEL(GA_FLAVOUR_MYSQL, GA_CMP_GE, 80024), "[mysql >= 8.0.24]" },
	{ SEL(GA_FLAVOUR_MYSQL, GA_CMP_LT, 80000), "[mysql < 8.0]" },
	{ SEL(GA_FLAVOUR_MARIADB, GA_CMP_NE, 100600), "[mariadb != 10.6]" },
	{ SEL(GA_FLAVOUR_MARIADB, GA_CMP_EQ, 110402), "[mariadb = 11.4.2]" },
	{ SEL(GA_FLAVOUR_MYSQL, GA_CMP_GT, 50744), "[mysql > 5.7.44]" },
	{ SEL(GA_FLAVOUR_MYSQL, GA_CMP_LE, 90100), "[mysql <= 9.1]" },
	{ CSEL("mysql2", GA_CMP_NONE, 0), "[client=mysql2]" },
	{ CSEL("pymysql", GA_CMP_GE, 10100), "[client=pymysql >= 1.1]" },
	{ CSEL("ruby-mysql2", GA_CMP_LT, 500), "[client=ruby-mysql2 < 0.5]" },
	{ CSEL("go", GA_CMP_EQ, 10801), "[client=go = 1.8.1]" },
	{ { .flavour = GA_FLAVOUR_MYSQL, .version_cmp = GA_CMP_GE,
	    .version = 80024, .client = "pymysql" },
	  "[mysql >= 8.0.24, client=pymysql]" },
	{ { .flavour = GA_FLAVOUR_MARIADB, .client = "pymysql",
	    .client_cmp = GA_CMP_LT, .client_version = 10100 },
	  "[mariadb, client=pymysql < 1.1]" },
};

START_TEST(test_selector_describe)
{
	const struct sel_describe_case *c = &sel_describe_cases[_i];
	char buf[128];

	memset(buf, 'x', sizeof(buf));
	ga_selector_describe(&c->sel, buf, sizeof(buf));
	ck_assert_str_eq(buf, c->want);
}
END_TEST

/* A buffer too small gets a cut, terminated text. */
START_TEST(test_selector_describe_cut)
{
	struct ga_selector sel = CSEL("pymysql", GA_CMP_GE, 10100);
	char buf[8];

	memset(buf, 'x', sizeof(buf));
	ga_selector_describe(&sel, buf, sizeof(buf));
	ck_assert_str_eq(buf, "[client");
	ga_selector_describe(&sel, buf, 1);
	ck_assert_str_eq(buf, "");
}
END_TEST

struct version_case {
	const char *text;
	enum ga_flavour flavour;
	unsigned long version;
};

static const struct version_case version_cases[] = {
	{ "10.11.19-MariaDB-0+deb12u1", GA_FLAVOUR_MARIADB, 101119 },
	{ "8.0.36", GA_FLAVOUR_MYSQL, 80036 },
	{ "8.0.24", GA_FLAVOUR_MYSQL, 80024 },
	{ "5.7.44-log", GA_FLAVOUR_MYSQL, 50744 },
	{ "11.4.2-MariaDB", GA_FLAVOUR_MARIADB, 110402 },
	{ "10.6.18-MariaDB-log", GA_FLAVOUR_MARIADB, 100618 },
	{ "8.4", GA_FLAVOUR_MYSQL, 80400 },
	{ "", GA_FLAVOUR_MYSQL, 0 },
	{ "unknown", GA_FLAVOUR_MYSQL, 0 },
};

START_TEST(test_server_id_parse)
{
	const struct version_case *c = &version_cases[_i];
	struct ga_server_id id = { .flavour = GA_FLAVOUR_ANY,
				   .version = 12345 };

	ga_server_id_parse(c->text, &id);
	ck_assert_msg(id.flavour == c->flavour, "\"%s\": flavour %d, want %d",
		      c->text, id.flavour, c->flavour);
	ck_assert_msg(id.version == c->version, "\"%s\": version %lu, want %lu",
		      c->text, id.version, c->version);
}
END_TEST

/* ---- sessions: a thread id of one server start (issue 18) ---------------- */

/* A server restarted (or crashed and started again) hands out the old
 * thread ids again: "reconnected" and "same-thread" compare (start, id)
 * pairs.  Before, thread 4 of start 2 after thread 4 of start 1 was "the
 * same server thread 4". */
struct session_case {
	const char *label;
	enum ga_thread_check thread;
	unsigned long tid_before, tid_after;
	unsigned start_before, start_after;
	bool want;
	const char *why;                /* a mismatch's reason, in full */
};

static const struct session_case session_cases[] = {
	{ "reconnected: same id, new start", GA_THREAD_NEW, 4, 4, 1, 2,
	  true, NULL },
	{ "reconnected: new id, new start", GA_THREAD_NEW, 4, 5, 1, 2,
	  true, NULL },
	{ "reconnected: new id, same start", GA_THREAD_NEW, 4, 5, 2, 2,
	  true, NULL },
	{ "reconnected: same id, same start", GA_THREAD_NEW, 4, 4, 2, 2,
	  false, "succeeded on the same server thread 4, when expecting a "
	  "reconnect to a new one" },
	{ "reconnected: same id, starts unknown (0)", GA_THREAD_NEW, 4, 4,
	  0, 0, false, "succeeded on the same server thread 4, when "
	  "expecting a reconnect to a new one" },
	{ "reconnected: no id after, new start", GA_THREAD_NEW, 4, 0, 1, 2,
	  false, "succeeded on the same server thread 0, when expecting a "
	  "reconnect to a new one" },
	{ "same-thread: same id, same start", GA_THREAD_SAME, 4, 4, 2, 2,
	  true, NULL },
	{ "same-thread: same id, starts unknown (0)", GA_THREAD_SAME, 4, 4,
	  0, 0, true, NULL },
	{ "same-thread: same id, new start", GA_THREAD_SAME, 4, 4, 1, 2,
	  false, "succeeded on server thread 4 of a new server start: a new "
	  "session, when expecting the same one" },
	{ "same-thread: new id, new start", GA_THREAD_SAME, 4, 5, 1, 2,
	  false, "succeeded on a new server thread 5 (was 4), when "
	  "expecting the same one" },
	{ "same-thread: new id, same start", GA_THREAD_SAME, 4, 5, 1, 1,
	  false, "succeeded on a new server thread 5 (was 4), when "
	  "expecting the same one" },
	{ "same-thread: no id before, new start", GA_THREAD_SAME, 0, 4, 1, 2,
	  false, "succeeded, but the server thread is unknown (before 0, "
	  "after 4): 'same-thread' needs both" },
	{ "no thread check: same id, new start", GA_THREAD_ANY, 4, 4, 1, 2,
	  true, NULL },
};

START_TEST(test_match_session)
{
	const struct session_case *c = &session_cases[_i];
	struct ga_expect exp = { .set = { .ok = true }, NOB,
				 .thread = c->thread };
	struct ga_outcome out = {
		.result = GA_RESULT_OK, .api = "mysql_real_query",
		.elapsed_ms = 3, .thread_before = c->tid_before,
		.thread_after = c->tid_after, .start_before = c->start_before,
		.start_after = c->start_after,
	};
	char why[512];
	bool got;

	got = ga_expect_match(&exp, &out, why, sizeof(why));
	ck_assert_msg(got == c->want, "%s: matched=%d, want %d (why: %s)",
		      c->label, got, c->want, why);
	if (c->why)
		ck_assert_str_eq(why, c->why);
}
END_TEST

/* ga_session_note: one call after another on one connection, each
 * stamped with the starts its ids belong to, then matched. */
struct note_call {
	unsigned now;                   /* the start that answered */
	enum ga_result result;
	unsigned err;
	unsigned long tid_before, tid_after;
	/* what the stamp must be */
	unsigned start_before, start_after;
	enum ga_thread_check thread;    /* an expect line's check ... */
	bool want;                      /* ... and whether it holds */
};

struct note_case {
	const char *label;
	struct note_call calls[4];
	size_t ncalls;
};

#define NOTE_OK(now, b, a, sb, sa, t, w) \
	{ (now), GA_RESULT_OK, 0, (b), (a), (sb), (sa), (t), (w) }
#define NOTE_ERR(now, e, b, a, sb, sa) \
	{ (now), GA_RESULT_ERROR, (e), (b), (a), (sb), (sa), GA_THREAD_ANY, \
	  true }

static const struct note_case note_cases[] = {
	{ "reconnect after a restart gets the old id: a new session", {
		NOTE_OK(1, 0, 4, 1, 1, GA_THREAD_ANY, true),    /* connect */
		NOTE_OK(1, 4, 4, 1, 1, GA_THREAD_SAME, true),
		NOTE_OK(2, 4, 4, 1, 2, GA_THREAD_NEW, true),    /* reconnects */
		NOTE_OK(2, 4, 4, 2, 2, GA_THREAD_SAME, true),
	  }, 4 },
	{ "same-thread across a restart is a new session", {
		NOTE_OK(1, 0, 4, 1, 1, GA_THREAD_ANY, true),
		NOTE_OK(2, 4, 4, 1, 2, GA_THREAD_SAME, false),
	  }, 2 },
	/* Connector/C keeps reporting a lost connection's id: a 2013 with
	 * the id unchanged is still the old session, and the reconnect on
	 * the next query is the new one */
	{ "a lost connection's id stays the old start's", {
		NOTE_OK(1, 0, 4, 1, 1, GA_THREAD_ANY, true),
		NOTE_ERR(2, 2013, 4, 4, 1, 1),
		NOTE_OK(2, 4, 4, 1, 2, GA_THREAD_NEW, true),
	  }, 3 },
	/* MariaDB 10.5 says ER_CONNECTION_KILLED on shutdown, read as the
	 * next query's answer after the restart: the old server's word */
	{ "a server error read late is the old start's", {
		NOTE_OK(1, 0, 4, 1, 1, GA_THREAD_ANY, true),
		NOTE_ERR(2, 1927, 4, 4, 1, 1),
		NOTE_OK(2, 4, 4, 1, 2, GA_THREAD_NEW, true),
	  }, 3 },
	{ "an id that changed in a failed call is the new start's", {
		NOTE_OK(1, 0, 4, 1, 1, GA_THREAD_ANY, true),
		NOTE_ERR(2, 1146, 4, 5, 1, 2),
		NOTE_OK(2, 5, 5, 2, 2, GA_THREAD_SAME, true),
	  }, 3 },
	{ "no id after a call leaves the session as it was", {
		NOTE_OK(1, 0, 4, 1, 1, GA_THREAD_ANY, true),
		NOTE_ERR(2, 2013, 4, 0, 1, 2),
		NOTE_OK(2, 4, 4, 1, 2, GA_THREAD_NEW, true),
	  }, 3 },
	{ "no restart: the same id is the same session", {
		NOTE_OK(1, 0, 4, 1, 1, GA_THREAD_ANY, true),
		NOTE_OK(1, 4, 4, 1, 1, GA_THREAD_NEW, false),
		NOTE_OK(1, 4, 4, 1, 1, GA_THREAD_SAME, true),
	  }, 3 },
};

START_TEST(test_session_note)
{
	const struct note_case *c = &note_cases[_i];
	struct ga_session s = { 0 };
	size_t k;

	for (k = 0; k < c->ncalls; k++) {
		const struct note_call *n = &c->calls[k];
		struct ga_expect exp = { .set = { .ok = true, .any_error = true },
					 NOB, .thread = n->thread };
		struct ga_outcome out = {
			.result = n->result, .err = n->err,
			.api = "mysql_real_query", .elapsed_ms = 3,
			.thread_before = n->tid_before,
			.thread_after = n->tid_after,
		};
		char why[512];
		bool got;

		ga_session_note(&s, n->now, &out);
		ck_assert_msg(out.start_before == n->start_before &&
			      out.start_after == n->start_after,
			      "%s: call %zu: starts %u -> %u, want %u -> %u",
			      c->label, k, out.start_before, out.start_after,
			      n->start_before, n->start_after);
		got = ga_expect_match(&exp, &out, why, sizeof(why));
		ck_assert_msg(got == n->want, "%s: call %zu: matched=%d, want "
			      "%d (why: %s)", c->label, k, got, n->want, why);
	}
}
END_TEST

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))

Suite *make_expect_suite(void)
{
	Suite *s = suite_create("expect");
	TCase *tc;

	tc = tcase_create("match");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_match, 0, N(match_cases));
	tcase_add_test(tc, test_match_why_both_sides);
	tcase_add_loop_test(tc, test_match_why_truncated, 0, N(small_lens));
	suite_add_tcase(s, tc);

	tc = tcase_create("describe");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_expect_describe, 0, N(describe_cases));
	tcase_add_loop_test(tc, test_expect_describe_matching, 0,
			    N(describe_matching_cases));
	tcase_add_loop_test(tc, test_outcome_describe, 0, N(outcome_cases));
	tcase_add_test(tc, test_outcome_describe_full_value);
	suite_add_tcase(s, tc);

	tc = tcase_create("outcome_in_set");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_outcome_in_set, 0, N(in_set_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("select");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_select, 0, N(select_cases));
	tcase_add_loop_test(tc, test_select_implicit_ok, 0, N(any_servers));
	tcase_add_loop_test(tc, test_selector_matches, 0, N(selector_cases));
	tcase_add_loop_test(tc, test_server_id_parse, 0, N(version_cases));
	tcase_add_loop_test(tc, test_client_matches, 0, N(client_cases));
	tcase_add_loop_test(tc, test_client_select, 0, N(client_select_cases));
	tcase_add_loop_test(tc, test_selector_describe, 0,
			    N(sel_describe_cases));
	tcase_add_test(tc, test_selector_describe_cut);
	suite_add_tcase(s, tc);

	tc = tcase_create("value_as_text");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_match_bug_text_equality, 0, N(bug_cases));
	suite_add_tcase(s, tc);

	tc = tcase_create("sessions");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_match_session, 0, N(session_cases));
	tcase_add_loop_test(tc, test_session_note, 0, N(note_cases));
	suite_add_tcase(s, tc);
	return s;
}
