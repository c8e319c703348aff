/* fuzz_bundle.c - a bug report's bundle (util/tarball.c's reader) as
 * "goneaway replay x.tar.gz" unpacks it: whole, and only the files it
 * wants (a file and a folder's files, as cli/replay.c wants a
 * scenario's and its fixtures/).  An input that is not gzip
 * (it does not begin 1f 8b) is taken as the tar inside and compressed
 * here first, so that the mutations reach the archive's headers rather
 * than only breaking the gzip stream's checksum; one that is, as it is.
 * Each is unpacked into an empty directory under $TMPDIR, which is then
 * removed; everything made is removed at exit. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "fuzz.h"
#include "util/tarball.h"

static char work[PATH_MAX];

static int remove_one(const char *p, const struct stat *st, int flag,
		      struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p) != 0 && errno != ENOENT ? -1 : 0;
}

static void remove_tree(const char *p)
{
	nftw(p, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void cleanup(void)
{
	if (work[0])
		remove_tree(work);
}

static int setup(void)
{
	const char *tmp = getenv("TMPDIR");

	if (work[0])
		return 0;
	snprintf(work, sizeof(work), "%s/ga-fuzz-bundle.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	if (!mkdtemp(work)) {
		work[0] = '\0';
		return -1;
	}
	atexit(cleanup);
	return 0;
}

/* data as path: gzip-compressed unless it already is.  zlib compresses
 * into a buffer of the target's own, which is then marked written:
 * MemorySanitizer does not see zlib's stores (make msan). */
static int write_input(const char *path, const uint8_t *data, size_t size)
{
	unsigned char *gz = NULL;
	z_stream z;
	size_t n = size;
	ssize_t w = -1;
	int fd;

	if (size < 2 || data[0] != 0x1f || data[1] != 0x8b) {
		memset(&z, 0, sizeof(z));
		if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8,
				 Z_DEFAULT_STRATEGY) != Z_OK)
			return -1;
		n = deflateBound(&z, size);
		gz = malloc(n);
		z.next_in = (unsigned char *)data;
		z.avail_in = (unsigned)size;
		z.next_out = gz;
		z.avail_out = (unsigned)n;
		if (!gz || deflate(&z, Z_FINISH) != Z_STREAM_END)
			n = 0;
		else
			n -= z.avail_out;
		deflateEnd(&z);
		if (!n) {
			free(gz);
			return -1;
		}
		FUZZ_WRITTEN(gz, n);
		data = gz;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0) {
		w = write(fd, data, n);
		close(fd);
	}
	free(gz);
	return w == (ssize_t)n ? 0 : -1;
}

/* A file and a folder, each with bounds a few members can pass. */
static const struct ga_tarball_want wants[] = {
	{ .name = "scenario.gw", .max = 4096 },
	{ .name = "fixtures/", .max = 1024, .files = 3, .total = 2048 },
	{ .name = NULL },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char file[PATH_MAX + 16], into[PATH_MAX + 16], top[256];
	struct ga_error err;

	if (setup())
		return 0;
	snprintf(file, sizeof(file), "%s/in.tar.gz", work);
	snprintf(into, sizeof(into), "%s/into", work);
	if (write_input(file, data, size) || mkdir(into, 0700))
		goto out;
	top[0] = '\0';
	if (ga_tarball_read(file, into, top, sizeof(top), &err) == 0 &&
	    (!top[0] || strchr(top, '/') || strcmp(top, "..") == 0))
		fuzz_fail("unpacked, with a top directory '%s'", top);
	remove_tree(into);
	if (mkdir(into, 0700))
		goto out;
	top[0] = '\0';
	if (ga_tarball_read_some(file, into, wants, top, sizeof(top),
				 &err) == 0 && top[0] &&
	    (strchr(top, '/') || strcmp(top, "..") == 0))
		fuzz_fail("read for replay, with a top directory '%s'", top);
out:
	remove_tree(into);
	unlink(file);
	return 0;
}
