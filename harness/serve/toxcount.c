/* toxcount.c - see toxcount.h. */
#include "serve/toxcount.h"

#include <stdio.h>

int ga_toxic_count_check(const struct ga_toxic *t, long long count,
			 char *msg, size_t len)
{
	if (count >= 0)
		return 0;
	snprintf(msg, len, "%s: count must be 0 or more", t->type->name);
	return -1;
}

bool ga_toxic_spent(const struct ga_toxic *t, long long count)
{
	return count > 0 && t->acted >= count;
}
