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
 *
 * Two details of SS_MODE_CLONE_VFORK, both because under a hypervisor waking an
 * idle CPU or interrupting another one is dear:
 *  - Clone stacks are kept, not mapped and unmapped per launch. Unmapping
 *    memory the child used on another CPU makes the kernel flush that CPU's
 *    TLB by interrupt, and in a multi-threaded caller (the JVM) every other
 *    CPU running one of its threads too; in the zygote that was most of the
 *    server's time between a child's exec and its reply. glibc's posix_spawn
 *    maps and unmaps its stack on every call.
 *  - The child starts on the caller's CPU (the calling thread narrows its own
 *    CPU mask to that CPU around the clone), then widens its own mask back
 *    first thing and the caller's too. Otherwise the kernel often placed the
 *    new child on the idle CPU, and the caller, asleep on its own CPU, let
 *    that one go idle too: its wake-up at the child's exec, and every later
 *    one for the child's output and exit, had to bring a CPU out of idle. The
 *    caller's mask is widened by the child, not after the clone returns,
 *    because the caller sleeps until the exec: left narrow, it could wake only
 *    on the CPU the new program runs on, behind it.
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

/* A CPU mask as the raw system calls take it: 1,024 CPUs, as glibc's cpu_set_t. */
struct cpu_mask {
    unsigned long bits[1024 / (8 * sizeof(unsigned long))];
    long size;  /* bytes the kernel uses */
};

struct clone_args_ss {
    const struct ss_request *req;
    int error_fd;
    const struct cpu_mask *widen_to;  /* NULL, or the mask the child takes back */
    pid_t caller;                     /* the thread that clones, widened with the child */
};

static int clone_child(void *arg)
{
    const struct clone_args_ss *a = arg;
    if (a->widen_to != (void *) 0) {
        if (syscall(SYS_sched_setaffinity, 0, a->widen_to->size, a->widen_to->bits) != 0) {
            ss_child_fail(a->error_fd, SS_STAGE_FORK, errno);
        }
        /* The caller, asleep until the exec; it widens itself after the clone anyway, should this fail. */
        syscall(SYS_sched_setaffinity, (long) a->caller, a->widen_to->size, a->widen_to->bits);
    }
    ss_child_exec(a->req, a->error_fd);
}

/*
 * Narrows the calling thread's CPU mask to the CPU it runs on, keeping the
 * old mask in *wide; 0 (nothing changed) where the mask allows one CPU only
 * or cannot be read: a machine of over 1,024 CPUs, or no getcpu.
 */
static int narrow_to_current_cpu(struct cpu_mask *wide)
{
    long size = syscall(SYS_sched_getaffinity, 0, sizeof wide->bits, wide->bits);
    unsigned cpu;
    if (size <= 0 || syscall(SYS_getcpu, &cpu, (void *) 0, (void *) 0) != 0
            || cpu >= (unsigned long) size * 8) {
        return 0;
    }
    wide->size = size;
    int allowed = 0;
    for (size_t i = 0; i < (size_t) size / sizeof(unsigned long); i++) {
        allowed += __builtin_popcountl(wide->bits[i]);
    }
    if (allowed < 2) {
        return 0;
    }
    struct cpu_mask one = { { 0 }, size };
    one.bits[cpu / (8 * sizeof(unsigned long))] = 1UL << (cpu % (8 * sizeof(unsigned long)));
    return syscall(SYS_sched_setaffinity, 0, one.size, one.bits) == 0;
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

static void *map_stack(void)
{
    void *stack = mmap((void *) 0, SS_CLONE_STACK_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    return stack == MAP_FAILED ? (void *) 0 : stack;
}

/* stack: the clone's stack in SS_MODE_CLONE_VFORK, unused in SS_MODE_FORK. */
static int launch(const struct ss_request *req, int mode, void *stack, int32_t *pid_out, int32_t *stage_out)
{
    int pipe_fds[2];
    if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
        *stage_out = SS_STAGE_PIPE;
        return -errno;
    }

    /* The raw call, as glibc's own posix_spawn blocks signals: it blocks the C
     * library's internal ones too, and needs no pthread_sigmask, which glibc
     * moved to a GLIBC_2.32 version, so the shim still loads on older glibc. */
    uint64_t all = ~(uint64_t) 0, saved = 0;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &all, &saved, (long) sizeof all);
    pid_t pid;
    if (mode == SS_MODE_CLONE_VFORK) {
        struct cpu_mask wide;
        int narrowed = narrow_to_current_cpu(&wide);
        struct clone_args_ss args = { req, pipe_fds[1], narrowed ? &wide : (void *) 0, (pid_t) syscall(SYS_gettid) };
        pid = clone(clone_child, (char *) stack + SS_CLONE_STACK_SIZE, CLONE_VM | CLONE_VFORK | SIGCHLD, &args);
        if (narrowed) {
            syscall(SYS_sched_setaffinity, 0, wide.size, wide.bits);
        }
    } else {
        pid = fork();
        if (pid == 0) {
            ss_child_exec(req, pipe_fds[1]);
        }
    }
    int fork_errno = errno;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, &saved, (void *) 0, (long) sizeof saved);
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

/*
 * Clone stacks kept between launches: each launch takes one, or maps one when
 * none is free, and gives it back, or unmaps it when every slot is taken. A
 * calling thread sleeps until its child has exec'd, so a stack serves one
 * launch at a time. As many stay mapped as launches ran at once, at most
 * SS_KEPT_STACKS: one in the single-threaded zygote, one per thread that
 * spawned at the same moment in the JVM. Lock-free, as many JVM threads may
 * launch at once.
 */
#define SS_KEPT_STACKS 16
static void *kept_stacks[SS_KEPT_STACKS];

static void *take_stack(void)
{
    for (int i = 0; i < SS_KEPT_STACKS; i++) {
        void *stack = __atomic_exchange_n(&kept_stacks[i], (void *) 0, __ATOMIC_ACQUIRE);
        if (stack != (void *) 0) {
            return stack;
        }
    }
    return map_stack();
}

static void give_back_stack(void *stack)
{
    for (int i = 0; i < SS_KEPT_STACKS; i++) {
        void *none = (void *) 0;
        if (__atomic_compare_exchange_n(&kept_stacks[i], &none, stack, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED)) {
            return;
        }
    }
    munmap(stack, SS_CLONE_STACK_SIZE);
}

int ss_launch(const struct ss_request *req, int mode, int32_t *pid_out, int32_t *stage_out)
{
    if (mode != SS_MODE_CLONE_VFORK) {
        return launch(req, mode, (void *) 0, pid_out, stage_out);
    }
    void *stack = take_stack();
    if (stack == (void *) 0) {
        *stage_out = SS_STAGE_FORK;
        return -errno;
    }
    int r = launch(req, mode, stack, pid_out, stage_out);
    give_back_stack(stack); /* under CLONE_VFORK the child has exec'd or exited: the stack is free */
    return r;
}
