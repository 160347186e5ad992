/* safespawn zygote: decoding a SPAWN request (see zygote_decode.c). */
#ifndef SAFESPAWN_ZYGOTE_DECODE_H
#define SAFESPAWN_ZYGOTE_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "zygote_protocol.h"

struct ssz_spawn {
    const struct ssz_spawn_fixed *fixed;   /* points into the message */
    const int32_t *fd_to;
    int32_t rlimit_resource[SSZ_MAX_RLIMITS];
    uint64_t rlimit_soft[SSZ_MAX_RLIMITS];
    uint64_t rlimit_hard[SSZ_MAX_RLIMITS];
    const char *path;
    const char *dir;                       /* NULL for none */
    char **argv;                           /* malloc'd, NULL-terminated, into the message */
    char **envp;
};

/*
 * Checks and decodes a SPAWN payload of len bytes that arrived with nfds
 * descriptors. Returns 0 and fills out (free with ssz_spawn_free), or an
 * errno value (EBADMSG: malformed or over a limit; ENOMEM) and leaves
 * nothing to free. Never reads outside payload[0..len).
 */
int ssz_decode_spawn(const unsigned char *payload, size_t len, int nfds, struct ssz_spawn *out);

void ssz_spawn_free(struct ssz_spawn *spawn);

#endif
