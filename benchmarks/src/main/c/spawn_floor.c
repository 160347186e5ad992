/*
 * spawn_floor: the floor for "spawn and wait for /bin/true".
 *
 * Loops posix_spawn + waitpid of a command (default /bin/true) from a small,
 * single-threaded C process and prints per-iteration latency statistics. No
 * JVM launcher can beat this; the benchmarks report each launcher as a ratio
 * of it.
 *
 * Usage: spawn_floor [--pipes] [--warmup N] [--iterations N] [program [arg...]]
 *
 *   The first word that is not an option starts the command: it and every
 *   word after it are the child's argv.
 *
 *   --pipes  give the child three pipes on fds 0, 1, 2 (made with pipe2
 *            O_CLOEXEC before each spawn, dup2'ed in by file actions, the
 *            parent's ends closed after the wait), as the Java launchers'
 *            default stdio does; without it the child inherits our stdio.
 *
 * Output: one line of key=value pairs, in nanoseconds, for the harness to
 * parse: iterations, mean, min, p10, p50, p90, p99, max.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what, int err)
{
    fprintf(stderr, "spawn_floor: %s: %s\n", what, strerror(err));
    exit(2);
}

/* One spawn and wait; returns its latency in nanoseconds. */
static long long spawn_once(char *const argv[], int pipes)
{
    int fds[3][2];
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_t *fa = NULL;
    long long start = now_ns();

    if (pipes) {
        /* Timed too: the Java launchers make their pipes inside spawn(). */
        posix_spawn_file_actions_init(&actions);
        for (int i = 0; i < 3; i++) {
            if (pipe2(fds[i], O_CLOEXEC) != 0) {
                die("pipe2", errno);
            }
            /* stdin: the child reads end 0; stdout/stderr: it writes end 1. */
            posix_spawn_file_actions_adddup2(&actions, fds[i][i == 0 ? 0 : 1], i);
        }
        fa = &actions;
    }
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], fa, NULL, argv, environ);
    if (rc != 0) {
        die("posix_spawn", rc);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            die("waitpid", errno);
        }
    }
    if (pipes) {
        posix_spawn_file_actions_destroy(&actions);
        for (int i = 0; i < 3; i++) {
            close(fds[i][0]);
            close(fds[i][1]);
        }
    }
    long long elapsed = now_ns() - start;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "spawn_floor: %s did not exit 0 (status %#x)\n", argv[0], status);
        exit(3);
    }
    return elapsed;
}

static int compare(const void *a, const void *b)
{
    long long x = *(const long long *) a, y = *(const long long *) b;
    return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static long long percentile(const long long *sorted, long n, double p)
{
    long rank = (long) (p / 100.0 * (double) n + 0.999999);
    if (rank < 1) {
        rank = 1;
    }
    if (rank > n) {
        rank = n;
    }
    return sorted[rank - 1];
}

int main(int argc, char **argv)
{
    long warmup = 500, iterations = 5000;
    int pipes = 0;
    char *default_argv[] = {"/bin/true", NULL};
    char **child_argv = default_argv;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--pipes") == 0) {
            pipes = 1;
        } else if (strcmp(argv[i], "--warmup") == 0 && i + 1 < argc) {
            warmup = atol(argv[++i]);
        } else if (strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
            iterations = atol(argv[++i]);
        } else if (argv[i][0] != '-') {
            child_argv = &argv[i]; /* argv ends with NULL, as posix_spawn wants */
            break;
        } else {
            fprintf(stderr, "usage: spawn_floor [--pipes] [--warmup N] [--iterations N] [program [arg...]]\n");
            return 2;
        }
    }
    if (iterations < 1) {
        fprintf(stderr, "spawn_floor: --iterations must be at least 1\n");
        return 2;
    }

    for (long i = 0; i < warmup; i++) {
        spawn_once(child_argv, pipes);
    }
    long long *samples = malloc(sizeof(long long) * (size_t) iterations);
    if (samples == NULL) {
        die("malloc", ENOMEM);
    }
    long double sum = 0;
    for (long i = 0; i < iterations; i++) {
        samples[i] = spawn_once(child_argv, pipes);
        sum += samples[i];
    }
    qsort(samples, (size_t) iterations, sizeof(long long), compare);
    printf("iterations=%ld mean=%.0Lf min=%lld p10=%lld p50=%lld p90=%lld p99=%lld max=%lld\n",
           iterations, sum / iterations, samples[0], percentile(samples, iterations, 10),
           percentile(samples, iterations, 50), percentile(samples, iterations, 90),
           percentile(samples, iterations, 99), samples[iterations - 1]);
    free(samples);
    return 0;
}
