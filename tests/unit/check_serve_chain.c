/* check_serve_chain.c - Toxiproxy's toxics as goneaway serve runs them
 * (serve/chain.c), on a clock the test moves: what Toxiproxy's
 * toxics/ tests ask of each - latency and jitter, bandwidth's rate,
 * slow_close, timeout (and 0: hold until removed, whose removal
 * closes), reset_peer, slicer's pieces (and where Toxiproxy would
 * crash), limit_data's count - the end that follows the data through
 * the stages, toxicity 0, and a change or a removal while data waits. */
#include <stdlib.h>
#include <string.h>

#include "serve/chain.h"
#include "suites.h"
#include "util/json.h"

/* Whether type has an attribute called name. */
static bool has_attr(const struct ga_toxic_type *type, const char *name)
{
	size_t i;

	for (i = 0; i < type->nattrs; i++)
		if (strcmp(type->attrs[i].name, name) == 0)
			return true;
	return false;
}

/* A toxic of type with attributes a1 = v1 and a2 = v2 (a NULL name:
 * none), decoded as the API decodes a request's. */
static struct ga_toxic *toxic(const char *type, const char *a1, long long v1,
			      const char *a2, long long v2)
{
	struct ga_toxic *t = ga_toxic_new(ga_toxic_type_find(type));
	char text[256], msg[256];
	struct ga_error err;
	struct ga_json *j;

	ck_assert_ptr_nonnull(t);
	ck_assert(!a1 || has_attr(t->type, a1));
	ck_assert(!a2 || has_attr(t->type, a2));
	t->name = strdup(type);
	t->stream = strdup("downstream");
	snprintf(text, sizeof(text), "{\"%s\":%lld,\"%s\":%lld}",
		 a1 ? a1 : "none", v1, a2 ? a2 : "none", v2);
	j = ga_json_parse(text, strlen(text), &err);
	ck_assert_ptr_nonnull(j);
	ck_assert_msg(ga_toxic_decode_attrs(t, j, msg, sizeof(msg)) == 0,
		      "%s: %s", text, msg);
	ga_json_free(j);
	return t;
}

/* c as a chain of t alone, met at now. */
static void only(struct ga_chain *c, const struct ga_toxic *t, double now)
{
	ga_chain_init(c);
	ck_assert_int_eq(ga_chain_add(c, t, now), 0);
}

/* n bytes of c read at ts into the chain. */
static void put(struct ga_chain *c, size_t n, char ch, double ts)
{
	struct ga_chunk *k = ga_chunk_new(n, ts);

	ck_assert_ptr_nonnull(k);
	memset(k->data, ch, n);
	ga_chain_input(c, k);
}

/* Everything that went through by now: its bytes, appended to out. */
static size_t take(struct ga_chain *c, double now, char *out, size_t cap,
		   size_t *pieces)
{
	struct ga_chunk *k;
	size_t n = 0;

	ga_chain_pump(c, now);
	while ((k = ga_chain_peek(c)) != NULL) {
		if (out && n + k->len < cap)
			memcpy(out + n, k->data + k->off, k->len);
		n += k->len;
		if (pieces)
			(*pieces)++;
		ga_chain_consumed(c, k->len);
	}
	return n;
}

START_TEST(test_latency)
{
	struct ga_toxic *t = toxic("latency", "latency", 100, NULL, 0);
	struct ga_chain c;

	only(&c, t, 0);
	put(&c, 10, 'a', 1000);
	put(&c, 10, 'b', 1050);
	ck_assert_uint_eq(take(&c, 1099, NULL, 0, NULL), 0);
	ck_assert(ga_chain_pump(&c, 1099) == 1100);     /* when to look */
	ck_assert_uint_eq(take(&c, 1100, NULL, 0, NULL), 10);
	ck_assert_uint_eq(take(&c, 1149, NULL, 0, NULL), 0);
	ck_assert_uint_eq(take(&c, 1150, NULL, 0, NULL), 10);
	/* the end follows the last chunk */
	put(&c, 5, 'c', 1200);
	ga_chain_input_end(&c);
	take(&c, 1250, NULL, 0, NULL);
	ck_assert(!c.end);
	ck_assert_uint_eq(take(&c, 1300, NULL, 0, NULL), 5);
	ck_assert(c.end);
	ck_assert(!c.reset);
	ga_chain_free(&c);
	ga_toxic_free(t);
}
END_TEST

/* latency +/- jitter: every chunk's delay within it, both ends met. */
START_TEST(test_jitter)
{
	struct ga_toxic *t = toxic("latency", "latency", 100, "jitter", 20);
	double lo = 1e9, hi = 0, now;
	struct ga_chain c;
	int i;

	srand48(1);
	only(&c, t, 0);
	for (i = 0; i < 400; i++) {
		double ts = i * 1000.0;

		put(&c, 1, 'x', ts);
		for (now = ts; take(&c, now, NULL, 0, NULL) == 0; now += 1)
			ck_assert(now < ts + 200);
		if (now - ts < lo)
			lo = now - ts;
		if (now - ts > hi)
			hi = now - ts;
	}
	ck_assert_msg(lo >= 80 && lo <= 82 && hi >= 117 && hi <= 120,
		      "jitter's delays from %.0f to %.0f ms", lo, hi);
	ga_chain_free(&c);
	ga_toxic_free(t);
}
END_TEST

/* bandwidth: rate KB/s is rate bytes a millisecond, in pieces of 100 ms
 * worth; 0 or less is no limit. */
START_TEST(test_bandwidth)
{
	struct ga_toxic *t = toxic("bandwidth", "rate", 10, NULL, 0);
	struct ga_toxic *none = toxic("bandwidth", "rate", 0, NULL, 0);
	size_t pieces = 0;
	struct ga_chain c;

	only(&c, t, 0);
	put(&c, 2500, 'a', 0);
	ck_assert_uint_eq(take(&c, 0, NULL, 0, &pieces), 0);    /* it came */
	ck_assert_uint_eq(take(&c, 99, NULL, 0, &pieces), 0);
	ck_assert_uint_eq(take(&c, 100, NULL, 0, &pieces), 1000);
	ck_assert_uint_eq(take(&c, 199, NULL, 0, &pieces), 0);
	ck_assert_uint_eq(take(&c, 200, NULL, 0, &pieces), 1000);
	ck_assert_uint_eq(take(&c, 249, NULL, 0, &pieces), 0);
	ck_assert_uint_eq(take(&c, 250, NULL, 0, &pieces), 500);
	ck_assert_uint_eq(pieces, 3);
	ga_chain_free(&c);
	only(&c, none, 0);
	put(&c, 1 << 20, 'a', 0);
	ck_assert_uint_eq(take(&c, 0, NULL, 0, NULL), 1 << 20);
	ga_chain_free(&c);
	ga_toxic_free(t);
	ga_toxic_free(none);
}
END_TEST

START_TEST(test_slow_close)
{
	struct ga_toxic *t = toxic("slow_close", "delay", 50, NULL, 0);
	struct ga_chain c;

	only(&c, t, 0);
	put(&c, 7, 'a', 0);
	ga_chain_input_end(&c);
	ck_assert_uint_eq(take(&c, 10, NULL, 0, NULL), 7);      /* data: now */
	ck_assert(!c.end);
	take(&c, 59, NULL, 0, NULL);
	ck_assert(!c.end);
	take(&c, 60, NULL, 0, NULL);
	ck_assert(c.end);
	ck_assert_str_eq(c.closer, "");         /* the client's end, held */
	ga_chain_free(&c);
	ga_toxic_free(t);
}
END_TEST

/* timeout: nothing passes; the end after timeout; 0 holds until the
 * toxic is removed, and its removal closes (Toxiproxy's Cleanup). */
START_TEST(test_timeout)
{
	struct ga_toxic *t = toxic("timeout", "timeout", 100, NULL, 0);
	struct ga_toxic *hold = toxic("timeout", "timeout", 0, NULL, 0);
	struct ga_chain c;

	only(&c, t, 1000);
	put(&c, 10, 'a', 1000);
	ck_assert_uint_eq(take(&c, 1099, NULL, 0, NULL), 0);
	ck_assert(!c.end);
	ck_assert_uint_eq(take(&c, 1100, NULL, 0, NULL), 0);
	ck_assert(c.end);
	ck_assert_str_eq(c.closer, "timeout (timeout)");
	ck_assert_uint_eq(c.held, 0);
	ga_chain_free(&c);

	only(&c, hold, 0);
	put(&c, 10, 'a', 0);
	ck_assert_uint_eq(take(&c, 1e9, NULL, 0, NULL), 0);
	ck_assert(!c.end);
	ga_chain_remove(&c, hold);
	ck_assert(c.end);
	ck_assert_uint_eq(c.n, 0);
	ga_chain_free(&c);
	ga_toxic_free(t);
	ga_toxic_free(hold);
}
END_TEST

/* reset_peer: from the first data (or end) on nothing passes; timeout
 * later the end, a reset. */
START_TEST(test_reset_peer)
{
	struct ga_toxic *t = toxic("reset_peer", "timeout", 30, NULL, 0);
	struct ga_chain c;

	only(&c, t, 0);
	take(&c, 500, NULL, 0, NULL);
	ck_assert(!c.end);                      /* nothing came: waits */
	put(&c, 10, 'a', 500);
	ck_assert_uint_eq(take(&c, 500, NULL, 0, NULL), 0);     /* it came */
	ck_assert_uint_eq(take(&c, 529, NULL, 0, NULL), 0);
	ck_assert(!c.end);
	take(&c, 530, NULL, 0, NULL);
	ck_assert(c.end);
	ck_assert(c.reset);
	ga_chain_free(&c);
	ga_toxic_free(t);
}
END_TEST

/* slicer: average_size +/- size_variation pieces, delay us apart; the
 * bytes all there in order; average_size 0 (Toxiproxy recurses for
 * ever) gives pieces of a byte. */
START_TEST(test_slicer)
{
	struct ga_toxic *t = toxic("slicer", "average_size", 10, "delay", 1000);
	struct ga_toxic *zero = toxic("slicer", "average_size", 0, NULL, 0);
	struct ga_toxic *wide = toxic("slicer", "average_size", 5,
				      "size_variation", 50);
	char out[4096], want[300];
	size_t pieces = 0, n = 0, i;
	struct ga_chain c;
	double now;

	for (i = 0; i < sizeof(want); i++)
		want[i] = (char)('a' + i % 26);
	only(&c, t, 0);
	{
		struct ga_chunk *k = ga_chunk_new(100, 0);

		memcpy(k->data, want, 100);
		ga_chain_input(&c, k);
	}
	for (now = 0; now <= 20; now += 0.5)
		n += take(&c, now, out + n, sizeof(out) - n, &pieces);
	ck_assert_uint_eq(n, 100);
	ck_assert_int_eq(memcmp(out, want, 100), 0);
	/* 100 bytes in halves of halves: pieces of 6 or 7, 1 ms apart */
	ck_assert_uint_eq(pieces, 16);
	ga_chain_free(&c);

	only(&c, zero, 0);
	put(&c, 64, 'z', 0);
	pieces = 0;
	ck_assert_uint_eq(take(&c, 0, NULL, 0, &pieces), 64);
	ck_assert_uint_eq(pieces, 64);
	ga_chain_free(&c);

	only(&c, wide, 0);
	{
		struct ga_chunk *k = ga_chunk_new(sizeof(want), 0);

		memcpy(k->data, want, sizeof(want));
		ga_chain_input(&c, k);
	}
	n = take(&c, 0, out, sizeof(out), NULL);
	ck_assert_uint_eq(n, sizeof(want));
	ck_assert_int_eq(memcmp(out, want, sizeof(want)), 0);
	ga_chain_free(&c);
	ga_toxic_free(t);
	ga_toxic_free(zero);
	ga_toxic_free(wide);
}
END_TEST

/* limit_data: bytes in all, then the end; 0 ends at the first data. */
START_TEST(test_limit_data)
{
	struct ga_toxic *t = toxic("limit_data", "bytes", 10, NULL, 0);
	struct ga_toxic *zero = toxic("limit_data", "bytes", 0, NULL, 0);
	struct ga_chain c;

	only(&c, t, 0);
	put(&c, 4, 'a', 0);
	put(&c, 4, 'b', 0);
	ck_assert_uint_eq(take(&c, 0, NULL, 0, NULL), 8);
	ck_assert(!c.end);
	put(&c, 4, 'c', 0);
	put(&c, 4, 'd', 0);
	ck_assert_uint_eq(take(&c, 0, NULL, 0, NULL), 2);
	ck_assert(c.end);
	ck_assert(!c.reset);
	ck_assert_str_eq(c.closer, "limit_data (limit_data)");
	ck_assert_uint_eq(c.held, 0);
	ga_chain_free(&c);

	only(&c, zero, 0);
	take(&c, 0, NULL, 0, NULL);
	ck_assert(!c.end);
	put(&c, 4, 'a', 0);
	ck_assert_uint_eq(take(&c, 0, NULL, 0, NULL), 0);
	ck_assert(c.end);
	ga_chain_free(&c);
	ga_toxic_free(t);
	ga_toxic_free(zero);
}
END_TEST

/* toxicity 0: the toxic never acts on the link. */
START_TEST(test_toxicity)
{
	struct ga_toxic *t = toxic("timeout", "timeout", 1, NULL, 0);
	struct ga_chain c;
	bool on = true;

	t->toxicity = 0;
	only(&c, t, 0);
	ck_assert(ga_chain_has(&c, t, &on));
	ck_assert(!on);
	put(&c, 9, 'a', 0);
	ck_assert_uint_eq(take(&c, 100, NULL, 0, NULL), 9);
	ck_assert(!c.end);
	ga_chain_free(&c);
	ga_toxic_free(t);
}
END_TEST

/* A change sends on what latency held (Toxiproxy's interrupted stage),
 * a removal what any stage held, in order, through the next ones. */
START_TEST(test_change_remove)
{
	struct ga_toxic *lat = toxic("latency", "latency", 1000, NULL, 0);
	struct ga_toxic *lim = toxic("limit_data", "bytes", 15, NULL, 0);
	char out[64];
	struct ga_chain c;

	only(&c, lat, 0);
	ga_chain_add(&c, lim, 0);
	put(&c, 10, 'a', 0);
	put(&c, 10, 'b', 0);
	ck_assert_uint_eq(take(&c, 1, NULL, 0, NULL), 0);
	ga_chain_update(&c, lat, 1);
	ck_assert_uint_eq(take(&c, 1, out, sizeof(out), NULL), 10);
	ck_assert_int_eq(out[0], 'a');
	ga_chain_remove(&c, lat);
	ck_assert_uint_eq(take(&c, 2, out, sizeof(out), NULL), 5);
	ck_assert_int_eq(out[0], 'b');
	ck_assert(c.end);
	ga_chain_free(&c);
	ga_toxic_free(lat);
	ga_toxic_free(lim);
}
END_TEST

/* Every type of GA_TOXICS with a pipe, a new one too, with its
 * defaults and changed on the way: what leaves is what came, in order,
 * no more (a prefix: Toxiproxy's toxics delay, cut, drop or close,
 * never change a byte); the chain's count of what it holds is the sum
 * of its queues at every step; and once the stage is removed the end
 * that came in goes out (whatever the toxic held it for). */
#define TYPE_ROW(name) &ga_toxic_##name,
static const struct ga_toxic_type *const table_types[] = {
	GA_TOXICS(TYPE_ROW)
};
#undef TYPE_ROW

/* The bytes in c's queues. */
static size_t queued(const struct ga_chain *c)
{
	size_t i, n = c->out.bytes;

	for (i = 0; i < c->n; i++)
		n += c->st[i].in.bytes;
	return n;
}

START_TEST(test_every_pipe)
{
	const struct ga_toxic_type *type = table_types[_i];
	unsigned char in[400], out[400];
	struct ga_toxic *t;
	struct ga_chunk *k;
	struct ga_chain c;
	size_t n = 0, i;
	double now;

	if (!type->pipe) {
		ck_assert_ptr_nonnull(type->packet);   /* not a byte toxic */
		return;
	}
	t = ga_toxic_new(type);
	ck_assert_ptr_nonnull(t);
	t->name = strdup("x");
	t->stream = strdup("downstream");
	for (i = 0; i < sizeof(in); i++)
		in[i] = (unsigned char)(i % 251);
	only(&c, t, 0);
	for (now = 0; now <= 2000; now += 5) {
		if (now < 40 && (int)now % 10 == 0) {
			k = ga_chunk_new(100, now);
			ck_assert_ptr_nonnull(k);
			memcpy(k->data, in + (size_t)now * 10, 100);
			ga_chain_input(&c, k);
		}
		if (now == 40)
			ga_chain_input_end(&c);
		if (now == 15)
			ga_chain_update(&c, t, now);
		ga_chain_pump(&c, now);
		ck_assert_uint_eq(queued(&c), c.held);
		while ((k = ga_chain_peek(&c)) != NULL) {
			ck_assert_uint_le(n + k->len, sizeof(out));
			memcpy(out + n, k->data + k->off, k->len);
			n += k->len;
			ga_chain_consumed(&c, k->len);
		}
	}
	ck_assert_msg(memcmp(out, in, n) == 0, "%s: what left is not what "
		      "came, in order", type->name);
	ga_chain_remove(&c, t);
	ga_chain_pump(&c, now);
	while ((k = ga_chain_peek(&c)) != NULL)
		ga_chain_consumed(&c, k->len);
	ck_assert_msg(c.end, "%s: the end did not go out", type->name);
	ck_assert_uint_eq(c.held, 0);
	ga_chain_free(&c);
	ga_toxic_free(t);
}
END_TEST

Suite *make_serve_chain_suite(void)
{
	Suite *s = suite_create("serve_chain");
	TCase *tc = tcase_create("toxics");

	tcase_set_timeout(tc, 10);
	tcase_add_test(tc, test_latency);
	tcase_add_test(tc, test_jitter);
	tcase_add_test(tc, test_bandwidth);
	tcase_add_test(tc, test_slow_close);
	tcase_add_test(tc, test_timeout);
	tcase_add_test(tc, test_reset_peer);
	tcase_add_test(tc, test_slicer);
	tcase_add_test(tc, test_limit_data);
	tcase_add_test(tc, test_toxicity);
	tcase_add_test(tc, test_change_remove);
	tcase_add_loop_test(tc, test_every_pipe, 0,
			    sizeof(table_types) / sizeof(table_types[0]));
	suite_add_tcase(s, tc);
	return s;
}
