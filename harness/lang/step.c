/* step.c - see step.h: the table, generated from GA_STEP_MAP. */
#include "lang/step.h"

#include <stdio.h>

struct step_row {
	const char *name;
	unsigned flags;
};

static const struct step_row rows[GA_STEP_KIND_COUNT] = {
#define GA_STEP_ROW(name, keyword, flags) [GA_STEP_##name] = { keyword, flags },
	GA_STEP_MAP(GA_STEP_ROW)
#undef GA_STEP_ROW
};

const char *ga_step_kind_name(enum ga_step_kind kind)
{
	if ((unsigned)kind >= GA_STEP_KIND_COUNT)
		return "unknown";
	return rows[kind].name;
}

unsigned ga_step_kind_flags(enum ga_step_kind kind)
{
	if ((unsigned)kind >= GA_STEP_KIND_COUNT)
		return 0;
	return rows[kind].flags;
}

bool ga_step_kind_is(enum ga_step_kind kind, unsigned flags)
{
	return (ga_step_kind_flags(kind) & flags) == flags;
}

const char *ga_step_kinds_with(unsigned flags, char *buf, unsigned long len)
{
	unsigned long used = 0;
	unsigned i, n = 0, total = 0;
	int k;

	if (!len)
		return buf;
	buf[0] = '\0';
	for (i = 0; i < GA_STEP_KIND_COUNT; i++)
		total += (rows[i].flags & flags) == flags;
	for (i = 0; i < GA_STEP_KIND_COUNT && used < len; i++) {
		if ((rows[i].flags & flags) != flags)
			continue;
		k = snprintf(buf + used, len - used, "%s%s",
			     n == 0 ? "" : n + 1 == total ? " and " : ", ",
			     rows[i].name);
		if (k < 0)
			break;
		used += (unsigned long)k;
		n++;
	}
	return buf;
}
