/* fuzz_expectations.c - a connector's expectation file
 * (lang/expectations.c) as "goneaway run --expectations" reads it; one
 * that reads is written back as --record writes it, and what was
 * written must read again into the same lines: the file goneaway writes
 * is one it accepts. */
#include <string.h>

#include "fuzz.h"
#include "lang/diag.h"
#include "lang/expectations.h"

static char *written(struct ga_expectations *x, int *rc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	*rc = ga_expectations_write(f, x);
	fclose(f);
	return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ga_expectations x, y;
	struct ga_diags diags = { 0 };
	char *text, *out;
	size_t i;
	int rc = 0;

	if (size > GA_EXPECTATIONS_MAX_SIZE || memchr(data, '\0', size))
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&x, 0, sizeof(x));
	memset(&y, 0, sizeof(y));
	if (ga_expectations_parse_text("fuzz.expectations", text, &x,
				       &diags) != 0) {
		if (!diags.n)
			fuzz_fail("refused without a diagnostic");
		goto out;
	}
	out = written(&x, &rc);
	if (out && rc == 0) {
		if (ga_expectations_parse_text("written", out, &y, &diags) != 0)
			fuzz_fail("the file written does not read back: %s "
				  "(line %d)\n%s", diags.items[0].msg,
				  diags.items[0].line, out);
		if (y.n != x.n)
			fuzz_fail("%zu lines written, %zu read back", x.n, y.n);
		for (i = 0; i < x.n; i++)
			if (strcmp(x.items[i].label, y.items[i].label) != 0 ||
			    x.items[i].step_line != y.items[i].step_line ||
			    x.items[i].kind != y.items[i].kind)
				fuzz_fail("line %zu read back differs", i);
	}
	free(out);
out:
	ga_expectations_free(&x);
	ga_expectations_free(&y);
	ga_diags_free(&diags);
	free(text);
	return 0;
}
