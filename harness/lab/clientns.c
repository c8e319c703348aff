/* clientns.c - see clientns.h */
#include "lab/clientns.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <netlink/socket.h>

#include "lab/internal.h"
#include "lab/netns.h"
#include "lab/nsstate.h"

struct make_job {
	int fd;
	int rc;
	struct ga_error err;
};

/* On a thread of its own, which then ends inside the new namespace (the
 * namespace lives on through the descriptor). */
static void *make_here(void *arg)
{
	struct make_job *job = arg;
	struct nl_sock *sock = NULL;

	if (ga_netns_unshare("client", &job->err) != 0) {
		job->rc = -1;
		return NULL;
	}
	job->fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (job->fd < 0) {
		job->rc = ga_error_errno(&job->err, errno, "holding the "
					 "client namespace");
		return NULL;
	}
	job->rc = ga_netns_route_socket(&sock, "client", &job->err);
	if (job->rc == 0)
		job->rc = ga_lab_link_up(sock, "lo", NULL, "client", &job->err);
	if (job->rc == 0)
		job->rc = ga_lab_resolver_route(sock, 0, NULL, "client",
						&job->err);
	if (sock)
		nl_socket_free(sock);
	return NULL;
}

void ga_clientns_init(struct ga_clientns *ns)
{
	memset(ns, 0, sizeof(*ns));
	ns->fd = -1;
}

int ga_clientns_ensure(struct ga_clientns *ns, struct ga_error *err)
{
	struct make_job job = { -1, -1, { "" } };
	struct stat st;
	pthread_t t;
	int rc;

	if (ns->fd >= 0)
		return 0;
	rc = pthread_create(&t, NULL, make_here, &job);
	if (rc != 0)
		return ga_error_errno(err, rc, "pthread_create");
	pthread_join(t, NULL);
	if (job.rc != 0) {
		if (job.fd >= 0)
			close(job.fd);
		*err = job.err;
		return -1;
	}
	ns->fd = job.fd;
	if (fstat(ns->fd, &st) != 0 ||
	    ga_nsstate_take(ns->fd, &ns->base, err) != 0) {
		if (!ns->base)
			ga_error_prefix(err, "a new client namespace");
		ga_clientns_close(ns);
		return -1;
	}
	ns->ino = st.st_ino;
	ns->labs = 0;
	ns->made++;
	return 0;
}

static int give_up(struct ga_clientns *ns, const char *why)
{
	snprintf(ns->given_up, sizeof(ns->given_up), "the client namespace "
		 "%s", why);
	ga_clientns_close(ns);
	return 1;
}

int ga_clientns_check(struct ga_clientns *ns)
{
	struct ga_error err;
	char *now = NULL, why[300], diff[260];
	int differs;

	if (ns->fd < 0)
		return 0;
	if (ga_nsstate_reset(ns->fd, &err) != 0 ||
	    ga_nsstate_take(ns->fd, &now, &err) != 0) {
		snprintf(why, sizeof(why), "could not be checked: %s",
			 err.msg);
		return give_up(ns, why);
	}
	differs = ga_nsstate_diff(ns->base, now, diff, sizeof(diff));
	free(now);
	if (differs) {
		snprintf(why, sizeof(why), "is not as it was made: %s", diff);
		return give_up(ns, why);
	}
	return 0;
}

void ga_clientns_close(struct ga_clientns *ns)
{
	if (ns->fd >= 0)
		close(ns->fd);
	ns->fd = -1;
	ns->ino = 0;
	free(ns->base);
	ns->base = NULL;
}
