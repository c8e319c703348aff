/* nothing.c - a fault kind of t0006-recipes that does nothing: "fault
 * NAME nothing".  It goes in as docs/ARCHITECTURE.md's recipe says: this
 * file, its word in GA_FAULT_KINDS, its unit test and that test's word
 * in GA_UNIT_SUITES. */
#include "faults/fault.h"

#include <stdio.h>

#include "faults/args.h"

static int nothing_parse(const char *args, void **spec,
			 struct ga_fault_diag *diag)
{
	static int the_spec;
	struct ga_args a;
	struct ga_arg w;

	ga_args_init(&a, args);
	if (ga_args_next(&a, &w))
		return ga_fault_diag_set(diag, w.at, "'nothing' takes no "
					 "arguments, found '%s'", w.text);
	*spec = &the_spec;
	return 0;
}

static int nothing_validate(const void *spec, struct ga_fault_diag *diag)
{
	(void)spec;
	(void)diag;
	return 0;
}

static void nothing_describe(const void *spec, char *buf, size_t len)
{
	(void)spec;
	snprintf(buf, len, "%s", "");
}

static void nothing_free(void *spec)
{
	(void)spec;
}

static int nothing_apply(const void *spec, const struct ga_fault_target *t,
			 void **state, struct ga_error *err)
{
	(void)spec;
	(void)t;
	(void)err;
	*state = NULL;
	return 0;
}

static int nothing_revert(const void *spec, const struct ga_fault_target *t,
			  void *state, struct ga_error *err)
{
	(void)spec;
	(void)t;
	(void)state;
	(void)err;
	return 0;
}

static int nothing_probe(const struct ga_fault_target *t,
			 struct ga_error *why)
{
	(void)t;
	(void)why;
	return 0;
}

static const struct ga_fault_ops nothing_ops = {
	.apply = nothing_apply,
	.revert = nothing_revert,
	.probe = nothing_probe,
	.probe_name = "nothing",
	.probe_ok = "a fault that does nothing (t0006-recipes)",
	.optional = true,
};

const struct ga_fault_kind ga_fault_nothing = {
	.name = "nothing",
	.usage = "nothing",
	.parse = nothing_parse,
	.validate = nothing_validate,
	.describe = nothing_describe,
	.free_spec = nothing_free,
	.ops = &nothing_ops,
};
