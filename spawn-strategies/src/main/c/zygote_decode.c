/*
 * safespawn zygote: decoding a SPAWN request.
 *
 * The input comes from another process and is trusted for nothing: every
 * count is bounded, every section must fit, every string must be terminated
 * inside the message, and the message must end where the sections say. Kept
 * apart from the server so the fuzz test can drive it directly.
 */
#define _GNU_SOURCE
#include "zygote_decode.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "child_setup.h"

/* Points list[0..count) at consecutive NUL-terminated strings from *at;
 * fails if one is not terminated before end. */
static int take_strings(const char **at, const char *end, char **list, int32_t count)
{
    for (int32_t i = 0; i < count; i++) {
        const char *nul = memchr(*at, '\0', (size_t) (end - *at));
        if (nul == NULL) {
            return EBADMSG;
        }
        list[i] = (char *) *at;
        *at = nul + 1;
    }
    list[count] = NULL;
    return 0;
}

int ssz_decode_spawn(const unsigned char *payload, size_t len, int nfds, struct ssz_spawn *out)
{
    memset(out, 0, sizeof *out);
    if (len < sizeof(struct ssz_spawn_fixed)) {
        return EBADMSG;
    }
    const struct ssz_spawn_fixed *f = (const struct ssz_spawn_fixed *) payload;
    if (f->fd_count < 0 || f->fd_count > SSZ_MAX_FDS || f->fd_count != nfds
            || f->rlimit_count < 0 || f->rlimit_count > SSZ_MAX_RLIMITS
            || f->argc < 1 || f->envc < 0 || f->reserved != 0
            || (f->flags & ~(SS_NEW_SESSION | SS_SET_PGID | SS_SET_UMASK | SS_KILL_ON_PARENT_DEATH
                             | SSZ_SPAWN_TREE)) != 0
            || f->close_method < SS_CLOSE_AUTO || f->close_method > SS_CLOSE_BRUTE_FORCE) {
        return EBADMSG;
    }
    /* Sizes in size_t after the bounds above: no overflow is possible. */
    size_t fds_size = (size_t) f->fd_count * sizeof(int32_t);
    size_t rlimits_size = (size_t) f->rlimit_count * sizeof(struct ssz_rlimit);
    size_t need = sizeof *f + fds_size + rlimits_size + (size_t) f->strings_len;
    if (need != len || f->strings_len < 2) {
        return EBADMSG;
    }
    /* Each string takes at least its NUL: more strings than bytes cannot fit. */
    if ((uint64_t) f->argc + (uint64_t) f->envc + 2 > f->strings_len) {
        return EBADMSG;
    }
    const unsigned char *at = payload + sizeof *f;
    out->fixed = f;
    out->fd_to = (const int32_t *) at;
    for (int32_t i = 0; i < f->fd_count; i++) {
        if (out->fd_to[i] < 0) {
            return EBADMSG;
        }
        for (int32_t j = 0; j < i; j++) {
            if (out->fd_to[j] == out->fd_to[i]) {
                return EBADMSG;
            }
        }
    }
    at += fds_size;
    for (int32_t i = 0; i < f->rlimit_count; i++) {
        struct ssz_rlimit r;
        memcpy(&r, at + (size_t) i * sizeof r, sizeof r);
        if (r.resource < 0 || r.resource >= SS_RLIMIT_COUNT || r.reserved != 0) {
            return EBADMSG;
        }
        out->rlimit_resource[i] = r.resource;
        out->rlimit_soft[i] = r.soft;
        out->rlimit_hard[i] = r.hard;
    }
    at += rlimits_size;

    const char *s = (const char *) at;
    const char *end = s + f->strings_len;
    const char *fixed_strings[2];
    char *two[3];
    if (take_strings(&s, end, two, 2) != 0) {
        return EBADMSG;
    }
    fixed_strings[0] = two[0];
    fixed_strings[1] = two[1];
    if (fixed_strings[0][0] == '\0') {
        return EBADMSG; /* no program */
    }
    out->argv = calloc((size_t) f->argc + 1, sizeof(char *));
    out->envp = calloc((size_t) f->envc + 1, sizeof(char *));
    if (out->argv == NULL || out->envp == NULL) {
        ssz_spawn_free(out);
        return ENOMEM;
    }
    if (take_strings(&s, end, out->argv, f->argc) != 0 || take_strings(&s, end, out->envp, f->envc) != 0
            || s != end) {
        ssz_spawn_free(out);
        return EBADMSG;
    }
    out->path = fixed_strings[0];
    out->dir = fixed_strings[1][0] == '\0' ? NULL : fixed_strings[1];
    return 0;
}

void ssz_spawn_free(struct ssz_spawn *spawn)
{
    free(spawn->argv);
    free(spawn->envp);
    spawn->argv = NULL;
    spawn->envp = NULL;
}
