/* toxic_mysql_kill.c - goneaway's mysql_kill: at the client's next
 * command, goneaway's server (or the user's own, with --upstream-admin:
 * serve/upadmin.h) KILLs the session behind the connection
 * (serve/relaymysql.c submits the KILL and holds the command until it
 * is done), or, with query, KILL QUERY once the command went on. */
#include "serve/mysqlwire.h"
#include "serve/toxcount.h"
#include "serve/toxics.h"

#define ATTRS(X, st) \
	X(st, query, BOOL, NULL, "true: KILL QUERY instead of KILL") \
	X(st, count, INT64, NULL, "kills at most this many times (0: every " \
	  "command)")
GA_TOXIC_ATTRS(mysql_kill, ATTRS);

static int mysql_kill_check(struct ga_toxic *t, char *msg, size_t len)
{
	const struct mysql_kill *a = t->attrs;

	return ga_toxic_count_check(t, a->count, msg, len);
}

static bool mysql_kill_packet(const struct ga_toxic *t,
			      const struct ga_mw_event *ev,
			      struct ga_toxic_act *act)
{
	const struct mysql_kill *a = t->attrs;

	/* COM_QUIT (1): the session ends anyway */
	if (ev->point != GA_MW_COMMAND || ev->command == 1 ||
	    ga_toxic_spent(t, a->count))
		return false;
	act->what = GA_ACT_KILL;
	act->query = a->query;
	return true;
}

const struct ga_toxic_type ga_toxic_mysql_kill = {
	GA_TOXIC_OF(mysql_kill, GA_TOXIC_MYSQL, "MysqlKillToxic"),
	.what = "goneaway's server KILLs the session behind the connection "
		"when the client's next command reaches the proxy: KILL (the "
		"connection) before the command goes on to the server, or, "
		"with query, KILL QUERY just after it went on (a statement "
		"still running is interrupted).  The client gets what the "
		"server says. For a proxy whose upstream is goneaway's "
		"server, or the user's own server when serve was given an "
		"admin account for it (--upstream-admin FILE, which names "
		"its host and port): the session from the proxy's upstream "
		"socket is KILLed there; on a connection that reached "
		"another address nothing is killed and the log says why.",
	.needs = GA_TOXIC_NEEDS_MYSQL | GA_TOXIC_NEEDS_ADMIN,
	.check = mysql_kill_check,
	.packet = mysql_kill_packet,
};
