/* process_driver.c - the client driver that is a process of its own
 * (client/driver.h: ga_driver_process), on top of the files of
 * client/process.h: its command made absolute, its probe (the greeting
 * read once, outside any lab: its name, library, version, features),
 * and its ops, which start each connection's process (a new one, or for
 * a driver that declares "cases" one of client/process_cases.c) and make
 * its calls (client/process_calls.c).
 */
#include "client/process.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "client/protocol.h"
#include "util/interrupt.h"
#include "util/json.h"

/* The connector's version: the greeting's "version" (X[.Y[.Z]], a tag
 * after it allowed), else the first X.Y[.Z] of its "library" (not of
 * the runtime's).  A "version" that is not one is refused: selectors
 * ([client=NAME >= VERSION]) would go by it.  Returns 0, or -1 with err
 * set. */
static int take_version(struct ga_driver *drv, const struct ga_json *hello,
			struct ga_error *err)
{
	const struct ga_json *v = ga_json_get(hello, "version");

	if (!v || v->type == GA_JSON_NULL) {
		drv->version = ga_protocol_version(ga_json_str(hello, "library",
							       ""), false,
						   drv->version_text,
						   sizeof(drv->version_text));
		return 0;
	}
	if (v->type == GA_JSON_STRING)
		drv->version = ga_protocol_version(v->str, true,
						   drv->version_text,
						   sizeof(drv->version_text));
	if (drv->version)
		return 0;
	return ga_error_set(err, "driver %s: its greeting's version is not "
			    "X, X.Y or X.Y.Z with X below 10000 and Y and Z "
			    "below 100 (docs/driver-protocol.md)",
			    drv->argv[0]);
}

/* Where c came from, as the report says it (docs/results-jsonl.md,
 * client_setup). */
static void setup(const struct ga_driver_conn *c, char *buf, size_t len)
{
	ga_keep_setup_text(c->kept, c->spawned, c->replaced, c->cases, buf,
			   len);
}

static int conn_new(struct ga_driver *drv, const struct ga_connection *decl,
		    const struct ga_client_env *env,
		    struct ga_driver_conn **connp, struct ga_error *err)
{
	struct ga_driver_conn *c;

	if (env->keep_dir && env->dir && (drv->features & GA_FEATURE_CASES))
		return ga_conn_kept(drv, decl, env, connp, err);
	c = ga_conn_alloc(drv);
	if (!c)
		return ga_error_set(err, "out of memory");
	c->decl = decl;
	c->env = env;
	if (env->dir)
		snprintf(c->log, sizeof(c->log), "%s/driver-%s.log", env->dir,
			 decl->name);
	if (ga_conn_process_start(c, env, c->log[0] ? c->log : NULL, err) ||
	    ga_conn_read_hello(c, err)) {
		ga_conn_end(c);
		return -1;
	}
	*connp = c;
	return 0;
}

static int server_ports(const struct ga_driver_conn *c, unsigned *ports,
			size_t max, size_t *n, struct ga_error *err)
{
	struct ga_socket_set socks;
	int rc;

	*n = 0;
	if (c->pid <= 0)
		return 0;
	ga_socket_set_of_process(c->pid, &socks);
	rc = ga_socket_ports_to(c->env->netns_fd, &socks, c->env->host,
				c->env->port, ports, max, n, err);
	ga_socket_set_free(&socks);
	return rc;
}

static const struct ga_driver_ops process_ops = {
	.kind = "process",
	.conn_new = conn_new,
	.unsupported = ga_conn_unsupported,
	.start = ga_conn_start,
	.call_fd = ga_conn_call_fd,
	.call_wfd = ga_conn_call_wfd,
	.collect = ga_conn_collect,
	.cancel = ga_conn_cancel,
	.thread_id = ga_conn_thread_id,
	.server_ports = server_ports,
	.conn_free = ga_conn_free,
	.setup = setup,
};

/* ---- the driver ------------------------------------------------------------- */

/* A word of the command that names a file by a relative path, as an
 * absolute one: the driver runs in the case's directory, not here.  A
 * word with a slash (t/driver.py, ./driver.py) when it names anything
 * here; one without (driver.py: issue 56, every case was an ERROR "can't
 * open file") when it names a regular file here, so that a word that is
 * no file (mysqli) or a directory stays a word; an option (-x) never. */
static char *absolute(const char *word)
{
	char buf[PATH_MAX];
	struct stat st;

	if (word[0] == '/' || word[0] == '-' || !word[0] ||
	    (!strchr(word, '/') &&
	     (stat(word, &st) != 0 || !S_ISREG(st.st_mode))) ||
	    !realpath(word, buf))
		return strdup(word);
	return strdup(buf);
}

/* argv[0] as a path: a bare name is looked up in PATH (the child must
 * not: execvp is not async-signal-safe). */
static char *resolve(const char *prog)
{
	const char *path = getenv("PATH"), *p, *end;
	char buf[PATH_MAX];

	if (strchr(prog, '/'))
		return absolute(prog);
	for (p = path ? path : "/usr/bin:/bin"; *p; p = *end ? end + 1 : end) {
		end = strchr(p, ':');
		if (!end)
			end = p + strlen(p);
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)(end - p), p, prog);
		if (access(buf, X_OK) == 0)
			return strdup(buf);
	}
	return strdup(prog);
}

static int probe(struct ga_driver *drv, char *const *argv,
		 struct ga_interrupt *in, struct ga_error *err);

int ga_driver_process(struct ga_driver *drv, char *const *argv,
		      struct ga_interrupt *in, struct ga_error *err)
{
	struct ga_error why;
	int rc;

	/* the probe is the drivers' caches' build (client/confine.c): what
	 * it adds is kept, root's, once it is gone */
	if (ga_driver_build_begin(&why))
		fprintf(stderr, "goneaway: warning: the drivers' cache is not "
			"built: %s\n", why.msg);
	rc = probe(drv, argv, in, err);
	ga_driver_build_end();
	return rc;
}

/* ga_driver_process: the greeting read once, outside any lab. */
static int probe(struct ga_driver *drv, char *const *argv,
		 struct ga_interrupt *in, struct ga_error *err)
{
	static const struct ga_connection probe_decl = { .name = "probe" };
	struct ga_client_env env = { .netns_fd = -1, .in = in };
	struct ga_driver_conn *c;
	const char *s, *tmp;
	size_t n, i;
	int fd, rc;

	memset(drv, 0, sizeof(*drv));
	drv->ops = &process_ops;
	for (n = 0; argv[n]; n++)
		;
	if (n == 0)
		return ga_error_set(err, "no driver command");
	drv->argv = calloc(n + 1, sizeof(char *));
	if (!drv->argv)
		return ga_error_set(err, "out of memory");
	for (i = 0; i < n; i++) {
		drv->argv[i] = i == 0 ? resolve(argv[0]) : absolute(argv[i]);
		if (!drv->argv[i]) {
			ga_driver_release(drv);
			return ga_error_set(err, "out of memory");
		}
	}
	snprintf(drv->name, sizeof(drv->name), "%s", argv[0]);
	/* once, outside any lab, for its name and library */
	c = ga_conn_alloc(drv);
	if (!c) {
		ga_driver_release(drv);
		return ga_error_set(err, "out of memory");
	}
	c->decl = &probe_decl;
	c->env = &env;          /* for its waits: only the signals */
	tmp = getenv("TMPDIR");
	snprintf(c->log, sizeof(c->log), "%s/goneaway-driver-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(c->log);
	if (fd >= 0)
		close(fd);
	else
		c->log[0] = '\0';
	rc = ga_conn_process_start(c, NULL, c->log[0] ? c->log : NULL, err);
	if (rc == 0)
		rc = ga_conn_read_hello(c, err);
	if (c->log[0])
		unlink(c->log);
	if (rc) {
		ga_conn_end(c);
		ga_driver_release(drv);
		return -1;
	}
	s = ga_json_str(c->hello, "driver", NULL);
	if (s && !ga_protocol_name_ok(s, ga_json_get(c->hello,
						     "driver")->len)) {
		ga_error_set(err, "driver %s: its greeting's \"driver\" is no "
			     "name: 1 to 63 letters, digits, '_', '.' and '-' "
			     "(docs/driver-protocol.md)", drv->alias);
		ga_conn_end(c);
		ga_driver_release(drv);
		return -1;
	}
	if (s)
		snprintf(drv->name, sizeof(drv->name), "%s", s);
	snprintf(drv->library, sizeof(drv->library), "%s%s%s",
		 ga_json_str(c->hello, "library", "?"),
		 ga_json_get(c->hello, "runtime") ? ", " : "",
		 ga_json_str(c->hello, "runtime", ""));
	rc = take_version(drv, c->hello, err);
	drv->protocol = c->protocol;
	drv->features = c->features;
	ga_conn_end(c);
	if (rc)
		ga_driver_release(drv);
	return rc;
}
