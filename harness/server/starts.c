/* starts.c - see starts.h */
#include "server/starts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/file.h>
#include <unistd.h>

#include "util/clock.h"
#include "util/trustdir.h"

#define POLL_MS 10

unsigned ga_starts_cores(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > GA_STARTS_MAX ? GA_STARTS_MAX : (unsigned)n;
}

unsigned ga_starts_slots(void)
{
	unsigned n = ga_starts_cores() * GA_STARTS_PER_CORE;

	return n > GA_STARTS_MAX ? GA_STARTS_MAX : n;
}

void ga_starts_give(struct ga_starts_held *held)
{
	unsigned i;

	for (i = 0; i < held->n; i++)
		if (held->fds[i] >= 0)
			close(held->fds[i]);    /* the flock goes with it */
	held->n = 0;
}

/* One try: flocks free slots without waiting until weight are held.
 * Returns 1 when it has them, 0 when too few were free (none kept), -1
 * with err set. */
static int try_take(const char *dir, unsigned slots, unsigned weight,
		    unsigned start, struct ga_starts_held *held,
		    struct ga_error *err)
{
	char path[PATH_MAX];
	unsigned i, k;
	int fd;

	for (i = 0; i < slots && held->n < weight; i++) {
		k = (start + i) % slots;
		if (snprintf(path, sizeof(path), "%s/slot-%u", dir, k) >=
		    (int)sizeof(path)) {
			ga_starts_give(held);
			return ga_error_set(err, "path too long: %s", dir);
		}
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
			  0600);
		if (fd < 0) {
			ga_starts_give(held);
			return ga_error_errno(err, errno, "open %s", path);
		}
		if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
			close(fd);
			continue;
		}
		held->fds[held->n++] = fd;
	}
	if (held->n == weight)
		return 1;
	ga_starts_give(held);
	return 0;
}

int ga_starts_take(const char *cache_dir, unsigned slots, unsigned weight,
		   long wait_ms, struct ga_interrupt *in,
		   struct ga_starts_held *held, struct ga_error *err)
{
	char dir[PATH_MAX];
	double t0 = ga_clock_ms();
	unsigned start = (unsigned)getpid();
	int r;

	held->n = 0;
	held->waited_ms = 0;
	if (slots < 1)
		slots = 1;
	if (slots > GA_STARTS_MAX)
		slots = GA_STARTS_MAX;
	if (weight < 1)
		weight = 1;
	if (weight > slots)
		weight = slots;
	if (snprintf(dir, sizeof(dir), "%s/starts", cache_dir) >=
	    (int)sizeof(dir))
		return ga_error_set(err, "path too long: %s", cache_dir);
	if (ga_trustdir_mkdirs(dir, err))
		return ga_error_prefix(err, "the server starts' slots");
	for (;;) {
		r = try_take(dir, slots, weight, start++, held, err);
		if (r < 0)
			return ga_error_prefix(err, "the server starts' slots");
		held->waited_ms = ga_clock_ms() - t0;
		if (r > 0)
			return 0;
		if (held->waited_ms > (double)wait_ms)
			return ga_error_set(err, "no %u of the %u server "
					    "start slots in %s free within %ld "
					    "ms: other starts held them",
					    weight, slots, dir, wait_ms);
		if (ga_interrupt_wait(in, -1, POLL_MS) < 0)
			return ga_error_set(err, "interrupted while waiting "
					    "for a server start slot");
	}
}
