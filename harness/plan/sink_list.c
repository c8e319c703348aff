/* sink_list.c - an ordered list of sinks (plan/sink.h), fed in its order. */
#include "plan/sink.h"

#include <stdlib.h>

int ga_sinks_add(struct ga_sinks *l, const struct ga_sink_ops *ops,
		 void *state)
{
	struct ga_sink **grown, *s = calloc(1, sizeof(*s));

	grown = s ? realloc(l->v, (l->n + 1) * sizeof(*grown)) : NULL;
	if (!grown) {
		free(s);
		if (ops->destroy) {
			struct ga_sink tmp = { ops, state };

			ops->destroy(&tmp);
		}
		return -1;
	}
	s->ops = ops;
	s->state = state;
	l->v = grown;
	l->v[l->n++] = s;
	return 0;
}

void ga_sinks_begin_run(const struct ga_sinks *l, size_t ncases)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i]->ops->begin_run)
			l->v[i]->ops->begin_run(l->v[i], ncases);
}

void ga_sinks_begin_case(const struct ga_sinks *l, size_t index,
			 const struct ga_scenario *sc)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i]->ops->begin_case)
			l->v[i]->ops->begin_case(l->v[i], index, sc);
}

void ga_sinks_end_case(const struct ga_sinks *l, const struct ga_case_end *e)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i]->ops->end_case)
			l->v[i]->ops->end_case(l->v[i], e);
}

void ga_sinks_end_run(const struct ga_sinks *l,
		      const struct ga_run_summary *sum)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i]->ops->end_run)
			l->v[i]->ops->end_run(l->v[i], sum);
}

void ga_sinks_free(struct ga_sinks *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		if (l->v[i]->ops->destroy)
			l->v[i]->ops->destroy(l->v[i]);
		free(l->v[i]);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}
