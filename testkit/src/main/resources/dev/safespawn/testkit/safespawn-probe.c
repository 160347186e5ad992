/*
 * safespawn-probe: the child program of safespawn's conformance tests.
 *
 * WHAT IT IS FOR
 *
 * safespawn promises a "child contract": at the moment the child program
 * starts, it holds exactly descriptors 0, 1 and 2 plus those the caller
 * deliberately passed; its signal mask is empty; no signal is ignored; and
 * its session, process group, working directory and environment are the
 * ones requested. None of that can be seen from the parent's side, so the
 * conformance tests launch this program as the child and either ask it to
 * report what it really holds (mode "report", parsed by ProbeReport.java)
 * or to behave in a way that exercises the parent's plumbing: pipes, exit
 * statuses, death by signal, large interleaved output, passed descriptors.
 *
 * RULES THIS FILE KEEPS
 *
 *  - In "report" mode the descriptor snapshot is taken before the probe
 *    opens anything of its own: first an fcntl(F_GETFD) sweep over
 *    0 .. max(soft, hard RLIMIT_NOFILE) - 1 (capped at 1 << 20), then a
 *    listing of /proc/self/fd for descriptors above that range (a
 *    descriptor can sit above a lowered limit), leaving out the listing's
 *    own descriptor.
 *  - The probe never changes its signal mask or signal dispositions, so
 *    what it reports is what it inherited across execve.
 *  - Plain libc, one thread, C11 with POSIX. A failure that would make an
 *    answer wrong ends the probe with status 1 and a message on stderr,
 *    rather than a misleading report.
 *
 * MODES (argv[1])
 *
 *   report [ENVNAME...] [-- ARG...]
 *                        print the report below on stdout, exit 0; the
 *                        arguments after the first "--" are not looked up,
 *                        only echoed by the "arg" lines with all the others
 *   exit N               exit with status N (0..255)
 *   kill-self SIG        kill(getpid(), SIG) with the inherited disposition;
 *                        exit 99 if still alive afterwards
 *   cat                  copy stdin to stdout until EOF, exit 0
 *   spew N               write N bytes to stdout and N bytes to stderr,
 *                        alternating 64 KiB chunks; byte i of each stream
 *                        is (i % 251); exit 0
 *   count-stdin          read stdin to EOF, print the byte count in decimal
 *                        and a newline on stdout, exit 0
 *   write-fd FD TEXT     write TEXT (no newline) to descriptor FD; exit 0,
 *                        or print "errno N" and a newline on stderr and
 *                        exit 3
 *   sleep                block in pause() forever (the test kills it)
 *   print-env NAME       print NAME's value and a newline on stdout, exit 0;
 *                        exit 4, printing nothing, if NAME is unset
 *   argv0                print argv[0] exactly as received and a newline
 *                        on stdout, exit 0
 *   anything else        usage on stderr, exit 2 (also for bad arguments)
 *
 * REPORT FORMAT: one item per line, in this order, each line ending in \n:
 *
 *   fds 0 1 2 5          open descriptors, ascending, space-separated
 *   cloexec 5            those of them with FD_CLOEXEC set
 *   sigblk 3 13          signals 1..64 blocked in the current mask
 *   sigign 13            signals 1..64 whose disposition is SIG_IGN
 *   pid N
 *   ppid N
 *   sid N                getsid(0)
 *   pgid N               getpgrp()
 *   umask 0022           four octal digits
 *   cwd /path            getcwd()
 *   env NAME=value       one line per ENVNAME argument that is set ...
 *   noenv NAME           ... or unset, in argument order
 *   fdinfo FD KIND       one line per descriptor in "fds", ascending; KIND
 *                        is pipe, socket, file, chr, dir or other
 *   fdid FD DEV:INO ACC  one line per descriptor in "fds", ascending: what
 *                        it is open on (st_dev and st_ino in decimal) and
 *                        its access mode (r, w or rw), so that a test can
 *                        tell which of its own objects the child holds
 *   arg I TEXT           one line per element of argv, from argv[0], as
 *                        received (TEXT may be empty)
 *
 * An empty list is the bare keyword ("sigblk"). Text (cwd, env names and
 * values, args) is escaped so that one item stays one line: a backslash becomes
 * \\, a newline \n, and any other byte below 0x20, or 0x7f, becomes \xHH
 * (two lowercase hex digits); all other bytes pass through unchanged.
 *
 * EXIT STATUSES: 0 done; 1 the probe itself failed; 2 usage; 3 write-fd
 * failed; 4 print-env found the name unset; 99 kill-self survived; N for
 * "exit N". Writing to a pipe with no reader raises SIGPIPE as usual.
 *
 * CAVEATS: the probe is an ordinary dynamically linked glibc program, so
 * the loader, glibc and anything in LD_PRELOAD run before main; a
 * descriptor they leave open is reported like any other. glibc keeps
 * signals 32 and 33 (SIGCANCEL, SIGSETXID) for itself and its sigaction()
 * refuses them, so for those two the report reads the SigIgn mask in
 * /proc/self/status instead (after the descriptor snapshot). If
 * /proc/self/fd cannot be listed, the report still goes out, with a
 * warning on stderr that descriptors above the sweep were not checked.
 */

#define _XOPEN_SOURCE 700

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define FD_SCAN_CAP (1L << 20)
#define MAX_SIGNAL 64
#define IO_CHUNK (64 * 1024)
#define PATTERN_PERIOD 251

#define EXIT_PROBE_FAILED 1
#define EXIT_USAGE 2
#define EXIT_WRITE_FD_FAILED 3
#define EXIT_ENV_UNSET 4
#define EXIT_SURVIVED_SIGNAL 99

static const char *const PROG = "safespawn-probe";

static unsigned char io_buffer[IO_CHUNK];
static unsigned char spew_pattern[IO_CHUNK + PATTERN_PERIOD];

/* ---------------------------------------------------------------- helpers */

_Noreturn static void fail(const char *what, int err)
{
    fprintf(stderr, "%s: %s: %s\n", PROG, what, strerror(err));
    exit(EXIT_PROBE_FAILED);
}

_Noreturn static void usage(void)
{
    fprintf(stderr,
            "usage: %s MODE [ARGS...]\n"
            "modes:\n"
            "  report [ENVNAME...] [-- ARG...]\n"
            "                        report descriptors, signals, ids, umask, cwd, env, argv\n"
            "  exit N                exit with status N (0..255)\n"
            "  kill-self SIG         send SIG to itself; exit 99 if still alive\n"
            "  cat                   copy stdin to stdout\n"
            "  spew N                write N bytes to stdout and to stderr, interleaved\n"
            "  count-stdin           print the number of bytes read from stdin\n"
            "  write-fd FD TEXT      write TEXT to descriptor FD\n"
            "  sleep                 wait until killed\n"
            "  print-env NAME        print NAME's value; exit 4 if unset\n"
            "  argv0                 print argv[0] as received\n",
            PROG);
    exit(EXIT_USAGE);
}

/* Strict decimal: digits only, no sign, no blanks, no overflow, <= max. */
static int parse_decimal(const char *s, unsigned long long max, unsigned long long *out)
{
    if (s[0] < '0' || s[0] > '9') {
        return -1;
    }
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v > max) {
        return -1;
    }
    *out = v;
    return 0;
}

static unsigned long long decimal_arg(const char *s, unsigned long long max)
{
    unsigned long long v;
    if (parse_decimal(s, max, &v) != 0) {
        fprintf(stderr, "%s: bad number: '%s'\n", PROG, s);
        usage();
    }
    return v;
}

/* Writes all of buf, retrying on EINTR and after partial writes. */
static int write_all(int fd, const unsigned char *buf, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        buf += n;
        len -= (size_t) n;
    }
    return 0;
}

/* One read, retried on EINTR. */
static ssize_t read_some(int fd, unsigned char *buf, size_t len)
{
    for (;;) {
        ssize_t n = read(fd, buf, len);
        if (n >= 0 || errno != EINTR) {
            return n;
        }
    }
}

static void flush_stdout_or_fail(void)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fail("writing stdout", errno != 0 ? errno : EIO);
    }
}

/* ----------------------------------------------------------------- report */

struct fd_entry {
    int fd;
    int fd_flags;      /* result of F_GETFD */
    const char *kind;  /* from fstat */
    unsigned long long dev, ino; /* from fstat */
    const char *access; /* from F_GETFL */
};

struct fd_list {
    struct fd_entry *items;
    size_t len;
    size_t cap;
};

static void fd_list_add(struct fd_list *list, int fd, int fd_flags)
{
    if (list->len == list->cap) {
        size_t cap = list->cap == 0 ? 64 : list->cap * 2;
        struct fd_entry *items = realloc(list->items, cap * sizeof *items);
        if (items == NULL) {
            fail("allocating descriptor list", ENOMEM);
        }
        list->items = items;
        list->cap = cap;
    }
    list->items[list->len].fd = fd;
    list->items[list->len].fd_flags = fd_flags;
    list->items[list->len].kind = "other";
    list->items[list->len].dev = 0;
    list->items[list->len].ino = 0;
    list->items[list->len].access = "r";
    list->len++;
}

static int compare_fd_entries(const void *a, const void *b)
{
    int x = ((const struct fd_entry *) a)->fd;
    int y = ((const struct fd_entry *) b)->fd;
    return (x > y) - (x < y);
}

/* Upper bound (exclusive) of the fcntl sweep. */
static long fd_scan_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0) {
        return FD_SCAN_CAP; /* a wider sweep is still a correct one */
    }
    rlim_t top = rl.rlim_cur > rl.rlim_max ? rl.rlim_cur : rl.rlim_max;
    if (top == RLIM_INFINITY || top > (rlim_t) FD_SCAN_CAP) {
        return FD_SCAN_CAP;
    }
    return (long) top;
}

/* Opens no descriptor: fcntl only. */
static void sweep_fds(struct fd_list *list, long limit)
{
    for (long fd = 0; fd < limit; fd++) {
        int flags = fcntl((int) fd, F_GETFD);
        if (flags == -1) {
            if (errno == EBADF) {
                continue;
            }
            fail("fcntl(F_GETFD)", errno);
        }
        fd_list_add(list, (int) fd, flags);
    }
}

/*
 * open(path, O_RDONLY) for use after the descriptor snapshot. If every slot
 * below the soft RLIMIT_NOFILE is taken, the soft limit is lifted to the
 * hard one just long enough to open the file, then put back.
 */
static int open_after_snapshot(const char *path, int extra_flags)
{
    int flags = O_RDONLY | O_CLOEXEC | extra_flags;
    int fd = open(path, flags);
    if (fd >= 0 || errno != EMFILE) {
        return fd;
    }
    struct rlimit saved;
    if (getrlimit(RLIMIT_NOFILE, &saved) != 0 || saved.rlim_cur >= saved.rlim_max) {
        errno = EMFILE;
        return -1;
    }
    struct rlimit raised = saved;
    raised.rlim_cur = saved.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) != 0) {
        errno = EMFILE;
        return -1;
    }
    fd = open(path, flags);
    int err = errno;
    if (setrlimit(RLIMIT_NOFILE, &saved) != 0) {
        fail("restoring RLIMIT_NOFILE", errno);
    }
    errno = err;
    return fd;
}

static DIR *open_fd_dir(void)
{
    int fd = open_after_snapshot("/proc/self/fd", O_DIRECTORY);
    if (fd < 0) {
        return NULL;
    }
    DIR *dir = fdopendir(fd);
    if (dir == NULL) {
        int err = errno;
        (void) close(fd);
        errno = err;
    }
    return dir;
}

/* Adds descriptors at or above `limit` that /proc/self/fd lists. */
static void add_fds_above_limit(struct fd_list *list, long limit)
{
    DIR *dir = open_fd_dir();
    if (dir == NULL) {
        fprintf(stderr, "%s: warning: cannot list /proc/self/fd (%s); "
                "descriptors at or above %ld were not checked\n",
                PROG, strerror(errno), limit);
        return;
    }
    int own = dirfd(dir);
    if (own < 0) {
        fail("dirfd", errno);
    }
    size_t first_extra = list->len;
    for (;;) {
        errno = 0;
        struct dirent *entry = readdir(dir);
        if (entry == NULL) {
            if (errno != 0) {
                fail("reading /proc/self/fd", errno);
            }
            break;
        }
        unsigned long long value;
        if (parse_decimal(entry->d_name, INT_MAX, &value) != 0) {
            continue; /* "." and ".." */
        }
        int fd = (int) value;
        if (fd == own || (long) fd < limit) {
            continue; /* our own listing, or already seen by the sweep */
        }
        int flags = fcntl(fd, F_GETFD);
        if (flags == -1) {
            fail("fcntl(F_GETFD) on a descriptor from /proc/self/fd", errno);
        }
        fd_list_add(list, fd, flags);
    }
    if (closedir(dir) != 0) {
        fail("closedir(/proc/self/fd)", errno);
    }
    /* The sweep's entries are below `limit` and already ascending. */
    qsort(list->items + first_extra, list->len - first_extra,
          sizeof *list->items, compare_fd_entries);
}

static const char *fd_kind(const struct stat *st)
{
    mode_t mode = st->st_mode;
    if (S_ISFIFO(mode)) {
        return "pipe";
    }
    if (S_ISSOCK(mode)) {
        return "socket";
    }
    if (S_ISREG(mode)) {
        return "file";
    }
    if (S_ISCHR(mode)) {
        return "chr";
    }
    if (S_ISDIR(mode)) {
        return "dir";
    }
    return "other";
}

/* Fills in kind, identity and access mode; opens nothing. */
static void describe_fd(struct fd_entry *entry)
{
    struct stat st;
    if (fstat(entry->fd, &st) != 0) {
        fail("fstat", errno);
    }
    entry->kind = fd_kind(&st);
    entry->dev = (unsigned long long) st.st_dev;
    entry->ino = (unsigned long long) st.st_ino;
    int status = fcntl(entry->fd, F_GETFL);
    if (status == -1) {
        fail("fcntl(F_GETFL)", errno);
    }
    int mode = status & O_ACCMODE;
    entry->access = mode == O_WRONLY ? "w" : mode == O_RDWR ? "rw" : "r";
}

/*
 * Reads one 64-bit signal mask line ("SigIgn:", "SigBlk:") from
 * /proc/self/status. Bit (sig - 1) stands for signal sig.
 */
static int read_status_mask(const char *key, unsigned long long *mask)
{
    int fd = open_after_snapshot("/proc/self/status", 0);
    if (fd < 0) {
        return -1;
    }
    FILE *f = fdopen(fd, "r");
    if (f == NULL) {
        (void) close(fd);
        return -1;
    }
    char line[256];
    size_t key_len = strlen(key);
    int found = -1;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, key, key_len) != 0) {
            continue;
        }
        char *end = NULL;
        errno = 0;
        unsigned long long v = strtoull(line + key_len, &end, 16);
        if (errno == 0 && end != line + key_len) {
            *mask = v;
            found = 0;
        }
        break;
    }
    if (fclose(f) != 0) {
        return -1;
    }
    return found;
}

struct signal_sets {
    unsigned char blocked[MAX_SIGNAL + 1];
    unsigned char ignored[MAX_SIGNAL + 1];
};

static void read_signals(struct signal_sets *sigs)
{
    sigset_t mask;
    if (sigprocmask(SIG_BLOCK, NULL, &mask) != 0) {
        fail("sigprocmask", errno);
    }
    int need_status = 0;
    unsigned char blk_unknown[MAX_SIGNAL + 1] = {0};
    unsigned char ign_unknown[MAX_SIGNAL + 1] = {0};

    for (int sig = 1; sig <= MAX_SIGNAL; sig++) {
        int member = sigismember(&mask, sig);
        if (member < 0) {
            blk_unknown[sig] = 1;
            need_status = 1;
        } else {
            sigs->blocked[sig] = (unsigned char) (member == 1);
        }

        struct sigaction old;
        memset(&old, 0, sizeof old);
        if (sigaction(sig, NULL, &old) != 0) {
            if (errno != EINVAL) {
                fail("sigaction", errno);
            }
            ign_unknown[sig] = 1; /* glibc's reserved signals */
            need_status = 1;
        } else {
            sigs->ignored[sig] = (unsigned char) (old.sa_handler == SIG_IGN);
        }
    }
    if (!need_status) {
        return;
    }
    unsigned long long blk = 0, ign = 0;
    int have_blk = read_status_mask("SigBlk:", &blk) == 0;
    int have_ign = read_status_mask("SigIgn:", &ign) == 0;
    for (int sig = 1; sig <= MAX_SIGNAL; sig++) {
        if (blk_unknown[sig]) {
            if (!have_blk) {
                fprintf(stderr, "%s: warning: cannot tell whether signal %d is blocked\n",
                        PROG, sig);
            }
            sigs->blocked[sig] = (unsigned char) (have_blk && ((blk >> (sig - 1)) & 1ULL));
        }
        if (ign_unknown[sig]) {
            if (!have_ign) {
                fprintf(stderr, "%s: warning: cannot tell whether signal %d is ignored\n",
                        PROG, sig);
            }
            sigs->ignored[sig] = (unsigned char) (have_ign && ((ign >> (sig - 1)) & 1ULL));
        }
    }
}

static char *current_dir(void)
{
    size_t size = 256;
    for (;;) {
        char *buf = malloc(size);
        if (buf == NULL) {
            fail("allocating cwd buffer", ENOMEM);
        }
        if (getcwd(buf, size) != NULL) {
            return buf;
        }
        int err = errno;
        free(buf);
        if (err != ERANGE || size >= ((size_t) 1 << 24)) {
            fail("getcwd", err);
        }
        size *= 2;
    }
}

static void put_escaped(const char *s)
{
    static const char hex[] = "0123456789abcdef";
    for (const unsigned char *p = (const unsigned char *) s; *p != '\0'; p++) {
        unsigned char c = *p;
        if (c == '\\') {
            fputs("\\\\", stdout);
        } else if (c == '\n') {
            fputs("\\n", stdout);
        } else if (c < 0x20 || c == 0x7f) {
            fputc('\\', stdout);
            fputc('x', stdout);
            fputc(hex[c >> 4], stdout);
            fputc(hex[c & 0xf], stdout);
        } else {
            fputc(c, stdout);
        }
    }
}

static void put_signal_line(const char *keyword, const unsigned char *set)
{
    fputs(keyword, stdout);
    for (int sig = 1; sig <= MAX_SIGNAL; sig++) {
        if (set[sig]) {
            printf(" %d", sig);
        }
    }
    fputc('\n', stdout);
}

static int mode_report(int argc, char **argv)
{
    /* 1. Descriptors, before anything here opens one. */
    struct fd_list fds = {NULL, 0, 0};
    long limit = fd_scan_limit();
    sweep_fds(&fds, limit);
    add_fds_above_limit(&fds, limit);
    for (size_t i = 0; i < fds.len; i++) {
        describe_fd(&fds.items[i]);
    }

    /* 2. Everything else. */
    static struct signal_sets sigs;
    read_signals(&sigs);

    pid_t pid = getpid();
    pid_t ppid = getppid();
    pid_t sid = getsid(0);
    if (sid == (pid_t) -1) {
        fail("getsid", errno);
    }
    pid_t pgid = getpgrp();
    mode_t mask = umask(0);
    (void) umask(mask);
    char *cwd = current_dir();

    /* 3. Print. */
    fputs("fds", stdout);
    for (size_t i = 0; i < fds.len; i++) {
        printf(" %d", fds.items[i].fd);
    }
    fputs("\ncloexec", stdout);
    for (size_t i = 0; i < fds.len; i++) {
        if (fds.items[i].fd_flags & FD_CLOEXEC) {
            printf(" %d", fds.items[i].fd);
        }
    }
    fputc('\n', stdout);
    put_signal_line("sigblk", sigs.blocked);
    put_signal_line("sigign", sigs.ignored);
    printf("pid %ld\n", (long) pid);
    printf("ppid %ld\n", (long) ppid);
    printf("sid %ld\n", (long) sid);
    printf("pgid %ld\n", (long) pgid);
    printf("umask %04o\n", (unsigned int) mask);
    fputs("cwd ", stdout);
    put_escaped(cwd);
    fputc('\n', stdout);
    for (int i = 2; i < argc && strcmp(argv[i], "--") != 0; i++) {
        const char *value = getenv(argv[i]);
        if (value != NULL) {
            fputs("env ", stdout);
            put_escaped(argv[i]);
            fputc('=', stdout);
            put_escaped(value);
        } else {
            fputs("noenv ", stdout);
            put_escaped(argv[i]);
        }
        fputc('\n', stdout);
    }
    for (size_t i = 0; i < fds.len; i++) {
        printf("fdinfo %d %s\n", fds.items[i].fd, fds.items[i].kind);
    }
    for (size_t i = 0; i < fds.len; i++) {
        printf("fdid %d %llu:%llu %s\n", fds.items[i].fd, fds.items[i].dev, fds.items[i].ino,
               fds.items[i].access);
    }
    for (int i = 0; i < argc; i++) {
        printf("arg %d ", i);
        put_escaped(argv[i]);
        fputc('\n', stdout);
    }
    flush_stdout_or_fail();

    free(cwd);
    free(fds.items);
    return 0;
}

/* ------------------------------------------------------------ other modes */

static int mode_kill_self(const char *arg)
{
    int sig = (int) decimal_arg(arg, MAX_SIGNAL);
    if (sig < 1) {
        fprintf(stderr, "%s: bad signal: '%s'\n", PROG, arg);
        usage();
    }
    /* A signal sent to oneself, if not blocked, is delivered before kill()
       returns; getting past this line means it was blocked, ignored or
       default-ignored (or stopped and continued). */
    if (kill(getpid(), sig) != 0) {
        fail("kill", errno);
    }
    return EXIT_SURVIVED_SIGNAL;
}

static int mode_cat(void)
{
    for (;;) {
        ssize_t n = read_some(STDIN_FILENO, io_buffer, sizeof io_buffer);
        if (n < 0) {
            fail("reading stdin", errno);
        }
        if (n == 0) {
            return 0;
        }
        if (write_all(STDOUT_FILENO, io_buffer, (size_t) n) != 0) {
            fail("writing stdout", errno);
        }
    }
}

static int mode_spew(const char *arg)
{
    unsigned long long total = decimal_arg(arg, ULLONG_MAX);
    for (size_t i = 0; i < sizeof spew_pattern; i++) {
        spew_pattern[i] = (unsigned char) (i % PATTERN_PERIOD);
    }
    /* Both streams carry the same bytes: for offset `done`, the pattern
       continues at done % 251. */
    unsigned long long done = 0;
    while (done < total) {
        unsigned long long left = total - done;
        size_t len = left < IO_CHUNK ? (size_t) left : IO_CHUNK;
        const unsigned char *chunk = spew_pattern + (size_t) (done % PATTERN_PERIOD);
        if (write_all(STDOUT_FILENO, chunk, len) != 0) {
            fail("writing stdout", errno);
        }
        if (write_all(STDERR_FILENO, chunk, len) != 0) {
            fail("writing stderr", errno);
        }
        done += len;
    }
    return 0;
}

static int mode_count_stdin(void)
{
    unsigned long long count = 0;
    for (;;) {
        ssize_t n = read_some(STDIN_FILENO, io_buffer, sizeof io_buffer);
        if (n < 0) {
            fail("reading stdin", errno);
        }
        if (n == 0) {
            break;
        }
        count += (unsigned long long) n;
    }
    printf("%llu\n", count);
    flush_stdout_or_fail();
    return 0;
}

static int mode_write_fd(const char *fd_arg, const char *text)
{
    int fd = (int) decimal_arg(fd_arg, INT_MAX);
    size_t len = strlen(text);
    int rc;
    if (len == 0) {
        /* Still make one call, so a closed or read-only descriptor fails. */
        do {
            rc = (int) write(fd, text, 0);
        } while (rc < 0 && errno == EINTR);
    } else {
        rc = write_all(fd, (const unsigned char *) text, len);
    }
    if (rc < 0) {
        fprintf(stderr, "errno %d\n", errno);
        return EXIT_WRITE_FD_FAILED;
    }
    return 0;
}

_Noreturn static void mode_sleep(void)
{
    for (;;) {
        pause(); /* returns only after a caught signal; there are none */
    }
}

static int mode_print_env(const char *name)
{
    const char *value = getenv(name);
    if (value == NULL) {
        return EXIT_ENV_UNSET;
    }
    if (fputs(value, stdout) == EOF || fputc('\n', stdout) == EOF) {
        fail("writing stdout", errno != 0 ? errno : EIO);
    }
    flush_stdout_or_fail();
    return 0;
}

static int mode_argv0(const char *argv0)
{
    if (fputs(argv0, stdout) == EOF || fputc('\n', stdout) == EOF) {
        fail("writing stdout", errno != 0 ? errno : EIO);
    }
    flush_stdout_or_fail();
    return 0;
}

/* ------------------------------------------------------------------- main */

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage();
    }
    const char *mode = argv[1];
    int nargs = argc - 2;

    if (strcmp(mode, "report") == 0) {
        return mode_report(argc, argv);
    }
    if (strcmp(mode, "exit") == 0 && nargs == 1) {
        return (int) decimal_arg(argv[2], 255);
    }
    if (strcmp(mode, "kill-self") == 0 && nargs == 1) {
        return mode_kill_self(argv[2]);
    }
    if (strcmp(mode, "cat") == 0 && nargs == 0) {
        return mode_cat();
    }
    if (strcmp(mode, "spew") == 0 && nargs == 1) {
        return mode_spew(argv[2]);
    }
    if (strcmp(mode, "count-stdin") == 0 && nargs == 0) {
        return mode_count_stdin();
    }
    if (strcmp(mode, "write-fd") == 0 && nargs == 2) {
        return mode_write_fd(argv[2], argv[3]);
    }
    if (strcmp(mode, "sleep") == 0 && nargs == 0) {
        mode_sleep();
    }
    if (strcmp(mode, "print-env") == 0 && nargs == 1) {
        return mode_print_env(argv[2]);
    }
    if (strcmp(mode, "argv0") == 0 && nargs == 0) {
        return mode_argv0(argv[0]);
    }
    usage();
    return EXIT_USAGE;
}
