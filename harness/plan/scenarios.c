/* scenarios.c - the scenario files a command is given: directories are
 * expanded into their *.gw files, every file is parsed and every problem
 * in every file reported before anything runs. */
#include "plan/scenarios.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lang/diag.h"
#include "lang/parse.h"
#include "util/grow.h"

static int path_list_add(struct ga_path_list *l, const char *path)
{
	if (ga_grow(&l->items, &l->cap, l->n, sizeof(*l->items), 16))
		return -1;
	l->items[l->n] = strdup(path);
	if (!l->items[l->n])
		return -1;
	l->n++;
	return 0;
}

void ga_path_list_free(struct ga_path_list *l)
{
	ga_strings_free(l->items, l->n);
	l->items = NULL;
	l->n = l->cap = 0;
}

static int cmp_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool is_scenario_name(const char *name)
{
	size_t len = strlen(name);

	return len > 3 && name[0] != '.' && strcmp(name + len - 3, ".gw") == 0;
}

int ga_collect_paths(char **args, int nargs, struct ga_path_list *out)
{
	char path[PATH_MAX];
	struct dirent *de;
	struct stat st;
	size_t first;
	DIR *dir;
	int i;

	for (i = 0; i < nargs; i++) {
		if (stat(args[i], &st) != 0) {
			fprintf(stderr, "goneaway: %s: %s\n", args[i], strerror(errno));
			return -1;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (path_list_add(out, args[i]))
				return -1;
			continue;
		}
		dir = opendir(args[i]);
		if (!dir) {
			fprintf(stderr, "goneaway: %s: %s\n", args[i], strerror(errno));
			return -1;
		}
		first = out->n;
		while ((de = readdir(dir)) != NULL) {
			if (!is_scenario_name(de->d_name))
				continue;
			snprintf(path, sizeof(path), "%s%s%s", args[i],
				 args[i][strlen(args[i]) - 1] == '/' ? "" : "/",
				 de->d_name);
			if (path_list_add(out, path)) {
				closedir(dir);
				return -1;
			}
		}
		closedir(dir);
		qsort(out->items + first, out->n - first, sizeof(char *),
		      cmp_strings);
		if (out->n == first)
			fprintf(stderr, "goneaway: %s: no *.gw files\n", args[i]);
	}
	return 0;
}

int ga_parse_all(const struct ga_path_list *paths, struct ga_scenario ***out)
{
	struct ga_scenario **scs;
	struct ga_diags diags = { 0 };
	size_t i;
	int bad = 0;

	scs = calloc(paths->n ? paths->n : 1, sizeof(*scs));
	if (!scs)
		return -1;
	for (i = 0; i < paths->n; i++)
		if (ga_parse_file(paths->items[i], &scs[i], &diags))
			bad = 1;
	ga_diags_print(&diags, stderr);
	if (!bad && ga_scenarios_label(scs, paths->n)) {
		fprintf(stderr, "goneaway: out of memory\n");
		bad = 1;
	}
	if (bad)
		fprintf(stderr, "goneaway: %zu problem%s in scenario files; "
			"nothing was run\n", diags.n, diags.n == 1 ? "" : "s");
	ga_diags_free(&diags);
	*out = scs;
	return bad ? -1 : 0;
}

void ga_scenarios_free(struct ga_scenario **scs, size_t n)
{
	size_t i;

	if (!scs)
		return;
	for (i = 0; i < n; i++)
		if (scs[i])
			ga_scenario_free(scs[i]);
	free(scs);
}

/* fixtures/ next to the binary (a build tree), else ../share/goneaway. */
