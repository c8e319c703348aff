/* fork.c - a fork that holds a connection: see mysqlapi.h */
#include "mysqlapi/mysqlapi.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/clock.h"

/* What one process saw in "share". */
struct tally {
	long ok;
	long wrong;
	long errors;
	unsigned first_err;             /* the first error's number */
	char first_msg[160];
	char first_wrong[96];           /* "asked 'child:3', got 'parent:2'" */
};

static void tally_query(MYSQL *mysql, const char *who, long i,
			struct tally *t)
{
	struct ga_outcome o;
	char sql[64], want[32];

	snprintf(want, sizeof(want), "%s:%ld", who, i);
	snprintf(sql, sizeof(sql), "SELECT '%s'", want);
	memset(&o, 0, sizeof(o));
	ga_mysql_query(mysql, sql, &o);
	if (o.result == GA_RESULT_ERROR) {
		if (t->errors++ == 0) {
			t->first_err = o.err;
			snprintf(t->first_msg, sizeof(t->first_msg), "%s",
				 o.message);
		}
	} else if (!o.has_value || o.value_null ||
		   strcmp(o.value, want) != 0) {
		if (t->wrong++ == 0)
			snprintf(t->first_wrong, sizeof(t->first_wrong),
				 "asked '%s', got %s%s%s", want,
				 o.has_value ? "'" : "",
				 o.has_value ? o.value : "no row",
				 o.has_value ? "'" : "");
	} else {
		t->ok++;
	}
}

/* Stops at the first error: the handle is unusable after one. */
static void share_loop(MYSQL *mysql, const char *who, long count,
		       struct tally *t)
{
	long i;

	for (i = 0; i < count && t->errors == 0; i++)
		tally_query(mysql, who, i, t);
}

static void child_main(MYSQL *mysql, enum ga_fork_mode mode, long count,
		       int wfd)
{
	struct tally t;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	switch (mode) {
	case GA_FORK_CLOSE:
		mysql_close(mysql);
		break;
	case GA_FORK_EXIT:
		break;
	case GA_FORK_SHARE:
		memset(&t, 0, sizeof(t));
		share_loop(mysql, "child", count, &t);
		if (write(wfd, &t, sizeof(t)) != (ssize_t)sizeof(t))
			_exit(2);
		break;
	}
	_exit(0);
}

/* Waits up to ms for the child's tally (share) and its exit.  Returns 1
 * if it had to be killed. */
static int wait_child(pid_t pid, int rfd, struct tally *t, bool *got,
		      long ms)
{
	double deadline = ga_clock_ms() + (double)ms;
	struct pollfd pfd = { .fd = rfd, .events = POLLIN };
	int status, left;
	ssize_t n;

	*got = false;
	while (rfd >= 0 && !*got) {
		left = (int)(deadline - ga_clock_ms());
		if (left <= 0)
			break;
		if (poll(&pfd, 1, left) <= 0)
			continue;
		n = read(rfd, t, sizeof(*t));
		if (n == (ssize_t)sizeof(*t))
			*got = true;
		else
			break;  /* EOF: the child died without a tally */
	}
	for (;;) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return 0;
		if (ga_clock_ms() >= deadline)
			break;
		poll(NULL, 0, 10);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return 1;
}

static void describe_share(const struct tally *p, const struct tally *c,
			   bool child_reported, int child_killed,
			   struct ga_outcome *out)
{
	snprintf(out->message, sizeof(out->message),
		 "parent: %ld ok, %ld wrong%s%s; child: %ld ok, %ld wrong%s%s%s",
		 p->ok, p->wrong, p->errors ? ", error " : "",
		 p->errors ? p->first_msg : "",
		 c->ok, c->wrong, c->errors ? ", error " : "",
		 c->errors ? c->first_msg : "",
		 child_killed ? ", hung (killed)" :
		 !child_reported ? ", died" : "");
	if (p->wrong || c->wrong) {
		out->result = GA_RESULT_WRONG;
		snprintf(out->value, sizeof(out->value), "%s",
			 p->wrong ? p->first_wrong : c->first_wrong);
	} else if (p->errors || c->errors) {
		out->result = GA_RESULT_ERROR;
		out->err = p->errors ? p->first_err : c->first_err;
	} else if (child_killed) {
		out->result = GA_RESULT_HANG;
	} else {
		out->result = GA_RESULT_OK;
	}
}

void ga_fork_call(MYSQL *mysql, enum ga_fork_mode mode, long count,
		  long child_ms, struct ga_outcome *out)
{
	struct tally parent, child;
	int pipefd[2] = { -1, -1 };
	bool got = false;
	int killed;
	pid_t pid;

	out->api = "fork";
	out->thread_before = out->thread_after = mysql_thread_id(mysql);
	memset(&parent, 0, sizeof(parent));
	memset(&child, 0, sizeof(child));
	if (mode == GA_FORK_SHARE && pipe2(pipefd, O_CLOEXEC) != 0) {
		out->result = GA_RESULT_ERROR;
		snprintf(out->message, sizeof(out->message), "pipe: %s",
			 strerror(errno));
		return;
	}
	pid = fork();
	if (pid < 0) {
		out->result = GA_RESULT_ERROR;
		snprintf(out->message, sizeof(out->message), "fork: %s",
			 strerror(errno));
		if (pipefd[0] >= 0) {
			close(pipefd[0]);
			close(pipefd[1]);
		}
		return;
	}
	if (pid == 0)
		child_main(mysql, mode, count, pipefd[1]);
	if (pipefd[1] >= 0)
		close(pipefd[1]);
	if (mode == GA_FORK_SHARE) {
		out->api = "mysql_real_query (parent and child)";
		share_loop(mysql, "parent", count, &parent);
	}
	killed = wait_child(pid, pipefd[0], &child, &got, child_ms);
	if (pipefd[0] >= 0)
		close(pipefd[0]);
	if (mode != GA_FORK_SHARE) {
		out->result = GA_RESULT_OK;
		snprintf(out->message, sizeof(out->message), "child %s",
			 killed ? "hung and was killed" :
			 mode == GA_FORK_CLOSE ? "called mysql_close and exited"
					       : "exited");
		return;
	}
	describe_share(&parent, &child, got, killed, out);
}
