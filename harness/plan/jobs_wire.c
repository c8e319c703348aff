/* jobs_wire.c - see wire.h: a case result as bytes between a worker and the
 * run that forked it. */
#include "plan/jobs_wire.h"
#include "run/expect.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define WIRE_MAGIC 0x67615231u          /* "gaR1" */
#define WIRE_MAX_TALLY 100000           /* outcomes of one step, bound */
#define WIRE_API_MAX 128                /* a call name, with its NUL */

struct wire_head {
	uint32_t magic;
	uint32_t nsteps;
	uint64_t id;
	uint64_t len;                   /* bytes after the head */
};

static int write_all(int fd, const void *buf, size_t len,
		     struct ga_error *err)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return ga_error_errno(err, n < 0 ? errno : EIO,
					      "send a result");
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int ga_wire_send(int fd, uint64_t id, const struct ga_case_result *res,
		 struct ga_error *err)
{
	struct wire_head h = { WIRE_MAGIC, 0, id, 0 };
	struct ga_case_result flat = *res;
	struct ga_step_result step;
	size_t i;

	h.nsteps = (uint32_t)res->nsteps;
	h.len = sizeof(flat) + res->nsteps * (sizeof(step) + WIRE_API_MAX);
	for (i = 0; i < res->nsteps; i++)
		h.len += res->steps[i].ntally * sizeof(struct ga_tally);
	flat.steps = NULL;
	if (write_all(fd, &h, sizeof(h), err) ||
	    write_all(fd, &flat, sizeof(flat), err))
		return -1;
	for (i = 0; i < res->nsteps; i++) {
		step = res->steps[i];
		step.tally = NULL;
		if (write_all(fd, &step, sizeof(step), err))
			return -1;
	}
	for (i = 0; i < res->nsteps; i++)
		if (res->steps[i].ntally &&
		    write_all(fd, res->steps[i].tally,
			      res->steps[i].ntally * sizeof(struct ga_tally),
			      err))
			return -1;
	/* the call names: a driver's live in the worker's memory only */
	for (i = 0; i < res->nsteps; i++) {
		char name[WIRE_API_MAX] = "";

		if (res->steps[i].out.api)
			snprintf(name, sizeof(name), "%s",
				 res->steps[i].out.api);
		if (write_all(fd, name, sizeof(name), err))
			return -1;
	}
	return 0;
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

/* The strings of a result end inside their arrays, whatever came. */
static void terminate(struct ga_case_result *res)
{
	size_t i;

#define END(a) ((a)[sizeof(a) - 1] = '\0')
	END(res->reason); END(res->server_version); END(res->server_notes);
	END(res->results); END(res->evidence_lost); END(res->reverted);
	END(res->not_reverted); END(res->server); END(res->backend);
	END(res->client); END(res->library); END(res->combo);
	END(res->capture); END(res->client_spec); END(res->proxy); END(res->proxy_ran);
	END(res->server_setup); END(res->server_after);
	for (i = 0; i < res->nsteps; i++) {
		struct ga_step_result *s = &res->steps[i];
		size_t k;

		END(s->out.sqlstate); END(s->out.message);
		END(s->out.error_class); END(s->out.value);
		END(s->out.error_name); END(s->out.pool_detail);
		END(s->skipped);
		for (k = 0; k < s->ntally; k++)
			END(s->tally[k].error_class);
	}
#undef END
}

/* A step's expect pointer must be one of that step's expect lines. */
static bool expect_ok(const struct ga_step *st, const struct ga_expect *e)
{
	size_t k;

	if (!e || e == ga_expect_implicit())
		return true;
	for (k = 0; k < st->nexpects; k++)
		if (e == &st->expects[k])
			return true;
	return false;
}

int ga_wire_recv(int fd, const struct ga_scenario *sc,
		 struct ga_driver *names, long timeout_ms, uint64_t *id,
		 struct ga_case_result *res, struct ga_error *err)
{
	struct wire_head h;
	uint64_t want;
	size_t i;
	int rc;

	memset(res, 0, sizeof(*res));
	rc = read_all(fd, &h, sizeof(h), timeout_ms, err);
	if (rc)
		return rc > 0 ? 1 : -1;
	if (h.magic != WIRE_MAGIC || h.nsteps != sc->nsteps)
		return ga_error_set(err, "a result that is not one (magic %#x, "
				    "%u steps for a scenario of %zu)",
				    (unsigned)h.magic, (unsigned)h.nsteps,
				    sc->nsteps);
	rc = read_all(fd, res, sizeof(*res), timeout_ms, err);
	if (rc) {
		memset(res, 0, sizeof(*res));
		return rc > 0 ? ga_error_set(err, "the result ended after its "
					     "head") : -1;
	}
	res->nsteps = 0;
	res->steps = calloc(h.nsteps ? h.nsteps : 1, sizeof(*res->steps));
	if (!res->steps)
		return ga_error_set(err, "out of memory");
	want = sizeof(*res) +
	       (uint64_t)h.nsteps * (sizeof(*res->steps) + WIRE_API_MAX);
	for (i = 0; i < h.nsteps; i++) {
		if (read_all(fd, &res->steps[i], sizeof(res->steps[i]),
			     timeout_ms, err))
			goto bad;
		res->steps[i].tally = NULL;
		res->nsteps = i + 1;
		if (res->steps[i].ntally > WIRE_MAX_TALLY ||
		    !expect_ok(&sc->steps[i], res->steps[i].expect)) {
			res->steps[i].ntally = 0;
			ga_error_set(err, "step %zu of the result is not one of "
				     "the scenario's", i + 1);
			goto bad;
		}
		want += res->steps[i].ntally * sizeof(struct ga_tally);
	}
	if (want != h.len) {
		ga_error_set(err, "the result says %llu bytes, its parts %llu",
			     (unsigned long long)h.len,
			     (unsigned long long)want);
		goto bad;
	}
	for (i = 0; i < res->nsteps; i++) {
		size_t n = res->steps[i].ntally;

		if (!n)
			continue;
		res->steps[i].tally = calloc(n, sizeof(struct ga_tally));
		if (!res->steps[i].tally) {
			res->steps[i].ntally = 0;
			ga_error_set(err, "out of memory");
			goto bad;
		}
		if (read_all(fd, res->steps[i].tally, n * sizeof(struct ga_tally),
			     timeout_ms, err))
			goto bad;
	}
	for (i = 0; i < res->nsteps; i++) {
		char name[WIRE_API_MAX];

		res->steps[i].out.api = NULL;
		if (read_all(fd, name, sizeof(name), timeout_ms, err))
			goto bad;
		name[sizeof(name) - 1] = '\0';
		if (name[0] && names)
			res->steps[i].out.api = ga_driver_intern(names, name);
	}
	terminate(res);
	*id = h.id;
	return 0;
bad:
	ga_case_result_free(res);
	memset(res, 0, sizeof(*res));
	return -1;
}
