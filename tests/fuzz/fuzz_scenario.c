/* fuzz_scenario.c - scenario files (lang/parse.c) as "goneaway check"
 * reads them: the text parsed, the diagnostics printed (escaped), the
 * scenario freed.  Inputs longer than a scenario may be (1 MiB) or with
 * a NUL byte are refused by ga_parse_file() before the parser sees
 * them, so they are left out here too.  The parser knows the fault
 * kinds and the proxies goneaway hands it (cli/main.c). */
#include <string.h>

#include "faults/fault.h"
#include "fuzz.h"
#include "lang/diag.h"
#include "lang/faultkind.h"
#include "lang/parse.h"
#include "lang/proxynames.h"
#include "lang/scenario.h"
#include "proxy/proxy.h"

#define SCENARIO_MAX (1024 * 1024)

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
