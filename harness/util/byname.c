/* byname.c - see byname.h */
#include "util/byname.h"

bool ga_name_among(const char *const *words, const char *name)
{
	size_t i;

	for (i = 0; words[i]; i++)
		if (strcmp(words[i], name) == 0)
			return true;
	return false;
}
