/* fault.c - see fault.h: the table of fault kinds, one row per kind. */
#include "faults/fault.h"

static const struct ga_fault_kind *const kinds[] = {
	&ga_fault_firewall,
	&ga_fault_tbf,
	&ga_fault_netem,
	&ga_fault_pause,
	&ga_fault_point,
	NULL,
};

const struct ga_fault_kind *const *ga_fault_table(void)
{
	return kinds;
}
