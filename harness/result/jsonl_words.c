/* jsonl_words.c - see jsonl_rows.h: the words of results.jsonl ("ok",
 * "mariadb", "PASS", "query", "netem"), found and named for the rows. */
#include "result/jsonl_rows.h"

#include <limits.h>
#include <stddef.h>
#include <string.h>

/* a WORD row reads and writes its enum as an int */
_Static_assert(sizeof(enum ga_result) == sizeof(int) &&
	       sizeof(enum ga_flavour) == sizeof(int) &&
	       sizeof(enum ga_verdict) == sizeof(int) &&
	       sizeof(enum ga_step_kind) == sizeof(int) &&
	       sizeof(enum ga_thread_check) == sizeof(int),
	       "enums are ints");

static const char *const result_words[] = {
	[GA_RESULT_OK] = "ok",
	[GA_RESULT_ERROR] = "error",
	[GA_RESULT_HANG] = "hang",
	[GA_RESULT_WRONG] = "wrong-result",
};

static const char *const flavour_words[] = {
	[GA_FLAVOUR_ANY] = "any",
	[GA_FLAVOUR_MARIADB] = "mariadb",
	[GA_FLAVOUR_MYSQL] = "mysql",
};

#define NWORDS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int word_find(const char *const *words, int n, const char *word)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(words[i], word) == 0)
			return i;
	return -1;
}

const char *ga_jsonl_result_name(int r)
{
	return r >= 0 && r < NWORDS(result_words) ? result_words[r] : "?";
}

int ga_jsonl_result_find(const char *word)
{
	return word_find(result_words, NWORDS(result_words), word);
}

const char *ga_jsonl_flavour_name(int f)
{
	return f >= 0 && f < NWORDS(flavour_words) ? flavour_words[f] : "?";
}

int ga_jsonl_flavour_find(const char *word)
{
	return word_find(flavour_words, NWORDS(flavour_words), word);
}

int ga_jsonl_verdict_find(const char *word)
{
	int v;

	for (v = GA_VERDICT_PASS; v <= GA_VERDICT_ERROR; v++)
		if (strcmp(ga_verdict_name((enum ga_verdict)v), word) == 0)
			return v;
	return -1;
}

int ga_jsonl_kind_find(const char *word)
{
	int k;

	for (k = 0; k < GA_STEP_KIND_COUNT; k++)
		if (strcmp(ga_step_kind_name((enum ga_step_kind)k), word) == 0)
			return k;
	return -1;
}

int ga_jsonl_skip_find(const char *word)
{
	return strcmp(word, "none") == 0 ? GA_SKIP_NONE :
	       ga_skip_kind_find(word);
}

const char *ga_jsonl_verdict_name(int v)
{
	return ga_verdict_name((enum ga_verdict)v);
}

const char *ga_jsonl_kind_name(int v)
{
	return ga_step_kind_name((enum ga_step_kind)v);
}

