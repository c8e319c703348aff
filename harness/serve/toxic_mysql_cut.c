/* toxic_mysql_cut.c - goneaway's mysql_cut: the connection cut where the
 * MySQL protocol reaches a point (serve/mysqlwire.h says where it is):
 * the server's greeting, the client's login, the server's answer to it,
 * the client's TLS hello, a command (any, or one), or the n-th row of a
 * command's result; with a reset, a close, or a hold
 * (serve/relaymysql.c cuts). */
#include "serve/mysqlwire.h"
#include "serve/toxcount.h"
#include "serve/toxics.h"

#include <stdlib.h>
#include <string.h>

#include "faults/point.h"

#define ATTRS(X, st) \
	X(st, at, STRING, "command", "greeting, login, auth, tls, command " \
	  "or row") \
	X(st, command, STRING, NULL, "at command: the command (COM_QUERY, " \
	  "COM_PING, ...; empty: any)") \
	X(st, row, INT64, "1", "at row: which row of the result (1 is the " \
	  "first)") \
	X(st, action, STRING, "reset", "reset (TCP RST to both sides), " \
	  "close (FIN to both) or hold (nothing passes any more, either " \
	  "way)") \
	X(st, after, BOOL, NULL, "true: the packet at the point passes, the " \
	  "cut comes after it") \
	X(st, count, INT64, NULL, "cuts at most this many connections (0: " \
	  "every one)")
GA_TOXIC_ATTRS(mysql_cut, ATTRS);

/* Its points, in the words of at. */
enum point { GREETING, LOGIN, AUTH, TLS, COMMAND, ROW, NPOINTS };
static const char *const points[NPOINTS] = {
	[GREETING] = "greeting", [LOGIN] = "login", [AUTH] = "auth",
	[TLS] = "tls", [COMMAND] = "command", [ROW] = "row",
};
static const char *const actions[] = {
	[GA_CUT_RESET] = "reset", [GA_CUT_CLOSE] = "close",
	[GA_CUT_HOLD] = "hold",
};
#define NACTIONS (sizeof(actions) / sizeof(actions[0]))

static int word_index(const char *w, const char *const *words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(w, words[i]) == 0)
			return (int)i;
	return -1;
}

/* The command byte of command ("COM_QUERY", "3"), -1 for any command,
 * -2 for a word it does not know. */
static int command_of(const struct mysql_cut *a)
{
	const char *c = a->command;
	char *end;
	long v;

	if (!*c)
		return -1;
	if (strncmp(c, "COM_", 4) == 0)
		return ga_point_command_byte(c) < 0 ? -2 :
		       ga_point_command_byte(c);
	v = strtol(c, &end, 0);
	return *end || v < 0 || v > 255 ? -2 : (int)v;
}

/* Which of its points a packet is, or -1. */
static int point_of(enum ga_mw_point p)
{
	switch (p) {
	case GA_MW_GREETING: return GREETING;
	case GA_MW_LOGIN:
	case GA_MW_SSL_REQUEST: return LOGIN;
	case GA_MW_AUTH: return AUTH;
	case GA_MW_TLS: return TLS;
	case GA_MW_COMMAND: return COMMAND;
	case GA_MW_ROW: return ROW;
	default: return -1;
	}
}

static int mysql_cut_check(struct ga_toxic *t, char *msg, size_t len)
{
	const struct mysql_cut *a = t->attrs;
	int point = word_index(a->at, points, NPOINTS);

	if (point < 0) {
		snprintf(msg, len, "mysql_cut: at: '%s' is not greeting, login, "
			 "auth, tls, command or row", a->at);
		return -1;
	}
	if (word_index(a->action, actions, NACTIONS) < 0) {
		snprintf(msg, len, "mysql_cut: action: '%s' is not reset, close "
			 "or hold", a->action);
		return -1;
	}
	if (command_of(a) == -2) {
		snprintf(msg, len, "mysql_cut: command: '%s' is not a command "
			 "such as COM_QUERY, COM_PING or COM_STMT_EXECUTE, nor a "
			 "byte", a->command);
		return -1;
	}
	if (point == ROW && a->row < 1) {
		snprintf(msg, len, "mysql_cut: row must be 1 or more");
		return -1;
	}
	return ga_toxic_count_check(t, a->count, msg, len);
}

static bool mysql_cut_packet(const struct ga_toxic *t,
			     const struct ga_mw_event *ev,
			     struct ga_toxic_act *act)
{
	const struct mysql_cut *a = t->attrs;
	int point = point_of(ev->point), cmd;

	if (point < 0 || word_index(a->at, points, NPOINTS) != point ||
	    ga_toxic_spent(t, a->count))
		return false;
	cmd = command_of(a);
	if (point == COMMAND && cmd >= 0 && cmd != ev->command)
		return false;
	if (point == ROW && ev->row != (unsigned long long)a->row)
		return false;
	act->what = GA_ACT_CUT;
	act->at = a->at;
	act->after = a->after;
	act->action = (enum ga_cut_action)word_index(a->action, actions,
						     NACTIONS);
	return true;
}

const struct ga_toxic_type ga_toxic_mysql_cut = {
	GA_TOXIC_OF(mysql_cut, GA_TOXIC_MYSQL, "MysqlCutToxic"),
	.what = "Cuts the connection where the MySQL protocol reaches a point: "
		"the server's greeting, the client's login, the server's "
		"answer to it (auth), the client's TLS hello, a command, or "
		"the n-th row of a command's result; the packet at the point "
		"does not pass (with after, it does and the cut comes right "
		"after it).",
	.needs = GA_TOXIC_NEEDS_MYSQL,
	.check = mysql_cut_check,
	.packet = mysql_cut_packet,
};
