/* size.c - see size.h */
#include "util/size.h"

#include <ctype.h>
#include <string.h>

#define SIZE_LIMIT (1L << 30)

static const struct {
	const char *unit;
	long factor;
} units[] = {
	{ "", 1 }, { "B", 1 },
	{ "K", 1L << 10 }, { "KiB", 1L << 10 },
	{ "M", 1L << 20 }, { "MiB", 1L << 20 },
	{ "G", 1L << 30 }, { "GiB", 1L << 30 },
};

int ga_size_parse(const char *s, long *bytes)
{
	long n = 0;
	size_t i;

	if (!isdigit((unsigned char)*s))
		return -1;
	for (; isdigit((unsigned char)*s); s++) {
		n = n * 10 + (*s - '0');
		if (n > SIZE_LIMIT)
			return -1;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (strcmp(s, units[i].unit) != 0)
			continue;
		if (n > SIZE_LIMIT / units[i].factor)
			return -1;
		*bytes = n * units[i].factor;
		return 0;
	}
	return -1;
}
