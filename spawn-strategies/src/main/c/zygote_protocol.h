/*
 * safespawn zygote: the wire protocol between the JVM (ZygoteClient) and the
 * server, over an inherited socketpair(AF_UNIX, SOCK_SEQPACKET): one message
 * per packet, native byte order (both ends run on the same machine), every
 * message a header then a payload. Descriptors travel by SCM_RIGHTS with the
 * SPAWN request that uses them. Changing anything here bumps
 * SSZ_PROTOCOL_VERSION, which the handshake checks.
 */
#ifndef SAFESPAWN_ZYGOTE_PROTOCOL_H
#define SAFESPAWN_ZYGOTE_PROTOCOL_H

#include <stdint.h>

/*
 * Every constant and struct here has one Java mirror, ZygoteProtocol, which a
 * unit test compares with this file: change one, change the other.
 */

#define SSZ_SOCKET_FD 3                  /* where the server finds its end of the socketpair */
#define SSZ_MAGIC 0x5a595353u            /* "SSYZ" in memory on little-endian */
#define SSZ_PROTOCOL_VERSION 3
#define SSZ_MAX_MESSAGE (128 * 1024)      /* fits the default socket buffers */
#define SSZ_MAX_FDS 64
#define SSZ_MAX_RLIMITS 16

/* Message types. */
#define SSZ_HELLO    1  /* server -> client, once: struct ssz_hello */
#define SSZ_SPAWN    2  /* client -> server: struct ssz_spawn_fixed + sections, fds attached */
#define SSZ_SPAWNED  3  /* server -> client: struct ssz_pid */
#define SSZ_FAILED   4  /* server -> client: struct ssz_failure {stage, errno} */
#define SSZ_EXITED   5  /* server -> client, id 0: struct ssz_exit */
#define SSZ_SIGNAL   6  /* client -> server: struct ssz_signal */
#define SSZ_SIGNALED 7  /* server -> client: struct ssz_failure {0, errno or 0} */
#define SSZ_ERROR    8  /* server -> client: struct ssz_failure {0, errno}: a request it could not read */
#define SSZ_TREE_ENDED 9 /* server -> client, id 0: struct ssz_pid: every process of a SSZ_SPAWN_TREE
                            child's tree has ended and been reaped (after that child's EXITED) */

/*
 * SPAWN flag, beside the SS_* flags of child_setup.h: the child's whole tree
 * is kept (see tree_keeper.h): a tree keeper, a child subreaper, starts it,
 * so that orphans of its descendants stay in the tree and can be killed.
 */
#define SSZ_SPAWN_TREE 0x10000

/* Which processes a SIGNAL reaches (struct ssz_signal's scope). */
#define SSZ_SCOPE_PROCESS 0
#define SSZ_SCOPE_GROUP   1     /* the child's process group, which it must lead; after the
                                   child's EXITED, what is left of it (version 3 on) */
#define SSZ_SCOPE_TREE    2     /* every process of a SSZ_SPAWN_TREE child's tree */

struct ssz_header {
    uint32_t magic;
    uint32_t type;
    uint64_t id;        /* chosen by the client, echoed in the reply */
};

struct ssz_hello {
    uint32_t protocol_version;
    uint32_t abi_version;   /* SS_ABI_VERSION of the binary */
    int32_t pid;
    int32_t reserved;
};

/*
 * SPAWN payload: this fixed part, then int32 fd_to[fd_count], then
 * struct ssz_rlimit[rlimit_count], then strings_len bytes of NUL-terminated
 * strings: path, dir ("" for none), argv[0..argc), envp[0..envc). The
 * message must end exactly there. The fd_count descriptors attached by
 * SCM_RIGHTS are the parent ends, in the order of fd_to.
 */
struct ssz_spawn_fixed {
    int32_t flags;          /* SS_* request flags of child_setup.h */
    int32_t pgid;
    int32_t umask_value;
    int32_t close_method;
    int32_t fd_count;
    int32_t rlimit_count;
    int32_t argc;
    int32_t envc;
    uint32_t strings_len;
    int32_t reserved;
};

struct ssz_rlimit {
    int32_t resource;
    int32_t reserved;
    uint64_t soft;
    uint64_t hard;
};

struct ssz_pid {
    int32_t pid;
    int32_t keeper;         /* the tree keeper's pid for a SSZ_SPAWN_TREE child, else 0 */
};

struct ssz_failure {
    int32_t stage;
    int32_t error;
};

#define SSZ_EXIT_CODE   1
#define SSZ_EXIT_SIGNAL 2
#define SSZ_EXIT_LOST   3       /* a tree keeper died before it could report its child's end */

struct ssz_exit {
    int32_t pid;
    int32_t kind;           /* SSZ_EXIT_CODE, SSZ_EXIT_SIGNAL or SSZ_EXIT_LOST */
    int32_t value;
    int32_t reserved;
};

struct ssz_signal {
    int32_t pid;            /* the child */
    int32_t signal;
    int32_t scope;          /* SSZ_SCOPE_* */
    int32_t keeper;         /* as SPAWNED gave it: 0, or the child's tree keeper */
};

#endif
