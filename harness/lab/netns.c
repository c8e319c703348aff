/* netns.c - see netns.h */
#include "lab/netns.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>

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
