/* snapshot_lines.c - see snapshot.h: a snapshot's lines, added, sorted
 * and compared.  What they say is read by server/snapshot.c (SQL) and
 * server/snapshot_files.c (the datadir). */
#include "server/snapshot.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/hash.h"
#include "util/grow.h"

#define SNAP_MAX_LINES 50000    /* a server with more is not compared */
#define SNAP_VALUE_SHOWN 120    /* a longer value is cut, its hash added */

/* The sections read at the short depth too (snapshot.h). */
static const char *const short_sections[] = {
	"session", "thread", "status", "schema", "app", "grant", "persisted",
	"lock", "xa", "logged",
};

/* The order of the sections in a snapshot, and so in the words of its
 * differences: what says most about what a case left first (a session,
 * a global), the rows and files that follow from it last.  Any other
 * section comes after these. */
static const char *const section_order[] = {
	"blind", "session", "thread", "xa", "lock", "global", "persisted",
	"schema", "grant", "app", "plugin", "table", "stats", "def", "logged",
	"pfs", "status",
};

static void copy_clean(char *dst, size_t len, const char *src, size_t n)
{
	size_t i, k = 0;

	for (i = 0; i < n && k + 1 < len; i++)
		dst[k++] = (src[i] == '\t' || src[i] == '\n' || src[i] == '\r' ||
			    src[i] == '\0') ? ' ' : src[i];
	dst[k] = '\0';
}

static int push(struct ga_snapshot *snap, char *line, struct ga_error *err)
{
	if (ga_grow(&snap->lines, &snap->cap, snap->n, sizeof(*snap->lines),
		    512)) {
		free(line);
		return err ? ga_error_set(err, "out of memory") : -1;
	}
	snap->lines[snap->n++] = line;
	return 0;
}

int ga_snapshot_add(struct ga_snapshot *snap, const char *section,
		    const char *key, const char *value, size_t vlen,
		    struct ga_error *err)
{
	char k[400], v[SNAP_VALUE_SHOWN + 40], *line;
	size_t n;

	if (snap->n >= SNAP_MAX_LINES)
		return ga_error_set(err, "more than %d things to compare",
				    SNAP_MAX_LINES);
	copy_clean(k, sizeof(k), key, strlen(key));
	if (vlen > SNAP_VALUE_SHOWN) {
		copy_clean(v, SNAP_VALUE_SHOWN + 1, value, SNAP_VALUE_SHOWN);
		n = strlen(v);
		snprintf(v + n, sizeof(v) - n, "...#%016" PRIx64,
			 ga_fnv1a(GA_FNV1A_INIT, value, vlen));
	} else {
		copy_clean(v, sizeof(v), value, vlen);
	}
	n = strlen(section) + strlen(k) + strlen(v) + 3;
	line = malloc(n);
	if (!line)
		return ga_error_set(err, "out of memory");
	snprintf(line, n, "%s %s\t%s", section, k, v);
	return push(snap, line, err);
}

/* The index of line's section (its first word) among the count names,
 * or count. */
static size_t section_index(const char *line, const char *const *names,
			    size_t count)
{
	size_t i, n = strcspn(line, " \t");

	for (i = 0; i < count; i++)
		if (strlen(names[i]) == n && strncmp(line, names[i], n) == 0)
			return i;
	return i;
}

/* The rank of line's section in section_order. */
static size_t rank(const char *line)
{
	return section_index(line, section_order,
			     sizeof(section_order) / sizeof(*section_order));
}

/* The order of two lines: their sections' ranks, then their keys (a
 * key's end, the tab, comes before any character of a longer key's),
 * then, with klen_only false, their values. */
static int order(const char *a, const char *b, bool klen_only)
{
	size_t ra = rank(a), rb = rank(b), ka, kb;
	int c;

	if (ra != rb)
		return ra < rb ? -1 : 1;
	ka = strcspn(a, "\t");
	kb = strcspn(b, "\t");
	c = strncmp(a, b, ka < kb ? ka : kb);
	if (c == 0)
		c = ka < kb ? -1 : ka > kb;
	if (c == 0 && !klen_only)
		c = strcmp(a + ka, b + kb);
	return c;
}

static int by_order(const void *a, const void *b)
{
	return order(*(char *const *)a, *(char *const *)b, false);
}

void ga_snapshot_sort(struct ga_snapshot *snap)
{
	size_t i, k = 0;

	if (!snap->n)
		return;
	qsort(snap->lines, snap->n, sizeof(*snap->lines), by_order);
	for (i = 0; i < snap->n; i++) {
		if (k && strcmp(snap->lines[k - 1], snap->lines[i]) == 0) {
			free(snap->lines[i]);
			continue;
		}
		snap->lines[k++] = snap->lines[i];
	}
	snap->n = k;
}

void ga_snapshot_free(struct ga_snapshot *snap)
{
	ga_strings_free(snap->lines, snap->n);
	snap->lines = NULL;
	snap->n = snap->cap = 0;
}

int ga_snapshot_from_text(struct ga_snapshot *snap, const char *text,
			  bool full)
{
	const char *p = text, *nl;
	char *line;
	size_t n;

	memset(snap, 0, sizeof(*snap));
	snap->full = full;
	while (*p) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p) : strlen(p);
		if (n) {
			line = strndup(p, n);
			if (!line || push(snap, line, NULL)) {
				ga_snapshot_free(snap);
				return -1;
			}
		}
		p += n + (nl ? 1 : 0);
	}
	ga_snapshot_sort(snap);
	return 0;
}

/* ---- comparing ---------------------------------------------------------------- */

bool ga_snapshot_short_section(const char *line)
{
	size_t count = sizeof(short_sections) / sizeof(*short_sections);

	return section_index(line, short_sections, count) < count;
}

/* The key of line ("section key") and its length, and the value. */
static size_t key_len(const char *line)
{
	return strcspn(line, "\t");
}

static const char *value_of(const char *line)
{
	const char *tab = strchr(line, '\t');

	return tab ? tab + 1 : "";
}

static bool is_status(const char *line)
{
	return strncmp(line, "status ", 7) == 0;
}

/* Appends one difference to why ("; " between them); false when full. */
static bool say(char *why, size_t len, size_t *used, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static bool say(char *why, size_t len, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (*used + 4 >= len)
		return false;
	if (*used) {
		w = snprintf(why + *used, len - *used, "; ");
		*used += (size_t)w;
	}
	va_start(ap, fmt);
	w = vsnprintf(why + *used, len - *used, fmt, ap);
	va_end(ap);
	if (w < 0 || (size_t)w >= len - *used) {
		*used = len - 1;
		return false;
	}
	*used += (size_t)w;
	return true;
}

/* "gone"/"appeared" in words fitting the section. */
static const char *word_for(const char *line, bool appeared)
{
	if (strncmp(line, "session ", 8) == 0)
		return appeared ? "is left" : "is gone";
	if (strncmp(line, "lock ", 5) == 0 || strncmp(line, "xa ", 3) == 0)
		return appeared ? "is held" : "is gone";
	return appeared ? "appeared" : "is gone";
}

/* Whether line is compared when full says both snapshots are full. */
static bool compared(const char *line, bool full)
{
	return !is_status(line) && (full || ga_snapshot_short_section(line));
}

/* Walks before and after side by side (both sorted), every section but
 * status, the full ones only when both are full.  Each difference is
 * said into why (when why is not NULL) and, when its key does not start
 * with only, counted in *others.  Returns true when they are the same. */
static bool walk(const struct ga_snapshot *before,
		 const struct ga_snapshot *after, const char *only,
		 size_t *others, char *why, size_t len)
{
	size_t i = 0, j = 0, used = 0, kb, ka, olen = only ? strlen(only) : 0;
	bool same = true, full = before->full && after->full;
	const char *key;
	int c;

	if (why && len)
		why[0] = '\0';
	while (i < before->n || j < after->n) {
		const char *b = i < before->n ? before->lines[i] : NULL;
		const char *a = j < after->n ? after->lines[j] : NULL;

		if (b && !compared(b, full)) {
			i++;
			continue;
		}
		if (a && !compared(a, full)) {
			j++;
			continue;
		}
		kb = b ? key_len(b) : 0;
		ka = a ? key_len(a) : 0;
		if (!a)
			c = -1;
		else if (!b)
			c = 1;
		else
			c = order(b, a, true);
		if (c == 0 && strcmp(value_of(b), value_of(a)) == 0 &&
		    strncmp(a, "blind ", 6) != 0) {
			i++;
			j++;
			continue;
		}
		same = false;
		key = c <= 0 ? b : a;
		if (!only || strncmp(key, only, olen) != 0)
			(*others)++;
		if (c == 0 && strncmp(a, "blind ", 6) == 0) {
			/* what the snapshot could not see is never the same */
			if (why)
				say(why, len, &used, "the full check cannot "
				    "see the %s: the admin account has no %.*s",
				    value_of(a), (int)ka - 6, a + 6);
			i++;
			j++;
		} else if (c == 0) {
			if (why)
				say(why, len, &used, "%.*s changed (%s -> %s)",
				    (int)kb, b, value_of(b), value_of(a));
			i++;
			j++;
		} else if (c < 0) {
			if (why)
				say(why, len, &used, "%.*s %s", (int)kb, b,
				    word_for(b, false));
			i++;
		} else {
			if (why)
				say(why, len, &used, "%.*s %s%s%s%s", (int)ka,
				    a, word_for(a, true),
				    *value_of(a) ? " (" : "", value_of(a),
				    *value_of(a) ? ")" : "");
			j++;
		}
	}
	return same;
}

bool ga_snapshot_same(const struct ga_snapshot *before,
		      const struct ga_snapshot *after, char *why, size_t len)
{
	size_t others = 0;

	return walk(before, after, NULL, &others, why, len);
}

bool ga_snapshot_differ_only_in(const struct ga_snapshot *before,
				const struct ga_snapshot *after,
				const char *prefix)
{
	size_t others = 0;

	return !walk(before, after, prefix, &others, NULL, 0) && others == 0;
}

/* Whether s has a line with the key of line (its text before the tab):
 * a binary search, s being sorted. */
static bool has_key(const struct ga_snapshot *s, const char *line)
{
	size_t lo = 0, hi = s->n, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = order(s->lines[mid], line, true);
		if (c == 0)
			return true;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

size_t ga_snapshot_new_sessions(const struct ga_snapshot *before,
				const struct ga_snapshot *after,
				unsigned long *ids, size_t max)
{
	size_t i, n = 0;

	for (i = 0; i < after->n; i++) {
		if (strncmp(after->lines[i], "session ", 8) != 0 ||
		    has_key(before, after->lines[i]))
			continue;
		if (n < max)
			ids[n] = strtoul(after->lines[i] + 8, NULL, 10);
		n++;
	}
	return n;
}

static const char *find_status(const struct ga_snapshot *s, const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; i < s->n; i++)
		if (is_status(s->lines[i]) &&
		    strncasecmp(s->lines[i] + 7, name, n) == 0 &&
		    s->lines[i][7 + n] == '\t')
			return value_of(s->lines[i]);
	return NULL;
}

bool ga_snapshot_same_status(const struct ga_snapshot *before,
			     const struct ga_snapshot *after,
			     const char *name, char *why, size_t len)
{
	const char *b = find_status(before, name);
	const char *a = find_status(after, name);

	why[0] = '\0';
	if (!a && !b)
		return true;
	if (a && b && strcmp(a, b) == 0)
		return true;
	snprintf(why, len, "status %s changed (%s -> %s)", name,
		 b ? b : "none", a ? a : "none");
	return false;
}
