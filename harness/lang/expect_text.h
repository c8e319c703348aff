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
 * text) or e holds what no expect line can say as it is: an error class
 * that fails ga_class_text_ok() or a client name a selector cannot read
 * (each left out of the text, never written as it came). */
int ga_expect_text(const struct ga_expect *e, bool with_selector, char *buf,
		   size_t len);

/* A selector as a scenario writes it: "[mysql >= 8.0.24, client=pymysql
 * < 1.1]", "" for none (its server name is an expectation file's column,
 * not written here). */
void ga_selector_text(const struct ga_selector *sel, char *buf, size_t len);

/* A duration as a scenario writes it: "45s", "1.5s", "900ms". */
void ga_duration_text(long ms, char *buf, size_t len);

/* A driver's own error class as the scenario language reads one
 * ("InterfaceError", "PROTOCOL_CONNECTION_LOST", "mysql.ErrInvalidConn",
 * "Mysql2::Error", "Foo\\Bar\\Exception"): a letter, then letters,
 * digits, '_' and '.', with "::" or '\\' only between two names (each
 * followed by a letter or '_').  The parser's rule (lang/parse_expect.c). */
bool ga_class_name(const char *tok);

/* Whether cls, a class a driver reported, reads back as that same class
 * when written into an expect line: ga_class_name(), shorter than
 * GA_CLASS_MAX, and not a word that means something else there ("ok",
 * "error", "hang", "any", a known error name such as CR_SERVER_LOST).
 * Text from a driver that fails is never written as a class: "goneaway
 * run --record" writes "error" in its place (plan/record.h). */
bool ga_class_text_ok(const char *cls);

#endif
