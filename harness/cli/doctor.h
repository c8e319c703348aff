/* doctor.h - "goneaway doctor": what this machine can do.
 *
 * Each check is one line: ok or missing, and when missing, why in one
 * line.  The kernel checks are made inside a private lab (two fresh
 * network namespaces), never in the host's namespace.
 */
#ifndef GA_DOCTOR_H
#define GA_DOCTOR_H

#include <stdbool.h>
#include <stdio.h>

struct ga_doctor_opts {
	const char *mariadbd;           /* server binary to look at */
	const char *install_db;         /* mariadb-install-db */
};

/* Prints the report to out.  Returns true when everything the shipped
 * scenarios need is there (netem is optional: its scenarios SKIP). */
bool ga_doctor(FILE *out, const struct ga_doctor_opts *opts);

#endif
