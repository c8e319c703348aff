/* reach.c - what a confined driver process reads of the host besides
 * the system's own directories (client/internal.h, "what a driver
 * reaches"; docs/driver-protocol.md, "Processes and namespaces"): the
 * repository each path of its command lives in, goneaway's own
 * installation and the directory goneaway was started from, each at
 * the path it is named by, links included.  Read-only, as all it sees
 * (lab/spawn.h, struct ga_spawn_view). */
#include "client/internal.h"

#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab/spawn.h"

/* How far above a driver's directory its repository is looked for. */
#define REPO_LEVELS 8
/* How many links a named path may pass through. */
#define LINKS_MAX 8

/* Whether dir is too wide to be what a driver reaches whole: "/", a
 * directory just below it (/root, /home, /tmp) or someone's home (the
 * rest of it is theirs, a dotfiles repository included). */
static bool too_wide(const char *dir)
{
	const char *slash = strrchr(dir, '/');
	struct passwd *pw;
	bool wide = false;

	if (!slash || slash == dir)
		return true;
	setpwent();
	while (!wide && (pw = getpwent()))
		wide = pw->pw_dir && strcmp(pw->pw_dir, dir) == 0;
	endpwent();
	return wide;
}

/* Whether v's user may search dir: its bind is of use to it only then. */
static bool searchable(const struct ga_spawn_view *v, const char *dir)
{
	struct stat st;

	if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
		return false;
	if (st.st_uid == v->uid)
		return st.st_mode & S_IXUSR;
	if (st.st_gid == v->gid)
		return st.st_mode & S_IXGRP;
	return st.st_mode & S_IXOTH;
}

/* dir's repository into repo ("": none): the nearest of dir and the
 * REPO_LEVELS directories above it that holds a .git (a directory, or a
 * worktree's file), below anything too wide, that v's user may search. */
static void repository(const struct ga_spawn_view *v, const char *dir,
		       char *repo)
{
	char cur[PATH_MAX], git[PATH_MAX + 8], *slash;
	struct stat st;
	int n;

	repo[0] = '\0';
	snprintf(cur, sizeof(cur), "%s", dir);
	for (n = 0; n <= REPO_LEVELS && !too_wide(cur); n++) {
		snprintf(git, sizeof(git), "%s/.git", cur);
		if (lstat(git, &st) == 0) {
			if (searchable(v, cur))
				snprintf(repo, PATH_MAX, "%s", cur);
			return;
		}
		slash = strrchr(cur, '/');
		*slash = '\0';
	}
}

/* real (absolute, no link in it) reached: its repository when it has
 * one; else its directory (real itself when a directory) when v's user
 * may search it and it is not too wide; else a file alone (a script in
 * root's 0700 home), a directory not at all. */
static int reach_real(struct ga_spawn_view *v, const char *real,
		      struct ga_error *err)
{
	char dir[PATH_MAX], repo[PATH_MAX], *slash;
	struct stat st;
	bool file;

	if (stat(real, &st) != 0)
		return 0;
	file = !S_ISDIR(st.st_mode);
	snprintf(dir, sizeof(dir), "%s", real);
	slash = strrchr(dir, '/');
	if (file && slash == dir)
		dir[1] = '\0';
	else if (file && slash)
		*slash = '\0';
	repository(v, dir, repo);
	if (repo[0])
		return ga_spawn_view_reach(v, repo, err);
	if (!too_wide(dir) && searchable(v, dir))
		return ga_spawn_view_reach(v, dir, err);
	return file ? ga_spawn_view_reach(v, real, err) : 0;
}

/* named (absolute) reached as it is named: each link on its way that
 * sits where v's user sees nothing made again (lab/spawn.h), and what
 * it names reached in turn; then its real path, by reach_real.  A path
 * that is not there adds nothing. */
static int reach_named(struct ga_spawn_view *v, const char *named, int links,
		       struct ga_error *err)
{
	char cur[PATH_MAX] = "", next[PATH_MAX], to[PATH_MAX];
	char rest[PATH_MAX], *p, *w, *save = NULL, *slash;
	struct stat st;
	ssize_t n;

	if (named[0] != '/' ||
	    snprintf(rest, sizeof(rest), "%s", named) >= (int)sizeof(rest))
		return 0;
	for (w = strtok_r(rest, "/", &save); w; w = strtok_r(NULL, "/", &save)) {
		if (strcmp(w, ".") == 0)
			continue;
		if (strcmp(w, "..") == 0) {
			slash = strrchr(cur, '/');
			if (slash)
				*slash = '\0';
			continue;
		}
		if (snprintf(next, sizeof(next), "%s/%s", cur, w) >=
		    (int)sizeof(next) || lstat(next, &st) != 0)
			return 0;
		if (!S_ISLNK(st.st_mode)) {
			memcpy(cur, next, sizeof(cur));
			continue;
		}
		n = readlink(next, to, sizeof(to) - 1);
		if (n <= 0 || links >= LINKS_MAX)
			return 0;
		to[n] = '\0';
		if (ga_spawn_view_link(v, next, to, err))
			return -1;
		/* what it names, then the rest of the path, as named */
		p = strtok_r(NULL, "", &save);
		if (snprintf(rest, sizeof(rest), "%s%s%s/%s",
			     to[0] == '/' ? "" : cur, to[0] == '/' ? "" : "/",
			     to, p ? p : "") >= (int)sizeof(rest))
			return 0;
		return reach_named(v, rest, links + 1, err);
	}
	return reach_real(v, cur[0] ? cur : "/", err);
}

int ga_driver_reach_words(struct ga_spawn_view *v, const char *const *argv,
			  struct ga_error *err)
{
	size_t i;

	for (i = 0; argv[i]; i++)
		if (argv[i][0] == '/' && access(argv[i], F_OK) == 0 &&
		    reach_named(v, argv[i], 0, err))
			return -1;
	return 0;
}

/* goneaway's first word, as it was started (absolute: the directory it
 * was started from before it), into buf ("": none with a '/'). */
static void own_word(char *buf, size_t len)
{
	char line[PATH_MAX], cwd[PATH_MAX];
	FILE *f = fopen("/proc/self/cmdline", "re");
	size_t n = f ? fread(line, 1, sizeof(line) - 1, f) : 0;

	if (f)
		fclose(f);
	line[n] = '\0';
	buf[0] = '\0';
	if (!strchr(line, '/'))
		return;
	if (line[0] == '/')
		snprintf(buf, len, "%s", line);
	else if (getcwd(cwd, sizeof(cwd)))
		snprintf(buf, len, "%s/%s", cwd, line);
}

int ga_driver_reach_own(struct ga_spawn_view *v, struct ga_error *err)
{
	char path[PATH_MAX], cwd[PATH_MAX];
	const char *pwd = getenv("PWD");
	struct stat a, b;
	ssize_t n;

	/* its installation (its shipped drivers, fixtures): as it runs,
	 * and as it was named */
	n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	if (n > 0) {
		path[n] = '\0';
		if (reach_real(v, path, err))
			return -1;
	}
	own_word(path, sizeof(path));
	if (path[0] && reach_named(v, path, 0, err))
		return -1;
	/* where it was started from: as it is, and as $PWD names it */
	if (getcwd(cwd, sizeof(cwd)) && reach_real(v, cwd, err))
		return -1;
	if (pwd && pwd[0] == '/' && stat(pwd, &a) == 0 && stat(".", &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino &&
	    reach_named(v, pwd, 0, err))
		return -1;
	return 0;
}
