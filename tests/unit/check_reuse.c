/* check_reuse.c - what decides whether a server is kept for the next
 * case (run/reuse.c): the snapshot comparison (server/snapshot.c) on
 * snapshots written as text, the "server fresh" header line, and the key
 * that tells which cases can share a kept server. */
#include <stdlib.h>
#include <string.h>

#include "lang/diag.h"
#include "lang/scenario.h"
#include "lang/step.h"
#include "parse_util.h"
#include "run/runner.h"
#include "server/snapshot.h"
#include "suites.h"

#define BASE "global wait_timeout\t28800\n"                         \
	     "global read_only\tOFF\n"                                   \
	     "status Aborted_clients\t0\n"                               \
	     "status Questions\t12\n"                                    \
	     "table mysql.func\tBASE TABLE Aria auto_increment \n"       \
	     "table `mysql`.`func` rows\t1234\n"                         \
	     "thread 5\tDaemon, event_scheduler\n"                       \
	     "grant 'goneaway'@'%'\t\n"

/* a full snapshot */
static void load(struct ga_snapshot *s, const char *text)
{
	ck_assert_int_eq(ga_snapshot_from_text(s, text, true), 0);
}

/* a short one */
static void load_short(struct ga_snapshot *s, const char *text)
{
	ck_assert_int_eq(ga_snapshot_from_text(s, text, false), 0);
}

START_TEST(test_same)
{
	struct ga_snapshot a, b;
	char why[300];

	load(&a, BASE);
	/* another order, and counters that count by themselves */
	load(&b, "status Questions\t40\n" BASE "status Questions\t40\n");
	ga_snapshot_free(&b);
	load(&b, "status Questions\t40\n"
		 "global read_only\tOFF\n"
		 "global wait_timeout\t28800\n"
		 "status Aborted_clients\t0\n"
		 "table mysql.func\tBASE TABLE Aria auto_increment \n"
		 "thread 5\tDaemon, event_scheduler\n"
		 "table `mysql`.`func` rows\t1234\n"
		 "grant 'goneaway'@'%'\t\n"
		 "thread 5\tDaemon, event_scheduler\n");
	ck_assert(ga_snapshot_same(&a, &b, why, sizeof(why)));
	/* a line read twice (the sessions, first and last) is one line */
	ck_assert_uint_eq(a.n, b.n);
	ck_assert_str_eq(why, "");
	ga_snapshot_free(&a);
	ga_snapshot_free(&b);
}
END_TEST

/* Each change a scenario can leave behind, and the words -v shows. */
static const struct {
	const char *after;
	const char *why;
} changes[] = {
	{ "global wait_timeout\t5\n", "global wait_timeout changed (28800 -> 5)" },
	{ "app table t\tBASE TABLE\n", "app table t appeared (BASE TABLE)" },
	{ "table mysql.func\tBASE TABLE Aria auto_increment  updated "
	  "2026-11-25 01:50:26\n", "table mysql.func changed" },
	{ "grant 'elsewhere'@'192.0.2.1'\t\n",
	  "grant 'elsewhere'@'192.0.2.1' appeared" },
	{ "session 12\tgoneaway, Sleep, NULL\n",
	  "session 12 is left (goneaway, Sleep, NULL)" },
	{ "lock in use goneaway.notes\t1\n", "lock in use goneaway.notes is held" },
	{ "xa prepared XA transaction left1\t\n",
	  "xa prepared XA transaction left1 is held" },
	{ "table `mysql`.`func` rows\t99\n",
	  "table `mysql`.`func` rows changed (1234 -> 99)" },
	/* a thread of the server's own that was not there: not a session */
	{ "thread 9\tConnect, system user\n",
	  "thread 9 appeared (Connect, system user)" },
	{ "persisted mysqld-auto.cnf\twait_timeout (140 bytes #1)\n",
	  "persisted mysqld-auto.cnf appeared (wait_timeout" },
};

START_TEST(test_changed)
{
	struct ga_snapshot a, b;
	char text[1024], why[300];
	const char *key_end = strchr(changes[_i].after, '\t');
	size_t klen = (size_t)(key_end - changes[_i].after);
	const char *p;
	size_t used = 0;

	/* BASE with the changed line in place of its own (or added) */
	for (p = BASE; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = (size_t)(nl - p) + 1;

		if (strncmp(p, changes[_i].after, klen + 1) != 0) {
			memcpy(text + used, p, n);
			used += n;
		}
		p += n;
	}
	strcpy(text + used, changes[_i].after);
	load(&a, BASE);
	load(&b, text);
	ck_assert(!ga_snapshot_same(&a, &b, why, sizeof(why)));
	ck_assert_msg(strstr(why, changes[_i].why) != NULL, "why: %s", why);
	ga_snapshot_free(&a);
	ga_snapshot_free(&b);
}
END_TEST

START_TEST(test_gone)
{
	struct ga_snapshot a, b;
	char why[300];

	load(&a, BASE);
	load(&b, "global wait_timeout\t28800\nglobal read_only\tOFF\n"
		 "table mysql.func\tBASE TABLE Aria auto_increment \n"
		 "table `mysql`.`func` rows\t1234\n"
		 "thread 5\tDaemon, event_scheduler\n");
	ck_assert(!ga_snapshot_same(&a, &b, why, sizeof(why)));
	ck_assert_str_eq(why, "grant 'goneaway'@'%' is gone");
	ga_snapshot_free(&a);
	ga_snapshot_free(&b);
}
END_TEST

START_TEST(test_status)
{
	struct ga_snapshot a, b;
	char why[300];

	load(&a, BASE);
	load(&b, "status Aborted_clients\t1\nstatus Questions\t99\n");
	ck_assert(ga_snapshot_same_status(&a, &b, "questions", why, sizeof(why)) == false);
	ck_assert(!ga_snapshot_same_status(&a, &b, "Aborted_clients", why,
					   sizeof(why)));
	ck_assert_str_eq(why, "status Aborted_clients changed (0 -> 1)");
	ck_assert(ga_snapshot_same_status(&a, &b, "Aborted_connects", why,
					  sizeof(why)));
	/* a name that is a prefix of another is not it */
	ck_assert(ga_snapshot_same_status(&a, &b, "Aborted", why, sizeof(why)));
	ga_snapshot_free(&a);
	ga_snapshot_free(&b);
}
END_TEST

/* What a case leaves in the application's database alone can be undone
 * by dropping it: anything else cannot. */
START_TEST(test_differ_only_in)
{
	struct ga_snapshot a, b;

	load(&a, BASE);
	/* a table, a routine */
	load(&b, BASE "app table t\tBASE TABLE\napp PROCEDURE p\t2026\n");
	ck_assert(ga_snapshot_differ_only_in(&a, &b, "app "));
	ck_assert(!ga_snapshot_differ_only_in(&a, &b, "table mysql."));
	ga_snapshot_free(&b);
	/* and a global changed too: not only */
	load(&b, "global wait_timeout\t5\n" BASE "app table t\tBASE TABLE\n");
	ck_assert(!ga_snapshot_differ_only_in(&a, &b, "app "));
	ga_snapshot_free(&b);
	/* the same is not "differ only in" */
	load(&b, BASE);
	ck_assert(!ga_snapshot_differ_only_in(&a, &b, "app "));
	/* counters are never a difference */
	ga_snapshot_free(&b);
	load(&b, BASE "status Aborted_clients\t7\napp table t\tVIEW\n");
	ck_assert(ga_snapshot_differ_only_in(&a, &b, "app "));
	ga_snapshot_free(&a);
	ga_snapshot_free(&b);
}
END_TEST

/* A short snapshot (after a case whose statements all ran as the
 * application account) is compared with a full one in the short
 * sections alone: a full section it did not read is no difference, a
 * short one still is. */
START_TEST(test_depths)
{
	struct ga_snapshot a, b;
	char why[300];

	load(&a, BASE);
	load_short(&b, "status Aborted_clients\t0\n"
		       "thread 5\tDaemon, event_scheduler\n"
		       "grant 'goneaway'@'%'\t\n");
	ck_assert_msg(ga_snapshot_same(&a, &b, why, sizeof(why)), "%s", why);
	ck_assert_msg(ga_snapshot_same(&b, &a, why, sizeof(why)), "%s", why);
	ga_snapshot_free(&b);
	/* a full section's line in a short snapshot is not compared either */
	load_short(&b, "global wait_timeout\t5\n"
		       "thread 5\tDaemon, event_scheduler\n"
		       "grant 'goneaway'@'%'\t\n");
	ck_assert(ga_snapshot_same(&a, &b, why, sizeof(why)));
	ga_snapshot_free(&b);
	load_short(&b, "thread 5\tDaemon, event_scheduler\n"
		       "grant 'goneaway'@'%'\t\n"
		       "session 12\tsystem user, Query, SET GLOBAL x\n"
		       "grant 'system user'@'%'\t\n");
	ck_assert(!ga_snapshot_same(&a, &b, why, sizeof(why)));
	/* the session first: it says most of what was left */
	ck_assert_str_eq(why, "session 12 is left (system user, Query, SET "
			 "GLOBAL x); grant 'system user'@'%' appeared");
	ga_snapshot_free(&b);
	/* the daemon gone is a short difference */
	load_short(&b, "grant 'goneaway'@'%'\t\n");
	ck_assert(!ga_snapshot_same(&a, &b, why, sizeof(why)));
	ck_assert_str_eq(why, "thread 5 is gone");
	/* what a full snapshot could not see is never the same, however
	 * alike the two are; a short comparison does not look at it */
	ga_snapshot_free(&a);
	ga_snapshot_free(&b);
	load(&a, BASE "blind TRIGGER on sys.*\ttriggers in sys\n");
	load(&b, BASE "blind TRIGGER on sys.*\ttriggers in sys\n");
	ck_assert(!ga_snapshot_same(&a, &b, why, sizeof(why)));
	ck_assert_str_eq(why, "the full check cannot see the triggers in sys: "
			 "the admin account has no TRIGGER on sys.*");
	b.full = false;
	ck_assert(ga_snapshot_same(&a, &b, why, sizeof(why)));
	ck_assert(ga_snapshot_short_section("xa prepared XA transaction x\t"));
	ck_assert(!ga_snapshot_short_section("def view sys.v\tx"));
	ck_assert(!ga_snapshot_short_section("sessions 1\tx"));
	ga_snapshot_free(&a);
	ga_snapshot_free(&b);
}
END_TEST

START_TEST(test_new_sessions)
{
	struct ga_snapshot a, b;
	unsigned long ids[2];

	load(&a, BASE "session 3\tgoneaway, Sleep, NULL\n");
	load(&b, BASE "session 3\tgoneaway, Sleep, NULL\n"
		 "session 12\tgoneaway, Query, SELECT SLEEP(5)\n"
		 "session 9\tgoneaway_priv, Sleep, NULL\n"
		 "thread 33\tDaemon, event_scheduler\n"
		 "session 40\tgoneaway, Sleep, NULL\n");
	/* three new ones, two fit */
	ck_assert_uint_eq(ga_snapshot_new_sessions(&a, &b, ids, 2), 3);
	ck_assert_uint_eq(ids[0], 12);
	ck_assert_uint_eq(ids[1], 40);
	ck_assert_uint_eq(ga_snapshot_new_sessions(&b, &a, ids, 2), 0);
	/* a thread of the server's own is never a session to KILL */
	ck_assert_uint_eq(ga_snapshot_new_sessions(&a, &b, ids, 0), 3);
	ga_snapshot_free(&a);
	ga_snapshot_free(&b);
}
END_TEST

/* The key -j's schedule and the kept server compare: the same for the
 * same server-option lines, TLS check and proxy namespace, server steps
 * or none; 0 for a scenario whose server is never kept. */
START_TEST(test_key)
{
	struct ga_run_options o = { 0 };
	struct ga_scenario *a = parse_ok("title t\ncause c\nconnection app\n"
					 "connect app\n");
	struct ga_scenario *b = parse_ok("title u\ncause d\nconnection x\n"
					 "connect x\nkill x\n");
	struct ga_scenario *opt = parse_ok("title t\ncause c\n"
					   "server-option wait_timeout=2\n"
					   "connection app\nconnect app\n");
	struct ga_scenario *restart = parse_ok("title t\ncause c\n"
					       "connection app\nconnect app\n"
					       "server restart\n");
	struct ga_scenario *fresh = parse_ok("title t\ncause c\nserver fresh\n"
					     "connection app\nconnect app\n");
	struct ga_scenario *memory = parse_ok("title t\ncause c\n"
					      "server memory 256MiB\n"
					      "connection app\nconnect app\n");
	uint64_t ka = ga_reuse_key(&o, a);

	ck_assert_uint_ne(ka, 0);
	ck_assert_uint_eq(ga_reuse_key(&o, b), ka);
	ck_assert_uint_ne(ga_reuse_key(&o, opt), ka);
	ck_assert_uint_ne(ga_reuse_key(&o, opt), 0);
	/* a server step does not rule the server out: the full check
	 * decides after the case (run/reuse.c) */
	ck_assert_uint_eq(ga_reuse_key(&o, restart), ka);
	ck_assert_uint_eq(ga_reuse_key(&o, fresh), 0);
	/* a server with a memory limit of its own is never kept */
	ck_assert_uint_eq(ga_reuse_key(&o, memory), 0);
	/* behind a proxy the lab has a namespace more */
	o.proxy = "haproxy";
	ck_assert_uint_ne(ga_reuse_key(&o, a), ka);
	o.proxy = "none";
	ck_assert_uint_eq(ga_reuse_key(&o, a), ka);
	o.fresh_servers = true;
	ck_assert_uint_eq(ga_reuse_key(&o, a), 0);
	ga_scenario_free(a);
	ga_scenario_free(b);
	ga_scenario_free(opt);
	ga_scenario_free(restart);
	ga_scenario_free(fresh);
	ga_scenario_free(memory);
}
END_TEST

/* Which cases get the full check: decided from the scenario, by which
 * accounts its statements run as, never from their words. */
START_TEST(test_full_check)
{
	static const struct {
		const char *text;
		bool full;
		const char *why;
	} cases[] = {
		{ "connection app\nconnect app\nquery app SET PASSWORD = "
		  "PASSWORD('x')\n", false, "its statements all run as the "
		  "application account" },
		{ "connection app user=goneaway\nconnect app\nkill app\n",
		  false, "application account" },
		{ "connection app\nconnect app\nadmin SELECT 1\n", true,
		  "an admin step (line 5)" },
		{ "connection app\nconnection root privileged\n"
		  "connect app\n", true, "connection 'root' is privileged "
		  "(line 4)" },
		{ "connection app user=\"system user\"\nconnect app\n", true,
		  "connection 'app' logs in as another account (line 3)" },
		{ "connection app user=root\nconnect app\nchange-user app\n",
		  true, "another account" },
	};
	char text[400], why[200];
	struct ga_scenario *sc;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		snprintf(text, sizeof(text), "title t\ncause c\n%s",
			 cases[i].text);
		sc = parse_ok(text);
		ck_assert_msg(ga_reuse_full_check(sc, why, sizeof(why)) ==
			      cases[i].full, "%s", cases[i].text);
		ck_assert_msg(strstr(why, cases[i].why) != NULL, "%s: %s",
			      cases[i].text, why);
		ga_scenario_free(sc);
	}
}
END_TEST

/* "server memory SIZE": the server's own limit (lab/memcg.h); the
 * step that counts the OOM killer's kills needs it. */
START_TEST(test_server_memory)
{
	struct ga_scenario *sc = parse_ok("title t\ncause c\n"
					  "server memory 256MiB\n"
					  "connection app\nconnect app\n"
					  "server oom-kills\n expect ok = 1\n");
	struct ga_diags d = { 0 };

	ck_assert_int_eq(sc->server_memory, 256LL << 20);
	ck_assert_int_eq(sc->server_memory_line, 3);
	ck_assert_uint_eq(sc->nsteps, 2);
	ck_assert_int_eq(sc->steps[1].kind, GA_STEP_SERVER_OOM_KILLS);
	ck_assert(ga_step_kind_is(GA_STEP_SERVER_OOM_KILLS, GA_STEP_HAS_VALUE));
	ck_assert(!ga_step_kind_is(GA_STEP_SERVER_OOM_KILLS, GA_STEP_ACTION));
	ga_scenario_free(sc);
	sc = parse_ok("title t\ncause c\nserver fresh\nserver memory 1g\n"
		      "connection app\nconnect app\n");
	ck_assert_int_eq(sc->server_memory, 1LL << 30);
	ck_assert_int_eq(sc->server_fresh, 3);
	ga_scenario_free(sc);
	sc = parse_ok("title t\ncause c\nconnection app\nconnect app\n");
	ck_assert_int_eq(sc->server_memory, 0);
	ga_scenario_free(sc);
	parse_bad("title t\ncause c\nserver memory\nconnection app\n"
		  "connect app\n", &d);
	assert_diag(&d, 0, 3, 1, "'server memory' needs the server's limit");
	ga_diags_free(&d);
	parse_bad("title t\ncause c\nserver memory 8MiB\nconnection app\n"
		  "connect app\n", &d);
	assert_diag(&d, 0, 3, 15, "invalid memory limit '8MiB': a size from "
		    "16MiB to 1024GiB");
	ga_diags_free(&d);
	parse_bad("title t\ncause c\nserver memory lots\nconnection app\n"
		  "connect app\n", &d);
	assert_diag(&d, 0, 3, 15, "invalid memory limit 'lots'");
	ga_diags_free(&d);
	parse_bad("title t\ncause c\nserver memory 2TiB\nconnection app\n"
		  "connect app\n", &d);
	assert_diag(&d, 0, 3, 15, "invalid memory limit '2TiB'");
	ga_diags_free(&d);
	parse_bad("title t\ncause c\nserver memory 64M 2\nconnection app\n"
		  "connect app\n", &d);
	assert_diag(&d, 0, 3, 19, "unexpected '2' after the memory limit");
	ga_diags_free(&d);
	parse_bad("title t\ncause c\nserver memory 64M\nserver memory 64M\n"
		  "connection app\nconnect app\n", &d);
	assert_diag(&d, 0, 4, 1, "duplicate 'server' directive (first at "
		    "line 3)");
	ga_diags_free(&d);
	parse_bad("title t\ncause c\nconnection app\nconnect app\n"
		  "server memory 64M\n", &d);
	assert_diag(&d, 0, 5, 1, "after the first step");
	ga_diags_free(&d);
	parse_bad("title t\ncause c\nconnection app\nconnect app\n"
		  "server oom-kills\n", &d);
	assert_diag(&d, 0, 5, 8, "'server oom-kills' counts the OOM killer's "
		    "kills under the server's own memory limit: give it one "
		    "in the header, e.g. 'server memory 256MiB'");
	ga_diags_free(&d);
	parse_bad("title t\ncause c\nserver memory 64M\nconnection app\n"
		  "connect app\nserver oom-kills now\n", &d);
	assert_diag(&d, 0, 6, 18, "unexpected 'now' after the server action");
	ga_diags_free(&d);
}
END_TEST

START_TEST(test_server_fresh)
{
	struct ga_scenario *sc = parse_ok("title t\ncause c\nserver fresh\n"
					  "connection app\nconnect app\n"
					  "server restart\n");
	struct ga_diags d = { 0 };

	ck_assert_int_eq(sc->server_fresh, 3);
	ck_assert_uint_eq(sc->nsteps, 2);
	ck_assert_int_eq(sc->steps[1].kind, GA_STEP_SERVER_RESTART);
	ga_scenario_free(sc);
	sc = parse_ok("title t\ncause c\nconnection app\nconnect app\n");
	ck_assert_int_eq(sc->server_fresh, 0);
	ga_scenario_free(sc);
	parse_bad("title t\ncause c\nserver fresh\nserver fresh\n"
		  "connection app\nconnect app\n", &d);
	assert_diag(&d, 0, 4, 1, "duplicate 'server' directive");
	ga_diags_free(&d);
	parse_bad("title t\ncause c\nconnection app\nconnect app\n"
		  "server fresh\n", &d);
	assert_diag(&d, 0, 5, 1, "after the first step");
	ga_diags_free(&d);
	parse_bad("title t\ncause c\nserver fresh now\nconnection app\n"
		  "connect app\n", &d);
	assert_diag(&d, 0, 3, 14, "");
	ga_diags_free(&d);
}
END_TEST

Suite *make_reuse_suite(void)
{
	Suite *s = suite_create("reuse");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_same);
	tcase_add_loop_test(tc, test_changed, 0,
			    (int)(sizeof(changes) / sizeof(changes[0])));
	tcase_add_test(tc, test_gone);
	tcase_add_test(tc, test_status);
	tcase_add_test(tc, test_server_fresh);
	tcase_add_test(tc, test_server_memory);
	tcase_add_test(tc, test_differ_only_in);
	tcase_add_test(tc, test_depths);
	tcase_add_test(tc, test_full_check);
	tcase_add_test(tc, test_new_sessions);
	tcase_add_test(tc, test_key);
	suite_add_tcase(s, tc);
	return s;
}
