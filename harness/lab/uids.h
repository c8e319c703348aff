/* uids.h - an unprivileged user of a confined program's own.
 *
 * Every server goneaway starts, every program it runs for one, and the
 * client drivers of each run (its -j workers' too), run as a
 * user and group that nothing else on the machine is (lab/spawn.h,
 * "confined"): a scenario that takes the server over - a plugin it
 * loaded, a log file it pointed somewhere - or a server that takes a
 * driver's connector over acts as that user, which owns its own files
 * and nothing else, cannot signal or trace another confined program,
 * and has no capability.  The ids come from a range no distribution
 * hands out (GA_UIDS_BASE: systemd's UIDS-GIDS.md leaves 0x70000000 up
 * to 0x7FFDFFFF unused), the same number for the user and the group,
 * with no passwd entry: nothing on the host changes.  A holder keeps
 * its id by an exclusive flock on a slot file in GA_UIDS_DIR for as
 * long as it lives (a kept server too), so every goneaway on the
 * machine, and every worker of one, takes another, whatever cache it
 * uses: the slots are the machine's, as the ids are, in a directory
 * only root may write (util/trustdir.h's rule, every level) that no
 * cache, --cache or XDG_CACHE_HOME moves.  The kernel drops the lock
 * when the holder dies, even by SIGKILL.  A slot whose id has a passwd
 * or group entry (someone's after all) is passed over.  Only root
 * confines (an unprivileged goneaway SKIPs servers and runs its
 * drivers as itself), so only root takes an id.
 */
#ifndef GA_LAB_UIDS_H
#define GA_LAB_UIDS_H

#include "util/error.h"

#define GA_UIDS_BASE 0x70000000u        /* 1879048192 */
#define GA_UIDS_SLOTS 65536u
#define GA_UIDS_DIR "/run/goneaway/uids"

struct ga_uid {
	unsigned id;            /* the user's and the group's; 0: none */
	int lock_fd;            /* owned: holds the slot; -1: none */
};

/* Takes a free id among the slots in dir (GA_UIDS_DIR; the tests give
 * their own): *u holds it until ga_uid_give().  Returns 0, or -1
 * with err set (the slots' directory refused or not made, or every slot
 * taken). */
int ga_uid_take(const char *dir, struct ga_uid *u,
		       struct ga_error *err);

/* Gives the id back (nothing when none is held). */
void ga_uid_give(struct ga_uid *u);

#endif
