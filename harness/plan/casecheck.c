/* casecheck.c - a case's folder checked before goneaway replay runs
 * anything of it (see casecheck.h): its files are the ones SHA256SUMS
 * names, its scenario has the steps its report has, and the scenario
 * does nothing on the host that a replay does not do without --trust.
 * Each refusal names the file (and line) and why. */
#include "plan/casecheck.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lang/trust.h"
#include "plan/paths.h"
#include "result/results.h"
#include "util/escape.h"
#include "util/json.h"
#include "util/sha256.h"

#define STEP_TEXT_CUT 4096      /* results.jsonl cuts a step's text here
				 * (result/jsonl_write.c) */

/* The open directory dir, not through a symlink; -1 (said) when not. */
static int open_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		ga_esc_line(stderr, "goneaway replay: %s: %s", dir,
			    strerror(errno));
	return fd;
}

/* SHA256SUMS's text, '\0'-ended, into buf; 1 when there is none. */
static int read_digests(int dfd, char *buf, size_t len, const char *shown)
{
	struct stat st;
	ssize_t n;
	int fd;

	fd = openat(dfd, GA_CASE_DIGESTS, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 1;
	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_size >= (off_t)len) {
		ga_esc_line(stderr, "goneaway replay: %s" GA_CASE_DIGESTS ": not "
			    "a regular file of at most %zu bytes", shown,
			    len - 1);
		if (fd >= 0)
			close(fd);
		return -1;
	}
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0 || n != st.st_size) {
		ga_esc_line(stderr, "goneaway replay: %s" GA_CASE_DIGESTS ": "
			    "cannot be read", shown);
		return -1;
	}
	buf[n] = '\0';
	return 0;
}

int ga_case_check_digests(const char *dir, const char *shown, bool trust)
{
	static const char *const names[] = GA_CASE_DIGESTED;
	char sums[GA_CASE_DIGESTS_FILE_MAX + 1], want[GA_SHA256_HEX];
	char have[GA_SHA256_HEX];
	struct ga_error err;
	size_t i;
	int dfd, rc;

	dfd = open_dir(dir);
	if (dfd < 0)
		return -1;
	rc = read_digests(dfd, sums, sizeof(sums), shown);
	if (rc == 1) {
		close(dfd);
		if (trust)
			return 0;
		ga_esc_line(stderr, "goneaway replay: %s" GA_CASE_DIGESTS ": not "
			    "there: nothing ties the scenario to the case's "
			    "report (a folder from an older goneaway, or "
			    "one put together by hand); --trust replays it "
			    "all the same, its steps checked against "
			    "results.jsonl", shown);
		return -1;
	}
	if (rc < 0) {
		close(dfd);
		return -1;
	}
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		bool here = faccessat(dfd, names[i], F_OK,
				      AT_SYMLINK_NOFOLLOW) == 0;

		if (!ga_case_digest_of(sums, names[i], want)) {
			if (!here)
				continue;
			ga_esc_line(stderr, "goneaway replay: %s%s: "
				    GA_CASE_DIGESTS " gives it no digest: not a "
				    "file of the case as it was reported",
				    shown, names[i]);
			close(dfd);
			return -1;
		}
		if (ga_sha256_file_at(dfd, names[i], GA_CASE_DIGESTS_MAX, have,
				      &err)) {
			ga_esc_line(stderr, "goneaway replay: %s%s", shown,
				    err.msg);
			close(dfd);
			return -1;
		}
		if (strcmp(want, have) != 0) {
			ga_esc_line(stderr, "goneaway replay: %s%s: its SHA-256 "
				    "is not the one " GA_CASE_DIGESTS " gives: "
				    "not the file the case was reported with "
				    "(changed since); refused, --trust or "
				    "not", shown, names[i]);
			close(dfd);
			return -1;
		}
	}
	rc = ga_case_check_fixtures(dfd, sums, shown);
	close(dfd);
	return rc;
}

/* Whether a step's text as results.jsonl has it (cut at STEP_TEXT_CUT
 * bytes, at a character) is the scenario's text. */
static bool same_text(const char *reported, size_t rlen, const char *text)
{
	size_t n;

	if (!text)
		return !reported;
	if (!reported)
		return false;
	n = strlen(text);
	if (n <= STEP_TEXT_CUT)
		return rlen == n && memcmp(reported, text, n) == 0;
	return rlen + 4 > STEP_TEXT_CUT && rlen <= STEP_TEXT_CUT &&
	       memcmp(reported, text, rlen) == 0;
}

/* One "step" line of results.jsonl against sc's step i; prints the
 * difference.  Returns 0 or -1. */
static int check_step(const struct ga_json *j, const struct ga_scenario *sc,
		      size_t i, const char *shown, long lineno)
{
	const struct ga_step *s = &sc->steps[i];
	const struct ga_json *text = ga_json_get(j, "text");
	const char *kind = ga_json_str(j, "kind", "");
	double line = ga_json_num(j, "line", -1);
	const char *reported = text && text->type == GA_JSON_STRING ?
			       text->str : NULL;
	const char *scenario_text = s->kind == GA_STEP_FAULT ? NULL : s->text;

	if (line != s->line || strcmp(kind, ga_step_kind_name(s->kind)) != 0) {
		ga_esc_line(stderr, "goneaway replay: %sscenario.gw:%d: %s, "
			    "and the report's step %zu (results.jsonl line "
			    "%ld) is a %s at line %.0f: not the scenario that "
			    "was reported", shown, s->line,
			    ga_step_kind_name(s->kind), i + 1, lineno, kind,
			    line);
		return -1;
	}
	if (!same_text(reported, reported ? text->len : 0, scenario_text)) {
		ga_esc_line(stderr, "goneaway replay: %sscenario.gw:%d: the "
			    "%s's text is not the one the report gives it "
			    "(results.jsonl line %ld): not the scenario that "
			    "was reported", shown, s->line,
			    ga_step_kind_name(s->kind), lineno);
		return -1;
	}
	return 0;
}

int ga_case_check_steps(const char *dir, const char *shown,
		       const struct ga_scenario *sc)
{
	char path[PATH_MAX + 32], *line;
	struct ga_error err;
	struct ga_json *j;
	size_t steps = 0;
	long lineno = 0;
	int fd, rc = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, GA_RESULTS_FILE);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	f = fd >= 0 ? fdopen(fd, "r") : NULL;
	line = malloc(GA_RESULTS_LINE_MAX + 2);
	if (!f || !line) {
		ga_esc_line(stderr, "goneaway replay: %s" GA_RESULTS_FILE ": %s",
			    shown, strerror(errno));
		if (f)
			fclose(f);
		else if (fd >= 0)
			close(fd);
		free(line);
		return -1;
	}
	while (rc == 0 && fgets(line, GA_RESULTS_LINE_MAX + 2, f)) {
		lineno++;
		if (!strstr(line, "\"type\":\"step\""))
			continue;
		j = ga_json_parse(line, strlen(line), &err);
		if (!j || strcmp(ga_json_str(j, "type", ""), "step") != 0) {
			ga_json_free(j);
			continue;       /* the strict reader has read it */
		}
		if (steps >= sc->nsteps) {
			ga_esc_line(stderr, "goneaway replay: %s" GA_RESULTS_FILE
				    ":%ld: a step more than scenario.gw has "
				    "(%zu): not the scenario that was "
				    "reported", shown, lineno, sc->nsteps);
			rc = -1;
		} else {
			rc = check_step(j, sc, steps, shown, lineno);
		}
		steps++;
		ga_json_free(j);
	}
	fclose(f);
	free(line);
	if (rc == 0 && steps != sc->nsteps) {
		ga_esc_line(stderr, "goneaway replay: %sscenario.gw: %zu steps, "
			    "and its report %zu: not the scenario that was "
			    "reported", shown, sc->nsteps, steps);
		rc = -1;
	}
	return rc;
}

int ga_case_check_trust(const struct ga_scenario *sc)
{
	struct ga_diags d = { 0 };

	if (ga_trust_check(sc, &d) == 0)
		return 0;
	ga_diags_print(&d, stderr);
	fprintf(stderr, "goneaway replay: refused: the case comes from "
		"elsewhere and would do on this machine what a replay does "
		"not without --trust (%zu line%s above; docs/"
		"scenario-format.md, \"Replaying a case from elsewhere\")\n",
		d.n, d.n == 1 ? "" : "s");
	ga_diags_free(&d);
	return -1;
}
