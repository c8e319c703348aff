/* toxic_slicer.c - Toxiproxy's slicer (its toxics/slicer.go): each chunk
 * cut into pieces of average_size +/- size_variation bytes, delay
 * microseconds apart.  Where Toxiproxy would crash (an average_size of
 * 0 recurses for ever; a size_variation above average_size slices out
 * of bounds) the pieces are at least one byte and within the chunk. */
#include "serve/chain.h"

#include <stdlib.h>

#define ATTRS(X, st) \
	X(st, average_size, INT, NULL, "size in bytes of an average piece") \
	X(st, size_variation, INT, NULL, "variation in bytes of a piece") \
	X(st, delay, INT, NULL, "time in microseconds between pieces")
GA_TOXIC_ATTRS(slicer, ATTRS);

/* The ends of the pieces a cuts [start, end) into (Toxiproxy's
 * recursive halving, with pieces of at least a byte), appended to
 * cuts. */
static void slice(const struct slicer *a, size_t start, size_t end,
		  size_t *cuts, size_t *n)
{
	long long avg = a->average_size, var = a->size_variation;
	size_t mid;
	long long off;

	if ((long long)(end - start) - avg <= var || end - start <= 1) {
		cuts[(*n)++] = end;
		return;
	}
	mid = start + (end - start) / 2;
	if (var > 0) {
		off = (long long)(drand48() * (double)(2 * var)) - var;
		if (off < 0 && (size_t)-off >= mid - start)
			mid = start + 1;
		else if (off > 0 && (size_t)off >= end - mid)
			mid = end - 1;
		else
			mid = (size_t)((long long)mid + off);
	}
	slice(a, start, mid, cuts, n);
	slice(a, mid, end, cuts, n);
}

GA_TOXIC_PIPE(slicer)
{
	bool moved = false;
	size_t piece, len;

	while (s->in.head) {
		if (s->t && now < s->t) {
			*deadline = s->t;
			return moved;
		}
		if (!s->cuts) {
			len = s->in.head->len;
			s->cuts = malloc((len ? len : 1) * sizeof(*s->cuts));
			if (!s->cuts)
				return moved;
			s->ncuts = s->cut_at = 0;
			if (len)
				slice(a, 0, len, s->cuts, &s->ncuts);
		}
		piece = s->cut_at < s->ncuts ? s->cuts[s->cut_at] -
			(s->cut_at ? s->cuts[s->cut_at - 1] : 0) : 0;
		if (s->cut_at + 1 >= s->ncuts) {
			ga_chain_move_head(c, i);       /* its last piece */
			free(s->cuts);
			s->cuts = NULL;
		} else if (ga_chain_move_piece(c, i, piece)) {
			return moved;
		} else {
			s->cut_at++;
		}
		moved = true;
		s->t = a->delay > 0 ? now + (double)a->delay / 1000.0 : 0;
	}
	if (s->t && now >= s->t)
		s->t = 0;
	return ga_chain_pass_end(c, i) || moved;
}

const struct ga_toxic_type ga_toxic_slicer = {
	GA_TOXIC_PIPE_OF(slicer, "SlicerToxic"),
	.what = "Slices the data into pieces of average_size +/- "
		"size_variation bytes, delay microseconds apart.",
	.interrupted = ga_chain_move_head,
};
