/* mysqlapi.h - MySQL C API calls that fill a struct ga_outcome: queries
 * and errors (mysqlapi/query.c), a pool's reset and change of user
 * (mysqlapi/session.c), prepared statements (mysqlapi/stmt.c), a fork
 * that holds a connection (mysqlapi/fork.c), the files LOAD DATA LOCAL
 * may send (mysqlapi/infile.c).
 *
 * This is the boundary where the C API's errors (mysql_errno,
 * mysql_sqlstate, mysql_error) become goneaway values; the built-in
 * driver (client/builtin.c), the server's admin connection
 * (server/admin.c) and the C driver process (drivers/c/driver.c, built
 * with any client library from this directory and util/ alone) all use
 * it.  It uses util/ and the types of lang/outcome.h and lang/scenario.h,
 * nothing else of the harness.
 */
#ifndef GA_MYSQLAPI_H
#define GA_MYSQLAPI_H

#include <mysql.h>

#include "lang/outcome.h"
#include "lang/scenario.h"
#include "util/beneath.h"

/* Records mysql's current error as the outcome of api. */
void ga_mysql_set_error(MYSQL *mysql, const char *api, struct ga_outcome *out);

/* mysql_real_query, then mysql_store_result when there is a result set;
 * the first column of the first row becomes the outcome's value.  Records
 * the thread id before and after. */
void ga_mysql_query(MYSQL *mysql, const char *sql, struct ga_outcome *out);

/* ga_mysql_query(), the value taken from column col (0 is the first) of
 * the first row: none when the row has fewer columns (SHOW GLOBAL STATUS
 * names a counter in its first and gives its value in the second). */
void ga_mysql_query_column(MYSQL *mysql, const char *sql, unsigned col,
			   struct ga_outcome *out);

/* mysql_real_query, then mysql_use_result and the first row: the rows
 * stay on the wire.  On success *res is the open result (the caller owns
 * it: ga_mysql_fetch() frees it) and the first row's first column is the
 * value. */
void ga_mysql_stream(MYSQL *mysql, const char *sql, MYSQL_RES **res,
		     struct ga_outcome *out);

/* Reads the rest of a streamed result with mysql_fetch_row and frees it
 * (*res becomes NULL).  The value is the number of rows read here; a
 * NULL row with mysql_errno set is the error, and out->rows then the
 * rows read before it.  every_ms > 0: a slow reader, which waits that
 * long after every batch rows (a signal cuts a wait short). */
void ga_mysql_fetch(MYSQL *mysql, MYSQL_RES **res, long batch, long every_ms,
		    struct ga_outcome *out);

/* ---- driver options (mysqlapi/options.c) ---------------------------------- */

/* Sets the driver option key=value (a connection's "driver-option
 * KEY=VALUE") on m with mysql_options(): key is the C API's name of the
 * option (MYSQL_INIT_COMMAND, MYSQL_OPT_COMPRESS ...), value converted
 * to the option's type (a flag or a number: 1, 0, true, false, on,
 * off; a whole number; text as it is).  With m NULL only checks.
 * Returns 0, or 1 with why[len] saying why not (an option this client
 * does not take, or a value it cannot be): the step is unsupported. */
int ga_mysql_option_set(MYSQL *m, const char *key, const char *value,
			char *why, size_t len);

/* "MYSQL_OPT_COMPRESS, MYSQL_INIT_COMMAND, ...": the keys it takes, into
 * buf; returns buf. */
const char *ga_mysql_option_names(char *buf, size_t len);

/* TCP keepalive on m's socket after its connect (mysql_get_socket; the C
 * API has no option for it): SO_KEEPALIVE on, the first probe after
 * idle_s seconds of silence, then one every interval_s seconds, count
 * unanswered ones and the kernel gives the connection up (its next call
 * fails).  A reconnect's new socket has none.  Returns 0, or -1 with
 * why[len] saying which setsockopt failed. */
int ga_mysql_keepalive(MYSQL *m, long idle_s, long interval_s, long count,
		       char *why, size_t len);

/* ---- LOAD DATA LOCAL (mysqlapi/infile.c) ---------------------------------- */

/* What m may send when a server asks for a file (LOAD DATA LOCAL
 * INFILE: the server names the file, whatever the statement said).
 * MYSQL_OPT_LOCAL_INFILE on when allowed has a directory, else off; and
 * always goneaway's own handler of the requests
 * (mysql_set_local_infile_handler), so that neither the library's
 * default handler nor any option set on m before can open a file: with
 * no directory (allowed NULL or empty) it refuses every request, else it
 * opens the file only beneath allowed's directories (a relative name
 * beneath the first: util/beneath.h) and sends it.  A refusal is the
 * statement's error: CR_LOAD_DATA_LOCAL_INFILE_REJECTED where the library
 * has it, else CR_UNKNOWN_ERROR, with the reason.  Call it after every
 * other mysql_options() of m (a driver option cannot widen it).  allowed
 * is borrowed: it must outlive m. */
void ga_mysql_local_infile(MYSQL *m, const struct ga_beneath *allowed);

/* ---- a ping, a pool's reset (mysqlapi/session.c) ------------------------ */

/* mysql_ping: COM_PING (the C API reconnects first when the handle's
 * MYSQL_OPT_RECONNECT is set).  Records the thread id before and
 * after. */
void ga_mysql_ping(MYSQL *mysql, struct ga_outcome *out);

/* mysql_reset_connection: COM_RESET_CONNECTION, the session's state
 * (user variables, temporary tables, prepared statements, an open
 * transaction) dropped on the same connection.  Records the thread id
 * before and after. */
void ga_mysql_reset(MYSQL *mysql, struct ga_outcome *out);

/* mysql_change_user: COM_CHANGE_USER, a new login (and with it a new
 * session state) on the same connection; database may be NULL.  Records
 * the thread id before and after. */
void ga_mysql_change_user(MYSQL *mysql, const char *user,
			  const char *password, const char *database,
			  struct ga_outcome *out);

/* ---- prepared statements (mysqlapi/stmt.c) -------------------------------- */

/* Closes *stmt if set, then mysql_stmt_init + mysql_stmt_prepare.  On
 * success *stmt is the new statement (the caller owns it: close it with
 * mysql_stmt_close). */
void ga_stmt_prepare(MYSQL *mysql, MYSQL_STMT **stmt, const char *sql,
		     struct ga_outcome *out);

/* Binds blob bytes of 'x' to the first parameter (blob > 0), then the
 * nparams values of params (an integer as MYSQL_TYPE_LONGLONG, text as
 * MYSQL_TYPE_STRING, NULL), and executes; a result set is stored and its
 * first value kept.  Nothing to bind (blob 0, no params): nothing is
 * bound, and the long data sent before stays.  Values that do not match
 * the statement's parameter count are an error of the outcome (errno 0),
 * never bound. */
void ga_stmt_execute(MYSQL *mysql, MYSQL_STMT *stmt, long blob,
		     const struct ga_param *params, size_t nparams,
		     struct ga_outcome *out);

/* Sends total bytes of 'x' for the first parameter with
 * mysql_stmt_send_long_data, chunk bytes at a time.  The statement must
 * have a parameter; its bind is set as a LONG_BLOB.  Ok when every chunk
 * was accepted; the value is the number of chunks sent. */
void ga_stmt_long_data(MYSQL *mysql, MYSQL_STMT *stmt, long total, long chunk,
		       struct ga_outcome *out);

/* ---- a fork holding a connection (mysqlapi/fork.c) ------------------------- */

/* A process that forks while it holds a connection.  After fork() parent
 * and child share one TCP socket (one open file description) but each
 * has its own copy of the MYSQL handle's state:
 *
 *   close  the child calls mysql_close(): COM_QUIT goes to the server,
 *          which ends the session the parent still believes it has;
 *   exit   the child exits without a word: nothing happens;
 *   share  both query the handle at the same time, count queries each:
 *          their requests and answers interleave on one stream, so a
 *          process can read the answer to the other's query.
 *
 * Every query in "share" selects a text unique to the process and the
 * iteration ('parent:17'); the answer is checked, so rows that belong to
 * the other process's query are reported as a wrong result.  Waits for
 * the child (bounded by child_ms, then it is SIGKILLed by its PID).  The
 * outcome is the parent's view: for close and exit the fork itself (ok),
 * for share the worst thing either process saw: a wrong result, else an
 * error, else a hang of the child, else ok. */
void ga_fork_call(MYSQL *mysql, enum ga_fork_mode mode, long count,
		  long child_ms, struct ga_outcome *out);

#endif
