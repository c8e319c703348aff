/* byname.h - a row of a NULL-ended table found by its name: the lookup
 * every family's table has (fault kinds, outputs, server backends,
 * proxies, a word among a list of words), written once.
 */
#ifndef GA_BYNAME_H
#define GA_BYNAME_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* Defines "TYPE *FN(const char *name)": the first of the NULL-ended
 * array of pointers ROWS whose member name is NAME, or NULL. */
#define GA_FIND_BY_NAME(fn, type, rows)					\
	type *fn(const char *name)					\
	{								\
		size_t i_;						\
									\
		for (i_ = 0; (rows)[i_]; i_++)				\
			if (strcmp((rows)[i_]->name, name) == 0)	\
				return (rows)[i_];			\
		return NULL;						\
	}

/* Whether name is one of the NULL-ended list of words. */
bool ga_name_among(const char *const *words, const char *name);

#endif
