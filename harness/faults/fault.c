/* fault.c - see fault.h: the table of fault kinds. */
#include "faults/fault.h"

#include <string.h>

static const struct ga_fault_kind *const kinds[] = {
	&ga_fault_firewall,
	&ga_fault_tbf,
	&ga_fault_netem,
	&ga_fault_pause,
	NULL,
};

const struct ga_fault_kind *const *ga_fault_kinds(void)
{
	return kinds;
}

const struct ga_fault_kind *ga_fault_kind_find(const char *name)
{
	size_t i;

	for (i = 0; kinds[i]; i++)
		if (strcmp(kinds[i]->name, name) == 0)
			return kinds[i];
	return NULL;
}
