/* among.c - see among.h */
#include "util/among.h"

#include <string.h>

bool ga_among(const void *x, const void *set, size_t n, size_t size)
{
	const unsigned char *p = set;
	size_t i;

	for (i = 0; i < n; i++, p += size)
		if (memcmp(x, p, size) == 0)
			return true;
	return false;
}
