/* memfs.c - see memfs.h */
#include "lab/memfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

int ga_memfs_over(const char *path, long long size, struct ga_error *err)
{
	char opts[64];

	if (size < GA_MEMFS_SIZE_MIN)
		return ga_error_set(err, "a tmpfs of %lld bytes over %s: at "
				    "least %lld", size, path,
				    (long long)GA_MEMFS_SIZE_MIN);
	/* searchable, not listable: a server's user (lab/uids.h)
	 * reaches its own directory below by its path */
	snprintf(opts, sizeof(opts), "mode=0711,size=%lld,nr_inodes=%lld",
		 size, size / GA_MEMFS_BYTES_PER_FILE);
	if (unshare(CLONE_NEWNS) != 0)
		return ga_error_errno(err, errno, "a mount namespace of its "
				      "own for the run directory");
	/* the host's mounts still come in; none of ours goes out */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) != 0)
		return ga_error_errno(err, errno, "making / a slave mount");
	if (mount("goneaway-run", path, "tmpfs", MS_NOSUID | MS_NODEV,
		  opts) != 0)
		return ga_error_errno(err, errno, "a tmpfs over %s", path);
	return 0;
}

int ga_memfs_use(const char *path, struct ga_memfs_use *use,
		 struct ga_error *err)
{
	struct statvfs st;

	if (statvfs(path, &st) != 0)
		return ga_error_errno(err, errno, "statvfs %s", path);
	use->size = (long long)st.f_blocks * (long long)st.f_frsize;
	use->used = (long long)(st.f_blocks - st.f_bfree) *
		    (long long)st.f_frsize;
	use->files = (long long)st.f_files;
	use->files_used = (long long)(st.f_files - st.f_ffree);
	return 0;
}

int ga_memfs_off(const char *path, struct ga_error *err)
{
	if (umount2(path, MNT_DETACH) != 0)
		return ga_error_errno(err, errno, "unmounting %s", path);
	return 0;
}

/* ---- the watch ----------------------------------------------------------------- */

long long ga_memfs_slack(long long size)
{
	long long part = size / GA_MEMFS_SLACK_PART;

	return part > GA_MEMFS_SLACK_MIN ? part : GA_MEMFS_SLACK_MIN;
}

bool ga_memfs_bytes_filled(const struct ga_memfs_use *use)
{
	return use->size > 0 && use->used > use->size - ga_memfs_slack(use->size);
}

bool ga_memfs_files_filled(const struct ga_memfs_use *use)
{
	return use->files > 0 &&
	       use->files_used > use->files - use->files / GA_MEMFS_SLACK_PART;
}

bool ga_memfs_filled(const struct ga_memfs_use *use)
{
	return ga_memfs_bytes_filled(use) || ga_memfs_files_filled(use);
}

struct ga_memfs_watch {
	pthread_t thread;
	char path[PATH_MAX];
	atomic_bool stop;
	int wake;                       /* owned: an eventfd, written to
					 * stop the thread's wait */
	atomic_llong peak;              /* the most used seen: bytes */
	atomic_llong peak_files;        /* ... files */
	long long size, files;
	pthread_mutex_t lock;           /* guards what follows */
	int victim;                     /* owned: a pidfd, -1: none */
	bool ended;                     /* it was sent SIGKILL */
};

/* Ends the victim, once the use came near the size. */
static void end_victim(struct ga_memfs_watch *w)
{
	struct ga_memfs_use use = {
		atomic_load(&w->peak), w->size, atomic_load(&w->peak_files),
		w->files,
	};

	if (!ga_memfs_filled(&use))
		return;
	pthread_mutex_lock(&w->lock);
	if (w->victim >= 0 && !w->ended &&
	    syscall(SYS_pidfd_send_signal, w->victim, SIGKILL, NULL, 0) == 0)
		w->ended = true;
	pthread_mutex_unlock(&w->lock);
}

/* Moves *peak up to now. */
static void raise_to(atomic_llong *peak, long long now)
{
	long long seen = atomic_load(peak);

	while (now > seen && !atomic_compare_exchange_weak(peak, &seen, now))
		;
}

/* How long the use cannot take to come near the size (ga_memfs_filled),
 * at the fastest a writer fills a tmpfs: bytes at WRITE_BYTES_PER_MS
 * (8 GiB/s; dd wrote 3.2 GB/s here), files at CREATE_FILES_PER_MS (a
 * million a second).  The watch sleeps that long, between
 * GA_MEMFS_WATCH_MS and WATCH_MAX_MS: a case far from its size is
 * looked at ten times a second, not a hundred (every case's watch at
 * 100 Hz was 4 % of goneaway's CPU over the suite), one near it as
 * often as before. */
#define WRITE_BYTES_PER_MS ((8LL << 30) / 1000)
#define CREATE_FILES_PER_MS 1000LL
#define WATCH_MAX_MS 100L

static long next_look_ms(const struct ga_memfs_use *use)
{
	long long bytes = use->size - ga_memfs_slack(use->size) - use->used;
	long long files = use->files - use->files / GA_MEMFS_SLACK_PART -
			  use->files_used;
	long long ms = bytes / WRITE_BYTES_PER_MS;

	if (use->files > 0 && files / CREATE_FILES_PER_MS < ms)
		ms = files / CREATE_FILES_PER_MS;
	if (ms < GA_MEMFS_WATCH_MS)
		return GA_MEMFS_WATCH_MS;
	return ms > WATCH_MAX_MS ? WATCH_MAX_MS : (long)ms;
}

/* Takes one look: the peaks move up to what is used now.  Returns the
 * time to the next one, in ms. */
static long look(struct ga_memfs_watch *w)
{
	struct ga_memfs_use use;
	struct ga_error ignored;

	if (ga_memfs_use(w->path, &use, &ignored))
		return GA_MEMFS_WATCH_MS;
	raise_to(&w->peak, use.used);
	raise_to(&w->peak_files, use.files_used);
	end_victim(w);
	return next_look_ms(&use);
}

static void *watch_main(void *arg)
{
	struct ga_memfs_watch *w = arg;
	struct pollfd p = { .fd = w->wake, .events = POLLIN };

	while (!atomic_load(&w->stop))
		(void)poll(&p, 1, (int)look(w));
	return NULL;
}

struct ga_memfs_watch *ga_memfs_watch_start(const char *path,
					    struct ga_error *err)
{
	struct ga_memfs_watch *w = calloc(1, sizeof(*w));
	struct ga_memfs_use use;
	sigset_t all, old;
	int rc;

	if (!w) {
		ga_error_set(err, "out of memory");
		return NULL;
	}
	if (snprintf(w->path, sizeof(w->path), "%s", path) >=
	    (int)sizeof(w->path)) {
		ga_error_set(err, "%s: path too long", path);
		free(w);
		return NULL;
	}
	if (ga_memfs_use(path, &use, err)) {
		free(w);
		return NULL;
	}
	w->size = use.size;
	w->files = use.files;
	w->victim = -1;
	atomic_init(&w->stop, false);
	atomic_init(&w->peak, use.used);
	atomic_init(&w->peak_files, use.files_used);
	w->wake = eventfd(0, EFD_CLOEXEC);
	if (w->wake < 0) {
		ga_error_errno(err, errno, "eventfd");
		free(w);
		return NULL;
	}
	pthread_mutex_init(&w->lock, NULL);
	/* the thread takes no signal: they are the main thread's */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&w->thread, NULL, watch_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		ga_error_errno(err, rc, "a thread to watch %s", path);
		pthread_mutex_destroy(&w->lock);
		close(w->wake);
		free(w);
		return NULL;
	}
	return w;
}

void ga_memfs_watch_end_on_fill(struct ga_memfs_watch *w, int pidfd)
{
	int mine = pidfd >= 0 ? fcntl(pidfd, F_DUPFD_CLOEXEC, 0) : -1;

	pthread_mutex_lock(&w->lock);
	if (w->victim >= 0)
		close(w->victim);
	w->victim = mine;
	w->ended = false;
	pthread_mutex_unlock(&w->lock);
}

bool ga_memfs_watch_peak(struct ga_memfs_watch *w, struct ga_memfs_use *use)
{
	bool ended;

	look(w);
	use->used = atomic_load(&w->peak);
	use->size = w->size;
	use->files_used = atomic_load(&w->peak_files);
	use->files = w->files;
	pthread_mutex_lock(&w->lock);
	ended = w->ended;
	pthread_mutex_unlock(&w->lock);
	return ended;
}

void ga_memfs_watch_stop(struct ga_memfs_watch *w)
{
	if (!w)
		return;
	atomic_store(&w->stop, true);
	(void)!write(w->wake, &(uint64_t){ 1 }, sizeof(uint64_t));
	pthread_join(w->thread, NULL);
	close(w->wake);
	if (w->victim >= 0)
		close(w->victim);
	pthread_mutex_destroy(&w->lock);
	free(w);
}
