/*
 * safespawn fork_exec shim: the library the fork_exec strategy calls through
 * JNA (plain C API, no JNI). It makes the error pipe, forks or clones, lets
 * ss_child_exec (child_setup.c) do the child's work, and reads the pipe to
 * learn whether exec happened: EOF means it did; otherwise the child wrote
 * {stage, errno}, and the failed child is reaped here before returning.
 *
 * Modes:
 *  - SS_MODE_FORK: fork(). Simple and what every debugger understands, but
 *    the kernel copies the page tables of the whole JVM, so the cost grows
 *    with the heap.
 *  - SS_MODE_CLONE_VFORK: clone(CLONE_VM | CLONE_VFORK) on a stack of its
 *    own: no copy, the calling thread sleeps until exec. All signals are
 *    blocked in the calling thread around the clone so that no JVM handler
 *    can run on the child's stack; the child resets handlers before it
 *    unblocks anything.
 * Functions return 0 or -errno; they never rely on the caller reading errno.
 */
#define _GNU_SOURCE
#include "child_setup.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#define SS_EXPORT __attribute__((visibility("default")))

#define SS_MODE_FORK        0
#define SS_MODE_CLONE_VFORK 1

#define SS_CLONE_STACK_SIZE (256 * 1024)

struct clone_args_ss {
    const struct ss_request *req;
    int error_fd;
};

static int clone_child(void *arg)
{
    const struct clone_args_ss *a = arg;
    ss_child_exec(a->req, a->error_fd);
}

SS_EXPORT int safespawn_abi_version(void)
{
    return SS_ABI_VERSION;
}

/* Reads {stage, errno} from the error pipe: 1 with a report, 0 at EOF (exec happened), -errno on error. */
static int read_report(int fd, int32_t report[2])
{
    size_t got = 0;
    while (got < 2 * sizeof(int32_t)) {
        ssize_t n = read(fd, (char *) report + got, 2 * sizeof(int32_t) - got);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -errno;
        }
        if (n == 0) {
            return got == 0 ? 0 : -EIO;
        }
        got += (size_t) n;
    }
    return 1;
}

static void reap(pid_t pid)
{
    while (waitpid(pid, (int *) 0, 0) < 0 && errno == EINTR) {
    }
}

/*
 * Starts req. On success returns 0 and stores the child's pid. On failure
 * returns -errno and stores the stage (SS_STAGE_*); no child and no
 * descriptor of the attempt is left behind.
 */
SS_EXPORT int safespawn_fork_exec(const struct ss_request *req, int mode, int32_t *pid_out, int32_t *stage_out)
{
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
        *stage_out = SS_STAGE_PIPE;
        return -errno;
    }
    void *stack = (void *) 0;
    if (mode == SS_MODE_CLONE_VFORK) {
        stack = mmap((void *) 0, SS_CLONE_STACK_SIZE, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
        if (stack == MAP_FAILED) {
            int err = errno;
            close(pipe_fds[0]);
            close(pipe_fds[1]);
            *stage_out = SS_STAGE_FORK;
            return -err;
        }
    }

    sigset_t all, saved;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &saved);
    pid_t pid;
    if (mode == SS_MODE_CLONE_VFORK) {
        struct clone_args_ss args = { req, pipe_fds[1] };
        pid = clone(clone_child, (char *) stack + SS_CLONE_STACK_SIZE, CLONE_VM | CLONE_VFORK | SIGCHLD, &args);
    } else {
        pid = fork();
        if (pid == 0) {
            ss_child_exec(req, pipe_fds[1]);
        }
    }
    int fork_errno = errno;
    pthread_sigmask(SIG_SETMASK, &saved, (sigset_t *) 0);
    if (stack != (void *) 0) {
        munmap(stack, SS_CLONE_STACK_SIZE); /* under CLONE_VFORK the child has exec'd or exited */
    }
    close(pipe_fds[1]);
    if (pid < 0) {
        close(pipe_fds[0]);
        *stage_out = SS_STAGE_FORK;
        return -fork_errno;
    }

    int32_t report[2];
    int r = read_report(pipe_fds[0], report);
    close(pipe_fds[0]);
    if (r == 0) {
        *pid_out = pid;
        return 0;
    }
    reap(pid);
    if (r < 0) {
        *stage_out = SS_STAGE_FORK;
        return r;
    }
    *stage_out = report[0];
    return -report[1];
}
