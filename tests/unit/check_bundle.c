/* check_bundle.c - a case's folder as one .tar.gz and back (util/
 * tarball.c): what is packed comes back byte for byte; what is not a
 * plain file or directory is left out when packing; an archive from
 * elsewhere that climbs out, links, hides a name (in a long name's or
 * a pax header too) or lies about its sizes is refused with the member
 * named, nothing made outside; the bundles goneaway wrote before read
 * as they did, each file as its SHA256SUMS says; and
 * the my.cnf kept as evidence names no private path (run/
 * evidence_cnf.c). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "needs.h"
#include "plan/casecheck.h"
#include "run/internal.h"
#include "suites.h"
#include "util/fsutil.h"
#include "util/tarball.h"

static char tmp[64];

static void setup(void)
{
	snprintf(tmp, sizeof(tmp), "/tmp/ga-bundle.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
}

static void teardown(void)
{
	struct ga_error err;

	ga_tree_remove(tmp, &err);
}

static void put(const char *rel, const char *text)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", tmp, rel);
	f = fopen(p, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static char *get(const char *rel)
{
	char p[256], *text = NULL;
	struct ga_error err;

	snprintf(p, sizeof(p), "%s/%s", tmp, rel);
	if (ga_file_read(p, 1 << 20, &text, NULL, &err))
		return NULL;
	return text;
}

START_TEST(test_round_trip)
{
	char out[128], into[128], top[64], *t;
	struct ga_error err;
	size_t files = 0, skipped = 0;
	int fd;

	snprintf(out, sizeof(out), "%s/case", tmp);
	ck_assert_int_eq(mkdir(out, 0700), 0);
	put("case/steps.log", "line 40: query app: ...\n");
	put("case/results.jsonl", "{}\n");
	snprintf(out, sizeof(out), "%s/case/run-1", tmp);
	ck_assert_int_eq(mkdir(out, 0700), 0);
	put("case/run-1/steps.log", "run 1\n");
	snprintf(out, sizeof(out), "%s/case/link", tmp);
	ck_assert_int_eq(symlink("/etc/passwd", out), 0);
	snprintf(out, sizeof(out), "%s/case", tmp);
	fd = open(out, O_RDONLY | O_DIRECTORY);
	snprintf(out, sizeof(out), "%s/c.tar.gz", tmp);
	ck_assert_msg(ga_tarball_write(out, fd, "kill-idle", &files, &skipped,
				       &err) == 0, "%s", err.msg);
	close(fd);
	ck_assert_uint_eq(files, 3);
	ck_assert_uint_eq(skipped, 1);  /* the link */
	/* an existing file is not written over */
	fd = open(tmp, O_RDONLY | O_DIRECTORY);
	ck_assert_int_eq(ga_tarball_write(out, fd, "x", &files, &skipped,
					  &err), -1);
	close(fd);
	snprintf(into, sizeof(into), "%s/into", tmp);
	ck_assert_int_eq(mkdir(into, 0700), 0);
	ck_assert_msg(ga_tarball_read(out, into, top, sizeof(top), &err) == 0,
		      "%s", err.msg);
	ck_assert_str_eq(top, "kill-idle");
	t = get("into/kill-idle/steps.log");
	ck_assert_str_eq(t, "line 40: query app: ...\n");
	free(t);
	t = get("into/kill-idle/run-1/steps.log");
	ck_assert_str_eq(t, "run 1\n");
	free(t);
	ck_assert_ptr_null(get("into/kill-idle/link"));
}
END_TEST

/* The checksum of the header h, written into it. */
static void header_sum(unsigned char *h)
{
	unsigned sum = 0;
	int i;

	memset(h + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
}

/* A ustar header for name, type and size, its checksum right. */
static void header(unsigned char *h, const char *name, char type,
		   unsigned size)
{
	memset(h, 0, 512);
	snprintf((char *)h, 100, "%s", name);
	snprintf((char *)h + 100, 8, "%07o", 0644);
	snprintf((char *)h + 124, 12, "%011o", size);
	h[156] = (unsigned char)type;
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	header_sum(h);
}

struct bad_archive {
	const char *name;
	char type;
	unsigned size;
	bool bad_sum;
	const char *msg;
	const char *body;       /* the member's bytes; NULL: 'x's */
	bool plain_magic;       /* an old tar's header, without "ustar" */
};

/* An archive of one directory "k", the member b gives and, after an
 * extension header's ('L', 'x'), the file "k/f" it extends. */
static void hostile_archive(const char *path, const struct bad_archive *b)
{
	unsigned char h[512], zero[1024];
	unsigned size = b->body ? (unsigned)strlen(b->body) : b->size;
	gzFile gz = gzopen(path, "wb");

	ck_assert_ptr_nonnull(gz);
	header(h, "k", '5', 0);
	gzwrite(gz, h, 512);
	header(h, b->name, b->type, size);
	if (b->plain_magic) {
		memset(h + 257, 0, 8);
		header_sum(h);
	}
	if (b->bad_sum)
		h[0] ^= 1;
	gzwrite(gz, h, 512);
	memset(zero, 'x', sizeof(zero));
	if (b->body)
		memcpy(zero, b->body, size);
	gzwrite(gz, zero, 512);
	if (b->type == 'L' || b->type == 'x') {
		header(h, "k/f", '0', 1);
		gzwrite(gz, h, 512);
		gzwrite(gz, "x", 1);
		memset(zero, 0, sizeof(zero));
		gzwrite(gz, zero, 511);
	}
	memset(zero, 0, sizeof(zero));
	gzwrite(gz, zero, sizeof(zero));
	gzclose(gz);
}

/* a member of a plain ustar archive */
#define MEMBER(name, type, size, bad_sum, msg) \
	{ name, type, size, bad_sum, msg, NULL, false }
#define NEITHER "neither a regular file nor a directory"

static const struct bad_archive bad_archives[] = {
	MEMBER("k/../../escaped", '0', 1, false, "not plain"),
	MEMBER("/tmp/escaped", '0', 1, false, "not plain"),
	MEMBER("k/link", '2', 0, false, NEITHER),
	MEMBER("k/hard", '1', 0, false, NEITHER),
	MEMBER("other/file", '0', 1, false, "not in 'k'"),
	MEMBER("k/a/b/c", '0', 1, false, "too deep"),
	MEMBER("k/f", '0', 1, true, "not a ustar archive"),
	MEMBER("k/f", '0', 4096, false, "cut short"),
	MEMBER("k/.", '0', 1, false, "not plain"),
	MEMBER("k/fifo", '6', 0, false, NEITHER),
	MEMBER("k/dev", '3', 0, false, NEITHER),
	/* a name past ustar's, by GNU tar's long name and by pax's path:
	 * the name the next member takes is the one checked */
	{ "././@LongLink", 'L', 0, false, "not plain",
	  "k/../../escaped", false },
	{ "k/PaxHeader", 'x', 0, false, "not plain",
	  "24 path=k/../../escaped\n", false },
	/* pax's other attributes, and an old tar's header: not a bundle */
	{ "k/PaxHeader", 'x', 0, false, "not a ustar archive",
	  "15 comment=hey\n", false },
	{ "k/f", '0', 1, false, "not a ustar archive", NULL, true },
};

START_TEST(test_hostile)
{
	const struct bad_archive *b = &bad_archives[_i];
	char path[128], into[128], top[64], esc[128];
	struct ga_error err;

	snprintf(path, sizeof(path), "%s/bad.tar.gz", tmp);
	hostile_archive(path, b);
	snprintf(into, sizeof(into), "%s/into", tmp);
	ck_assert_int_eq(mkdir(into, 0700), 0);
	ck_assert_int_eq(ga_tarball_read(path, into, top, sizeof(top), &err),
			 -1);
	ck_assert_msg(strstr(err.msg, b->msg), "'%s' lacks '%s'", err.msg,
		      b->msg);
	snprintf(esc, sizeof(esc), "%s/escaped", tmp);
	ck_assert_int_ne(access(esc, F_OK), 0);
	ck_assert_int_ne(access("/tmp/escaped", F_OK), 0);
}
END_TEST

/* The same archives read for replay (only the files it names): refused
 * alike, before anything is made. */
START_TEST(test_hostile_some)
{
	static const struct ga_tarball_want want[] = {
		{ .name = "f", .max = 1 << 20 }, { .name = "link", .max = 100 },
		{ .name = "hard", .max = 100 }, { .name = NULL },
	};
	const struct bad_archive *b = &bad_archives[_i];
	char path[128], into[128], top[64], esc[128];
	struct ga_error err;

	snprintf(path, sizeof(path), "%s/bad.tar.gz", tmp);
	hostile_archive(path, b);
	snprintf(into, sizeof(into), "%s/into", tmp);
	ck_assert_int_eq(mkdir(into, 0700), 0);
	ck_assert_int_eq(ga_tarball_read_some(path, into, want, top,
					      sizeof(top), &err), -1);
	ck_assert_msg(strstr(err.msg, b->msg), "'%s' lacks '%s'", err.msg,
		      b->msg);
	snprintf(esc, sizeof(esc), "%s/escaped", tmp);
	ck_assert_int_ne(access(esc, F_OK), 0);
}
END_TEST

/* tmp/REL holds text. */
static void has(const char *rel, const char *text)
{
	char *t = get(rel);

	ck_assert_str_eq(t, text);
	free(t);
}

/* tmp/case packed as tmp/NAME, its folder "k". */
static void pack_case(const char *name)
{
	char out[128];
	struct ga_error err;
	size_t files = 0, skipped = 0;
	int fd;

	snprintf(out, sizeof(out), "%s/case", tmp);
	fd = open(out, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	snprintf(out, sizeof(out), "%s/%s", tmp, name);
	ck_assert_msg(ga_tarball_write(out, fd, "k", &files, &skipped, &err) ==
		      0, "%s", err.msg);
	close(fd);
}

/* tmp/ARCHIVE read for want into tmp/INTO (made): what
 * ga_tarball_read_some() returns. */
static int read_into(const char *archive, const char *into,
		     const struct ga_tarball_want *want, struct ga_error *err)
{
	char path[128], dir[128], top[64];

	snprintf(path, sizeof(path), "%s/%s", tmp, archive);
	snprintf(dir, sizeof(dir), "%s/%s", tmp, into);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	return ga_tarball_read_some(path, dir, want, top, sizeof(top), err);
}

/* Replay's read of a bundle: the small files it names are written, a
 * large capture is read past and never written; a named file past its
 * bound is refused with the bound in the message. */
START_TEST(test_read_some)
{
	static const struct ga_tarball_want want[] = {
		{ .name = "results.jsonl", .max = 100 },
		{ .name = "scenario.gw", .max = 100 }, { .name = NULL },
	};
	static const struct ga_tarball_want tight[] = {
		{ .name = "capture.pcap", .max = 1000 }, { .name = NULL },
	};
	char out[128], *big;
	struct ga_error err;
	struct stat st;
	FILE *f;

	snprintf(out, sizeof(out), "%s/case", tmp);
	ck_assert_int_eq(mkdir(out, 0700), 0);
	put("case/results.jsonl", "{}\n");
	put("case/scenario.gw", "title t\n");
	put("case/steps.log", "log\n");
	snprintf(out, sizeof(out), "%s/case/capture.pcap", tmp);
	f = fopen(out, "w");
	ck_assert_ptr_nonnull(f);
	big = calloc(1, 4 << 20);
	ck_assert_ptr_nonnull(big);
	fwrite(big, 1, 4 << 20, f);
	fclose(f);
	free(big);
	pack_case("c.tar.gz");
	ck_assert_msg(read_into("c.tar.gz", "into", want, &err) == 0, "%s",
		      err.msg);
	has("into/k/results.jsonl", "{}\n");
	has("into/k/scenario.gw", "title t\n");
	snprintf(out, sizeof(out), "%s/into/k/capture.pcap", tmp);
	ck_assert_int_ne(lstat(out, &st), 0);
	snprintf(out, sizeof(out), "%s/into/k/steps.log", tmp);
	ck_assert_int_ne(lstat(out, &st), 0);
	/* a named file past its bound */
	ck_assert_int_eq(read_into("c.tar.gz", "into2", tight, &err), -1);
	ck_assert_msg(strstr(err.msg, "member 'k/capture.pcap' is larger than "
			     "1000 bytes"), "%s", err.msg);
	snprintf(out, sizeof(out), "%s/into2/k/capture.pcap", tmp);
	ck_assert_int_ne(lstat(out, &st), 0);
}
END_TEST

/* A folder's entry ("fixtures/"): its files are written into
 * into/TOP/fixtures, within its count and total; past either, the
 * member is refused naming the bound, and nothing more is written. */
START_TEST(test_read_some_folder)
{
	static const struct ga_tarball_want want[] = {
		{ .name = "scenario.gw", .max = 100 },
		{ .name = "fixtures/", .max = 10, .files = 2, .total = 12 },
		{ .name = NULL },
	};
	static const struct ga_tarball_want fewer[] = {
		{ .name = "fixtures/", .max = 10, .files = 1, .total = 12 },
		{ .name = NULL },
	};
	static const struct ga_tarball_want smaller[] = {
		{ .name = "fixtures/", .max = 10, .files = 2, .total = 9 },
		{ .name = NULL },
	};
	char out[128], into[128];
	struct ga_error err;
	struct stat st;

	snprintf(out, sizeof(out), "%s/case", tmp);
	ck_assert_int_eq(mkdir(out, 0700), 0);
	snprintf(out, sizeof(out), "%s/case/fixtures", tmp);
	ck_assert_int_eq(mkdir(out, 0700), 0);
	snprintf(out, sizeof(out), "%s/case/other", tmp);
	ck_assert_int_eq(mkdir(out, 0700), 0);
	put("case/scenario.gw", "title t\n");
	put("case/fixtures/a.csv", "1,a\n");
	put("case/fixtures/b.csv", "22,bb\n");
	put("case/other/x", "not wanted\n");
	pack_case("f.tar.gz");
	ck_assert_msg(read_into("f.tar.gz", "into", want, &err) == 0, "%s",
		      err.msg);
	has("into/k/fixtures/b.csv", "22,bb\n");
	has("into/k/fixtures/a.csv", "1,a\n");
	snprintf(into, sizeof(into), "%s/into/k/other/x", tmp);
	ck_assert_int_ne(lstat(into, &st), 0);
	/* past its count, past its total */
	ck_assert_int_eq(read_into("f.tar.gz", "into2", fewer, &err), -1);
	ck_assert_msg(strstr(err.msg, "more than 1 files or 12 bytes in "
			     "fixtures/"), "%s", err.msg);
	ck_assert_int_eq(read_into("f.tar.gz", "into3", smaller, &err), -1);
	ck_assert_msg(strstr(err.msg, "more than 2 files or 9 bytes"), "%s",
		      err.msg);
}
END_TEST

/* Bundles goneaway wrote before its reader was libarchive's, kept in the
 * fuzz seeds: 0.4.0's "replay --bundle" of kill-idle, and 0.4.0+398's
 * (main at bdecfac) of a case whose connection read its fixtures/.
 * Each reads whole and as replay reads it, every file the bytes its
 * SHA256SUMS gives (plan/casecheck.c, --trust not given). */
static const struct { const char *file, *top; } old_bundles[] = {
	{ "bundle-0.4.0-kill-idle.tar.gz", "kill-idle" },
	{ "bundle-0.4.0+398-load-fixtures.tar.gz", "load-fixtures" },
};

START_TEST(test_old_bundle)
{
	static const struct ga_tarball_want want[] = {
		{ .name = "results.jsonl", .max = 1 << 20 },
		{ .name = "scenario.gw", .max = 1 << 20 },
		{ .name = "my.cnf", .max = 1 << 20 },
		{ .name = "SHA256SUMS", .max = 1 << 20 },
		{ .name = "fixtures/", .max = 1 << 20, .files = 10,
		  .total = 1 << 20 },
		{ .name = NULL },
	};
	char path[PATH_MAX], into[128], top[64], dir[256];
	struct ga_error err;
	int some;

	snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/bundle/%s",
		 unit_top(), old_bundles[_i].file);
	for (some = 0; some < 2; some++) {
		snprintf(into, sizeof(into), "%s/into%d", tmp, some);
		ck_assert_int_eq(mkdir(into, 0700), 0);
		ck_assert_msg((some ? ga_tarball_read_some(path, into, want, top,
							   sizeof(top), &err) :
			       ga_tarball_read(path, into, top, sizeof(top),
					       &err)) == 0, "%s", err.msg);
		ck_assert_str_eq(top, old_bundles[_i].top);
		snprintf(dir, sizeof(dir), "%s/%s", into, top);
		ck_assert_int_eq(ga_case_check_digests(dir, "bundle:", false),
				 0);
	}
}
END_TEST

START_TEST(test_not_gzip)
{
	char path[128], into[128], top[64];
	struct ga_error err;

	put("junk.tar.gz", "no archive here\n");
	snprintf(path, sizeof(path), "%s/junk.tar.gz", tmp);
	snprintf(into, sizeof(into), "%s/into", tmp);
	ck_assert_int_eq(mkdir(into, 0700), 0);
	ck_assert_int_eq(ga_tarball_read(path, into, top, sizeof(top), &err),
			 -1);
}
END_TEST

/* my.cnf as evidence: the private directory's paths, on the host and in
 * a root, become @PRIVATE@; another path stays. */
START_TEST(test_cnf)
{
	char src[128], *t;
	struct ga_error err;
	int fd;

	snprintf(src, sizeof(src), "%s/src.cnf", tmp);
	put("src.cnf", "[mysqld]\ndatadir=/tmp/goneaway-run-x/3/data\n"
	    "socket=/goneaway/s.sock\n"
	    "ssl_cert=/root/.cache/goneaway/tls-1/cert.pem\n"
	    "tmpdir=/tmp/goneaway-run-x/30\n");
	fd = open(tmp, O_RDONLY | O_DIRECTORY);
	ck_assert_msg(ga_keep_cnf(src, fd, "/tmp/goneaway-run-x/3", &err) == 0,
		      "%s", err.msg);
	close(fd);
	t = get("my.cnf");
	ck_assert_ptr_nonnull(strstr(t, "\ndatadir=@PRIVATE@/data\n"));
	ck_assert_ptr_nonnull(strstr(t, "\nsocket=@PRIVATE@/s.sock\n"));
	ck_assert_ptr_nonnull(strstr(t, "\nssl_cert=/root/.cache/goneaway/"
				     "tls-1/cert.pem\n"));
	ck_assert_ptr_nonnull(strstr(t, "\ntmpdir=/tmp/goneaway-run-x/30\n"));
	ck_assert_ptr_nonnull(strstr(t, "# Kept by goneaway as evidence."));
	free(t);
}
END_TEST

Suite *make_bundle_suite(void)
{
	Suite *s = suite_create("bundle");
	TCase *tc = tcase_create("tarball");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_round_trip);
	tcase_add_loop_test(tc, test_hostile, 0,
			    (int)(sizeof(bad_archives) / sizeof(bad_archives[0])));
	tcase_add_loop_test(tc, test_hostile_some, 0,
			    (int)(sizeof(bad_archives) / sizeof(bad_archives[0])));
	tcase_add_test(tc, test_read_some);
	tcase_add_test(tc, test_read_some_folder);
	tcase_add_loop_test(tc, test_old_bundle, 0,
			    (int)(sizeof(old_bundles) / sizeof(old_bundles[0])));
	tcase_add_test(tc, test_not_gzip);
	tcase_add_test(tc, test_cnf);
	suite_add_tcase(s, tc);
	return s;
}
