/* proxynames.c - see proxynames.h: the proxies the parser knows. */
#include "lang/proxynames.h"

#include <stdio.h>
#include <string.h>

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
	size_t i;

	for (i = 0; in_use[i]; i++)
		if (strcmp(in_use[i], name) == 0)
			return true;
	return false;
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
