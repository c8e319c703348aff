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
	     "table goneaway.notes\tBASE TABLE InnoDB auto_increment 4\n" \
	     "table `goneaway`.`notes` rows\t1234\n"                     \
	     "grant 'goneaway'@'%'\t\n"

static void load(struct ga_snapshot *s, const char *text)
{
	ck_assert_int_eq(ga_snapshot_from_text(s, text), 0);
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
		 "table goneaway.notes\tBASE TABLE InnoDB auto_increment 4\n"
		 "table `goneaway`.`notes` rows\t1234\n"
		 "grant 'goneaway'@'%'\t\n");
	ck_assert(ga_snapshot_same(&a, &b, why, sizeof(why)));
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
	{ "table goneaway.t\tBASE TABLE InnoDB auto_increment \n",
	  "table goneaway.t appeared" },
	{ "grant 'elsewhere'@'192.0.2.1'\t\n",
	  "grant 'elsewhere'@'192.0.2.1' appeared" },
	{ "session 12\tgoneaway, Sleep, NULL\n",
	  "session 12 is left (goneaway, Sleep, NULL)" },
	{ "lock in use goneaway.notes\t1\n", "lock in use goneaway.notes is held" },
	{ "table `goneaway`.`notes` rows\t99\n",
	  "table `goneaway`.`notes` rows changed (1234 -> 99)" },
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
		 "table goneaway.notes\tBASE TABLE InnoDB auto_increment 4\n"
		 "table `goneaway`.`notes` rows\t1234\n");
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
	/* a table and its rows (CHECKSUM TABLE names it schema.table) */
	load(&b, BASE "table goneaway.t\tBASE TABLE InnoDB auto_increment \n"
		 "table goneaway.t rows\t0\n");
	ck_assert(ga_snapshot_differ_only_in(&a, &b, "table goneaway."));
	ck_assert(!ga_snapshot_differ_only_in(&a, &b, "table mysql."));
	ga_snapshot_free(&b);
	load(&b, BASE "table goneaway.t\tBASE TABLE InnoDB auto_increment \n");
	ck_assert(ga_snapshot_differ_only_in(&a, &b, "table goneaway."));
	ga_snapshot_free(&b);
	/* and a global changed too: not only */
	load(&b, "global wait_timeout\t5\n" BASE
		 "table goneaway.t\tBASE TABLE InnoDB auto_increment \n");
	ck_assert(!ga_snapshot_differ_only_in(&a, &b, "table goneaway."));
	ga_snapshot_free(&b);
	/* the same is not "differ only in" */
	load(&b, BASE);
	ck_assert(!ga_snapshot_differ_only_in(&a, &b, "table goneaway."));
	/* counters are never a difference */
	ga_snapshot_free(&b);
	load(&b, BASE "status Aborted_clients\t7\n"
		 "table goneaway.t\tBASE TABLE InnoDB auto_increment \n");
	ck_assert(ga_snapshot_differ_only_in(&a, &b, "table goneaway."));
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
		 "session 40\tgoneaway, Sleep, NULL\n");
	/* three new ones, two fit */
	ck_assert_uint_eq(ga_snapshot_new_sessions(&a, &b, ids, 2), 3);
	ck_assert_uint_eq(ids[0], 12);
	ck_assert_uint_eq(ids[1], 40);
	ck_assert_uint_eq(ga_snapshot_new_sessions(&b, &a, ids, 2), 0);
	ga_snapshot_free(&a);
	ga_snapshot_free(&b);
}
END_TEST

/* The key -j's schedule and the kept server compare: the same for the
 * same server-option lines, TLS check and proxy namespace; 0 for a
 * scenario whose server is never kept. */
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
	ck_assert_uint_eq(ga_reuse_key(&o, restart), 0);
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
	tcase_add_test(tc, test_new_sessions);
	tcase_add_test(tc, test_key);
	suite_add_tcase(s, tc);
	return s;
}
