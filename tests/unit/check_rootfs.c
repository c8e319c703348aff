/* check_rootfs.c - tests for rootfs.c (what a server root holds), the
 * --server argument (backends.c: ga_server_spec_parse), the server
 * identity of the three servers' versions, and the per-scenario my.cnf a
 * chrooted server gets (ga_server_write_cnf).
 *
 * The roots here are fake: directories with empty files where the
 * programs would be, and markers like ci/build-server-root.sh's.  Nothing
 * is run (lab/spawnroot.c's root set-up has its tests in check_spawn.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "server/internal.h"
#include "server/backends.h"
#include "server/rootfs.h"
#include "server/server.h"
#include "util/fsutil.h"
#include "suites.h"

#define TIMEOUT 10

/* The tcase's directory, made and removed by the unchecked fixture in the
 * runner's process, so it goes even when a test fails (Check skips a
 * checked teardown then); each test gets a directory of its own in it. */
static char scratch_root[PATH_MAX];
static char scratch[PATH_MAX];

static void scratch_root_setup(void)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(scratch_root, sizeof(scratch_root), "%s/ga-unit-rootfs-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	ck_assert_msg(mkdtemp(scratch_root) != NULL, "mkdtemp %s: %s",
		      scratch_root, strerror(errno));
}

static void scratch_root_teardown(void)
{
	struct ga_error err = { "" };

	if (scratch_root[0] && ga_tree_remove(scratch_root, &err) != 0)
		fprintf(stderr, "check_rootfs: %s\n", err.msg);
	scratch_root[0] = '\0';
}

static void scratch_setup(void)
{
	snprintf(scratch, sizeof(scratch), "%s/test-XXXXXX", scratch_root);
	ck_assert_msg(mkdtemp(scratch) != NULL, "mkdtemp %s: %s", scratch,
		      strerror(errno));
}

/* scratch/root/name/<file> with text (directories made as needed). */
static void put(const char *root, const char *file, const char *text)
{
	char path[PATH_MAX], dir[PATH_MAX];
	struct ga_error err = { "" };
	char *slash;

	snprintf(path, sizeof(path), "%s/%s/%s", scratch, root, file);
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	ck_assert_msg(ga_mkdirs(dir, &err) == 0, "%s", err.msg);
	ck_assert_msg(ga_file_write(path, text, strlen(text), &err) == 0, "%s",
		      err.msg);
}

static void root_path(char *buf, size_t len, const char *root)
{
	snprintf(buf, len, "%s/%s", scratch, root);
}

/* ---- the marker ------------------------------------------------------------ */

static const char marker_97[] =
	"# a goneaway server root, written by ci/build-server-root.sh\n"
	"flavour=mysql-9.7\n"
	"suite=sid\n"
	"server=/usr/sbin/mysqld\n"
	"install_db=\n"
	"server_version=/usr/sbin/mysqld  Ver 9.7.4-2 for Linux on x86_64 "
	"((Debian))\n"
	"version.mysql-server-core=9.7.4-2\n"
	"built=2026-11-22T16:08:14Z";   /* no final newline */

START_TEST(test_marker_values)
{
	char v[128];

	ck_assert_int_eq(ga_root_marker_value(marker_97, "flavour", v,
					      sizeof(v)), 0);
	ck_assert_str_eq(v, "mysql-9.7");
	ck_assert_int_eq(ga_root_marker_value(marker_97, "install_db", v,
					      sizeof(v)), 0);
	ck_assert_str_eq(v, "");
	ck_assert_int_eq(ga_root_marker_value(marker_97, "built", v,
					      sizeof(v)), 0);
	ck_assert_str_eq(v, "2026-11-22T16:08:14Z");
	/* "server" is not "server_version"'s prefix match */
	ck_assert_int_eq(ga_root_marker_value(marker_97, "server", v,
					      sizeof(v)), 0);
	ck_assert_str_eq(v, "/usr/sbin/mysqld");
	ck_assert_int_eq(ga_root_marker_value(marker_97, "serv", v,
					      sizeof(v)), -1);
	ck_assert_str_eq(v, "");
	ck_assert_int_eq(ga_root_marker_value(marker_97, "# a goneaway", v,
					      sizeof(v)), -1);
}
END_TEST

/* ---- versions and identity ------------------------------------------------------ */

static const struct {
	const char *output;             /* SERVER --version */
	const char *version;
	enum ga_flavour flavour;
	unsigned long number;
} versions[] = {
	{ "/usr/sbin/mysqld  Ver 9.7.4-2 for Linux on x86_64 ((Debian))\n",
	  "9.7.4-2", GA_FLAVOUR_MYSQL, 90704 },
	{ "/usr/sbin/mariadbd  Ver 11.8.6-MariaDB-0+deb13u1 from Debian for "
	  "debian-linux-gnu on x86_64 (-- Please help get to 10k stars at "
	  "https://github.com/MariaDB/Server)\n",
	  "11.8.6-MariaDB-0+deb13u1", GA_FLAVOUR_MARIADB, 110806 },
	{ "/usr/sbin/mariadbd  Ver 10.5.23-MariaDB-0+deb11u1 for "
	  "debian-linux-gnu on x86_64 (Debian 11)\n",
	  "10.5.23-MariaDB-0+deb11u1", GA_FLAVOUR_MARIADB, 100523 },
	/* an old MariaDB whose program is still called mysqld */
	{ "/usr/sbin/mysqld  Ver 10.3.39-MariaDB-0+deb10u2 for "
	  "debian-linux-gnu on x86_64 (Debian 10)\n",
	  "10.3.39-MariaDB-0+deb10u2", GA_FLAVOUR_MARIADB, 100339 },
};

START_TEST(test_version_output)
{
	struct ga_error err = { "" };
	struct ga_root root;

	memset(&root, 0, sizeof(root));
	snprintf(root.server, sizeof(root.server), "/usr/sbin/mysqld");
	snprintf(root.install_db, sizeof(root.install_db),
		 "/usr/bin/mariadb-install-db");
	root.flavour = GA_FLAVOUR_MYSQL;
	ck_assert_msg(ga_root_set_version(&root, versions[_i].output, &err) == 0,
		      "%s", err.msg);
	ck_assert_str_eq(root.version, versions[_i].version);
	ck_assert_int_eq(root.id.flavour, versions[_i].flavour);
	ck_assert_int_eq(root.flavour, versions[_i].flavour);
	ck_assert_uint_eq(root.id.version, versions[_i].number);
}
END_TEST

START_TEST(test_version_output_without_version)
{
	struct ga_error err = { "" };
	struct ga_root root;

	memset(&root, 0, sizeof(root));
	snprintf(root.server, sizeof(root.server), "/usr/sbin/mysqld");
	ck_assert_int_eq(ga_root_set_version(&root, "mysqld: error while "
					     "loading shared libraries\n",
					     &err), -1);
	ck_assert_msg(strstr(err.msg, "printed no version"), "%s", err.msg);
}
END_TEST

/* A MariaDB server with no mariadb-install-db cannot get a datadir. */
START_TEST(test_mariadb_without_install_db)
{
	struct ga_error err = { "" };
	struct ga_root root;

	memset(&root, 0, sizeof(root));
	snprintf(root.server, sizeof(root.server), "/usr/sbin/mysqld");
	ck_assert_int_eq(ga_root_set_version(&root, versions[3].output, &err),
			 -1);
	ck_assert_msg(strstr(err.msg, "no mariadb-install-db"), "%s", err.msg);
}
END_TEST

/* What the greeting (mysql_get_server_info) says, as the selectors read
 * it: MySQL 9's "9.7.4-2" is MySQL 9.7.4. */
static const struct {
	const char *greeting;
	enum ga_flavour flavour;
	unsigned long number;
} greetings[] = {
	{ "9.7.4-2", GA_FLAVOUR_MYSQL, 90704 },
	{ "11.8.6-MariaDB-0+deb13u1 from Debian", GA_FLAVOUR_MARIADB, 110806 },
	{ "10.5.23-MariaDB-0+deb11u1", GA_FLAVOUR_MARIADB, 100523 },
	{ "10.11.19-MariaDB-0+deb12u1", GA_FLAVOUR_MARIADB, 101119 },
	{ "8.0.36", GA_FLAVOUR_MYSQL, 80036 },
};

START_TEST(test_greeting_identity)
{
	struct ga_server_id id;

	ga_server_id_parse(greetings[_i].greeting, &id);
	ck_assert_int_eq(id.flavour, greetings[_i].flavour);
	ck_assert_uint_eq(id.version, greetings[_i].number);
}
END_TEST

/* ---- detection ------------------------------------------------------------------ */

START_TEST(test_detect_marker_mysql)
{
	struct ga_error err = { "" };
	struct ga_root root;
	char dir[PATH_MAX];

	put("mysql-9.7", ".goneaway-root", marker_97);
	put("mysql-9.7", "usr/sbin/mysqld", "");
	root_path(dir, sizeof(dir), "mysql-9.7");
	ck_assert_msg(ga_root_detect(dir, &root, &err) == 0, "%s", err.msg);
	ck_assert(root.has_marker);
	ck_assert_str_eq(root.name, "mysql-9.7");
	ck_assert_int_eq(root.flavour, GA_FLAVOUR_MYSQL);
	ck_assert_str_eq(root.server, "/usr/sbin/mysqld");
	ck_assert_str_eq(root.install_db, "");
	ck_assert_int_eq(root.init, GA_ROOT_INIT_MYSQLD);
	ck_assert_msg(root.dir[0] == '/' && strstr(root.dir, "/mysql-9.7"),
		      "%s", root.dir);
}
END_TEST

/* MariaDB roots have a mysqld symlink too: mariadbd decides.  Whether
 * the accounts go in with --extra-file depends on the install script. */
START_TEST(test_detect_mariadb_by_programs)
{
	struct ga_error err = { "" };
	struct ga_root root;
	char dir[PATH_MAX], link_path[PATH_MAX];

	put("m118", "usr/sbin/mariadbd", "");
	put("m118", "usr/bin/mariadb-install-db",
	    "#!/bin/sh\n  --extra-file=file  Add user defined SQL file\n");
	root_path(link_path, sizeof(link_path), "m118/usr/sbin/mysqld");
	ck_assert_int_eq(symlink("mariadbd", link_path), 0);
	root_path(dir, sizeof(dir), "m118");
	ck_assert_msg(ga_root_detect(dir, &root, &err) == 0, "%s", err.msg);
	ck_assert(!root.has_marker);
	ck_assert_int_eq(root.flavour, GA_FLAVOUR_MARIADB);
	ck_assert_str_eq(root.server, "/usr/sbin/mariadbd");
	ck_assert_str_eq(root.install_db, "/usr/bin/mariadb-install-db");
	ck_assert_int_eq(root.init, GA_ROOT_INIT_INSTALL_DB_EXTRA);

	put("m105", "usr/sbin/mariadbd", "");
	put("m105", "usr/bin/mysql_install_db", "#!/bin/sh\n  --skip-test-db\n");
	root_path(dir, sizeof(dir), "m105");
	ck_assert_msg(ga_root_detect(dir, &root, &err) == 0, "%s", err.msg);
	ck_assert_str_eq(root.install_db, "/usr/bin/mysql_install_db");
	ck_assert_int_eq(root.init, GA_ROOT_INIT_INSTALL_DB_BOOTSTRAP);
}
END_TEST

/* mysqld alone is MySQL until --version says MariaDB; then the install
 * script decides how the datadir is made. */
START_TEST(test_detect_mysqld_then_version)
{
	struct ga_error err = { "" };
	struct ga_root root;
	char dir[PATH_MAX];

	put("old", "usr/sbin/mysqld", "");
	put("old", "usr/bin/mysql_install_db", "#!/bin/sh\n");
	root_path(dir, sizeof(dir), "old");
	ck_assert_msg(ga_root_detect(dir, &root, &err) == 0, "%s", err.msg);
	ck_assert_int_eq(root.flavour, GA_FLAVOUR_MYSQL);
	ck_assert_int_eq(root.init, GA_ROOT_INIT_MYSQLD);
	ck_assert_msg(ga_root_set_version(&root, versions[3].output, &err) == 0,
		      "%s", err.msg);
	ck_assert_int_eq(root.flavour, GA_FLAVOUR_MARIADB);
	ck_assert_int_eq(root.init, GA_ROOT_INIT_INSTALL_DB_BOOTSTRAP);
}
END_TEST

START_TEST(test_detect_not_a_root)
{
	struct ga_error err = { "" };
	struct ga_root root;
	char dir[PATH_MAX];

	put("empty", "etc/hosts", "127.0.0.1 localhost\n");
	root_path(dir, sizeof(dir), "empty");
	ck_assert_int_eq(ga_root_detect(dir, &root, &err), -1);
	ck_assert_msg(strstr(err.msg, "holds no MySQL or MariaDB server"),
		      "%s", err.msg);
	root_path(dir, sizeof(dir), "nowhere");
	ck_assert_int_eq(ga_root_detect(dir, &root, &err), -1);
	ck_assert_msg(strstr(err.msg, "no server root at"), "%s", err.msg);
	ck_assert_int_eq(ga_root_detect("/", &root, &err), -1);
}
END_TEST

/* ---- the roots directory and --server ------------------------------------------- */

static void make_roots(void)
{
	put("roots/mysql-9.7", ".goneaway-root", marker_97);
	put("roots/mysql-9.7", "usr/sbin/mysqld", "");
	put("roots/mariadb-10.5", "usr/sbin/mariadbd", "");
	put("roots/mariadb-11.8.tmp", "usr/sbin/mariadbd", "");  /* a build */
	put("roots/notes", "README", "not a root\n");
}

START_TEST(test_list_roots)
{
	char names[8][GA_ROOT_NAME_MAX], dir[PATH_MAX];
	size_t n;

	make_roots();
	root_path(dir, sizeof(dir), "roots");
	n = ga_root_list(dir, names, 8);
	ck_assert_uint_eq(n, 2);
	ck_assert_str_eq(names[0], "mariadb-10.5");
	ck_assert_str_eq(names[1], "mysql-9.7");
	ck_assert_uint_eq(ga_root_list(dir, names, 1), 1);
	root_path(dir, sizeof(dir), "no-roots-here");
	ck_assert_uint_eq(ga_root_list(dir, names, 8), 0);
}
END_TEST

START_TEST(test_server_spec)
{
	const struct ga_server_backend_ops *ops = NULL;
	struct ga_error err = { "" };
	char roots[PATH_MAX], root[PATH_MAX], want[PATH_MAX + 16];

	make_roots();
	root_path(roots, sizeof(roots), "roots");

	ck_assert_int_eq(ga_server_spec_parse("local", roots, &ops, root,
					      sizeof(root), &err), 0);
	ck_assert_str_eq(ops->name, "local");
	ck_assert_str_eq(root, "");

	ck_assert_int_eq(ga_server_spec_parse("rootfs:/srv/img", roots, &ops,
					      root, sizeof(root), &err), 0);
	ck_assert_str_eq(ops->name, "rootfs");
	ck_assert_str_eq(root, "/srv/img");

	ck_assert_int_eq(ga_server_spec_parse("mysql-9.7", roots, &ops, root,
					      sizeof(root), &err), 0);
	ck_assert_str_eq(ops->name, "rootfs");
	snprintf(want, sizeof(want), "%s/mysql-9.7", roots);
	ck_assert_str_eq(root, want);

	ck_assert_int_eq(ga_server_spec_parse("docker:goneaway/mysql:9.7",
					      roots, &ops, root, sizeof(root),
					      &err), 0);
	ck_assert_str_eq(ops->name, "docker");
	ck_assert_str_eq(root, "goneaway/mysql:9.7");

	ops = NULL;
	ck_assert_int_eq(ga_server_spec_parse("docker:", roots, &ops, root,
					      sizeof(root), &err), -1);
	ck_assert_int_eq(ga_server_spec_parse("mariadb-11.8", roots, &ops,
					      root, sizeof(root), &err), -1);
	/* the backends of server/backends.h's table (a new one among
	 * them: t0006), then the roots */
	ck_assert_msg(strstr(err.msg, "'mariadb-11.8' is not a server backend "
			     "or a root in") &&
		      strstr(err.msg, "(known: local, rootfs:DIR, "
			     "docker:IMAGE, ") &&
		      strstr(err.msg, ", mariadb-10.5, mysql-9.7)"), "%s",
		      err.msg);
	ck_assert_int_eq(ga_server_spec_parse("rootfs:", roots, &ops, root,
					      sizeof(root), &err), -1);
	ck_assert_int_eq(ga_server_spec_parse("rootfs", roots, &ops, root,
					      sizeof(root), &err), -1);
	ck_assert_int_eq(ga_server_spec_parse("../roots/mysql-9.7", roots, &ops,
					      root, sizeof(root), &err), -1);
	ck_assert_ptr_null(ops);
}
END_TEST

/* ---- the scenario's my.cnf, as a chrooted server sees it -------------------------- */

START_TEST(test_cnf_inside_root)
{
	struct ga_server_option opts[2] = {
		{ .line = 7, .name = (char *)"wait_timeout", .value = (char *)"2" },
		{ .line = 8, .name = (char *)"skip_networking", .value = NULL },
	};
	struct ga_scenario sc;
	struct ga_server srv;
	struct ga_error err = { "" };
	const char *want =
		"# Written by goneaway for scenarios/x.gw\n"
		"[mysqld]\nmax_connections=64\n"
		"\n[mysqld]\n"
		"# the scenario's private paths\n"
		"datadir=/goneaway/data\nsocket=/goneaway/run/s.sock\n"
		"log-error=/goneaway/error.log\n"
		"pid-file=/goneaway/run/server.pid\n"
		"bind-address=198.18.0.2\nport=3306\ntmpdir=/goneaway/tmp\n"
		"# files through SQL: only here\n"
		"secure_file_priv=/goneaway/files\n"
		"# the lab's certificate (ga_server_copy_tls), for the connections\n"
		"# that ask for TLS; MariaDB 11.4 and later would make one at every start\n"
		"ssl_cert=/goneaway/server-cert.pem\n"
		"ssl_key=/goneaway/server-key.pem\n"
		"innodb_flush_method=nosync\n"
		"# server-option lines of scenarios/x.gw\n"
		"wait_timeout=2\nskip_networking\n";
	char *text = NULL;

	memset(&sc, 0, sizeof(sc));
	sc.path = (char *)"scenarios/x.gw";
	sc.options = opts;
	sc.noptions = 2;
	memset(&srv, 0, sizeof(srv));
	snprintf(srv.dir, sizeof(srv.dir), "%s", scratch);
	snprintf(srv.cnf, sizeof(srv.cnf), "%s/my.cnf", scratch);
	ck_assert_msg(ga_server_write_cnf(&srv, "[mysqld]\nmax_connections=64\n",
					  "/goneaway", "innodb_flush_method=nosync\n",
					  &sc, &err) == 0, "%s", err.msg);
	ck_assert_msg(ga_file_read(srv.cnf, 1 << 16, &text, NULL, &err) == 0,
		      "%s", err.msg);
	ck_assert_str_eq(text, want);
	free(text);
	srv.dir[0] = '\0';
	snprintf(srv.cnf, sizeof(srv.cnf), "%s/my2.cnf", scratch);
	ck_assert_int_eq(ga_server_write_cnf(&srv, "", "/goneaway", NULL, &sc,
					     &err), -1);
}
END_TEST

Suite *make_rootfs_suite(void)
{
	Suite *s = suite_create("rootfs");
	TCase *tc;

	tc = tcase_create("identity");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_test(tc, test_marker_values);
	tcase_add_loop_test(tc, test_version_output, 0,
			    sizeof(versions) / sizeof(versions[0]));
	tcase_add_test(tc, test_version_output_without_version);
	tcase_add_test(tc, test_mariadb_without_install_db);
	tcase_add_loop_test(tc, test_greeting_identity, 0,
			    sizeof(greetings) / sizeof(greetings[0]));
	suite_add_tcase(s, tc);

	tc = tcase_create("detect");
	tcase_set_timeout(tc, TIMEOUT);
	tcase_add_unchecked_fixture(tc, scratch_root_setup,
				    scratch_root_teardown);
	tcase_add_checked_fixture(tc, scratch_setup, NULL);
	tcase_add_test(tc, test_detect_marker_mysql);
	tcase_add_test(tc, test_detect_mariadb_by_programs);
	tcase_add_test(tc, test_detect_mysqld_then_version);
	tcase_add_test(tc, test_detect_not_a_root);
	tcase_add_test(tc, test_list_roots);
	tcase_add_test(tc, test_server_spec);
	tcase_add_test(tc, test_cnf_inside_root);
	suite_add_tcase(s, tc);
	return s;
}
