/* casedigests.c - the lines of a case folder's SHA256SUMS: the files
 * replay runs (GA_CASE_DIGESTED) and the scenario's fixtures (its
 * fixtures/, lang/scenario.h), written (plan/sink_casefolder.c, and replay
 * --bundle's staged copy) and, for the fixtures, checked (casecheck.h). */
#include "plan/casecheck.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plan/paths.h"
#include "util/escape.h"
#include "util/flatcopy.h"
#include "util/sha256.h"

struct fixtures {
	char names[GA_FIXTURES_FILES_MAX][GA_FIXTURES_NAME_MAX + 1];
	size_t n;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The folder's fixtures/ opened (not through a symlink) and its files
 * listed, sorted, into fx: regular files with plain names, as many as a
 * scenario may have.  Returns the directory's descriptor, -2 when the
 * folder has none, or -1 with err naming what is not a fixture. */
static int list_fixtures(int dir, struct fixtures *fx, struct ga_error *err)
{
	struct dirent *e;
	struct stat st;
	int fd, dup_fd;
	DIR *d;

	fx->n = 0;
	fd = openat(dir, GA_FIXTURES_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return -2;
	if (fd < 0)
		return ga_error_errno(err, errno, GA_FIXTURES_DIR
				      " (a directory, not a symlink)");
	dup_fd = dup(fd);
	d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
	if (!d) {
		if (dup_fd >= 0)
			close(dup_fd);
		close(fd);
		return ga_error_errno(err, errno, GA_FIXTURES_DIR);
	}
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (!ga_plain_name(e->d_name, GA_FIXTURES_NAME_MAX) ||
		    fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(st.st_mode) || fx->n == GA_FIXTURES_FILES_MAX) {
			ga_error_set(err, GA_FIXTURES_DIR "/%.100s: not one of "
				     "a scenario's fixtures (at most %d regular "
				     "files with plain names)", e->d_name,
				     GA_FIXTURES_FILES_MAX);
			closedir(d);
			close(fd);
			return -1;
		}
		snprintf(fx->names[fx->n++], sizeof(fx->names[0]), "%s",
			 e->d_name);
	}
	closedir(d);
	qsort(fx->names, fx->n, sizeof(fx->names[0]), by_name);
	return fd;
}

int ga_case_digests_write(int dir, FILE *f, struct ga_error *err)
{
	static const char *const names[] = GA_CASE_DIGESTED;
	char hex[GA_SHA256_HEX];
	struct fixtures fx;
	size_t i;
	int fd;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (faccessat(dir, names[i], F_OK, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		if (ga_sha256_file_at(dir, names[i], GA_CASE_DIGESTS_MAX, hex,
				      err))
			return -1;
		fprintf(f, "%s  %s\n", hex, names[i]);
	}
	fd = list_fixtures(dir, &fx, err);
	if (fd == -2)
		return 0;
	if (fd < 0)
		return -1;
	for (i = 0; i < fx.n; i++) {
		if (ga_sha256_file_at(fd, fx.names[i], GA_FIXTURES_BYTES_MAX,
				      hex, err)) {
			close(fd);
			return ga_error_prefix(err, GA_FIXTURES_DIR);
		}
		fprintf(f, "%s  " GA_FIXTURES_DIR "/%s\n", hex, fx.names[i]);
	}
	close(fd);
	return 0;
}

const char *ga_case_digest_of(const char *sums, const char *name,
			      char hex[GA_SHA256_HEX])
{
	const char *p, *nl;
	size_t n = strlen(name);

	for (p = sums; *p; p = *nl ? nl + 1 : nl) {
		nl = strchrnul(p, '\n');
		if ((size_t)(nl - p) == 64 + 2 + n && p[64] == ' ' &&
		    p[65] == ' ' && memcmp(p + 66, name, n) == 0) {
			memcpy(hex, p, 64);
			hex[64] = '\0';
			return hex;
		}
	}
	return NULL;
}

int ga_case_check_fixtures(int dir, const char *sums, const char *shown)
{
	char want[GA_SHA256_HEX], have[GA_SHA256_HEX];
	char line_name[GA_FIXTURES_NAME_MAX + 16];
	size_t pl = strlen(GA_FIXTURES_DIR) + 1, i, n;
	struct ga_error err;
	struct fixtures fx;
	const char *p, *nl, *name;
	int fd, rc = 0;

	fd = list_fixtures(dir, &fx, &err);
	if (fd == -1) {
		ga_esc_line(stderr, "goneaway replay: %s%s", shown, err.msg);
		return -1;
	}
	/* every fixture SHA256SUMS names is there ... */
	for (p = sums; *p && rc == 0; p = *nl ? nl + 1 : nl) {
		nl = strchrnul(p, '\n');
		if ((size_t)(nl - p) <= 66 + pl ||
		    memcmp(p + 66, GA_FIXTURES_DIR "/", pl) != 0)
			continue;
		name = p + 66 + pl;
		n = (size_t)(nl - name);
		for (i = 0; i < fx.n; i++)
			if (strlen(fx.names[i]) == n &&
			    memcmp(fx.names[i], name, n) == 0)
				break;
		if (i == fx.n) {
			ga_esc_line(stderr, "goneaway replay: %s" GA_FIXTURES_DIR
				    "/%.*s: " GA_CASE_DIGESTS " gives its "
				    "digest, and the folder does not have it",
				    shown, (int)(n > 100 ? 100 : n), name);
			rc = -1;
		}
	}
	/* ... and every one there has the digest it gives */
	for (i = 0; i < fx.n && rc == 0; i++) {
		snprintf(line_name, sizeof(line_name), GA_FIXTURES_DIR "/%s",
			 fx.names[i]);
		if (!ga_case_digest_of(sums, line_name, want)) {
			ga_esc_line(stderr, "goneaway replay: %s" GA_FIXTURES_DIR
				    "/%s: " GA_CASE_DIGESTS " gives it no "
				    "digest: not a file of the case as it was "
				    "reported", shown, fx.names[i]);
			rc = -1;
		} else if (ga_sha256_file_at(fd, fx.names[i],
					     GA_FIXTURES_BYTES_MAX, have,
					     &err)) {
			ga_esc_line(stderr, "goneaway replay: %s" GA_FIXTURES_DIR
				    "/%s", shown, err.msg);
			rc = -1;
		} else if (strcmp(want, have) != 0) {
			ga_esc_line(stderr, "goneaway replay: %s" GA_FIXTURES_DIR
				    "/%s: its SHA-256 is not the one "
				    GA_CASE_DIGESTS " gives: not the file the "
				    "case was reported with (changed since); "
				    "refused, --trust or not", shown,
				    fx.names[i]);
			rc = -1;
		}
	}
	if (fd >= 0)
		close(fd);
	return rc;
}
