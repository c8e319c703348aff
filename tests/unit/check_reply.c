/* check_reply.c - what goneaway makes of a driver's reply, held byte for
 * byte to tests/golden/replies/replies.txt (issue 58: the reply reader
 * is declared once, as a table, and nothing a user sees may change).
 *
 * Each reply below is read as a driver process's answer to request 7,
 * through the process driver's own collect (client/process_calls.c): a
 * state made with ga_conn_alloc(), its output a pipe that holds the
 * line.  Every member of the outcome it makes, the error of a reply it
 * refuses (which kills the driver: its message says how) and the notes
 * it writes in the driver's log are dumped.  The replies cover every
 * member, each bound on both sides, and each malformed form.
 *
 * The golden file records what the code did when it was made: after a
 * change meant to alter it, GA_GOLDEN_WRITE=1 make unit rewrites it (and
 * git diff shows what changed, for the commit to say why). */
#include <check.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/process.h"
#include "client/protocol.h"
#include "client/reply.h"
#include "needs.h"
#include "suites.h"
#include "util/clock.h"

#define ALL (GA_FEATURE_PARAMS | GA_FEATURE_POOL)

struct reply_case {
	enum ga_step_kind kind;
	unsigned features;
	const char *line;
};

#define Q GA_STEP_QUERY
#define F GA_STEP_FETCH
/* x, 10^k times, as JSON text: "aaaa..." */
#define A10 "aaaaaaaaaa"
#define A60 A10 A10 A10 A10 A10 A10
#define A200 A60 A60 A60 A10 A10
#define EV "{\"event\":\"opened\"}"
#define EV8 EV "," EV "," EV "," EV "," EV "," EV "," EV "," EV
#define EV32 EV8 "," EV8 "," EV8 "," EV8

static const struct reply_case cases[] = {
	/* results */
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"errno\":0,\"sqlstate\":"
	  "\"00000\",\"message\":\"\",\"api\":\"mysql_real_query\","
	  "\"elapsed_ms\":0.001,\"value\":\"42\",\"thread_before\":11,"
	  "\"thread_after\":12,\"future\":{\"a\":[1]}}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"errno\":2013,\"sqlstate\":"
	  "\"HY000\",\"message\":\"Lost connection\",\"error_class\":"
	  "\"OperationalError\",\"error_name\":\"CR_SERVER_LOST\","
	  "\"value\":\"x\",\"api\":\"cursor.execute\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"wrong-result\",\"message\":"
	  "\"rows of another query\",\"value\":\"3\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"unsupported\",\"message\":"
	  "\"no prepared statements\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"unsupported\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"maybe\"}" },
	{ Q, ALL, "{\"id\":7}" },
	{ Q, ALL, "{\"id\":7,\"result\":1}" },
	/* id */
	{ Q, ALL, "{\"result\":\"ok\"}" },
	{ Q, ALL, "{\"id\":8,\"result\":\"ok\"}" },
	{ Q, ALL, "{\"id\":7.0,\"result\":\"ok\"}" },
	{ Q, ALL, "{\"id\":7.5,\"result\":\"ok\"}" },
	{ Q, ALL, "{\"id\":\"7\",\"result\":\"ok\"}" },
	/* the line */
	{ Q, ALL, "not json" },
	{ Q, ALL, "[7]" },
	{ Q, ALL, "{\"id\":7,\"id\":7,\"result\":\"ok\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"message\":\"\xc0\xaf\"}" },
	/* errno */
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"errno\":0}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"errno\":65535}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"errno\":65536}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"errno\":-104}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"errno\":1.5}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"errno\":\"2013\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"errno\":null}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"errno\":1e999}" },
	/* thread ids */
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"thread_before\":0,"
	  "\"thread_after\":9007199254740991}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"thread_before\":"
	  "9007199254740992}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"thread_before\":-1}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"thread_before\":1.5}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"thread_before\":\"12\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"thread_before\":null,"
	  "\"thread_after\":null}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"thread_after\":-1}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"thread_after\":true}" },
	/* the thread the connection keeps (it had 99) */
	{ GA_STEP_CONNECT, ALL, "{\"id\":7,\"result\":\"ok\"}" },
	{ GA_STEP_CONNECT, ALL, "{\"id\":7,\"result\":\"error\","
	  "\"thread_after\":5}" },
	{ GA_STEP_CLOSE, ALL, "{\"id\":7,\"result\":\"ok\",\"thread_after\":0}" },
	{ GA_STEP_EVICT, ALL, "{\"id\":7,\"result\":\"ok\",\"thread_after\":3}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"thread_after\":5}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"wrong-result\",\"thread_after\":5}" },
	/* error_class */
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"error_class\":\"" A60
	  "aaa\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"error_class\":\"" A60
	  "aaaa\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"error_class\":\"\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"error_class\":\"a b\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"error_class\":"
	  "\"a\\u0007\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"error_class\":"
	  "\"\\u00e9\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"error_class\":42}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"error_class\":null}" },
	/* sqlstate */
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"sqlstate\":\"08S01\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"sqlstate\":\"\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"sqlstate\":\"HY00\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"sqlstate\":\"HY0000\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"sqlstate\":\"HY-00\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"sqlstate\":8}" },
	/* api */
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"api\":\"" A200 "\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"api\":\"" A200 "a\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"api\":\"\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"api\":\"a\\tb\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"api\":\"a\\u007f\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"api\":\"a\\u0000b\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"api\":\"conn.query "
	  "\\u00e9\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"api\":[\"x\"]}" },
	/* message */
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"message\":\"" A200 A200
	  A60 A60 "0123456789\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"message\":\"a\\nb\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"message\":7}" },
	/* error_name */
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"error_name\":\"ER_" A60
	  "\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"error_name\":\"ER_" A60
	  "a\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"error_name\":\"1ABC\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"error_name\":\"a-b\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"error_name\":\"\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"error_name\":12}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"error_name\":null}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"error_name\":\"_x1\"}" },
	/* rows */
	{ F, ALL, "{\"id\":7,\"result\":\"error\",\"rows\":5}" },
	{ F, ALL, "{\"id\":7,\"result\":\"error\",\"rows\":0}" },
	{ GA_STEP_STREAM, ALL, "{\"id\":7,\"result\":\"error\",\"rows\":"
	  "9007199254740992}" },
	{ F, ALL, "{\"id\":7,\"result\":\"error\",\"rows\":-1}" },
	{ F, ALL, "{\"id\":7,\"result\":\"error\",\"rows\":1.5}" },
	{ F, ALL, "{\"id\":7,\"result\":\"error\",\"rows\":\"5\"}" },
	{ F, ALL, "{\"id\":7,\"result\":\"error\",\"rows\":\"5\","
	  "\"error_name\":\"1\"}" },
	{ F, ALL, "{\"id\":7,\"result\":\"error\",\"rows\":null}" },
	{ F, ALL, "{\"id\":7,\"result\":\"ok\",\"rows\":5}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"rows\":5}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"rows\":-5}" },
	/* value */
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"value\":null}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"value\":1.5}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"value\":9007199254740993}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"value\":true}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"value\":false}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"value\":{}}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"value\":[1]}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"value\":\"\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"value\":\"" A200 A60
	  "0123456789\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"value\":null}" },
	/* elapsed_ms: never the driver's figure */
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"elapsed_ms\":100000}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"elapsed_ms\":\"x\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"elapsed_ms\":-1}" },
	/* pool_events */
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"pool_events\":[]}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"pool_events\":null}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"pool_events\":[{\"event\":"
	  "\"discarded\",\"thread\":12,\"detail\":\"gone away\"},{\"event\":"
	  "\"opened\",\"thread\":13},{\"event\":\"revalidated\"},{\"event\":"
	  "\"expired\",\"detail\":\"\"},{\"event\":\"error\",\"thread\":0}]}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"pool_events\":[{\"event\":"
	  "\"opened\",\"thread\":1.5},{\"event\":\"opened\",\"thread\":"
	  "9007199254740992},{\"event\":\"opened\",\"thread\":\"4\","
	  "\"detail\":5}]}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"pool_events\":[" EV32 "]}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"pool_events\":[" EV32 ","
	  EV "]}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"pool_events\":[{\"event\":"
	  "\"discarded\",\"detail\":\"" A200 "\"},{\"event\":\"opened\","
	  "\"detail\":\"" A60 "\"}]}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"pool_events\":\"opened\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"pool_events\":{}}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"pool_events\":[{\"event\":"
	  "\"opened\"},{\"event\":\"closed\"}]}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"pool_events\":[\"opened\"]}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"ok\",\"pool_events\":[{\"event\":"
	  "1}]}" },
	{ Q, GA_FEATURE_PARAMS, "{\"id\":7,\"result\":\"ok\",\"pool_events\":"
	  "\"opened\"}" },
	{ Q, GA_FEATURE_PARAMS, "{\"id\":7,\"result\":\"ok\",\"pool_events\":"
	  "[{\"event\":\"opened\"}]}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"unsupported\",\"pool_events\":"
	  "\"opened\",\"errno\":-1}" },
	/* the first refusal wins */
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"errno\":-1,"
	  "\"thread_before\":-1,\"sqlstate\":\"x\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"sqlstate\":\"x\","
	  "\"error_class\":\"a b\",\"api\":\"\"}" },
	{ Q, ALL, "{\"id\":7,\"result\":\"error\",\"api\":\"\","
	  "\"pool_events\":7}" },
};

/* s, with what a run measures (the harness's elapsed time in a note)
 * masked: "(N ms)" becomes "(T ms)". */
static void put_masked(FILE *f, const char *s)
{
	const char *p;

	while ((p = strstr(s, "reply (")) != NULL) {
		fwrite(s, 1, (size_t)(p - s) + 7, f);
		s = p + 7;
		while ((*s >= '0' && *s <= '9') || *s == '.')
			s++;
		fputc('T', f);
	}
	fputs(s, f);
}

static void put_log(FILE *f, const char *path)
{
	char line[2048];
	FILE *l = fopen(path, "re");

	if (!l)
		return;
	while (fgets(line, sizeof(line), l)) {
		fputs("log: ", f);
		put_masked(f, line);
	}
	fclose(l);
}

static void dump_outcome(FILE *f, const struct ga_outcome *o)
{
	static const char *const results[] = { "ok", "error", "hang",
					       "wrong" };

	fprintf(f, "result %s; api %s; err %u; sqlstate '%s'; error_class "
		"'%s'; error_name '%s'\n", results[o->result],
		o->api ? o->api : "(null)", o->err, o->sqlstate,
		o->error_class, o->error_name);
	fprintf(f, "message '%s'\n", o->message);
	fprintf(f, "value %s%s'%s'; rows %s%ld; threads %lu %lu; starts "
		"%u %u; elapsed %s\n", o->has_value ? "has " : "none ",
		o->value_null ? "null " : "", o->value,
		o->has_rows ? "has " : "none ", o->rows, o->thread_before,
		o->thread_after, o->start_before, o->start_after,
		o->elapsed_ms >= 0 ? ">= 0" : "< 0");
	fprintf(f, "pool %s%#x '%s'\n", o->has_pool_events ? "has " : "none ",
		o->pool_events, o->pool_detail);
}

/* One reply read as the answer to request 7; what came of it to f. */
static void one(FILE *f, struct ga_driver *drv, const struct reply_case *rc,
		const char *log)
{
	static const char *const states[] = { "running", "finished", "failed",
					      "unsupported" };
	struct ga_connection decl = { .name = "c1" };
	struct ga_driver_conn *c = ga_conn_alloc(drv);
	struct ga_outcome out;
	struct ga_error err = { 0 };
	enum ga_call_state st;
	int fds[2], lf;

	ck_assert_ptr_nonnull(c);
	ck_assert_int_eq(pipe2(fds, O_NONBLOCK | O_CLOEXEC), 0);
	ck_assert_int_eq(write(fds[1], rc->line, strlen(rc->line)),
			 (ssize_t)strlen(rc->line));
	ck_assert_int_eq(write(fds[1], "\n", 1), 1);
	lf = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_int_ge(lf, 0);
	close(lf);
	snprintf(c->log, sizeof(c->log), "%s", log);
	c->decl = &decl;
	c->from_fd = fds[0];
	c->features = rc->features;
	c->protocol = GA_PROTOCOL_VERSION;
	c->running = 7;
	c->next_id = 8;
	c->running_kind = rc->kind;
	c->thread_id = 99;
	c->start_ms = ga_clock_ms();
	memset(&out, 0xa5, sizeof(out));
	st = ga_conn_collect(c, &out, &err);
	fprintf(f, "== %s, features %#x\n%s\n", ga_step_kind_name(rc->kind),
		rc->features, rc->line);
	fprintf(f, "state %s; dead %d; running %ld; thread %lu\n",
		(unsigned)st < 4 ? states[st] : "?", c->dead, c->running,
		c->thread_id);
	if (st == GA_CALL_FINISHED)
		dump_outcome(f, &out);
	else
		fprintf(f, "error: %s\n", err.msg);
	put_log(f, log);
	close(fds[1]);
	c->from_fd = -1;
	close(fds[0]);
	c->log[0] = '\0';
	ga_conn_end(c);
}

START_TEST(test_reply_golden)
{
	static char name[] = "fake-driver", *argv[] = { name, NULL };
	struct ga_driver drv = { .name = "fake", .argv = argv };
	char dir[] = "/tmp/ga-reply-XXXXXX", log[64], path[4096], *text = NULL;
	size_t len = 0, i;
	FILE *f;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(log, sizeof(log), "%s/driver.log", dir);
	f = open_memstream(&text, &len);
	ck_assert_ptr_nonnull(f);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		one(f, &drv, &cases[i], log);
	ck_assert_int_eq(fclose(f), 0);
	unlink(log);
	rmdir(dir);
	snprintf(path, sizeof(path), "%s/tests/golden/replies/replies.txt",
		 unit_top());
	unit_golden(path, text, len);
	free(text);
	for (i = 0; i < drv.napis; i++)
		free(drv.apis[i]);
	free(drv.apis);
}
END_TEST

/* The fuzz dictionary of replies names every member of the reply's
 * table, as "\"KEY\":" (the fuzzer builds replies of them). */
START_TEST(test_reply_dict)
{
	const struct ga_reply_field *fields = ga_reply_fields();
	char path[4096], line[256], want[128];
	size_t i;
	bool found;
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/fuzz/protocol.dict", unit_top());
	f = fopen(path, "re");
	ck_assert_msg(f != NULL, "cannot read %s", path);
	for (i = 0; i < GA_REPLY_COUNT; i++) {
		snprintf(want, sizeof(want), "\"\\\"%s\\\":\"\n",
			 fields[i].key);
		rewind(f);
		found = false;
		while (!found && fgets(line, sizeof(line), f))
			found = strcmp(line, want) == 0;
		ck_assert_msg(found, "tests/fuzz/protocol.dict has no %.*s",
			      (int)strlen(want) - 1, want);
	}
	fclose(f);
}
END_TEST

Suite *make_reply_suite(void)
{
	Suite *s = suite_create("reply");
	TCase *tc = tcase_create("golden");

	tcase_add_test(tc, test_reply_golden);
	tcase_add_test(tc, test_reply_dict);
	suite_add_tcase(s, tc);
	return s;
}
