/* servelog.c - see servelog.h: JSON lines, flushed one at a time. */
#include "serve/servelog.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "util/json.h"

static int not_regular(const char *path, struct ga_error *err)
{
	return ga_error_set(err, "--log %s: not a regular file (a FIFO or a "
			    "device would hold goneaway serve up)", path);
}

int ga_sv_log_check(const char *path, struct ga_error *err)
{
	struct stat st;

	if (lstat(path, &st) != 0)
		return errno == ENOENT ? 0 : ga_error_errno(err, errno,
							     "--log %s", path);
	if (S_ISLNK(st.st_mode))
		return ga_error_set(err, "--log %s: a symbolic link", path);
	return S_ISREG(st.st_mode) ? 0 : not_regular(path, err);
}

int ga_sv_log_open(struct ga_sv_log *l, const char *path,
		   struct ga_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC |
		      O_NOFOLLOW | O_NONBLOCK, 0600);
	struct stat st;

	l->f = NULL;
	if (fd < 0 && errno == ENXIO)   /* a FIFO no one reads */
		return not_regular(path, err);
	if (fd < 0)
		return ga_error_errno(err, errno, "--log %s", path);
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return not_regular(path, err);
	}
	fcntl(fd, F_SETFL, O_APPEND);    /* a regular file: blocking again */
	l->f = fdopen(fd, "a");
	if (!l->f) {
		close(fd);
		return ga_error_errno(err, errno, "--log %s", path);
	}
	return 0;
}

void ga_sv_log_close(struct ga_sv_log *l)
{
	if (l->f)
		fclose(l->f);
	l->f = NULL;
}

FILE *ga_sv_log_begin(struct ga_sv_log *l, const char *event)
{
	struct timeval tv;
	struct tm tm;
	char when[32];

	if (!l || !l->f)
		return NULL;
	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	fprintf(l->f, "{\"time\":\"%s.%03ldZ\",\"event\":", when,
		(long)tv.tv_usec / 1000);
	ga_json_write_string(l->f, event, strlen(event));
	return l->f;
}

void ga_sv_log_key(FILE *f, const char *key)
{
	fputc(',', f);
	ga_json_write_string(f, key, strlen(key));
	fputc(':', f);
}

void ga_sv_log_str(FILE *f, const char *key, const char *value)
{
	ga_sv_log_key(f, key);
	ga_json_write_string(f, value, strlen(value));
}

void ga_sv_log_num(FILE *f, const char *key, double value)
{
	ga_sv_log_key(f, key);
	fprintf(f, "%.1f", value);
}

void ga_sv_log_int(FILE *f, const char *key, long long value)
{
	ga_sv_log_key(f, key);
	fprintf(f, "%lld", value);
}

void ga_sv_log_bool(FILE *f, const char *key, bool value)
{
	ga_sv_log_key(f, key);
	fputs(value ? "true" : "false", f);
}

void ga_sv_log_end(struct ga_sv_log *l)
{
	if (!l || !l->f)
		return;
	fputs("}\n", l->f);
	fflush(l->f);
}
