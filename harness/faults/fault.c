/* fault.c - see fault.h: the table of fault kinds, GA_FAULT_KINDS. */
#include "faults/fault.h"

#include <stddef.h>

#define GA_FAULT_ROW(name) &ga_fault_##name,
static const struct ga_fault_kind *const kinds[] = {
	GA_FAULT_KINDS(GA_FAULT_ROW)
	NULL,
};
#undef GA_FAULT_ROW

const struct ga_fault_kind *const *ga_fault_table(void)
{
	return kinds;
}
