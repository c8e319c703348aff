/* fault_util.c - see fault_util.h */
#include <check.h>
#include <string.h>

#include "fault_util.h"

void *unit_fault_parse_ok(const struct ga_fault_kind *k, const char *text)
{
	struct ga_fault_diag diag;
	void *spec = NULL;

	memset(&diag, 0, sizeof(diag));
	ck_assert_msg(k->parse(text, &spec, &diag) == 0,
		      "%s parse '%s': %s (offset %zu)", k->name, text,
		      diag.msg, diag.offset);
	ck_assert_ptr_nonnull(spec);
	return spec;
}

void *unit_fault_apply_ok(const struct ga_fault_kind *k, const char *text,
			  const struct ga_fault_target *t, void **spec)
{
	struct ga_error err;
	void *state = NULL;
	int rc;

	*spec = unit_fault_parse_ok(k, text);
	memset(&err, 0, sizeof(err));
	rc = k->ops->apply(*spec, t, &state, &err);
	ck_assert_msg(rc == 0, "apply '%s': %d: %s", text, rc, err.msg);
	return state;
}

void unit_fault_revert_ok(const struct ga_fault_kind *k, void *spec,
			  const struct ga_fault_target *t, void *state)
{
	struct ga_error err;

	memset(&err, 0, sizeof(err));
	ck_assert_msg(k->ops->revert(spec, t, state, &err) == 0,
		      "revert: %s", err.msg);
	k->free_spec(spec);
}
