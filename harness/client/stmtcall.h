/* stmtcall.h - prepared statements (mysql_stmt_*) that fill a struct
 * ga_outcome: prepare, execute with an optional BLOB parameter, and the
 * parameter sent in chunks with mysql_stmt_send_long_data. */
#ifndef GA_STMTCALL_H
#define GA_STMTCALL_H

#include <mysql.h>

#include "lang/outcome.h"

/* Closes *stmt if set, then mysql_stmt_init + mysql_stmt_prepare.  On
 * success *stmt is the new statement (the caller owns it: close it with
 * mysql_stmt_close). */
void ga_stmt_prepare(MYSQL *mysql, MYSQL_STMT **stmt, const char *sql,
		     struct ga_outcome *out);

/* Binds blob bytes of 'x' to the first parameter (blob > 0; 0: nothing
 * bound, or the long data sent before stays) and executes; a result set
 * is stored and its first value kept. */
void ga_stmt_execute(MYSQL *mysql, MYSQL_STMT *stmt, long blob,
		     struct ga_outcome *out);

/* Sends total bytes of 'x' for the first parameter with
 * mysql_stmt_send_long_data, chunk bytes at a time.  The statement must
 * have a parameter; its bind is set as a LONG_BLOB.  Ok when every chunk
 * was accepted; the value is the number of chunks sent. */
void ga_stmt_long_data(MYSQL *mysql, MYSQL_STMT *stmt, long total, long chunk,
		       struct ga_outcome *out);

#endif
