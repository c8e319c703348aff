/* proccpu.h - the CPU a process and every process below it used: what a
 * run of "goneaway run -j" spends itself (its workers, their servers,
 * drivers and helpers), told apart from what the rest of the machine
 * spends, for the schedule's growth (plan/jobs_schedule.h).
 *
 * Read from /proc/PID/stat of every process: a live process counts its
 * own user and system time and its reaped children's (cutime, cstime),
 * so a server that ended and was reaped by its worker still counts, in
 * its worker's.  A process that leaves the tree without being reaped in
 * it (a daemon reparented to init) takes its time with it: the total may
 * fall, and a caller taking a rate clamps it.
 */
#ifndef GA_UTIL_PROCCPU_H
#define GA_UTIL_PROCCPU_H

#include <stddef.h>
#include <sys/types.h>

/* One process, as its stat file says. */
struct ga_proc_cpu {
	pid_t pid;
	pid_t ppid;
	unsigned long long ticks;       /* utime + stime + cutime + cstime,
					 * in clock ticks */
};

/* From the text of /proc/PID/stat ("PID (COMM) S PPID ...": COMM may
 * hold anything, the last ')' ends it) into *p.  Returns 0, or -1 when
 * the text is not such a line. */
int ga_proc_cpu_parse(const char *text, struct ga_proc_cpu *p);

/* The ticks of root and every process below it among ps[0..n) (in any
 * order; a parent not among them ends a branch), 0 when root is not
 * among them (or memory ran out). */
unsigned long long ga_proc_cpu_tree(const struct ga_proc_cpu *ps, size_t n,
				    pid_t root);

/* The CPU seconds root and every live process below it used (their
 * reaped children's too), from /proc, or -1 when /proc cannot be read. */
double ga_proc_tree_cpu_s(pid_t root);

#endif
