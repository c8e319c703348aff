/* infile.c - LOAD DATA LOCAL's file requests answered by goneaway's own
 * handler: see mysqlapi.h and util/beneath.h. */
#include "mysqlapi/mysqlapi.h"

#include <errmsg.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The code of a refused request: the library's own where it has one
 * (libmysqlclient 8.0.21 and later), else Connector/C's for "Load data
 * local infile forbidden". */
#ifdef CR_LOAD_DATA_LOCAL_INFILE_REJECTED
#define REFUSED CR_LOAD_DATA_LOCAL_INFILE_REJECTED
#else
#define REFUSED CR_UNKNOWN_ERROR
#endif

struct request {
	int fd;                         /* -1: refused or failed */
	int code;                       /* the error's, 0 none */
	char msg[MYSQL_ERRMSG_SIZE];
};

static int request_init(void **ptr, const char *filename, void *userdata)
{
	const struct ga_beneath *allowed = userdata;
	struct request *r = calloc(1, sizeof(*r));
	struct ga_error err;

	*ptr = r;
	if (!r)
		return 1;
	r->fd = -1;
	if (!allowed || allowed->n == 0) {
		r->code = REFUSED;
		snprintf(r->msg, sizeof(r->msg), "LOAD DATA LOCAL INFILE "
			 "refused: the server asked for '%.200s', and the "
			 "connection does not declare local_infile (goneaway "
			 "reads no file for the server unless the scenario "
			 "says so)", filename);
		return 1;
	}
	r->fd = ga_open_beneath(allowed, filename, GA_BENEATH_AUTO, &err);
	if (r->fd < 0) {
		r->code = REFUSED;
		snprintf(r->msg, sizeof(r->msg), "LOAD DATA LOCAL INFILE "
			 "refused: %s", err.msg);
		return 1;
	}
	return 0;
}

static int request_read(void *ptr, char *buf, unsigned int len)
{
	struct request *r = ptr;
	ssize_t n;

	do
		n = read(r->fd, buf, len);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		r->code = CR_UNKNOWN_ERROR;
		snprintf(r->msg, sizeof(r->msg), "LOAD DATA LOCAL INFILE: "
			 "read: %s", strerror(errno));
		return -1;
	}
	return (int)n;
}

static void request_end(void *ptr)
{
	struct request *r = ptr;

	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	free(r);
}

static int request_error(void *ptr, char *buf, unsigned int len)
{
	struct request *r = ptr;

	if (!r) {
		snprintf(buf, len, "LOAD DATA LOCAL INFILE: out of memory");
		return CR_OUT_OF_MEMORY;
	}
	snprintf(buf, len, "%s", r->msg);
	return r->code ? r->code : CR_UNKNOWN_ERROR;
}

void ga_mysql_local_infile(MYSQL *m, const struct ga_beneath *allowed)
{
	unsigned int on = allowed && allowed->n > 0;

	mysql_options(m, MYSQL_OPT_LOCAL_INFILE, &on);
	mysql_set_local_infile_handler(m, request_init, request_read,
				       request_end, request_error,
				       (void *)allowed);
}
