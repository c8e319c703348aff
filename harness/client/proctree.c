/* proctree.c - what the kernel says of a process, read from /proc (names,
 * never descriptors): its children, whether it has ended, what one of its
 * descriptors is, its PID in its own PID namespace.  What keep.c (a kept driver's processes) and zygote.c (a
 * zygote's namespace) both read; it calls neither.
 */
#include "client/internal.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define KIDS_MAX 4096           /* bytes of a "children" file read */

int ga_proc_children(pid_t pid, pid_t *kids, int max)
{
	char path[64], buf[KIDS_MAX], *p, *end;
	struct dirent *de;
	DIR *dir;
	int n = 0, fd;
	ssize_t got;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.20s/children",
			 (int)pid, de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		got = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		buf[got > 0 ? got : 0] = '\0';
		for (p = buf; *p; p = end) {
			long k = strtol(p, &end, 10);

			if (end == p)
				break;
			if (n < max)
				kids[n] = (pid_t)k;
			n++;
		}
	}
	closedir(dir);
	return n;
}

bool ga_proc_ended(pid_t pid)
{
	char path[64], buf[512], *paren;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;    /* gone altogether */
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	/* "PID (COMM) S ...": COMM may hold anything, the last ')' ends it */
	paren = strrchr(buf, ')');
	return !paren || paren[1] != ' ' || paren[2] == 'Z' || paren[2] == 'X';
}

bool ga_proc_fd_is(pid_t pid, int fd, dev_t dev, ino_t ino)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)pid, fd);
	return stat(path, &st) == 0 && st.st_dev == dev && st.st_ino == ino;
}

pid_t ga_proc_pidfd_nspid(int pidfd)
{
	char path[64], buf[1024], *line, *p, *end;
	long last = 0, v;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = '\0';
	line = strstr(buf, "\nNSpid:");
	if (!line)
		return 0;
	/* "NSpid:\t7\t3": as this process numbers it, down to its own */
	for (p = line + 7; *p && *p != '\n'; p = end) {
		v = strtol(p, &end, 10);
		if (end == p)
			break;
		last = v;
	}
	return last > 0 ? (pid_t)last : 0;
}

/* Whether pid reads in (its descriptor 0) and writes out (1). */
static bool holds(pid_t pid, const struct stat *in, const struct stat *out)
{
	return ga_proc_fd_is(pid, 0, in->st_dev, in->st_ino) &&
	       ga_proc_fd_is(pid, 1, out->st_dev, out->st_ino);
}

pid_t ga_proc_pipes_holder(pid_t pid, const struct stat *in,
			   const struct stat *out)
{
	pid_t kids[8];
	int k, i;

	if (holds(pid, in, out))
		return pid;
	k = ga_proc_children(pid, kids, 8);
	for (i = 0; i < k && i < 8; i++)
		if (holds(kids[i], in, out))
			return kids[i];
	return 0;
}
