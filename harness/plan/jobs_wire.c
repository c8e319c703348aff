/* jobs_wire.c - see jobs_wire.h: a case result as its JSON between a
 * worker and the run that forked it. */
#include "plan/jobs_wire.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "result/results.h"
#include "run/expect.h"
#include "util/fsutil.h"

#define WIRE_MAGIC 0x67615232u          /* "gaR2": JSON */

struct wire_head {
	uint32_t magic;
	uint32_t unused;
	uint64_t id;
	uint64_t len;                   /* bytes of JSON after the head */
};

int ga_workers_send(int fd, uint64_t id, const struct ga_scenario *sc,
		 const struct ga_case_result *res, struct ga_error *err)
{
	struct wire_head h = { WIRE_MAGIC, 0, id, 0 };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	int rc;

	if (!f)
		return ga_error_set(err, "out of memory");
	ga_results_write_whole(f, sc, res, ga_expect_implicit());
	if (fclose(f) != 0 || !text) {
		free(text);
		return ga_error_set(err, "out of memory");
	}
	if (len > GA_WORKERS_RESULT_MAX) {
		free(text);
		return ga_error_set(err, "a result of %zu bytes, more than %zu",
				    len, GA_WORKERS_RESULT_MAX);
	}
	h.len = len;
	rc = ga_write_all(fd, &h, sizeof(h)) || ga_write_all(fd, text, len) ?
	     ga_error_errno(err, errno, "send a result") : 0;
	free(text);
	return rc;
}

/* Reads exactly len bytes; 1 when the file ends before the first. */
static int read_all(int fd, void *buf, size_t len, long timeout_ms,
		    struct ga_error *err)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	char *p = buf;
	size_t got = 0;
	ssize_t n;
	int rc;

	while (got < len) {
		rc = poll(&pfd, 1, (int)timeout_ms);
		if (rc < 0 && errno == EINTR)
			continue;
		if (rc == 0)
			return ga_error_set(err, "no result within %ld ms (%zu "
					    "of %zu bytes)", timeout_ms, got,
					    len);
		n = read(fd, p + got, len - got);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0)
			return ga_error_errno(err, errno, "read a result");
		if (n == 0)
			return got == 0 ? 1 :
			       ga_error_set(err, "the result ended after %zu "
					    "of %zu bytes", got, len);
		got += (size_t)n;
	}
	return 0;
}

static const char *intern(void *ctx, const char *api)
{
	return ga_driver_intern(ctx, api);
}

int ga_workers_recv(int fd, const struct ga_scenario *sc,
		 struct ga_driver *names, long timeout_ms, uint64_t *id,
		 struct ga_case_result *res, struct ga_error *err)
{
	struct wire_head h;
	char *text;
	int rc;

	memset(res, 0, sizeof(*res));
	rc = read_all(fd, &h, sizeof(h), timeout_ms, err);
	if (rc)
		return rc > 0 ? 1 : -1;
	if (h.magic != WIRE_MAGIC || h.len > GA_WORKERS_RESULT_MAX)
		return ga_error_set(err, "a result that is not one (magic %#x, "
				    "%llu bytes)", (unsigned)h.magic,
				    (unsigned long long)h.len);
	text = malloc(h.len ? h.len : 1);
	if (!text)
		return ga_error_set(err, "out of memory");
	rc = read_all(fd, text, h.len, timeout_ms, err);
	if (rc > 0)
		ga_error_set(err, "the result ended after its head");
	if (rc == 0)
		rc = ga_results_read_whole(text, h.len, "a worker's result", sc,
					   ga_expect_implicit(),
					   names ? intern : NULL, names, res,
					   err);
	free(text);
	if (rc)
		return -1;
	*id = h.id;
	return 0;
}
