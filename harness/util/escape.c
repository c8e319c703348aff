/* escape.c - see escape.h */
#include "util/escape.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* Where escaped text goes: a stream, or a buffer that may fill up. */
struct sink {
	FILE *f;
	char *buf;
	size_t len, used;
	bool full;
};

static void put(struct sink *o, const char *s, size_t n)
{
	if (o->f) {
		fwrite(s, 1, n, o->f);
		return;
	}
	if (o->full || o->used + n >= o->len) {
		o->full = true;
		return;
	}
	memcpy(o->buf + o->used, s, n);
	o->used += n;
	o->buf[o->used] = '\0';
}

static void put_str(struct sink *o, const char *s)
{
	put(o, s, strlen(s));
}

static void put_hex(struct sink *o, const char *prefix, unsigned v,
		    int digits)
{
	static const char hex[] = "0123456789ABCDEF";
	char out[16];
	size_t n = strlen(prefix);
	int i;

	memcpy(out, prefix, n);
	for (i = digits - 1; i >= 0; i--)
		out[n++] = hex[(v >> (4 * i)) & 0xf];
	put(o, out, n);
}

size_t ga_utf8_char(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t v;
	size_t need, i;

	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		if (cp)
			*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		need = 2;
		v = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		need = 3;
		v = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		need = 4;
		v = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if ((need == 2 && v < 0x80) || (need == 3 && v < 0x800) ||
	    (need == 4 && v < 0x10000) || v > 0x10ffff ||
	    (v >= 0xd800 && v <= 0xdfff))
		return 0;
	if (cp)
		*cp = v;
	return need;
}

/* Not printable text: C0 controls, DEL, C1 controls, the non-characters
 * U+FFFE and U+FFFF. */
static bool unprintable(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
	       cp == 0xfffe || cp == 0xffff;
}

/* A control character or non-character, as an escape: \n, \x1B, \u0085.
 * YAML reads these as the character itself. */
static void put_control(struct sink *o, uint32_t cp)
{
	if (cp == '\n')
		put_str(o, "\\n");
	else if (cp == '\r')
		put_str(o, "\\r");
	else if (cp == '\t')
		put_str(o, "\\t");
	else if (cp < 0x80)
		put_hex(o, "\\x", cp, 2);
	else
		put_hex(o, "\\u", cp, 4);
}

/* One character (code point cp, its n bytes at s) in text that is valid
 * UTF-8 so far. */
static void put_char(struct sink *o, const char *s, size_t n, uint32_t cp,
		     enum ga_esc how)
{
	bool xml = how == GA_ESC_XML || how == GA_ESC_XML_ATTR;

	if (xml) {
		switch (cp) {
		case '&': put_str(o, "&amp;"); return;
		case '<': put_str(o, "&lt;"); return;
		case '>': put_str(o, "&gt;"); return;
		case '"': put_str(o, "&quot;"); return;
		case '\'': put_str(o, "&apos;"); return;
		case '\n':
			put_str(o, how == GA_ESC_XML ? "\n" : "&#10;");
			return;
		case '\t':
			put_str(o, how == GA_ESC_XML ? "\t" : "&#9;");
			return;
		}
	}
	if (how == GA_ESC_YAML && (cp == '"' || cp == '\\')) {
		put_str(o, cp == '"' ? "\\\"" : "\\\\");
		return;
	}
	if (cp == '\t' && how == GA_ESC_TEXT) {
		put(o, s, 1);
		return;
	}
	if (unprintable(cp)) {
		put_control(o, cp);
		return;
	}
	put(o, s, n);
}

/* Escapes s up to its NUL or its first newline when one_line. */
static void escape(struct sink *o, const char *s, enum ga_esc how,
		   bool one_line)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t cp;
	size_t n;

	while (*p && !o->full && !(one_line && *p == '\n')) {
		/* the NUL ends a sequence as a byte that is no part of it */
		n = ga_utf8_char(p, strnlen((const char *)p, 4), &cp);
		if (n == 0) {
			/* not text: its value, visibly; in YAML the
			 * backslash itself must be escaped to be text */
			put_hex(o, how == GA_ESC_YAML ? "\\\\x" : "\\x", *p, 2);
			p++;
			continue;
		}
		put_char(o, (const char *)p, n, cp, how);
		p += n;
	}
}

void ga_esc_write(FILE *f, const char *s, enum ga_esc how)
{
	struct sink o = { .f = f };

	escape(&o, s, how, false);
}

void ga_esc_format(char *buf, size_t len, const char *s, enum ga_esc how)
{
	struct sink o = { .buf = buf, .len = len };

	if (len == 0)
		return;
	buf[0] = '\0';
	escape(&o, s, how, false);
}

void ga_esc_lines_write(FILE *f, const char *indent, const char *text)
{
	struct sink o = { .f = f };
	const char *line, *nl;

	for (line = text; *line; line = nl ? nl + 1 : strchr(line, '\0')) {
		nl = strchr(line, '\n');
		fputs(indent, f);
		escape(&o, line, GA_ESC_TEXT, true);
		fputc('\n', f);
	}
}

void ga_esc_line(FILE *f, const char *fmt, ...)
{
	struct sink o = { .f = f };
	char line[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	escape(&o, line, GA_ESC_TEXT, false);
	fputc('\n', f);
}
