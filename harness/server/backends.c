/* backends.c - see backends.h: the table of server backends,
 * GA_SERVER_BACKENDS (server/internal.h). */
#include "server/backends.h"

#include <stdio.h>
#include <string.h>

#include "server/internal.h"
#include "util/byname.h"

#define GA_SERVER_ROW(name) &ga_server_##name,
static const struct ga_server_backend_ops *const backends[] = {
	GA_SERVER_BACKENDS(GA_SERVER_ROW)
	NULL,
};
#undef GA_SERVER_ROW

const struct ga_server_backend_ops *const *ga_server_backends(void)
{
	return backends;
}

GA_FIND_BY_NAME(ga_server_backend_find, const struct ga_server_backend_ops, backends)

/* The part of spec after b's prefix, or NULL when spec does not start
 * with it (a prefix without ':' is the whole word). */
static const char *after_prefix(const struct ga_server_backend_ops *b,
				const char *spec)
{
	size_t n = strlen(b->prefix);

	if (n && b->prefix[n - 1] == ':')
		return strncmp(spec, b->prefix, n) == 0 ? spec + n : NULL;
	return strcmp(spec, b->prefix) == 0 ? spec + n : NULL;
}

int ga_server_spec_parse(const char *spec, const char *roots_dir,
			 const struct ga_server_backend_ops **ops, char *arg,
			 size_t len, struct ga_error *err)
{
	char known[1024];
	const char *rest;
	size_t i, used = 0;

	arg[0] = '\0';
	for (i = 0; backends[i]; i++) {
		rest = after_prefix(backends[i], spec);
		if (!rest)
			continue;
		if (backends[i]->arg_name && !rest[0])
			continue;
		if (backends[i]->arg_name &&
		    snprintf(arg, len, "%s", rest) >= (int)len)
			return ga_error_set(err, "%s too long: %s",
					    backends[i]->arg_name, rest);
		*ops = backends[i];
		return 0;
	}
	known[0] = '\0';
	for (i = 0; backends[i] && used < sizeof(known); i++)
		used += (size_t)snprintf(known + used, sizeof(known) - used,
					 "%s%s", i ? ", " : "",
					 backends[i]->usage);
	for (i = 0; backends[i]; i++) {
		if (!backends[i]->parse_name)
			continue;
		used = strlen(known);
		if (backends[i]->parse_name(spec, roots_dir, arg, len,
					    known + used,
					    sizeof(known) - used) == 0) {
			*ops = backends[i];
			return 0;
		}
	}
	return ga_error_set(err, "'%s' is not a server backend or a root in "
			    "%s (known: %s)", spec, roots_dir, known);
}

int ga_server_backend_check(const struct ga_server_backend_ops *ops,
			    const struct ga_server_options *o,
			    struct ga_error *err)
{
	return ops->check ? ops->check(o, err) : 0;
}
