/* expect_describe.h - expect lines, their selectors and outcomes in
 * words (lang/expect_describe.c).  Pure functions: no I/O. */
#ifndef GA_EXPECT_DESCRIBE_H
#define GA_EXPECT_DESCRIBE_H

#include <stddef.h>

#include "lang/outcome.h"
#include "lang/scenario.h"

/* sel as a user writes it, into buf (cut to fit len): "[client=mysql2]",
 * "[mysql >= 8.0.24, client=pymysql]", "[client=pymysql >= 1.1]"; a
 * version's patch is left out when 0 (8.0, not 8.0.0); "" for the
 * default (no selector). */
void ga_selector_describe(const struct ga_selector *sel, char *buf,
			  size_t len);

/* "2013 (CR_SERVER_LOST) or 2006 (CR_SERVER_GONE_ERROR) within 2000 ms" */
void ga_expect_describe(const struct ga_expect *exp, char *buf, size_t len);

/* " (expect line 41, [client=mysql2])", or " (expect line 38, no
 * selector)": which line applied, for messages. */
void ga_expect_where(const struct ga_expect *exp, char *buf, size_t len);

/* "2013 (CR_SERVER_LOST) \"Lost connection ...\" after 1002 ms" */
void ga_outcome_describe(const struct ga_outcome *out, char *buf, size_t len);

#endif
