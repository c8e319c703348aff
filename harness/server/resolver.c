/* resolver.c - the lab's resolver files for a server: see internal.h. */
#include "server/internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lab/lab.h"

static const struct {
	const char *name;       /* in the scenario's directory and in /etc */
	const char *text;
} files_of_lab[] = {
	{ "resolv.conf",
	  "# goneaway: the lab's name server never answers (lab/lab.h)\n"
	  "nameserver " GA_LAB_RESOLVER_ADDR "\n"
	  "options timeout:2 attempts:1\n" },
	{ "nsswitch.conf",
	  "# goneaway: names only from the files and the lab's resolver\n"
	  "passwd: files\ngroup: files\nshadow: files\n"
	  "hosts: files dns\nnetworks: files\nprotocols: files\n"
	  "services: files\nethers: files\nrpc: files\n" },
	{ "hosts",
	  "127.0.0.1 localhost\n::1 localhost ip6-localhost ip6-loopback\n" },
};

/* nscd answers lookups through a socket in one of these: hidden. */
static const char *const nscd_dirs[] = { "/run/nscd", "/var/run/nscd" };

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

int ga_server_resolver(const char *dir, const char *root,
		       struct ga_spawn_files *files, struct ga_error *err)
{
	char path[PATH_MAX];
	size_t i;
	FILE *f;
	int bad = 0;

	memset(files, 0, sizeof(*files));
	for (i = 0; i < COUNT(files_of_lab) && i < GA_SPAWN_FILES; i++) {
		if (snprintf(path, sizeof(path), "%s/%s", dir,
			     files_of_lab[i].name) >= (int)sizeof(path))
			return ga_error_set(err, "path too long: %s", dir);
		f = fopen(path, "we");
		if (!f)
			return ga_error_errno(err, errno, "create %s", path);
		fputs(files_of_lab[i].text, f);
		if (fclose(f) != 0)
			return ga_error_errno(err, errno, "write %s", path);
		bad |= snprintf(files->source[i], PATH_MAX, "%s", path) >=
		       PATH_MAX;
		bad |= snprintf(files->target[i], PATH_MAX, "%s/etc/%s", root,
				files_of_lab[i].name) >= PATH_MAX;
		files->n++;
	}
	for (i = 0; i < COUNT(nscd_dirs) && i < GA_SPAWN_HIDES; i++) {
		bad |= snprintf(files->hide[i], PATH_MAX, "%s%s", root,
				nscd_dirs[i]) >= PATH_MAX;
		files->nhide++;
	}
	if (bad)
		return ga_error_set(err, "path too long: %s or %s", dir, root);
	return 0;
}
