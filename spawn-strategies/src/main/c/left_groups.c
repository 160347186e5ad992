/* safespawn zygote: the groups of reaped leaders (see left_groups.h). */
#define _GNU_SOURCE
#include "left_groups.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "pidfd.h"

/* Below this many, keeping a group does not look for ended ones: the common case costs no syscall. */
#define PRUNE_FROM 64

struct left_group {
    pid_t pgid;
    int pidfd;  /* on the reaped leader, or -1 */
};

/* Oldest first. A fixed array: the bound is the point. */
static struct left_group groups[SSL_MAX_LEFT_GROUPS];
static int count;

static int find(pid_t pgid)
{
    for (int i = 0; i < count; i++) {
        if (groups[i].pgid == pgid) {
            return i;
        }
    }
    return -1;
}

static void drop(int i)
{
    if (groups[i].pidfd >= 0) {
        close(groups[i].pidfd);
    }
    memmove(&groups[i], &groups[i + 1], (size_t) (count - i - 1) * sizeof groups[0]);
    count--;
}

/* Signal 0 checks whether the group still has a member, without sending anything. */
static int has_member(const struct left_group *g)
{
    return ss_signal_group(g->pidfd, g->pgid, 0) != ESRCH;
}

void ssl_keep(pid_t pgid, int leader_pidfd)
{
    struct left_group g = { pgid, leader_pidfd };
    if (!has_member(&g)) {
        if (leader_pidfd >= 0) {
            close(leader_pidfd);
        }
        return; /* the group ended with its leader, as most do */
    }
    if (count >= PRUNE_FROM) {
        for (int i = count - 1; i >= 0; i--) {
            if (!has_member(&groups[i])) {
                drop(i);
            }
        }
    }
    if (count == SSL_MAX_LEFT_GROUPS) {
        drop(0);
    }
    groups[count++] = g;
}

int ssl_signal(pid_t pgid, int sig)
{
    int i = find(pgid);
    if (i < 0) {
        return ESRCH;
    }
    int error = ss_signal_group(groups[i].pidfd, pgid, sig);
    if (error == ESRCH) {
        drop(i);
    }
    return error;
}

void ssl_number_reused(pid_t pid)
{
    int i = find(pid);
    if (i >= 0) {
        drop(i);
    }
}
