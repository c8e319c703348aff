/* toxcount.h - the count of a mysql toxic (serve/toxic_mysql_*.c), an
 * attribute: it acts at most count times (0: every time), its acted
 * counting them.
 */
#ifndef GA_SV_TOXCOUNT_H
#define GA_SV_TOXCOUNT_H

#include <stdbool.h>
#include <stddef.h>

#include "serve/toxics.h"

/* The check of count (the type's check calls it): returns 0, or -1 with
 * "TYPE: count must be 0 or more" in msg. */
int ga_toxic_count_check(const struct ga_toxic *t, long long count,
			 char *msg, size_t len);

/* Whether t acted count times already: it lets everything pass. */
bool ga_toxic_spent(const struct ga_toxic *t, long long count);

#endif
