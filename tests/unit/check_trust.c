/* check_trust.c - what a scenario from elsewhere may do on the host
 * (lang/trust.c): SQL that reads or writes files, loads code or builds
 * its SQL at run time is refused however it is spelled (case, comments,
 * version comments, backticks, whitespace, strings); server options and
 * driver options pass only from their allow-lists, with plain values;
 * repeat, sleep and sizes are capped; whole scenarios are refused line
 * by line.  And util/sha256.c against FIPS 180-4's vectors. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lang/trust.h"
#include "parse_util.h"
#include "suites.h"
#include "util/sha256.h"

/* Every one of these an attacker could put in a step: refused. */
static const char *const hostile_sql[] = {
	"SELECT LOAD_FILE('/etc/shadow') INTO OUTFILE '/root/x'",
	"select load_file('/etc/passwd')",
	"SELECT LoAd_FiLe ('/etc/passwd')",
	"SELECT `LOAD_FILE`('/etc/passwd')",
	"SELECT `load`_file('/etc/passwd')",
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
	"SET STATEMENT max_statement_time=1 FOR SELECT @@plugin_dir",
	"PREPARE s FROM CONCAT('LOAD', '_FILE(\"/etc/passwd\")')",
	"prepare s from @q",
	"PREPARE s FROM 'LOAD' '_FILE(\"/etc/passwd\")'",
	"PREPARE s FROM 'SELECT LOAD_FILE(1)'",
	"PREPARE s FROM 0x53454c454354",
	"PREPARE s FROM/**/'SELECT 1'",
	"PREPARE s FROM 'it''s' 'x'",
	"PREPARE s FROM 'SELECT /*\\' '*/ LOAD' '_FILE(1)'",
	"PREPARE s FROM 'SELECT \\'' ",
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
	"PREPARE s FROM \"SELECT 2\";",
	"INSERT INTO notes VALUES (1, 'a note')",
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

START_TEST(test_sha256)
{
	char hex[GA_SHA256_HEX], big[1001];
	struct ga_sha256 c;
	unsigned char d[GA_SHA256_LEN];
	int i;

	ga_sha256_hex("", 0, hex);
	ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb924"
			 "27ae41e4649b934ca495991b7852b855");
	ga_sha256_hex("abc", 3, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223"
			 "b00361a396177a9cb410ff61f20015ad");
	ga_sha256_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
		      56, hex);
	ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039"
			 "a33ce45964ff2167f6ecedd419db06c1");
	/* a million 'a's, fed in uneven pieces */
	memset(big, 'a', sizeof(big));
	ga_sha256_init(&c);
	for (i = 0; i < 1000; i++)
		ga_sha256_update(&c, big, i % 2 ? 999 : 1001);
	ga_sha256_final(&c, d);
	for (i = 0; i < GA_SHA256_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
			 "f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

Suite *make_trust_suite(void)
{
	Suite *s = suite_create("trust");
	TCase *tc = tcase_create("policy");

	tcase_add_loop_test(tc, test_hostile_sql, 0,
			    (int)(sizeof(hostile_sql) / sizeof(hostile_sql[0])));
	tcase_add_loop_test(tc, test_fine_sql, 0,
			    (int)(sizeof(fine_sql) / sizeof(fine_sql[0])));
	tcase_add_test(tc, test_server_options);
	tcase_add_test(tc, test_driver_options);
	tcase_add_test(tc, test_scenario);
	tcase_add_test(tc, test_shipped_like_scenario);
	tcase_add_test(tc, test_sha256);
	suite_add_tcase(s, tc);
	return s;
}
