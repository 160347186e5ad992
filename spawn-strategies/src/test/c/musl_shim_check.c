/*
 * The musl build of the shim, proven from a musl process: loads the shim
 * named by argv[1] with dlopen, checks its ABI and request size against this
 * header, then, while holding pipes that are not close-on-exec, with a
 * signal blocked and another ignored, starts argv[2] with the remaining
 * arguments in each launch mode, its stdout on a pipe, and copies what the
 * child writes to this program's stdout (the Java test reads it as probe
 * reports). Exit status: 0 when every child exited 0, 1 otherwise.
 *
 * Built by `make other-test-natives` with musl-gcc, so it runs on musl's
 * dynamic loader whatever C library the machine itself uses.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child_setup.h"

typedef int (*abi_fn)(void);
typedef int (*fork_exec_fn)(const struct ss_request *, int, int32_t *, int32_t *);

static int run(fork_exec_fn fork_exec, int mode, char **argv)
{
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) {
        perror("pipe2");
        return 1;
    }
    int32_t from[] = { 0, out[1], 2 };
    int32_t to[] = { 0, 1, 2 };
    char *envp[] = { NULL };
    struct ss_request req = {
        .path = argv[0], .argv = argv, .envp = envp, .fd_from = from, .fd_to = to, .fd_count = 3,
        .close_method = SS_CLOSE_AUTO, .parent_pid = (int32_t) getpid(),
    };
    int32_t pid = 0;
    int32_t stage = 0;
    int rc = fork_exec(&req, mode, &pid, &stage);
    close(out[1]);
    if (rc != 0) {
        fprintf(stderr, "mode %d: failed at stage %d, errno %d\n", mode, stage, -rc);
        close(out[0]);
        return 1;
    }
    char buf[4096];
    ssize_t n;
    while ((n = read(out[0], buf, sizeof buf)) > 0) {
        fwrite(buf, 1, (size_t) n, stdout);
    }
    close(out[0]);
    int status;
    if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "mode %d: the child did not exit 0\n", mode);
        return 1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s SHIM PROGRAM [ARG...]\n", argv[0]);
        return 2;
    }
    void *shim = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
    if (shim == NULL) {
        fprintf(stderr, "dlopen: %s\n", dlerror());
        return 1;
    }
    abi_fn abi = (abi_fn) dlsym(shim, "safespawn_abi_version");
    abi_fn size = (abi_fn) dlsym(shim, "safespawn_request_size");
    fork_exec_fn fork_exec = (fork_exec_fn) dlsym(shim, "safespawn_fork_exec");
    if (abi == NULL || size == NULL || fork_exec == NULL) {
        fprintf(stderr, "the shim lacks an entry point\n");
        return 1;
    }
    if (abi() != SS_ABI_VERSION || size() != (int) sizeof(struct ss_request)) {
        fprintf(stderr, "ABI %d (want %d), request size %d (want %d)\n", abi(), SS_ABI_VERSION, size(),
                (int) sizeof(struct ss_request));
        return 1;
    }
    /* What careless code in a musl process leaves for a child to inherit. */
    for (int i = 0; i < 8; i++) {
        int leak[2];
        if (pipe(leak) != 0) {
            perror("pipe");
            return 1;
        }
    }
    sigset_t blocked;
    sigemptyset(&blocked);
    sigaddset(&blocked, SIGUSR1);
    sigprocmask(SIG_BLOCK, &blocked, NULL);
    signal(SIGINT, SIG_IGN);
    fflush(stdout);
    int failed = run(fork_exec, SS_MODE_FORK, argv + 2);
    fflush(stdout);
    failed |= run(fork_exec, SS_MODE_CLONE_VFORK, argv + 2);
    fflush(stdout);
    return failed;
}
