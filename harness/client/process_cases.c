/* process_cases.c - a driver process for case after case
 * (docs/driver-protocol.md, "Cases"; client/process.h): each case of a
 * driver that declares "cases" is begun with begin-case on a process
 * that never ran a case.  A driver that declares "spawn" gets a fresh
 * copy from its zygote (client/process_spawn.c); one that cannot fork
 * a process started for it while the case before ran, off its path.
 * Either is ended with its case, whatever it left.  Under
 * GONEAWAY_KEEP=checked a process that cannot fork is kept instead,
 * ended with end-case, only when what the kernel says of it (its
 * processes, its sockets, its unread output: client/keep.c) is as it
 * was after its greeting, checked again when the next case takes it;
 * else the next case gets a new process and says why ("replaced: ...").
 */
#include "client/process.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/interrupt.h"
#include "util/json.h"

/* ga_keep_idle_put()'s quit: an idle kept process's input closed, so
 * that every process being ended exits at once, side by side. */
static void conn_quit_idle(struct ga_driver_conn *c)
{
	if (c->to_fd >= 0)
		close(c->to_fd);
	c->to_fd = -1;
}

/* ga_keep_idle_put()'s end: an idle kept process, between cases; a run
 * that was interrupted does not wait for it to exit. */
static void conn_end_idle(struct ga_driver_conn *c)
{
	c->env = NULL;
	c->case_log[0] = '\0';
	if (ga_interrupted(c->in))
		ga_conn_kill(c);
	ga_conn_end(c);
}

/* Whether a driver process that cannot fork is kept between cases,
 * checked from outside (GONEAWAY_KEEP=checked), rather than ended with
 * its case. */
static bool keep_checked(void)
{
	const char *knob = getenv("GONEAWAY_KEEP");

	return knob && strcmp(knob, "checked") == 0;
}

/* A process of c's driver started now in c's namespace for the next
 * connection there that needs one, off its path (while this case runs,
 * when none waits already): its greeting is read when a case takes it
 * (ga_conn_kept()), and the worker's end ends it if none does.  Nothing
 * when it cannot start: that case starts one. */
static void start_ahead(const struct ga_driver_conn *c)
{
	struct ga_error err;
	struct ga_driver_conn *n;
	/* its working directory until its begin-case: the keep directory,
	 * there till the worker ends (this case's may go before the
	 * runtime reads it: a JVM at its start) */
	struct ga_client_env at = *c->env;
	int rc;

	if (ga_driver_ready_count_of(c->drv) > 0)
		return;
	n = ga_conn_kept_new(c->drv, c->env, &err);
	if (!n)
		return;
	if (at.keep_dir)
		at.dir = at.keep_dir;
	n->env = &at;
	rc = ga_conn_process_start(n, &at, n->log, &err);
	n->env = NULL;
	if (rc) {
		ga_conn_end(n);
		return;
	}
	n->ahead = true;
	ga_keep_idle_put(n, n->drv, n->netns, conn_quit_idle, conn_end_idle);
}

/* The case's directory as a begin-case's members. */
static int begin_case(struct ga_driver_conn *c, struct ga_error *err)
{
	char *extra = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&extra, &len);
	struct stat st;
	int rc;

	if (!f)
		return ga_error_set(err, "out of memory");
	fputs(",\"dir\":", f);
	ga_json_write_string(f, c->env->dir, strlen(c->env->dir));
	if (fclose(f) != 0) {
		free(extra);
		return ga_error_set(err, "out of memory");
	}
	/* a new process's first case has what it wrote since it started
	 * (its greeting's, a JVM's warnings); a kept one's next case what
	 * it writes from now on */
	c->log_from = 0;
	if (c->cases > 0 && stat(c->log, &st) == 0)
		c->log_from = (long long)st.st_size;
	snprintf(c->case_log, sizeof(c->case_log), "%s/driver-%s.log",
		 c->env->dir, c->decl->name);
	c->cases++;
	rc = ga_conn_control(c, "begin-case", extra, err);
	free(extra);
	return rc;
}

/* Why a kept process that ended its case cannot serve the next one,
 * into why (1), or 0: it can.  Its TCP sockets to the case's server are
 * cut first, as a hang's are, so that no connector waits on a link the
 * case left faulty when it closes them. */
static int end_case(struct ga_driver_conn *c, char *why, size_t len)
{
	struct ga_socket_set now;
	struct ga_error err;
	struct stat st;

	if (c->dead || c->running || c->req) {
		snprintf(why, len, "it %s", c->dead ? "is gone" :
			 "was still answering a request");
		return 1;
	}
	/* the sockets it did not hold after its greeting: the case's */
	ga_socket_set_of_process(c->pid, &now);
	ga_socket_set_remove(&now, &c->held);
	if (now.n)
		ga_sockets_cut_these(c->env->netns_fd, &now, &err);
	ga_socket_set_free(&now);
	if (ga_conn_control(c, "end-case", "", &err)) {
		snprintf(why, len, "end-case: %s", err.msg);
		return 1;
	}
	if (!ga_keep_tree_same(c->pid, c->tree, c->ntree, why, len) ||
	    !ga_keep_sockets_within(c->pid, &c->held, why, len) ||
	    !ga_conn_zygote_still_clean(c, why, len))
		return 1;
	if (ga_conn_read_more(c, &err) || c->len || c->eof) {
		snprintf(why, len, "it wrote %s after its end-case answer",
			 c->eof ? "the end of its output" : "a line");
		return 1;
	}
	/* its log is one file for all its cases, bounded where it is
	 * written: a new process starts an empty one before it is full */
	if (stat(c->log, &st) == 0 && st.st_size >= GA_DRIVER_LOG_MAX / 2) {
		snprintf(why, len, "its standard error holds %lld MiB, half "
			 "the %lld MiB a driver's may (a new process starts an "
			 "empty one)", (long long)st.st_size >> 20,
			 GA_DRIVER_LOG_MAX >> 20);
		return 1;
	}
	return 0;
}

/* A line in c's log once its standard error reached its bound: what
 * the driver wrote past it was refused. */
static void note_full(const struct ga_driver_conn *c)
{
	struct stat st;

	if (c->log[0] && stat(c->log, &st) == 0 &&
	    st.st_size >= GA_DRIVER_LOG_MAX)
		ga_conn_log_note(c, "its standard error reached the %lld MiB "
				 "a driver's may hold: whatever it wrote past "
				 "them was refused (EFBIG)",
				 GA_DRIVER_LOG_MAX >> 20);
}

/* Why the last kept process of a driver that ended its case was not
 * kept (end_case()), for the process started for the next case of that
 * driver in that namespace to say (process_driver.c's setup():
 * "replaced: ..."). */
static struct {
	const struct ga_driver *drv;    /* borrowed; NULL: none */
	ino_t netns;
	char why[240];
} not_kept;

void ga_conn_free(struct ga_driver_conn *c)
{
	struct ga_error err;
	char why[300];

	if (!c)
		return;
	note_full(c);
	if (!c->kept || !c->env) {
		ga_conn_end(c);
		return;
	}
	/* a copy its zygote forked serves one case: whatever the case left
	 * in it goes with it; what it left in its zygote's namespace ends
	 * that zygote (the next case gets a new one) */
	if (c->spawned) {
		if (!ga_conn_zygote_still_clean(c, why, sizeof(why)))
			ga_conn_log_note(c, "its zygote was given up: %s", why);
		ga_conn_end(c);
		return;
	}
	/* one that cannot fork serves one case too: the next case's was
	 * started when this one began, or is now */
	if (!keep_checked()) {
		start_ahead(c);
		ga_conn_end(c);
		return;
	}
	if (end_case(c, why, sizeof(why))) {
		ga_conn_log_note(c, "not kept for the next case: %s", why);
		not_kept.drv = c->drv;
		not_kept.netns = c->netns;
		snprintf(not_kept.why, sizeof(not_kept.why), "%s", why);
		ga_conn_end(c);
		return;
	}
	if (ga_keep_log_copy(c->log, c->log_from, c->case_log, &err))
		fprintf(stderr, "goneaway: driver %s's log: %s\n", c->drv->name,
			err.msg);
	c->case_log[0] = '\0';
	c->in = c->env->in;
	c->decl = NULL;
	c->env = NULL;
	c->thread_id = 0;
	ga_keep_idle_put(c, c->drv, c->netns, conn_quit_idle, conn_end_idle);
}

/* Why c, a kept process taken for this case, cannot serve it: what
 * end_case() checked, again, for what came after it (a socket, a
 * child, a line: the previous case's).  1 and why, or 0: it can. */
static int gap_dirty(struct ga_driver_conn *c, char *why, size_t len)
{
	struct ga_error err;

	if (c->dead) {
		snprintf(why, len, "it is gone");
		return 1;
	}
	if (!ga_keep_tree_same(c->pid, c->tree, c->ntree, why, len) ||
	    !ga_keep_sockets_within(c->pid, &c->held, why, len))
		return 1;
	if (ga_conn_read_more(c, &err) || c->len || c->eof) {
		snprintf(why, len, "it wrote %s after its end-case answer, "
			 "before this case", c->eof ? "the end of its output" :
			 "a line");
		return 1;
	}
	return 0;
}

/* A process of drv for this case, of a driver that declares "cases": a
 * copy forked fresh from its zygote, never kept (feature "spawn"), else
 * one kept from a case before in this namespace, checked again, else a
 * new one.  Returns 0, or -1 with err set. */
int ga_conn_kept(struct ga_driver *drv, const struct ga_connection *decl,
		 const struct ga_client_env *env,
		 struct ga_driver_conn **connp, struct ga_error *err)
{
	ino_t ns = ga_conn_netns(env->netns_fd);
	struct ga_driver_conn *c = NULL;
	struct ga_error why;
	struct stat st;
	char replaced[240] = "", given_up[300] = "";
	bool ahead;

	if (ga_conn_spawn_wanted(drv))
		c = ga_conn_spare_take(drv, env, given_up, sizeof(given_up));
	else
		while ((c = ga_keep_idle_take(drv, ns)) != NULL) {
			c->decl = decl;
			c->env = env;
			/* started ahead, never ran a case: its greeting */
			ahead = c->ahead;
			c->ahead = false;
			if (ahead) {
				if (ga_conn_read_hello(c, &why) == 0)
					break;
				snprintf(replaced, sizeof(replaced),
					 "its greeting: %s", why.msg);
			} else if (gap_dirty(c, replaced,
					     sizeof(replaced)) == 0) {
				c->replaced[0] = '\0';
				if (begin_case(c, &why) == 0) {
					*connp = c;
					return 0;
				}
				snprintf(replaced, sizeof(replaced),
					 "begin-case: %s", why.msg);
			}
			/* said in this case's log, which the case is in */
			if (!c->case_log[0]) {
				if (stat(c->log, &st) == 0)
					c->log_from = (long long)st.st_size;
				snprintf(c->case_log, sizeof(c->case_log),
					 "%s/driver-%s.log", env->dir,
					 decl->name);
			}
			ga_conn_log_note(c, "not %s: %s", ahead ? "used" :
					 "kept", replaced);
			ga_conn_end(c);
		}
	if (not_kept.drv == drv) {
		if (!c && !replaced[0] && not_kept.netns == ns)
			snprintf(replaced, sizeof(replaced), "%s",
				 not_kept.why);
		not_kept.drv = NULL;
	}
	if (!c) {
		c = ga_conn_kept_new(drv, env, err);
		if (!c)
			return -1;
		c->decl = decl;
		c->env = env;
		/* said in the log of the case that meets it, the first after
		 * the one that left it */
		if (given_up[0])
			ga_conn_log_note(c, "its zygote was given up before this "
					 "case: %s", given_up);
		if (!ga_conn_spawn_ok(c, env) &&
		    (ga_conn_process_start(c, env, c->log, err) ||
		     ga_conn_read_hello(c, err))) {
			snprintf(c->case_log, sizeof(c->case_log),
				 "%s/driver-%s.log", env->dir, decl->name);
			ga_conn_end(c);
			return -1;
		}
	}
	c->decl = decl;
	c->env = env;
	snprintf(c->replaced, sizeof(c->replaced), "%s", replaced);
	ga_socket_set_of_process(c->pid, &c->held);
	c->ntree = ga_keep_tree(c->pid, c->tree, GA_KEEP_TREE_MAX);
	if (c->ntree < 0 || c->ntree > GA_KEEP_TREE_MAX) {
		ga_error_set(err, "driver %s: %s after its greeting",
			     drv->name, c->ntree < 0 ? "it is gone" :
			     "more than 16 processes are in its PID namespace");
		ga_conn_end(c);
		return -1;
	}
	if (begin_case(c, err)) {
		ga_error_prefix(err, "driver %s", drv->name);
		ga_conn_end(c);
		return -1;
	}
	/* the next case's copy forks, or its process starts, while this
	 * one runs */
	if (c->spawned)
		ga_conn_spare_ahead(drv, env);
	else if (!keep_checked())
		start_ahead(c);
	*connp = c;
	return 0;
}
