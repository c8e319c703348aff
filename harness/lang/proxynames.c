/* proxynames.c - see proxynames.h: the proxies the parser knows. */
#include "lang/proxynames.h"

#include <stdio.h>
#include <string.h>

#include "util/byname.h"

static const char *const none[] = { NULL };
static const char *const *in_use = none;

void ga_proxy_names_use(const char *const *names)
{
	in_use = names ? names : none;
}

const char *const *ga_proxy_names(void)
{
	return in_use;
}

bool ga_proxy_name_known(const char *name)
{
	return ga_name_among(in_use, name);
}

void ga_proxy_names_text(char *buf, size_t len)
{
	size_t i, used;

	snprintf(buf, len, "none");
	for (i = 0; in_use[i]; i++) {
		used = strlen(buf);
		snprintf(buf + used, len - used, ", %s", in_use[i]);
	}
}
