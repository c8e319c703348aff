/* room.c - the run directory's room in memory, case by case (see
 * run/internal.h): a case that came near the bound of the run
 * directory's tmpfs (lab/memfs.h, --memfs-size) is ERROR, naming the
 * bound and how to raise it, whatever its steps saw.  Past that point a
 * server's write may have failed for want of room (a table "full", a
 * temporary file cut short, a server that aborts), and an outcome made
 * by goneaway's bound says nothing of the client. */
#include "run/internal.h"

#include <stdio.h>
#include <string.h>

#include "lab/memfs.h"

#define MIB (1024LL * 1024)

void ga_case_room_watch(struct ga_case *c)
{
	struct ga_error err;
	size_t n;

	if (!c->r->run_in_memory)
		return;         /* on disk: its file system is the bound */
	c->room = ga_memfs_watch_start(c->r->run_dir, &err);
	if (c->room)
		return;
	/* the look at each step's end still is made; only the one while a
	 * step runs is lost */
	n = strlen(c->res->evidence_lost);
	snprintf(c->res->evidence_lost + n, sizeof(c->res->evidence_lost) - n,
		 "%sthe run directory's use is looked at between steps only: "
		 "%s", n ? "; " : "", err.msg);
}

/* "64 MiB", or "65537 KiB" for a size that is no whole MiB. */
static void size_text(long long bytes, char *buf, size_t len)
{
	if (bytes % MIB == 0)
		snprintf(buf, len, "%lld MiB", bytes / MIB);
	else
		snprintf(buf, len, "%lld KiB", (bytes + 1023) / 1024);
}

/* "58 MiB": a use, rounded to the MiB. */
static void used_text(long long bytes, char *buf, size_t len)
{
	snprintf(buf, len, "%lld MiB", (bytes + MIB / 2) / MIB);
}

void ga_case_room_server(struct ga_case *c)
{
	if (c->room)
		ga_memfs_watch_end_on_fill(c->room, c->srv.pid ? c->srv.pidfd :
					   -1);
}

void ga_runner_room_text(const struct ga_runner *r, char *buf, size_t len)
{
	char size[32];

	if (!r->run_in_memory) {
		snprintf(buf, len, "on disk: %s", r->run_on_disk_why);
		return;
	}
	size_text(r->opts->memfs_size, size, sizeof(size));
	snprintf(buf, len, "in memory, at most %s", size);
}

int ga_case_room_check(struct ga_case *c, int line)
{
	struct ga_case_result *res = c->res;
	struct ga_memfs_use use;
	struct ga_error err;
	char before[1200], what[300], used[32], size[32], near[32];
	bool ended = false;

	if (c->room_filled)
		return -1;
	if (!c->r->run_in_memory)
		return 0;
	if (c->room)
		ended = ga_memfs_watch_peak(c->room, &use);
	else if (ga_memfs_use(c->r->run_dir, &use, &err))
		return 0;
	if (!ga_memfs_filled(&use))
		return 0;
	c->room_filled = true;
	ga_case_ended_text(res, before, sizeof(before));
	size_text(use.size, size, sizeof(size));
	if (ga_memfs_bytes_filled(&use)) {
		used_text(use.used, used, sizeof(used));
		size_text(use.size - ga_memfs_slack(use.size), near,
			  sizeof(near));
		snprintf(what, sizeof(what), "%s of its bound of %s were in "
			 "use (the server's datadir, logs and temporary files, "
			 "the case's capture), past the %s from which a write "
			 "may fail", used, size, near);
	} else {
		snprintf(what, sizeof(what), "%lld of the %lld files its "
			 "bound of %s holds were in use, past the %lld from "
			 "which a file may not be made", use.files_used,
			 use.files, size,
			 use.files - use.files / GA_MEMFS_SLACK_PART);
	}
	ga_case_verdict(res, GA_VERDICT_ERROR, line, "the run directory's "
			"memory is full: %s%s; give goneaway run or replay a "
			"larger --memfs-size (e.g. --memfs-size %lldMiB), or "
			"run on disk with GONEAWAY_RUN_ON_DISK=1%s", what,
			ended ? ", and the server was ended there" : "",
			(use.size + MIB - 1) / MIB * 2, before);
	return -1;
}

void ga_case_room_end(struct ga_case *c)
{
	ga_memfs_watch_stop(c->room);
	c->room = NULL;
}
