/* errnames.c - lookups in the generated error-name table. */
#include "lang/errnames.h"

#include <string.h>

int ga_errname_code(const char *name, unsigned *code)
{
	size_t i;

	for (i = 0; i < ga_nerrnames; i++) {
		if (strcmp(ga_errnames[i].name, name) == 0) {
			*code = ga_errnames[i].code;
			return 0;
		}
	}
	return -1;
}

const char *ga_errname_name(unsigned code)
{
	size_t i;

	for (i = 0; i < ga_nerrnames; i++) {
		if (ga_errnames[i].code == code)
			return ga_errnames[i].name;
	}
	return NULL;
}

const char *ga_errname_name_for(unsigned code, enum ga_flavour flavour)
{
	if (flavour == GA_FLAVOUR_MYSQL && code >= 1800 &&
	    !(code >= 2000 && code < 3000))
		return NULL;
	return ga_errname_name(code);
}
