/* memfs.c - see memfs.h */
#include "lab/memfs.h"

#include <errno.h>
#include <sched.h>
#include <sys/mount.h>

int ga_memfs_over(const char *path, struct ga_error *err)
{
	if (unshare(CLONE_NEWNS) != 0)
		return ga_error_errno(err, errno, "a mount namespace of its "
				      "own for the run directory");
	/* the host's mounts still come in; none of ours goes out */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) != 0)
		return ga_error_errno(err, errno, "making / a slave mount");
	if (mount("goneaway-run", path, "tmpfs", MS_NOSUID | MS_NODEV,
		  "mode=0711") != 0)
		return ga_error_errno(err, errno, "a tmpfs over %s", path);
	return 0;
}

int ga_memfs_off(const char *path, struct ga_error *err)
{
	if (umount2(path, MNT_DETACH) != 0)
		return ga_error_errno(err, errno, "unmounting %s", path);
	return 0;
}
