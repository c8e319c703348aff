/* protocol_features.c - see protocol.h: the protocol's versions and the
 * features a driver declares in its greeting, so that goneaway never
 * sends a request member to a driver that did not say it knows it
 * (issue 24: a driver written against protocol 1 ignored execute's
 * "params" and answered as if there were none). */
#include "client/protocol.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util/json.h"

static const struct ga_protocol_feature features[] = {
	{ GA_FEATURE_PARAMS, "params", 2,
	  "bound values of execute (its \"params\" member)" },
	{ GA_FEATURE_FETCH_PACE, "fetch-pace", 2,
	  "a slow fetch (its \"batch\" and \"every_ms\" members)" },
	{ GA_FEATURE_DRIVER_OPTIONS, "driver-options", 2,
	  "the connector's own options (connect's \"driver_options\")" },
	{ GA_FEATURE_KEEPALIVE, "keepalive", 3,
	  "TCP keepalive's times (connect's \"keepalive\")" },
	{ GA_FEATURE_POOL, "pool", 3,
	  "a pool's connections (connect's \"pool\", the steps borrow, "
	  "return and evict, and the replies' \"pool_events\")" },
	{ GA_FEATURE_LOCAL_INFILE, "local-infile", 4,
	  "the directories LOAD DATA LOCAL may read (connect's "
	  "\"local_infile\": a driver that does not know it might read any "
	  "file the server names)" },
	{ GA_FEATURE_CASES, "cases", 5,
	  "one process for case after case (the requests \"begin-case\" and "
	  "\"end-case\")" },
	{ GA_FEATURE_SPAWN, "spawn", 5,
	  "a process that forks the others, its runtime started once (the "
	  "request \"spawn\", with \"cases\")" },
};

#define NFEATURES (sizeof(features) / sizeof(features[0]))

/* The release that brought each version, GA_PROTOCOL_OLDEST on. */
static const char *const releases[] = { "0.2.0", "0.3.0", "0.4.0", "0.5.0",
					"0.5.0" };

_Static_assert(sizeof(releases) / sizeof(releases[0]) ==
	       GA_PROTOCOL_VERSION - GA_PROTOCOL_OLDEST + 1,
	       "a release for every protocol version");

const char *ga_protocol_release(int v)
{
	if (v < GA_PROTOCOL_OLDEST || v > GA_PROTOCOL_VERSION)
		return NULL;
	return releases[v - GA_PROTOCOL_OLDEST];
}

const struct ga_protocol_feature *ga_protocol_features(size_t *n)
{
	*n = NFEATURES;
	return features;
}

int ga_protocol_greeting(const struct ga_json *hello, int *version,
			 unsigned *got, char *why, size_t len)
{
	const struct ga_json *v = ga_json_get(hello, "protocol");
	const struct ga_json *fs = ga_json_get(hello, "features");
	size_t i, k;

	*version = 0;
	*got = 0;
	if (v && v->type == GA_JSON_NUMBER && v->num == floor(v->num) &&
	    v->num > GA_PROTOCOL_VERSION && v->num < 1e6) {
		/* issue 56: a driver written from a newer release's docs */
		snprintf(why, len, "\"protocol\" %.0f is newer than this "
			 "goneaway knows: it knows protocols %d to %d (%d came "
			 "with goneaway %s); protocol %.0f needs the later "
			 "release that brought it (docs/driver-protocol.md, "
			 "\"Versions\", of that release)", v->num,
			 GA_PROTOCOL_OLDEST, GA_PROTOCOL_VERSION,
			 GA_PROTOCOL_VERSION,
			 ga_protocol_release(GA_PROTOCOL_VERSION), v->num);
		return -1;
	}
	if (!v || v->type != GA_JSON_NUMBER || v->num != floor(v->num) ||
	    v->num < GA_PROTOCOL_OLDEST || v->num > GA_PROTOCOL_VERSION) {
		snprintf(why, len, "\"protocol\" is not a version from %d to "
			 "%d", GA_PROTOCOL_OLDEST, GA_PROTOCOL_VERSION);
		return -1;
	}
	*version = (int)v->num;
	if (!fs || fs->type == GA_JSON_NULL)
		return 0;       /* protocol 1's greeting: none */
	if (fs->type != GA_JSON_ARRAY) {
		snprintf(why, len, "\"features\" is not an array of names");
		return -1;
	}
	for (i = 0; i < fs->nitems; i++) {
		if (fs->items[i].type != GA_JSON_STRING) {
			snprintf(why, len, "\"features\" is not an array of "
				 "names");
			return -1;
		}
		for (k = 0; k < NFEATURES; k++)
			if (strcmp(fs->items[i].str, features[k].name) == 0)
				*got |= features[k].bit;
	}
	return 0;
}

/* The features of step's own members. */
static unsigned member_needs(const struct ga_step *step,
			     const struct ga_connection *c,
			     const struct ga_server_id *who)
{
	unsigned needs;
	size_t i;

	switch (step->kind) {
	case GA_STEP_EXECUTE:
		return step->nparams ? GA_FEATURE_PARAMS : 0;
	case GA_STEP_FETCH:
		return step->fetch_every_ms > 0 ? GA_FEATURE_FETCH_PACE : 0;
	case GA_STEP_CONNECT:
		needs = c && ga_connection_keepalive(c, who->client,
						     who->client_alias,
						     who->client_version) ?
			GA_FEATURE_KEEPALIVE : 0;
		if (c && c->local_infile)
			needs |= GA_FEATURE_LOCAL_INFILE;
		for (i = 0; c && i < c->ndriver_options; i++)
			if (ga_selector_client_matches(
				    &c->driver_options[i].selector,
				    who->client, who->client_alias,
				    who->client_version))
				return needs | GA_FEATURE_DRIVER_OPTIONS;
		return needs;
	default:
		return 0;
	}
}

unsigned ga_protocol_step_needs(const struct ga_step *step,
				const struct ga_connection *c,
				const struct ga_server_id *who)
{
	unsigned needs = member_needs(step, c, who);

	/* every step on a pool's connection: a driver without pools would
	 * take a query on it for one on a connection of its own */
	if ((c && c->pool.line) || ga_step_kind_is(step->kind, GA_STEP_ON_POOL))
		needs |= GA_FEATURE_POOL;
	return needs;
}

int ga_protocol_missing(unsigned needs, unsigned have, int version,
			char *why, size_t len)
{
	size_t k;

	for (k = 0; k < NFEATURES; k++) {
		if (!(needs & features[k].bit) || (have & features[k].bit))
			continue;
		snprintf(why, len, "the driver's greeting (protocol %d) does "
			 "not declare the feature '%s', %s, of protocol %d: "
			 "goneaway sends no member a driver did not declare "
			 "(docs/driver-protocol.md, \"Versions\")", version,
			 features[k].name, features[k].what,
			 features[k].since);
		return 1;
	}
	return 0;
}

void ga_protocol_feature_list(unsigned have, char *buf, size_t len)
{
	size_t k, used = 0;
	int n;

	buf[0] = '\0';
	for (k = 0; k < NFEATURES; k++) {
		if (!(have & features[k].bit))
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
			     features[k].name);
		if (n < 0 || (size_t)n >= len - used)
			break;
		used += (size_t)n;
	}
	if (!buf[0])
		snprintf(buf, len, "none");
}
