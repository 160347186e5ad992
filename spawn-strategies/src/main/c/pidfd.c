/* safespawn zygote: pidfds (see pidfd.h). */
#define _GNU_SOURCE
#include "pidfd.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Generic syscall numbers, the same on every architecture since Linux 5.1/5.3. */
#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
/* linux/pidfd.h, Linux 6.9: signal the process group of the pidfd's process. */
#ifndef PIDFD_SIGNAL_PROCESS_GROUP
#define PIDFD_SIGNAL_PROCESS_GROUP (1U << 2)
#endif

int ss_pidfd_open(pid_t pid)
{
    return (int) syscall(SYS_pidfd_open, pid, 0); /* pidfds are close-on-exec from birth */
}

int ss_pidfd_signal(int pidfd, int sig)
{
    return syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) == 0 ? 0 : errno;
}

int ss_signal_group(int leader_pidfd, pid_t pgid, int sig)
{
    if (leader_pidfd >= 0) {
        if (syscall(SYS_pidfd_send_signal, leader_pidfd, sig, NULL, PIDFD_SIGNAL_PROCESS_GROUP) == 0) {
            return 0;
        }
        /* EINVAL: a kernel without the flag (or a bad signal, which kill rejects the same way). */
        if (errno != EINVAL && errno != ENOSYS) {
            return errno;
        }
    }
    return kill(-pgid, sig) == 0 ? 0 : errno;
}
