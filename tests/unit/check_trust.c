/* check_trust.c - what a scenario from elsewhere may do on the host
 * (lang/trust.c): SQL that reads or writes files, loads code, builds its
 * SQL at run time or SETs a global variable off the allow-list is
 * refused however it is spelled (case, comments, version comments,
 * backticks, sql_mode, %repeat, whitespace, strings), read as the server
 * reads it (lang/sqltok.h); server options and driver options pass only
 * from their allow-lists, with plain values; the lab's own accounts are
 * a choice of their own; repeat, sleep and sizes are capped; whole
 * scenarios are refused line by line, and the shipped ones are not.
 * And util/sha256.c against FIPS 180-4's vectors, each in a file. */
#include <fcntl.h>
#include <glob.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lang/parse.h"
#include "lang/trust.h"
#include "parse_util.h"
#include "suites.h"
#include "util/fsutil.h"
#include "util/sha256.h"

/* Every one of these an attacker could put in a step: refused. */
static const char *const hostile_sql[] = {
	"SELECT LOAD_FILE('/etc/shadow') INTO OUTFILE '/root/x'",
	"select load_file('/etc/passwd')",
	"SELECT LoAd_FiLe ('/etc/passwd')",
	"SELECT `LOAD_FILE`('/etc/passwd')",
	"SELECT /*!50000LOAD_FILE*/('/etc/passwd')",
	"SELECT /*M!100000 LOAD_FILE('/etc/passwd') */",
	"SELECT /*!LOAD_FILE*/('/etc/passwd')",
	"SELECT 1 INTO\tOUTFILE '/root/.ssh/authorized_keys'",
	"SELECT 1 INTO/**/OUTFILE '/tmp/x'",
	"SELECT 1 INTO\n\r\fDUMPFILE '/tmp/x'",
	"SELECT 1 /* harmless */ INTO -- x\n DUMPFILE '/tmp/x'",
	"SELECT 1 # comment\nINTO OUTFILE '/tmp/x'",
	"LOAD DATA INFILE '/etc/passwd' INTO TABLE t",
	"LOAD DATA LOCAL INFILE '/etc/passwd' INTO TABLE t",
	"load   xml  local  infile '/etc/passwd' into table t",
	"LOAD /*!99999 junk */ DATA INFILE '/etc/passwd' INTO TABLE t",
	"INSTALL PLUGIN evil SONAME 'evil.so'",
	"install soname 'ha_connect'",
	"INSTALL/**/PLUGIN x SONAME 'x.so'",
	"UNINSTALL PLUGIN audit_log",
	"CREATE FUNCTION sys_exec RETURNS INT SONAME 'lib_mysqludf_sys.so'",
	"CREATE AGGREGATE FUNCTION f RETURNS STRING SONAME \"f.so\"",
	"SELECT sys_exec('id')",
	"SET GLOBAL general_log_file = '/root/.bashrc'",
	"set global slow_query_log_file='/etc/cron.d/x'",
	"SET @@global.general_log_file = '/tmp/x'",
	"SET GLOBAL `general_log_file` = '/tmp/x'",
	"SET/**/GLOBAL/**/general_log_file='/tmp/x'",
	"SET PERSIST general_log_file = '/tmp/x'",
	"SET PERSIST_ONLY secure_file_priv = ''",
	"SET GLOBAL plugin_dir = '/tmp'",
	"SET GLOBAL init_connect = 'SELECT 1'",
	"SET GLOBAL innodb_buffer_pool_filename = '/tmp/x'",
	"SET GLOBAL innodb_tmpdir = '/root'",
	"SET GLOBAL ssl_key = '/root/key.pem'",
	"SET GLOBAL log_error = '/tmp/x'",
	"PREPARE s FROM CONCAT('LOAD', '_FILE(\"/etc/passwd\")')",
	"prepare s from @q",
	"PREPARE s FROM 'LOAD' '_FILE(\"/etc/passwd\")'",
	"PREPARE s FROM 'SELECT LOAD_FILE(1)'",
	"PREPARE s FROM 0x53454c454354",
	"PREPARE s FROM 'SELECT /*\\' '*/ LOAD' '_FILE(1)'",
	"INSTALL COMPONENT 'file://component_validate_password'",
	"INSERT INTO mysql.plugin VALUES ('x', 'x.so')",
	"EXECUTE IMMEDIATE CONCAT('SELECT LOAD', '_FILE(1)')",
	"CALL sys.execute_prepared_stmt(CONCAT('LOAD','_FILE(1)'))",
	"CREATE TABLE t (a INT) DATA DIRECTORY = '/root'",
	"CREATE TABLE t (a INT) INDEX DIRECTORY='/tmp'",
	"CREATE TABLE t (a TEXT) ENGINE=CONNECT FILE_NAME='/etc/passwd'",
	"CREATE TABLESPACE ts ADD DATAFILE '/tmp/ts.ibd'",
	"CLONE LOCAL DATA DIRECTORY = '/tmp/clone'",
	"CREATE PROCEDURE p() BEGIN SELECT LOAD_FILE('/x'); END",
	"CREATE EVENT e ON SCHEDULE EVERY 1 SECOND DO SELECT 1 INTO OUTFILE '/tmp/y'",
	"SELECT 'a\\' # ', LOAD_FILE('/etc/passwd')",
	"SELECT '#', LOAD_FILE('/etc/passwd')",
	/* issue 34's: a backtick joined words for the old check, the
	 * server splits there; SET was read as the whole word only;
	 * ANSI_QUOTES makes "x" a name: PREPARE from a variable (MariaDB,
	 * in a routine: its parameter) */
	"SET`autocommit`=1,GLOBAL general_log_file='/usr/lib/python3/"
	"dist-packages/x.pth'",
	"EXECUTE IMMEDIATE`concat`('SELECT LOAD','_FILE(1)')",
	"SET`sql_mode`='',GLOBAL slow_query_log_file='/etc/cron.d/x'",
	"SET`autocommit`=1,@@global.plugin_dir='/tmp'",
	"SET`x`=1,GLOBAL innodb_buffer_pool_filename='/tmp/x'",
	"PREPARE s FROM \"x\"",
	"PREPARE s FROM \"SELECT 2\";",
	"CREATE PROCEDURE p(x TEXT) PREPARE s FROM \"x\"",
	/* the allow-list: every global a SET names, as the server scopes
	 * it (GLOBAL and PERSIST carry over the list) */
	"SET GLOBAL wait_timeout = 1, general_log_file = '/tmp/x'",
	"SET @a = 1, GLOBAL general_log_file = '/tmp/x'",
	"SET GLOBAL wait_timeout = 7, @@session.sql_mode = '', "
	"general_log_file = '/x'",
	"SET @@global . `general_log_file` = '/x'",
	"SET @@global.'general_log_file' = '/x'",
	"SET @@global.\"general_log_file\" = '/x'",
	"SET GLOBAL \"general_log_file\" = '/x'",
	"SET @@persist_only.plugin_dir = '/x'",
	"SET GLOBAL general_log_file := '/x'",
	"SET GLOBAL event_scheduler = ON",
	"SET GLOBAL default.key_buffer_size = 1",
	"SET GLOBAL validate_password.policy = 0",
	"set global Init_Connect = 'SELECT 1'",
	"SET GLOBAL general_log_file /*!50000 */ = '/x'",
	"SET GLOBAL /*!50000 general_log_file */ /*!99999 wait_timeout */ = 1",
	"/*!50000 SET */ GLOBAL general_log_file = '/x'",
	"SELECT 1 /*M!100000 ; SET GLOBAL plugin_dir = '/tmp' */",
	"BEGIN NOT ATOMIC SET GLOBAL general_log_file = '/x'; END",
	"IF 1 THEN SET GLOBAL slow_query_log_file = '/x'; END IF",
	"CREATE TRIGGER t BEFORE INSERT ON t FOR EACH ROW "
	"SET GLOBAL general_log_file = '/x'",
	"CREATE EVENT e ON SCHEDULE EVERY 1 SECOND DO SET GLOBAL "
	"general_log_file = '/x'",
	"SET STATEMENT GLOBAL general_log_file = '/x' FOR SELECT 1",
	"SET GLOBAL @@session.general_log_file = '/x'",
	"SET SESSION sort_buffer_size = 1, GLOBAL wait_timeout = 1, "
	"general_log_file = '/x'",
	"SET SESSION sort_buffer_size = 1 /*!50000 , GLOBAL wait_timeout = 1 */"
	", general_log_file = '/x'",
	"SET PERSIST @@plugin_dir = '/x'",
	/* a session's variable that names a directory (with FILE), or a
	 * debug build's trace file */
	"SET SESSION innodb_tmpdir = '/root'",
	"SET @@innodb_tmpdir = '/root'",
	"SET STATEMENT innodb_tmpdir = '/root' FOR ALTER TABLE t FORCE",
	"SET debug = 'd:o,/root/.bashrc'",
	/* every reading: a version comment SQL on one server and a
	 * comment on another, each sql_mode that changes the tokens */
	"SELECT 1 /*!99999 '*/ ; SET GLOBAL general_log_file = '/x' -- '",
	"SELECT 1 /*M! '*/ , LOAD_FILE('/etc/passwd') -- ' */",
	"SELECT 'a\\' , LOAD_FILE('/etc/passwd') -- '",
	"SELECT \"a\\\" , LOAD_FILE('/etc/passwd') -- \"",
	"SELECT [a'], LOAD_FILE('/etc/passwd') -- ']",
	"/*!99999 DEALLOCATE */ PREPARE s FROM @q",
	/* what no reading handles */
	"SELECT /*!50000 /* x */ LOAD_FILE(1) */",
	"SELECT 1 /*!500001+1 */",
	"SELECT 1 /*!1000000 */",
	"SELECT 1 /*!50000 *//*!50000 *//*!50000 *//*!50000 *//*!50000 */"
	"/*!50000 *//*!50000 *//*!50000 *//*!50000 */",
	"SELECT $$ ' $$, LOAD_FILE(1) -- '",
	"SELECT 'caf\xc3\xa9\\' , LOAD_FILE(1) -- '",
	"SELECT \xbf\x5c",
	"SELECT {fn LOAD_FILE('/etc/passwd')}",
	/* PREPARE: one literal, its content checked as SQL */
	"PREPARE s FROM 'PREPARE t FROM @q'",
	"PREPARE s FROM 'SET GLOBAL general_log_file=''/x'''",
	"PREPARE s FROM 'SELECT 1'; PREPARE t FROM @q",
	"PREPARE s FROM _utf8mb4'SELECT 1'",
	"PREPARE s FROM N'SELECT 1'",
	"CREATE PROCEDURE p(q TEXT) BEGIN PREPARE s FROM q; EXECUTE s; END",
	"PREPARE s FROM 'SELECT 1' + 0",
	"PREPARE a FROM 'PREPARE b FROM ''PREPARE c FROM ''''PREPARE d FROM "
	"''''''''PREPARE e FROM ''''''''''''''''SELECT 1'''''''''''''''''"
	"''''''''''''''",
	/* what runs or loads code, or reaches another host or a file */
	"CALL mysql.AddGeometryColumn('', 'goneaway', 't', 'g', 0)",
	"CALL sys.statement_performance_analyzer('snapshot', NULL, NULL)",
	"INSERT INTO mysql.func VALUES ('sys_exec', 0, 'x.so', 'function')",
	"INSERT INTO `mysql`.`proc` SELECT * FROM goneaway.p",
	"REPLACE INTO mysql . servers VALUES ('s', '192.0.2.1', '', '', '', "
	"0, '', 'mysql', '')",
	"USE mysql",
	"USE `sys`",
	"CHANGE MASTER TO MASTER_HOST = '192.0.2.1'",
	"CHANGE REPLICATION SOURCE TO SOURCE_SSL_KEY = '/root/key.pem'",
	"CLONE INSTANCE FROM 'u'@'192.0.2.1':3306 IDENTIFIED BY 'p'",
	"BINLOG 'AAAA'",
	"CREATE SERVER s FOREIGN DATA WRAPPER mysql OPTIONS (HOST '192.0.2.1')",
	"IMPORT TABLE FROM '/tmp/t.sdi'",
	"UNINSTALL SONAME 'ha_connect'",
};

START_TEST(test_hostile_sql)
{
	const char *sql = hostile_sql[_i];

	ck_assert_msg(ga_trust_sql(sql) != NULL, "not refused: %s", sql);
}
END_TEST

/* What the shipped scenarios' steps run: let through. */
static const char *const fine_sql[] = {
	"SELECT 1",
	"SET GLOBAL read_only = 1",
	"SET GLOBAL super_read_only = 1",
	"SET GLOBAL max_connections = 2",
	"SET SESSION wait_timeout = 2",
	"SHUTDOWN",
	"SELECT SLEEP(20)",
	"SELECT GROUP_CONCAT(id ORDER BY id) FROM goneaway.notes",
	"SELECT COUNT(*) FROM mysql.general_log WHERE command_type = 'Query' "
	"AND argument LIKE 'INSERT INTO notes%'",
	"SELECT @@global.skip_networking",
	"SELECT @@plugin_dir",
	"RENAME USER 'goneaway_root'@'%' TO 'goneaway_root'@'192.0.2.1'",
	"FLUSH PRIVILEGES",
	"CREATE USER 'elsewhere'@'192.0.2.1' IDENTIFIED BY 'elsewhere'",
	"CREATE TABLE blobs (id INT AUTO_INCREMENT PRIMARY KEY, b LONGBLOB)",
	"SELECT id INTO @x FROM t LIMIT 1",
	"SELECT REPEAT('x', 300000)",
	"PREPARE s FROM 'SELECT 1'",
	"INSERT INTO notes VALUES (1, 'a note')",
	"SET GLOBAL max_session_mem_used = 16777216",
	"SET GLOBAL global_connection_memory_tracking = ON",
	"SET GLOBAL connection_memory_limit = 16777216",
	"SET SESSION wait_timeout = 2, net_write_timeout = 10",
	"SET @@global.wait_timeout = 10, @@global.interactive_timeout = 10",
	"SET GLOBAL wait_timeout = 10, interactive_timeout = 10",
	"SET PERSIST max_connections = 20",
	"SET GLOBAL read_only = 1, @@session.sort_buffer_size = 1",
	"SET GLOBAL read_only = 1, SESSION sort_buffer_size = 1, "
	"join_buffer_size = 1",
	"SET GLOBAL sql_mode = 'ANSI_QUOTES,NO_BACKSLASH_ESCAPES'",
	"SET @@global.long_query_time = 0.5",
	"SET @marker = 'session state'",
	"SET NAMES utf8mb4",
	"SET autocommit = 0",
	"UPDATE t SET v = 10 WHERE id = 1",
	"CREATE TABLE t (a SET('x', 'y') CHARACTER SET latin1, b INT)",
	/* reads are not writes: a variable naming a file, read */
	"SET STATEMENT max_statement_time=1 FOR SELECT @@plugin_dir",
	"SELECT @@global.general_log_file, @@global.plugin_dir",
	/* a string is data: the words in it run nowhere */
	"SELECT 'LOAD_FILE(1) INTO OUTFILE', \"SET GLOBAL plugin_dir\"",
	/* a parse error on MySQL 9.7 and MariaDB 11.8 (seen there): the
	 * backtick ends the name, and _file is none */
	"SELECT `load`_file('/etc/passwd')",
	/* PREPARE's literals: one, or several side by side (MariaDB joins
	 * them; MySQL refuses), after comments, their content checked */
	"PREPARE s FROM/**/'SELECT 1'",
	"PREPARE s FROM 'it''s' 'x'",
	"PREPARE s FROM 'SELECT \\'' ",
	"PREPARE s FROM 'SELECT ' /*!50000 */ '1'",
	"DEALLOCATE PREPARE s",
	"DROP PREPARE s",
	"XA PREPARE 'x'",
	/* comments and version comments, read every way */
	"SELECT 1 /*!50000 + 1 */ /*M!100000 + 1 */ -- LOAD_FILE",
	"SELECT /*+ MAX_EXECUTION_TIME(1000) */ 1 # INTO OUTFILE",
	"SELECT 'caf\xc3\xa9', 1",
};

START_TEST(test_fine_sql)
{
	const char *sql = fine_sql[_i];
	const char *why = ga_trust_sql(sql);

	ck_assert_msg(why == NULL, "refused: %s: %s", sql, why);
}
END_TEST

START_TEST(test_server_options)
{
	static const char *const bad[][2] = {
		{ "init-file", "/root/evil.sql" },
		{ "init_file", "/tmp/x.sql" },
		{ "plugin-load", "evil.so" },
		{ "plugin-load-add", "ha_connect" },
		{ "plugin_load_add", "x" },
		{ "loose-plugin-load-add", "x" },
		{ "plugin_dir", "/tmp" },
		{ "plugin-maturity", "alpha" },
		{ "general_log_file", "/root/.bashrc" },
		{ "slow_query_log_file", "/tmp/x" },
		{ "log-error", "/tmp/x" },
		{ "secure-file-priv", "" },
		{ "datadir", "/root" },
		{ "tmpdir", "/root" },
		{ "socket", "/run/mysqld/mysqld.sock" },
		{ "pid-file", "/etc/x" },
		{ "basedir", "/" },
		{ "character-sets-dir", "/tmp" },
		{ "ssl-key", "/root/k.pem" },
		{ "wait_timeout", "/etc/passwd" },
		{ "max_connections", "../x" },
		{ "sql_mode", ".hidden" },
		{ "init_connect", "SELECT LOAD_FILE('/etc/passwd')" },
		{ "no_such_option", "3" },
		{ "MAX-CONNECTIONS-X", "3" },
	};
	static const char *const good[][2] = {
		{ "connect_timeout", "1" },
		{ "wait_timeout", "28800" },
		{ "max_allowed_packet", "16M" },
		{ "max-connections", "2" },
		{ "skip-name-resolve", "OFF" },
		{ "skip_networking", NULL },
		{ "general_log", "ON" },
		{ "log_output", "TABLE" },
		{ "net_read_timeout", "1" },
		{ "interactive_timeout", "2" },
		{ "sql_mode", "STRICT_TRANS_TABLES,NO_ZERO_DATE" },
		{ "init_connect", "SET NAMES utf8mb4" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(ga_trust_server_option(bad[i][0], bad[i][1]),
			      "not refused: %s=%s", bad[i][0], bad[i][1]);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(!ga_trust_server_option(good[i][0], good[i][1]),
			      "refused: %s", good[i][0]);
}
END_TEST

START_TEST(test_driver_options)
{
	static const char *const bad[][2] = {
		{ "allowLocalInfile", "true" },
		{ "allowLoadLocalInfile", "true" },
		{ "allowAllFiles", "true" },
		{ "local_infile", "1" },
		{ "MYSQL_OPT_LOCAL_INFILE", "1" },
		{ "MYSQLI_OPT_LOCAL_INFILE", "1" },
		{ "MYSQL_ATTR_LOCAL_INFILE", "1" },
		{ "mariadb_local_infile", "1" },
		{ "permitLocalInfile", "true" },
		{ "infileStreamFactory", "x" },
		{ "read_default_file", "/root/.my.cnf" },
		{ "MYSQL_READ_DEFAULT_FILE", "/etc/my.cnf" },
		{ "ssl_key", "/root/key.pem" },
		{ "MYSQL_OPT_SSL_CERT", "/root/cert.pem" },
		{ "sslKey", "k" },
		{ "serverRSAPublicKeyFile", "/root/k" },
		{ "MYSQL_ATTR_SERVER_PUBLIC_KEY", "/root/k" },
		{ "MYSQL_PLUGIN_DIR", "/tmp" },
		{ "MYSQL_OPT_LOAD_DATA_LOCAL_DIR", "/" },
		{ "unix_socket", "/run/mysqld/mysqld.sock" },
		{ "socketPath", "/run/mysqld/mysqld.sock" },
		{ "socketFactory", "com.evil.F" },
		{ "queryInterceptors", "com.evil.I" },
		{ "autoDeserialize", "true" },
		{ "MYSQL_INIT_COMMAND", "SELECT LOAD_FILE('/etc/passwd')" },
		{ "initSql", "LOAD DATA LOCAL INFILE '/x' INTO TABLE t" },
		{ "charset", "../../x" },
		{ "loc", "America/New_York" },
	};
	static const char *const good[][2] = {
		{ "interpolateParams", "true" },
		{ "charset", "utf8mb4" },
		{ "MYSQL_SET_CHARSET_NAME", "latin1" },
		{ "MYSQL_OPT_COMPRESS", "1" },
		{ "MYSQL_ATTR_COMPRESS", "1" },
		{ "MYSQL_INIT_COMMAND", "SET NAMES utf8mb4" },
		{ "mariadb_multi_statements", "1" },
		{ "pipelining", "false" },
		{ "ATTR_EMULATE_PREPARES", "0" },
		{ "queryTimeout", "1000" },
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(ga_trust_driver_option(bad[i][0], bad[i][1]),
			      "not refused: %s=%s", bad[i][0], bad[i][1]);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ck_assert_msg(!ga_trust_driver_option(good[i][0], good[i][1]),
			      "refused: %s", good[i][0]);
}
END_TEST

/* A whole scenario: one diagnostic per refused line, naming it. */
START_TEST(test_scenario)
{
	struct ga_scenario *sc = parse_ok(
		"title t\ncause c\n"                                   /* 1-2 */
		"server-option init-file=/root/x.sql\n"                 /* 3 */
		"server-option max_connections=10\n"                    /* 4 */
		"repeat 1000\n"                                         /* 5 */
		"connection app driver-option allowLocalInfile=true\n"  /* 6 */
		"connect app\n"                                         /* 7 */
		"admin SELECT LOAD_FILE('/etc/shadow') INTO OUTFILE '/root/x'\n"
		"query app SELECT 1\n"                                  /* 9 */
		"sleep 3600s\n"                                         /* 10 */
		"query app LOAD DATA LOCAL INFILE '/etc/passwd' INTO TABLE t\n");
	struct ga_diags d = { 0 };
	size_t i;
	char all[4096] = "";

	ck_assert_uint_eq(ga_trust_check(sc, &d), 6);
	for (i = 0; i < d.n; i++) {
		strncat(all, d.items[i].msg, sizeof(all) - strlen(all) - 2);
		strcat(all, "\n");
	}
	ck_assert_int_eq(d.items[0].line, 3);
	ck_assert_ptr_nonnull(strstr(d.items[0].msg, "server-option init-file"));
	ck_assert_int_eq(d.items[1].line, 6);
	ck_assert_ptr_nonnull(strstr(d.items[1].msg, "allowLocalInfile"));
	ck_assert_int_eq(d.items[2].line, 5);
	ck_assert_ptr_nonnull(strstr(d.items[2].msg, "repeat 1000"));
	ck_assert_int_eq(d.items[3].line, 8);
	ck_assert_ptr_nonnull(strstr(d.items[3].msg, "admin: LOAD_FILE"));
	ck_assert_int_eq(d.items[4].line, 10);
	ck_assert_int_eq(d.items[5].line, 11);
	ck_assert_msg(strstr(d.items[0].msg, "not run without --trust"), "%s",
		      all);
	ga_diags_free(&d);
	ga_scenario_free(sc);
}
END_TEST

START_TEST(test_shipped_like_scenario)
{
	struct ga_scenario *sc = parse_ok(
		"title t\ncause c\nrepeat 10\n"
		"server-option max_allowed_packet=1M\n"
		"server-option skip-name-resolve=OFF\n"
		"connection app driver-option [client=go] interpolateParams=true\n"
		"connect app\nadmin SET GLOBAL max_connections = 2\n"
		"query app SELECT 1\nsleep 2s\n");
	struct ga_diags d = { 0 };

	ck_assert_uint_eq(ga_trust_check(sc, &d), 0);
	ga_diags_free(&d);
	ga_scenario_free(sc);
}
END_TEST

/* Issue 34's first way past the word filter of 0.4.0 (the others are in
 * hostile_sql): %repeat was expanded after the check, and split any
 * word.  The text checked is the text sent. */
static const char *const bypass_repeat[] = {
	"admin SELECT LOAD%repeat[1 x _]%FILE('/etc/passwd')",
	"admin INSTALL %repeat[1 x SO]%NAME 'ha_connect'",
	"admin EXECUTE IMME%repeat[1 x DIATE]% CONCAT('SELECT 1')",
	"admin %repeat[1 x SE]%T GLOBAL general_log_file = '/tmp/x'",
	"admin SELECT 1 INTO OUT%repeat[1 x FILE]% '/tmp/x'",
};

START_TEST(test_bypass_repeat)
{
	char text[512];
	struct ga_scenario *sc;
	struct ga_diags d = { 0 };

	snprintf(text, sizeof(text), "title t\ncause c\n%s\n",
		 bypass_repeat[_i]);
	sc = parse_ok(text);
	ck_assert_msg(ga_trust_check(sc, &d) >= 1, "not refused: %s",
		      bypass_repeat[_i]);
	ga_diags_free(&d);
	ga_scenario_free(sc);
}
END_TEST

/* The privileged account (SUPER, FILE) and the lab's other accounts
 * are a choice of their own: refused untrusted, each with its line and
 * the reason. */
START_TEST(test_privileged_connections)
{
	struct ga_scenario *sc = parse_ok(
		"title t\ncause c\n"
		"connection root privileged\n"                          /* 3 */
		"connection app\n"                                      /* 4 */
		"connection as-root user=goneaway_root password=goneaway\n"
		"connection other user=elsewhere password=x\n"          /* 6 */
		"connect root\nconnect app\n");
	struct ga_diags d = { 0 };

	ck_assert_uint_eq(ga_trust_check(sc, &d), 2);
	ck_assert_int_eq(d.items[0].line, 3);
	ck_assert_ptr_nonnull(strstr(d.items[0].msg, "privileged"));
	ck_assert_ptr_nonnull(strstr(d.items[0].msg, "SUPER and FILE"));
	ck_assert_int_eq(d.items[1].line, 5);
	ck_assert_ptr_nonnull(strstr(d.items[1].msg, "goneaway_root"));
	ga_diags_free(&d);
	ga_scenario_free(sc);
}
END_TEST

/* Some refusals, each for its reason: the reading that shows it. */
static const char *const refusal_reasons[][2] = {
	{ "SET GLOBAL wait_timeout = 1, general_log_file = '/x'",
	  "SETs a global variable that is not one a replay sets" },
	{ "SELECT [a'], LOAD_FILE('/etc/passwd') -- ']",
	  "LOAD_FILE() reads a file" },
	{ "SELECT 'a\\' , LOAD_FILE('/etc/passwd') -- '",
	  "LOAD_FILE() reads a file" },
	{ "PREPARE s FROM \"x\"", "PREPARE ... FROM anything but one" },
	{ "PREPARE s FROM 'SELECT LOAD_FILE(1)'", "LOAD_FILE() reads a file" },
	{ "SELECT 1 /*!99999 '*/ ; SET GLOBAL plugin_dir = '/x' -- '",
	  "SETs a global variable" },
	{ "SELECT 1 /*!1000000 */", "MySQL and MariaDB read differently" },
	{ "SELECT /*M!100000 /* x */ 1 */", "a comment inside a /*M!" },
	{ "SELECT $$ 1 $$", "a '$' outside quotes" },
	{ "SELECT 'caf\xc3\xa9\\' , 1 -- '", "gbk, big5 and sjis" },
	{ "SELECT caf\xc3\xa9", "a byte above 0x7F outside quotes" },
	{ "SELECT {fn NOW()}", "JDBC driver rewrites" },
	{ "INSERT INTO mysql.func VALUES ('f', 0, 'f.so', 'function')",
	  "the mysql schema's tables of code" },
	{ "CALL sys.diagnostics(10, 1, 'current')", "the sys schema builds" },
};

START_TEST(test_refusal_reasons)
{
	const char *why = ga_trust_sql(refusal_reasons[_i][0]);

	ck_assert_msg(why && strstr(why, refusal_reasons[_i][1]),
		      "%s: refused for '%s', not '%s'", refusal_reasons[_i][0],
		      why ? why : "(not refused)", refusal_reasons[_i][1]);
}
END_TEST

/* The text checked is the text sent: a thread id is digits, but in a
 * version comment's version its number of digits decides what the
 * comment is.  A pool's validation query and a connection's database
 * are checked as well. */
START_TEST(test_threads_pools_databases)
{
	struct ga_scenario *sc = parse_ok(
		"title t\ncause c\n"
		"pool p validation=\"SELECT LOAD_FILE('/etc/passwd')\"\n" /* 3 */
		"connection app pool=p\n"                               /* 4 */
		"connection sys database=MySQL\n"                       /* 5 */
		"connect app\n"
		"admin KILL QUERY %thread[app]%\n"                      /* 7 */
		"admin SELECT 1 /*!%thread[app]%0 LOAD_FILE(1) */\n"    /* 8 */
		"admin SELECT 1 /*!5%thread[app]% */\n"                 /* 9 */
		"admin SELECT LOAD_FILE%thread[app]%('/x')\n");         /* 10 */
	struct ga_diags d = { 0 };

	ck_assert_uint_eq(ga_trust_check(sc, &d), 5);
	ck_assert_int_eq(d.items[0].line, 3);
	ck_assert_ptr_nonnull(strstr(d.items[0].msg, "pool p: validation: "
				     "LOAD_FILE() reads"));
	ck_assert_int_eq(d.items[1].line, 5);
	ck_assert_ptr_nonnull(strstr(d.items[1].msg, "database=MySQL"));
	ck_assert_int_eq(d.items[2].line, 8);
	ck_assert_ptr_nonnull(strstr(d.items[2].msg, "in a version comment's "
				     "version"));
	ck_assert_int_eq(d.items[3].line, 9);
	/* LOAD_FILE1(): no LOAD_FILE, but a name that holds one */
	ck_assert_int_eq(d.items[4].line, 10);
	ga_diags_free(&d);
	ga_scenario_free(sc);
}
END_TEST

/* What a replay of a shipped scenario leaves to --trust: the
 * privileged connections of the two that need SUPER, the driver
 * conformance checks of an option no connector has (on a plain and on a
 * pooled connection), and of LOAD DATA LOCAL. */
static const char *const shipped_refusals[][2] = {
	{ "scenarios/read-only-failover.gw", "privileged: the lab's" },
	{ "scenarios/too-many-connections.gw", "privileged: the lab's" },
	{ "drivers/conformance/18-driver-option.gw",
	  "driver-option goneaway_conformance_no_such_option: not a driver "
	  "option" },
	{ "drivers/conformance/22-pool-connection.gw",
	  "driver-option goneaway_conformance_no_such_option: not a driver "
	  "option" },
	/* its three LOAD DATA LOCAL lines: the second line refuses what
	 * the first (every client's bound) makes safe */
	{ "drivers/conformance/21-local-infile.gw", "LOAD DATA" },
	{ "drivers/conformance/21-local-infile.gw", "LOAD DATA" },
	{ "drivers/conformance/21-local-infile.gw", "LOAD DATA" },
};

/* Whether the refusal msg of path is one of shipped_refusals. */
static bool expected_refusal(const char *path, const char *msg)
{
	size_t i;

	for (i = 0; i < sizeof(shipped_refusals) /
		    sizeof(shipped_refusals[0]); i++)
		if (strcmp(path, shipped_refusals[i][0]) == 0 &&
		    strstr(msg, shipped_refusals[i][1]))
			return true;
	return false;
}

/* Every shipped scenario passes the check but for shipped_refusals,
 * each of those refused once. */
START_TEST(test_shipped_scenarios)
{
	struct ga_scenario *sc;
	struct ga_diags d = { 0 }, parse = { 0 };
	glob_t g;
	size_t i, j, refused = 0;

	/* the paths of shipped_refusals are the source tree's own */
	ck_assert_msg(chdir(unit_top()) == 0, "chdir %s", unit_top());
	ck_assert_int_eq(glob("scenarios/*.gw", 0, NULL, &g), 0);
	ck_assert_int_eq(glob("drivers/conformance/*.gw", GLOB_APPEND, NULL,
			      &g), 0);
	ck_assert_uint_gt(g.gl_pathc, 50);
	for (i = 0; i < g.gl_pathc; i++) {
		ck_assert_msg(ga_parse_file(g.gl_pathv[i], &sc, &parse) == 0,
			      "%s does not parse", g.gl_pathv[i]);
		for (j = d.n, ga_trust_check(sc, &d); j < d.n; j++, refused++)
			ck_assert_msg(expected_refusal(g.gl_pathv[i],
						       d.items[j].msg),
				      "%s:%d: %s", g.gl_pathv[i],
				      d.items[j].line, d.items[j].msg);
		ga_scenario_free(sc);
	}
	ck_assert_uint_eq(refused, sizeof(shipped_refusals) /
			  sizeof(shipped_refusals[0]));
	ga_diags_free(&d);
	ga_diags_free(&parse);
	globfree(&g);
}
END_TEST

/* dir/name holds len bytes of text, written again and again */
static void write_repeated(const char *dir, const char *name,
			   const char *text, size_t len, int times)
{
	char path[128];
	FILE *f;
	int i;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	for (i = 0; i < times; i++)
		ck_assert_uint_eq(fwrite(text, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
}

/* FIPS 180-4's vectors, each a file digested as SHA256SUMS's are; a
 * symlink is not followed and a file past its bound is refused. */
START_TEST(test_sha256)
{
	static const struct { const char *name, *text, *hex; int times; }
	vectors[] = {
		{ "empty", "", "e3b0c44298fc1c149afbf4c8996fb924"
		  "27ae41e4649b934ca495991b7852b855", 1 },
		{ "abc", "abc", "ba7816bf8f01cfea414140de5dae2223"
		  "b00361a396177a9cb410ff61f20015ad", 1 },
		{ "two-blocks", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmn"
		  "lmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039"
		  "a33ce45964ff2167f6ecedd419db06c1", 1 },
		/* a million 'a's: more than one read of the file */
		{ "million", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
		  "cdc76e5c9914fb9281a1c7e284d73e67"
		  "f1809a48a497200e046d39ccc7112cd0", 10000 },
	};
	char dir[] = "/tmp/ga-sha256.XXXXXX", hex[GA_SHA256_HEX], link[64];
	struct ga_error err;
	size_t i;
	int fd;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++)
		write_repeated(dir, vectors[i].name, vectors[i].text,
			       strlen(vectors[i].text), vectors[i].times);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	ck_assert_int_ge(fd, 0);
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		ck_assert_msg(ga_sha256_file_at(fd, vectors[i].name, 1 << 20,
						hex, &err) == 0, "%s", err.msg);
		ck_assert_str_eq(hex, vectors[i].hex);
	}
	ck_assert_int_eq(ga_sha256_file_at(fd, "million", 999999, hex, &err),
			 -1);
	ck_assert_str_eq(err.msg, "million: larger than 999999 bytes");
	snprintf(link, sizeof(link), "%s/link", dir);
	ck_assert_int_eq(symlink("abc", link), 0);
	ck_assert_int_eq(ga_sha256_file_at(fd, "link", 100, hex, &err), -1);
	close(fd);
	ga_tree_remove(dir, &err);
}
END_TEST

Suite *make_trust_suite(void)
{
	Suite *s = suite_create("trust");
	TCase *tc = tcase_create("policy");

	/* test_shipped_scenarios parses every shipped scenario: a fraction
	 * of a CPU second, but on a machine at load 17 to 25 Check's
	 * default of 4 s ran out (seen twice); a bound for a hang, not a
	 * time to meet */
	tcase_set_timeout(tc, 30);
	tcase_add_loop_test(tc, test_hostile_sql, 0,
			    (int)(sizeof(hostile_sql) / sizeof(hostile_sql[0])));
	tcase_add_loop_test(tc, test_fine_sql, 0,
			    (int)(sizeof(fine_sql) / sizeof(fine_sql[0])));
	tcase_add_test(tc, test_server_options);
	tcase_add_test(tc, test_driver_options);
	tcase_add_test(tc, test_scenario);
	tcase_add_test(tc, test_shipped_like_scenario);
	tcase_add_test(tc, test_sha256);
	tcase_add_test(tc, test_privileged_connections);
	tcase_add_loop_test(tc, test_refusal_reasons, 0,
			    (int)(sizeof(refusal_reasons) /
				  sizeof(refusal_reasons[0])));
	tcase_add_test(tc, test_threads_pools_databases);
	tcase_add_test(tc, test_shipped_scenarios);
	tcase_add_loop_test(tc, test_bypass_repeat, 0,
			    (int)(sizeof(bypass_repeat) /
				  sizeof(bypass_repeat[0])));

	suite_add_tcase(s, tc);
	return s;
}
