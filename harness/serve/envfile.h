/* envfile.h - goneaway serve's --env FILE: the NAME=value lines a suite
 * loads (serve.h), written whole once serve is ready and removed at the
 * stop.
 *
 * It is root's work in a directory its owner named, which another user
 * might be able to change under it.  So the directory is opened once
 * and held (its path is never walked again), and it must be the
 * owner's or root's, writable by no other user unless it is sticky (as
 * /tmp is: there no one else can rename or remove what serve made);
 * the file is made in it with O_EXCL | O_NOFOLLOW under a name of its
 * own, given to the owner with mode 0600 (it holds the API's token),
 * and renamed over FILE within the held directory (whoever waits for
 * FILE never reads half of it, and a link planted at FILE is replaced,
 * never followed); at the stop FILE is removed only while it is still
 * the file written.
 *
 * Ownership: a struct ga_sv_envfile holds its directory's descriptor
 * until ga_sv_envfile_close().
 */
#ifndef GA_SERVE_ENVFILE_H
#define GA_SERVE_ENVFILE_H

#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "util/error.h"

struct ga_sv_envfile {
	int dir;                        /* FILE's directory, -1: none */
	char name[NAME_MAX + 1];        /* FILE's last component */
	const char *path;               /* FILE as given, borrowed: for the
					 * messages */
	dev_t dev;                      /* the file written ... */
	ino_t ino;
	bool written;                   /* ... once it is */
};

/* Opens path's directory and checks it as above, for owner.  Returns 0,
 * or -1 with err saying why ("--env PATH: ...").  Close with
 * ga_sv_envfile_close() whatever it returned. */
int ga_sv_envfile_open(struct ga_sv_envfile *e, const char *path,
		       uid_t owner, struct ga_error *err);

/* Writes text as FILE, the owner's, mode 0600.  Returns 0, or -1 with
 * err set (nothing is left of it then). */
int ga_sv_envfile_write(struct ga_sv_envfile *e, const char *text,
			uid_t owner, struct ga_error *err);

/* Removes FILE when it is still the file written, and lets the
 * directory go.  Safe on one never opened (zeroed, dir -1). */
void ga_sv_envfile_close(struct ga_sv_envfile *e);

#endif
