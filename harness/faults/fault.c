/* fault.c - see fault.h: the table of fault kinds, GA_FAULT_KINDS, and
 * a fault's target in a lab. */
#include "faults/fault.h"

#include <stddef.h>
#include <string.h>

#include "lab/lab.h"

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

void ga_fault_target_in(struct ga_fault_target *t, const struct ga_lab *lab,
			unsigned port, unsigned tag)
{
	memset(t, 0, sizeof(*t));
	t->client_ns = lab->client_ns;
	t->server_ns = lab->server_ns;
	t->client_if = lab->client_if;
	t->server_if = lab->server_if;
	t->client_addr = lab->client_addr ? lab->client_addr :
			 GA_LAB_CLIENT_ADDR;
	t->server_addr = GA_LAB_SERVER_ADDR;
	t->server_port = port;
	if (lab->proxy_ns >= 0) {       /* the clients connect to the proxy */
		t->connect_addr = lab->connect_addr;
		t->connect_port = port;
		t->connect_ns = lab->proxy_ns;
	}
	t->tag = tag;
}
