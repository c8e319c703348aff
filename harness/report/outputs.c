/* outputs.c - the table of outputs (report/outputs.h), made of
 * GA_OUTPUTS: one row per output, each defined in its own file. */
#include "report/outputs.h"

#include <stdio.h>
#include <string.h>

#include "util/byname.h"

#define GA_OUTPUT_ROW(name) &ga_output_##name,
static const struct ga_output *const outputs[] = {
	GA_OUTPUTS(GA_OUTPUT_ROW)
	NULL,
};
#undef GA_OUTPUT_ROW

_Static_assert(sizeof(outputs) / sizeof(outputs[0]) <= GA_OUTPUTS_MAX + 1,
	       "GA_OUTPUTS has more rows than GA_OUTPUTS_MAX");

const struct ga_output *const *ga_outputs(void)
{
	return outputs;
}

GA_FIND_BY_NAME(ga_output_find, const struct ga_output, outputs)

size_t ga_output_index(const struct ga_output *o)
{
	size_t i;

	for (i = 0; outputs[i] && outputs[i] != o; i++)
		;
	return i;
}

void ga_output_formats(unsigned command, bool marked, char *buf, size_t len)
{
	size_t i, n = 0, k = 0, used;

	for (i = 0; outputs[i]; i++)
		n += (outputs[i]->console & command) != 0;
	buf[0] = '\0';
	for (i = 0; outputs[i] && len; i++) {
		if (!(outputs[i]->console & command))
			continue;
		used = strlen(buf);
		snprintf(buf + used, len - used, "%s%s%s",
			 k == 0 ? "" : k + 1 == n ? " or " : ", ",
			 outputs[i]->name,
			 k == 0 && marked ? " (default)" : "");
		k++;
	}
}
