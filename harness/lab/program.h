/* program.h - a program under goneaway's init (lab/spawn.h, new_pidns).
 *
 * With new_pidns, ga_spawn() returns the namespace's init, goneaway's
 * own (PID 1 there): the program is its one child.  The init is what
 * the harness waits for and reaps: it exits once the program has, with
 * its status, and the kernel then ends whatever else is in the
 * namespace - a child the program started in a session of its own
 * included.  The program is what the harness signals - SIGTERM,
 * SIGSTOP, SIGKILL - by its pidfd: a PID namespace's init takes no
 * signal it has no handler for (mariadbd, which waits for SIGTERM with
 * sigwait, would never see one as PID 1), and a stopped init would stop
 * nothing of the program.  proxy/proxy.c's HAProxy and
 * server/server.c's server run so.
 */
#ifndef GA_PROGRAM_H
#define GA_PROGRAM_H

#include <sys/types.h>

/* The program of init's namespace: its PID as the host sees it (read
 * from /proc/INIT/task/INIT/children) and a pidfd of it, opened while
 * it was still that child (so the pidfd is the program's, never a
 * recycled PID's; the caller closes it).  Returns 0, or -1 when init has
 * no child (the program ended already, or has not started yet). */
int ga_program_find(pid_t init, pid_t *pid, int *pidfd);

/* Closes whichever of the pidfds of a program and of its init are open,
 * and sets both to -1 and both PIDs to 0: the handles of a program that
 * ended, or was never started. */
void ga_program_forget(pid_t *pid, int *pidfd, pid_t *init, int *initfd);

/* The wait status of init (its exit status is its program's, 128 + N
 * for a program killed by signal N) as the program's own: "killed by
 * signal 9" rather than "exited with status 137".  A program that
 * exited with a status above 128 itself reads as killed: no server or
 * proxy goneaway runs exits so. */
int ga_program_status(int init_status);

/* The state of process pid as /proc/PID/stat says it ('R', 'S', 'D',
 * 'T' stopped - SIGSTOP -, 't' traced, 'Z' ...), or 0 when there is no
 * such process. */
char ga_program_state(pid_t pid);

#endif
