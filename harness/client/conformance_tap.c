/* conformance_tap.c - see conformance.h: the second part of a client
 * driver's check against docs/driver-protocol.md (the first, the driver
 * alone, is client/conformance.c), what the tap (cli/driver_tap.c) wrote
 * down of the conformance scenarios: every reply answers its request's
 * id and has elapsed_ms, a server error has its sqlstate (unless the
 * greeting says the connector has none), a connect that succeeds
 * reports the server's thread id, and the driver exits within
 * GA_PROTOCOL_EXIT_MS of its input closing (each bound of the harness
 * stretched by a busy machine's load, util/machine.h).
 *
 * Each check prints "ok - ..." or "not ok - ...: why".
 */
#include "client/conformance.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/protocol.h"
#include "lang/step.h"
#include "util/beneath.h"
#include "util/json.h"
#include "util/machine.h"

/* ---- what the tap wrote down ---------------------------------------------- */

struct findings {
	long procs, eofs, requests, replies, errors, server_errors;
	long exits;             /* of the eofs, those that exited in time */
	double slowest_exit;
	long steps[GA_STEP_KIND_COUNT];
	/* the first of each problem, "" when none */
	char bad_reply[400], no_elapsed[400], no_sqlstate[400];
	char no_thread[400], late_exit[400];
	bool sqlstate_unsupported;
	char sqlstate_reason[200];
};

__attribute__((format(printf, 5, 6)))
static void first(char *slot, size_t len, const char *file, long line,
		  const char *fmt, ...)
{
	va_list ap;

	if (slot[0])
		return;
	snprintf(slot, len, "%s:%ld: ", file, line);
	va_start(ap, fmt);
	vsnprintf(slot + strlen(slot), len - strlen(slot), fmt, ap);
	va_end(ap);
}

static bool server_errno(double e)
{
	return (e >= 1000 && e < 2000) || (e >= 3000 && e < 5000);
}

/* One reply of a transcript.  Returns true when it broke the protocol
 * (not an object, no request pending, another id, an unknown result):
 * goneaway kills such a driver at once (client/process.c), so its exit
 * is not the driver's to be judged by. */
static bool read_reply(struct findings *fd, const char *name, long ln,
		       const char *text, long *pending, const char *step)
{
	const struct ga_json *v;
	struct ga_error err;
	struct ga_json *j;
	char num[64], got[64];
	const char *result;
	bool broke = false;
	double e;

	j = ga_json_parse(text, strlen(text), &err);
	if (!j || j->type != GA_JSON_OBJECT) {
		first(fd->bad_reply, sizeof(fd->bad_reply), name, ln,
		      "not a JSON object: '%.80s'%s", text, "");
		ga_json_free(j);
		return true;
	}
	if (ga_json_get(j, "hello")) {
		ga_json_free(j);
		return false;
	}
	fd->replies++;
	snprintf(num, sizeof(num), "%ld", *pending);
	snprintf(got, sizeof(got), "%.17g", ga_json_num(j, "id", -1));
	if (*pending == 0) {
		broke = true;
		first(fd->bad_reply, sizeof(fd->bad_reply), name, ln,
		      "a reply (id %s) with no request pending%s", got, "");
	} else if (ga_json_num(j, "id", -1) != (double)*pending) {
		broke = true;
		first(fd->bad_reply, sizeof(fd->bad_reply), name, ln,
		      "the reply's id is %s, expected %s", got, num);
	}
	*pending = 0;
	result = ga_json_str(j, "result", "");
	if (strcmp(result, "unsupported") == 0) {
		ga_json_free(j);
		return broke;
	}
	if (strcmp(result, "ok") && strcmp(result, "error") &&
	    strcmp(result, "wrong-result")) {
		broke = true;
		first(fd->bad_reply, sizeof(fd->bad_reply), name, ln,
		      "unknown result '%s'%s", result, "");
	}
	v = ga_json_get(j, "elapsed_ms");
	if (!v || v->type != GA_JSON_NUMBER || v->num < 0)
		first(fd->no_elapsed, sizeof(fd->no_elapsed), name, ln,
		      "a %s reply to %s without elapsed_ms", result, step);
	v = ga_json_get(j, "thread_after");
	if (strcmp(result, "ok") == 0 && (strcmp(step, "connect") == 0 ||
					  strcmp(step, "borrow") == 0) &&
	    (!v || v->type != GA_JSON_NUMBER || v->num <= 0)) {
		if (v && v->type == GA_JSON_NUMBER)
			snprintf(got, sizeof(got), "thread id %.17g", v->num);
		else
			snprintf(got, sizeof(got), "%s", v ? "a thread_after "
				 "that is not a number" : "no thread_after");
		first(fd->no_thread, sizeof(fd->no_thread), name, ln,
		      "reported %s after a successful %s (thread_after "
		      "must be the server's connection id)", got, step);
	}
	if (strcmp(result, "error") == 0) {
		fd->errors++;
		e = ga_json_num(j, "errno", 0);
		if (server_errno(e)) {
			const char *st = ga_json_str(j, "sqlstate", "");

			fd->server_errors++;
			snprintf(num, sizeof(num), "%.0f", e);
			if (strlen(st) != 5 && !fd->sqlstate_unsupported)
				first(fd->no_sqlstate, sizeof(fd->no_sqlstate),
				      name, ln, "server error %s without a "
				      "5-character sqlstate (got '%s')", num, st);
			else if (e == 1146 && strlen(st) == 5 &&
				 strcmp(st, "42S02"))
				first(fd->no_sqlstate, sizeof(fd->no_sqlstate),
				      name, ln, "error %s with sqlstate '%s', "
				      "expected 42S02", num, st);
		}
	}
	ga_json_free(j);
	return broke;
}

static void read_transcript(struct findings *fd, const char *dir,
			    const char *name)
{
	char *text = NULL, *line, *next, *rest, step[32] = "";
	double eof_ms = -1, ms, slowest = 0;
	long ln = 0, pending = 0, eofs = 0, exits = 0;
	bool exited = false, broke = false;
	char late[400] = "";
	struct ga_machine m;
	struct ga_error err;
	struct ga_json *j;
	long exit_ms;
	size_t n;
	unsigned k;

	/* the bound goneaway's runs just gave the drivers (client/process.c:
	 * stretched by a busy machine's load) */
	ga_machine_now(&m);
	exit_ms = ga_machine_bound(GA_PROTOCOL_EXIT_MS, &m);
	/* the tap's, a driver's user's: never followed nor waited on */
	if (ga_within_read(dir, name, 256L << 20, &text, &n, &err))
		return;
	fd->procs++;
	for (line = text; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		ln++;
		ms = strtod(line + 1, &rest);
		if (*rest == ' ')
			rest++;
		switch (line[0]) {
		case '>':
			fd->requests++;
			j = ga_json_parse(rest, strlen(rest), &err);
			pending = j ? (long)ga_json_num(j, "id", 0) : 0;
			snprintf(step, sizeof(step), "%s",
				 ga_json_str(j, "step", "?"));
			/* a pool's connect makes the pool, which may open
			 * no connection yet: its borrow has the thread */
			if (strcmp(step, "connect") == 0 &&
			    ga_json_get(j, "pool"))
				snprintf(step, sizeof(step), "connect (pool)");
			for (k = 0; k < GA_STEP_KIND_COUNT; k++)
				if (strcmp(ga_step_kind_name(k), step) == 0)
					fd->steps[k]++;
			ga_json_free(j);
			break;
		case '<':
			if (read_reply(fd, name, ln, rest, &pending, step))
				broke = true;
			break;
		case 'E':
			eof_ms = ms;
			eofs++;
			break;
		case 'X':
			exited = true;
			if (eof_ms >= 0 && ms - eof_ms > slowest)
				slowest = ms - eof_ms;
			if (eof_ms >= 0 && ms - eof_ms <= exit_ms)
				exits++;
			if (eof_ms >= 0 && ms - eof_ms > exit_ms) {
				snprintf(step, sizeof(step), "%.0f",
					 ms - eof_ms);
				first(late, sizeof(late), name, ln, "it exited "
				      "%s ms after its input closed%s", step,
				      "");
			}
			break;
		default:
			break;
		}
	}
	if (eof_ms >= 0 && !exited)
		first(late, sizeof(late), name, ln, "still running %d ms "
		      "after its input closed: goneaway SIGKILLed it%s",
		      (int)exit_ms, "");
	/* a process that broke the protocol is killed at once, not given
	 * the time to exit: its exit says nothing (its replies said it) */
	if (!broke) {
		fd->eofs += eofs;
		fd->exits += exits;
		if (slowest > fd->slowest_exit)
			fd->slowest_exit = slowest;
		if (late[0] && !fd->late_exit[0])
			snprintf(fd->late_exit, sizeof(fd->late_exit), "%s",
				 late);
	}
	free(text);
}

static void check_transcripts(const char *dir, struct findings *fd)
{
	char what[600];
	struct dirent *de;
	size_t used;
	unsigned k;
	DIR *d;

	d = opendir(dir);
	while (d && (de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "tap-", 4))
			continue;
		read_transcript(fd, dir, de->d_name);
	}
	if (d)
		closedir(d);
	used = (size_t)snprintf(what, sizeof(what), "the scenarios: %ld "
				"requests, %ld replies, %ld driver processes (",
				fd->requests, fd->replies, fd->procs);
	for (k = 0; k < GA_STEP_KIND_COUNT && used < sizeof(what); k++)
		if (fd->steps[k])
			used += (size_t)snprintf(what + used,
						 sizeof(what) - used, "%s%s %ld",
						 what[used - 1] == '(' ? "" : ", ",
						 ga_step_kind_name(k),
						 fd->steps[k]);
	if (used < sizeof(what))
		snprintf(what + used, sizeof(what) - used, ")");
	ga_conformance_check(fd->replies > 0, what, "no reply at all");
	ga_conformance_check(!fd->bad_reply[0], "every reply is a JSON object answering "
	      "the request's id", fd->bad_reply);
	ga_conformance_check(!fd->no_elapsed[0], "every reply has elapsed_ms",
	      fd->no_elapsed);
	if (fd->sqlstate_unsupported) {
		printf("ok - server errors carry their sqlstate # SKIP the "
		       "greeting says: %s\n", fd->sqlstate_reason);
	} else {
		snprintf(what, sizeof(what), "server errors carry their "
			 "sqlstate (%ld of %ld errors)", fd->server_errors,
			 fd->errors);
		ga_conformance_check(fd->server_errors > 0 && !fd->no_sqlstate[0], what,
		      fd->no_sqlstate[0] ? fd->no_sqlstate :
		      "no server error was seen");
	}
	ga_conformance_check(!fd->no_thread[0], "a connect (or a pool's borrow) that "
	      "succeeds reports the server's thread id", fd->no_thread);
	if (fd->exits)
		snprintf(what, sizeof(what), "every driver process exits when "
			 "its input closes (%ld closed, %ld exited, the "
			 "slowest after %.0f ms)", fd->eofs, fd->exits,
			 fd->slowest_exit);
	else
		snprintf(what, sizeof(what), "every driver process exits when "
			 "its input closes (%ld closed, none exited)",
			 fd->eofs);
	ga_conformance_check(fd->eofs > 0 && !fd->late_exit[0], what,
	      fd->late_exit[0] ? fd->late_exit : "no input was closed");
}

void ga_conformance_transcripts(const char *dir,
				const struct ga_conformance_alone *alone)
{
	struct findings fd;

	memset(&fd, 0, sizeof(fd));
	fd.sqlstate_unsupported = alone->sqlstate_unsupported;
	snprintf(fd.sqlstate_reason, sizeof(fd.sqlstate_reason), "%s",
		 alone->sqlstate_reason);
	check_transcripts(dir, &fd);
}
