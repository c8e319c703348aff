/* escape.h - text from outside, made safe to show.
 *
 * goneaway shows text that came from outside: a server's error message,
 * a value a query returned (SELECT 0xFFFE41 returns the bytes FF FE 41),
 * whatever a client driver process wrote (its message, error class,
 * sqlstate, API name, value), a scenario file's words, a file's name.
 * None of it may reach a terminal as a control sequence (an ESC from a
 * driver could rewrite the user's screen), make a YAML scalar invalid or
 * an XML file ill-formed.  Every report, steps.log and every diagnostic
 * writes such text through ga_esc_*(), which validates UTF-8 and shows
 * what is not printable text as a visible escape:
 *
 *   a byte that is not part of valid UTF-8     \xFF
 *   a control character (C0, DEL, C1)          \x1B, \x07, \u0085 ...
 *   newline, carriage return                   \n, \r (where not allowed)
 *   U+FFFE, U+FFFF (not characters)            \uFFFE
 *
 * Valid UTF-8 characters (é, €) and tabs are kept as they are.  A
 * backslash in the data is not doubled, except in YAML, whose double-
 * quoted scalars have escapes of their own.
 */
#ifndef GA_ESCAPE_H
#define GA_ESCAPE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

enum ga_esc {
	GA_ESC_TEXT,            /* a line of text: the terminal, a TAP line,
				 * a YAML literal block, steps.log */
	GA_ESC_YAML,            /* the inside of a YAML double-quoted scalar:
				 * YAML's escapes (\" \\ \n \x1B); a byte
				 * that is not UTF-8 becomes the text \xFF */
	GA_ESC_XML,             /* XML element content: the five specials as
				 * entities, newlines kept (XML 1.0 has no
				 * way to carry other C0 controls at all) */
	GA_ESC_XML_ATTR,        /* an XML attribute value: as GA_ESC_XML,
				 * newline and tab as character references */
};

/* Writes s to f, escaped for where it goes. */
/* Length (1-4) of the valid UTF-8 character at s (n bytes there) and,
 * when cp is not NULL, its code point; 0 when s does not start one (a
 * stray byte, a truncated sequence, an overlong form, a surrogate, past
 * U+10FFFF, n == 0).  The one UTF-8 decoder: the escapes here, the JSON
 * writer (util/json.c), the Go encoder's strings (serve/godecode.c). */
size_t ga_utf8_char(const unsigned char *s, size_t n, uint32_t *cp);

void ga_esc_write(FILE *f, const char *s, enum ga_esc how);

/* Writes s, escaped, into buf (len bytes, always NUL-terminated when len
 * > 0); a text that does not fit is cut before the first character or
 * escape that does not fit whole. */
void ga_esc_format(char *buf, size_t len, const char *s, enum ga_esc how);

/* Writes text of several lines to f, each line after indent, escaped as
 * GA_ESC_TEXT and ended with a newline ("" writes nothing). */
void ga_esc_lines_write(FILE *f, const char *indent, const char *text);

/* Writes one line to f: the printf-style message (up to 2 KB), escaped
 * as GA_ESC_TEXT, then a newline.  For a message that quotes outside
 * text, e.g. ga_esc_line(stderr, "goneaway: %s", err.msg). */
void ga_esc_line(FILE *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
