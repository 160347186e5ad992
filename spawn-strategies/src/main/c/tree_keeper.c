/*
 * safespawn zygote: the tree keeper (see tree_keeper.h for why and what).
 *
 * One thread, forked from the single-threaded zygote: ordinary libc calls
 * (malloc, opendir) are safe here. The loop waits on the socket and on a
 * SIGCHLD signalfd; every SIGCHLD reaps what has ended, and while the tree
 * is being killed, kills again whatever has since become the keeper's child.
 */
#define _GNU_SOURCE
#include "tree_keeper.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pidfd.h"
#include "zygote_protocol.h"

/* One line of /proc: a process, its parent and when it started (clock ticks since boot). */
struct proc_entry {
    pid_t pid;
    pid_t ppid;
    unsigned long long start;
    int in_tree;
};

static void send_to(int sock, int32_t type, int32_t a, int32_t b, int32_t c)
{
    struct ssk_message m = { type, a, b, c };
    ssize_t n;
    do {
        n = send(sock, &m, sizeof m, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    /* A failed send means the zygote is gone; the next poll sees the hang-up. */
}

/* Reads the parent and start time of pid from /proc; 0 on success, -1 if it is gone or unreadable. */
static int read_stat(pid_t pid, pid_t *ppid, unsigned long long *start)
{
    char path[32];
    char buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int) pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    ssize_t n;
    do {
        n = read(fd, buf, sizeof buf - 1);
    } while (n < 0 && errno == EINTR);
    close(fd);
    if (n <= 0) {
        return -1;
    }
    buf[n] = '\0';
    /* The command name may hold anything, ')' included: the fields start after the last ')'. */
    char *p = strrchr(buf, ')');
    if (p == NULL) {
        return -1;
    }
    /* state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
     * cutime cstime priority nice num_threads itrealvalue starttime */
    char state;
    int parent;
    unsigned long long started;
    if (sscanf(p + 1, " %c %d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
               &state, &parent, &started) != 3) {
        return -1;
    }
    *ppid = parent;
    *start = started;
    return 0;
}

static int by_pid(const void *a, const void *b)
{
    pid_t x = ((const struct proc_entry *) a)->pid;
    pid_t y = ((const struct proc_entry *) b)->pid;
    return (x > y) - (x < y);
}

/* Every process now in /proc, sorted by pid; NULL (and *count 0) if /proc cannot be read. */
static struct proc_entry *scan_proc(size_t *count)
{
    *count = 0;
    DIR *dir = opendir("/proc");
    if (dir == NULL) {
        return NULL;
    }
    size_t capacity = 256;
    struct proc_entry *all = malloc(capacity * sizeof *all);
    struct dirent *d;
    while (all != NULL && (d = readdir(dir)) != NULL) {
        char *end;
        long pid = strtol(d->d_name, &end, 10);
        if (*end != '\0' || pid <= 0) {
            continue;
        }
        struct proc_entry e = { (pid_t) pid, 0, 0, 0 };
        if (read_stat(e.pid, &e.ppid, &e.start) != 0) {
            continue;
        }
        if (*count == capacity) {
            capacity *= 2;
            struct proc_entry *grown = realloc(all, capacity * sizeof *all);
            if (grown == NULL) {
                break; /* signal what was found; the next pass finds the rest */
            }
            all = grown;
        }
        all[(*count)++] = e;
    }
    closedir(dir);
    if (all != NULL) {
        qsort(all, *count, sizeof *all, by_pid);
    }
    return all;
}

/*
 * Sends sig to every process of the tree now running (every descendant of
 * the keeper), and returns how many it reached. The keeper's own children
 * are signalled by pid: the keeper alone reaps them and is busy here, so
 * their pids cannot be recycled meanwhile. A deeper descendant is signalled
 * through a pidfd, and only if the process that pidfd holds started when
 * /proc said the descendant did, so a pid recycled since the scan is never
 * hit; without pidfds (before Linux 5.3) only the keeper's children are
 * signalled, and SIGKILL reaches the rest as each is orphaned to the keeper.
 */
static int signal_tree(int sig)
{
    pid_t self = getpid();
    size_t n;
    struct proc_entry *all = scan_proc(&n);
    if (all == NULL) {
        return 0;
    }
    /* Mark the keeper's descendants: a parent found in the tree puts its child in it. */
    int changed = 1;
    while (changed) {
        changed = 0;
        for (size_t i = 0; i < n; i++) {
            if (all[i].in_tree) {
                continue;
            }
            struct proc_entry key = { all[i].ppid, 0, 0, 0 };
            struct proc_entry *parent = all[i].ppid == self ? NULL : bsearch(&key, all, n, sizeof *all, by_pid);
            if (all[i].ppid == self || (parent != NULL && parent->in_tree)) {
                all[i].in_tree = 1;
                changed = 1;
            }
        }
    }
    int reached = 0;
    for (size_t i = 0; i < n; i++) {
        if (!all[i].in_tree) {
            continue;
        }
        if (all[i].ppid == self) {
            reached += kill(all[i].pid, sig) == 0;
            continue;
        }
        int pidfd = ss_pidfd_open(all[i].pid);
        if (pidfd < 0) {
            continue; /* gone, or no pidfds: SIGKILL gets it once it is the keeper's child */
        }
        pid_t ppid;
        unsigned long long start;
        if (read_stat(all[i].pid, &ppid, &start) == 0 && start == all[i].start) {
            reached += ss_pidfd_signal(pidfd, sig) == 0;
        }
        close(pidfd);
    }
    free(all);
    return reached;
}

/*
 * The answer to one SSK_SIGNAL: 0, or the errno. child_pidfd is a pidfd on
 * the child, opened before it could be reaped, or -1.
 */
static int32_t handle_signal(pid_t child, int child_reaped, int child_pidfd, int scope, int sig, int *killing)
{
    switch (scope) {
    case SSZ_SCOPE_PROCESS:
        /* Only before the keeper reaped the child can its pid not be another's. */
        return child_reaped ? ESRCH : kill(child, sig) == 0 ? 0 : errno;
    case SSZ_SCOPE_GROUP:
        /* The zygote asks only for a child that leads its group, which may outlive it (see pidfd.h). */
        return ss_signal_group(child_reaped ? child_pidfd : -1, child, sig);
    case SSZ_SCOPE_TREE:
        if (sig == SIGKILL) {
            *killing = 1; /* the loop kills and re-kills until no child is left */
            return 0;
        }
        return signal_tree(sig) > 0 ? 0 : ESRCH;
    default:
        return EINVAL;
    }
}

void ssk_keeper_main(int sock, struct ss_request req, int keep_children)
{
    /* The child dies with the keeper, not with the zygote: the keeper outlives the zygote to end the tree. */
    req.parent_pid = getpid();
    int32_t pid = 0;
    int32_t stage = SS_STAGE_FORK;
    int rc = prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 ? 0 : -errno;
    if (rc == 0) {
        stage = 0;
        rc = ss_launch(&req, SS_MODE_CLONE_VFORK, &pid, &stage);
    }
    /* Hold nothing but stdio and the socket: a copy of another keeper's socket
     * would keep that keeper from seeing the zygote's end. */
    const int keep[] = { sock };
    ss_close_inherited(keep, 1, SS_CLOSE_AUTO);
    send_to(sock, SSK_LAUNCHED, rc == 0 ? pid : 0, stage, -rc);
    if (rc != 0) {
        _exit(0);
    }
    /* Its own unreaped child: the pidfd is surely the child's, and keeps reaching its group after the reap. */
    int child_pidfd = ss_pidfd_open(pid);
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL); /* already blocked in the zygote; said again for clarity */
    int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
    int child_reaped = 0;
    int killing = 0;
    int server_gone = 0;
    for (;;) {
        int status;
        pid_t ended;
        while ((ended = waitpid(-1, &status, WNOHANG)) > 0) {
            if (ended == pid && !child_reaped) {
                child_reaped = 1;
                send_to(sock, SSK_EXITED, WIFSIGNALED(status) ? SSZ_EXIT_SIGNAL : SSZ_EXIT_CODE,
                        WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), 0);
            }
        }
        if (ended < 0 && errno == ECHILD) {
            _exit(0); /* no child left: the tree has ended */
        }
        if (killing) {
            signal_tree(SIGKILL);
        }
        struct pollfd pfd[2] = { { sfd, POLLIN, 0 }, { server_gone ? -1 : sock, POLLIN, 0 } };
        /* Without a signalfd (out of descriptors), look again every 100 ms rather than never. */
        if (poll(pfd, 2, sfd < 0 ? 100 : -1) < 0 && errno != EINTR) {
            _exit(1);
        }
        if (pfd[0].revents & POLLIN) {
            struct signalfd_siginfo info;
            while (read(sfd, &info, sizeof info) == (ssize_t) sizeof info) {
            }
        }
        if (pfd[1].revents & (POLLIN | POLLHUP | POLLERR)) {
            struct ssk_message m;
            ssize_t n;
            do {
                n = recv(sock, &m, sizeof m, 0);
            } while (n < 0 && errno == EINTR);
            if (n <= 0) {
                server_gone = 1;
                killing = killing || !keep_children;
            } else if (n == (ssize_t) sizeof m && m.type == SSK_SIGNAL) {
                send_to(sock, SSK_SIGNALED, handle_signal(pid, child_reaped, child_pidfd, m.a, m.b, &killing), 0, 0);
            } else {
                send_to(sock, SSK_SIGNALED, EBADMSG, 0, 0);
            }
        }
    }
}
