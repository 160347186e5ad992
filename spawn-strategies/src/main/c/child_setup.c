/*
 * safespawn: the child side of a spawn.
 *
 * This code runs between fork (or a vfork-style clone sharing the parent's
 * memory) and execve, in a copy of a multi-threaded JVM. Rules:
 *  - call only async-signal-safe functions and raw system calls: no malloc,
 *    no stdio, no locks, no opendir/readdir, nothing that may take a lock
 *    another thread held at fork time;
 *  - write no memory but this function's own stack: under CLONE_VM the
 *    parent's heap and globals are shared and other parent threads run on;
 *  - report a failure as {stage, errno} on the error pipe, then _exit.
 * The order of the steps is the order the contract needs: signal handlers
 * back to default first (so nothing of the JVM can run), session and group,
 * descriptors, limits, parent-death signal, directory, mask, exec.
 */
#define _GNU_SOURCE
#include "child_setup.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_close_range
#define SYS_close_range 436
#endif

_Static_assert(SS_RLIMIT_CPU == RLIMIT_CPU && SS_RLIMIT_FSIZE == RLIMIT_FSIZE && SS_RLIMIT_CORE == RLIMIT_CORE
               && SS_RLIMIT_NPROC == RLIMIT_NPROC && SS_RLIMIT_NOFILE == RLIMIT_NOFILE && SS_RLIMIT_AS == RLIMIT_AS
               && SS_RLIMIT_COUNT == RLIM_NLIMITS, "SS_RLIMIT_* must be this system's RLIMIT_* numbers");

#define SS_NSIG 65            /* kernel signals are 1..64 */
#define SS_MAX_KEEP 1024      /* passed descriptors the C side accepts */

__attribute__((noreturn))
void ss_child_fail(int error_fd, int32_t stage, int32_t err)
{
    int32_t report[2] = { stage, err };
    ssize_t n;
    do {
        n = write(error_fd, report, sizeof report);
    } while (n < 0 && errno == EINTR);
    _exit(127);
}

/* Every handler back to SIG_DFL, 32 and 33 included: the raw system call,
 * because glibc's sigaction refuses its internal signals. */
static int reset_signal_handlers(void)
{
    /* struct kernel_sigaction: handler, flags, restorer, mask; all zero = SIG_DFL. */
    uint64_t dfl[4] = { 0, 0, 0, 0 };
    for (long sig = 1; sig < SS_NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) {
            continue;
        }
        if (syscall(SYS_rt_sigaction, sig, dfl, (void *) 0, (long) sizeof(uint64_t)) != 0
                && errno != EINVAL) {
            return -1;
        }
    }
    return 0;
}

static int unblock_all_signals(void)
{
    uint64_t empty = 0;
    return (int) syscall(SYS_rt_sigprocmask, SIG_SETMASK, &empty, (void *) 0, (long) sizeof empty);
}

/* Sorted insert into a small array; the keep-list is tiny. */
static void insert_sorted(int *list, int *count, int fd)
{
    int i = *count;
    while (i > 0 && list[i - 1] > fd) {
        list[i] = list[i - 1];
        i--;
    }
    list[i] = fd;
    (*count)++;
}

static int is_kept(const int *keep, int keep_count, int fd)
{
    for (int i = 0; i < keep_count; i++) {
        if (keep[i] == fd) {
            return 1;
        }
    }
    return 0;
}

/* close_range over the gaps between kept descriptors (Linux 5.9). */
static int close_with_close_range(const int *keep, int keep_count)
{
    unsigned int from = 3;
    for (int i = 0; i <= keep_count; i++) {
        unsigned int to = i < keep_count ? (unsigned int) keep[i] : ~0U;
        if (i < keep_count && keep[i] < 3) {
            continue;
        }
        if (to > from) {
            unsigned int last = i < keep_count ? to - 1 : ~0U;
            if (syscall(SYS_close_range, from, last, 0) != 0) {
                return -1;
            }
        }
        if (i < keep_count) {
            from = to + 1;
        }
    }
    return 0;
}

/* Parses a descriptor number from a /proc/self/fd entry name; -1 for "." and "..". */
static int parse_fd(const char *name)
{
    int fd = 0;
    if (*name == '\0') {
        return -1;
    }
    for (; *name; name++) {
        if (*name < '0' || *name > '9') {
            return -1;
        }
        fd = fd * 10 + (*name - '0');
    }
    return fd;
}

struct ss_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

/* Scan /proc/self/fd with the raw getdents64 into a stack buffer. */
static int close_with_proc_scan(const int *keep, int keep_count)
{
    int dir = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
        return -1;
    }
    char buf[4096] __attribute__((aligned(8)));
    for (;;) {
        long n = syscall(SYS_getdents64, dir, buf, sizeof buf);
        if (n < 0) {
            close(dir);
            return -1;
        }
        if (n == 0) {
            break;
        }
        for (long off = 0; off < n;) {
            struct ss_dirent64 *d = (struct ss_dirent64 *) (buf + off);
            int fd = parse_fd(d->d_name);
            if (fd >= 3 && fd != dir && !is_kept(keep, keep_count, fd)) {
                close(fd);
            }
            off += d->d_reclen;
        }
    }
    close(dir);
    return 0;
}

/* The largest descriptor number that can exist: fs.nr_open bounds every
 * table, whatever RLIMIT_NOFILE says now (a limit may have been lowered
 * under an open descriptor). */
static long max_possible_fd(void)
{
    long max = 1L << 20;
    int f = open("/proc/sys/fs/nr_open", O_RDONLY | O_CLOEXEC);
    if (f >= 0) {
        char text[32];
        ssize_t n = read(f, text, sizeof text - 1);
        close(f);
        if (n > 0) {
            long v = 0;
            for (ssize_t i = 0; i < n && text[i] >= '0' && text[i] <= '9'; i++) {
                v = v * 10 + (text[i] - '0');
            }
            if (v > max) {
                max = v;
            }
        }
    }
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY && (long) rl.rlim_max > max) {
        max = (long) rl.rlim_max;
    }
    return max;
}

static void close_with_brute_force(const int *keep, int keep_count)
{
    long max = max_possible_fd();
    for (long fd = 3; fd < max; fd++) {
        if (!is_kept(keep, keep_count, (int) fd)) {
            close((int) fd);
        }
    }
}

#ifdef SAFESPAWN_TEST_HOOKS
/* Set once, before any child exists (ss_force_close_method); only read after. */
static int forced_close_method = SS_CLOSE_AUTO;

void ss_force_close_method(int method)
{
    forced_close_method = method;
}
#endif

void ss_close_inherited(const int *keep, int keep_count, int method)
{
#ifdef SAFESPAWN_TEST_HOOKS
    if (method == SS_CLOSE_AUTO) {
        method = forced_close_method;
    }
#else
    method = SS_CLOSE_AUTO; /* forcing one method is for tests of the fallbacks only */
#endif
    if ((method == SS_CLOSE_AUTO || method == SS_CLOSE_RANGE) && close_with_close_range(keep, keep_count) == 0) {
        return;
    }
    if ((method == SS_CLOSE_AUTO || method == SS_CLOSE_PROC_SCAN) && close_with_proc_scan(keep, keep_count) == 0) {
        return;
    }
    close_with_brute_force(keep, keep_count);
}

static int is_target(const struct ss_request *req, int fd)
{
    for (int i = 0; i < req->fd_count; i++) {
        if (req->fd_to[i] == fd) {
            return 1;
        }
    }
    return 0;
}

/* A close-on-exec copy of fd that no later dup2 will overwrite: above every
 * number in play if the descriptor limit leaves room there (the usual case),
 * otherwise the lowest free number that is not a target. "No room" is EINVAL
 * when `above` is at or past the limit, and EMFILE when every number from it
 * to the limit is taken (a target just below the limit, with a collision).
 * Copies landing on a target on the way are left open; the dup2 onto that
 * target replaces them. */
static int copy_out_of_the_way(const struct ss_request *req, int fd, int above)
{
    int copy = fcntl(fd, F_DUPFD_CLOEXEC, above);
    if (copy >= 0 || (errno != EINVAL && errno != EMFILE)) {
        return copy;
    }
    for (int from = 0;; from = copy + 1) {
        copy = fcntl(fd, F_DUPFD_CLOEXEC, from);
        if (copy < 0 || !is_target(req, copy)) {
            return copy;
        }
    }
}

/* Places every passed descriptor at its number, even when sources and
 * targets collide (stdout/stderr swaps, a pipe landing on 0): first every
 * source is copied above all numbers in play, then the copies are dup2'd
 * down. dup2 to a different number clears FD_CLOEXEC on the target; a source
 * already at its own number was moved and comes back the same way. The error
 * pipe and the file to execute (exec_fd, -1 if none) are moved out of the way
 * too, close-on-exec, and their new numbers returned through the pointers. */
static int place_descriptors(const struct ss_request *req, int *error_fd, int *exec_fd, int *keep, int *keep_count)
{
    int highest = *error_fd > *exec_fd ? *error_fd : *exec_fd;
    for (int i = 0; i < req->fd_count; i++) {
        if (req->fd_from[i] > highest) {
            highest = req->fd_from[i];
        }
        if (req->fd_to[i] > highest) {
            highest = req->fd_to[i];
        }
    }
    int moved = copy_out_of_the_way(req, *error_fd, highest + 1);
    if (moved < 0) {
        return -1;
    }
    *error_fd = moved; /* the old number may be a target; it is closed below or overwritten */
    if (*exec_fd >= 0) {
        moved = copy_out_of_the_way(req, *exec_fd, highest + 1);
        if (moved < 0) {
            return -1;
        }
        *exec_fd = moved;
    }
    int copies[SS_MAX_KEEP];
    for (int i = 0; i < req->fd_count; i++) {
        copies[i] = copy_out_of_the_way(req, req->fd_from[i], highest + 2);
        if (copies[i] < 0) {
            return -1;
        }
    }
    for (int i = 0; i < req->fd_count; i++) {
        if (dup2(copies[i], req->fd_to[i]) < 0) {
            return -1;
        }
        insert_sorted(keep, keep_count, req->fd_to[i]);
    }
    return 0;
}

void ss_child_exec(const struct ss_request *req, int error_fd)
{
    int keep[SS_MAX_KEEP + 1];
    int keep_count = 0;
    int exec_fd = (req->flags & SS_EXEC_FD) ? req->exec_fd : -1;

    if (reset_signal_handlers() != 0) {
        ss_child_fail(error_fd, SS_STAGE_SIGNALS, errno);
    }
#ifdef SAFESPAWN_TEST_HOOKS
    if (req->flags & SS_TEST_LEAD_GROUP_FIRST) {
        (void) setpgid(0, 0);
    }
#endif
    if ((req->flags & SS_NEW_SESSION) && setsid() < 0) {
        ss_child_fail(error_fd, SS_STAGE_SETSID, errno);
    }
    if ((req->flags & SS_SET_PGID) && setpgid(0, req->pgid) < 0) {
        ss_child_fail(error_fd, SS_STAGE_SETPGID, errno);
    }
    if (req->fd_count < 0 || req->fd_count > SS_MAX_KEEP) {
        ss_child_fail(error_fd, SS_STAGE_DUP2, E2BIG);
    }
    if ((req->flags & SS_EXEC_FD) && exec_fd < 0) {
        ss_child_fail(error_fd, SS_STAGE_EXEC, EBADF);
    }
    if (place_descriptors(req, &error_fd, &exec_fd, keep, &keep_count) != 0) {
        ss_child_fail(error_fd, SS_STAGE_DUP2, errno);
    }
    /* 0, 1 and 2 stay unless a target; the error pipe and the file to
     * execute stay until exec closes them. */
    int with_error_fd[SS_MAX_KEEP + 2];
    int with_count = 0;
    for (int i = 0; i < keep_count; i++) {
        insert_sorted(with_error_fd, &with_count, keep[i]);
    }
    insert_sorted(with_error_fd, &with_count, error_fd);
    if (exec_fd >= 0) {
        insert_sorted(with_error_fd, &with_count, exec_fd);
    }
    ss_close_inherited(with_error_fd, with_count, req->close_method);

    if (req->flags & SS_SET_UMASK) {
        umask((mode_t) req->umask_value);
    }
    for (int i = 0; i < req->rlimit_count; i++) {
        struct rlimit rl = { (rlim_t) req->rlimit_soft[i], (rlim_t) req->rlimit_hard[i] };
        if (setrlimit(req->rlimit_resource[i], &rl) != 0) {
            ss_child_fail(error_fd, SS_STAGE_RLIMIT, errno);
        }
    }
    if (req->flags & SS_KILL_ON_PARENT_DEATH) {
        if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) {
            ss_child_fail(error_fd, SS_STAGE_PDEATHSIG, errno);
        }
        /* The parent may have died before the prctl took effect. */
        if (getppid() != req->parent_pid) {
            _exit(127);
        }
    }
    if (req->dir != 0 && chdir(req->dir) != 0) {
        ss_child_fail(error_fd, SS_STAGE_CHDIR, errno);
    }
    if (unblock_all_signals() != 0) {
        ss_child_fail(error_fd, SS_STAGE_SIGNALS, errno);
    }
    if (exec_fd >= 0) {
        /* glibc's fexecve is execveat(AT_EMPTY_PATH), or on a kernel without
         * it an execve of /proc/self/fd/N built on the stack: both
         * async-signal-safe, and both run the open file itself. */
        fexecve(exec_fd, req->argv, req->envp);
    } else {
        execve(req->path, req->argv, req->envp);
    }
    ss_child_fail(error_fd, SS_STAGE_EXEC, errno);
}
