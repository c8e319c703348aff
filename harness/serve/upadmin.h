/* upadmin.h - an admin account the user gives goneaway serve for their
 * own servers (--upstream-admin FILE), and mysql_kill's KILL with it on
 * a proxy whose upstream is such a server, not goneaway's.
 *
 * The file is a MySQL option file as `mysql --defaults-extra-file`
 * reads one: `[client]`, `user = NAME`, `password = SECRET`, and the
 * server the account is for, `host = ADDRESS` and `port = N` (comments
 * with # or ;, blank lines).  host is resolved once, when the file is
 * read; the account is used only for a proxied connection whose
 * upstream socket reached one of those addresses at that port (its
 * peer's sockaddr, whatever the proxy's upstream said: a PATCH, or a
 * name that resolves elsewhere later, is judged by where the
 * connection went).  Any other upstream gets nothing of the account:
 * no connection, no login; the KILL is not done and says why.
 *
 * It holds a password, so it must be a regular file of the owner's
 * (the API's owner: the user serve works for) that no one else may
 * read or write (mode 0600 or stricter), not a symbolic link; anything
 * else is refused with why.  The password is kept in memory only:
 * never in the log, an API answer or an error.
 *
 * The KILL runs on the backstage's thread (serve/backstage.h), off the
 * event loop, bounded in time (connect, read and write timeouts).  Its
 * connection is the owner's to the kernel (its socket made with the
 * owner's fsuid and fsgid, as the relay's upstream sockets are: root
 * never connects for another user), to the address and port the
 * proxied connection reached, over TCP.  The proxied connection's
 * session is the one whose PROCESSLIST HOST ends in the upstream
 * socket's local port (":PORT") and whose ID is the thread id the
 * server's greeting gave that connection: exactly one such session, or
 * none is killed and the job's message says why.
 */
#ifndef GA_SERVE_UPADMIN_H
#define GA_SERVE_UPADMIN_H

#include <stdbool.h>
#include <sys/socket.h>
#include <sys/types.h>

#include "serve/internal.h"
#include "util/error.h"

#define GA_SV_UPADMIN_ADDRS 8

struct ga_sv_upadmin {
	char user[128];
	char password[256];             /* never written anywhere */
	char host[256];                 /* host = (as written) */
	unsigned port;                  /* port = */
	/* host:port resolved when the file was read: the only servers
	 * the account is used on */
	struct sockaddr_storage addr[GA_SV_UPADMIN_ADDRS];
	socklen_t addr_len[GA_SV_UPADMIN_ADDRS];
	size_t naddr;
};

/* Reads path (see above) as owner's file into a.  Returns 0, or -1 with
 * err saying what is wrong (the file and line; never the password). */
int ga_sv_upadmin_read(const char *path, uid_t owner,
		       struct ga_sv_upadmin *a, struct ga_error *err);

/* Whether sa (a connected socket's peer) is the server a names: one of
 * its addresses, its port. */
bool ga_sv_upadmin_names(const struct ga_sv_upadmin *a,
			 const struct sockaddr *sa, socklen_t len);

/* Forgets a's password (zeroes it). */
void ga_sv_upadmin_forget(struct ga_sv_upadmin *a);

/* KILL (or KILL QUERY once the statement runs: pause between looks
 * returns whether its answer came, up to wait_ms) of job's session on
 * the user's server job->up_addr:job->up_port, when job->up_sa is the
 * server a names (else -1, nothing sent anywhere), as account a, the
 * connection's socket uid's and gid's.  Returns 0 (job->msg says what
 * happened when not a plain kill), or -1 with job->msg set: nothing was
 * killed. */
int ga_sv_upadmin_kill(const struct ga_sv_upadmin *a, uid_t uid, gid_t gid,
		       struct ga_sv_job *job, bool (*pause)(void *ctx),
		       void *ctx, long wait_ms);

#endif
