/* expect_text.h - an expect line written back as the scenario language
 * reads it (docs/scenario-format.md): what "goneaway run --record" puts
 * in a scenario and an expectation file holds (lang/expectations.h).
 * ga_parse_text() reads every text written here back into the same
 * expectation (tests/unit/check_expectations.c). */
#ifndef GA_EXPECT_TEXT_H
#define GA_EXPECT_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "lang/scenario.h"

/* e's selector (with_selector), outcomes and clauses, without the word
 * "expect", into buf: "[client=pymysql] CR_SERVER_LOST | 2006 within
 * 1.5s".  A code is written by its name when the client headers name it
 * the same for every server (client errors and the server errors MySQL
 * and MariaDB share), else as its number; text is quoted when it must
 * be.  Returns 0, or -1 when buf is too small (it then holds a cut
 * text). */
int ga_expect_text(const struct ga_expect *e, bool with_selector, char *buf,
		   size_t len);

/* A selector as a scenario writes it: "[mysql >= 8.0.24, client=pymysql
 * < 1.1]", "" for none (its server name is an expectation file's column,
 * not written here). */
void ga_selector_text(const struct ga_selector *sel, char *buf, size_t len);

/* A duration as a scenario writes it: "45s", "1.5s", "900ms". */
void ga_duration_text(long ms, char *buf, size_t len);

/* s as one word of an expect line: as it is when it is letters, digits
 * and "_.+-:", else between quotes with '"' and '\' escaped. */
void ga_word_text(const char *s, char *buf, size_t len);

#endif
