/* evidence_cnf.c - the scenario's my.cnf as evidence (ga_keep_cnf in
 * run/internal.h): the server's configuration as it ran, with the paths
 * of the scenario's private directory, which is removed after the run,
 * written as @PRIVATE@ and the header saying so, so that the file names
 * no path that is gone. */
#include "run/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lab/spawn.h"
#include "util/fsutil.h"

#define CNF_MAX (1024 * 1024)
#define PRIVATE "@PRIVATE@"

/* The length of a private directory's name at p, 0 for none: dir, or
 * the server root's mount of it (GA_SPAWN_ROOT_MOUNT), each followed by
 * '/' or the end of a word. */
static size_t private_at(const char *p, const char *dir)
{
	const char *names[2] = { dir, GA_SPAWN_ROOT_MOUNT };
	size_t i, n;

	for (i = 0; i < 2; i++) {
		n = strlen(names[i]);
		if (n && strncmp(p, names[i], n) == 0 &&
		    (p[n] == '/' || p[n] == '\0' || p[n] == '\n' ||
		     p[n] == ' ' || p[n] == '"'))
			return n;
	}
	return 0;
}

int ga_keep_cnf(const char *src, int dirfd, const char *private_dir,
		struct ga_error *err)
{
	char *text;
	const char *p;
	size_t n;
	FILE *f;
	int rc = 0;

	if (ga_file_read(src, CNF_MAX, &text, NULL, err))
		return -1;
	f = ga_file_create_at(dirfd, "my.cnf", err);
	if (!f) {
		free(text);
		return -1;
	}
	fprintf(f, "# Kept by goneaway as evidence.  The scenario's private "
		"directory, where the\n# server's datadir, socket, logs and "
		"certificate were, was removed after the\n# run: its paths are "
		"written " PRIVATE " below (it was %s on the\n# host%s).  "
		"goneaway replay makes a new one.\n", private_dir,
		strstr(text, "=" GA_SPAWN_ROOT_MOUNT "/") ? ", mounted at "
		GA_SPAWN_ROOT_MOUNT " in the server's root" : "");
	for (p = text; *p; p += n ? n : 1) {
		/* a path begins a value or a word */
		n = p == text || p[-1] == '=' || p[-1] == ' ' || p[-1] == '\n' ||
		    p[-1] == '"' ? private_at(p, private_dir) : 0;
		if (n)
			fputs(PRIVATE, f);
		else
			fputc(*p, f);
	}
	if (ferror(f))
		rc = ga_error_set(err, "write my.cnf: I/O error");
	if (fclose(f) != 0 && rc == 0)
		rc = ga_error_set(err, "write my.cnf: I/O error");
	free(text);
	return rc;
}
