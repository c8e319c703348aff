/* fuzz_results.c - results.jsonl (result/jsonl_read.c) as "goneaway
 * report" reads it: the input is the file (a memfd, read through its
 * /proc/self/fd path as a results file is), merged (ga_results_sort),
 * read a second time into the same results as an identical shard would
 * be and merged again (which must drop the copies), and every case's
 * step lines shown as the reporters show them. */
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "report/report.h"
#include "result/results.h"

static int memfd = -1;
static char path[64];
static FILE *null;

static int setup(void)
{
	if (memfd >= 0)
		return 0;
	memfd = memfd_create("results.jsonl", MFD_CLOEXEC);
	null = fopen("/dev/null", "we");
	if (memfd < 0 || !null)
		return -1;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", memfd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ga_results r = { 0 };
	struct ga_error err;
	size_t i;

	if (setup() || ftruncate(memfd, 0) ||
	    pwrite(memfd, data, size, 0) != (ssize_t)size)
		return 0;
	if (ga_results_read(&r, path, &err) != 0) {
		if (!strstr(err.msg, "/proc/self/fd/"))
			fuzz_fail("an error without the file's name: %s",
				  err.msg);
	} else if (ga_results_sort(&r, &err) == 0) {
		/* a second shard identical to the first merges into it */
		if (ga_results_read(&r, path, &err) != 0)
			fuzz_fail("read once, refused the second time: %s",
				  err.msg);
		if (ga_results_sort(&r, &err) != 0)
			fuzz_fail("the same file twice conflicts: %s",
				  err.msg);
		for (i = 0; i < r.n; i++)
			ga_report_steps(null, "  ", r.cases[i].sc,
					&r.cases[i].res, false);
	}
	ga_results_free(&r);
	return 0;
}
