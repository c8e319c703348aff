/* tls.c - see tls.h */
#include "server/tls.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab/spawn.h"
#include "util/fsutil.h"
#include "util/trustdir.h"

#define TLS_DIR "tls-1"         /* change the number to make new ones */
#define OPENSSL_TIMEOUT_MS 60000

static int made(const char *dir)
{
	char path[PATH_MAX + 32];

	snprintf(path, sizeof(path), "%s/server-cert.pem", dir);
	return access(path, R_OK) == 0;
}

static int generate(const char *cache_dir, const char *final,
		    struct ga_interrupt *in, struct ga_error *err)
{
	char work[PATH_MAX], key[PATH_MAX + 32], cert[PATH_MAX + 32];
	char log[PATH_MAX + 32];
	struct ga_spawn_opts so = { 0 };
	struct ga_error ignored;
	const char *argv[] = {
		"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048",
		"-nodes", "-days", "36500", "-subj", "/CN=goneaway-lab",
		"-keyout", key, "-out", cert, NULL,
	};
	int rc = -1;

	snprintf(work, sizeof(work), "%s/tls-making-XXXXXX", cache_dir);
	if (!mkdtemp(work))
		return ga_error_errno(err, errno, "mkdtemp %s", work);
	snprintf(key, sizeof(key), "%s/server-key.pem", work);
	snprintf(cert, sizeof(cert), "%s/server-cert.pem", work);
	snprintf(log, sizeof(log), "%s/openssl.log", work);
	so.argv = argv;
	so.netns_fd = -1;
	so.output_path = log;
	if (ga_spawn_run(&so, in, OPENSSL_TIMEOUT_MS, err)) {
		ga_error_prefix(err, "making the lab's TLS certificate (is "
				"openssl installed?)");
		goto out;
	}
	unlink(log);
	if (rename(work, final) != 0) {
		ga_error_errno(err, errno, "rename %s to %s", work, final);
		goto out;
	}
	rc = 0;
out:
	if (rc)
		ga_tree_remove(work, &ignored);
	return rc;
}

int ga_tls_ensure(const char *cache_dir, struct ga_interrupt *in, char *dir,
		  size_t len, struct ga_error *err)
{
	char lock[PATH_MAX + 16];
	int fd, rc = 0;

	if (snprintf(dir, len, "%s/%s", cache_dir, TLS_DIR) >= (int)len)
		return ga_error_set(err, "cache path too long");
	/* the cache and the levels above it pass util/trustdir.h's rule
	 * (its tls-1 did when the run checked the cache: plan/paths.h) */
	if (ga_trustdir_mkdirs(cache_dir, err))
		return -1;
	if (made(dir))
		return 0;
	snprintf(lock, sizeof(lock), "%s/tls.lock", cache_dir);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return ga_error_errno(err, errno, "open %s", lock);
	if (flock(fd, LOCK_EX) != 0) {
		close(fd);
		return ga_error_errno(err, errno, "lock %s", lock);
	}
	if (!made(dir))         /* nobody made it while we waited */
		rc = generate(cache_dir, dir, in, err);
	close(fd);
	return rc;
}
