/* driver_check.c - "goneaway driver-test [RUN OPTIONS] -- CMD": checks a
 * client driver against docs/driver-protocol.md (client/conformance.h),
 * in two parts ("goneaway driver-test NAME" takes the command of NAME in
 * drivers/drivers.list): the driver alone, then the conformance
 * scenarios (the *.gw files of drivers/conformance) run with the driver
 * behind a tap (cli/driver_tap.c), against the local server unless a run
 * option (--server ...) says otherwise, and what the tap wrote down
 * checked.  The exit status is 0 when every check passed and every
 * scenario PASSed or SKIPped.
 */
#include "cli/internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client/conformance.h"
#include "client/protocol.h"
#include "client/reply.h"
#include "plan/driverlist.h"
#include "plan/paths.h"
#include "util/fsutil.h"

/* "--tap DIR": the command is DIR/command's words (tap_command()). */
static int tap_from_file(const char *dir)
{
	char path[PATH_MAX + 16], *text, *argv[128];
	struct ga_error err;
	size_t len, i, n = 0;

	snprintf(path, sizeof(path), "%s/command", dir);
	if (ga_file_read(path, 1 << 16, &text, &len, &err)) {
		fprintf(stderr, "goneaway driver-test --tap: %s\n", err.msg);
		return EXIT_SOME_ERROR;
	}
	for (i = 0; i < len && n < 127; i += strlen(text + i) + 1)
		argv[n++] = text + i;
	argv[n] = NULL;
	if (n == 0 || (len && text[len - 1] != '\0')) {
		fprintf(stderr, "goneaway driver-test --tap: %s: no command\n",
			path);
		free(text);
		return EXIT_SOME_ERROR;
	}
	n = (size_t)cmd_driver_tap(dir, argv);
	free(text);
	return (int)n;
}

int cmd_driver_test_plain(int argc, char **argv)
{
	if (argc >= 2 && (strcmp(argv[1], "--describe") == 0 ||
			  strcmp(argv[1], "--describe=json") == 0)) {
		ga_protocol_describe(stdout, false);
		return EXIT_ALL_PASSED;
	}
	if (argc >= 2 && strcmp(argv[1], "--describe=markdown") == 0) {
		ga_protocol_describe(stdout, true);
		return EXIT_ALL_PASSED;
	}
	if (argc >= 2 && strcmp(argv[1], "--describe=replies-markdown") == 0) {
		ga_reply_describe(stdout);
		return EXIT_ALL_PASSED;
	}
	if (argc >= 2 && strcmp(argv[1], "--describe=accepts-markdown") == 0) {
		ga_reply_describe_accepts(stdout);
		return EXIT_ALL_PASSED;
	}
	if (argc >= 2 && strcmp(argv[1], "--describe=replies-dict") == 0) {
		ga_reply_describe_dict(stdout);
		return EXIT_ALL_PASSED;
	}
	if (argc >= 2 && strcmp(argv[1], "--tap") == 0) {
		if (argc == 3)
			return tap_from_file(argv[2]);
		if (argc < 5 || strcmp(argv[3], "--")) {
			fprintf(stderr, "usage: goneaway driver-test --tap DIR "
				"[-- COMMAND [ARGS...]]\n");
			return EXIT_USAGE;
		}
		return cmd_driver_tap(argv[2], argv + 4);
	}
	return -1;
}

/* ga_find_share_dir("drivers"), its conformance/ checked too; prints why
 * and exits with EXIT_USAGE when there is none. */
static void default_drivers(char *buf, size_t len)
{
	char conf[PATH_MAX + 16];
	struct ga_error err;

	if (ga_find_share_dir("drivers", buf, len, &err) == 0) {
		snprintf(conf, sizeof(conf), "%s/conformance", buf);
		if (access(conf, F_OK) != 0 || ga_check_trusted(conf, &err) == 0)
			return;
	}
	fprintf(stderr, "goneaway: %s\n", err.msg);
	exit(EXIT_USAGE);
}

static void remove_dir(const char *dir)
{
	struct ga_error err;

	/* the taps write there as the drivers' user: nothing of theirs is
	 * followed (util/fsutil.h) */
	ga_driver_writable_also(NULL, &err);
	if (ga_tree_remove(dir, &err))
		fprintf(stderr, "goneaway: %s\n", err.msg);
}

/* Writes dir/command (argv's words, each ended by a NUL) and the link
 * dir/goneaway to self, and the client that runs the tap over them into
 * client.  Returns 0, or -1 having said why. */
static int tap_command(const char *dir, const char *self, char **argv,
		       char *client, size_t len)
{
	char path[PATH_MAX + 16];
	struct ga_error err;
	FILE *f;
	int i, bad;

	snprintf(path, sizeof(path), "%s/command", dir);
	f = fopen(path, "wex");
	for (i = 0; f && argv[i]; i++)
		fwrite(argv[i], 1, strlen(argv[i]) + 1, f);
	bad = !f || ferror(f);
	if (f && fclose(f))
		bad = 1;
	snprintf(path, sizeof(path), "%s/goneaway", dir);
	if (!bad && ga_driver_reach_words_also((const char *const *)argv,
						&err)) {
		ga_conformance_check(false, "the conformance scenarios",
				     err.msg);
		return -1;
	}
	if (bad || symlink(self, path)) {
		ga_conformance_check(false, "the conformance scenarios",
				     strerror(errno));
		return -1;
	}
	if (strpbrk(dir, " \t") || snprintf(client, len, "cmd:%s/goneaway "
			"driver-test --tap %s", dir, dir) >= (int)len) {
		ga_conformance_check(false, "the conformance scenarios", "the "
				     "directory of the taps holds a blank: "
				     "give TMPDIR one without");
		return -1;
	}
	return 0;
}

/* The words of the scenarios' run into out (at most 64, NULL last):
 * "run --no-results --color never", the run options of argv (before
 * its "--" at first_arg - 1), "--client client" (none when NULL) and
 * conf.  Returns their count. */
static int run_words(char **argv, int first_arg, char *client, char *conf,
		     char **out)
{
	static char a_run[] = "run", a_nores[] = "--no-results",
		    a_color[] = "--color", a_never[] = "never",
		    a_client[] = "--client";
	int i, k = 0;

	out[k++] = a_run;
	out[k++] = a_nores;
	out[k++] = a_color;
	out[k++] = a_never;
	for (i = 1; i < first_arg - 1; i++)
		out[k++] = argv[i];
	if (client) {
		out[k++] = a_client;
		out[k++] = client;
	}
	out[k++] = conf;
	out[k] = NULL;
	return k;
}

/* driver-test's words: its run options, then "--" and the driver's
 * command, a NAME of drivers/drivers.list standing for its command
 * (split into words[128], which then is *argv).  Returns the index of
 * the command's first word, or -1 after saying what is wrong. */
static int driver_words(int *argc, char ***argv, char **words,
			char *named, size_t len)
{
	static char dashes[] = "--";
	struct ga_error err;
	int i, first_arg = -1, n;

	for (i = 1; i < *argc; i++)
		if (strcmp((*argv)[i], "--") == 0) {
			first_arg = i + 1;
			break;
		}
	for (i = 1; i < *argc && (first_arg < 0 || i < first_arg - 1); i++)
		if (strcmp((*argv)[i], "--client") == 0 ||
		    strncmp((*argv)[i], "--client=", 9) == 0) {
			fprintf(stderr, "goneaway: driver-test: the driver is "
				"NAME or -- COMMAND, not --client (e.g. "
				"'goneaway driver-test pymysql')\n");
			return -1;
		}
	if (first_arg < 0 && *argc >= 2 && *argc <= 50 &&
	    (*argv)[*argc - 1][0] != '-') {
		/* a NAME of drivers/drivers.list: its command, split into
		 * words, in place of "-- CMD..." */
		for (i = 0; i < *argc - 1; i++)
			words[i] = (*argv)[i];
		words[i++] = dashes;
		first_arg = i;
		n = ga_find_driver((*argv)[*argc - 1], named, len, words + i,
				   128 - (size_t)i, &err);
		if (n < 0) {
			fprintf(stderr, "goneaway: %s\n", err.msg);
			return -1;
		}
		*argc = i + n;
		*argv = words;
	}
	if (first_arg < 0 || first_arg >= *argc || first_arg > 50) {
		fprintf(stderr, "usage: goneaway driver-test [RUN OPTIONS] "
			"(NAME | -- COMMAND [ARGS...])\n"
			"       goneaway driver-test --describe[=json|markdown]\n");
		return -1;
	}
	return first_arg;
}

int cmd_driver_test(int argc, char **argv, struct ga_interrupt *in)
{
	char client[4096], dir[PATH_MAX], conf[PATH_MAX + 16], taps[PATH_MAX];
	char self[PATH_MAX];
	char *run_argv[64], *words[128], named[4096];
	struct ga_conformance_alone alone;
	struct ga_error err;
	int k, first_arg, code;
	ssize_t sn;

	first_arg = driver_words(&argc, &argv, words, named, sizeof(named));
	if (first_arg < 0)
		return EXIT_USAGE;
	default_drivers(dir, sizeof(dir));
	snprintf(conf, sizeof(conf), "%s/conformance", dir);

	/* what the scenarios' run would execute or load from (the cache,
	 * the fixtures, a --server's programs) is held to the rule before
	 * the driver runs at all: a refusal is exit 2, nothing run */
	k = run_words(argv, first_arg, NULL, conf, run_argv);
	code = cmd_run_check(k, run_argv);
	if (code != EXIT_ALL_PASSED)
		return code;

	/* the driver alone; it and the tap over it use the driver's own
	 * cache (client/driver.h) */
	if (ga_driver_cache_as(argv + first_arg, &err)) {
		ga_conformance_check(false, "greeting", err.msg);
		return EXIT_SOME_ERROR;
	}
	if (ga_conformance_alone(argv + first_arg, ga_tmp_root(), &alone))
		return EXIT_SOME_FAILED;

	/* the scenarios, behind a tap */
	sn = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (sn <= 0) {
		ga_conformance_check(false, "the conformance scenarios", "/proc/self/exe");
		return EXIT_SOME_ERROR;
	}
	self[sn] = '\0';
	snprintf(taps, sizeof(taps), "%s/goneaway-driver-test-XXXXXX",
		 ga_tmp_root());
	if (!mkdtemp(taps)) {
		ga_conformance_check(false, "the conformance scenarios", strerror(errno));
		return EXIT_SOME_ERROR;
	}
	/* the taps run as the drivers they tap (client/driver.h): their
	 * transcripts are written there by the drivers' user */
	if (ga_driver_case_dir(taps, &err) ||
	    ga_driver_writable_also(taps, &err)) {
		ga_conformance_check(false, "the conformance scenarios", err.msg);
		remove_dir(taps);
		return EXIT_SOME_ERROR;
	}
	/* the tap's command line is a cmd: client, split at blanks: the
	 * driver's words (a path of "/root/ga clone", issue 56) go in a
	 * file of the taps' directory, goneaway itself by a link there */
	if (tap_command(taps, self, argv + first_arg, client, sizeof(client))) {
		remove_dir(taps);
		return EXIT_SOME_ERROR;
	}
	k = run_words(argv, first_arg, client, conf, run_argv);
	fflush(stdout);
	/* a copy a zygote spawned would write to goneaway past the tap:
	 * every process of the scenarios is started on its own, behind one
	 * (spawn itself was checked above, the driver alone) */
	setenv("GONEAWAY_SPAWN", "off", 1);
	code = cmd_run(k, run_argv, in);
	fflush(stdout);
	ga_conformance_check(code == EXIT_ALL_PASSED, "the conformance scenarios PASS or "
	      "SKIP", code == EXIT_SOME_FAILED ? "a scenario FAILed" :
	      code == EXIT_SOME_ERROR ? "a scenario is an ERROR" :
	      "the run did not finish");
	ga_conformance_transcripts(taps, &alone);
	remove_dir(taps);
	if (code == EXIT_USAGE || code >= EXIT_INTERRUPTED)
		return code;
	return ga_conformance_failures() ? EXIT_SOME_FAILED :
	       EXIT_ALL_PASSED;
}
