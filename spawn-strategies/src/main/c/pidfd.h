/*
 * safespawn zygote: pidfds (Linux 5.3), and signalling a process group
 * through its leader's pidfd (Linux 6.9), for the server and the tree keeper.
 * Not for a forked child before exec: these may touch errno and the libc
 * syscall wrapper's state freely.
 */
#ifndef SAFESPAWN_PIDFD_H
#define SAFESPAWN_PIDFD_H

#include <sys/types.h>

/* A pidfd (close-on-exec) on pid, or -1 (no pidfds, no descriptor left, or no such process). */
int ss_pidfd_open(pid_t pid);

/* Sends sig to the one process pidfd holds: 0, or the errno. */
int ss_pidfd_signal(int pidfd, int sig);

/*
 * Sends sig to the process group numbered pgid, which its leader made:
 * 0, or the errno (ESRCH once the group has no member). leader_pidfd, if
 * not -1, is a pidfd opened on the leader before it was reaped; through it
 * the kernel (6.9 on) reaches that group's members only, even after the
 * number has been freed and taken by another group. Without one, or on an
 * older kernel, the group is reached by number, kill(-pgid): sound while
 * the leader is unreaped or the group has a member (the kernel frees a
 * number no process uses as pid, group or session), and as sound as the
 * native strategies' kill(-pid) after that.
 */
int ss_signal_group(int leader_pidfd, pid_t pgid, int sig);

#endif
