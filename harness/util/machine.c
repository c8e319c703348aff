/* machine.c - see machine.h */
#include "util/machine.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* PSI's "some avg10" of the CPU as a share, -1 when the kernel has no
 * /proc/pressure (before 4.20, or psi=0). */
static double cpu_pressure(void)
{
	FILE *f = fopen("/proc/pressure/cpu", "re");
	double v = -1;

	if (!f)
		return -1;
	if (fscanf(f, "some avg10=%lf", &v) != 1 || v < 0 || v > 100)
		v = -1;
	fclose(f);
	return v < 0 ? -1 : v / 100.0;
}

void ga_machine_now(struct ga_machine *m)
{
	double l[1];
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	m->cores = n > 0 ? (int)n : 1;
	m->load = getloadavg(l, 1) == 1 && l[0] >= 0 ? l[0] : -1;
	m->pressure = cpu_pressure();
}

double ga_machine_stretch(const struct ga_machine *m)
{
	double s = 1.0, p;

	if (m->load >= 0 && m->cores >= 1)
		s = m->load / (double)m->cores;
	if (m->pressure > 0) {
		p = m->pressure < 0.95 ? m->pressure : 0.95;
		if (1.0 / (1.0 - p) > s)
			s = 1.0 / (1.0 - p);
	}
	if (s < 1.0)
		return 1.0;
	return s > GA_MACHINE_MAX_STRETCH ? GA_MACHINE_MAX_STRETCH : s;
}

long ga_machine_extend(double start_ms, long base_ms, long floor_ms,
		       double *deadline, struct ga_machine *m)
{
	long bound;

	ga_machine_now(m);
	bound = ga_machine_bound(base_ms, m);
	if (bound < floor_ms)
		bound = floor_ms;
	if (start_ms + (double)bound > *deadline)
		*deadline = start_ms + (double)bound;
	return (long)(*deadline - start_ms);
}

long ga_machine_bound(long base_ms, const struct ga_machine *m)
{
	return (long)((double)base_ms * ga_machine_stretch(m) + 0.5);
}

/* "load average 7.3 on 2 cores" (or "load average unknown, 2 cores"),
 * with ", CPU pressure 64%" when known, into buf. */
static void machine_describe(const struct ga_machine *m, char *buf, size_t len)
{
	int cores = m->cores > 0 ? m->cores : 1;

	char psi[40] = "";

	if (m->pressure >= 0)
		snprintf(psi, sizeof(psi), ", CPU pressure %.0f%%",
			 m->pressure * 100.0);
	if (m->load < 0)
		snprintf(buf, len, "load average unknown, %d core%s%s", cores,
			 cores == 1 ? "" : "s", psi);
	else
		snprintf(buf, len, "load average %.1f on %d core%s%s", m->load,
			 cores, cores == 1 ? "" : "s", psi);
}

void ga_machine_too_slow(const struct ga_machine *m, const char *last,
			 char *buf, size_t len)
{
	char load[64];

	machine_describe(m, load, sizeof(load));
	snprintf(buf, len, "(%s%s%s): the machine is too slow",
		 last && *last ? last : "", last && *last ? "; " : "", load);
}

void ga_machine_note(const struct ga_machine *m, char *buf, size_t len)
{
	char load[64];

	machine_describe(m, load, sizeof(load));
	snprintf(buf, len, "%s%s", load, ga_machine_stretch(m) > 1.0 ?
		 ": the machine is too slow" : "");
}
