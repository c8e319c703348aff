/* needs.c - see needs.h */
#include "needs.h"

#include <check.h>

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void unit_needs_init(struct unit_needs *n, FILE *out)
{
	const char *req = getenv("GA_UNIT_REQUIRE_ROOT");

	n->root = geteuid() == 0;
	n->required = req && strcmp(req, "1") == 0;
	n->left_out = 0;
	n->out = out;
}

const char *unit_top(void)
{
	const char *top = getenv("GA_UNIT_TOP");

	return top && *top ? top : GA_UNIT_TOP;
}

/* Would Check run suite/tcase?  The same environment, the same rules as
 * its srunner_run_tagged(): exact names; with include tags, only a tagged
 * test case runs, and none of ours has tags. */
static bool selected(const char *suite, const char *tcase)
{
	const char *s = getenv("CK_RUN_SUITE");
	const char *c = getenv("CK_RUN_CASE");

	if (s && strcmp(s, suite) != 0)
		return false;
	if (c && strcmp(c, tcase) != 0)
		return false;
	return getenv("CK_INCLUDE_TAGS") == NULL;
}

bool unit_needs_root(struct unit_needs *n, const char *suite,
		     const char *tcase, const char *why)
{
	if (n->root)
		return true;
	if (!selected(suite, tcase))
		return false;
	n->left_out++;
	fprintf(n->out, "%s %s/%s: needs root (%s)\n",
		n->required ? "FAIL" : "SKIP", suite, tcase, why);
	/* Check forks for every test: nothing may wait in a buffer. */
	fflush(n->out);
	return false;
}

bool unit_needs_report(const struct unit_needs *n)
{
	if (n->left_out == 0)
		return false;
	if (n->required) {
		fprintf(n->out, "FAILED: %u test cases need root and "
			"GA_UNIT_REQUIRE_ROOT=1 demands them (see FAIL above)\n",
			n->left_out);
		return true;
	}
	fprintf(n->out, "SKIPPED: %u test cases need root and did not run "
		"(see SKIP above); Checks does not count them\n", n->left_out);
	return false;
}

void unit_write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "we");

	ck_assert_msg(f != NULL, "cannot write %s", path);
	ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

void unit_golden(const char *path, const char *text, size_t len)
{
	const char *w = getenv("GA_GOLDEN_WRITE");
	size_t wlen, line = 1, i;
	char *want;
	FILE *f;

	if (w && *w == '1') {
		unit_write_file(path, text, len);
		return;
	}
	f = fopen(path, "re");
	ck_assert_msg(f != NULL, "no golden file %s (GA_GOLDEN_WRITE=1 makes "
		      "it)", path);
	want = malloc(len + 2);
	ck_assert_ptr_nonnull(want);
	wlen = fread(want, 1, len + 1, f);
	fclose(f);
	for (i = 0; i < len && i < wlen && text[i] == want[i]; i++)
		if (text[i] == '\n')
			line++;
	free(want);
	ck_assert_msg(i == len && wlen == len, "%s differs from what the code "
		      "makes, from its line %zu on (GA_GOLDEN_DIR=DIR keeps what "
		      "it makes, where a test says so; GA_GOLDEN_WRITE=1 "
		      "rewrites the golden file when the change is meant)", path,
		      line);
}
