/*
 * safespawn zygote: the process groups whose leader, a child of the server
 * started without a tree keeper, has been reaped while members of its group
 * still run. ChildProcess.signalGroup must reach those members as the native
 * strategies' kill(-pid) does, but once the server has reaped a child it
 * forgets it, so it keeps here what it needs to signal the group: the
 * number and a pidfd opened on the leader while it was an unreaped zombie.
 *
 * A group is kept while it may have a member: it is dropped when a signal
 * finds it empty, when the server starts a child with its number (the
 * kernel hands out only a number no group uses), and when it is found empty
 * as a new one is kept. At most SSL_MAX_LEFT_GROUPS are kept, so memory and
 * descriptors stay bounded; past that the oldest is dropped, and what is
 * left of it can no longer be signalled through the server.
 */
#ifndef SAFESPAWN_LEFT_GROUPS_H
#define SAFESPAWN_LEFT_GROUPS_H

#include <sys/types.h>

#define SSL_MAX_LEFT_GROUPS 1024

/* Keeps the group of a leader just reaped, if it still has a member; takes leader_pidfd (or -1). */
void ssl_keep(pid_t pgid, int leader_pidfd);

/* Sends sig to the kept group pgid: 0, or the errno (ESRCH if none is kept, or it has ended). */
int ssl_signal(pid_t pgid, int sig);

/* The number pid belongs to a new process: no group with that number is left. */
void ssl_number_reused(pid_t pid);

#endif
