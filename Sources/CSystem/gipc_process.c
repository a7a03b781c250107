#define _GNU_SOURCE
#include "gipc_system.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/syscall.h>
#endif

// Processes: pidfds and the spawn helpers that Glibc does not expose.

#if defined(__linux__)

int gipc_pidfd_open(pid_t pid) {
#if defined(SYS_pidfd_open)
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}

int gipc_pidfd_send_signal(int pidfd, int sig) {
#if defined(SYS_pidfd_send_signal)
    return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
#else
    (void)pidfd; (void)sig;
    errno = ENOSYS;
    return -1;
#endif
}

#else

int gipc_pidfd_open(pid_t pid) { (void)pid; errno = ENOSYS; return -1; }
int gipc_pidfd_send_signal(int pidfd, int sig) { (void)pidfd; (void)sig; errno = ENOSYS; return -1; }

#endif

int gipc_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int low) {
#if defined(__GLIBC__) && ((__GLIBC__ > 2) || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
    return posix_spawn_file_actions_addclosefrom_np(actions, low);
#else
    (void)actions; (void)low;
    return ENOSYS;
#endif
}

int gipc_spawnattr_reset_signals(posix_spawnattr_t *attr) {
    sigset_t all, none;
    sigfillset(&all);
    sigemptyset(&none);
    int rc = posix_spawnattr_setsigdefault(attr, &all);
    if (rc != 0) return rc;
    rc = posix_spawnattr_setsigmask(attr, &none);
    if (rc != 0) return rc;
    short flags = 0;
    rc = posix_spawnattr_getflags(attr, &flags);
    if (rc != 0) return rc;
    return posix_spawnattr_setflags(attr, flags | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
}
