/*
 * safespawn: the child side of a spawn, shared by the fork_exec shim and the
 * zygote. See child_setup.c for the rules this code lives by.
 */
#ifndef SAFESPAWN_CHILD_SETUP_H
#define SAFESPAWN_CHILD_SETUP_H

#include <stdint.h>

/*
 * Every constant here has one Java mirror, ChildSetupAbi, which a unit test
 * compares with this file: change one, change the other.
 */

/* Bumped whenever struct ss_request or the exported functions change. */
#define SS_ABI_VERSION 3

/* Request flags. */
#define SS_NEW_SESSION        0x01
#define SS_SET_PGID           0x02
#define SS_SET_UMASK          0x04
#define SS_KILL_ON_PARENT_DEATH 0x08
/*
 * Execute the open file exec_fd (fexecve) rather than path, which then only
 * names it in reports: the file a caller verified through that descriptor
 * is the file that runs, whatever happens to path meanwhile. exec_fd is the
 * caller's own descriptor: copied out of the way of the placed descriptors,
 * close-on-exec, so the new program never holds it. A binary only (a script
 * would need the descriptor open after exec). Never set on a zygote request.
 */
#define SS_EXEC_FD            0x10
/*
 * Test hooks. Only a test build (-DSAFESPAWN_TEST_HOOKS, see the Makefile)
 * acts on this flag and on a close_method other than SS_CLOSE_AUTO; what
 * ships ignores both, so no caller can weaken the child contract with them.
 * SS_TEST_LEAD_GROUP_FIRST: lead a process group before setsid(), which then
 * fails (EPERM), to test how a failed set-up step is reported.
 */
#define SS_TEST_LEAD_GROUP_FIRST 0x100

/* How to close inherited descriptors: AUTO tries them in this order. A test
 * build can be made to use one alone (see above). */
#define SS_CLOSE_AUTO        0
#define SS_CLOSE_RANGE       1
#define SS_CLOSE_PROC_SCAN   2
#define SS_CLOSE_BRUTE_FORCE 3

/*
 * Closes every descriptor from 3 up except those in keep (in ascending
 * order), whatever the kernel: by close_range (Linux 5.9), else by scanning
 * /proc/self/fd, else one by one up to the largest number a descriptor can
 * have. Async-signal-safe and allocates nothing, so a child between fork
 * and exec may call it. method is one of SS_CLOSE_*; only a test build
 * honours one but AUTO.
 */
void ss_close_inherited(const int *keep, int keep_count, int method);

#ifdef SAFESPAWN_TEST_HOOKS
/*
 * Test builds only: the method every later AUTO close uses, in this process
 * and all it forks (the zygote server sets it at start from its environment,
 * before any child exists; see zygote.c), so a kernel without close_range,
 * or without /proc as well, can be played on a new one.
 */
void ss_force_close_method(int method);
#endif

/* Resource numbers of ss_request.rlimit_resource: Linux's RLIMIT_* (checked
 * against <sys/resource.h> in child_setup.c), named here for the Java side. */
#define SS_RLIMIT_CPU    0
#define SS_RLIMIT_FSIZE  1
#define SS_RLIMIT_CORE   4
#define SS_RLIMIT_NPROC  6
#define SS_RLIMIT_NOFILE 7
#define SS_RLIMIT_AS     9
#define SS_RLIMIT_COUNT  16  /* RLIM_NLIMITS: resources are 0 .. SS_RLIMIT_COUNT - 1 */

/* Stages reported through the error pipe; the Java side maps them by number. */
#define SS_STAGE_PIPE     1
#define SS_STAGE_FORK     2
#define SS_STAGE_SIGNALS  3
#define SS_STAGE_SETSID   4
#define SS_STAGE_SETPGID  5
#define SS_STAGE_DUP2     6
#define SS_STAGE_CLOSE    7
#define SS_STAGE_RLIMIT   8
#define SS_STAGE_PDEATHSIG 9
#define SS_STAGE_CHDIR    10
#define SS_STAGE_EXEC     11

/*
 * Everything the child needs, prepared by the parent before the fork: the
 * child only reads it. Field order and types are mirrored by the Java
 * structure (ChildSetupRequest), whose size the shim's
 * safespawn_request_size() lets a test check; 64-bit Linux only.
 */
struct ss_request {
    const char *path;            /* what to execve (with SS_EXEC_FD: its name, for reports) */
    char *const *argv;           /* NULL-terminated */
    char *const *envp;           /* NULL-terminated */
    const char *dir;             /* NULL: keep the parent's */
    const int32_t *fd_from;      /* parent descriptors ... */
    const int32_t *fd_to;        /* ... and the child numbers they become */
    int32_t fd_count;
    int32_t flags;               /* SS_* flags */
    int32_t pgid;                /* with SS_SET_PGID; 0 = a new group */
    int32_t umask_value;         /* with SS_SET_UMASK */
    int32_t rlimit_count;
    int32_t close_method;        /* SS_CLOSE_*; only a test build honours one but AUTO */
    const int32_t *rlimit_resource;
    const uint64_t *rlimit_soft;
    const uint64_t *rlimit_hard;
    int32_t parent_pid;          /* with SS_KILL_ON_PARENT_DEATH: the pid whose death kills the child */
    int32_t exec_fd;             /* with SS_EXEC_FD: the open file to execute */
};

/*
 * Turns the calling (freshly forked or cloned) process into the requested
 * program. Never returns: on failure it writes {stage, errno} as two int32
 * values to error_fd and calls _exit(127). error_fd must be close-on-exec.
 */
__attribute__((noreturn))
void ss_child_exec(const struct ss_request *req, int error_fd);

/* Reports {stage, err} on error_fd (close-on-exec) and ends the child with _exit(127). */
__attribute__((noreturn))
void ss_child_fail(int error_fd, int32_t stage, int32_t err);

/* Launch modes (see launch.c). */
#define SS_MODE_FORK        0
#define SS_MODE_CLONE_VFORK 1

/*
 * Starts req: 0 and the child's pid once it has exec'd, or -errno and the
 * stage that failed, with the failed child already reaped. Safe to call from
 * many threads at once. In SS_MODE_CLONE_VFORK the child starts on the
 * calling thread's CPU and takes back its CPU mask before anything else.
 */
int ss_launch(const struct ss_request *req, int mode, int32_t *pid_out, int32_t *stage_out);

#endif
