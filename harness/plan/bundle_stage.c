/* bundle_stage.c - a case's folder staged to be packed as a bundle
 * (goneaway replay --bundle; see bundle_stage.h): a copy of its files in
 * which, unless --include-host, what names the reporter's machine is
 * left out, and the copy's SHA256SUMS.
 *
 * Left out: the host's name and kernel (the run line of results.jsonl,
 * report.txt's "kernel:" line) and the home directory's path, written
 * "~/" (the command line in the run line and report.txt, my.cnf's
 * certificate paths in the cache, the logs).  scenario.gw, expectations
 * and the steps of results.jsonl are copied as they are: replay checks
 * them against one another.  goneaway writes no environment variable
 * into a case's folder. */
#include "plan/bundle_stage.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "result/results.h"
#include "util/fsutil.h"
#include "util/tarball.h"
#include "plan/casecheck.h"
#include "plan/paths.h"

#define REDACT_MAX (64L << 20)  /* a larger file is copied as it is */
#define LEFT_OUT "(left out of the bundle: replay --bundle --include-host " \
		 "keeps it)"

/* text with every needle in [from, to) replaced by repl: a new string
 * (text freed), or text itself when there is nothing to replace or no
 * memory. */
static char *replace_in(char *text, size_t from, size_t to,
			const char *needle, const char *repl)
{
	size_t nl = strlen(needle), rl = strlen(repl), len = strlen(text);
	size_t count = 0, i, o;
	char *out, *p;

	if (!nl || to > len)
		return text;
	for (p = text + from; (p = memmem(p, (size_t)(text + to - p), needle,
					  nl)); p += nl)
		count++;
	if (!count)
		return text;
	out = malloc(len + count * (rl > nl ? rl - nl : 0) + 1);
	if (!out)
		return text;
	for (i = 0, o = 0; i < len;) {
		if (i >= from && i + nl <= to && memcmp(text + i, needle, nl) == 0) {
			memcpy(out + o, repl, rl);
			o += rl;
			i += nl;
		} else {
			out[o++] = text[i++];
		}
	}
	out[o] = '\0';
	free(text);
	return out;
}

char *ga_bundle_home_left_out(char *text)
{
	const char *home = getenv("HOME");
	char needle[PATH_MAX + 2];

	if (!text || !home || home[0] != '/' || !home[1] ||
	    strlen(home) >= PATH_MAX)
		return text;
	snprintf(needle, sizeof(needle), "%s/", home);
	while (strlen(needle) > 2 && needle[strlen(needle) - 2] == '/')
		needle[strlen(needle) - 1] = '\0';      /* "/root//" */
	return replace_in(text, 0, strlen(text), needle, "~/");
}

/* results.jsonl without the host's name and its kernel (the run line's)
 * and without the home directory's path anywhere (a case line's scenario
 * path names it when the checkout is in a home: a clone in /root). */
static char *redact_results(char *text)
{
	struct utsname u;
	char needle[sizeof(u.nodename) + 16];
	size_t first = strcspn(text, "\n"), len = strlen(text);
	char *head, *out;

	if (uname(&u) != 0)
		return text;
	head = strndup(text, first);
	if (!head)
		return text;
	snprintf(needle, sizeof(needle), "\"name\":\"%s\"", u.nodename);
	if (u.nodename[0] && !strpbrk(u.nodename, "\"\\"))
		head = replace_in(head, 0, strlen(head), needle, "\"name\":\"\"");
	snprintf(needle, sizeof(needle), "\"kernel\":\"%s\"", u.release);
	if (u.release[0] && !strpbrk(u.release, "\"\\"))
		head = replace_in(head, 0, strlen(head), needle,
				  "\"kernel\":\"\"");
	out = malloc(strlen(head) + len - first + 1);
	if (!out) {
		free(head);
		return ga_bundle_home_left_out(text);
	}
	strcpy(out, head);
	strcat(out, text + first);
	free(head);
	free(text);
	return ga_bundle_home_left_out(out);
}

/* report.txt with its "kernel:" line left out, the home's path "~". */
static char *redact_report(char *text)
{
	char *k = strstr(text, "\nkernel:"), *out;
	size_t end;

	if (k) {
		k++;
		end = (size_t)(k - text) + strcspn(k, "\n");
		out = malloc(strlen(text) + sizeof(LEFT_OUT) + 16);
		if (out) {
			snprintf(out, (size_t)(k - text) + 1, "%s", text);
			strcat(out, "kernel:   " LEFT_OUT);
			strcat(out, text + end);
			free(text);
			text = out;
		}
	}
	return ga_bundle_home_left_out(text);
}

/* Whether name is copied as it is: what replay checks against one
 * another, and captures. */
static bool copied_as_is(const char *name)
{
	size_t n = strlen(name);

	return strcmp(name, "scenario.gw") == 0 ||
	       strcmp(name, "expectations") == 0 ||
	       (n > 5 && strcmp(name + n - 5, ".pcap") == 0);
}

/* One regular file of the folder (the open directory from) into the
 * stage, redacted; a link or another type is left out. */
static int stage_file(int from, int to, const char *name, bool include_host,
		      struct ga_error *err)
{
	char path[64 + 256], *text = NULL;
	struct stat st;
	size_t len;
	FILE *f;

	if (strlen(name) > 255 || fstatat(from, name, &st,
					  AT_SYMLINK_NOFOLLOW) != 0 ||
	    !S_ISREG(st.st_mode))
		return 0;
	snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", from, name);
	if (include_host || copied_as_is(name) || st.st_size > REDACT_MAX)
		return ga_file_copy_at(path, to, name, err);
	if (ga_file_read(path, REDACT_MAX, &text, &len, err))
		return -1;
	if (strlen(text) != len) {      /* a NUL inside: not text */
		free(text);
		return ga_file_copy_at(path, to, name, err);
	}
	if (strcmp(name, GA_RESULTS_FILE) == 0)
		text = redact_results(text);
	else if (strcmp(name, "report.txt") == 0)
		text = redact_report(text);
	else
		text = ga_bundle_home_left_out(text);
	f = ga_file_create_at(to, name, err);
	if (!f) {
		free(text);
		return -1;
	}
	fputs(text, f);
	free(text);
	if (ga_file_close(f, 0))
		return ga_error_set(err, "%s: I/O error", name);
	return 0;
}

/* The folder from's files into to, and its subfolders (run-K, the
 * scenario's fixtures) depth levels down; as_is: every file copied as
 * it is (the fixtures, which replay checks against SHA256SUMS). */
static int stage_dir(int from, int to, int depth, bool include_host,
		     bool as_is, struct ga_error *err)
{
	struct dirent *e;
	struct stat st;
	DIR *d;
	int dfd, sub_from, sub_to, rc = 0;

	dfd = dup(from);
	d = dfd >= 0 ? fdopendir(dfd) : NULL;
	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return ga_error_errno(err, errno, "reading the case's folder");
	}
	while (rc == 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.' || strcmp(e->d_name, GA_CASE_DIGESTS) == 0)
			continue;
		if (fstatat(from, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (S_ISREG(st.st_mode)) {
			rc = stage_file(from, to, e->d_name,
					include_host || as_is, err);
			continue;
		}
		if (!S_ISDIR(st.st_mode) || depth <= 0)
			continue;
		sub_from = openat(from, e->d_name, O_RDONLY | O_DIRECTORY |
				  O_NOFOLLOW | O_CLOEXEC);
		if (sub_from < 0)
			continue;
		sub_to = ga_dir_open_beneath(to, e->d_name, err);
		if (sub_to < 0) {
			close(sub_from);
			rc = -1;
			break;
		}
		rc = stage_dir(sub_from, sub_to, depth - 1, include_host,
			       strcmp(e->d_name, GA_FIXTURES_DIR) == 0, err);
		close(sub_from);
		close(sub_to);
	}
	closedir(d);
	return rc;
}

int ga_bundle_stage(const char *dir, const char *stage, bool include_host,
		 struct ga_error *err)
{
	int from, to, rc;
	FILE *f;

	from = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (from < 0)
		return ga_error_errno(err, errno, "%s", dir);
	to = open(stage, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (to < 0) {
		close(from);
		return ga_error_errno(err, errno, "%s", stage);
	}
	rc = stage_dir(from, to, GA_TARBALL_DEPTH - 2, include_host, false,
		       err);
	close(from);
	f = rc == 0 ? ga_file_create_at(to, GA_CASE_DIGESTS, err) : NULL;
	if (rc == 0 && !f)
		rc = -1;
	if (f && rc == 0)
		rc = ga_case_digests_write(to, f, err);
	if (f && ga_file_close(f, rc) && rc == 0)
		rc = ga_error_set(err, GA_CASE_DIGESTS ": I/O error");
	close(to);
	return rc;
}
