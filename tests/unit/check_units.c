/* check_units.c - numbers with units (util/units.c): every spelling of
 * every quantity, the bounds of the 64-bit values and of the scenario
 * language's own durations and sizes, the messages, and the canonical
 * spellings reading back as themselves. */
#include <stdint.h>
#include <string.h>

#include "util/units.h"
#include "suites.h"

#define N(a) ((int)(sizeof(a) / sizeof((a)[0])))
#define SENTINEL 0x5a5a5a5a5a5a5a5aull

enum which { DURATION, SIZE, RATE, PERCENT, MS, BYTES };

static const char *const which_name[] = {
	[DURATION] = "duration", [SIZE] = "size", [RATE] = "rate",
	[PERCENT] = "percent", [MS] = "ms", [BYTES] = "bytes",
};

/* Reads s as q; the long results of MS and BYTES come back widened. */
static int read_as(enum which q, const char *s, uint64_t *out,
		   struct ga_error *err)
{
	long l = (long)(*out & 0x7fffffff);
	long before = l;
	int rc = -1;

	switch (q) {
	case DURATION: return ga_units_duration(s, out, err);
	case SIZE: return ga_units_size(s, out, err);
	case RATE: return ga_units_rate(s, out, err);
	case PERCENT: return ga_units_percent(s, out, err);
	case MS: rc = ga_units_ms(s, &l, err); break;
	case BYTES: rc = ga_units_bytes(s, &l, err); break;
	}
	if (rc == 0)
		*out = (uint64_t)l;
	else
		ck_assert_msg(l == before, "%s '%s': *out changed on failure",
			      which_name[q], s);
	return rc;
}

/* ---- accepted ---------------------------------------------------------- */

static const struct {
	enum which q;
	const char *in;
	uint64_t want;
} good[] = {
	/* durations, in microseconds */
	{ DURATION, "0us", 0 },
	{ DURATION, "1us", 1 },
	{ DURATION, "300us", 300 },
	{ DURATION, "500ms", 500000 },
	{ DURATION, "2s", 2000000 },
	{ DURATION, "1.5s", 1500000 },
	{ DURATION, "1.5ms", 1500 },
	{ DURATION, "0.000001s", 1 },
	{ DURATION, "1.000001s", 1000001 },
	{ DURATION, "007ms", 7000 },
	{ DURATION, "2S", 2000000 },            /* case is ignored, as tc */
	{ DURATION, "2MS", 2000 },
	{ DURATION, "3Us", 3 },
	/* regression: "1.001s" was refused once, by float rounding */
	{ DURATION, "1.001s", 1001000 },
	{ DURATION, "1.005s", 1005000 },
	{ DURATION, "4.001s", 4001000 },
	{ DURATION, "18446744073709551615us", UINT64_MAX },
	{ DURATION, "18446744073709.551615s", UINT64_MAX },
	/* sizes, in bytes: every unit a power of 1024 */
	{ SIZE, "0", 0 },
	{ SIZE, "1", 1 },
	{ SIZE, "4096", 4096 },
	{ SIZE, "007", 7 },
	{ SIZE, "1b", 1 },
	{ SIZE, "512B", 512 },
	{ SIZE, "1k", 1024 },
	{ SIZE, "1K", 1024 },
	{ SIZE, "1kb", 1024 },
	{ SIZE, "1KB", 1024 },
	{ SIZE, "1kib", 1024 },
	{ SIZE, "64KiB", 65536 },
	{ SIZE, "1m", 1048576 },
	{ SIZE, "1M", 1048576 },
	{ SIZE, "1mb", 1048576 },
	{ SIZE, "1MB", 1048576 },
	{ SIZE, "2MiB", 2097152 },
	{ SIZE, "1g", 1073741824 },
	{ SIZE, "1G", 1073741824 },
	{ SIZE, "1gb", 1073741824 },
	{ SIZE, "1GiB", 1073741824 },
	{ SIZE, "1.5M", 1572864 },
	{ SIZE, "0.5k", 512 },
	{ SIZE, "1.5kb", 1536 },
	{ SIZE, "2047.984375m", 2147467264 },
	{ SIZE, "2147483647", 2147483647 },     /* past 10^9: was refused */
	{ SIZE, "2147483648b", 2147483648u },
	{ SIZE, "18446744073709551615", UINT64_MAX },
	{ SIZE, "17179869183g", 18446744072635809792ull },
	/* rates, in bits per second: powers of 1000 */
	{ RATE, "1bit", 1 },
	{ RATE, "8bit", 8 },
	{ RATE, "16kbit", 16000 },
	{ RATE, "100Kbit", 100000 },
	{ RATE, "1.5mbit", 1500000 },
	{ RATE, "0.001kbit", 1 },
	{ RATE, "1gbit", 1000000000 },
	{ RATE, "17gbit", 17000000000ull },
	{ RATE, "17179869176bit", 17179869176ull },
	{ RATE, "1bps", 8 },
	{ RATE, "2kbps", 16000 },
	{ RATE, "1mbps", 8000000 },
	{ RATE, "2gbps", 16000000000ull },
	{ RATE, "0.000001gbps", 8000 },
	{ RATE, "18446744073709551615bit", UINT64_MAX },
	{ RATE, "2305843009213693951bps", 18446744073709551608ull },
	/* percentages, in millionths of a percent */
	{ PERCENT, "0%", 0 },
	{ PERCENT, "30%", 30000000 },
	{ PERCENT, "0.5%", 500000 },
	{ PERCENT, "12.5%", 12500000 },
	{ PERCENT, "0.000001%", 1 },
	{ PERCENT, "100%", 100000000 },
	{ PERCENT, "100.000001%", 100000001 },
	{ PERCENT, "18446744073709.551615%", UINT64_MAX },
	/* the scenario language's durations: whole ms, at most a day */
	{ MS, "500ms", 500 },
	{ MS, "2s", 2000 },
	{ MS, "1.5s", 1500 },
	{ MS, "0ms", 0 },
	{ MS, "0s", 0 },
	{ MS, "1ms", 1 },
	{ MS, "0.25s", 250 },
	{ MS, "2.003s", 2003 },
	{ MS, "0.001s", 1 },
	{ MS, "2000us", 2 },
	{ MS, "1.001s", 1001 },
	{ MS, "86400s", 86400000 },             /* exactly one day */
	{ MS, "86400000ms", 86400000 },
	{ MS, "86400000000us", 86400000 },
	/* ... and sizes: at most 1 GiB */
	{ BYTES, "0", 0 },
	{ BYTES, "4096", 4096 },
	{ BYTES, "64KiB", 65536 },
	{ BYTES, "1M", 1048576 },
	{ BYTES, "2MiB", 2097152 },
	{ BYTES, "1.5M", 1572864 },
	{ BYTES, "1G", 1073741824 },
	{ BYTES, "1GiB", 1073741824 },
	{ BYTES, "1024M", 1073741824 },
	{ BYTES, "1048576K", 1073741824 },
	{ BYTES, "1073741824", 1073741824 },
	{ BYTES, "0G", 0 },
};

START_TEST(test_good)
{
	struct ga_error err = { "untouched" };
	uint64_t v = SENTINEL;

	ck_assert_msg(read_as(good[_i].q, good[_i].in, &v, &err) == 0,
		      "%s '%s' refused: %s", which_name[good[_i].q],
		      good[_i].in, err.msg);
	ck_assert_msg(v == good[_i].want, "%s '%s' read as %llu, want %llu",
		      which_name[good[_i].q], good[_i].in,
		      (unsigned long long)v, (unsigned long long)good[_i].want);
	ck_assert_str_eq(err.msg, "untouched");
}
END_TEST

/* ---- refused, with the whole message ------------------------------------ */

#define NOT_DURATION(s) "'" s "' is not a duration: a number and us, ms " \
	"or s, in whole microseconds"
#define NOT_SIZE(s) "'" s "' is not a size: a number of bytes, optionally " \
	"with b, k/kb/KiB (1024), m/mb/MiB (1048576) or g/gb/GiB (1073741824)"
#define NOT_RATE(s) "'" s "' is not a rate: a number and bit, kbit, mbit, " \
	"gbit (bits/s) or bps, kbps, mbps, gbps (bytes/s)"
#define NOT_PERCENT(s) "'" s "' is not a percentage: a number with at " \
	"most 6 decimals and '%', e.g. 30% or 0.5%"

static const struct {
	enum which q;
	const char *in;
	const char *msg;
} bad[] = {
	{ DURATION, "", NOT_DURATION("") },
	{ DURATION, "s", NOT_DURATION("s") },
	{ DURATION, "ms", NOT_DURATION("ms") },
	{ DURATION, "2", NOT_DURATION("2") },           /* no unit */
	{ DURATION, "-1s", NOT_DURATION("-1s") },
	{ DURATION, "+2s", NOT_DURATION("+2s") },
	{ DURATION, " 2s", NOT_DURATION(" 2s") },
	{ DURATION, "2 s", NOT_DURATION("2 s") },
	{ DURATION, "2s ", NOT_DURATION("2s ") },
	{ DURATION, "2sec", NOT_DURATION("2sec") },
	{ DURATION, "2m", NOT_DURATION("2m") },         /* no minutes */
	{ DURATION, "2h", NOT_DURATION("2h") },
	{ DURATION, ".5s", NOT_DURATION(".5s") },
	{ DURATION, "5.s", NOT_DURATION("5.s") },
	{ DURATION, "1,5s", NOT_DURATION("1,5s") },
	{ DURATION, "1.5.0s", NOT_DURATION("1.5.0s") },
	{ DURATION, "0x10ms", NOT_DURATION("0x10ms") },
	{ DURATION, "1e3ms", NOT_DURATION("1e3ms") },
	{ DURATION, "nan", NOT_DURATION("nan") },
	{ DURATION, "inf", NOT_DURATION("inf") },
	{ DURATION, "1.5us",
	  "'1.5us' is not a duration: not a whole number of microseconds" },
	{ DURATION, "0.0000005s",
	  "'0.0000005s' is not a duration: at most 6 decimals" },
	{ DURATION, "1.0000000s",
	  "'1.0000000s' is not a duration: at most 6 decimals" },
	{ DURATION, "18446744073709551616us",
	  "'18446744073709551616us' is not a duration: the number is too large" },
	{ DURATION, "18446744073709.551616s",
	  "'18446744073709.551616s' is not a duration: the number is too large" },
	{ DURATION, "18446744073710s",
	  "'18446744073710s' is not a duration: the number is too large" },
	{ DURATION, "99999999999999999999999999999999ms", "'999999999999999"
	  "99999999999999999ms' is not a duration: the number is too large" },

	{ SIZE, "", NOT_SIZE("") },
	{ SIZE, "-1", NOT_SIZE("-1") },
	{ SIZE, "+1", NOT_SIZE("+1") },
	{ SIZE, " 1", NOT_SIZE(" 1") },
	{ SIZE, "1 ", NOT_SIZE("1 ") },
	{ SIZE, "K", NOT_SIZE("K") },
	{ SIZE, "MiB", NOT_SIZE("MiB") },
	{ SIZE, "1Ki", NOT_SIZE("1Ki") },
	{ SIZE, "1MiBx", NOT_SIZE("1MiBx") },
	{ SIZE, "1t", NOT_SIZE("1t") },
	{ SIZE, "1kbit", NOT_SIZE("1kbit") },
	{ SIZE, "0x10", NOT_SIZE("0x10") },
	{ SIZE, "1e3", NOT_SIZE("1e3") },
	{ SIZE, "1.5", "'1.5' is not a size: not a whole number of bytes" },
	{ SIZE, "1.5b", "'1.5b' is not a size: not a whole number of bytes" },
	{ SIZE, "0.000001g",
	  "'0.000001g' is not a size: not a whole number of bytes" },
	{ SIZE, "0.0000001k", "'0.0000001k' is not a size: at most 6 decimals" },
	{ SIZE, "18446744073709551616",
	  "'18446744073709551616' is not a size: the number is too large" },
	{ SIZE, "17179869184g",
	  "'17179869184g' is not a size: the number is too large" },

	{ RATE, "", NOT_RATE("") },
	{ RATE, "1000", NOT_RATE("1000") },     /* no unit: bits or bytes? */
	{ RATE, "16kbt", NOT_RATE("16kbt") },
	{ RATE, "-1mbit", NOT_RATE("-1mbit") },
	{ RATE, "1e6bit", NOT_RATE("1e6bit") },
	{ RATE, "1kibit", NOT_RATE("1kibit") },
	{ RATE, "1k", NOT_RATE("1k") },
	{ RATE, "0.5bit",
	  "'0.5bit' is not a rate: not a whole number of bits per second" },
	{ RATE, "0.0000001gbit",
	  "'0.0000001gbit' is not a rate: at most 6 decimals" },
	{ RATE, "18446744073709551616bit",
	  "'18446744073709551616bit' is not a rate: the number is too large" },
	{ RATE, "2305843009213693952bps",
	  "'2305843009213693952bps' is not a rate: the number is too large" },

	{ PERCENT, "", NOT_PERCENT("") },
	{ PERCENT, "30", NOT_PERCENT("30") },
	{ PERCENT, "%", NOT_PERCENT("%") },
	{ PERCENT, ".5%", NOT_PERCENT(".5%") },
	{ PERCENT, "5.%", NOT_PERCENT("5.%") },
	{ PERCENT, "-1%", NOT_PERCENT("-1%") },
	{ PERCENT, "30 %", NOT_PERCENT("30 %") },
	{ PERCENT, "30%%", NOT_PERCENT("30%%") },
	{ PERCENT, "0.0000001%",
	  "'0.0000001%' is not a percentage: at most 6 decimals" },
	{ PERCENT, "18446744073709.551616%",
	  "'18446744073709.551616%' is not a percentage: the number is too "
	  "large" },

	{ MS, "2", NOT_DURATION("2") },
	{ MS, "2m", NOT_DURATION("2m") },
	{ MS, "1.0005s", "'1.0005s' is not a whole number of milliseconds" },
	{ MS, "0.5ms", "'0.5ms' is not a whole number of milliseconds" },
	{ MS, "1500us", "'1500us' is not a whole number of milliseconds" },
	{ MS, "86400001ms", "'86400001ms' is more than one day (86400s)" },
	{ MS, "86400.001s", "'86400.001s' is more than one day (86400s)" },
	{ MS, "100000000s", "'100000000s' is more than one day (86400s)" },
	{ MS, "18446744073709551615us",
	  "'18446744073709551615us' is not a whole number of milliseconds" },
	{ MS, "18446744073709551000us",
	  "'18446744073709551000us' is more than one day (86400s)" },

	{ BYTES, "-1", NOT_SIZE("-1") },
	{ BYTES, "1.5b", "'1.5b' is not a size: not a whole number of bytes" },
	{ BYTES, "1073741825", "'1073741825' is more than 1GiB" },
	{ BYTES, "1025M", "'1025M' is more than 1GiB" },
	{ BYTES, "1048577K", "'1048577K' is more than 1GiB" },
	{ BYTES, "2G", "'2G' is more than 1GiB" },
	{ BYTES, "1.5GiB", "'1.5GiB' is more than 1GiB" },
	{ BYTES, "9223372036854775807", "'9223372036854775807' is more than "
	  "1GiB" },
	{ BYTES, "99999999999999999999999999", "'99999999999999999999999999' "
	  "is not a size: the number is too large" },
};

START_TEST(test_bad)
{
	struct ga_error err = { "untouched" };
	uint64_t v = SENTINEL;

	ck_assert_msg(read_as(bad[_i].q, bad[_i].in, &v, &err) == -1,
		      "%s '%s' accepted as %llu", which_name[bad[_i].q],
		      bad[_i].in, (unsigned long long)v);
	ck_assert_msg(v == SENTINEL, "%s '%s' changed *out on failure",
		      which_name[bad[_i].q], bad[_i].in);
	ck_assert_str_eq(err.msg, bad[_i].msg);
}
END_TEST

/* NULL is refused, and a NULL err is allowed. */
START_TEST(test_null)
{
	struct ga_error err;
	uint64_t v = SENTINEL;
	long l = 7;

	ck_assert_int_eq(ga_units_duration(NULL, &v, &err), -1);
	ck_assert_str_eq(err.msg, NOT_DURATION("(null)"));
	ck_assert_int_eq(ga_units_size("x", &v, NULL), -1);
	ck_assert_int_eq(ga_units_ms(NULL, &l, NULL), -1);
	ck_assert_int_eq(ga_units_bytes("2G", &l, NULL), -1);
	ck_assert_int_eq(ga_units_ms("1.5ms", &l, NULL), -1);
	ck_assert(v == SENTINEL);
	ck_assert_int_eq(l, 7);
}
END_TEST

/* ---- canonical spellings ------------------------------------------------ */

static const struct {
	enum which q;
	uint64_t v;
	const char *text;
} spelled[] = {
	{ DURATION, 1, "1us" },
	{ DURATION, 300, "300us" },
	{ DURATION, 1000, "1ms" },
	{ DURATION, 1500000, "1500ms" },
	{ DURATION, 1001000, "1001ms" },
	{ DURATION, 2000000, "2s" },
	{ DURATION, 100000000, "100s" },
	{ DURATION, 1000001, "1000001us" },
	{ DURATION, UINT64_MAX, "18446744073709551615us" },
	{ SIZE, 1514, "1514b" },
	{ SIZE, 1048576, "1048576b" },
	{ SIZE, UINT64_MAX, "18446744073709551615b" },
	{ RATE, 8, "8bit" },
	{ RATE, 16000, "16kbit" },
	{ RATE, 1500000, "1500kbit" },
	{ RATE, 1000000000, "1gbit" },
	{ RATE, 17000000000ull, "17gbit" },
	{ RATE, 17179869176ull, "17179869176bit" },
	{ RATE, 16000000000ull, "16gbit" },
	{ PERCENT, 0, "0%" },
	{ PERCENT, 1, "0.000001%" },
	{ PERCENT, 500000, "0.5%" },
	{ PERCENT, 12500000, "12.5%" },
	{ PERCENT, 30000000, "30%" },
	{ PERCENT, 100000000, "100%" },
	{ PERCENT, 123456789, "123.456789%" },
};

START_TEST(test_spelled)
{
	char buf[64], small[4];
	uint64_t back = SENTINEL;
	struct ga_error err;

	switch (spelled[_i].q) {
	case DURATION:
		ga_units_format_duration(spelled[_i].v, buf, sizeof(buf));
		ga_units_format_duration(spelled[_i].v, small, sizeof(small));
		break;
	case SIZE:
		ga_units_format_size(spelled[_i].v, buf, sizeof(buf));
		ga_units_format_size(spelled[_i].v, small, sizeof(small));
		break;
	case RATE:
		ga_units_format_rate(spelled[_i].v, buf, sizeof(buf));
		ga_units_format_rate(spelled[_i].v, small, sizeof(small));
		break;
	default:
		ga_units_format_percent(spelled[_i].v, buf, sizeof(buf));
		ga_units_format_percent(spelled[_i].v, small, sizeof(small));
		break;
	}
	ck_assert_str_eq(buf, spelled[_i].text);
	/* cut to fit, terminated */
	ck_assert_int_eq(strncmp(small, buf, sizeof(small) - 1), 0);
	ck_assert_uint_le(strlen(small), sizeof(small) - 1);
	/* and it reads back as the same value */
	ck_assert_msg(read_as(spelled[_i].q, buf, &back, &err) == 0, "%s: %s",
		      buf, err.msg);
	ck_assert_msg(back == spelled[_i].v, "'%s' read back as %llu", buf,
		      (unsigned long long)back);
}
END_TEST

Suite *make_units_suite(void)
{
	Suite *s = suite_create("units");
	TCase *tc;

	tc = tcase_create("accepted");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_good, 0, N(good));
	suite_add_tcase(s, tc);

	tc = tcase_create("refused");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_bad, 0, N(bad));
	tcase_add_test(tc, test_null);
	suite_add_tcase(s, tc);

	tc = tcase_create("spelled");
	tcase_set_timeout(tc, 5);
	tcase_add_loop_test(tc, test_spelled, 0, N(spelled));
	suite_add_tcase(s, tc);
	return s;
}
