/* proccpu.c - see proccpu.h */
#include "util/proccpu.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int ga_proc_cpu_parse(const char *text, struct ga_proc_cpu *p)
{
	unsigned long long ut, st, cut, cst;
	const char *paren = strrchr(text, ')');
	char state;
	int pid, ppid;

	if (sscanf(text, "%d (", &pid) != 1 || !paren)
		return -1;
	/* after COMM: state ppid pgrp session tty tpgid flags minflt
	 * cminflt majflt cmajflt utime stime cutime cstime */
	if (sscanf(paren + 1, " %c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
		   "%llu %llu %llu %llu", &state, &ppid, &ut, &st, &cut,
		   &cst) != 6)
		return -1;
	p->pid = (pid_t)pid;
	p->ppid = (pid_t)ppid;
	p->ticks = ut + st + cut + cst;
	return 0;
}

static int by_pid(const void *x, const void *y)
{
	const struct ga_proc_cpu *a = x, *b = y;

	return (a->pid > b->pid) - (a->pid < b->pid);
}

unsigned long long ga_proc_cpu_tree(const struct ga_proc_cpu *ps, size_t n,
				    pid_t root)
{
	struct ga_proc_cpu *sorted = malloc((n ? n : 1) * sizeof(*sorted));
	long *up = malloc((n ? n : 1) * sizeof(*up));
	unsigned long long sum = 0;
	struct ga_proc_cpu key = { 0 }, *hit;
	bool grew = true;
	size_t i;

	if (!sorted || !up)
		goto out;
	memcpy(sorted, ps, n * sizeof(*ps));
	qsort(sorted, n, sizeof(*sorted), by_pid);
	/* up[i]: the index of i's parent, -2 for root, -1 for none (or
	 * not yet known to be in root's tree) */
	for (i = 0; i < n; i++) {
		key.pid = sorted[i].ppid;
		hit = bsearch(&key, sorted, n, sizeof(*sorted), by_pid);
		up[i] = sorted[i].pid == root ? -2 :
			hit ? (long)(hit - sorted) : -1;
	}
	/* a level a pass: a process joins once its parent is root or has
	 * joined (-2); two that name each other (a PID reused between two
	 * reads) never do */
	while (grew) {
		grew = false;
		for (i = 0; i < n; i++)
			if (up[i] >= 0 && up[up[i]] == -2) {
				up[i] = -2;
				grew = true;
			}
	}
	for (i = 0; i < n; i++)
		if (up[i] == -2)
			sum += sorted[i].ticks;
out:
	free(sorted);
	free(up);
	return sum;
}

/* The stat of process name (a /proc entry) into *p.  Returns 0, or -1
 * (not a process, or gone meanwhile). */
static int read_stat(int procfd, const char *name, struct ga_proc_cpu *p)
{
	char path[64], buf[1024];
	ssize_t got;
	int fd;

	snprintf(path, sizeof(path), "%.20s/stat", name);
	fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	got = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (got <= 0)
		return -1;
	buf[got] = '\0';
	return ga_proc_cpu_parse(buf, p);
}

double ga_proc_tree_cpu_s(pid_t root)
{
	struct ga_proc_cpu *ps = NULL, *grown;
	size_t n = 0, cap = 0;
	struct dirent *de;
	long hz = sysconf(_SC_CLK_TCK);
	double s;
	DIR *dir = opendir("/proc");

	if (!dir || hz <= 0) {
		if (dir)
			closedir(dir);
		return -1;
	}
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 512;
			grown = realloc(ps, cap * sizeof(*ps));
			if (!grown) {
				closedir(dir);
				free(ps);
				return -1;
			}
			ps = grown;
		}
		if (read_stat(dirfd(dir), de->d_name, &ps[n]) == 0)
			n++;
	}
	closedir(dir);
	s = (double)ga_proc_cpu_tree(ps, n, root) / (double)hz;
	free(ps);
	return s;
}
