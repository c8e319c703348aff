/* doctor.c - "goneaway doctor": what this machine can do.
 *
 * Each check is one line (util/checklist.h): ok or missing, and when
 * missing, why in one line.  The kernel checks are made inside a private
 * lab (two fresh network namespaces), never in the host's namespace;
 * each fault kind, server backend and proxy checks what it needs.
 */
#include "cli/internal.h"
#include "cli/parseopt.h"

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <mysql.h>

#include "faults/fault.h"
#include "lab/lab.h"
#include "lab/memcg.h"
#include "lab/spawn.h"
#include "proxy/proxy.h"
#include "server/backends.h"
#include "server/rootfs.h"
#include "server/server.h"
#include "util/checklist.h"

/* The proxies of --proxy and of the scenarios' "proxy" lines: optional
 * (their scenarios SKIP without them, as netem's do). */
static void check_proxies(struct ga_checklist *c)
{
	const char *const *names = ga_proxy_kind_names();
	struct ga_error why;
	char version[128];
	size_t i;

	for (i = 0; names[i]; i++) {
		if (ga_proxy_probe(ga_proxy_kind_find(names[i]), version,
				   sizeof(version), &why) == 0)
			ga_check_line(c, true, false, names[i], "%s (--proxy %s, and "
			     "the scenarios with \"proxy %s\")", version,
			     names[i], names[i]);
		else {
			ga_check_line(c, false, false, names[i], "%s", why.msg);
			ga_check_note(c, "(scenarios that need it SKIP with this reason)");
		}
	}
}

/* One line per fault kind, from its probe (faults/fault.h): tried in t,
 * a private lab, or, with t NULL (no lab), only the kinds that need none;
 * lab_failed says the lab could not be made (its kinds need a lab). */
static void check_faults(struct ga_checklist *c, const struct ga_fault_target *t,
			 bool lab_failed)
{
	const struct ga_fault_kind *const *k;
	struct ga_error why;

	for (k = ga_fault_table(); *k; k++) {
		const struct ga_fault_ops *o = (*k)->ops;
		bool required = !o->optional;

		if (o->in_lab && !t) {
			if (lab_failed)
				ga_check_line(c, false, required, o->probe_name, "%s",
				     "needs a lab");
			continue;
		}
		why.msg[0] = '\0';
		if (o->probe(t, &why) == 0) {
			ga_check_line(c, true, required, o->probe_name, "%s",
			     why.msg[0] ? why.msg : o->probe_ok);
			continue;
		}
		ga_check_line(c, false, required, o->probe_name, "%s", why.msg);
		if (!required)
			ga_check_note(c, "(scenarios that need it SKIP with this reason)");
	}
}

/* The lab (root only) and the fault kinds' probes in it. */
static void check_kernel(struct ga_checklist *c, bool root)
{
	struct ga_fault_target t;
	struct ga_lab lab;
	struct ga_error err;

	if (!root) {
		check_faults(c, NULL, false);
		return;
	}
	if (ga_lab_create(&lab, (unsigned)getpid() & 0xffffff, &err)) {
		ga_check_line(c, false, true, "namespaces", "%s", err.msg);
		check_faults(c, NULL, true);
		return;
	}
	ga_check_line(c, true, true, "namespaces", "%s", "network namespaces and a "
	     "veth pair (a private lab)");
	ga_fault_target_in(&t, &lab, GA_SERVER_PORT,
			   (unsigned)getpid() & 0xffffff);
	check_faults(c, &t, false);
	ga_lab_destroy(&lab);
}

#define PROBE_TIMEOUT_MS 10000  /* a process started in a probe cgroup */

/* Whether a scenario's "server memory SIZE" can be given here: the
 * memory controller found, a run's cgroup and a server's made below
 * goneaway's own, a process started in it, its OOM count read, all
 * removed again (lab/memcg.h).  Optional: only those scenarios need it. */
static void check_memory_limits(struct ga_checklist *c, bool root)
{
	const char *argv[] = { "/bin/sh", "-c", "exit 0", NULL };
	struct ga_spawn_opts o = { .argv = argv, .netns_fd = -1 };
	struct ga_memcg_home h;
	struct ga_memcg_run run;
	struct ga_memcg cg;
	struct ga_error err, ignored;
	char suffix[32];
	long long kills = 0;
	int rc;

	if (!root) {
		ga_check_line(c, false, false, "memory limits", "not root: a "
			      "server's memory cgroup ('server memory SIZE') "
			      "needs root");
		return;
	}
	rc = ga_memcg_home(&h, &err);
	if (rc) {
		ga_check_line(c, false, false, "memory limits", "%s", err.msg);
		return;
	}
	snprintf(suffix, sizeof(suffix), "doctor%ld", (long)getpid());
	if (ga_memcg_run_open(&run, &h, suffix, &err)) {
		ga_check_line(c, false, false, "memory limits", "%s", err.msg);
		return;
	}
	rc = ga_memcg_make(&cg, &run, "probe", GA_MEMCG_MIN_BYTES, &err);
	if (rc == 0) {
		o.in_cgroup = true;
		o.cgroup_fd = cg.procs_fd;
		rc = ga_spawn_run(&o, NULL, PROBE_TIMEOUT_MS, &err);
	}
	if (rc == 0)
		rc = ga_memcg_oom_kills(&cg, &kills, &err);
	if (ga_memcg_remove(&cg, rc ? &ignored : &err))
		rc = -1;
	if (ga_memcg_run_close(&run, rc ? &ignored : &err))
		rc = -1;
	if (rc)
		ga_check_line(c, false, false, "memory limits", "%s", err.msg);
	else
		ga_check_line(c, true, false, "memory limits", "cgroup v%d "
			      "memory controller, a cgroup per server below %s "
			      "('server memory SIZE': the OOM killer ends the "
			      "server past it)", (int)h.version, h.own);
}

/* Prints the report to out: root, the kernel, what each server backend
 * needs (server/backends.c's table, in its order), the client library,
 * the proxies.  Returns true when everything the shipped scenarios need
 * is there (netem, the roots, Docker are optional: their scenarios
 * SKIP). */
static bool run_doctor(FILE *out, const struct ga_server_options *so)
{
	const struct ga_server_backend_ops *const *b;
	struct ga_checklist c = { .out = out, .all_needed = true };
	bool root = geteuid() == 0;

	fprintf(out, "goneaway doctor: what this machine can do\n");
	if (!root)
		ga_check_line(&c, false, true, "root", "%s", "not root: "
			      "scenarios need network namespaces (run with "
			      "sudo); kernel checks skipped");
	else
		ga_check_line(&c, true, true, "root", "%s", "running as root");
	check_kernel(&c, root);
	check_memory_limits(&c, root);
	for (b = ga_server_backends(); *b; b++)
		if ((*b)->doctor)
			(*b)->doctor(so, root, &c);
	ga_check_line(&c, true, true, "client library", "Connector/C %s",
		      mysql_get_client_info());
	check_proxies(&c);
	fprintf(out, "%s\n", c.all_needed ? "every scenario can run here"
		: "some scenarios cannot run here: see MISSING above");
	return c.all_needed;
}

static const char doctor_head[] =
"usage: goneaway doctor [options]\n"
"\n"
"Reports what this machine can do, a line each: ok, or missing with\n"
"why.  Root, namespaces, nftables, tbf, netem, memory limits, the local\n"
"server (mariadbd), every server root in " GA_ROOTS_DIR ", the\n"
"Docker engine and its server images, the client library and the\n"
"proxies: all of them, whichever servers and proxies a run chooses.\n"
"\n"
"options:\n";

static const char doctor_tail[] =
"\n"
"exit status: 0 every required one is there; 1 one is missing (netem,\n"
"memory limits, the roots, Docker and the proxies are optional); 2\n"
"usage.\n";

CLI_HELP_PAGE(doctor_usage, cli_doctor, doctor_head, doctor_tail)

/* doctor's options (cli/parseopt.h): the local backend's programs it
 * looks at, as run's.  No row of the docs' tables: its --help says
 * them. */
static const struct cli_option doctor_options[] = {
	CLI_HELP_ROWS("0.6.0", NULL),
	CLI_LOCAL_SERVER_ROWS(0, "0.2.0", NULL, NULL),
	CLI_OPTIONS_END,
};

const struct cli_command cli_doctor = {
	.name = "doctor", .who = "goneaway doctor", .options = doctor_options,
	.usage = doctor_usage, .usage_on_error = true,
};

int cmd_doctor(int argc, char **argv)
{
	struct ga_server_options o = {
		.mariadbd = "/usr/sbin/mariadbd",
		.install_db = "/usr/bin/mariadb-install-db",
	};
	int rc = cli_parse(&cli_doctor, argc, argv, &o);

	if (rc)
		return rc > 0 ? EXIT_ALL_PASSED : EXIT_USAGE;
	if (optind < argc) {
		fprintf(stderr, "goneaway doctor: '%s': doctor takes no "
			"arguments, only options (goneaway doctor --help)\n",
			argv[optind]);
		return EXIT_USAGE;
	}
	return run_doctor(stdout, &o) ? EXIT_ALL_PASSED : EXIT_SOME_FAILED;
}
