/* check_protocol.c - the driver protocol's table (client/protocol.c)
 * against the language: every client step of GA_STEP_MAP has its
 * request, every connection option of the language is a connect option
 * or a member of connect, and the options a connect writes are the
 * table's, each with its value and JSON type.  (The docs and the drivers
 * are checked against the table by tests/integration/t0097-driver-test.sh.)
 * Then what the process driver takes from greetings and replies: a
 * connector's version, a reply's error_name and rows, and how they show
 * in an outcome's description (run/expect.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/driver.h"
#include "client/protocol.h"
#include "client/reply.h"
#include "lang/step.h"
#include "run/expect.h"
#include "util/json.h"
#include "parse_util.h"
#include "suites.h"

static bool is_member(const char *name)
{
	const struct ga_protocol_field *m;
	size_t n, i;

	m = ga_protocol_members(&n);
	for (i = 0; i < n; i++)
		if (strcmp(m[i].name, name) == 0)
			return true;
	return false;
}

static int option_index(const char *name)
{
	const struct ga_protocol_field *o = ga_protocol_options();
	int i;

	for (i = 0; i < GA_OPTION_COUNT; i++)
		if (strcmp(o[i].name, name) == 0)
			return i;
	return -1;
}

START_TEST(every_client_step_has_a_request)
{
	const struct ga_protocol_request *r;
	unsigned k, m;
	const char *kw;

	for (k = 0; k < GA_STEP_KIND_COUNT; k++) {
		r = ga_protocol_request(k);
		kw = ga_step_kind_name(k);
		if (!ga_step_kind_is(k, GA_STEP_ON_CLIENT)) {
			ck_assert_msg(!r, "'%s' is no client step but has a "
				      "request", kw);
			continue;
		}
		ck_assert_msg(r != NULL, "client step '%s' has no row in "
			      "client/protocol.c", kw);
		ck_assert_msg(r->does && *r->does, "'%s': what it does", kw);
		if (r->step)
			ck_assert_msg(ga_protocol_is_step(r->step) &&
				      (strcmp(r->step, kw) == 0 ||
				       k == GA_STEP_SEND),
				      "'%s' is sent as '%s'", kw, r->step);
		for (m = 0; r->members[m]; m++)
			ck_assert_msg(is_member(r->members[m]), "'%s': member "
				      "'%s' is not in the member table", kw,
				      r->members[m]);
	}
	ck_assert(!ga_protocol_is_step("send"));
	ck_assert(!ga_protocol_is_step("drain"));
	ck_assert(ga_protocol_is_step("long-data"));
}
END_TEST

/* One value of each option as a scenario writes it, and as the connect
 * request must carry it. */
static const struct {
	enum ga_protocol_option opt;
	const char *word;       /* on the connection line */
	const char *json;       /* in "options" */
} examples[] = {
	{ GA_OPTION_TRANSPORT, "transport=socket", "\"transport\":\"socket\"" },
	{ GA_OPTION_CONNECT_TIMEOUT, "connect_timeout=3s", "\"connect_timeout\":3" },
	{ GA_OPTION_READ_TIMEOUT, "read_timeout=4s", "\"read_timeout\":4" },
	{ GA_OPTION_WRITE_TIMEOUT, "write_timeout=5s", "\"write_timeout\":5" },
	{ GA_OPTION_RECONNECT, "reconnect", "\"reconnect\":true" },
	{ GA_OPTION_INTERACTIVE, "interactive", "\"interactive\":true" },
	{ GA_OPTION_MAX_ALLOWED_PACKET, "max_allowed_packet=1M",
	  "\"max_allowed_packet\":1048576" },
	{ GA_OPTION_TLS, "tls=required", "\"tls\":\"required\"" },
	{ GA_OPTION_KEEPALIVE, "keepalive=2s/1s/3",
	  "\"keepalive\":{\"idle\":2,\"interval\":1,\"count\":3}" },
	{ GA_OPTION_LOCAL_INFILE, "local_infile",
	  "\"local_infile\":[\"/case/dir\"]" },
	{ GA_OPTION_DRIVER_OPTIONS,
	  "driver_options: driver-option interpolateParams=true "
	  "driver-option \"x.y=a \\\" b\" driver-option e=\"\"",
	  "\"driver_options\":{\"interpolateParams\":\"true\","
	  "\"x.y\":\"a \\\" b\",\"e\":\"\"}" },
};

/* The words an example puts on a connection line: after "NAME: " when
 * the option's keyword is not its name on the wire. */
static const char *example_words(int i)
{
	const char *colon = strstr(examples[i].word, ": ");

	return colon ? colon + 2 : examples[i].word;
}

/* Every feature of the protocol's table: a driver that declares them
 * all is sent every option. */
static unsigned every_feature(void)
{
	const struct ga_protocol_feature *f;
	unsigned all = 0;
	size_t n, i;

	f = ga_protocol_features(&n);
	for (i = 0; i < n; i++)
		all |= f[i].bit;
	return all;
}

static char *options_for(const struct ga_connection *c, const char *client,
			 unsigned long version)
{
	struct ga_server_id who = { .client = client,
				    .client_version = version };
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert(f != NULL);
	fputc('{', f);
	/* ",\"options\":{...}" after a first member */
	fputs("\"x\":0", f);
	ga_protocol_write_options(f, c, &who, every_feature(), "/case/dir");
	fputc('}', f);
	ck_assert_int_eq(fclose(f), 0);
	return text;
}

static char *options_of(const struct ga_connection *c)
{
	return options_for(c, "builtin", 30320);
}

/* What ga_protocol_write_options() writes for c to a driver who declared
 * features (free() it). */
static char *written(const struct ga_connection *c,
		     const struct ga_server_id *who, unsigned features,
		     const char *infile_dir)
{
	char *text = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&text, &len);

	ck_assert(mf != NULL);
	ga_protocol_write_options(mf, c, who, features, infile_dir);
	ck_assert_int_eq(fclose(mf), 0);
	return text;
}

/* Issue 24: a greeting's version and features; a protocol 1 greeting
 * declares none, and connect's options then carry no driver_options. */
static int greet(const char *text, int *version, unsigned *features,
		 char *why, size_t len)
{
	struct ga_error err;
	struct ga_json *j = ga_json_parse(text, strlen(text), &err);
	int rc;

	ck_assert_ptr_nonnull(j);
	rc = ga_protocol_greeting(j, version, features, why, len);
	ga_json_free(j);
	return rc;
}

START_TEST(a_greeting_says_its_version_and_features)
{
	struct ga_scenario *sc = parse_ok("title t\ncause c\nconnection app "
		"driver-option interpolateParams=true\nconnect app\n"
		"prepare app SELECT ?\nexecute app 1\nexecute app\n"
		"stream app SELECT 1\nfetch app rows=2 every 10ms\n"
		"stream app SELECT 1\nfetch app\n");
	struct ga_server_id who = { .client = "go" };
	unsigned f = 99, all = GA_FEATURE_PARAMS | GA_FEATURE_FETCH_PACE |
			       GA_FEATURE_DRIVER_OPTIONS;
	char why[300], *text = NULL;
	size_t len = 0;
	FILE *mf;
	int v = 0;

	ck_assert_int_eq(greet("{\"protocol\":1}", &v, &f, why, sizeof(why)),
			 0);
	ck_assert_int_eq(v, 1);
	ck_assert_uint_eq(f, 0);
	ck_assert_int_eq(greet("{\"protocol\":2,\"features\":[\"params\","
			       "\"fetch-pace\",\"driver-options\",\"later\"]}",
			       &v, &f, why, sizeof(why)), 0);
	ck_assert_int_eq(v, 2);
	ck_assert_uint_eq(f, all);
	ck_assert_int_eq(greet("{\"protocol\":3,\"features\":[\"keepalive\"]}",
			       &v, &f, why, sizeof(why)), 0);
	ck_assert_int_eq(v, 3);
	ck_assert_uint_eq(f, GA_FEATURE_KEEPALIVE);
	ck_assert_int_eq(greet("{\"protocol\":4,\"features\":[\"local-infile\"]}",
			       &v, &f, why, sizeof(why)), 0);
	ck_assert_int_eq(v, 4);
	ck_assert_uint_eq(f, GA_FEATURE_LOCAL_INFILE);
	ck_assert_int_eq(greet("{\"protocol\":5,\"features\":[\"cases\"]}",
			       &v, &f, why, sizeof(why)), 0);
	ck_assert_int_eq(v, 5);
	ck_assert_uint_eq(f, GA_FEATURE_CASES);
	/* issue 56: a newer protocol says which goneaway it needs */
	ck_assert_int_eq(greet("{\"protocol\":6}", &v, &f, why, sizeof(why)),
			 -1);
	ck_assert_msg(strstr(why, "\"protocol\" 6 is newer than this "
			     "goneaway knows: it knows protocols 1 to 5 (5 "
			     "came with goneaway 0.5.0); protocol 6 needs the "
			     "later release"), "%s", why);
	ck_assert_int_eq(greet("{\"protocol\":0}", &v, &f, why, sizeof(why)),
			 -1);
	ck_assert_ptr_nonnull(strstr(why, "from 1 to 5"));
	ck_assert_int_eq(greet("{\"protocol\":2.5}", &v, &f, why,
			       sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "from 1 to 5"));
	ck_assert_str_eq(ga_protocol_release(1), "0.2.0");
	ck_assert_str_eq(ga_protocol_release(2), "0.3.0");
	ck_assert_str_eq(ga_protocol_release(3), "0.4.0");
	ck_assert_ptr_null(ga_protocol_release(0));
	ck_assert_ptr_null(ga_protocol_release(GA_PROTOCOL_VERSION + 1));
	ck_assert_int_eq(greet("{\"protocol\":2,\"features\":\"params\"}", &v,
			       &f, why, sizeof(why)), -1);
	/* what each step needs, and the message naming what is missing */
	ck_assert_uint_eq(ga_protocol_step_needs(&sc->steps[0],
			  &sc->connections[0], &who),
			  GA_FEATURE_DRIVER_OPTIONS);
	ck_assert_uint_eq(ga_protocol_step_needs(&sc->steps[2], NULL, &who),
			  GA_FEATURE_PARAMS);
	ck_assert_uint_eq(ga_protocol_step_needs(&sc->steps[3], NULL, &who),
			  0);
	ck_assert_uint_eq(ga_protocol_step_needs(&sc->steps[5], NULL, &who),
			  GA_FEATURE_FETCH_PACE);
	ck_assert_uint_eq(ga_protocol_step_needs(&sc->steps[7], NULL, &who),
			  0);
	ck_assert_int_eq(ga_protocol_missing(GA_FEATURE_PARAMS, 0, 1, why,
					     sizeof(why)), 1);
	ck_assert_msg(strstr(why, "does not declare the feature 'params'"),
		      "%s", why);
	ck_assert_int_eq(ga_protocol_missing(GA_FEATURE_PARAMS, all, 2, why,
					     sizeof(why)), 0);
	/* no driver_options member for a driver that did not declare it */
	mf = open_memstream(&text, &len);
	ck_assert(mf != NULL);
	ga_protocol_write_options(mf, &sc->connections[0], &who, 0, NULL);
	ck_assert_int_eq(fclose(mf), 0);
	ck_assert_ptr_null(strstr(text, "driver_options"));
	ck_assert_ptr_nonnull(strstr(text, "\"tls\":\"off\""));
	free(text);
	ga_scenario_free(sc);
}
END_TEST

/* keepalive (protocol 3) goes only to a driver that names its feature;
 * a connect of a connection with keepalive needs it. */
START_TEST(keepalive_needs_its_feature)
{
	struct ga_scenario *sc = parse_ok("title t\ncause c\n"
		"connection ka keepalive=2s/1s/3\nconnection plain\n"
		"connect ka\nconnect plain\n");
	struct ga_server_id who = { .client = "pymysql" };
	char why[300], *text;

	ck_assert_uint_eq(ga_protocol_step_needs(&sc->steps[0],
			  &sc->connections[0], &who), GA_FEATURE_KEEPALIVE);
	ck_assert_uint_eq(ga_protocol_step_needs(&sc->steps[1],
			  &sc->connections[1], &who), 0);
	ck_assert_int_eq(ga_protocol_missing(GA_FEATURE_KEEPALIVE,
					     GA_FEATURE_DRIVER_OPTIONS, 2, why,
					     sizeof(why)), 1);
	ck_assert_msg(strstr(why, "does not declare the feature 'keepalive'"),
		      "%s", why);
	text = written(&sc->connections[0], &who, GA_FEATURE_DRIVER_OPTIONS,
		       NULL);
	ck_assert_ptr_null(strstr(text, "keepalive"));
	free(text);
	text = written(&sc->connections[1], &who, GA_FEATURE_KEEPALIVE, NULL);
	ck_assert_msg(strstr(text, "\"keepalive\":{}"), "%s", text);
	free(text);
	ga_scenario_free(sc);
}
END_TEST

/* keepalive [client=NAME]: the client it names is sent its own times
 * (by its own name or by the name --client was given); the others
 * keepalive='s, or {} and no need of the feature when there is none. */
START_TEST(keepalive_for_a_client)
{
	struct ga_scenario *sc = parse_ok("title t\ncause c\n"
		"connection ka keepalive=1s/1s/2 keepalive [client=mysql2] "
		"1s/1s/10\nconnection only keepalive [client=mysql2] 1s/1s/10\n"
		"connect ka\nconnect only\n");
	struct ga_server_id node = { .client = "mysql2" };
	struct ga_server_id alias = { .client = "x", .client_alias = "mysql2" };
	struct ga_server_id py = { .client = "pymysql" };
	char *text;

	text = written(&sc->connections[0], &node, GA_FEATURE_KEEPALIVE, NULL);
	ck_assert_msg(strstr(text, "\"keepalive\":{\"idle\":1,\"interval\":1,"
			     "\"count\":10}"), "%s", text);
	free(text);
	text = written(&sc->connections[0], &alias, GA_FEATURE_KEEPALIVE,
		       NULL);
	ck_assert_msg(strstr(text, "\"count\":10}"), "%s", text);
	free(text);
	text = written(&sc->connections[0], &py, GA_FEATURE_KEEPALIVE, NULL);
	ck_assert_msg(strstr(text, "\"keepalive\":{\"idle\":1,\"interval\":1,"
			     "\"count\":2}"), "%s", text);
	free(text);
	ck_assert_uint_eq(ga_protocol_step_needs(&sc->steps[1],
			  &sc->connections[1], &node), GA_FEATURE_KEEPALIVE);
	ck_assert_uint_eq(ga_protocol_step_needs(&sc->steps[1],
			  &sc->connections[1], &py), 0);
	text = written(&sc->connections[1], &py, GA_FEATURE_KEEPALIVE, NULL);
	ck_assert_msg(strstr(text, "\"keepalive\":{}"), "%s", text);
	free(text);
	ga_scenario_free(sc);
}
END_TEST

/* Known before a case: the built-in client refuses a pool's
 * connection, a driver a connection whose connect needs a feature it did
 * not declare; anything else only its connect can tell. */
START_TEST(cannot_connect_before_a_case)
{
	struct ga_scenario *sc = parse_ok("title t\ncause c\n"
		"pool p size=1\nconnection pooled pool=p\n"
		"connection ka keepalive=1s/1s/2 keepalive [client=mysql2] "
		"1s/1s/10\nconnection plain\n"
		"connect pooled\nconnect ka\nconnect plain\n");
	struct ga_driver builtin, drv;

	ga_driver_builtin(&builtin);
	ck_assert(ga_driver_cannot_connect(&builtin, &sc->connections[0]));
	ck_assert(!ga_driver_cannot_connect(&builtin, &sc->connections[1]));
	ck_assert(!ga_driver_cannot_connect(&builtin, &sc->connections[2]));
	memset(&drv, 0, sizeof(drv));
	snprintf(drv.name, sizeof(drv.name), "pymysql");
	drv.protocol = 4;
	drv.features = GA_FEATURE_DRIVER_OPTIONS;
	ck_assert(ga_driver_cannot_connect(&drv, &sc->connections[0]));
	ck_assert(ga_driver_cannot_connect(&drv, &sc->connections[1]));
	ck_assert(!ga_driver_cannot_connect(&drv, &sc->connections[2]));
	drv.features |= GA_FEATURE_KEEPALIVE | GA_FEATURE_POOL;
	ck_assert(!ga_driver_cannot_connect(&drv, &sc->connections[0]));
	ck_assert(!ga_driver_cannot_connect(&drv, &sc->connections[1]));
	ga_scenario_free(sc);
}
END_TEST

/* local_infile (protocol 4): a connect of a connection that declares
 * it needs the feature, so a driver that does not know it (and might
 * read whatever file the server names) never runs that connection: the
 * connect SKIPs, naming the feature.  To a driver with the feature the
 * member always goes: [] when the connection does not declare it. */
START_TEST(local_infile_needs_its_feature)
{
	struct ga_scenario *sc = parse_ok("title t\ncause c\n"
		"connection li local_infile\nconnection plain\n"
		"connection off local_infile=off\n"
		"connect li\nconnect plain\nconnect off\n");
	struct ga_server_id who = { .client = "old-driver" };
	char why[400], *text;

	ck_assert_uint_eq(ga_protocol_step_needs(&sc->steps[0],
			  &sc->connections[0], &who), GA_FEATURE_LOCAL_INFILE);
	ck_assert_uint_eq(ga_protocol_step_needs(&sc->steps[1],
			  &sc->connections[1], &who), 0);
	ck_assert_uint_eq(ga_protocol_step_needs(&sc->steps[2],
			  &sc->connections[2], &who), 0);
	ck_assert_int_eq(ga_protocol_missing(GA_FEATURE_LOCAL_INFILE,
					     GA_FEATURE_DRIVER_OPTIONS |
					     GA_FEATURE_KEEPALIVE |
					     GA_FEATURE_POOL, 3, why,
					     sizeof(why)), 1);
	ck_assert_msg(strstr(why, "(protocol 3) does not declare the feature "
			     "'local-infile'"), "%s", why);
	ck_assert_msg(strstr(why, "of protocol 4"), "%s", why);
	/* not to a driver without the feature, even with a directory */
	text = written(&sc->connections[0], &who, GA_FEATURE_KEEPALIVE,
		       "/case/dir");
	ck_assert_ptr_null(strstr(text, "local_infile"));
	free(text);
	/* [] for a connection that does not declare it */
	text = written(&sc->connections[2], &who, GA_FEATURE_LOCAL_INFILE,
		       "/case/dir");
	ck_assert_msg(strstr(text, "\"local_infile\":[]"), "%s", text);
	free(text);
	ga_scenario_free(sc);
}
END_TEST

static struct ga_json *parse_json(const char *text)
{
	struct ga_error err;

	return ga_json_parse(text, strlen(text), &err);
}

/* A pool's connection: every step needs the feature "pool"; a connect
 * carries the pool's settings, null where the scenario gives none; a
 * reply's pool_events become the outcome's, and a malformed one is
 * the driver's failure. */
START_TEST(a_pools_connection_speaks_the_pool_feature)
{
	struct ga_scenario *sc = parse_ok("title t\ncause c\npool p size=2 "
		"pre_ping=off recycle=2s validation=\"SELECT 'a\\\"b'\"\n"
		"connection app pool=p\nconnection plain\nconnect app\n"
		"borrow app\nquery app SELECT 1\nreturn app\nevict app\n"
		"connect plain\n");
	struct ga_server_id who = { .client = "go-pool" };
	struct ga_outcome out;
	struct ga_json *j;
	char why[300], *text = NULL;
	size_t len = 0, i;
	FILE *mf;

	for (i = 0; i < 5; i++)
		ck_assert_uint_eq(ga_protocol_step_needs(&sc->steps[i],
				  &sc->connections[0], &who), GA_FEATURE_POOL);
	ck_assert_uint_eq(ga_protocol_step_needs(&sc->steps[5],
			  &sc->connections[1], &who), 0);
	ck_assert_int_eq(ga_protocol_missing(GA_FEATURE_POOL,
					     GA_FEATURE_PARAMS, 2, why,
					     sizeof(why)), 1);
	ck_assert_msg(strstr(why, "does not declare the feature 'pool', a "
			     "pool's connections"), "%s", why);
	ck_assert_ptr_nonnull(ga_protocol_request(GA_STEP_BORROW));
	ck_assert_str_eq(ga_protocol_request(GA_STEP_BORROW)->feature, "pool");
	ck_assert_ptr_null(ga_protocol_request(GA_STEP_QUERY)->feature);
	mf = open_memstream(&text, &len);
	ck_assert(mf != NULL);
	ga_protocol_write_pool(mf, &sc->connections[0]);
	ck_assert_int_eq(fclose(mf), 0);
	ck_assert_str_eq(text, ",\"pool\":{\"size\":2,\"pre_ping\":false,"
			 "\"recycle_ms\":2000,\"idle_timeout_ms\":null,"
			 "\"validation\":\"SELECT 'a\\\"b'\"}");
	free(text);

	j = parse_json("{\"pool_events\":[{\"event\":\"opened\","
			  "\"thread\":13},{\"event\":\"discarded\",\"thread\""
			  ":12,\"detail\":\"dead\"}]}");
	ck_assert_ptr_nonnull(j);
	memset(&out, 0, sizeof(out));
	ck_assert_int_eq(ga_protocol_take_pool_events(j, &out, why,
						      sizeof(why)), 0);
	ck_assert(out.has_pool_events);
	ck_assert_uint_eq(out.pool_events, GA_POOL_EVENT(OPENED) |
			  GA_POOL_EVENT(DISCARDED));
	ck_assert_str_eq(out.pool_detail, "opened thread 13, discarded "
			 "thread 12 (dead)");
	ga_json_free(j);
	j = parse_json("{\"pool_events\":[]}");
	memset(&out, 0, sizeof(out));
	ck_assert_int_eq(ga_protocol_take_pool_events(j, &out, why,
						      sizeof(why)), 0);
	ck_assert(out.has_pool_events);
	ck_assert_uint_eq(out.pool_events, 0);
	ga_json_free(j);
	j = parse_json("{\"id\":1}");
	ck_assert_int_eq(ga_protocol_take_pool_events(j, &out, why,
						      sizeof(why)), 0);
	ck_assert(!out.has_pool_events);
	ga_json_free(j);
	j = parse_json("{\"pool_events\":[{\"event\":\"reborn\"}]}");
	ck_assert_int_eq(ga_protocol_take_pool_events(j, &out, why,
						      sizeof(why)), -1);
	ck_assert_msg(strstr(why, "pool_events[0] is not an object whose "
			     "\"event\" is a pool event"), "%s", why);
	ga_json_free(j);
	j = parse_json("{\"pool_events\":\"opened\"}");
	ck_assert_int_eq(ga_protocol_take_pool_events(j, &out, why,
						      sizeof(why)), -1);
	ga_json_free(j);
	ga_scenario_free(sc);
}
END_TEST

/* A driver option with a selector goes to that client only. */
START_TEST(driver_options_go_to_their_client)
{
	struct ga_scenario *sc = parse_ok("title t\ncause c\nconnection app "
		"driver-option [client=go] interpolateParams=true "
		"driver-option [client=go < 1.6] checkConnLiveness=false "
		"driver-option [client=go >= 1.6] clientFoundRows=true "
		"driver-option all=1\nconnect app\n");
	char *json;

	json = options_for(&sc->connections[0], "go", 10500);
	ck_assert_msg(strstr(json, "\"driver_options\":{\"interpolateParams\":"
			     "\"true\",\"checkConnLiveness\":\"false\","
			     "\"all\":\"1\"}"), "%s", json);
	free(json);
	json = options_for(&sc->connections[0], "go", 0);
	ck_assert_msg(strstr(json, "\"driver_options\":{\"interpolateParams\":"
			     "\"true\",\"all\":\"1\"}"), "%s", json);
	free(json);
	json = options_for(&sc->connections[0], "pymysql", 10002);
	ck_assert_msg(strstr(json, "\"driver_options\":{\"all\":\"1\"}"),
		      "%s", json);
	free(json);
	ga_scenario_free(sc);
}
END_TEST

START_TEST(each_option_is_a_connection_option_and_is_sent)
{
	struct ga_scenario *sc;
	char text[256], *json;
	int i = _i;

	ck_assert_int_eq((int)(sizeof(examples) / sizeof(examples[0])),
			 GA_OPTION_COUNT);
	ck_assert_int_eq((int)examples[i].opt, i);
	ck_assert(strncmp(examples[i].word, ga_protocol_options()[i].name,
			  strlen(ga_protocol_options()[i].name)) == 0);
	snprintf(text, sizeof(text), "title t\ncause c\nconnection app %s\n"
		 "connect app\n", example_words(i));
	sc = parse_ok(text);
	json = options_of(&sc->connections[0]);
	ck_assert_msg(strstr(json, examples[i].json), "%s: %s", examples[i].word,
		      json);
	free(json);
	ga_scenario_free(sc);
}
END_TEST

START_TEST(defaults_have_every_option_with_its_type)
{
	const struct ga_protocol_field *o = ga_protocol_options();
	const struct ga_json *opts, *v;
	struct ga_connection c;
	struct ga_error err;
	struct ga_json *j;
	char *json;
	int i;

	memset(&c, 0, sizeof(c));
	json = options_of(&c);
	j = ga_json_parse(json, strlen(json), &err);
	ck_assert_msg(j != NULL, "%s: %s", json, j ? "" : err.msg);
	opts = ga_json_get(j, "options");
	ck_assert(opts && opts->type == GA_JSON_OBJECT);
	ck_assert_int_eq((int)opts->nitems, GA_OPTION_COUNT);
	for (i = 0; i < GA_OPTION_COUNT; i++) {
		v = ga_json_get(opts, o[i].name);
		ck_assert_msg(v != NULL, "%s is not sent", o[i].name);
		if (strcmp(o[i].type, "string") == 0)
			ck_assert(v->type == GA_JSON_STRING);
		else if (strcmp(o[i].type, "integer") == 0)
			ck_assert(v->type == GA_JSON_NUMBER && v->num == 0);
		else if (strcmp(o[i].type, "boolean") == 0)
			ck_assert(v->type == GA_JSON_BOOL && !v->b);
		else if (strcmp(o[i].type, "object") == 0)
			ck_assert(v->type == GA_JSON_OBJECT && v->nitems == 0);
		else if (strcmp(o[i].type, "array") == 0)
			ck_assert(v->type == GA_JSON_ARRAY && v->nitems == 0);
		else
			ck_abort_msg("%s: type %s", o[i].name, o[i].type);
	}
	ck_assert_str_eq(ga_json_str(opts, "transport", ""), "tcp");
	ck_assert_str_eq(ga_json_str(opts, "tls", ""), "off");
	ga_json_free(j);
	free(json);
}
END_TEST

/* The parser names every connection option it knows when it meets an
 * unknown one: each is a connect option, a member of connect, or
 * privileged (which picks connect's user and password). */
START_TEST(every_connection_key_reaches_the_driver)
{
	struct ga_diags d = { 0 };
	char *known, *p, *end, word[64];

	parse_bad("title t\ncause c\nconnection app no_such_key=1\n"
		  "connect app\n", &d);
	ck_assert_uint_ge(d.n, 1);
	known = strstr(d.items[0].msg, "(known: ");
	ck_assert_msg(known != NULL, "%s", d.items[0].msg);
	for (p = known + 8; *p && *p != ')'; p = end) {
		end = p + strcspn(p, ",)");
		snprintf(word, sizeof(word), "%.*s", (int)(end - p), p);
		ck_assert_msg(option_index(word) >= 0 || is_member(word) ||
			      strcmp(word, "privileged") == 0 ||
			      (strcmp(word, "driver-option") == 0 &&
			       option_index("driver_options") >= 0),
			      "connection option '%s' is neither a connect "
			      "option nor a member in client/protocol.c", word);
		while (*end == ',' || *end == ' ')
			end++;
	}
	ga_diags_free(&d);
}
END_TEST

START_TEST(describe_is_json)
{
	char *text = NULL;
	size_t len = 0;
	struct ga_error err;
	struct ga_json *j;
	FILE *f = open_memstream(&text, &len);

	ga_protocol_describe(f, false);
	fclose(f);
	j = ga_json_parse(text, len, &err);
	ck_assert_msg(j != NULL, "%s", j ? "" : err.msg);
	ck_assert(ga_json_num(j, "protocol", 0) == GA_PROTOCOL_VERSION);
	ck_assert(ga_json_get(j, "requests")->nitems >= 10);
	ck_assert_int_eq((int)ga_json_get(j, "options")->nitems,
			 GA_OPTION_COUNT);
	ga_json_free(j);
	free(text);
}
END_TEST

/* ---- greetings and replies ------------------------------------------------ */

static const struct {
	const char *text;
	bool whole;             /* a greeting's "version", not a library */
	unsigned long version;
	const char *shown;
} versions[] = {
	{ "PyMySQL 1.1.0", false, 10100, "1.1.0" },
	{ "mysql2 3.24.6", false, 32406, "3.24.6" },     /* not "2" */
	{ "go-sql-driver/mysql v1.5.0", false, 10500, "1.5.0" },
	{ "mysqlclient 1.4.6 (MariaDB Connector/C 3.3.20)", false, 10406,
	  "1.4.6" },
	{ "mariadb (Node.js) 3.5", false, 30500, "3.5" },
	{ "MariaDB Connector/C 3.3.20", false, 30320, "3.3.20" },
	{ "none", false, 0, "" },
	{ "Connector 8", false, 0, "" },                 /* X alone */
	{ "libfoo 2024.1.150", false, 0, "" },           /* the first: too big */
	{ "x 10000.1 2.0", false, 0, "" },
	{ "x 9999.99.99", false, 99999999, "9999.99.99" },
	{ "build 7.0.1 of 1.2", false, 70001, "7.0.1" },
	{ "1.1.0", true, 10100, "1.1.0" },
	{ "8", true, 80000, "8" },
	{ "8.0", true, 80000, "8.0" },
	{ "1.1.0rc1", true, 10100, "1.1.0" },
	{ "8.0.33-log", true, 80033, "8.0.33" },
	{ "1.0.2+deb12", true, 10002, "1.0.2" },
	{ "v1.5.0", true, 0, "" },
	{ "1.2.3.4", true, 0, "" },
	{ "1.100", true, 0, "" },
	{ "1.2 ", true, 0, "" },
	{ "", true, 0, "" },
	{ "PyMySQL 1.1.0", true, 0, "" },
};

START_TEST(a_version_is_the_number_it_writes)
{
	char buf[24] = "junk";
	unsigned long v;

	v = ga_protocol_version(versions[_i].text, versions[_i].whole, buf,
				sizeof(buf));
	ck_assert_msg(v == versions[_i].version, "\"%s\" (%s): %lu, not %lu",
		      versions[_i].text, versions[_i].whole ? "whole" :
		      "library", v, versions[_i].version);
	ck_assert_str_eq(buf, versions[_i].shown);
}
END_TEST

/* The outcome and note reply text gives for a kind request. */
static void described(const char *text, enum ga_step_kind kind,
		      enum ga_result result, struct ga_outcome *out,
		      char *note, size_t len)
{
	static const char *const results[] = { "ok", "error", "hang",
					       "wrong-result" };
	struct ga_reply_why why;
	struct ga_error err;
	struct ga_json *j;
	char whole[4096];

	/* the reply whole: its result, then the members text gives */
	snprintf(whole, sizeof(whole), "{\"id\":1,\"result\":\"%s\"%s%s",
		 results[result], text[1] == '}' ? "" : ",", text + 1);
	j = ga_json_parse(whole, strlen(whole), &err);
	ck_assert_msg(j != NULL, "%s", whole);
	ck_assert_int_eq(ga_reply_read(j, kind, 0, out, &why), GA_REPLY_TAKEN);
	snprintf(note, len, "%s", why.note);
	ga_json_free(j);
}

static const struct {
	const char *reply;
	enum ga_step_kind kind;
	enum ga_result result;
	const char *name;       /* kept */
	long rows;              /* -1: not known */
	bool noted;             /* the driver's log hears of it */
} replies[] = {
	{ "{\"error_name\":\"ER_CLIENT_INTERACTION_TIMEOUT\"}", GA_STEP_QUERY,
	  GA_RESULT_ERROR, "ER_CLIENT_INTERACTION_TIMEOUT", -1, false },
	{ "{\"error_name\":\"_x9\"}", GA_STEP_QUERY, GA_RESULT_ERROR, "_x9",
	  -1, false },
	{ "{\"error_name\":null}", GA_STEP_QUERY, GA_RESULT_ERROR, "", -1,
	  false },
	{ "{\"error_name\":\"ER-X\"}", GA_STEP_QUERY, GA_RESULT_ERROR, "", -1,
	  true },
	{ "{\"error_name\":\"9ER\"}", GA_STEP_QUERY, GA_RESULT_ERROR, "", -1,
	  true },
	{ "{\"error_name\":\"\"}", GA_STEP_QUERY, GA_RESULT_ERROR, "", -1,
	  true },
	{ "{\"error_name\":\"ER_\u00e9\"}", GA_STEP_QUERY, GA_RESULT_ERROR, "",
	  -1, true },
	{ "{\"error_name\":\"ER_\\u001b[31m\"}", GA_STEP_QUERY,
	  GA_RESULT_ERROR, "", -1, true },
	{ "{\"error_name\":2013}", GA_STEP_QUERY, GA_RESULT_ERROR, "", -1,
	  true },
	{ "{\"rows\":1234}", GA_STEP_FETCH, GA_RESULT_ERROR, "", 1234, false },
	{ "{\"rows\":0}", GA_STEP_STREAM, GA_RESULT_ERROR, "", 0, false },
	{ "{\"rows\":null}", GA_STEP_FETCH, GA_RESULT_ERROR, "", -1, false },
	{ "{\"rows\":5}", GA_STEP_FETCH, GA_RESULT_OK, "", -1, false },
	{ "{\"rows\":5}", GA_STEP_QUERY, GA_RESULT_ERROR, "", -1, false },
	{ "{\"rows\":-1}", GA_STEP_FETCH, GA_RESULT_ERROR, "", -1, true },
	{ "{\"rows\":1.5}", GA_STEP_FETCH, GA_RESULT_ERROR, "", -1, true },
	{ "{\"rows\":\"3\"}", GA_STEP_FETCH, GA_RESULT_ERROR, "", -1, true },
	{ "{\"rows\":1e300}", GA_STEP_FETCH, GA_RESULT_ERROR, "", -1, true },
	{ "{\"rows\":9007199254740991}", GA_STEP_FETCH, GA_RESULT_ERROR, "",
	  9007199254740991L, false },
	{ "{\"error_name\":\"A B\",\"rows\":-2}", GA_STEP_FETCH,
	  GA_RESULT_ERROR, "", -1, true },
};

START_TEST(a_reply_describes_with_error_name_and_rows)
{
	struct ga_outcome out;
	char note[200] = "junk";

	described(replies[_i].reply, replies[_i].kind, replies[_i].result,
		  &out, note, sizeof(note));
	ck_assert_msg(strcmp(out.error_name, replies[_i].name) == 0,
		      "%s: error_name \"%s\"", replies[_i].reply,
		      out.error_name);
	ck_assert_msg(out.has_rows == (replies[_i].rows >= 0), "%s: rows %s",
		      replies[_i].reply, out.has_rows ? "kept" : "left out");
	if (out.has_rows)
		ck_assert_int_eq(out.rows, replies[_i].rows);
	ck_assert_msg(!note[0] == !replies[_i].noted, "%s: note \"%s\"",
		      replies[_i].reply, note);
}
END_TEST

/* The headers' name for the server's flavour, else the driver's; where
 * both have one, the headers'. */
START_TEST(a_code_is_named_by_the_headers_then_the_driver)
{
	struct ga_outcome out;
	char note[200], text[1200];

	described("{\"error_name\":\"ER_CLIENT_INTERACTION_TIMEOUT\"}",
		  GA_STEP_QUERY, GA_RESULT_ERROR, &out, note, sizeof(note));
	out.err = 4031;
	out.flavour = GA_FLAVOUR_MYSQL;        /* the headers: no name */
	ga_outcome_describe(&out, text, sizeof(text));
	ck_assert_msg(strstr(text, "returned 4031 "
			     "(ER_CLIENT_INTERACTION_TIMEOUT) after"), "%s",
		      text);
	out.flavour = GA_FLAVOUR_MARIADB;      /* the headers': a trigger's */
	ga_outcome_describe(&out, text, sizeof(text));
	ck_assert_msg(strstr(text, "4031 (ER_REFERENCED_TRG_DOES_NOT_EXIST)") &&
		      !strstr(text, "INTERACTION"), "%s", text);
	out.err = 2013;                         /* the same as the driver's */
	snprintf(out.error_name, sizeof(out.error_name), "CR_SERVER_LOST");
	ga_outcome_describe(&out, text, sizeof(text));
	ck_assert_msg(strstr(text, "2013 (CR_SERVER_LOST) after"), "%s", text);
	out.err = 0;                            /* no code: no name */
	snprintf(out.error_class, sizeof(out.error_class), "InterfaceError");
	ga_outcome_describe(&out, text, sizeof(text));
	ck_assert_msg(strstr(text, "returned InterfaceError after") &&
		      !strstr(text, "CR_"), "%s", text);
}
END_TEST

/* At most 63 characters: the 64th leaves it out.  A name that fills its
 * array without a NUL (an outcome from elsewhere) is read no further. */
START_TEST(an_error_name_is_bounded)
{
	char reply[128], want[128], note[200], text[1200];
	struct ga_outcome out;
	size_t n = sizeof(out.error_name);

	snprintf(reply, sizeof(reply), "{\"error_name\":\"%.*s\"}",
		 (int)n - 1, "E12345678901234567890123456789012345678901234"
		 "5678901234567890123456789");
	described(reply, GA_STEP_QUERY, GA_RESULT_ERROR, &out, note,
		  sizeof(note));
	ck_assert_uint_eq(strlen(out.error_name), n - 1);
	ck_assert_str_eq(note, "");
	snprintf(reply, sizeof(reply), "{\"error_name\":\"%.*sX\"}",
		 (int)n - 1, "E12345678901234567890123456789012345678901234"
		 "5678901234567890123456789");
	described(reply, GA_STEP_QUERY, GA_RESULT_ERROR, &out, note,
		  sizeof(note));
	ck_assert_str_eq(out.error_name, "");
	ck_assert_msg(strstr(note, "error_name"), "%s", note);
	out.err = 4199;
	memset(out.error_name, 'E', n);
	ga_outcome_describe(&out, text, sizeof(text));
	snprintf(want, sizeof(want), "4199 (%.*s) after", (int)n,
		 out.error_name);
	ck_assert_msg(strstr(text, want), "%s", text);
}
END_TEST

START_TEST(a_failed_fetch_says_how_many_rows_it_read)
{
	struct ga_outcome out;
	char note[200], text[1200];

	described("{\"rows\":1234}", GA_STEP_FETCH, GA_RESULT_ERROR, &out,
		  note, sizeof(note));
	out.err = 2013;
	out.elapsed_ms = 12;
	snprintf(out.message, sizeof(out.message), "Lost connection");
	ga_outcome_describe(&out, text, sizeof(text));
	ck_assert_str_eq(text, "returned 2013 (CR_SERVER_LOST) \"Lost "
			 "connection\" after 12 ms, 1234 rows read");
	out.rows = 1;
	ga_outcome_describe(&out, text, sizeof(text));
	ck_assert_msg(strstr(text, ", 1 row read"), "%s", text);
	out.has_rows = false;
	ga_outcome_describe(&out, text, sizeof(text));
	ck_assert_msg(!strstr(text, "read"), "%s", text);
}
END_TEST

START_TEST(a_hang_shows_its_late_reply)
{
	struct ga_outcome out;
	char text[1200];

	memset(&out, 0, sizeof(out));
	out.result = GA_RESULT_HANG;
	out.elapsed_ms = 1001;
	ga_outcome_describe(&out, text, sizeof(text));
	ck_assert_str_eq(text, "hung: no answer after 1001 ms");
	snprintf(out.message, sizeof(out.message), "its late reply: ok");
	ga_outcome_describe(&out, text, sizeof(text));
	ck_assert_str_eq(text, "hung: no answer after 1001 ms (its late "
			 "reply: ok)");
}
END_TEST

/* The words goneaway may write back into a file (issue 26): a driver's
 * name, error class, sqlstate and api are checked as they arrive. */
START_TEST(a_drivers_words_are_checked)
{
	static const char nul_class[] = "Err\0or";

#define OK(f, s) ck_assert_msg(f(s, strlen(s)), #f "(\"%s\")", s)
#define BAD(f, s) ck_assert_msg(!f(s, strlen(s)), #f "(\"%s\")", s)
	OK(ga_protocol_name_ok, "pymysql");
	OK(ga_protocol_name_ok, "go-sql-driver");
	OK(ga_protocol_name_ok, "mysql2.x_9");
	BAD(ga_protocol_name_ok, "");
	BAD(ga_protocol_name_ok, "a]\nquery app SELECT 1");
	BAD(ga_protocol_name_ok, "a b");
	BAD(ga_protocol_name_ok, "-x");
	BAD(ga_protocol_name_ok, "x#y");
	BAD(ga_protocol_name_ok,
	    "a123456789012345678901234567890123456789012345678901234567890123");
	OK(ga_protocol_class_ok, "InterfaceError");
	OK(ga_protocol_class_ok, "Mysql2::Error");
	OK(ga_protocol_class_ok, "Foo\\Bar\\Exception");
	OK(ga_protocol_class_ok, "<script>");          /* data: escaped */
	BAD(ga_protocol_class_ok, "");
	BAD(ga_protocol_class_ok, "Foo\nadmin SET GLOBAL max_connections=1");
	BAD(ga_protocol_class_ok, "Foo\rBar");
	BAD(ga_protocol_class_ok, "Foo Bar");
	BAD(ga_protocol_class_ok, "Foo\x1b[2J");
	BAD(ga_protocol_class_ok, "Fo\xc3\xa9");        /* not ASCII */
	ck_assert(!ga_protocol_class_ok(nul_class, sizeof(nul_class) - 1));
	OK(ga_protocol_sqlstate_ok, "");
	OK(ga_protocol_sqlstate_ok, "HY000");
	OK(ga_protocol_sqlstate_ok, "08S01");
	BAD(ga_protocol_sqlstate_ok, "08S0");
	BAD(ga_protocol_sqlstate_ok, "08S\n1");
	BAD(ga_protocol_sqlstate_ok, "HY0000");
	OK(ga_protocol_api_ok, "QueryContext (rows read as they come)");
	OK(ga_protocol_api_ok, "cursor.execute");
	BAD(ga_protocol_api_ok, "");
	BAD(ga_protocol_api_ok, "execute\nadmin SET GLOBAL a=1");
	BAD(ga_protocol_api_ok, "a\x7f");
#undef OK
#undef BAD
}
END_TEST

Suite *make_protocol_suite(void)
{
	Suite *s = suite_create("protocol");
	TCase *tc = tcase_create("table");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, every_client_step_has_a_request);
	tcase_add_test(tc, driver_options_go_to_their_client);
	tcase_add_test(tc, keepalive_needs_its_feature);
	tcase_add_test(tc, keepalive_for_a_client);
	tcase_add_test(tc, cannot_connect_before_a_case);
	tcase_add_test(tc, local_infile_needs_its_feature);
	tcase_add_loop_test(tc, each_option_is_a_connection_option_and_is_sent,
			    0, GA_OPTION_COUNT);
	tcase_add_test(tc, defaults_have_every_option_with_its_type);
	tcase_add_test(tc, every_connection_key_reaches_the_driver);
	tcase_add_test(tc, describe_is_json);
	tcase_add_test(tc, a_pools_connection_speaks_the_pool_feature);
	suite_add_tcase(s, tc);
	tc = tcase_create("replies");
	tcase_set_timeout(tc, 10);
	tcase_add_loop_test(tc, a_version_is_the_number_it_writes, 0,
			    (int)(sizeof(versions) / sizeof(versions[0])));
	tcase_add_loop_test(tc, a_reply_describes_with_error_name_and_rows, 0,
			    (int)(sizeof(replies) / sizeof(replies[0])));
	tcase_add_test(tc, a_code_is_named_by_the_headers_then_the_driver);
	tcase_add_test(tc, an_error_name_is_bounded);
	tcase_add_test(tc, a_drivers_words_are_checked);
	tcase_add_test(tc, a_failed_fetch_says_how_many_rows_it_read);
	tcase_add_test(tc, a_hang_shows_its_late_reply);
	tcase_add_test(tc, a_greeting_says_its_version_and_features);
	suite_add_tcase(s, tc);
	return s;
}
