/* fixtures.c - a scenario's fixtures copied into the case's own
 * directory, for a connection that declares local_infile: see
 * run/internal.h. */
#include "run/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/flatcopy.h"

static const struct ga_flat_bounds bounds = GA_FIXTURES_BOUNDS;

static bool declares_local_infile(const struct ga_scenario *sc)
{
	size_t i;

	for (i = 0; i < sc->nconnections; i++)
		if (sc->connections[i].local_infile)
			return true;
	return false;
}

int ga_case_fixtures(struct ga_case *c, struct ga_error *err)
{
	char src[PATH_MAX + 16];
	const char *slash = strrchr(c->sc->path, '/');
	size_t files;
	int fd, rc;

	c->real_dir[0] = '\0';
	if (!declares_local_infile(c->sc))
		return 0;
	if (!realpath(c->dir, c->real_dir))
		return ga_error_errno(err, errno, "realpath %s", c->dir);
	if (slash)
		snprintf(src, sizeof(src), "%.*s/" GA_FIXTURES_DIR,
			 (int)(slash - c->sc->path), c->sc->path);
	else
		snprintf(src, sizeof(src), GA_FIXTURES_DIR);
	fd = open(c->dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return ga_error_errno(err, errno, "open %s", c->dir);
	rc = ga_flat_copy(src, src, fd, GA_FIXTURES_DIR, &bounds, &files, err);
	/* the drivers read them, as a user of their own: the case's
	 * directory lets none but them and root in (client/driver.h) */
	if (rc == 0 && fchmodat(fd, GA_FIXTURES_DIR, 0755, 0) != 0)
		rc = ga_error_errno(err, errno, "chmod %s/" GA_FIXTURES_DIR,
				    c->dir);
	close(fd);
	if (rc < 0)
		return ga_error_prefix(err, "the scenario's fixtures");
	return 0;       /* 1: it has none */
}
