/* units.c - see units.h */
#include "util/units.h"

#include <stdbool.h>
#include <stdio.h>
#include <strings.h>

#define MICRO 1000000u          /* 10^MAX_DECIMALS */
#define MAX_DECIMALS 6

struct unit {
	const char *name;       /* compared without case */
	uint64_t factor;        /* how many of the held unit one is */
};

struct quantity {
	const char *name;       /* "duration", for messages */
	const char *expected;   /* what a word of this quantity looks like */
	const char *held;       /* "microseconds": what it must be whole in */
	const struct unit *units;       /* ends with a NULL name */
};

/* Microseconds. */
static const struct unit duration_units[] = {
	{ "us", 1 }, { "ms", 1000 }, { "s", 1000000 },
	{ NULL, 0 },
};

/* Bytes; "" is a plain byte count. */
static const struct unit size_units[] = {
	{ "", 1 }, { "b", 1 },
	{ "k", 1ull << 10 }, { "kb", 1ull << 10 }, { "kib", 1ull << 10 },
	{ "m", 1ull << 20 }, { "mb", 1ull << 20 }, { "mib", 1ull << 20 },
	{ "g", 1ull << 30 }, { "gb", 1ull << 30 }, { "gib", 1ull << 30 },
	{ NULL, 0 },
};

/* Bits per second. */
static const struct unit rate_units[] = {
	{ "bit", 1 }, { "kbit", 1000 }, { "mbit", 1000000 },
	{ "gbit", 1000000000 },
	{ "bps", 8 }, { "kbps", 8000 }, { "mbps", 8000000 },
	{ "gbps", 8000000000ull },
	{ NULL, 0 },
};

/* Millionths of a percent. */
static const struct unit percent_units[] = {
	{ "%", MICRO },
	{ NULL, 0 },
};

static const struct quantity duration = {
	"duration", "a number and us, ms or s, in whole microseconds",
	"microseconds", duration_units,
};

static const struct quantity size = {
	"size", "a number of bytes, optionally with b, k/kb/KiB (1024), "
	"m/mb/MiB (1048576) or g/gb/GiB (1073741824)",
	"bytes", size_units,
};

static const struct quantity rate = {
	"rate", "a number and bit, kbit, mbit, gbit (bits/s) or bps, kbps, "
	"mbps, gbps (bytes/s)",
	"bits per second", rate_units,
};

static const struct quantity percent = {
	"percentage", "a number with at most 6 decimals and '%', e.g. 30% or "
	"0.5%",
	"millionths of a percent", percent_units,
};

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Every message of the four readers goes through here: the fault kinds
 * show them as diagnostics (docs/scenario-format.md lists them, and
 * t0070-diagnostics-doc compares the two). */
#define units_diag ga_error_set

static int refuse(const struct quantity *q, const char *s, const char *why,
		  struct ga_error *err)
{
	return units_diag(err, "'%s' is not a %s: %s", s ? s : "(null)",
			  q->name, why);
}

/* Reads "digits[.digits]unit" with one of q's units into *out (in the
 * held unit).  The integer part saturates instead of wrapping, and is
 * refused as too large once the unit is known. */
static int read_quantity(const char *s, const struct quantity *q,
			 uint64_t *out, struct ga_error *err)
{
	uint64_t whole = 0, frac = 0, part, d;
	const struct unit *u;
	const char *p = s;
	bool big = false;
	int decimals = 0;

	if (!s || !is_digit(*p))
		return refuse(q, s, q->expected, err);
	for (; is_digit(*p); p++) {
		d = (uint64_t)(*p - '0');
		if (whole > (UINT64_MAX - d) / 10)
			big = true;
		else
			whole = whole * 10 + d;
	}
	if (*p == '.') {
		p++;
		if (!is_digit(*p))
			return refuse(q, s, q->expected, err);
		for (; is_digit(*p); p++) {
			if (++decimals <= MAX_DECIMALS)
				frac = frac * 10 + (uint64_t)(*p - '0');
		}
		if (decimals > MAX_DECIMALS)
			return refuse(q, s, "at most 6 decimals", err);
		for (d = (uint64_t)decimals; d < MAX_DECIMALS; d++)
			frac *= 10;
	}
	for (u = q->units; u->name; u++)
		if (strcasecmp(p, u->name) == 0)
			break;
	if (!u->name)
		return refuse(q, s, q->expected, err);
	/* frac < 10^6 and every factor <= 8 * 10^9: no overflow here. */
	if (frac * u->factor % MICRO)
		return units_diag(err, "'%s' is not a %s: not a whole number "
				  "of %s", s, q->name, q->held);
	part = frac * u->factor / MICRO;
	if (big || whole > (UINT64_MAX - part) / u->factor)
		return refuse(q, s, "the number is too large", err);
	*out = whole * u->factor + part;
	return 0;
}

int ga_units_duration(const char *s, uint64_t *us, struct ga_error *err)
{
	return read_quantity(s, &duration, us, err);
}

int ga_units_size(const char *s, uint64_t *bytes, struct ga_error *err)
{
	return read_quantity(s, &size, bytes, err);
}

int ga_units_rate(const char *s, uint64_t *bits, struct ga_error *err)
{
	return read_quantity(s, &rate, bits, err);
}

int ga_units_percent(const char *s, uint64_t *micro, struct ga_error *err)
{
	return read_quantity(s, &percent, micro, err);
}

int ga_units_ms(const char *s, long *ms, struct ga_error *err)
{
	uint64_t us;

	if (ga_units_duration(s, &us, err))
		return -1;
	if (us % 1000)
		return ga_error_set(err, "'%s' is not a whole number of "
				    "milliseconds", s);
	if (us / 1000 > (uint64_t)GA_UNITS_MS_MAX)
		return ga_error_set(err, "'%s' is more than one day (86400s)",
				    s);
	*ms = (long)(us / 1000);
	return 0;
}

int ga_units_bytes(const char *s, long *bytes, struct ga_error *err)
{
	uint64_t v;

	if (ga_units_size(s, &v, err))
		return -1;
	if (v > (uint64_t)GA_UNITS_BYTES_MAX)
		return ga_error_set(err, "'%s' is more than 1GiB", s);
	*bytes = (long)v;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Canonical spellings */

/* v in the largest of units (ordered from the smallest) it is a whole
 * number of. */
static void format_whole(uint64_t v, const struct unit *units, char *buf,
			 size_t len)
{
	const struct unit *best = units;
	const struct unit *u;

	for (u = units; u->name; u++)
		if (v % u->factor == 0 && u->factor >= best->factor)
			best = u;
	snprintf(buf, len, "%llu%s", (unsigned long long)(v / best->factor),
		 best->name);
}

void ga_units_format_duration(uint64_t us, char *buf, size_t len)
{
	format_whole(us, duration_units, buf, len);
}

void ga_units_format_size(uint64_t bytes, char *buf, size_t len)
{
	snprintf(buf, len, "%llub", (unsigned long long)bytes);
}

void ga_units_format_rate(uint64_t bits, char *buf, size_t len)
{
	static const struct unit bit_units[] = {
		{ "bit", 1 }, { "kbit", 1000 }, { "mbit", 1000000 },
		{ "gbit", 1000000000 }, { NULL, 0 },
	};

	format_whole(bits, bit_units, buf, len);
}

void ga_units_format_percent(uint64_t micro, char *buf, size_t len)
{
	uint64_t frac = micro % MICRO;
	int decimals = MAX_DECIMALS;

	if (!frac) {
		snprintf(buf, len, "%llu%%",
			 (unsigned long long)(micro / MICRO));
		return;
	}
	while (frac % 10 == 0) {
		frac /= 10;
		decimals--;
	}
	snprintf(buf, len, "%llu.%0*llu%%", (unsigned long long)(micro / MICRO),
		 decimals, (unsigned long long)frac);
}
