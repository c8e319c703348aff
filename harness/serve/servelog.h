/* servelog.h - goneaway serve's --log FILE: one JSON object a line, so a
 * failing test in a user's suite can be explained from goneaway's side.
 * docs/toxiproxy.md ("The log") lists the events and their members:
 *
 *   {"time":"2026-11-25T01:49:37.123Z","event":"connection","proxy":..,
 *    "client":"127.0.0.1:5555","upstream":..,"thread_id":12,
 *    "ms":1034.5,"bytes_up":..,"bytes_down":..,"toxics":[..],
 *    "ended":"client","mysql_error":{"code":1927,...}, ...}
 *
 * An event is written whole (begin, its members, end) by the one thread
 * that writes (the event loop's) and flushed, so a reader that tails
 * the file sees whole lines.
 *
 * Ownership: a struct ga_sv_log owns its FILE.
 */
#ifndef GA_SERVE_SERVELOG_H
#define GA_SERVE_SERVELOG_H

#include <stdbool.h>
#include <stdio.h>

#include "util/error.h"

struct ga_sv_log {
	FILE *f;                        /* NULL: no log */
};

/* Opens path for appending (created 0600 when missing): a regular file,
 * never through a symbolic link, and without waiting on what it opens
 * (O_NONBLOCK: a FIFO with no reader would block the open, one with a
 * reader every line; both are refused).  Returns 0, or -1 with err set
 * ("--log PATH: not a regular file"). */
int ga_sv_log_open(struct ga_sv_log *l, const char *path,
		   struct ga_error *err);

/* What ga_sv_log_open() would refuse in path as it is now (it may not
 * exist yet), without opening it: 0, or -1 with err set. */
int ga_sv_log_check(const char *path, struct ga_error *err);
void ga_sv_log_close(struct ga_sv_log *l);

/* Starts an event: '{"time":"...","event":"<event>"'; NULL when there
 * is no log (the caller writes nothing then).  The members that follow
 * are written with the helpers below, then ga_sv_log_end(). */
FILE *ga_sv_log_begin(struct ga_sv_log *l, const char *event);
void ga_sv_log_str(FILE *f, const char *key, const char *value);
void ga_sv_log_num(FILE *f, const char *key, double value);
void ga_sv_log_int(FILE *f, const char *key, long long value);
void ga_sv_log_bool(FILE *f, const char *key, bool value);
/* ',"key":' for a value the caller writes itself (an array, an object) */
void ga_sv_log_key(FILE *f, const char *key);
void ga_sv_log_end(struct ga_sv_log *l);

#endif
