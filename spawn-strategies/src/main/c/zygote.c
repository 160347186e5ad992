/*
 * safespawn zygote: a small single-threaded fork server.
 *
 * The JVM starts it early by exec (never by forking the JVM), handing it one
 * end of a socketpair as descriptor 3; everything else it holds is closed at
 * start. Each SPAWN request becomes a child through the same launch code as
 * the fork_exec shim (launch.c, child_setup.c), so its children inherit
 * nothing from the JVM and cost the same however large the JVM grows.
 *
 * Rules: one thread, always (fork from it must be safe); hold only the
 * socket and the SIGCHLD signalfd between requests, closing every received
 * descriptor after each spawn; read every request as hostile (zygote_decode.c)
 * and answer a bad one with SSZ_ERROR rather than dying; reap children and
 * report a pid's exit only after its SPAWNED. EOF on the socket means the JVM
 * is gone: kill the children (unless --keep-children) and exit.
 *
 * With --standby N it keeps N children forked in advance, each waiting on a
 * private socketpair; a checked SPAWN is forwarded to one of them, which runs
 * the same ss_child_exec, and a replacement is forked after the reply.
 *
 * A SPAWN with SSZ_SPAWN_TREE is launched by a tree keeper (tree_keeper.h),
 * a child of the server that is a child subreaper and the child's parent.
 * The server then tracks the keeper: it reaps the keeper, relays the
 * child's end the keeper reports, forwards signals for the child to the
 * keeper (which alone can tell whether its pid is still the child's), and
 * reports the tree's end when the keeper exits. On end of file each keeper
 * sees its socket close and kills its tree.
 *
 * A child that leads its group may leave members behind; once it is reaped
 * its group is kept in left_groups.h, so a group signal still reaches them.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child_setup.h"
#include "left_groups.h"
#include "pidfd.h"
#include "tree_keeper.h"
#include "zygote_decode.h"
#include "zygote_protocol.h"

struct child {
    pid_t pid;
    int leads_group;
    pid_t keeper;   /* 0, or the tree keeper: then the server's child is the keeper, not pid */
    int sock;       /* with a keeper: the server's end of its socket, else -1 */
    int exited;     /* with a keeper: the child's end was relayed (the tree may live on) */
};

static struct child *children;
static size_t child_count;
static size_t child_capacity;
static int keep_children;
static pid_t server_pid;
static int server_socket = SSZ_SOCKET_FD;
static int chld_fd = -1;

/* One request at a time, in the server and (after its fork) in a standby;
 * one byte over the maximum so an oversize message shows as such. */
static union {
    unsigned char bytes[SSZ_MAX_MESSAGE + 1];
    uint64_t align;
} buf;

/* Pre-forked standby children: forked ahead of demand, each waiting on a
 * private socketpair for one SPAWN to turn into, so that a request costs
 * little more than the exec. */
#define MAX_STANDBY 16
struct standby {
    pid_t pid;
    int ctl;    /* the server's end; the standby's end is close-on-exec */
};
static struct standby standbys[MAX_STANDBY];
static int standby_count;
static int standby_wanted;

static void send_message(int sock, uint32_t type, uint64_t id, const void *payload, size_t len)
{
    unsigned char buf[sizeof(struct ssz_header) + 32];
    struct ssz_header h = { SSZ_MAGIC, type, id };
    memcpy(buf, &h, sizeof h);
    memcpy(buf + sizeof h, payload, len);
    ssize_t n;
    do {
        n = send(sock, buf, sizeof h + len, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    /* A failed send means the JVM is gone; the next recv sees EOF and ends us. */
}

static void send_failure(int sock, uint32_t type, uint64_t id, int32_t stage, int32_t error)
{
    struct ssz_failure f = { stage, error };
    send_message(sock, type, id, &f, sizeof f);
}

/* The record of a child still running with this pid and keeper (0: none); a
 * tree's record is found by its keeper once the child has ended, for its
 * tree or its group, which the keeper still knows. */
static struct child *find_child(pid_t pid, pid_t keeper, int scope)
{
    for (size_t i = 0; i < child_count; i++) {
        struct child *c = &children[i];
        if (c->pid == pid && c->keeper == keeper && (scope != SSZ_SCOPE_PROCESS || !c->exited)) {
            return c;
        }
    }
    return NULL;
}

/* The record whose process (the child, or its keeper) the server has just reaped. */
static struct child *find_reaped(pid_t pid)
{
    for (size_t i = 0; i < child_count; i++) {
        if (children[i].keeper != 0 ? children[i].keeper == pid : children[i].pid == pid) {
            return &children[i];
        }
    }
    return NULL;
}

/* Makes room for one more child, so that recording a launched child cannot fail. */
static int reserve_child_slot(void)
{
    if (child_count < child_capacity) {
        return 0;
    }
    size_t capacity = child_capacity ? child_capacity * 2 : 64;
    struct child *grown = realloc(children, capacity * sizeof *grown);
    if (grown == NULL) {
        return -1;
    }
    children = grown;
    child_capacity = capacity;
    return 0;
}

static void close_all(const int *fds, int n)
{
    for (int i = 0; i < n; i++) {
        close(fds[i]);
    }
}

/* Receives one message and its descriptors (close-on-exec) into buf.
 * Returns the length, 0 at end of file, -1 on error; sets *truncated. */
static ssize_t receive(int sock, unsigned char *buf, size_t size, int *fds, int *nfds, int *truncated)
{
    union {
        char bytes[CMSG_SPACE(SSZ_MAX_FDS * sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec iov = { buf, size };
    struct msghdr msg = { 0 };
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.bytes;
    msg.msg_controllen = sizeof control.bytes;
    ssize_t n;
    do {
        n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
    } while (n < 0 && errno == EINTR);
    *nfds = 0;
    *truncated = 0;
    if (n < 0) {
        return -1;
    }
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
            continue;
        }
        size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (size_t i = 0; i < count; i++) {
            int fd;
            memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
            if (*nfds < SSZ_MAX_FDS) {
                fds[(*nfds)++] = fd;
            } else {
                close(fd);
                *truncated = 1;
            }
        }
    }
    if (msg.msg_flags & (MSG_CTRUNC | MSG_TRUNC)) {
        *truncated = 1;
    }
    return n;
}

static ssize_t send_with_fds(int sock, const unsigned char *buf, size_t len, const int *fds, int nfds)
{
    union {
        char bytes[CMSG_SPACE(SSZ_MAX_FDS * sizeof(int))];
        struct cmsghdr align;
    } control;
    struct iovec iov = { (void *) buf, len };
    struct msghdr msg = { 0 };
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (nfds > 0) {
        memset(&control, 0, sizeof control);
        msg.msg_control = control.bytes;
        msg.msg_controllen = CMSG_SPACE((size_t) nfds * sizeof(int));
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN((size_t) nfds * sizeof(int));
        memcpy(CMSG_DATA(c), fds, (size_t) nfds * sizeof(int));
    }
    ssize_t n;
    do {
        n = sendmsg(sock, &msg, MSG_NOSIGNAL);
    } while (n < 0 && errno == EINTR);
    return n;
}

/* Builds the child_setup request for a decoded SPAWN whose descriptors are fds. */
static struct ss_request request_for(const struct ssz_spawn *s, const int *fds, int nfds)
{
    const struct ssz_spawn_fixed *f = s->fixed;
    struct ss_request req = {
        .path = s->path, .argv = s->argv, .envp = s->envp, .dir = s->dir,
        .fd_from = fds, .fd_to = s->fd_to, .fd_count = nfds,
        /* Unless told otherwise, children die with the zygote, which dies with the JVM. */
        .flags = (f->flags & ~SSZ_SPAWN_TREE) | (keep_children ? 0 : SS_KILL_ON_PARENT_DEATH),
        .pgid = f->pgid, .umask_value = f->umask_value,
        .rlimit_count = f->rlimit_count, .close_method = f->close_method,
        .rlimit_resource = s->rlimit_resource, .rlimit_soft = s->rlimit_soft, .rlimit_hard = s->rlimit_hard,
        .parent_pid = server_pid, .exec_fd = -1,
    };
    return req;
}

/* The life of a standby: wait for one forwarded SPAWN and become it. The
 * server already checked the request; the standby's end of its socket is
 * close-on-exec, so end of file tells the server the exec happened, and a
 * failure comes back on it as {stage, errno}. */
__attribute__((noreturn))
static void standby_main(int ctl)
{
    close(server_socket);
    close(chld_fd);
    for (int i = 0; i < standby_count; i++) {
        close(standbys[i].ctl); /* the others': their end of file must not wait for us */
    }
    for (size_t i = 0; i < child_count; i++) {
        if (children[i].sock >= 0) {
            close(children[i].sock); /* a keeper's end of file must not wait for us either */
        }
    }
    int fds[SSZ_MAX_FDS];
    int nfds;
    int truncated;
    ssize_t n = receive(ctl, buf.bytes, sizeof buf.bytes, fds, &nfds, &truncated);
    if (n <= (ssize_t) sizeof(struct ssz_header) || truncated) {
        _exit(0); /* the server went away, or retired us */
    }
    struct ssz_spawn s;
    int err = ssz_decode_spawn(buf.bytes + sizeof(struct ssz_header), (size_t) n - sizeof(struct ssz_header),
                               nfds, &s);
    if (err != 0) {
        int32_t report[2] = { SS_STAGE_FORK, err };
        (void) !write(ctl, report, sizeof report);
        _exit(127);
    }
    struct ss_request req = request_for(&s, fds, nfds);
    ss_child_exec(&req, ctl);
}

static void refill_standbys(void)
{
    while (standby_count < standby_wanted) {
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
            return;
        }
        pid_t pid = fork();
        if (pid < 0) {
            close(sv[0]);
            close(sv[1]);
            return;
        }
        if (pid == 0) {
            close(sv[0]);
            standby_main(sv[1]);
        }
        close(sv[1]);
        standbys[standby_count].pid = pid;
        standbys[standby_count].ctl = sv[0];
        standby_count++;
    }
}

/* Hands a checked SPAWN to a standby. Returns 0 and the pid once it has
 * exec'd, -errno and the stage if it failed, or 1 if no standby could take it. */
static int launch_on_standby(const unsigned char *message, size_t len, const int *fds, int nfds,
                             int32_t *pid_out, int32_t *stage_out)
{
    while (standby_count > 0) {
        struct standby sb = standbys[--standby_count];
        if (send_with_fds(sb.ctl, message, len, fds, nfds) < 0) {
            close(sb.ctl); /* it died waiting; the reaper collects it */
            kill(sb.pid, SIGKILL);
            continue;
        }
        int32_t report[2];
        ssize_t got;
        do {
            got = recv(sb.ctl, report, sizeof report, 0);
        } while (got < 0 && errno == EINTR);
        close(sb.ctl);
        if (got == 0) {
            *pid_out = sb.pid;
            return 0;
        }
        while (waitpid(sb.pid, NULL, 0) < 0 && errno == EINTR) {
        }
        if (got != (ssize_t) sizeof report) {
            *stage_out = SS_STAGE_FORK;
            return -EPIPE;
        }
        *stage_out = report[0];
        return -report[1];
    }
    return 1;
}

/* Receives one message from a keeper; 1 if one came, 0 if none is waiting (dontwait) or the keeper is gone. */
static int keeper_receive(int ksock, struct ssk_message *m, int dontwait)
{
    ssize_t n;
    do {
        n = recv(ksock, m, sizeof *m, dontwait ? MSG_DONTWAIT : 0);
    } while (n < 0 && errno == EINTR);
    return n == (ssize_t) sizeof *m;
}

/* Tells the client how a keeper's child ended, once. */
static void relay_exit(int sock, struct child *c, int32_t kind, int32_t value)
{
    if (c->exited) {
        return;
    }
    c->exited = 1;
    struct ssz_exit e = { c->pid, kind, value, 0 };
    send_message(sock, SSZ_EXITED, 0, &e, sizeof e);
}

/* Handles what a keeper sent unasked (its child's end); SSK_SIGNALED is read where it was asked for. */
static void keeper_message(int sock, struct child *c, const struct ssk_message *m)
{
    if (m->type == SSK_EXITED) {
        relay_exit(sock, c, m->a, m->b);
    }
}

/* Reads what a keeper has sent, without waiting. */
static void drain_keeper(int sock, struct child *c)
{
    struct ssk_message m;
    while (keeper_receive(c->sock, &m, 1)) {
        keeper_message(sock, c, &m);
    }
}

/* Forks a tree keeper for a checked SPAWN and waits for it to launch the
 * child. Returns 0 with the child's and the keeper's pids and the server's
 * end of the keeper's socket, or -errno and the stage. */
static int launch_with_keeper(const struct ssz_spawn *s, const int *fds, int nfds,
                              int32_t *pid_out, pid_t *keeper_out, int *sock_out, int32_t *stage_out)
{
    *stage_out = SS_STAGE_FORK;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
        return -errno;
    }
    pid_t keeper = fork();
    if (keeper < 0) {
        int err = errno;
        close(sv[0]);
        close(sv[1]);
        return -err;
    }
    if (keeper == 0) {
        ssk_keeper_main(sv[1], request_for(s, fds, nfds), keep_children);
    }
    close(sv[1]);
    struct ssk_message m;
    if (!keeper_receive(sv[0], &m, 0) || m.type != SSK_LAUNCHED) {
        close(sv[0]);
        kill(keeper, SIGKILL); /* our child, not yet reaped: the reaper collects it */
        return -EPIPE;
    }
    if (m.a <= 0) {
        close(sv[0]); /* the keeper exits by itself; the reaper collects it */
        *stage_out = m.b;
        return -m.c;
    }
    *pid_out = m.a;
    *keeper_out = keeper;
    *sock_out = sv[0];
    return 0;
}

static void handle_spawn(int sock, const unsigned char *message, size_t len, const int *fds, int nfds)
{
    uint64_t id;
    memcpy(&id, message + offsetof(struct ssz_header, id), sizeof id);
    struct ssz_spawn s;
    int err = ssz_decode_spawn(message + sizeof(struct ssz_header), len - sizeof(struct ssz_header), nfds, &s);
    if (err != 0) {
        send_failure(sock, SSZ_ERROR, id, 0, err);
        return;
    }
    const struct ssz_spawn_fixed *f = s.fixed;
    int leads_group = (f->flags & SS_NEW_SESSION) || ((f->flags & SS_SET_PGID) && f->pgid == 0);
    int32_t pid = 0;
    int32_t stage = 0;
    pid_t keeper = 0;
    int keeper_sock = -1;
    int rc = -ENOMEM;
    if (reserve_child_slot() != 0) {
        /* rc stays -ENOMEM */
    } else if (f->flags & SSZ_SPAWN_TREE) {
        rc = launch_with_keeper(&s, fds, nfds, &pid, &keeper, &keeper_sock, &stage);
    } else {
        rc = launch_on_standby(message, len, fds, nfds, &pid, &stage);
        if (rc == 1) {
            struct ss_request req = request_for(&s, fds, nfds);
            rc = ss_launch(&req, SS_MODE_CLONE_VFORK, &pid, &stage);
        }
    }
    ssz_spawn_free(&s);
    if (rc != 0) {
        send_failure(sock, SSZ_FAILED, id, stage ? stage : SS_STAGE_FORK, -rc);
        return;
    }
    /* New processes hold these numbers now: groups once numbered so have ended. */
    ssl_number_reused(pid);
    if (keeper != 0) {
        ssl_number_reused(keeper);
    }
    children[child_count].pid = pid;
    children[child_count].leads_group = leads_group;
    children[child_count].keeper = keeper;
    children[child_count].sock = keeper_sock;
    children[child_count].exited = 0;
    child_count++;
    struct ssz_pid reply = { pid, keeper };
    send_message(sock, SSZ_SPAWNED, id, &reply, sizeof reply);
}

static void handle_signal(int sock, uint64_t id, const unsigned char *payload, size_t len)
{
    struct ssz_signal s;
    if (len != sizeof s) {
        send_failure(sock, SSZ_ERROR, id, 0, EBADMSG);
        return;
    }
    memcpy(&s, payload, sizeof s);
    struct child *c = s.pid > 0 && s.keeper >= 0 ? find_child(s.pid, s.keeper, s.scope) : NULL;
    int32_t error = 0;
    if (c == NULL && s.scope == SSZ_SCOPE_GROUP && s.pid > 0 && s.keeper == 0) {
        error = ssl_signal(s.pid, s.signal); /* a reaped leader's group, if it was kept: ESRCH if not */
    } else if (c == NULL) {
        error = ESRCH; /* not ours, or already reaped: never signal a stranger */
    } else if (s.scope < SSZ_SCOPE_PROCESS || s.scope > SSZ_SCOPE_TREE) {
        error = EINVAL;
    } else if (s.scope == SSZ_SCOPE_GROUP && !c->leads_group) {
        error = EPERM;
    } else if (c->keeper != 0) {
        /* Only the keeper knows whether the pid is still its child's: it asks, the keeper answers. */
        struct ssk_message ask = { SSK_SIGNAL, s.scope, s.signal, 0 };
        struct ssk_message m;
        error = ESRCH;
        if (send(c->sock, &ask, sizeof ask, MSG_NOSIGNAL) == (ssize_t) sizeof ask) {
            while (keeper_receive(c->sock, &m, 0)) {
                if (m.type == SSK_SIGNALED) {
                    error = m.a;
                    break;
                }
                keeper_message(sock, c, &m);
            }
        }
    } else if (s.scope == SSZ_SCOPE_TREE) {
        error = EPERM; /* a child started without a keeper has no tree to signal */
    } else if (kill(s.scope == SSZ_SCOPE_GROUP ? -s.pid : s.pid, s.signal) != 0) {
        error = errno;
    }
    send_failure(sock, SSZ_SIGNALED, id, 0, error);
}

static void reap_children(int sock, int sfd)
{
    struct signalfd_siginfo info;
    while (read(sfd, &info, sizeof info) == (ssize_t) sizeof info) {
    }
    for (;;) {
        /* Look before reaping: a group leader's pidfd must be opened while its pid is still its own. */
        siginfo_t ended;
        ended.si_pid = 0;
        if (waitid(P_ALL, 0, &ended, WEXITED | WNOHANG | WNOWAIT) != 0 || ended.si_pid <= 0) {
            break;
        }
        pid_t pid = ended.si_pid;
        struct child *c = find_reaped(pid);
        int leader_pidfd = c != NULL && c->keeper == 0 && c->leads_group ? ss_pidfd_open(pid) : -1;
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        for (int i = 0; i < standby_count; i++) {
            if (standbys[i].pid == pid) {
                close(standbys[i].ctl);
                standbys[i] = standbys[--standby_count];
                break;
            }
        }
        if (c == NULL) {
            continue;
        }
        if (c->keeper != 0) {
            /* The keeper has exited: its child's end is in its socket, unless it died first. */
            drain_keeper(sock, c);
            relay_exit(sock, c, SSZ_EXIT_LOST, 0);
            close(c->sock);
            struct ssz_pid ended = { c->pid, c->keeper };
            *c = children[--child_count];
            send_message(sock, SSZ_TREE_ENDED, 0, &ended, sizeof ended);
            continue;
        }
        struct ssz_exit e = { pid, WIFSIGNALED(status) ? SSZ_EXIT_SIGNAL : SSZ_EXIT_CODE,
                              WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status), 0 };
        if (c->leads_group) {
            ssl_keep(pid, leader_pidfd);
        }
        *c = children[--child_count];
        send_message(sock, SSZ_EXITED, 0, &e, sizeof e);
    }
}

/* Reads one request; returns 0 to go on, -1 when the JVM is gone. */
static int serve_one(int sock)
{
    int fds[SSZ_MAX_FDS];
    int nfds;
    int truncated;
    ssize_t n = receive(sock, buf.bytes, sizeof buf.bytes, fds, &nfds, &truncated);
    if (n < 0) {
        return errno == EAGAIN ? 0 : -1;
    }
    if (n == 0) {
        /* On a seqpacket socket an empty message also reads as 0 bytes:
         * only a real hang-up of the peer ends the server. */
        struct pollfd hup = { sock, POLLRDHUP, 0 };
        if (poll(&hup, 1, 0) != 0 && (hup.revents & (POLLRDHUP | POLLHUP))) {
            return -1;
        }
    }
    if ((size_t) n > SSZ_MAX_MESSAGE) {
        truncated = 1; /* over the protocol's maximum: refused whole, like a truncated one */
    }
    struct ssz_header h = { 0, 0, 0 };
    int readable = (size_t) n >= sizeof h;
    if (readable) {
        memcpy(&h, buf.bytes, sizeof h);
    }
    if (truncated) {
        send_failure(sock, SSZ_ERROR, readable ? h.id : 0, 0, E2BIG);
    } else if (!readable || h.magic != SSZ_MAGIC) {
        send_failure(sock, SSZ_ERROR, 0, 0, EBADMSG);
    } else if (h.type == SSZ_SPAWN) {
        handle_spawn(sock, buf.bytes, (size_t) n, fds, nfds);
    } else if (h.type == SSZ_SIGNAL && nfds == 0) {
        handle_signal(sock, h.id, buf.bytes + sizeof h, (size_t) n - sizeof h);
    } else {
        send_failure(sock, SSZ_ERROR, h.id, 0, EBADMSG);
    }
    close_all(fds, nfds);
    return 0;
}

#ifdef SAFESPAWN_TEST_HOOKS
/*
 * Test builds only: SAFESPAWN_TEST_CLOSE_METHOD=proc_scan (or brute_force)
 * makes this server, its tree keepers and every child close descriptors as
 * on a kernel without close_range (or without /proc as well). What ships
 * never reads it.
 */
static void force_close_method_from_environment(void)
{
    const char *method = getenv("SAFESPAWN_TEST_CLOSE_METHOD");
    if (method == NULL) {
        return;
    }
    if (strcmp(method, "close_range") == 0) {
        ss_force_close_method(SS_CLOSE_RANGE);
    } else if (strcmp(method, "proc_scan") == 0) {
        ss_force_close_method(SS_CLOSE_PROC_SCAN);
    } else if (strcmp(method, "brute_force") == 0) {
        ss_force_close_method(SS_CLOSE_BRUTE_FORCE);
    } else {
        fprintf(stderr, "safespawn-zygote: SAFESPAWN_TEST_CLOSE_METHOD=%s is not close_range, proc_scan "
                        "or brute_force\n", method);
        exit(2);
    }
}
#endif

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--keep-children") == 0) {
            keep_children = 1;
        } else if (strcmp(argv[i], "--standby") == 0 && i + 1 < argc) {
            standby_wanted = atoi(argv[++i]);
            if (standby_wanted < 0 || standby_wanted > MAX_STANDBY) {
                fprintf(stderr, "safespawn-zygote: --standby takes 0 to %d\n", MAX_STANDBY);
                return 2;
            }
        } else {
            fprintf(stderr, "safespawn-zygote: unknown option %s\n", argv[i]);
            return 2;
        }
    }
    int sock = SSZ_SOCKET_FD;
    server_pid = getpid();
    int type;
    socklen_t type_len = sizeof type;
    if (getsockopt(sock, SOL_SOCKET, SO_TYPE, &type, &type_len) != 0 || type != SOCK_SEQPACKET) {
        fprintf(stderr, "safespawn-zygote: descriptor %d is not a SOCK_SEQPACKET socket; "
                        "this program is started by safespawn, not by hand\n", SSZ_SOCKET_FD);
        return 2;
    }
    fcntl(sock, F_SETFD, FD_CLOEXEC);
#ifdef SAFESPAWN_TEST_HOOKS
    force_close_method_from_environment();
#endif
    /* Hold nothing but stdio and the socket, whatever the starter left open,
     * on any kernel (close_range is 5.9's). */
    const int keep[] = { SSZ_SOCKET_FD };
    ss_close_inherited(keep, 1, SS_CLOSE_AUTO);
    signal(SIGPIPE, SIG_IGN); /* children get SIG_DFL back in child_setup */
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, NULL);
    int sfd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
    if (sfd < 0) {
        perror("safespawn-zygote: signalfd");
        return 1;
    }
    chld_fd = sfd;
    refill_standbys();
    struct ssz_hello hello = { SSZ_PROTOCOL_VERSION, SS_ABI_VERSION, getpid(), 0 };
    send_message(sock, SSZ_HELLO, 0, &hello, sizeof hello);

    struct pollfd *pfd = NULL;
    size_t pfd_capacity = 0;
    for (;;) {
        /* The socket, the signalfd, then each keeper's socket, in the order of children[]. */
        if (pfd_capacity < child_count + 2) {
            struct pollfd *grown = realloc(pfd, (child_capacity + 2) * sizeof *pfd);
            if (grown == NULL) {
                break;
            }
            pfd = grown;
            pfd_capacity = child_capacity + 2;
        }
        pfd[0] = (struct pollfd) { sock, POLLIN, 0 };
        pfd[1] = (struct pollfd) { sfd, POLLIN, 0 };
        size_t watched = child_count;
        for (size_t i = 0; i < watched; i++) {
            pfd[2 + i] = (struct pollfd) { children[i].sock, POLLIN, 0 }; /* -1 for a child without a keeper */
        }
        if (poll(pfd, 2 + watched, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            break;
        }
        /* Keepers first: reaping below reorders children[]. */
        for (size_t i = 0; i < watched; i++) {
            if (children[i].sock >= 0 && (pfd[2 + i].revents & POLLIN)) {
                drain_keeper(sock, &children[i]);
            }
        }
        if (pfd[1].revents & POLLIN) {
            reap_children(sock, sfd);
        }
        if (pfd[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            if (serve_one(sock) != 0) {
                break;
            }
            refill_standbys(); /* after the reply: the requester does not wait for it */
        }
    }
    for (int i = 0; i < standby_count; i++) {
        kill(standbys[i].pid, SIGKILL);
    }
    if (!keep_children) {
        for (size_t i = 0; i < child_count; i++) {
            if (children[i].keeper == 0) {
                kill(children[i].pid, SIGKILL);
            }
            /* A keeper sees its socket close when the server exits, and kills its tree. */
        }
    }
    free(pfd);
    return 0;
}
