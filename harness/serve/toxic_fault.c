/* toxic_fault.c - the fault toxics: fault_NAME for each kind of
 * faults/fault.h, a fault of the lab between goneaway's server and the
 * proxies, carried by a proxy whose upstream is that server.  Its one
 * attribute, args, is the words of a scenario's fault line after the
 * kind, parsed and validated by the kind (the spec it gets is the
 * toxic's); serve/apicollection.c puts it on the lab and lifts it
 * through serve/backstage.c's fault stack. */
#include "serve/toxics.h"

#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

#include "faults/fault.h"

#define ATTRS(X, st) \
	X(st, args, STRING, NULL, "the fault's words")
GA_TOXIC_ATTRS(fault, ATTRS);

static int fault_check(struct ga_toxic *t, char *msg, size_t len)
{
	const struct ga_fault_kind *k = t->type->fault;
	const char *args = ((const struct fault *)t->attrs)->args;
	struct ga_fault_diag diag;
	void *spec = NULL;

	memset(&diag, 0, sizeof(diag));
	if (k->parse(args, &spec, &diag) != 0 ||
	    (k->validate && k->validate(spec, &diag) != 0)) {
		if (spec)
			k->free_spec(spec);
		snprintf(msg, len, "%s: args '%s': %s (%s)", t->type->name,
			 args, diag.msg, k->usage);
		return -1;
	}
	if (t->fault_spec)
		k->free_spec(t->fault_spec);
	t->fault_spec = spec;
	return 0;
}

/* Made once: a type per kind. */
#define MAX_FAULT_TYPES 16
static struct ga_toxic_type types[MAX_FAULT_TYPES];
static char names[MAX_FAULT_TYPES][40];
static char whats[MAX_FAULT_TYPES][400];
static const struct ga_toxic_type *table[MAX_FAULT_TYPES + 1];
static atomic_int table_made;

static void make_table(void)
{
	const struct ga_fault_kind *const *k = ga_fault_table();
	size_t i;

	for (i = 0; k[i] && i < MAX_FAULT_TYPES; i++) {
		struct ga_toxic_type *t = &types[i];

		snprintf(names[i], sizeof(names[i]), "fault_%s", k[i]->name);
		snprintf(whats[i], sizeof(whats[i]), "goneaway's fault '%s' in "
			 "the lab between goneaway's server and the proxies "
			 "(every proxy whose upstream is goneaway's server "
			 "meets it): args are the words of a scenario's fault "
			 "line after the kind: %s", k[i]->name, k[i]->usage);
		t->name = names[i];
		t->family = GA_TOXIC_FAULT;
		t->go_struct = "FaultToxic";
		t->what = whats[i];
		t->attrs = fault_attrs;
		t->nattrs = sizeof(fault_attrs) / sizeof(fault_attrs[0]);
		t->size = sizeof(struct fault);
		t->needs = GA_TOXIC_NEEDS_SERVER;
		t->check = fault_check;
		t->fault = k[i];
		table[i] = t;
	}
	table[i] = NULL;
}

const struct ga_toxic_type *const *ga_toxic_fault_types(void)
{
	/* one thread makes it (the API's); the flag for the fuzz target's
	 * and the tests' sake */
	if (!atomic_load(&table_made)) {
		make_table();
		atomic_store(&table_made, 1);
	}
	return table;
}
