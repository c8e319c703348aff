/* trust.h - what a scenario from elsewhere may ask of the host.
 *
 * goneaway replay runs a case's scenario.gw, which came with a bug report
 * from someone else: untrusted input that runs SQL as the lab's
 * accounts, writes the server's my.cnf and sets the drivers' options.
 * What the server and client can do is bounded first, whatever the text
 * says (secure_file_priv, the accounts' privileges: docs/bug-reports.md);
 * this is the second line, a check of the text.
 * Unless the person replaying says --trust, goneaway replay refuses,
 * before anything starts, a scenario that
 *
 *   - in any step's SQL (ga_trust_sql), as the server gets it (each
 *     %repeat expanded, each %thread[NAME]% a thread id) and under
 *     every reading a server may make of it (lang/sqltok.h: each
 *     sql_mode that changes its tokens, each version comment as SQL and
 *     as a comment; what no reading covers is refused), reads or writes
 *     files or loads code (LOAD_FILE, INTO OUTFILE or DUMPFILE, LOAD
 *     DATA or XML INFILE, DATA or INDEX DIRECTORY, a DATAFILE or
 *     FILE_NAME, INSTALL and UNINSTALL, SONAME, IMPORT TABLE, CLONE,
 *     BINLOG, the mysql schema's tables of code), runs SQL built at run
 *     time (EXECUTE IMMEDIATE, PREPARE of anything but quoted literals,
 *     whose content is checked as SQL in turn, a CALL of a sys or mysql
 *     procedure), reaches another host (CHANGE MASTER, CREATE SERVER),
 *     or sets a global variable (SET GLOBAL, SET PERSIST[_ONLY],
 *     @@global.x, @@persist.x, scoped as the server scopes a SET list:
 *     lang/sqlset.h) off the allow-list (ga_settable_global); its
 *     words and quoted names are read as tokens, its strings as data;
 *   - has a server-option line whose name is not a settable global or
 *     one of trust.c's options read at start, or whose value is no plain
 *     word or number (ga_trust_server_option);
 *   - has a driver-option whose key is not on trust.c's allow-list (the
 *     options of drivers/README.md that read no file, load no code and
 *     name no socket) or whose value is no plain word or number
 *     (ga_trust_driver_option);
 *   - logs in with the privileged account (SUPER, FILE) or as another of
 *     the lab's own accounts, or with database=mysql or sys: a choice of
 *     its own, made with --trust; or whose pool's validation query is
 *     refused as a step's SQL would be;
 *   - repeats more than GA_TRUST_REPEAT_MAX times, sleeps longer than
 *     GA_TRUST_SLEEP_MAX_MS in a step, or sends more than
 *     GA_TRUST_SIZE_MAX bytes in one step.
 */
#ifndef GA_TRUST_H
#define GA_TRUST_H

#include <stddef.h>

#include "lang/diag.h"
#include "lang/scenario.h"

#define GA_TRUST_REPEAT_MAX 100                 /* "repeat N" */
#define GA_TRUST_SLEEP_MAX_MS (300L * 1000)     /* one sleep step */
#define GA_TRUST_SIZE_MAX (64L << 20)           /* a blob, long data */

/* Why sql (as the server gets it: expanded) may not run in an untrusted
 * scenario (static text), or NULL when it may (NULL sql too).  Pure. */
const char *ga_trust_sql(const char *sql);

/* Why "server-option name[=value]" may not be written into an untrusted
 * scenario's my.cnf (static text), or NULL (value NULL: a bare flag).
 * Pure. */
const char *ga_trust_server_option(const char *name, const char *value);

/* Why "driver-option key=value" may not reach a driver of an untrusted
 * scenario (static text), or NULL.  Pure. */
const char *ga_trust_driver_option(const char *key, const char *value);

/* Adds one diagnostic to diags (sc->path:LINE: "not run without
 * --trust: REASON") per thing sc may not do untrusted.  Returns how many
 * were added (0: sc may run). */
size_t ga_trust_check(const struct ga_scenario *sc, struct ga_diags *diags);

#endif
