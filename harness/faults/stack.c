/* stack.c - see stack.h */
#include "faults/stack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int ga_fault_stack_apply(struct ga_fault_stack *fs,
			 const struct ga_fault_kind *kind, const void *spec,
			 const char *name, int line,
			 const struct ga_fault_target *t, struct ga_error *err)
{
	struct ga_applied_fault *grown, *af;
	struct ga_fault_target at = *t;
	void *state = NULL;
	int rc;

	grown = realloc(fs->items, (fs->n + 1) * sizeof(*grown));
	if (!grown)
		return ga_error_set(err, "out of memory");
	fs->items = grown;
	at.line = line;
	rc = kind->ops->apply(spec, &at, &state, err);
	if (rc)
		return rc;
	af = &fs->items[fs->n++];
	af->kind = kind;
	af->spec = spec;
	af->name = name;
	af->state = state;
	af->line = line;
	af->active = 1;
	return 0;
}

static int revert(struct ga_applied_fault *af, const struct ga_fault_target *t,
		  struct ga_error *err)
{
	af->active = 0;
	if (af->kind->ops->revert(af->spec, t, af->state, err))
		return ga_error_prefix(err, "lifting fault '%s'", af->name);
	return 0;
}

int ga_fault_stack_lift(struct ga_fault_stack *fs, int line,
			const struct ga_fault_target *t, struct ga_error *err)
{
	size_t k;

	for (k = fs->n; k-- > 0;) {
		if (fs->items[k].line == line && fs->items[k].active)
			return revert(&fs->items[k], t, err);
	}
	return ga_error_set(err, "the fault of line %d is not in place", line);
}

static void note(const struct ga_applied_fault *af, char *buf, size_t len)
{
	if (len)
		buf[0] = '\0';
	if (af->kind->ops->note)
		af->kind->ops->note(af->spec, af->state, buf, len);
}

void ga_fault_stack_note(const struct ga_fault_stack *fs, int line,
			 char *buf, size_t len)
{
	size_t k;

	if (len)
		buf[0] = '\0';
	for (k = fs->n; k-- > 0;) {
		if (fs->items[k].line == line && fs->items[k].active) {
			note(&fs->items[k], buf, len);
			return;
		}
	}
}

/* "firewall drop both" for the log: the kind's description, which the
 * qdisc kinds begin with their own name, and its note after a ';'. */
static void describe(const struct ga_applied_fault *af, char *buf, size_t len)
{
	size_t n = strlen(af->kind->name);
	char desc[256], text[256];

	af->kind->describe(af->spec, desc, sizeof(desc));
	note(af, text, sizeof(text));
	if (strncmp(desc, af->kind->name, n) == 0 &&
	    (desc[n] == ' ' || desc[n] == '\0'))
		snprintf(buf, len, "%s%s%s", desc, text[0] ? "; " : "", text);
	else
		snprintf(buf, len, "%s%s%s%s%s", af->kind->name,
			 desc[0] ? " " : "", desc, text[0] ? "; " : "", text);
}

/* Appends ", entry" (or just entry) to the list in buf. */
static void append(char *buf, size_t len, const char *entry)
{
	size_t used = strlen(buf);

	if (used < len)
		snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
			 entry);
}

int ga_fault_stack_unwind(struct ga_fault_stack *fs,
			  const struct ga_fault_target *t,
			  struct ga_error *err)
{
	struct ga_error e;
	char desc[600], entry[1700];
	int failures = 0;
	size_t k;

	fs->reverted[0] = '\0';
	fs->failed[0] = '\0';
	for (k = fs->n; k-- > 0;) {
		struct ga_applied_fault *af = &fs->items[k];

		if (!af->active)
			continue;
		describe(af, desc, sizeof(desc));
		if (revert(af, t, &e) == 0) {
			snprintf(entry, sizeof(entry), "%s (%s)", af->name, desc);
			append(fs->reverted, sizeof(fs->reverted), entry);
			continue;
		}
		snprintf(entry, sizeof(entry), "%s (%s): %s", af->name, desc,
			 e.msg);
		append(fs->failed, sizeof(fs->failed), entry);
		if (failures++ == 0 && err)
			*err = e;
	}
	free(fs->items);
	fs->items = NULL;
	fs->n = 0;
	return failures;
}
