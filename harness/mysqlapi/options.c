/* options.c - a connection's driver options (docs/scenario-format.md,
 * "driver-option KEY=VALUE") as mysql_options() calls: see mysqlapi.h. */
#include "mysqlapi/mysqlapi.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

enum kind {
	FLAG,           /* no argument: set when the value is true */
	UINT,           /* unsigned int */
	TEXT,           /* const char * */
	OWN,            /* the connection's own word sets it: refused */
};

/* The mysql_options() a driver option may name, by the C API's own
 * name; both libraries have them.  MYSQL_OPT_LOCAL_INFILE is the
 * connection's local_infile (mysqlapi/infile.c, set after every driver
 * option): named here so that it is refused with that word. */
static const struct {
	const char *name;
	enum mysql_option opt;
	enum kind kind;
} table[] = {
	{ "MYSQL_OPT_COMPRESS", MYSQL_OPT_COMPRESS, FLAG },
	{ "MYSQL_INIT_COMMAND", MYSQL_INIT_COMMAND, TEXT },
	{ "MYSQL_SET_CHARSET_NAME", MYSQL_SET_CHARSET_NAME, TEXT },
	{ "MYSQL_OPT_LOCAL_INFILE", MYSQL_OPT_LOCAL_INFILE, OWN },
	{ "MYSQL_DEFAULT_AUTH", MYSQL_DEFAULT_AUTH, TEXT },
	{ "MYSQL_OPT_NET_BUFFER_LENGTH", MYSQL_OPT_NET_BUFFER_LENGTH, UINT },
};

#define COUNT (sizeof(table) / sizeof(table[0]))

const char *ga_mysql_option_names(char *buf, size_t len)
{
	size_t i, used = 0;
	int n;

	if (len)
		buf[0] = '\0';
	for (i = 0; i < COUNT && used < len; i++) {
		if (table[i].kind == OWN)
			continue;
		n = snprintf(buf + used, len - used, "%s%s", used ? ", " : "",
			     table[i].name);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	return buf;
}

/* "1", "true", "on" or "0", "false", "off": 1 or 0, else -1. */
static int truth(const char *v)
{
	if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "on"))
		return 1;
	if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "off"))
		return 0;
	return -1;
}

int ga_mysql_option_set(MYSQL *m, const char *key, const char *value,
			char *why, size_t len)
{
	char names[300], *end;
	unsigned long u;
	unsigned int ui;
	size_t i;
	int t;

	for (i = 0; i < COUNT && strcmp(table[i].name, key) != 0; i++)
		;
	if (i == COUNT) {
		snprintf(why, len, "no driver option '%s' (known: %s)", key,
			 ga_mysql_option_names(names, sizeof(names)));
		return 1;
	}
	switch (table[i].kind) {
	case FLAG:
		t = truth(value);
		if (t < 0) {
			snprintf(why, len, "driver option %s takes 1 or 0, not "
				 "'%s'", key, value);
			return 1;
		}
		if (m && t)
			mysql_options(m, table[i].opt, NULL);
		return 0;
	case UINT:
		errno = 0;
		u = strtoul(value, &end, 10);
		t = truth(value);
		if (t >= 0) {
			u = (unsigned long)t;
		} else if (!*value || *end || errno || u > 0xffffffffUL ||
			   value[0] == '-') {
			snprintf(why, len, "driver option %s takes a whole "
				 "number, not '%s'", key, value);
			return 1;
		}
		ui = (unsigned int)u;
		if (m)
			mysql_options(m, table[i].opt, &ui);
		return 0;
	case TEXT:
		if (m)
			mysql_options(m, table[i].opt, value);
		return 0;
	case OWN:
		snprintf(why, len, "driver option %s: the connection's own "
			 "word local_infile says whether LOAD DATA LOCAL may "
			 "read a file, and which (docs/scenario-format.md): "
			 "write that", key);
		return 1;
	}
	return 1;
}

int ga_mysql_keepalive(MYSQL *m, long idle_s, long interval_s, long count,
		       char *why, size_t len)
{
	static const struct {
		int level, name;
		const char *what;
	} opts[] = {
		{ SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE" },
		{ IPPROTO_TCP, TCP_KEEPIDLE, "TCP_KEEPIDLE" },
		{ IPPROTO_TCP, TCP_KEEPINTVL, "TCP_KEEPINTVL" },
		{ IPPROTO_TCP, TCP_KEEPCNT, "TCP_KEEPCNT" },
	};
#ifdef MARIADB_PACKAGE_VERSION
	int fd = (int)mysql_get_socket(m), v[4];
#else
	int fd = (int)m->net.fd, v[4];  /* Oracle's: no mysql_get_socket */
#endif
	size_t i;

	v[0] = 1;
	v[1] = (int)idle_s;
	v[2] = (int)interval_s;
	v[3] = (int)count;
	if (fd < 0) {
		snprintf(why, len, "keepalive: the connection has no socket");
		return -1;
	}
	for (i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (setsockopt(fd, opts[i].level, opts[i].name, &v[i],
			       sizeof(v[i])) != 0) {
			snprintf(why, len, "keepalive: setsockopt %s %d: %s",
				 opts[i].what, v[i], strerror(errno));
			return -1;
		}
	return 0;
}
