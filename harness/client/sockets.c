/* sockets.c - finding the sockets a call made (see internal.h).
 *
 * A call blocked inside libmysqlclient cannot be asked which socket it
 * uses: during mysql_real_connect the handle is being written by the
 * worker, and a reconnect inside mysql_real_query replaces its socket.
 * So the socket is found from the outside: whatever TCP socket of the
 * lab's client namespace appeared in this process after the call started
 * is the call's (another call running at the same time could only add
 * one by reconnecting), and the socket the connection had when its last
 * call finished is known by descriptor and inode.
 */
#include "client/internal.h"

#include <dirent.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

static int cmp_ino(const void *a, const void *b)
{
	ino_t x = *(const ino_t *)a, y = *(const ino_t *)b;

	return x < y ? -1 : x > y;
}

ino_t ga_socket_inode(int fd)
{
	struct stat st;

	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode))
		return 0;
	return st.st_ino;
}

/* Calls fn for every socket descriptor of this process. */
static int each_socket(void (*fn)(int fd, ino_t ino, void *arg), void *arg)
{
	struct dirent *de;
	DIR *dir;
	ino_t ino;
	int fd;

	dir = opendir("/proc/self/fd");
	if (!dir)
		return -1;
	while ((de = readdir(dir)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		fd = atoi(de->d_name);
		if (fd == dirfd(dir))
			continue;
		ino = ga_socket_inode(fd);
		if (ino)
			fn(fd, ino, arg);
	}
	closedir(dir);
	return 0;
}

struct collect {
	struct ga_socket_set *set;
	size_t cap;
	int failed;
};

static void add_inode(int fd, ino_t ino, void *arg)
{
	struct collect *c = arg;
	ino_t *grown;

	(void)fd;
	if (c->failed)
		return;
	if (c->set->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 32;
		grown = realloc(c->set->inodes, c->cap * sizeof(*grown));
		if (!grown) {
			c->failed = 1;
			return;
		}
		c->set->inodes = grown;
	}
	c->set->inodes[c->set->n++] = ino;
}

int ga_socket_set_take(struct ga_socket_set *set)
{
	struct collect c = { .set = set };

	memset(set, 0, sizeof(*set));
	if (each_socket(add_inode, &c) != 0 || c.failed) {
		ga_socket_set_free(set);
		return -1;
	}
	qsort(set->inodes, set->n, sizeof(*set->inodes), cmp_ino);
	return 0;
}

void ga_socket_set_free(struct ga_socket_set *set)
{
	free(set->inodes);
	set->inodes = NULL;
	set->n = 0;
}

/* True when the socket fd belongs to the namespace ns (same inode). */
static bool in_netns(int fd, const struct stat *ns)
{
	struct stat st;
	int nsfd;
	bool same;

	nsfd = ioctl(fd, SIOCGSKNS);
	if (nsfd < 0)
		return false;
	same = fstat(nsfd, &st) == 0 && st.st_ino == ns->st_ino &&
	       st.st_dev == ns->st_dev;
	close(nsfd);
	return same;
}

static bool is_tcp(int fd)
{
	struct tcp_info ti;
	socklen_t len = sizeof(ti);

	return getsockopt(fd, IPPROTO_TCP, TCP_INFO, &ti, &len) == 0;
}

struct cut {
	const struct ga_socket_set *before;
	struct stat ns;
	int n;
};

static void cut_if_new(int fd, ino_t ino, void *arg)
{
	struct cut *c = arg;

	if (c->before->n && bsearch(&ino, c->before->inodes, c->before->n,
				    sizeof(ino), cmp_ino))
		return;
	if (!is_tcp(fd) || !in_netns(fd, &c->ns))
		return;
	if (shutdown(fd, SHUT_RDWR) == 0)
		c->n++;
}

int ga_sockets_shutdown_new(int netns_fd, const struct ga_socket_set *before)
{
	struct cut c = { .before = before };

	if (fstat(netns_fd, &c.ns) != 0)
		return 0;
	each_socket(cut_if_new, &c);
	return c.n;
}

int ga_socket_shutdown_if(int fd, ino_t ino)
{
	if (!ino || ga_socket_inode(fd) != ino)
		return 0;
	return shutdown(fd, SHUT_RDWR) == 0;
}
