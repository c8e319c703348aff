/* faultkind.c - see faultkind.h: the fault kinds the parser knows. */
#include "lang/faultkind.h"

#include <stdio.h>
#include <string.h>

#include "util/byname.h"

static const struct ga_fault_kind *const none[] = { NULL };
static const struct ga_fault_kind *const *in_use = none;

void ga_fault_kinds_use(const struct ga_fault_kind *const *kinds)
{
	in_use = kinds ? kinds : none;
}

const struct ga_fault_kind *const *ga_fault_kinds(void)
{
	return in_use;
}

GA_FIND_BY_NAME(ga_fault_kind_find, const struct ga_fault_kind, in_use)

void ga_fault_kind_names(const char *last, char *buf, size_t len)
{
	size_t i, used;

	buf[0] = '\0';
	for (i = 0; in_use[i] && len; i++) {
		used = strlen(buf);
		snprintf(buf + used, len - used, "%s%s",
			 i == 0 ? "" : in_use[i + 1] ? ", " : last,
			 in_use[i]->name);
	}
}
