/* machine.c - see machine.h */
#include "util/machine.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

void ga_machine_now(struct ga_machine *m)
{
	double l[1];
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	m->cores = n > 0 ? (int)n : 1;
	m->load = getloadavg(l, 1) == 1 && l[0] >= 0 ? l[0] : -1;
}

double ga_machine_stretch(const struct ga_machine *m)
{
	double s;

	if (m->load < 0 || m->cores < 1)
		return 1.0;
	s = m->load / (double)m->cores;
	if (s < 1.0)
		return 1.0;
	return s > GA_MACHINE_MAX_STRETCH ? GA_MACHINE_MAX_STRETCH : s;
}

long ga_machine_bound(long base_ms, const struct ga_machine *m)
{
	return (long)((double)base_ms * ga_machine_stretch(m) + 0.5);
}

void ga_machine_describe(const struct ga_machine *m, char *buf, size_t len)
{
	int cores = m->cores > 0 ? m->cores : 1;

	if (m->load < 0)
		snprintf(buf, len, "load average unknown, %d core%s", cores,
			 cores == 1 ? "" : "s");
	else
		snprintf(buf, len, "load average %.1f on %d core%s", m->load,
			 cores, cores == 1 ? "" : "s");
}

void ga_machine_too_slow(const struct ga_machine *m, const char *last,
			 char *buf, size_t len)
{
	char load[64];

	ga_machine_describe(m, load, sizeof(load));
	snprintf(buf, len, "(%s%s%s): the machine is too slow",
		 last && *last ? last : "", last && *last ? "; " : "", load);
}

void ga_machine_note(const struct ga_machine *m, char *buf, size_t len)
{
	char load[64];

	ga_machine_describe(m, load, sizeof(load));
	snprintf(buf, len, "%s%s", load, ga_machine_stretch(m) > 1.0 ?
		 ": the machine is too slow" : "");
}
