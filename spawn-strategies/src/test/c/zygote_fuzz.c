/*
 * zygote_fuzz: a fuzz harness for ssz_decode_spawn (zygote_decode.c), the
 * zygote server's decoder of SPAWN requests, which reads bytes another
 * process chose.
 *
 * Usage: zygote_fuzz ITERATIONS SEED
 *
 * 1. Builds a few valid SPAWN payloads by the layout of zygote_protocol.h
 *    (struct ssz_spawn_fixed, int32 fd_to[], struct ssz_rlimit[], then the
 *    strings path, dir, argv..., envp...) and checks that the decoder accepts
 *    each with exactly the expected fields, and refuses each truncated at
 *    every length, extended by a byte, or announced with the wrong number of
 *    descriptors.
 * 2. For ITERATIONS rounds, mutates a copy of one of them (byte flips,
 *    truncation, extension, interesting values in the fixed part, huge
 *    strings_len, lost or added NULs, random descriptor counts 0..70) or
 *    makes one from scratch, and decodes it from a heap buffer of exactly the
 *    message's length, so that AddressSanitizer catches any read outside it.
 *    Every result is checked against an independent statement of the rules
 *    (oracle below): acceptance and refusal must agree, an accepted message's
 *    pointers must all lie inside the buffer with their NUL inside it too,
 *    and the error must be one the decoder documents.
 *
 * Deterministic: the same ITERATIONS and SEED give the same inputs (xorshift).
 * Prints "zygote_fuzz: ... N passed, F failed" and exits 0 when nothing
 * failed, 1 when a check failed (the first failures are described on
 * stderr, with the input in hex), 2 for bad arguments. A sanitizer finding
 * aborts the run with the sanitizer's report.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "child_setup.h"
#include "zygote_decode.h"
#include "zygote_protocol.h"

#define FIXED_SIZE sizeof(struct ssz_spawn_fixed)
#define MAX_REPORTED_FAILURES 10

static uint64_t rng_state;
static unsigned long long passed;
static unsigned long long failed;
static unsigned long long accepted;
static unsigned long long refused;

/* ---- deterministic randomness ---------------------------------------- */

static uint64_t next_random(void)
{
    /* xorshift64* */
    uint64_t x = rng_state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    rng_state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

/* Uniform enough in [0, n) for a fuzzer; n > 0. */
static uint64_t below(uint64_t n)
{
    return next_random() % n;
}

static int chance(unsigned percent)
{
    return below(100) < percent;
}

/* ---- reporting ---------------------------------------------------------- */

static void dump_input(const unsigned char *buf, size_t len, int nfds)
{
    fprintf(stderr, "  input: %zu bytes, nfds %d:", len, nfds);
    size_t shown = len < 512 ? len : 512;
    for (size_t i = 0; i < shown; i++) {
        fprintf(stderr, "%s%02x", i % 32 == 0 ? "\n    " : " ", buf[i]);
    }
    fprintf(stderr, "%s\n", shown < len ? "\n    ..." : "");
}

/* Records one check; describes the first failures on stderr. */
static int check(int ok, const char *what, const unsigned char *buf, size_t len, int nfds, const char *fmt, ...)
{
    if (ok) {
        passed++;
        return 1;
    }
    failed++;
    if (failed <= MAX_REPORTED_FAILURES) {
        fprintf(stderr, "FAILED: %s: ", what);
        va_list ap;
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fprintf(stderr, "\n");
        if (buf != NULL) {
            dump_input(buf, len, nfds);
        }
    }
    return 0;
}

/* ---- building valid payloads --------------------------------------------- */

struct spec {
    const char *name;
    int32_t flags;
    int32_t pgid;
    int32_t umask_value;
    int32_t close_method;
    int32_t fd_count;
    int32_t fd_to[SSZ_MAX_FDS];
    int32_t rlimit_count;
    struct ssz_rlimit rlimits[SSZ_MAX_RLIMITS];
    const char *path;
    const char *dir;        /* "" for none */
    int32_t argc;
    const char *argv[80];
    int32_t envc;
    const char *envp[80];
};

struct sample {
    const struct spec *spec;
    unsigned char *bytes;
    size_t len;
};

static void put(unsigned char *buf, size_t *at, const void *data, size_t n)
{
    memcpy(buf + *at, data, n);
    *at += n;
}

/* The payload for s, malloc'd; its length in *len. */
static unsigned char *build(const struct spec *s, size_t *len)
{
    size_t strings_len = strlen(s->path) + 1 + strlen(s->dir) + 1;
    for (int32_t i = 0; i < s->argc; i++) {
        strings_len += strlen(s->argv[i]) + 1;
    }
    for (int32_t i = 0; i < s->envc; i++) {
        strings_len += strlen(s->envp[i]) + 1;
    }
    size_t total = FIXED_SIZE + (size_t) s->fd_count * sizeof(int32_t)
                   + (size_t) s->rlimit_count * sizeof(struct ssz_rlimit) + strings_len;
    unsigned char *buf = malloc(total);
    if (buf == NULL) {
        perror("zygote_fuzz: malloc");
        exit(2);
    }
    struct ssz_spawn_fixed f = {
        .flags = s->flags, .pgid = s->pgid, .umask_value = s->umask_value, .close_method = s->close_method,
        .fd_count = s->fd_count, .rlimit_count = s->rlimit_count, .argc = s->argc, .envc = s->envc,
        .strings_len = (uint32_t) strings_len, .reserved = 0,
    };
    size_t at = 0;
    put(buf, &at, &f, sizeof f);
    put(buf, &at, s->fd_to, (size_t) s->fd_count * sizeof(int32_t));
    put(buf, &at, s->rlimits, (size_t) s->rlimit_count * sizeof(struct ssz_rlimit));
    put(buf, &at, s->path, strlen(s->path) + 1);
    put(buf, &at, s->dir, strlen(s->dir) + 1);
    for (int32_t i = 0; i < s->argc; i++) {
        put(buf, &at, s->argv[i], strlen(s->argv[i]) + 1);
    }
    for (int32_t i = 0; i < s->envc; i++) {
        put(buf, &at, s->envp[i], strlen(s->envp[i]) + 1);
    }
    if (at != total) {
        fprintf(stderr, "zygote_fuzz: internal error building %s\n", s->name);
        exit(2);
    }
    *len = total;
    return buf;
}

/* ---- the oracle: the rules of zygote_protocol.h and zygote_decode.h, stated
 * independently of the decoder. Returns 1 if the payload must be accepted. */

static int32_t field(const unsigned char *p, size_t offset)
{
    int32_t v;
    memcpy(&v, p + offset, sizeof v);
    return v;
}

static int oracle_valid(const unsigned char *p, size_t len, int nfds)
{
    if (len < FIXED_SIZE) {
        return 0;
    }
    struct ssz_spawn_fixed f;
    memcpy(&f, p, sizeof f);
    if (f.fd_count < 0 || f.fd_count > SSZ_MAX_FDS || f.fd_count != nfds) {
        return 0;
    }
    if (f.rlimit_count < 0 || f.rlimit_count > SSZ_MAX_RLIMITS || f.argc < 1 || f.envc < 0 || f.reserved != 0) {
        return 0;
    }
    if ((f.flags & ~(SS_NEW_SESSION | SS_SET_PGID | SS_SET_UMASK | SS_KILL_ON_PARENT_DEATH | SSZ_SPAWN_TREE)) != 0) {
        return 0;
    }
    if (f.close_method < SS_CLOSE_AUTO || f.close_method > SS_CLOSE_BRUTE_FORCE) {
        return 0;
    }
    /* The sections must fill the message exactly (64-bit arithmetic: no overflow). */
    uint64_t fds_at = FIXED_SIZE;
    uint64_t rlimits_at = fds_at + 4u * (uint64_t) f.fd_count;
    uint64_t strings_at = rlimits_at + 24u * (uint64_t) f.rlimit_count;
    if (strings_at + f.strings_len != len) {
        return 0;
    }
    for (int32_t i = 0; i < f.fd_count; i++) {
        int32_t to = field(p, fds_at + 4u * (uint64_t) i);
        if (to < 0) {
            return 0;
        }
        for (int32_t j = i + 1; j < f.fd_count; j++) {
            if (field(p, fds_at + 4u * (uint64_t) j) == to) {
                return 0;
            }
        }
    }
    for (int32_t i = 0; i < f.rlimit_count; i++) {
        int32_t resource = field(p, rlimits_at + 24u * (uint64_t) i);
        int32_t reserved = field(p, rlimits_at + 24u * (uint64_t) i + 4);
        if (resource < 0 || resource > 15 || reserved != 0) {
            return 0;
        }
    }
    /* Strings: exactly 2 + argc + envc terminated strings, the last NUL the
     * section's last byte, and a non-empty path. */
    if (f.strings_len == 0 || p[len - 1] != '\0' || p[strings_at] == '\0') {
        return 0;
    }
    uint64_t nuls = 0;
    for (uint64_t i = strings_at; i < len; i++) {
        nuls += p[i] == '\0';
    }
    return nuls == 2u + (uint64_t) f.argc + (uint64_t) f.envc;
}

/* ---- decoding one input ---------------------------------------------------- */

/* Whether s lies in [lo, hi) with its NUL before hi. */
static int string_inside(const char *s, const unsigned char *lo, const unsigned char *hi)
{
    const unsigned char *u = (const unsigned char *) s;
    return s != NULL && u >= lo && u < hi && memchr(s, '\0', (size_t) (hi - u)) != NULL;
}

/* Decodes input[0..len) from a heap copy of exactly len bytes and checks the
 * outcome. Returns the decoder's result. */
static int decode_checked(const char *what, const unsigned char *input, size_t len, int nfds)
{
    unsigned char *buf = malloc(len); /* a 0-byte block for len 0: nothing readable at all */
    if (buf == NULL && len > 0) {
        perror("zygote_fuzz: malloc");
        exit(2);
    }
    if (len > 0) {
        memcpy(buf, input, len);
    }
    const unsigned char *end = buf + len;
    struct ssz_spawn s;
    memset(&s, 0xa5, sizeof s); /* the decoder must set what it returns */
    int rc = ssz_decode_spawn(buf, len, nfds, &s);
    int expected = oracle_valid(input, len, nfds);
    if (rc == 0) {
        accepted++;
        check(expected, what, input, len, nfds, "accepted a message the protocol rules refuse");
        const struct ssz_spawn_fixed *f = s.fixed;
        int ok = check((const unsigned char *) f == buf, what, input, len, nfds, "fixed does not point at the message");
        if (ok) { /* whatever the oracle says, nothing accepted may point outside the message */
            check(s.fd_to != NULL && (const unsigned char *) s.fd_to >= buf
                          && (const unsigned char *) (s.fd_to + f->fd_count) <= end,
                  what, input, len, nfds, "fd_to outside the message");
            check(string_inside(s.path, buf, end) && s.path[0] != '\0', what, input, len, nfds,
                  "path outside the message, unterminated, or empty");
            check(s.dir == NULL || (string_inside(s.dir, buf, end) && s.dir[0] != '\0'), what, input, len, nfds,
                  "dir outside the message, unterminated, or empty instead of NULL");
            int argv_ok = s.argv != NULL;
            for (int32_t i = 0; argv_ok && i < f->argc; i++) {
                argv_ok = string_inside(s.argv[i], buf, end);
            }
            check(argv_ok && s.argv[f->argc] == NULL, what, input, len, nfds,
                  "argv has a pointer outside the message, an unterminated string, or no NULL at argc");
            int envp_ok = s.envp != NULL;
            for (int32_t i = 0; envp_ok && i < f->envc; i++) {
                envp_ok = string_inside(s.envp[i], buf, end);
            }
            check(envp_ok && s.envp[f->envc] == NULL, what, input, len, nfds,
                  "envp has a pointer outside the message, an unterminated string, or no NULL at envc");
            int rl_ok = 1;
            for (int32_t i = 0; i < f->rlimit_count; i++) {
                struct ssz_rlimit r;
                memcpy(&r, buf + FIXED_SIZE + (size_t) f->fd_count * 4 + (size_t) i * sizeof r, sizeof r);
                rl_ok &= s.rlimit_resource[i] == r.resource && s.rlimit_soft[i] == r.soft
                         && s.rlimit_hard[i] == r.hard;
            }
            check(rl_ok, what, input, len, nfds, "rlimits decoded wrongly");
            /* The last string ends on the message's last byte. */
            if (argv_ok && envp_ok && f->argc >= 1 && f->envc >= 0) {
                const char *last = f->envc > 0 ? s.envp[f->envc - 1] : s.argv[f->argc - 1];
                check(last + strlen(last) + 1 == (const char *) end, what, input, len, nfds,
                      "the strings do not end where the message does");
            }
        }
        ssz_spawn_free(&s);
        check(s.argv == NULL && s.envp == NULL, what, input, len, nfds, "ssz_spawn_free left pointers set");
    } else {
        refused++;
        check(!expected, what, input, len, nfds, "refused (error %d) a message the protocol rules accept", rc);
        check(rc == EBADMSG || rc == E2BIG || rc == ENOMEM, what, input, len, nfds,
              "returned %d, not EBADMSG, E2BIG or ENOMEM", rc);
        /* "leaves nothing to free": nothing allocated must be left behind
         * (LeakSanitizer checks at exit); the pointers must not be garbage. */
        check(s.argv == NULL && s.envp == NULL, what, input, len, nfds,
              "a refusal left argv or envp set (error %d)", rc);
    }
    free(buf);
    return rc;
}

/* ---- the valid samples ------------------------------------------------------ */

static char big_arg[100 * 1024];
static char *many_env[80];

static struct spec specs[] = {
    {
        .name = "minimal", .close_method = SS_CLOSE_AUTO,
        .path = "/bin/true", .dir = "", .argc = 1, .argv = { "true" }, .envc = 0,
    },
    {
        .name = "typical", .flags = SS_NEW_SESSION | SS_SET_UMASK, .umask_value = 022,
        .close_method = SS_CLOSE_RANGE, .fd_count = 3, .fd_to = { 3, 7, 5 }, .rlimit_count = 2,
        .rlimits = { { 7, 0, 64, 128 }, { 4, 0, 0, 0 } },
        .path = "/usr/bin/env", .dir = "/tmp", .argc = 3, .argv = { "env", "-i", "A=B" },
        .envc = 2, .envp = { "X=1", "PATH=/bin:/usr/bin" },
    },
    {
        .name = "empty strings", .flags = SS_SET_PGID, .pgid = 0, .close_method = SS_CLOSE_PROC_SCAN,
        .fd_count = 1, .fd_to = { 0 },
        .path = "p", .dir = "", .argc = 3, .argv = { "", "", "" }, .envc = 2, .envp = { "", "" },
    },
    {
        /* every limit at its maximum: 64 descriptors, 16 rlimits, all flags */
        .name = "maximal", .flags = SS_NEW_SESSION | SS_SET_PGID | SS_SET_UMASK | SS_KILL_ON_PARENT_DEATH
                                     | SSZ_SPAWN_TREE,
        .pgid = 12345, .umask_value = 0777, .close_method = SS_CLOSE_BRUTE_FORCE, .fd_count = SSZ_MAX_FDS,
        .rlimit_count = SSZ_MAX_RLIMITS, .path = "/bin/sh", .dir = "/", .argc = 2, .argv = { "sh", "-c" },
    },
    {
        /* one 100 KiB argument: the decoder's string scan over a long run */
        .name = "big argument", .close_method = SS_CLOSE_AUTO, .path = "/bin/echo", .dir = "/var",
        .argc = 2, .argv = { "echo", big_arg }, .envc = 1, .envp = { "LANG=C" },
    },
};
#define SPEC_COUNT (sizeof specs / sizeof specs[0])
#define BIG_SPEC 4

static void init_specs(void)
{
    struct spec *maximal = &specs[3];
    for (int i = 0; i < SSZ_MAX_FDS; i++) {
        maximal->fd_to[i] = SSZ_MAX_FDS - 1 - i;
    }
    for (int i = 0; i < SSZ_MAX_RLIMITS; i++) {
        maximal->rlimits[i] = (struct ssz_rlimit) { i, 0, (uint64_t) i << 20, UINT64_MAX };
    }
    maximal->envc = 70;
    for (int i = 0; i < 70; i++) {
        char tmp[32];
        snprintf(tmp, sizeof tmp, "VARIABLE_%d=%d", i, i * 7);
        many_env[i] = strdup(tmp);
        maximal->envp[i] = many_env[i];
    }
    memset(big_arg, 'x', sizeof big_arg - 1);
    big_arg[sizeof big_arg - 1] = '\0';
}

/* The valid samples decode to exactly what was put in. */
static void check_valid(const struct sample *sm)
{
    const struct spec *sp = sm->spec;
    const char *what = sp->name;
    struct ssz_spawn s;
    int rc = ssz_decode_spawn(sm->bytes, sm->len, sp->fd_count, &s);
    if (!check(rc == 0, what, sm->bytes, sm->len, sp->fd_count, "valid payload refused with %d", rc)) {
        return;
    }
    check(oracle_valid(sm->bytes, sm->len, sp->fd_count), what, NULL, 0, 0, "the oracle refuses a valid payload");
    check(strcmp(s.path, sp->path) == 0, what, NULL, 0, 0, "path \"%s\", expected \"%s\"", s.path, sp->path);
    if (sp->dir[0] == '\0') {
        check(s.dir == NULL, what, NULL, 0, 0, "dir \"%s\", expected none", s.dir);
    } else {
        check(s.dir != NULL && strcmp(s.dir, sp->dir) == 0, what, NULL, 0, 0, "dir differs from \"%s\"", sp->dir);
    }
    int argv_ok = 1;
    for (int32_t i = 0; i < sp->argc; i++) {
        argv_ok &= s.argv[i] != NULL && strcmp(s.argv[i], sp->argv[i]) == 0;
    }
    check(argv_ok && s.argv[sp->argc] == NULL, what, NULL, 0, 0, "argv differs");
    int envp_ok = 1;
    for (int32_t i = 0; i < sp->envc; i++) {
        envp_ok &= s.envp[i] != NULL && strcmp(s.envp[i], sp->envp[i]) == 0;
    }
    check(envp_ok && s.envp[sp->envc] == NULL, what, NULL, 0, 0, "envp differs");
    int fds_ok = 1;
    for (int32_t i = 0; i < sp->fd_count; i++) {
        fds_ok &= s.fd_to[i] == sp->fd_to[i];
    }
    check(fds_ok, what, NULL, 0, 0, "fd_to differs");
    int rl_ok = 1;
    for (int32_t i = 0; i < sp->rlimit_count; i++) {
        rl_ok &= s.rlimit_resource[i] == sp->rlimits[i].resource && s.rlimit_soft[i] == sp->rlimits[i].soft
                 && s.rlimit_hard[i] == sp->rlimits[i].hard;
    }
    check(rl_ok, what, NULL, 0, 0, "rlimits differ");
    check(s.fixed->flags == sp->flags && s.fixed->pgid == sp->pgid && s.fixed->umask_value == sp->umask_value
                  && s.fixed->close_method == sp->close_method,
          what, NULL, 0, 0, "fixed fields differ");
    ssz_spawn_free(&s);
    check(s.argv == NULL && s.envp == NULL, what, NULL, 0, 0, "ssz_spawn_free left pointers set");

    /* Through the checked path too (exact-size heap copy, oracle agreement). */
    decode_checked(what, sm->bytes, sm->len, sp->fd_count);
    /* Announced with the wrong number of descriptors. */
    for (int nfds = 0; nfds <= 70; nfds++) {
        if (nfds != sp->fd_count) {
            check(decode_checked(what, sm->bytes, sm->len, nfds) != 0, what, NULL, 0, 0,
                  "accepted with %d descriptors attached instead of %d", nfds, sp->fd_count);
        }
    }
    /* Truncated at every length: the sections no longer add up. (For the
     * 100 KiB sample: every length in its first and last 4 KiB, and a stride
     * between, since each decode copies the message.) */
    for (size_t len = 0; len < sm->len; len += (len < 4096 || len + 4096 >= sm->len) ? 1 : 997) {
        check(decode_checked(what, sm->bytes, len, sp->fd_count) != 0, what, NULL, 0, 0,
              "accepted when truncated to %zu of %zu bytes", len, sm->len);
    }
    /* One byte too many, NUL or not. */
    unsigned char *longer = malloc(sm->len + 1);
    memcpy(longer, sm->bytes, sm->len);
    longer[sm->len] = '\0';
    check(decode_checked(what, longer, sm->len + 1, sp->fd_count) != 0, what, NULL, 0, 0,
          "accepted with a trailing NUL byte");
    longer[sm->len] = 'z';
    check(decode_checked(what, longer, sm->len + 1, sp->fd_count) != 0, what, NULL, 0, 0,
          "accepted with a trailing byte");
    free(longer);
}

/* Single-field corruptions of a valid sample that the rules refuse, each
 * checked on its own (the random rounds hit some of them only rarely). */
static void check_targeted_refusals(const struct sample *sm)
{
    const struct spec *sp = sm->spec;
    unsigned char *p = malloc(sm->len);
    struct {
        size_t offset;
        int32_t value;
        const char *what;
    } cases[] = {
        { offsetof(struct ssz_spawn_fixed, flags), SS_TEST_LEAD_GROUP_FIRST, "test-only flag" },
        { offsetof(struct ssz_spawn_fixed, flags), INT32_MIN, "unknown flag bit 31" },
        { offsetof(struct ssz_spawn_fixed, close_method), -1, "close_method -1" },
        { offsetof(struct ssz_spawn_fixed, close_method), SS_CLOSE_BRUTE_FORCE + 1, "close_method 4" },
        { offsetof(struct ssz_spawn_fixed, fd_count), -1, "fd_count -1" },
        { offsetof(struct ssz_spawn_fixed, fd_count), INT32_MIN, "fd_count INT32_MIN" },
        { offsetof(struct ssz_spawn_fixed, fd_count), SSZ_MAX_FDS + 1, "fd_count 65" },
        { offsetof(struct ssz_spawn_fixed, rlimit_count), -1, "rlimit_count -1" },
        { offsetof(struct ssz_spawn_fixed, rlimit_count), SSZ_MAX_RLIMITS + 1, "rlimit_count 17" },
        { offsetof(struct ssz_spawn_fixed, rlimit_count), INT32_MAX, "rlimit_count INT32_MAX" },
        { offsetof(struct ssz_spawn_fixed, argc), 0, "argc 0" },
        { offsetof(struct ssz_spawn_fixed, argc), -1, "argc -1" },
        { offsetof(struct ssz_spawn_fixed, argc), INT32_MAX, "argc INT32_MAX" },
        { offsetof(struct ssz_spawn_fixed, argc), INT32_MIN, "argc INT32_MIN" },
        { offsetof(struct ssz_spawn_fixed, envc), -1, "envc -1" },
        { offsetof(struct ssz_spawn_fixed, envc), INT32_MAX, "envc INT32_MAX" },
        { offsetof(struct ssz_spawn_fixed, envc), INT32_MIN, "envc INT32_MIN" },
        { offsetof(struct ssz_spawn_fixed, strings_len), -1, "strings_len 0xffffffff" },
        { offsetof(struct ssz_spawn_fixed, strings_len), INT32_MIN, "strings_len 0x80000000" },
        { offsetof(struct ssz_spawn_fixed, strings_len), 0, "strings_len 0" },
        { offsetof(struct ssz_spawn_fixed, reserved), 1, "reserved 1" },
        { FIXED_SIZE, -1, "fd_to[0] -1" },
        { FIXED_SIZE, INT32_MIN, "fd_to[0] INT32_MIN" },
        { FIXED_SIZE + 4, 3, "fd_to[1] equal to fd_to[0]" },
        { FIXED_SIZE + 12, -1, "rlimit resource -1" },
        { FIXED_SIZE + 12, 16, "rlimit resource 16" },
        { FIXED_SIZE + 16, 1, "rlimit reserved 1" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        memcpy(p, sm->bytes, sm->len);
        memcpy(p + cases[i].offset, &cases[i].value, sizeof cases[i].value);
        check(decode_checked(cases[i].what, p, sm->len, sp->fd_count) != 0, cases[i].what, p, sm->len,
              sp->fd_count, "accepted");
    }
    /* The strings: empty path, a lost last NUL, an extra NUL, one string too many or too few. */
    size_t strings = sm->len - (FIXED_SIZE + 3 * 4 + 2 * sizeof(struct ssz_rlimit));
    const char *what[] = { "empty path", "last NUL lost", "NUL inside the last string", "argc one more",
                           "envc one fewer" };
    for (int c = 0; c < 5; c++) {
        memcpy(p, sm->bytes, sm->len);
        struct ssz_spawn_fixed f;
        memcpy(&f, p, sizeof f);
        switch (c) {
        case 0:
            p[sm->len - f.strings_len] = '\0';
            break;
        case 1:
            p[sm->len - 1] = 'x';
            break;
        case 2:
            p[sm->len - 3] = '\0';
            break;
        case 3:
            f.argc++;
            break;
        default:
            f.envc--;
            break;
        }
        if (c >= 3) {
            memcpy(p, &f, sizeof f);
        }
        check(f.strings_len == strings, what[c], NULL, 0, 0, "the typical sample's layout is not as assumed");
        check(decode_checked(what[c], p, sm->len, sp->fd_count) != 0, what[c], p, sm->len, sp->fd_count, "accepted");
    }
    free(p);
}

/* ---- mutations ---------------------------------------------------------- */

static const int32_t interesting[] = {
    INT32_MIN, INT32_MIN + 1, -65536, -2, -1, 0, 1, 2, 3, 4, 15, 16, 17, 63, 64, 65, 127, 128, 255, 256,
    4095, 4096, 65535, 65536, 131072, INT32_MAX - 1, INT32_MAX,
};
#define INTERESTING_COUNT (sizeof interesting / sizeof interesting[0])

static int32_t interesting_value(size_t len)
{
    switch (below(4)) {
    case 0:
        return (int32_t) next_random();
    case 1: /* near the message's own length */
        return (int32_t) len + (int32_t) below(9) - 4;
    default:
        return interesting[below(INTERESTING_COUNT)];
    }
}

static void set_field(unsigned char *p, size_t len, size_t index, int32_t value)
{
    if (index * 4 + 4 <= len) {
        memcpy(p + index * 4, &value, sizeof value);
    }
}

/* Where the strings section starts by the fixed part's counts, or len if unknown. */
static size_t strings_start(const unsigned char *p, size_t len)
{
    if (len < FIXED_SIZE) {
        return len;
    }
    struct ssz_spawn_fixed f;
    memcpy(&f, p, sizeof f);
    if (f.fd_count < 0 || f.fd_count > SSZ_MAX_FDS || f.rlimit_count < 0 || f.rlimit_count > SSZ_MAX_RLIMITS) {
        return len;
    }
    size_t at = FIXED_SIZE + (size_t) f.fd_count * 4 + (size_t) f.rlimit_count * sizeof(struct ssz_rlimit);
    return at < len ? at : len;
}

/* Makes strings_len agree with the length, so the decoder reaches the strings. */
static void fix_strings_len(unsigned char *p, size_t len)
{
    size_t at = strings_start(p, len);
    if (len >= FIXED_SIZE) {
        uint32_t sl = (uint32_t) (len - at);
        memcpy(p + offsetof(struct ssz_spawn_fixed, strings_len), &sl, sizeof sl);
    }
}

/* Counts the NULs of the strings section and sets argc, envc to match (or nearly). */
static void fix_counts(unsigned char *p, size_t len)
{
    if (len < FIXED_SIZE) {
        return;
    }
    size_t at = strings_start(p, len);
    int32_t nuls = 0;
    for (size_t i = at; i < len; i++) {
        nuls += p[i] == '\0';
    }
    int32_t strings = nuls - 2 + (int32_t) below(3) - 1; /* sometimes one off */
    int32_t argc = strings > 1 ? 1 + (int32_t) below((uint64_t) strings) : 1;
    int32_t envc = strings - argc;
    memcpy(p + offsetof(struct ssz_spawn_fixed, argc), &argc, sizeof argc);
    memcpy(p + offsetof(struct ssz_spawn_fixed, envc), &envc, sizeof envc);
}

/* One random mutation of work[0..*len), capacity cap. */
static void mutate_once(unsigned char *work, size_t *len, size_t cap, int *nfds)
{
    size_t n = *len;
    switch (below(12)) {
    case 0: /* flip bits */
    case 1: {
        int flips = 1 + (int) below(8);
        for (int i = 0; i < flips && n > 0; i++) {
            work[below(n)] ^= (unsigned char) (1u << below(8));
        }
        break;
    }
    case 2: /* random bytes, biased to the fixed part and sections */
        for (int i = 0, k = 1 + (int) below(4); i < k && n > 0; i++) {
            size_t limit = chance(60) && n > 64 ? 64 + FIXED_SIZE : n;
            work[below(limit < n ? limit : n)] = (unsigned char) next_random();
        }
        break;
    case 3: /* truncate */
        *len = n == 0 ? 0 : below(n + 1);
        if (chance(50)) {
            fix_strings_len(work, *len);
        }
        break;
    case 4: { /* extend with random bytes or NULs */
        size_t more = 1 + below(chance(90) ? 16 : 4096);
        if (n + more > cap) {
            more = cap - n;
        }
        for (size_t i = 0; i < more; i++) {
            work[n + i] = chance(30) ? 0 : (unsigned char) next_random();
        }
        *len = n + more;
        if (chance(50)) {
            fix_strings_len(work, *len);
        }
        break;
    }
    case 5: /* an interesting value in a field of the fixed part */
    case 6:
        set_field(work, n, below(FIXED_SIZE / 4), interesting_value(n));
        break;
    case 7: { /* a huge or near-miss strings_len */
        static const uint32_t huge[] = { 0, 1, 2, 3, 0x7fffffffu, 0x80000000u, 0xfffffffeu, 0xffffffffu,
                                         SSZ_MAX_MESSAGE, SSZ_MAX_MESSAGE + 1 };
        uint32_t v = chance(50) ? huge[below(sizeof huge / sizeof huge[0])] : (uint32_t) next_random();
        if (chance(30) && n >= FIXED_SIZE) {
            size_t at = strings_start(work, n);
            v = (uint32_t) (n - at) + (uint32_t) below(5) - 2; /* off by up to two */
        }
        set_field(work, n, offsetof(struct ssz_spawn_fixed, strings_len) / 4, (int32_t) v);
        break;
    }
    case 8: { /* lose NULs: one, the last, or all in the strings section */
        size_t at = strings_start(work, n);
        int how = (int) below(3);
        for (size_t i = n; i > at; i--) {
            if (work[i - 1] == '\0') {
                if (how == 0 && !chance(30)) {
                    continue;
                }
                work[i - 1] = (unsigned char) ('A' + below(26));
                if (how != 2) {
                    break;
                }
            }
        }
        break;
    }
    case 9: { /* add NULs in the strings section */
        size_t at = strings_start(work, n);
        for (int i = 0, k = 1 + (int) below(3); i < k && n > at; i++) {
            work[at + below(n - at)] = '\0';
        }
        break;
    }
    case 10: /* counts made to agree with the NULs, so the string scan runs to the end */
        fix_strings_len(work, n);
        fix_counts(work, n);
        break;
    default: /* a random descriptor count */
        *nfds = (int) below(71);
        break;
    }
}

/* A message made from scratch: a plausible fixed part, random sections. */
static size_t from_scratch(unsigned char *work, size_t cap, int *nfds)
{
    if (chance(20)) { /* plain noise */
        size_t n = below(chance(90) ? 200 : 2048);
        for (size_t i = 0; i < n; i++) {
            work[i] = (unsigned char) next_random();
        }
        *nfds = (int) below(71);
        return n;
    }
    struct ssz_spawn_fixed f = { 0 };
    f.flags = chance(80) ? (int32_t) below(16) : interesting_value(0);
    f.close_method = chance(80) ? (int32_t) below(4) : interesting_value(0);
    f.fd_count = chance(90) ? (int32_t) below(SSZ_MAX_FDS + 3) : interesting_value(0);
    f.rlimit_count = chance(90) ? (int32_t) below(SSZ_MAX_RLIMITS + 3) : interesting_value(0);
    f.reserved = chance(95) ? 0 : interesting_value(0);
    size_t n = FIXED_SIZE;
    int32_t fds = f.fd_count >= 0 && f.fd_count <= SSZ_MAX_FDS + 2 ? f.fd_count : 0;
    for (int32_t i = 0; i < fds; i++) {
        int32_t to = chance(95) ? (int32_t) below(200) : interesting_value(0);
        memcpy(work + n, &to, 4);
        n += 4;
    }
    int32_t rls = f.rlimit_count >= 0 && f.rlimit_count <= SSZ_MAX_RLIMITS + 2 ? f.rlimit_count : 0;
    for (int32_t i = 0; i < rls; i++) {
        struct ssz_rlimit r = { chance(95) ? (int32_t) below(17) : interesting_value(0), chance(95) ? 0 : 1,
                                next_random(), next_random() };
        memcpy(work + n, &r, sizeof r);
        n += sizeof r;
    }
    size_t strings = 1 + below(chance(95) ? 64 : 4096);
    if (n + strings > cap) {
        strings = cap - n;
    }
    unsigned nul_percent = 5 + (unsigned) below(60);
    for (size_t i = 0; i < strings; i++) {
        work[n + i] = chance(nul_percent) ? 0 : (unsigned char) (1 + below(255));
    }
    if (chance(80)) {
        work[n + strings - 1] = 0;
    }
    n += strings;
    f.strings_len = (uint32_t) strings;
    memcpy(work, &f, sizeof f);
    fix_counts(work, n);
    if (chance(10)) {
        set_field(work, n, offsetof(struct ssz_spawn_fixed, strings_len) / 4, interesting_value(n));
    }
    *nfds = chance(85) ? f.fd_count : (int) below(71);
    return n;
}

int main(int argc, char **argv)
{
    char *end;
    if (argc != 3) {
        fprintf(stderr, "usage: zygote_fuzz ITERATIONS SEED\n");
        return 2;
    }
    errno = 0;
    unsigned long long iterations = strtoull(argv[1], &end, 10);
    if (errno != 0 || *end != '\0' || argv[1][0] == '-') {
        fprintf(stderr, "zygote_fuzz: bad iteration count %s\n", argv[1]);
        return 2;
    }
    uint64_t seed = strtoull(argv[2], &end, 0);
    if (errno != 0 || *end != '\0' || argv[2][0] == '-') {
        fprintf(stderr, "zygote_fuzz: bad seed %s\n", argv[2]);
        return 2;
    }
    rng_state = seed ? seed : 0x9e3779b97f4a7c15ULL; /* xorshift must not start at 0 */

    init_specs();
    struct sample samples[SPEC_COUNT];
    size_t cap = 0;
    for (size_t i = 0; i < SPEC_COUNT; i++) {
        samples[i].spec = &specs[i];
        samples[i].bytes = build(&specs[i], &samples[i].len);
        cap = samples[i].len > cap ? samples[i].len : cap;
    }
    cap += 8192;
    for (size_t i = 0; i < SPEC_COUNT; i++) {
        check_valid(&samples[i]);
    }
    check_targeted_refusals(&samples[1]); /* "typical": 3 descriptors (3, 7, 5), 2 rlimits */
    unsigned long long fixed_checks = passed + failed;
    accepted = 0;
    refused = 0;

    unsigned char *work = malloc(cap);
    if (work == NULL) {
        perror("zygote_fuzz: malloc");
        return 2;
    }
    for (unsigned long long it = 0; it < iterations; it++) {
        int nfds;
        size_t len;
        if (chance(15)) {
            len = from_scratch(work, cap, &nfds);
        } else {
            /* the 100 KiB sample is slow to copy and scan: rarely */
            size_t pick = below(64) == 0 ? BIG_SPEC : below(SPEC_COUNT - 1);
            const struct sample *sm = &samples[pick];
            memcpy(work, sm->bytes, sm->len);
            len = sm->len;
            nfds = chance(90) ? sm->spec->fd_count : (int) below(71);
            for (int m = 0, k = 1 + (int) below(4); m < k; m++) {
                mutate_once(work, &len, cap, &nfds);
            }
        }
        char what[64];
        snprintf(what, sizeof what, "iteration %llu", it);
        decode_checked(what, work, len, nfds);
    }
    free(work);
    for (size_t i = 0; i < SPEC_COUNT; i++) {
        free(samples[i].bytes);
    }
    for (int i = 0; i < 70; i++) {
        free(many_env[i]);
    }
    printf("zygote_fuzz: seed %" PRIu64 ", %llu iterations (%llu accepted, %llu refused), %llu fixed checks; "
           "%llu checks passed, %llu failed\n",
           seed, iterations, accepted, refused, fixed_checks, passed, failed);
    return failed == 0 ? 0 : 1;
}
