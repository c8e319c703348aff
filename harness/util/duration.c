/* duration.c - see duration.h */
#include "util/duration.h"

#include <stdbool.h>
#include <string.h>

#define DAY_MS (24L * 3600L * 1000L)

/* Digits are read by hand, not with strtod: "1.001s" must be exactly
 * 1001 ms, and "0x10ms" or "1e3ms" are not durations. */
int ga_duration_parse(const char *s, long *ms)
{
	long whole = 0, frac = 0;
	int frac_digits = 0;
	const char *p = s;
	bool seconds;

	if (!s || !(*p >= '0' && *p <= '9'))
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		whole = whole * 10 + (*p - '0');
		if (whole > DAY_MS)
			return -1;
	}
	if (*p == '.') {
		p++;
		if (!(*p >= '0' && *p <= '9'))
			return -1;
		for (; *p >= '0' && *p <= '9'; p++) {
			if (++frac_digits > 3)
				return -1;      /* finer than a millisecond */
			frac = frac * 10 + (*p - '0');
		}
		for (; frac_digits < 3; frac_digits++)
			frac *= 10;
	}
	if (strcmp(p, "ms") == 0)
		seconds = false;
	else if (strcmp(p, "s") == 0)
		seconds = true;
	else
		return -1;
	if (!seconds && frac)           /* "1.5ms" */
		return -1;
	if (seconds)
		whole = whole * 1000 + frac;
	if (whole > DAY_MS)
		return -1;
	*ms = whole;
	return 0;
}
