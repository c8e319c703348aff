/* doctor.c - "goneaway doctor": what this machine can do.
 *
 * Each check is one line: ok or missing, and when missing, why in one
 * line.  The kernel checks are made inside a private lab (two fresh
 * network namespaces), never in the host's namespace.
 */
#include "cli/internal.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mysql.h>

#include "faults/fault.h"
#include "util/fsutil.h"
#include "server/docker.h"
#include "lab/lab.h"
#include "lab/memcg.h"
#include "server/rootfs.h"
#include "server/server.h"
#include "lab/spawn.h"
#include "proxy/proxy.h"

#define VERSION_TIMEOUT_MS 10000

struct doctor_opts {
	const char *mariadbd;           /* server binary to look at */
	const char *install_db;         /* mariadb-install-db */
};

struct doctor {
	FILE *out;
	bool all_needed;        /* every required check passed so far */
};

static void line(struct doctor *d, bool ok, bool required, const char *name,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* One line: "  ok       name  detail" / "  MISSING  name  why". */
static void line(struct doctor *d, bool ok, bool required, const char *name,
		 const char *fmt, ...)
{
	va_list ap;

	fprintf(d->out, "  %-8s %-18s ", ok ? "ok" : required ? "MISSING" :
		"missing", name);
	va_start(ap, fmt);
	vfprintf(d->out, fmt, ap);
	va_end(ap);
	fputc('\n', d->out);
	if (!ok && required)
		d->all_needed = false;
}

/* The first line "mariadbd --version" prints, into buf. */
static int binary_version(const char *path, char *buf, size_t len,
			  struct ga_error *err)
{
	const char *tmp = getenv("TMPDIR");
	char tmpl[PATH_MAX];
	const char *argv[] = { path, "--version", NULL };
	struct ga_spawn_opts o = { .argv = argv, .netns_fd = -1 };
	char *text = NULL, *nl;
	int fd, rc;

	snprintf(tmpl, sizeof(tmpl), "%s/goneaway-doctor-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(tmpl);
	if (fd < 0)
		return ga_error_errno(err, errno, "mkstemp");
	close(fd);
	o.output_path = tmpl;
	rc = ga_spawn_run(&o, NULL, VERSION_TIMEOUT_MS, err);
	if (rc == 0)
		rc = ga_file_read(tmpl, 1 << 16, &text, NULL, err);
	unlink(tmpl);
	if (rc)
		return -1;
	nl = strchr(text, '\n');
	if (nl)
		*nl = '\0';
	snprintf(buf, len, "%s", text);
	free(text);
	return 0;
}

static void check_server(struct doctor *d, const struct doctor_opts *o)
{
	char version[256];
	struct ga_error err;

	if (access(o->mariadbd, X_OK) != 0) {
		line(d, false, true, "mariadbd", "not at %s (install "
		     "mariadb-server, or pass --mariadbd PATH)", o->mariadbd);
	} else if (binary_version(o->mariadbd, version, sizeof(version),
				  &err)) {
		line(d, false, true, "mariadbd", "%s", err.msg);
	} else {
		line(d, true, true, "mariadbd", "%s", version);
	}
	if (access(o->install_db, X_OK) != 0)
		line(d, false, true, "mariadb-install-db", "not at %s (install "
		     "mariadb-server)", o->install_db);
	else
		line(d, true, true, "mariadb-install-db", "%s", o->install_db);
}

/* The roots "--server NAME" can use, each run once (--version, chrooted):
 * it can run here if that works.  Optional: only "--server NAME" needs
 * them. */
static void check_roots(struct doctor *d, bool is_root)
{
	char names[32][GA_ROOT_NAME_MAX], label[GA_ROOT_NAME_MAX + 8];
	char dir[PATH_MAX], how[256];
	const char *tmp = getenv("TMPDIR");
	struct ga_error err;
	struct ga_root root;
	size_t n, i;

	n = ga_root_list(GA_ROOTS_DIR, names, sizeof(names) / sizeof(names[0]));
	if (n == 0) {
		line(d, false, false, "server roots", "none in %s (build one: "
		     "sudo sh ci/build-server-root.sh mysql-9.7 %s/mysql-9.7)",
		     GA_ROOTS_DIR, GA_ROOTS_DIR);
		return;
	}
	for (i = 0; i < n; i++) {
		snprintf(label, sizeof(label), "root %s", names[i]);
		snprintf(dir, sizeof(dir), "%s/%s", GA_ROOTS_DIR, names[i]);
		if (ga_root_detect(dir, &root, &err)) {
			line(d, false, false, label, "%s", err.msg);
		} else if (!is_root) {
			line(d, false, false, label, "%s: cannot be entered "
			     "without root (chroot, mounts)", root.server);
		} else if (ga_root_probe(&root, tmp && *tmp ? tmp : "/tmp",
					 NULL, how, sizeof(how), &err)) {
			line(d, false, false, label, "%s", err.msg);
		} else {
			line(d, true, false, label, "%s%s runs: --server %s",
			     strstr(root.version, "MariaDB") ? "" :
			     root.flavour == GA_FLAVOUR_MYSQL ? "MySQL " :
			     "MariaDB ", root.version, names[i]);
		}
	}
}

/* True for an image name that looks like a MySQL or MariaDB server's:
 * goneaway's own, or a repository whose last part names one. */
static bool server_image(const char *repo)
{
	const char *last = strrchr(repo, '/');

	if (strncmp(repo, "goneaway/", 9) == 0)
		return true;
	last = last ? last + 1 : repo;
	return strstr(last, "mysql") || strstr(last, "mariadb") ||
	       strstr(last, "percona");
}

/* The Docker engine (optional: only --server docker:IMAGE needs it) and
 * the images it has that --server docker:IMAGE can use.  They are listed,
 * not started. */
static void check_docker(struct doctor *d)
{
	const char *args[] = { "images", "--format",
			       "{{.Repository}}:{{.Tag}}\t{{.ID}}\t"
			       "{{.Size}}", NULL };
	char version[64], label[96], *list, *row, *save = NULL, *tab, *size;
	struct ga_docker dk;
	struct ga_error err;
	size_t len = 1 << 16;
	int n = 0;

	if (ga_docker_find(&dk, getenv("PATH"), getenv("DOCKER_HOST"), &err)) {
		line(d, false, false, "docker", "%s; --server docker:IMAGE "
		     "needs one", err.msg);
		return;
	}
	if (ga_docker_ping(&dk, version, sizeof(version), &err)) {
		line(d, false, false, "docker", "%s", err.msg);
		return;
	}
	line(d, true, false, "docker", "engine %s at %s%s (client %s)",
	     version, dk.host, dk.host_from_env ? " (DOCKER_HOST)" : "",
	     dk.cli);
	list = malloc(len);
	if (!list || ga_docker_run(&dk, args, list, len, GA_DOCKER_TIMEOUT_MS,
				   &err)) {
		line(d, false, false, "docker images", "%s", list ? err.msg :
		     "out of memory");
		free(list);
		return;
	}
	for (row = strtok_r(list, "\n", &save); row;
	     row = strtok_r(NULL, "\n", &save)) {
		tab = strchr(row, '\t');
		if (!tab)
			continue;
		*tab = '\0';
		if (!server_image(row) || strstr(row, "<none>"))
			continue;
		size = strchr(tab + 1, '\t');
		if (size)
			*size++ = '\0';
		snprintf(label, sizeof(label), "image %s", row);
		line(d, true, false, label, "id %s, %s: --server docker:%s",
		     tab + 1, size ? size : "?", row);
		n++;
	}
	if (n == 0)
		line(d, false, false, "docker images", "none of MySQL or "
		     "MariaDB (sh ci/build-server-images.sh makes "
		     "goneaway/mysql:9.7 and goneaway/mariadb:11.8 from the "
		     "server roots; or docker pull mysql:8.4)");
	free(list);
}

/* The proxies of --proxy and of the scenarios' "proxy" lines: optional
 * (their scenarios SKIP without them, as netem's do). */
static void check_proxies(struct doctor *d)
{
	const char *const *names = ga_proxy_kind_names();
	struct ga_error why;
	char version[128];
	size_t i;

	for (i = 0; names[i]; i++) {
		if (ga_proxy_probe(ga_proxy_kind_find(names[i]), version,
				   sizeof(version), &why) == 0)
			line(d, true, false, names[i], "%s (--proxy %s, and "
			     "the scenarios with \"proxy %s\")", version,
			     names[i], names[i]);
		else {
			line(d, false, false, names[i], "%s", why.msg);
			fprintf(d->out, "  %-8s %-18s %s\n", "", "",
				"(scenarios that need it SKIP with this reason)");
		}
	}
}

/* Podman, only when it is there: goneaway does not use it. */
static void check_podman(struct doctor *d)
{
	const char *path = getenv("PATH"), *p, *end;
	char prog[PATH_MAX];

	for (p = path ? path : ""; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		if (end == p || p[0] != '/')
			continue;
		snprintf(prog, sizeof(prog), "%.*s/podman", (int)(end - p), p);
		if (access(prog, X_OK) == 0) {
			line(d, false, false, "podman", "%s is there, but "
			     "goneaway runs containers with Docker only", prog);
			return;
		}
	}
}

/* One line per fault kind, from its probe (faults/fault.h): tried in t,
 * a private lab, or, with t NULL (no lab), only the kinds that need none;
 * lab_failed says the lab could not be made (its kinds need a lab). */
static void check_faults(struct doctor *d, const struct ga_fault_target *t,
			 bool lab_failed)
{
	const struct ga_fault_kind *const *k;
	struct ga_error why;

	for (k = ga_fault_table(); *k; k++) {
		const struct ga_fault_ops *o = (*k)->ops;
		bool required = !o->optional;

		if (o->in_lab && !t) {
			if (lab_failed)
				line(d, false, required, o->probe_name, "%s",
				     "needs a lab");
			continue;
		}
		why.msg[0] = '\0';
		if (o->probe(t, &why) == 0) {
			line(d, true, required, o->probe_name, "%s",
			     why.msg[0] ? why.msg : o->probe_ok);
			continue;
		}
		line(d, false, required, o->probe_name, "%s", why.msg);
		if (!required)
			fprintf(d->out, "  %-8s %-18s %s\n", "", "",
				"(scenarios that need it SKIP with this reason)");
	}
}

/* The lab (root only) and the fault kinds' probes in it. */
/* Whether a scenario's "server memory SIZE" can be given here: the
 * memory controller found, a run's cgroup and a server's made below
 * goneaway's own, a process started in it, its OOM count read, all
 * removed again (lab/memcg.h).  Optional: only those scenarios need it. */
static void check_memory_limits(struct doctor *d, bool root)
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
		line(d, false, false, "memory limits", "not root: a server's "
		     "memory cgroup ('server memory SIZE') needs root");
		return;
	}
	rc = ga_memcg_home(&h, &err);
	if (rc) {
		line(d, false, false, "memory limits", "%s", err.msg);
		return;
	}
	snprintf(suffix, sizeof(suffix), "doctor%ld", (long)getpid());
	if (ga_memcg_run_open(&run, &h, suffix, &err)) {
		line(d, false, false, "memory limits", "%s", err.msg);
		return;
	}
	rc = ga_memcg_make(&cg, &run, "probe", GA_MEMCG_MIN_BYTES, &err);
	if (rc == 0) {
		o.in_cgroup = true;
		o.cgroup_fd = cg.procs_fd;
		rc = ga_spawn_run(&o, NULL, VERSION_TIMEOUT_MS, &err);
	}
	if (rc == 0)
		rc = ga_memcg_oom_kills(&cg, &kills, &err);
	if (ga_memcg_remove(&cg, rc ? &ignored : &err))
		rc = -1;
	if (ga_memcg_run_close(&run, rc ? &ignored : &err))
		rc = -1;
	if (rc)
		line(d, false, false, "memory limits", "%s", err.msg);
	else
		line(d, true, false, "memory limits", "cgroup v%d memory "
		     "controller, a cgroup per server below %s ('server memory "
		     "SIZE': the OOM killer ends the server past it)",
		     (int)h.version, h.own);
}

static void check_kernel(struct doctor *d, bool root)
{
	struct ga_fault_target t;
	struct ga_lab lab;
	struct ga_error err;

	if (!root) {
		check_faults(d, NULL, false);
		return;
	}
	if (ga_lab_create(&lab, (unsigned)getpid() & 0xffffff, &err)) {
		line(d, false, true, "namespaces", "%s", err.msg);
		check_faults(d, NULL, true);
		return;
	}
	line(d, true, true, "namespaces", "%s", "network namespaces and a "
	     "veth pair (a private lab)");
	memset(&t, 0, sizeof(t));
	t.client_ns = lab.client_ns;
	t.server_ns = lab.server_ns;
	t.client_if = lab.client_if;
	t.server_if = lab.server_if;
	t.client_addr = GA_LAB_CLIENT_ADDR;
	t.server_addr = GA_LAB_SERVER_ADDR;
	t.server_port = GA_SERVER_PORT;
	t.tag = (unsigned)getpid() & 0xffffff;
	check_faults(d, &t, false);
	ga_lab_destroy(&lab);
}

/* Prints the report to out.  Returns true when everything the shipped
 * scenarios need is there (netem is optional: its scenarios SKIP). */
static bool run_doctor(FILE *out, const struct doctor_opts *opts)
{
	struct doctor d = { .out = out, .all_needed = true };
	char buf[64];

	fprintf(out, "goneaway doctor: what this machine can do\n");
	if (geteuid() != 0)
		line(&d, false, true, "root", "%s", "not root: scenarios need "
		     "network namespaces (run with sudo); kernel checks "
		     "skipped");
	else
		line(&d, true, true, "root", "%s", "running as root");
	check_kernel(&d, geteuid() == 0);
	check_memory_limits(&d, geteuid() == 0);
	check_server(&d, opts);
	check_roots(&d, geteuid() == 0);
	snprintf(buf, sizeof(buf), "Connector/C %s", mysql_get_client_info());
	line(&d, true, true, "client library", "%s", buf);
	check_proxies(&d);
	check_docker(&d);
	check_podman(&d);
	fprintf(out, "%s\n", d.all_needed ? "every scenario can run here"
		: "some scenarios cannot run here: see MISSING above");
	return d.all_needed;
}

int cmd_doctor(int argc, char **argv)
{
	struct doctor_opts o = {
		.mariadbd = "/usr/sbin/mariadbd",
		.install_db = "/usr/bin/mariadb-install-db",
	};
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--mariadbd") == 0 && i + 1 < argc) {
			o.mariadbd = argv[++i];
		} else if (strcmp(argv[i], "--install-db") == 0 &&
			   i + 1 < argc) {
			o.install_db = argv[++i];
		} else {
			fprintf(stderr, "usage: goneaway doctor [--mariadbd "
				"PATH] [--install-db PATH]\n");
			return EXIT_USAGE;
		}
	}
	return run_doctor(stdout, &o) ? EXIT_ALL_PASSED : EXIT_SOME_FAILED;
}

