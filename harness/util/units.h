/* units.h - numbers with units, as scenario files write them.
 *
 * Every number with a unit in a scenario - a sleep, a timeout, a byte
 * count, a %repeat count, a fault's rate, delay or percentage - is read
 * here: one reader, and one table of units per quantity.
 *
 *   quantity    units (case is ignored)                  held as
 *   duration    us, ms, s                                microseconds
 *   size        (none) or b; k, kb, kib; m, mb, mib;     bytes
 *               g, gb, gib - all powers of 1024
 *   rate        bit, kbit, mbit, gbit (bits/s) and       bits per second
 *               bps, kbps, mbps, gbps (bytes/s) - all
 *               powers of 1000, as tc writes them
 *   percentage  %                                        millionths of a
 *                                                        percent
 *
 * A size unit is always a power of 1024, as in tc and in MySQL's option
 * files: "kb", "mb" are KiB and MiB, there is no decimal kilobyte.  A
 * duration has no minutes ("2m" is a size in tc's spelling, not a
 * duration).
 *
 * A number is decimal digits, optionally '.' and one to six more digits:
 * "2", "1.5", "0.000001".  No sign, no exponent, no blank between the
 * number and its unit.  The value is computed in integers, exactly
 * ("1.001s" is 1001000 us, "2047.984375m" is 2147467264 bytes), must come
 * out whole in the unit it is held in ("1.5us", "0.5bit" are refused) and
 * must fit in 64 bits: nothing is rounded and nothing wraps.
 *
 * Each reader returns 0 and sets *out, or returns -1 with a message in
 * err that says what was expected ("'2x' is not a duration: a number and
 * us, ms or s, in whole microseconds") and leaves *out untouched.  err
 * may be NULL.  Ranges are the caller's business (a tbf latency is at
 * most 100s, a sleep at most one day), except in ga_units_ms() and
 * ga_units_bytes(), the scenario language's own durations and sizes.
 */
#ifndef GA_UNITS_H
#define GA_UNITS_H

#include <stddef.h>
#include <stdint.h>

#include "util/error.h"

int ga_units_duration(const char *s, uint64_t *us, struct ga_error *err);
int ga_units_size(const char *s, uint64_t *bytes, struct ga_error *err);
int ga_units_rate(const char *s, uint64_t *bits, struct ga_error *err);
int ga_units_percent(const char *s, uint64_t *micro, struct ga_error *err);

/* The scenario language's durations: a whole number of milliseconds, at
 * most one day ("500ms", "2s", "1.5s"; not "1.5ms"). */
#define GA_UNITS_MS_MAX 86400000L
int ga_units_ms(const char *s, long *ms, struct ga_error *err);

/* The scenario language's sizes: bytes, at most 1 GiB ("4096", "64KiB",
 * "2MiB", "1M"). */
#define GA_UNITS_BYTES_MAX (1L << 30)
int ga_units_bytes(const char *s, long *bytes, struct ga_error *err);

/* Each value in its shortest spelling that reads back as the same value:
 * "1500ms", "64b" (sizes in plain bytes), "1500kbit", "0.5%".  The text
 * is cut to fit len. */
void ga_units_format_duration(uint64_t us, char *buf, size_t len);
void ga_units_format_size(uint64_t bytes, char *buf, size_t len);
void ga_units_format_rate(uint64_t bits, char *buf, size_t len);
void ga_units_format_percent(uint64_t micro, char *buf, size_t len);

#endif
