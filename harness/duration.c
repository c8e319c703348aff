/* duration.c - see duration.h */
#include "duration.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS (24L * 3600L * 1000L)

int ga_duration_parse(const char *s, long *ms)
{
	char *end;
	double v;
	double scale;

	if (!s || !(*s >= '0' && *s <= '9'))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s)
		return -1;
	if (strcmp(end, "ms") == 0)
		scale = 1.0;
	else if (strcmp(end, "s") == 0)
		scale = 1000.0;
	else
		return -1;
	v *= scale;
	if (v < 0 || v > (double)DAY_MS)
		return -1;
	if (v != (double)(long)v)       /* fractions of a millisecond */
		return -1;
	*ms = (long)v;
	return 0;
}
