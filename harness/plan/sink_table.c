/* sink_table.c - the sink that fills the server × client table
 * (report/matrix.h): a cell per case, its scenario's row and its
 * combination's column.  The outputs show it at the run's end. */
#include "plan/internal.h"

static void table_end_case(struct ga_sink *s, const struct ga_case_end *e)
{
	ga_matrix_set(s->state, e->row, e->column, e->sc, e->res,
		      e->res->library);
}

static const struct ga_sink_ops table_ops = {
	.name = "table",
	.end_case = table_end_case,
};

int ga_sink_add_table(struct ga_sinks *l, struct ga_matrix *m)
{
	return ga_sinks_add(l, &table_ops, m);
}
