/* fuzz_scenario.c - scenario files (lang/parse.c) as "goneaway check"
 * reads them: the text parsed, the diagnostics printed (escaped), the
 * scenario freed.  Inputs longer than a scenario may be (1 MiB) or with
 * a NUL byte are refused by ga_parse_file() before the parser sees
 * them, so they are left out here too.  The parser knows the fault
 * kinds and the proxies goneaway hands it (cli/main.c).  A scenario
 * that parses is checked as goneaway replay checks one from elsewhere
 * (lang/trust.c: its SQL read by lang/sqltok.c, expanded, every reading)
 * unless a step expands to more than EXPANDED_MAX (the check is the
 * same, only slower); each step's SQL that is a plain SET GLOBAL
 * (lang/sqlset.h) must read back the same once rendered again. */
#include <string.h>

#include "faults/fault.h"
#include "fuzz.h"
#include "lang/diag.h"
#include "lang/expand.h"
#include "lang/faultkind.h"
#include "lang/parse.h"
#include "lang/proxynames.h"
#include "lang/scenario.h"
#include "lang/sqlset.h"
#include "lang/trust.h"
#include "proxy/proxy.h"

#define SCENARIO_MAX (1024 * 1024)
#define EXPANDED_MAX (1024 * 1024)

/* A plain SET GLOBAL in sql, rendered again, reads back the same. */
static void set_globals_round_trip(const char *sql)
{
	struct ga_sql_set set, again;
	char out[GA_SQL_NAME_MAX + 2 * GA_SQL_VALUE_MAX + 32];
	const char *why;
	size_t i;

	if (ga_sql_set_globals(sql, &set, &why))
		return;
	for (i = 0; i < set.n; i++) {
		if (ga_sql_render_set_global(set.a[i].name, set.a[i].kind,
					     set.a[i].value, out, sizeof(out)))
			fuzz_fail("a plain SET GLOBAL of %s not rendered",
				  set.a[i].name);
		if (ga_sql_set_globals(out, &again, &why) || again.n != 1 ||
		    memcmp(&again.a[0], &set.a[i], sizeof(again.a[0])))
			fuzz_fail("'%s' does not read back as it was", out);
	}
}

/* The trust check and the SET GLOBALs of a parsed scenario. */
static void check_trust(const struct ga_scenario *sc)
{
	struct ga_diags trust = { 0 };
	size_t i;

	for (i = 0; i < sc->nsteps; i++)
		if (sc->steps[i].expansion &&
		    sc->steps[i].expansion->len > EXPANDED_MAX)
			return;
	ga_trust_check(sc, &trust);
	ga_diags_free(&trust);
	for (i = 0; i < sc->nsteps; i++)
		if (sc->steps[i].text)
			set_globals_round_trip(sc->steps[i].text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ga_diags diags = { 0 };
	struct ga_scenario *sc = NULL;
	FILE *null;
	char *text;
	int rc;

	ga_fault_kinds_use(ga_fault_table());
	ga_proxy_names_use(ga_proxy_kind_names());
	if (size > SCENARIO_MAX || memchr(data, '\0', size))
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	rc = ga_parse_text("fuzz.gw", text, &sc, &diags);
	if (rc == 0 && (!sc || diags.n))
		fuzz_fail("a scenario parsed with %zu diagnostics", diags.n);
	if (rc != 0 && (sc || !diags.n))
		fuzz_fail("a refused scenario without a diagnostic");
	if (sc)
		check_trust(sc);
	null = fopen("/dev/null", "we");
	if (null) {
		ga_diags_print(&diags, null);
		fclose(null);
	}
	ga_scenario_free(sc);
	ga_diags_free(&diags);
	free(text);
	return 0;
}
