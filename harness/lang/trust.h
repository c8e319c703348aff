/* trust.h - what a scenario from elsewhere may do on the host.
 *
 * goneaway replay runs a case's scenario.gw, which came with a bug report
 * from someone else: untrusted input that runs SQL as the lab's
 * privileged accounts, writes the server's my.cnf and sets the drivers'
 * options, all as root on this machine.  Unless the person replaying
 * says --trust, goneaway replay refuses, before anything starts, a
 * scenario that
 *
 *   - reads or writes files through SQL (LOAD_FILE, INTO OUTFILE or
 *     DUMPFILE, LOAD DATA or LOAD XML [LOCAL] INFILE, DATA or INDEX
 *     DIRECTORY, a datafile), loads code (INSTALL PLUGIN, COMPONENT or
 *     SONAME, a function's SONAME), builds its SQL at run time (PREPARE
 *     ... FROM anything but one quoted statement, EXECUTE IMMEDIATE:
 *     what it runs cannot be read here) or SETs a variable naming a
 *     file, directory, path, plugin, socket, TLS key or the SQL run at
 *     each login (init_connect), in any step's SQL (ga_trust_sql);
 *   - has a server-option line whose name is not on trust.c's
 *     allow-list (timeouts, sizes, limits, switches) or whose value is
 *     no plain word or number (ga_trust_server_option);
 *   - has a driver-option whose key is not on trust.c's allow-list (the
 *     options of drivers/README.md that read no file, load no code and
 *     name no socket) or whose value is no plain word or number
 *     (ga_trust_driver_option);
 *   - repeats more than GA_TRUST_REPEAT_MAX times, sleeps longer than
 *     GA_TRUST_SLEEP_MAX_MS in a step, or sends more than
 *     GA_TRUST_SIZE_MAX bytes in one step.
 *
 * SQL is read as words, case-insensitively: letters, digits, '_' and
 * '$' make a word, a backtick is dropped, anything else splits
 * (whitespace of any kind, '@', '.', quotes, comment markers).  So the
 * text inside comments, version comments (their digits dropped) and
 * quoted strings is read too, whatever a server makes of it: refusing
 * a harmless string is the price of refusing one the statement runs.
 * The server's own secure_file_priv and the admin account without FILE
 * (server/cnf.c, fixtures/server/bootstrap.sql) bound every run
 * besides, replay or not.
 */
#ifndef GA_TRUST_H
#define GA_TRUST_H

#include <stddef.h>

#include "lang/diag.h"
#include "lang/scenario.h"

#define GA_TRUST_REPEAT_MAX 100                 /* "repeat N" */
#define GA_TRUST_SLEEP_MAX_MS (300L * 1000)     /* one sleep step */
#define GA_TRUST_SIZE_MAX (64L << 20)           /* a blob, long data */

/* Why sql may not run in an untrusted scenario (static text), or NULL
 * when it may.  Pure. */
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
