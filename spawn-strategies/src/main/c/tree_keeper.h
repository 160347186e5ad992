/*
 * safespawn zygote: the tree keeper of a SSZ_SPAWN_TREE child.
 *
 * Why a keeper: once a process's parent dies it is re-parented to the
 * nearest ancestor that is a child subreaper (PR_SET_CHILD_SUBREAPER), or to
 * init; from then on nothing in /proc says which tree it came from. A
 * daemon (forked twice, setsid) escapes its group and session the same way.
 * So the zygote forks one keeper per such child: it makes itself a child
 * subreaper and launches the child, so every descendant of the child, now
 * or later, orphaned or not, stays a descendant of the keeper, and nothing
 * else ever is. The tree is exactly the keeper's descendants; the keeper
 * reaps every orphan that ends in it, and exits when it has no child left:
 * its end, which the zygote reaps, is the tree's end.
 *
 * The keeper talks to the zygote over a private SOCK_SEQPACKET socketpair,
 * one struct ssk_message per packet. It signals only processes of its tree:
 * its own children by pid (it reaps them itself, so none can be recycled
 * while it looks), deeper ones through a pidfd checked against the start
 * time /proc gave. End of file on the socket means the zygote is gone: the
 * keeper kills its tree, unless the zygote runs with --keep-children.
 */
#ifndef SAFESPAWN_TREE_KEEPER_H
#define SAFESPAWN_TREE_KEEPER_H

#include <stdint.h>

#include "child_setup.h"

#define SSK_LAUNCHED 1  /* keeper -> zygote, once: {pid or 0, stage, errno} */
#define SSK_EXITED   2  /* keeper -> zygote: {SSZ_EXIT_CODE or SSZ_EXIT_SIGNAL, value}: the child ended */
#define SSK_SIGNAL   3  /* zygote -> keeper: {SSZ_SCOPE_*, signal} */
#define SSK_SIGNALED 4  /* keeper -> zygote: {errno or 0}, the answer to each SIGNAL */

struct ssk_message {
    int32_t type;
    int32_t a;
    int32_t b;
    int32_t c;
};

/*
 * The keeper's life, in a process the zygote has just forked: launch req
 * (whose descriptors it then closes), report SSK_LAUNCHED on sock, and keep
 * the tree until it is empty. Holds nothing of the zygote's but sock once
 * the child is launched.
 */
__attribute__((noreturn))
void ssk_keeper_main(int sock, struct ss_request req, int keep_children);

#endif
