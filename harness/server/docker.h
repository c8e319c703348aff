/* docker.h - a Docker engine, through its command-line client.
 *
 * The engine is the docker client's own: DOCKER_HOST, else
 * unix:///var/run/docker.sock.  Every call runs the "docker" program found
 * in PATH as a child of the harness (lab/spawn.h: it holds no descriptor
 * of the harness's, and it leads a process group of its own, so that a
 * Ctrl-C in the terminal reaches only the harness, which then finishes
 * the call it started and removes what it made), bounded in time.
 *
 * The containers goneaway makes carry three labels:
 *
 *     goneaway.run=<the run's directory>   (run/rundir.h: alive while
 *                                           its lock is held)
 *     goneaway.host=<this machine's name>  (one engine may serve several)
 *     goneaway.scenario=<the scenario's label>
 *
 * and are only ever removed by those labels: a run's own when it ends, by
 * its reaper when it is killed (ga_docker_reaper_start), by "goneaway
 * sweep" when the run they name is gone (ga_docker_sweep).  Never another
 * container.
 */
#ifndef GA_DOCKER_H
#define GA_DOCKER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "util/error.h"

#define GA_DOCKER_DEFAULT_HOST "unix:///var/run/docker.sock"
#define GA_DOCKER_LABEL_RUN "goneaway.run"
#define GA_DOCKER_LABEL_HOST "goneaway.host"
#define GA_DOCKER_LABEL_SCENARIO "goneaway.scenario"

/* How long a call may take: a "docker run" of a big image on a loaded
 * machine, at worst; most take 30 to 500 ms. */
#define GA_DOCKER_TIMEOUT_MS 120000

struct ga_docker {
	char cli[PATH_MAX];             /* the docker program */
	char host[PATH_MAX];            /* the engine's address */
	bool host_from_env;             /* DOCKER_HOST says so */
	char hostname[128];             /* for the goneaway.host label */
	char scratch[PATH_MAX];         /* where a call's stderr is kept while
					 * it runs: TMPDIR, or a directory
					 * the caller sets (a run's own, which
					 * is swept after a SIGKILL) */
};

/* Finds the docker program in path (PATH's value; NULL: the default) and
 * the engine's address in docker_host (DOCKER_HOST's value, NULL when
 * unset).  Returns 0, or -1 with err saying there is no client. */
int ga_docker_find(struct ga_docker *d, const char *path,
		   const char *docker_host, struct ga_error *err);

/* Runs "docker ARGS" (args NULL-terminated), bounded by timeout_ms.  out
 * (len bytes, may be NULL) gets its standard output without the trailing
 * newline.  Returns 0 when it exited 0; otherwise -1 with err naming the
 * command and what it said (the line of its stderr that is not a
 * warning or a hint). */
int ga_docker_run(const struct ga_docker *d, const char *const *args,
		  char *out, size_t len, long timeout_ms,
		  struct ga_error *err);

/* A docker call under way, for work that overlaps with it. */
struct ga_docker_call {
	pid_t pid;                      /* 0: none */
	int pidfd;
	int out_fd;                     /* its standard output */
	char errpath[PATH_MAX];         /* its standard error */
	char what[32];                  /* "run": for messages */
};

/* ga_docker_run in two halves: start "docker ARGS" in c, then wait
 * (bounded) for its end, its output and status, as ga_docker_run.  A
 * started call must be finished, also when its answer no longer matters
 * (c is then released). */
int ga_docker_start(const struct ga_docker *d, const char *const *args,
		    struct ga_docker_call *c, struct ga_error *err);
int ga_docker_finish(struct ga_docker_call *c, char *out, size_t len,
		     long timeout_ms, struct ga_error *err);

/* Starts "docker run ARGS" (args without "run") followed by an inspect of
 * the new container: finished, out holds its id and, on a second line,
 * its State.Pid (the id alone, with an error, when only the inspect
 * failed). */
int ga_docker_start_container(const struct ga_docker *d,
			      const char *const *args,
			      struct ga_docker_call *c, struct ga_error *err);

/* True when the call has ended (its finish will not wait), or none was
 * started. */
bool ga_docker_done(const struct ga_docker_call *c);

/* Whether the engine answers: 0 with its version in version, or -1 with
 * err saying why in words the user can act on (no socket there, nobody
 * listens on it, no permission, or what the client said). */
int ga_docker_ping(const struct ga_docker *d, char *version, size_t len,
		   struct ga_error *err);

/* The socket path of a "unix://PATH" address into path.  Returns 0, or -1
 * for another kind of address (tcp://, ssh://) or one too long. */
int ga_docker_unix_path(const char *host, char *path, size_t len);

/* What error says the client printed when its engine did not answer at
 * the unix socket path: why, from connecting to it ourselves. */
void ga_docker_socket_diagnosis(const char *path, char *why, size_t len);

/* image with every character that is not [A-Za-z0-9._-] made '_'
 * ("goneaway/mysql:9.7" is "goneaway_mysql_9.7"), for a directory name. */
void ga_docker_image_slug(const char *image, char *buf, size_t len);

/* The reaper of a run, in the manner of Testcontainers' Ryuk: a process
 * in a session of its own (a Ctrl-C or a kill of the run's process group
 * does not reach it), with no death signal, blocked on the read end of a
 * pipe whose only write end the run holds (close-on-exec, and closed in
 * every child the harness spawns).  When the run dies, even by SIGKILL,
 * the pipe closes and the reaper removes (docker rm -f -v) every
 * container labelled with the run, twice: at once, and a second later
 * for a "docker run" that was under way.  A run that ends normally stops
 * it with ga_docker_reaper_stop() after removing its containers itself. */
struct ga_docker_reaper {
	pid_t pid;                      /* 0: none */
	int pidfd;
	int wfd;                        /* the run's end of the pipe */
};

/* Starts the reaper for the containers labelled goneaway.run=run and
 * goneaway.host=d->hostname.  Returns 0, or -1 with err set (r->pid 0). */
int ga_docker_reaper_start(struct ga_docker_reaper *r,
			   const struct ga_docker *d, const char *run,
			   struct ga_error *err);

/* Ends the reaper (SIGKILL, reaped) and closes the pipe.  Safe on one
 * that never started. */
void ga_docker_reaper_stop(struct ga_docker_reaper *r);

/* Removes the containers labelled with run (and this host).  *n (may be
 * NULL) gets how many.  Returns 0, or -1 with err set. */
int ga_docker_remove_run(const struct ga_docker *d, const char *run, int *n,
			 struct ga_error *err);

/* Removes the containers of this host whose goneaway.run names a run for
 * which alive(run) is false.  *n gets how many.  Returns 0, or -1 with
 * err set. */
int ga_docker_sweep(const struct ga_docker *d, bool (*alive)(const char *run),
		    int *n, struct ga_error *err);

#endif
