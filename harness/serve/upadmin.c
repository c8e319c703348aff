/* upadmin.c - see upadmin.h: the user's admin account's file, and
 * mysql_kill's KILL with it on the user's own server. */
#include "serve/upadmin.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mysql.h>
#include <mysqld_error.h>

#include "mysqlapi/mysqlapi.h"
#include "util/clock.h"
#include "util/fsutil.h"

#define ADMIN_TIMEOUT_S 5       /* connect, read, write: each bounded */
#define FILE_MAX 65536

/* ---- the file ------------------------------------------------------------------ */

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* A port = value into a->port: 1 to 65535, digits only. */
static int take_port(const char *value, const char *path, int n,
		     struct ga_sv_upadmin *a, struct ga_error *err)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(value, &end, 10);
	if (!isdigit((unsigned char)*value) || *end || errno || v == 0 ||
	    v > 65535)
		return ga_error_set(err, "--upstream-admin %s:%d: port: "
				    "expected a number from 1 to 65535, not "
				    "'%.40s'", path, n, value);
	a->port = (unsigned)v;
	return 0;
}

/* One line of the file (number n): a section, a comment, or user=,
 * password=, host= or port= (host's line into *host_line).  Returns 0,
 * or -1 with err set (never the value). */
static int take_line(char *line, const char *path, int n,
		     struct ga_sv_upadmin *a, int *host_line,
		     struct ga_error *err)
{
	char *key, *value, *eq;
	char *dst;
	size_t max;

	line = trim(line);
	if (!*line || *line == '#' || *line == ';' || *line == '[')
		return 0;
	eq = strchr(line, '=');
	if (!eq)
		return ga_error_set(err, "--upstream-admin %s:%d: expected "
				    "'user = NAME', 'password = SECRET', "
				    "'host = ADDRESS' or 'port = N'", path, n);
	*eq = '\0';
	key = trim(line);
	value = trim(eq + 1);
	if (strcmp(key, "port") == 0)
		return take_port(value, path, n, a, err);
	if (strcmp(key, "user") == 0) {
		dst = a->user;
		max = sizeof(a->user);
	} else if (strcmp(key, "password") == 0) {
		dst = a->password;
		max = sizeof(a->password);
	} else if (strcmp(key, "host") == 0) {
		dst = a->host;
		max = sizeof(a->host);
		*host_line = n;
	} else if (strcmp(key, "socket") == 0) {
		return ga_error_set(err, "--upstream-admin %s:%d: 'socket': a "
				    "proxy reaches its upstream over TCP: give "
				    "'host = ADDRESS' and 'port = N', the "
				    "server's TCP address", path, n);
	} else {
		return ga_error_set(err, "--upstream-admin %s:%d: '%.40s': "
				    "only user, password, host and port are "
				    "read", path, n, key);
	}
	if (strlen(value) >= max)
		return ga_error_set(err, "--upstream-admin %s:%d: %s longer "
				    "than %zu bytes", path, n, key, max - 1);
	memcpy(dst, value, strlen(value) + 1);
	return 0;
}

/* a->host and a->port resolved into a->addr (host's line: n).  Returns
 * 0, or -1 with err set. */
static int resolve(const char *path, int n, struct ga_sv_upadmin *a,
		   struct ga_error *err)
{
	struct addrinfo hints, *res = NULL, *ai;
	char port[8];
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(port, sizeof(port), "%u", a->port);
	rc = getaddrinfo(a->host, port, &hints, &res);
	if (rc != 0)
		return ga_error_set(err, "--upstream-admin %s:%d: host '%.80s': "
				    "%s", path, n, a->host, gai_strerror(rc));
	for (ai = res; ai && a->naddr < GA_SV_UPADMIN_ADDRS; ai = ai->ai_next) {
		if (ai->ai_addrlen > sizeof(a->addr[0]))
			continue;
		memcpy(&a->addr[a->naddr], ai->ai_addr, ai->ai_addrlen);
		a->addr_len[a->naddr++] = ai->ai_addrlen;
	}
	freeaddrinfo(res);
	if (a->naddr == 0)
		return ga_error_set(err, "--upstream-admin %s:%d: host '%.80s': "
				    "no address", path, n, a->host);
	return 0;
}

static int parse(char *text, const char *path, struct ga_sv_upadmin *a,
		 struct ga_error *err)
{
	char *line, *nl;
	int n = 0, host_line = 0;

	for (line = text; line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		else if (!*line && n > 0)
			break;          /* after the last line's newline */
		if (take_line(line, path, ++n, a, &host_line, err))
			return -1;
	}
	if (!a->user[0])
		return ga_error_set(err, "--upstream-admin %s:%d: no 'user = "
				    "NAME' line", path, n);
	if (!a->host[0] || !a->port)
		return ga_error_set(err, "--upstream-admin %s:%d: expected "
				    "'host = ADDRESS' and 'port = N' lines: the "
				    "server the account is for (serve uses it "
				    "only on a proxied connection that reached "
				    "that address)", path, n);
	return resolve(path, host_line, a, err);
}

int ga_sv_upadmin_read(const char *path, uid_t owner,
		       struct ga_sv_upadmin *a, struct ga_error *err)
{
	struct stat st;
	char *text = NULL;
	size_t len;
	int fd, rc;

	memset(a, 0, sizeof(*a));
	memset(&st, 0, sizeof(st));     /* what a failed fstat says */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC |
		  O_NOCTTY);
	if (fd < 0)
		return ga_error_errno(err, errno, "--upstream-admin %s%s", path,
				      errno == ELOOP ? " (a symbolic link)" :
				      "");
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    st.st_uid != owner || (st.st_mode & 077) != 0) {
		rc = ga_error_set(err, "--upstream-admin %s: it holds a "
				  "password: give a regular file of uid %u's "
				  "(the API's owner) that no one else may read "
				  "or write (chmod 600); this one is %s, uid %u, "
				  "mode %04o", path, (unsigned)owner,
				  S_ISREG(st.st_mode) ? "a file" : "no file",
				  (unsigned)st.st_uid,
				  (unsigned)(st.st_mode & 07777));
		close(fd);
		return rc;
	}
	if (ga_fd_read(fd, path, FILE_MAX, &text, &len, err))
		return ga_error_prefix(err, "--upstream-admin");
	rc = parse(text, path, a, err);
	explicit_bzero(text, len);
	free(text);
	if (rc)
		ga_sv_upadmin_forget(a);
	return rc;
}

bool ga_sv_upadmin_names(const struct ga_sv_upadmin *a,
			 const struct sockaddr *sa, socklen_t len)
{
	const struct sockaddr_in *in4 = (const void *)sa, *b4;
	const struct sockaddr_in6 *in6 = (const void *)sa, *b6;
	size_t i;

	for (i = 0; i < a->naddr; i++) {
		if (a->addr[i].ss_family != sa->sa_family)
			continue;
		b4 = (const void *)&a->addr[i];
		b6 = (const void *)&a->addr[i];
		if (sa->sa_family == AF_INET && len >= sizeof(*in4) &&
		    in4->sin_port == b4->sin_port &&
		    in4->sin_addr.s_addr == b4->sin_addr.s_addr)
			return true;
		if (sa->sa_family == AF_INET6 && len >= sizeof(*in6) &&
		    in6->sin6_port == b6->sin6_port &&
		    memcmp(&in6->sin6_addr, &b6->sin6_addr,
			   sizeof(in6->sin6_addr)) == 0)
			return true;
	}
	return false;
}

void ga_sv_upadmin_forget(struct ga_sv_upadmin *a)
{
	explicit_bzero(a, sizeof(*a));
}

/* ---- the KILL ------------------------------------------------------------------ */

/* The admin connection to job's server, its socket uid's and gid's
 * (a socket is its maker's fsuid's and fsgid's: this thread's alone).
 * Returns it, or NULL with job->msg set. */
static MYSQL *connect_as(const struct ga_sv_upadmin *a, uid_t uid, gid_t gid,
			 struct ga_sv_job *job)
{
	unsigned int timeout = ADMIN_TIMEOUT_S;
	unsigned int protocol = MYSQL_PROTOCOL_TCP;
	MYSQL *m = mysql_init(NULL);
	MYSQL *ok;
	uid_t was_uid;
	gid_t was_gid;

	if (!m) {
		snprintf(job->msg, sizeof(job->msg), "mysql_init: out of "
			 "memory");
		return NULL;
	}
	mysql_options(m, MYSQL_OPT_CONNECT_TIMEOUT, &timeout);
	mysql_options(m, MYSQL_OPT_READ_TIMEOUT, &timeout);
	mysql_options(m, MYSQL_OPT_WRITE_TIMEOUT, &timeout);
	mysql_options(m, MYSQL_OPT_PROTOCOL, &protocol);
	ga_mysql_local_infile(m, NULL);
	was_gid = (gid_t)setfsgid(gid);
	was_uid = (uid_t)setfsuid(uid);
	ok = mysql_real_connect(m, job->up_addr, a->user, a->password, NULL,
				job->up_port, NULL, 0);
	setfsuid(was_uid);
	setfsgid(was_gid);
	if (!ok) {
		snprintf(job->msg, sizeof(job->msg), "--upstream-admin: "
			 "connecting to %s:%u as %s: %u %s: nothing killed",
			 job->up_addr, job->up_port, a->user, mysql_errno(m),
			 mysql_error(m));
		mysql_close(m);
		return NULL;
	}
	return m;
}

/* One query's first value into out; -1 with job->msg set when it
 * failed. */
static int ask(MYSQL *m, const char *sql, struct ga_outcome *out,
	       struct ga_sv_job *job)
{
	memset(out, 0, sizeof(*out));
	ga_mysql_query(m, sql, out);
	if (out->result == GA_RESULT_OK)
		return 0;
	snprintf(job->msg, sizeof(job->msg), "--upstream-admin: %s: the "
		 "server said %u (%s): %s", sql, out->err, out->sqlstate,
		 out->message);
	return -1;
}

/* The session from job's socket: exactly one whose HOST ends in
 * ":local_port", its ID the greeting's thread id, and its address ours
 * when the server shows an address (not a name).  Its HOST into host.
 * Returns 0, or -1 with job->msg set. */
static int find_session(MYSQL *m, struct ga_sv_job *job, char *host,
			size_t len)
{
	struct ga_outcome out;
	char sql[256], *sp, *colon;
	unsigned long count, id;
	unsigned char bin[16];

	snprintf(sql, sizeof(sql), "SELECT CONCAT(COUNT(*), ' ', IFNULL(MAX("
		 "ID), 0), ' ', IFNULL(MAX(HOST), '')) FROM "
		 "information_schema.PROCESSLIST WHERE HOST LIKE '%%:%u'",
		 job->local_port);
	if (ask(m, sql, &out, job))
		return -1;
	count = strtoul(out.value, &sp, 10);
	id = strtoul(sp, &sp, 10);
	snprintf(host, len, "%s", *sp ? sp + 1 : "");
	colon = strrchr(host, ':');
	if (count == 0 || !out.has_value) {
		snprintf(job->msg, sizeof(job->msg), "no session on %s:%u "
			 "comes from port %u (its PROCESSLIST): nothing killed",
			 job->up_addr, job->up_port, job->local_port);
		return -1;
	}
	if (count > 1) {
		snprintf(job->msg, sizeof(job->msg), "%lu sessions on %s:%u "
			 "come from port %u: which one is this connection's is "
			 "not sure, nothing killed", count, job->up_addr,
			 job->up_port, job->local_port);
		return -1;
	}
	if (id != job->thread_id) {
		snprintf(job->msg, sizeof(job->msg), "the session from port %u "
			 "is %lu, not %lu (the server's greeting to this "
			 "connection): nothing killed", job->local_port, id,
			 job->thread_id);
		return -1;
	}
	if (colon) {
		*colon = '\0';
		if ((inet_pton(AF_INET, host, bin) == 1 ||
		     inet_pton(AF_INET6, host, bin) == 1) &&
		    strcmp(host, job->local_addr) != 0) {
			snprintf(job->msg, sizeof(job->msg), "the session from "
				 "port %u comes from %s, not %s: nothing "
				 "killed", job->local_port, host,
				 job->local_addr);
			return -1;
		}
		*colon = ':';
	}
	return 0;
}

/* KILL QUERY id once its statement runs (one that comes before is
 * forgotten), looking every pause until wait_ms.  Returns 0 (job->msg
 * set when nothing ran to kill), or -1 with job->msg set. */
static int kill_query(MYSQL *m, struct ga_sv_job *job, const char *host,
		      bool (*pause)(void *ctx), void *ctx, long wait_ms)
{
	struct ga_outcome out;
	char sql[160];
	double t0 = ga_clock_ms();
	bool came = false;

	snprintf(sql, sizeof(sql), "SELECT IF(INFO IS NULL, COMMAND, "
		 "'running') FROM information_schema.PROCESSLIST WHERE ID = "
		 "%lu", job->thread_id);
	for (;;) {
		job->waited_ms = (long)(ga_clock_ms() - t0);
		if (ask(m, sql, &out, job))
			return -1;
		if (!out.has_value) {
			snprintf(job->msg, sizeof(job->msg), "session %lu (%s) "
				 "is gone", job->thread_id, host);
			return 0;
		}
		if (strcmp(out.value, "running") == 0)
			break;
		if (came || job->waited_ms > wait_ms) {
			snprintf(job->msg, sizeof(job->msg), "session %lu (%s): "
				 "the statement %s", job->thread_id, host, came ?
				 "ended before it was seen running" :
				 "was not seen running");
			return 0;
		}
		came = pause(ctx);
	}
	snprintf(sql, sizeof(sql), "KILL QUERY %lu", job->thread_id);
	if (ask(m, sql, &out, job))
		return -1;
	snprintf(job->msg, sizeof(job->msg), "killed the query of session %lu "
		 "(%s) on %s:%u", job->thread_id, host, job->up_addr,
		 job->up_port);
	return 0;
}

int ga_sv_upadmin_kill(const struct ga_sv_upadmin *a, uid_t uid, gid_t gid,
		       struct ga_sv_job *job, bool (*pause)(void *ctx),
		       void *ctx, long wait_ms)
{
	struct ga_outcome out;
	char host[128], sql[64];
	MYSQL *m;
	int rc;

	/* the account's server, or nothing of it goes anywhere */
	if (job->up_sa_len == 0 ||
	    !ga_sv_upadmin_names(a, (const struct sockaddr *)&job->up_sa,
				 job->up_sa_len)) {
		snprintf(job->msg, sizeof(job->msg), "upstream %s:%u is not "
			 "the server --upstream-admin names (%.80s:%u): its "
			 "account is not used, nothing killed",
			 job->up_addr[0] ? job->up_addr : "(none)",
			 job->up_port, a->host, a->port);
		return -1;
	}
	/* connect to the very address checked, not to text beside it */
	if (getnameinfo((const struct sockaddr *)&job->up_sa, job->up_sa_len,
			job->up_addr, sizeof(job->up_addr), NULL, 0,
			NI_NUMERICHOST) != 0) {
		snprintf(job->msg, sizeof(job->msg), "--upstream-admin: the "
			 "upstream's address has no text: nothing killed");
		return -1;
	}
	job->up_port = a->port;
	m = connect_as(a, uid, gid, job);
	if (!m)
		return -1;
	rc = find_session(m, job, host, sizeof(host));
	if (rc == 0 && job->query) {
		rc = kill_query(m, job, host, pause, ctx, wait_ms);
	} else if (rc == 0) {
		snprintf(sql, sizeof(sql), "KILL CONNECTION %lu",
			 job->thread_id);
		rc = ask(m, sql, &out, job);
		if (rc == 0)
			snprintf(job->msg, sizeof(job->msg), "killed session "
				 "%lu (%s) on %s:%u", job->thread_id, host,
				 job->up_addr, job->up_port);
	}
	mysql_close(m);
	return rc;
}
