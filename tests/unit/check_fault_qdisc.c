/* PLACEHOLDER: being written. */
#include "suites.h"

Suite *make_fault_qdisc_suite(void)
{
	return suite_create("fault_qdisc");
}
