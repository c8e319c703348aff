/* jsonl_run.c - results.jsonl's first line read back (result/
 * jsonl_read.c reads the rest): its schema checked, and what it says of
 * its run (when, which goneaway, on what, its command line and --shard)
 * for the tables made of it. */
#include "result/jsonl_reader.h"

#include <string.h>

#include "lang/select.h"

/* The run's --shard K/N ("--shard" "K/N" or "--shard=K/N") from its
 * argv, so that a merge can tell that a shard is missing. */
static int read_shard(struct reader *rd, const struct ga_json *argv,
		      struct ga_error *err)
{
	struct ga_error e;
	const char *v = NULL;
	size_t i;

	for (i = 0; i < argv->nitems; i++) {
		const struct ga_json *a = &argv->items[i];

		if (a->type != GA_JSON_STRING)
			continue;
		if (strcmp(a->str, "--") == 0)
			break;
		if (strncmp(a->str, "--shard=", 8) == 0)
			v = a->str + 8;
		else if (strcmp(a->str, "--shard") == 0 &&
			 i + 1 < argv->nitems &&
			 argv->items[i + 1].type == GA_JSON_STRING)
			v = argv->items[++i].str;
	}
	if (v && ga_shard_parse(v, &rd->shard.k, &rd->shard.n, &e))
		return ga_error_set(err, "the run's --shard: %s", e.msg);
	return 0;
}

/* str appended to buf[len] (holding *used bytes); false, buf as it
 * was, when it does not fit. */
static bool append(char *buf, size_t len, size_t *used, const char *str)
{
	size_t n = strlen(str);

	if (*used + n >= len)
		return false;
	memcpy(buf + *used, str, n + 1);
	*used += n;
	return true;
}

/* word appended to buf[len] as a shell reads it: as it is when it has
 * no character a shell treats specially, else in single quotes.  Cut,
 * never overrun, when buf is full. */
static void shell_word(char *buf, size_t len, size_t *used, const char *word)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=@%+,-";
	bool quote = !word[0] || word[strspn(word, plain)] != '\0';
	const char *p;
	char one[2] = { 0, 0 };

	if ((*used && !append(buf, len, used, " ")) ||
	    (quote && !append(buf, len, used, "'")))
		return;
	for (p = word; *p; p++) {
		one[0] = *p;
		if (!append(buf, len, used, *p == '\'' ? "'\\''" : one))
			return;
	}
	if (quote)
		append(buf, len, used, "'");
}

/* What the run line says of the run, for the tables made of it: every
 * member optional here (read_run checks the ones a file must have). */
static void read_run_info(struct reader *rd, const struct ga_json *j,
			  const struct ga_json *argv)
{
	const struct ga_json *host = ga_json_get(j, "host");
	size_t used = 0, i;

	ga_jrow_cut_copy(rd->run.date, sizeof(rd->run.date),
		 ga_json_str(j, "date", ""));
	ga_jrow_cut_copy(rd->run.goneaway, sizeof(rd->run.goneaway),
		 ga_json_str(j, "goneaway", ""));
	if (host && host->type == GA_JSON_OBJECT) {
		ga_jrow_cut_copy(rd->run.kernel, sizeof(rd->run.kernel),
			 ga_json_str(host, "kernel", ""));
		ga_jrow_cut_copy(rd->run.machine, sizeof(rd->run.machine),
			 ga_json_str(host, "machine", ""));
	}
	rd->run.command[0] = '\0';
	if (!argv)
		return;
	shell_word(rd->run.command, sizeof(rd->run.command), &used,
		   "goneaway");
	for (i = 0; i < argv->nitems; i++)
		if (argv->items[i].type == GA_JSON_STRING)
			shell_word(rd->run.command, sizeof(rd->run.command),
				   &used, argv->items[i].str);
}

int ga_jsonl_read_run(struct reader *rd, const struct ga_json *j,
		      struct ga_error *err)
{
	const struct ga_jrow cases = {
		.key = "cases", .kind = GA_JROW_LONG,
		.max = GA_RESULTS_MAX_CASES,
	};
	const struct ga_json *m = ga_json_get(j, "schema");
	const char *type = ga_json_str(j, "type", "");

	if (strcmp(type, "run") != 0)
		return ga_error_set(err, "not a goneaway results file: the first line "
			   "is not a \"run\" object");
	if (!m || m->type != GA_JSON_NUMBER)
		return ga_error_set(err, "the run has no \"schema\" number");
	if (m->num != GA_RESULTS_SCHEMA)
		return ga_error_set(err, "schema %.10g, and this goneaway reads schema "
			   "%d only (docs/results-jsonl.md): report with the "
			   "goneaway that ran it", m->num, GA_RESULTS_SCHEMA);
	if (ga_jrow_member(j, "goneaway", GA_JSON_STRING, false, &m, err) ||
	    ga_jrow_member(j, "argv", GA_JSON_ARRAY, false, &m, err) ||
	    ga_jrow_read_value(&cases, ga_json_get(j, "cases"),
			       &rd->announced, err))
		return -1;
	read_run_info(rd, j, m);
	return m ? read_shard(rd, m, err) : 0;
}

