/* memcg.h - a memory limit of a server's own: a memory cgroup below the
 * harness's own, never the host's.
 *
 * A scenario's "server memory SIZE" line runs its server in a cgroup of
 * its own whose memory controller holds it to SIZE: past it the kernel's
 * OOM killer ends the server (the seeds' "server runs out of memory
 * while processing large queries").  The cgroups are made below the
 * cgroup the harness itself runs in, in the memory controller's
 * hierarchy (cgroup v1's memory hierarchy, or cgroup v2's unified one
 * when it holds the memory controller), so a limit is only ever set on
 * a directory goneaway made, below everything the machine (or a session
 * manager) limits:
 *
 *     OWN/goneaway-run-XXXXXX/        the run's: no limit, locked
 *     OWN/goneaway-run-XXXXXX/s3/     one server's: its limit
 *
 * The run's directory is named after the run's own directory
 * (run/rundir.h) and, like it, holds an exclusive flock for as long as
 * the run lives (on the directory itself: cgroupfs takes locks, and
 * every mount namespace sees the one inode).  A SIGKILLed run cannot
 * remove its cgroups; its servers die with it (PR_SET_PDEATHSIG), so
 * they are empty, and "goneaway sweep" (ga_memcg_sweep) removes every
 * run's cgroup whose lock is free, with the servers' cgroups in it.  A
 * lock held says the run lives, whatever mount or PID namespace it runs
 * in: the run directory's path would not (each test file of run-all.sh
 * has a /tmp of its own).  A run's cgroup is made and locked under a
 * shared flock of OWN, and a sweep takes OWN's flock exclusive before it
 * tries a run's lock, so a sweep never takes one being made (every -j
 * worker's runner sweeps as its siblings make theirs); each waits for
 * OWN's lock 2 s at most.
 *
 * A server is put in its cgroup by its own process before it execs
 * (lab/spawn.h, in_cgroup): it never runs a moment outside the limit.
 *
 * cgroup v2 needs the memory controller delegated to the children of
 * the harness's cgroup (its cgroup.subtree_control lists "memory");
 * goneaway never changes a cgroup it did not make.  Where none of it is
 * possible, ga_memcg_home() says why (GA_MEMCG_UNSUPPORTED): the
 * scenario SKIPs with the reason, and "goneaway doctor" tells in advance.
 *
 * Ownership: the structs are plain values owned by their caller;
 * ga_memcg_run_close() and ga_memcg_remove() release what the make and
 * open functions took.
 */
#ifndef GA_LAB_MEMCG_H
#define GA_LAB_MEMCG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

#define GA_MEMCG_UNSUPPORTED (-2)
/* A run's cgroup is named "goneaway-run-" and its run directory's
 * suffix (run/rundir.h's prefix: the same run, the same name). */
#define GA_MEMCG_RUN_PREFIX "goneaway-run-"
/* The smallest limit a server is given: no server starts in less. */
#define GA_MEMCG_MIN_BYTES (16LL << 20)
#define GA_MEMCG_MAX_BYTES (1LL << 40)

enum ga_memcg_version {
	GA_MEMCG_NONE = 0,
	GA_MEMCG_V1 = 1,        /* the "memory" hierarchy of cgroup v1 */
	GA_MEMCG_V2 = 2,        /* the unified hierarchy, memory in it */
};

/* Where the memory controller is, and the harness's own cgroup in it. */
struct ga_memcg_home {
	enum ga_memcg_version version;
	char mount[PATH_MAX];           /* where the hierarchy is mounted */
	char own[PATH_MAX];             /* the harness's cgroup's directory
					 * (mount, or a directory below it) */
};

/* A run's cgroup: the servers' cgroups are made in it. */
struct ga_memcg_run {
	enum ga_memcg_version version;
	char path[PATH_MAX];            /* "": not made */
	int lock_fd;                    /* the directory, flocked; -1 */
};

/* A server's cgroup. */
struct ga_memcg {
	enum ga_memcg_version version;
	char path[PATH_MAX];            /* "": not made */
	int procs_fd;                   /* its cgroup.procs, open for
					 * writing (close-on-exec), for
					 * lab/spawn.h's in_cgroup; -1 */
	long long limit;                /* bytes */
};

/* Finds the memory controller and this process's cgroup in it, from
 * /proc/self/mountinfo and /proc/self/cgroup.  Returns 0,
 * GA_MEMCG_UNSUPPORTED with err saying why the machine cannot give a
 * server a limit of its own, or -1 with err set. */
int ga_memcg_home(struct ga_memcg_home *h, struct ga_error *err);

/* Makes the run's cgroup, GA_MEMCG_RUN_PREFIX followed by suffix (the
 * run directory's), in h->own and locks it: run->lock_fd.  Returns 0,
 * or -1 with err set (nothing left behind).  Release with
 * ga_memcg_run_close(). */
int ga_memcg_run_open(struct ga_memcg_run *run,
		      const struct ga_memcg_home *h, const char *suffix,
		      struct ga_error *err);

/* Removes the run's cgroup (the servers' cgroups still in it, when
 * empty) and releases its lock.  Safe on a run never opened (path "",
 * lock_fd -1) and repeatedly.  Returns 0, or -1 with err set when a
 * cgroup could not be removed (a process still in it). */
int ga_memcg_run_close(struct ga_memcg_run *run, struct ga_error *err);

/* Makes a server's cgroup name (letters, digits, '-', '_', '.') in the
 * run's, limited to limit bytes (GA_MEMCG_MIN_BYTES to
 * GA_MEMCG_MAX_BYTES; no swap beyond it where the kernel counts swap),
 * and opens its cgroup.procs.  Returns 0, or -1 with err set (nothing
 * left behind).  Release with ga_memcg_remove(). */
int ga_memcg_make(struct ga_memcg *cg, const struct ga_memcg_run *run,
		  const char *name, long long limit, struct ga_error *err);

/* How many times the OOM killer killed a process of cg (v1:
 * memory.oom_control's oom_kill, v2: memory.events's).  Returns 0, or
 * -1 with err set. */
int ga_memcg_oom_kills(const struct ga_memcg *cg, long long *n,
		       struct ga_error *err);

/* The most memory cg's processes used at once, in bytes (v1:
 * memory.max_usage_in_bytes, v2: memory.peak), or -1 when the kernel
 * does not say. */
long long ga_memcg_peak(const struct ga_memcg *cg);

/* Removes cg once no process is in it: its last process may still be
 * exiting (killed, not yet reaped by the kernel), so an EBUSY is tried
 * again for up to 2 s.  Safe on a cgroup never made, and repeatedly.
 * Returns 0, or -1 with err set (a process is still in it). */
int ga_memcg_remove(struct ga_memcg *cg, struct ga_error *err);

/* Removes the cgroups of runs that are gone: every run's cgroup
 * (GA_MEMCG_RUN_PREFIX) whose lock is free, found below root (the
 * hierarchy's mount: ga_memcg_home's mount) down to depth levels, with
 * the servers' cgroups in it.  One whose cgroups still hold a process
 * is left (and counted in *left).  *removed gets how many runs' were
 * removed.  Returns 0, or -1 with err set when root cannot be read. */
int ga_memcg_sweep(const char *root, int depth, int *removed, int *left,
		   struct ga_error *err);

/* ---- pure parts, for the tests ------------------------------------------ */

/* From the text of /proc/self/mountinfo: the memory controller's mount
 * (v1's "cgroup" mount whose options name memory; else the "cgroup2"
 * mount, whose cgroup.controllers then says whether memory is in it),
 * its version and the root of the hierarchy the mount shows (its fourth
 * field, "/" mostly).  Returns 0, or 1 when there is neither. */
int ga_memcg_parse_mountinfo(const char *mountinfo,
			     enum ga_memcg_version *version, char *mount,
			     size_t mount_len, char *root, size_t root_len);

/* From the text of /proc/self/cgroup: this process's cgroup in the
 * version's hierarchy ("4:memory:/a/b" for v1, "0::/a/b" for v2) into
 * path.  Returns 0, or 1 when there is none. */
int ga_memcg_parse_own(const char *proc_cgroup, enum ga_memcg_version v,
		       char *path, size_t len);

/* The directory of cgroup path (from ga_memcg_parse_own) under a mount
 * at mount showing the hierarchy from mount_root.  Returns 0, or 1 when
 * the cgroup is not below what the mount shows, -1 when too long. */
int ga_memcg_dir(const char *mount, const char *mount_root,
		 const char *path, char *dir, size_t len);

/* The number after "key " on a line of a cgroup's flat-keyed file
 * ("oom_kill 3").  Returns 0, or 1 when there is no such line. */
int ga_memcg_parse_key(const char *text, const char *key, long long *n);

/* Whether word is one of the blank-separated words of text
 * (cgroup.controllers, cgroup.subtree_control). */
bool ga_memcg_has_word(const char *text, const char *word);

#endif
