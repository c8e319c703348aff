/* jobs.c - see jobs.h */
#include "server/jobs.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server/rootfs.h"
#include "server/starts.h"

unsigned ga_server_guess_weight(const struct ga_server_backend_ops *const *ops,
				const char (*args)[PATH_MAX], size_t n)
{
	enum ga_flavour f;
	struct ga_root root;
	struct ga_error ignored;
	unsigned w, max = 1;
	size_t i;

	for (i = 0; i < n; i++) {
		f = GA_FLAVOUR_MARIADB;
		if (strcmp(ops[i]->name, "rootfs") == 0) {
			if (ga_root_detect(args[i], &root, &ignored) == 0)
				f = root.flavour;
		} else if (strcmp(ops[i]->name, "docker") == 0) {
			if (strcasestr(args[i], "mysql") &&
			    !strcasestr(args[i], "mariadb"))
				f = GA_FLAVOUR_MYSQL;
		}
		w = ga_server_start_weight(f);
		if (w > max)
			max = w;
	}
	return max;
}

unsigned long long ga_mem_available_mib(void)
{
	unsigned long long kib = 0;
	char line[256];
	FILE *f = fopen("/proc/meminfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %llu kB", &kib) == 1)
			break;
	fclose(f);
	return kib / 1024;
}

int ga_default_jobs(const char *env, size_t nruns, unsigned max_jobs,
		    unsigned long long avail_mib, bool drivers, unsigned *jobs,
		    char *why, size_t len, struct ga_error *err)
{
	unsigned per_core = drivers ? GA_JOBS_PER_CORE_DRIVERS :
			    GA_JOBS_PER_CORE;
	unsigned long long fit;
	unsigned n;
	char *end;
	long v;

	if (env && *env) {
		errno = 0;
		v = strtol(env, &end, 10);
		if (errno || end == env || *end || v < 1 || v > (long)max_jobs)
			return ga_error_set(err, "GONEAWAY_JOBS='%s' is not a "
					    "number of jobs from 1 to %u", env,
					    max_jobs);
		n = (unsigned)v;
		snprintf(why, len, "GONEAWAY_JOBS=%u", n);
	} else {
		n = ga_starts_cores() * per_core;
		snprintf(why, len, "%u core%s x %u per core%s",
			 ga_starts_cores(), ga_starts_cores() == 1 ? "" : "s",
			 per_core, drivers ? " with a driver" : "");
		fit = avail_mib / GA_JOB_MEMORY_MIB;
		if (avail_mib && fit < n) {
			n = fit ? (unsigned)fit : 1;
			snprintf(why + strlen(why), len - strlen(why), ", 1 "
				 "per %u MiB of the %llu MiB available",
				 GA_JOB_MEMORY_MIB, avail_mib);
		}
	}
	if (n > max_jobs)
		n = max_jobs;
	if (nruns && n > nruns) {
		n = (unsigned)nruns;
		snprintf(why + strlen(why), len - strlen(why), ", at most "
			 "the %zu runs", nruns);
	}
	*jobs = n ? n : 1;
	return 0;
}
