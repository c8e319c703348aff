/* sockets.c - finding and cutting the sockets a call made (internal.h).
 *
 * A call blocked inside libmysqlclient cannot be asked which socket it
 * uses: during mysql_real_connect the handle is being written by the
 * worker, and a reconnect inside mysql_real_query replaces its socket.
 * Nor can its descriptor number be trusted from another thread: the
 * library may close it at any moment, and the number be reused.  So the
 * call's sockets are found and cut by their identity in the kernel:
 * the lab's client namespace holds only the harness's own client
 * sockets, a sock_diag dump of it lists each with its inode, and
 * SOCK_DESTROY aborts one by its address and cookie (ECONNABORTED for
 * the blocked call).  The call's sockets are the ones that appeared after
 * it started, and the one its connection had when its last call
 * finished (known by inode).
 *
 * A kernel without CONFIG_INET_DIAG_DESTROY refuses SOCK_DESTROY; then
 * the same sockets are shut down through this process's descriptors,
 * checked by inode just before (a race with a close in the worker is
 * then possible, if unlikely).
 */
#include "client/internal.h"

#include <dirent.h>
#include <errno.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lab/netns.h"
#include "lab/sockdiag.h"

#define KIDS_READ 256           /* children of a process looked at */

static int cmp_ino(const void *a, const void *b)
{
	ino_t x = *(const ino_t *)a, y = *(const ino_t *)b;

	return x < y ? -1 : x > y;
}

/* ---- work done inside the namespace ------------------------------------- */

struct job {
	const struct ga_socket_set *set;        /* cut: the call's start, or
						 * the sockets to cut */
	bool cut_set;                           /* cut those in set, not
						 * those outside it */
	ino_t known;                            /* cut: the connection's */
	struct ga_tcp_list list;                   /* every socket found */
	int destroyed;
	int unsupported;                        /* no SOCK_DESTROY here */
};

static bool wanted(const struct job *job, ino_t ino)
{
	bool in_set;

	if (ino == 0)
		return false;
	if (ino == job->known)
		return true;
	in_set = job->set->n && bsearch(&ino, job->set->inodes, job->set->n,
					sizeof(ino), cmp_ino);
	return in_set == job->cut_set;
}

static int dump_in_ns(void *arg, struct ga_error *err)
{
	struct job *job = arg;
	size_t i;
	int nl, rc;

	nl = ga_sockdiag_open();
	if (nl < 0)
		return ga_error_errno(err, errno, "sock_diag socket");
	rc = ga_sockdiag_dump(nl, &job->list);
	for (i = 0; rc == 0 && job->set && i < job->list.n; i++) {
		const struct ga_tcp_sock *s = &job->list.items[i];
		int d;

		if (!wanted(job, s->ino))
			continue;
		d = job->unsupported ? 0 : ga_sockdiag_destroy(nl, s);
		if (d == -EOPNOTSUPP || d == -EINVAL || d == -ENOSYS)
			job->unsupported = 1;
		else if (d == 0)
			job->destroyed++;
	}
	close(nl);
	if (rc)
		return ga_error_errno(err, -rc, "sock_diag dump");
	return 0;
}

int ga_socket_set_take(int netns_fd, struct ga_socket_set *set,
		       struct ga_error *err)
{
	struct job job;
	size_t i;

	memset(set, 0, sizeof(*set));
	memset(&job, 0, sizeof(job));
	if (ga_netns_run(netns_fd, dump_in_ns, &job, err)) {
		ga_tcp_list_free(&job.list);
		return -1;
	}
	set->inodes = calloc(job.list.n ? job.list.n : 1, sizeof(ino_t));
	if (!set->inodes) {
		ga_tcp_list_free(&job.list);
		return ga_error_set(err, "out of memory");
	}
	for (i = 0; i < job.list.n; i++)
		set->inodes[i] = job.list.items[i].ino;
	set->n = job.list.n;
	ga_tcp_list_free(&job.list);
	qsort(set->inodes, set->n, sizeof(*set->inodes), cmp_ino);
	return 0;
}

void ga_socket_set_remove(struct ga_socket_set *set,
			  const struct ga_socket_set *these)
{
	size_t i, n = 0;

	for (i = 0; i < set->n; i++)
		if (!these->n || !bsearch(&set->inodes[i], these->inodes,
					  these->n, sizeof(ino_t), cmp_ino))
			set->inodes[n++] = set->inodes[i];
	set->n = n;
}

void ga_socket_set_free(struct ga_socket_set *set)
{
	free(set->inodes);
	set->inodes = NULL;
	set->n = 0;
}

ino_t ga_socket_inode(int fd)
{
	struct stat st;

	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode))
		return 0;
	return st.st_ino;
}

/* The fallback: shut down this process's descriptors of the sockets
 * job wants cut. */
static int shutdown_by_fd(const struct job *job)
{
	struct dirent *de;
	DIR *dir;
	ino_t ino;
	size_t i;
	int fd, n = 0;

	dir = opendir("/proc/self/fd");
	if (!dir)
		return 0;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		fd = atoi(de->d_name);
		if (fd == dirfd(dir))
			continue;
		ino = ga_socket_inode(fd);
		for (i = 0; ino && i < job->list.n; i++)
			if (job->list.items[i].ino == ino && wanted(job, ino) &&
			    shutdown(fd, SHUT_RDWR) == 0) {
				n++;
				break;
			}
	}
	closedir(dir);
	return n;
}

static int cut(int netns_fd, const struct ga_socket_set *set, bool cut_set,
	       ino_t known, struct ga_error *err)
{
	struct job job;
	int n;

	memset(&job, 0, sizeof(job));
	job.set = set;
	job.cut_set = cut_set;
	job.known = known;
	if (ga_netns_run(netns_fd, dump_in_ns, &job, err)) {
		ga_tcp_list_free(&job.list);
		return -1;
	}
	n = job.unsupported ? shutdown_by_fd(&job) : job.destroyed;
	ga_tcp_list_free(&job.list);
	return n;
}

int ga_sockets_cut(int netns_fd, const struct ga_socket_set *before,
		   ino_t known, struct ga_error *err)
{
	return cut(netns_fd, before, false, known, err);
}

int ga_sockets_cut_these(int netns_fd, const struct ga_socket_set *these,
			 struct ga_error *err)
{
	return cut(netns_fd, these, true, 0, err);
}

static void add_process_sockets(pid_t pid, struct ga_socket_set *set,
				size_t *cap, int depth)
{
	char path[64], link[64];
	pid_t kids[KIDS_READ];
	struct dirent *de;
	unsigned long ino;
	ino_t *grown;
	ssize_t n;
	int k, i;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	dir = opendir(path);
	if (!dir)
		return;
	while ((de = readdir(dir)) != NULL) {
		snprintf(path, sizeof(path), "/proc/%d/fd/%.20s", (int)pid,
			 de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = '\0';
		if (sscanf(link, "socket:[%lu]", &ino) != 1)
			continue;
		if (set->n == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			grown = realloc(set->inodes, *cap * sizeof(*grown));
			if (!grown)
				break;
			set->inodes = grown;
		}
		set->inodes[set->n++] = (ino_t)ino;
	}
	closedir(dir);
	/* and its children's (a driver that forked, from any thread: a
	 * JVM's) */
	k = depth < 4 ? ga_proc_children(pid, kids, KIDS_READ) : 0;
	for (i = 0; i < k && i < KIDS_READ; i++)
		add_process_sockets(kids[i], set, cap, depth + 1);
}

void ga_socket_set_of_process(pid_t pid, struct ga_socket_set *set)
{
	size_t cap = 0;

	memset(set, 0, sizeof(*set));
	add_process_sockets(pid, set, &cap, 0);
	if (set->n)
		qsort(set->inodes, set->n, sizeof(*set->inodes), cmp_ino);
}

/* Whether s goes to the IPv4 address addr (network order): an AF_INET
 * socket, or an AF_INET6 one to its IPv4-mapped address (::ffff:a.b.c.d:
 * a JVM's sockets are dual-stack ones). */
static bool to_ipv4(const struct ga_tcp_sock *s, uint32_t addr)
{
	if (s->family == AF_INET)
		return s->id.idiag_dst[0] == addr;
	return s->family == AF_INET6 && s->id.idiag_dst[0] == 0 &&
	       s->id.idiag_dst[1] == 0 &&
	       s->id.idiag_dst[2] == htonl(0xffff) &&
	       s->id.idiag_dst[3] == addr;
}

int ga_socket_ports_to(int netns_fd, const struct ga_socket_set *set,
		       const char *host, unsigned port, unsigned *ports,
		       size_t max, size_t *n, struct ga_error *err)
{
	struct in_addr want;
	struct job job;
	size_t i;

	*n = 0;
	if (inet_pton(AF_INET, host, &want) != 1)
		return ga_error_set(err, "not an IPv4 address: %s", host);
	memset(&job, 0, sizeof(job));
	if (ga_netns_run(netns_fd, dump_in_ns, &job, err)) {
		ga_tcp_list_free(&job.list);
		return -1;
	}
	for (i = 0; i < job.list.n && *n < max; i++) {
		const struct ga_tcp_sock *s = &job.list.items[i];

		if (!s->ino || ntohs(s->id.idiag_dport) != port ||
		    !to_ipv4(s, want.s_addr) ||
		    !set->n || !bsearch(&s->ino, set->inodes, set->n,
					sizeof(s->ino), cmp_ino))
			continue;
		ports[(*n)++] = ntohs(s->id.idiag_sport);
	}
	ga_tcp_list_free(&job.list);
	return 0;
}
