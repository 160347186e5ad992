/*
 * safespawn fork_exec shim: the library the fork_exec strategy calls through
 * JNA (plain C API, no JNI). All the work is in launch.c and child_setup.c,
 * which the zygote shares; this file only exports it. Functions return 0 or
 * -errno and never rely on the caller reading errno.
 */
#include "child_setup.h"

#define SS_EXPORT __attribute__((visibility("default")))

SS_EXPORT int safespawn_abi_version(void)
{
    return SS_ABI_VERSION;
}

/* sizeof(struct ss_request) as this compiler lays it out, for a test of the
 * Java structure that mirrors it. */
SS_EXPORT int safespawn_request_size(void)
{
    return (int) sizeof(struct ss_request);
}

#ifdef SAFESPAWN_TEST_HOOKS
/* Present only in the test build, so a test can tell which build it loaded. */
SS_EXPORT int safespawn_test_hooks(void)
{
    return 1;
}
#endif

/*
 * Starts req in mode SS_MODE_FORK or SS_MODE_CLONE_VFORK. On success returns
 * 0 and stores the child's pid. On failure returns -errno and stores the
 * stage (SS_STAGE_*); no child and no descriptor of the attempt is left.
 */
SS_EXPORT int safespawn_fork_exec(const struct ss_request *req, int mode, int32_t *pid_out, int32_t *stage_out)
{
    return ss_launch(req, mode, pid_out, stage_out);
}
