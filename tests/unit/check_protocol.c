/* check_protocol.c - the driver protocol's table (client/protocol.c)
 * against the language: every client step of GA_STEP_MAP has its
 * request, every connection option of the language is a connect option
 * or a member of connect, and the options a connect writes are the
 * table's, each with its value and JSON type.  (The docs and the drivers
 * are checked against the table by tests/integration/t0097-driver-test.sh.)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client/protocol.h"
#include "lang/step.h"
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
};

static char *options_of(const struct ga_connection *c)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert(f != NULL);
	fputc('{', f);
	/* ",\"options\":{...}" after a first member */
	fputs("\"x\":0", f);
	ga_protocol_write_options(f, c);
	fputc('}', f);
	ck_assert_int_eq(fclose(f), 0);
	return text;
}

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
		 "connect app\n", examples[i].word);
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
			      strcmp(word, "privileged") == 0,
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

Suite *make_protocol_suite(void)
{
	Suite *s = suite_create("protocol");
	TCase *tc = tcase_create("table");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, every_client_step_has_a_request);
	tcase_add_loop_test(tc, each_option_is_a_connection_option_and_is_sent,
			    0, GA_OPTION_COUNT);
	tcase_add_test(tc, defaults_have_every_option_with_its_type);
	tcase_add_test(tc, every_connection_key_reaches_the_driver);
	tcase_add_test(tc, describe_is_json);
	suite_add_tcase(s, tc);
	return s;
}
