/* machine.h - how busy this machine is, for the bounds that belong to
 * the harness (a server's readiness, a driver's greeting, its exit) and
 * for how much work a run gives it (the default -j, the server starts in
 * flight).
 *
 * A bound of the harness must never be what fails a case on a busy
 * machine: it is stretched by how busy the machine is (the load average
 * over the cores, or the CPU pressure of the last 10 s when that says
 * more: the load average lags a minute behind), it is looked at again
 * while the wait goes on (ga_machine_extend: a machine that became busy
 * meanwhile gets the longer bound), it is never less than what the
 * machine just did (the caller's floor: 20 times the last start), and
 * when it is hit anyway the message says the machine was too slow and
 * how slow (ga_machine_too_slow).  The bounds a scenario states
 * (`within`) are never stretched.
 */
#ifndef GA_MACHINE_H
#define GA_MACHINE_H

#include <stddef.h>

/* How busy the machine was when looked at. */
struct ga_machine {
	double load;            /* the 1-minute load average; -1: unknown */
	int cores;              /* online processors, at least 1 */
	double pressure;        /* the share of the last 10 s some task
				 * waited for a CPU (0..1, PSI's "some
				 * avg10"); -1: unknown */
};

/* The machine now: getloadavg(), the online processors and
 * /proc/pressure/cpu. */
void ga_machine_now(struct ga_machine *m);

/* How much slower than an idle machine a bound should allow for: the
 * load average over the cores when it is above 1 (every core has more
 * than one thing to run), or 1 / (1 - pressure) when that is more (a
 * task that waits for a CPU half of the time runs at half speed), else
 * 1; at most GA_MACHINE_MAX_STRETCH. */
#define GA_MACHINE_MAX_STRETCH 8.0
double ga_machine_stretch(const struct ga_machine *m);

/* base_ms stretched by the machine's load (ga_machine_stretch). */
long ga_machine_bound(long base_ms, const struct ga_machine *m);

/* A wait that began at start_ms (util/clock.h's clock) with the bound
 * base_ms: its deadline, base_ms stretched by the machine as it is now
 * (m gets it) and at least floor_ms (what the machine just did: 0 when
 * nothing), into *deadline, which only ever grows (0: not set yet).
 * Called again when the deadline passes, it moves it later if the
 * machine became busier.  Returns the bound in ms. */
long ga_machine_extend(double start_ms, long base_ms, long floor_ms,
		       double *deadline, struct ga_machine *m);

/* The end of the message of a harness bound that was hit: "(LAST; load
 * average 7.3 on 2 cores): the machine is too slow" into buf, where LAST
 * (may be NULL or "") is what the machine just did ("the last start took
 * 2.1 s"). */
void ga_machine_too_slow(const struct ga_machine *m, const char *last,
			 char *buf, size_t len);

/* For a harness bound that may have been hit by a process of someone
 * else's (a driver that never greets): "load average 0.3 on 2 cores" on
 * a machine that is not busy, "load average 7.3 on 2 cores: the machine
 * is too slow" on one whose load stretched the bound. */
void ga_machine_note(const struct ga_machine *m, char *buf, size_t len);

#endif
