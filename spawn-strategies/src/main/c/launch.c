/*
 * safespawn: launching one child, shared by the fork_exec shim and the zygote.
 *
 * Makes the error pipe, forks or clones, lets ss_child_exec (child_setup.c) do
 * the child's work, and reads the pipe to learn whether exec happened: EOF
 * means it did; otherwise the child wrote {stage, errno}, and the failed child
 * is reaped here before returning, so a failure leaves no zombie.
 *
 * Modes:
 *  - SS_MODE_FORK: fork(). What debuggers understand best, but the kernel
 *    copies the caller's page tables, so the cost grows with its memory.
 *  - SS_MODE_CLONE_VFORK: clone(CLONE_VM | CLONE_VFORK) on a stack of its
 *    own: nothing is copied and the calling thread sleeps until exec. Every
 *    signal is blocked in the calling thread around the clone so no handler
 *    of the caller can run on the child's stack; the child resets handlers
 *    before it unblocks anything.
 */
#define _GNU_SOURCE
#include "child_setup.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

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

int ss_launch(const struct ss_request *req, int mode, int32_t *pid_out, int32_t *stage_out)
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

    /* The raw call, as glibc's own posix_spawn blocks signals: it blocks the C
     * library's internal ones too, and needs no pthread_sigmask, which glibc
     * moved to a GLIBC_2.32 version, so the shim still loads on older glibc. */
    uint64_t all = ~(uint64_t) 0, saved = 0;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, &saved, (long) sizeof all);
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
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &saved, (void *) 0, (long) sizeof saved);
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
