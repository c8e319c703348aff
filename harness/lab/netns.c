/* netns.c - see netns.h */
#include "lab/netns.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <netlink/errno.h>
#include <netlink/netlink.h>

struct netns_job {
	int ns_fd;
	int (*fn)(void *arg, struct ga_error *err);
	void *arg;
	int rc;
	struct ga_error err;
};

static void *netns_thread(void *p)
{
	struct netns_job *job = p;

	if (setns(job->ns_fd, CLONE_NEWNET) < 0) {
		job->rc = ga_error_errno(&job->err, errno,
					 "entering network namespace (fd %d)",
					 job->ns_fd);
		return NULL;
	}
	job->rc = job->fn(job->arg, &job->err);
	return NULL;
}

int ga_netns_run(int ns_fd, int (*fn)(void *arg, struct ga_error *err),
		 void *arg, struct ga_error *err)
{
	struct netns_job job = { .ns_fd = ns_fd, .fn = fn, .arg = arg, .rc = -1 };
	pthread_t t;
	int rc;

	job.err.msg[0] = '\0';
	rc = pthread_create(&t, NULL, netns_thread, &job);
	if (rc != 0)
		return ga_error_errno(err, rc, "pthread_create");
	pthread_join(t, NULL);
	if (job.rc != 0 && err)
		*err = job.err;
	return job.rc;
}

/* ---- the nursery ------------------------------------------------------------ */

/* Buckets of the TCP hash table of a namespace made from the nursery: a
 * lab's namespaces hold tens of sockets, a few hundred at most. */
#define CHILD_EHASH_ENTRIES "1024"
#define CHILD_EHASH_SYSCTL "/proc/sys/net/ipv4/tcp_child_ehash_entries"

static pthread_once_t nursery_once = PTHREAD_ONCE_INIT;
static int nursery_fd = -1;     /* for the process's life; -1: none */

/* On a thread of its own, which ends inside the nursery: the namespace
 * lives on through nursery_fd.  The sysctl is the nursery's own: /proc/
 * sys/net is the namespace of the thread that opens it. */
static void *nursery_make(void *unused)
{
	int fd, sys;
	ssize_t n;

	(void)unused;
	if (unshare(CLONE_NEWNET) != 0)
		return NULL;
	fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	sys = open(CHILD_EHASH_SYSCTL, O_WRONLY | O_CLOEXEC);
	if (sys < 0) {          /* a kernel before 6.1: no gain */
		close(fd);
		return NULL;
	}
	n = write(sys, CHILD_EHASH_ENTRIES, strlen(CHILD_EHASH_ENTRIES));
	close(sys);
	if (n != (ssize_t)strlen(CHILD_EHASH_ENTRIES)) {
		close(fd);
		return NULL;
	}
	nursery_fd = fd;
	return NULL;
}

static void nursery_once_make(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, nursery_make, NULL) == 0)
		pthread_join(t, NULL);
}

/* ---- TCP's buffers ------------------------------------------------------------ */

/* The bounds TCP grows a socket's buffers to in a namespace goneaway
 * makes: the kernel's own defaults (tcp_init() on a machine with room),
 * not the host's, which a new namespace copies (33554432 for tcp_rmem's
 * here).  How much of a result the buffers hold when a client stops
 * reading is what the streaming scenarios measure: it is the same on
 * every machine. */
static const struct {
	const char *path;
	const char *value;
} tcp_buffers[] = {
	{ "/proc/sys/net/ipv4/tcp_rmem", "4096\t131072\t6291456" },
	{ "/proc/sys/net/ipv4/tcp_wmem", "4096\t16384\t4194304" },
};

/* Writes tcp_buffers in the calling thread's namespace.  A kernel whose
 * namespaces have no such sysctl of their own (before 4.15) keeps the
 * host's. */
static int pin_tcp_buffers(const char *what, struct ga_error *err)
{
	size_t i, len;
	ssize_t n;
	int fd;

	for (i = 0; i < sizeof(tcp_buffers) / sizeof(tcp_buffers[0]); i++) {
		fd = open(tcp_buffers[i].path, O_WRONLY | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0)
			return ga_error_errno(err, errno, "the %s namespace: "
					      "opening %s", what,
					      tcp_buffers[i].path);
		len = strlen(tcp_buffers[i].value);
		n = write(fd, tcp_buffers[i].value, len);
		if (n < 0) {
			int e = errno;

			close(fd);
			return ga_error_errno(err, e, "the %s namespace: "
					      "writing %s", what,
					      tcp_buffers[i].path);
		}
		close(fd);
		if ((size_t)n != len)
			return ga_error_set(err, "the %s namespace: writing "
					    "%s: %zd of %zu bytes", what,
					    tcp_buffers[i].path, n, len);
	}
	return 0;
}

int ga_netns_unshare(const char *what, struct ga_error *err)
{
	pthread_once(&nursery_once, nursery_once_make);
	if (nursery_fd >= 0 && setns(nursery_fd, CLONE_NEWNET) < 0)
		return ga_error_errno(err, errno, "creating the %s namespace: "
				      "entering the nursery", what);
	if (unshare(CLONE_NEWNET) < 0)
		return ga_error_errno(err, errno, "creating the %s namespace",
				      what);
	return pin_tcp_buffers(what, err);
}

int ga_netns_enter(int ns_fd, struct ga_error *err)
{
	if (setns(ns_fd, CLONE_NEWNET) < 0)
		return ga_error_errno(err, errno,
				      "entering network namespace (fd %d)", ns_fd);
	return 0;
}

int ga_netns_route_socket(struct nl_sock **sockp, const char *what,
			  struct ga_error *err)
{
	struct nl_sock *sock;
	int rc;

	sock = nl_socket_alloc();
	if (!sock)
		return ga_error_set(err, "opening a netlink socket in the %s "
				    "namespace: out of memory", what);
	rc = nl_connect(sock, NETLINK_ROUTE);
	if (rc) {
		nl_socket_free(sock);
		return ga_error_set(err, "opening a netlink socket in the %s "
				    "namespace: %s", what, nl_geterror(rc));
	}
	*sockp = sock;
	return 0;
}
