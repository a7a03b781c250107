#define _GNU_SOURCE
#include "gipc_system.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <unistd.h>

#if defined(__linux__)
#include <fcntl.h>
#include <string.h>
#include <sys/prctl.h>
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

int gipc_spawnattr_new_process_group(posix_spawnattr_t *attr) {
    int rc = posix_spawnattr_setpgroup(attr, 0);
    if (rc != 0) return rc;
    short flags = 0;
    rc = posix_spawnattr_getflags(attr, &flags);
    if (rc != 0) return rc;
    return posix_spawnattr_setflags(attr, flags | POSIX_SPAWN_SETPGROUP);
}

int gipc_set_process_name(const char *name) {
#if defined(__linux__)
    if (syscall(SYS_gettid) == getpid()) return prctl(PR_SET_NAME, (unsigned long)name, 0, 0, 0) == 0 ? 0 : errno;
    // Another thread: name the main thread, which is what ps shows for the process (writing the comm of a thread
    // of one's own thread group is allowed since Linux 2.6.33; the kernel keeps the first 15 bytes).
    int fd = open("/proc/self/comm", O_WRONLY | O_CLOEXEC);
    if (fd < 0) return errno;
    size_t length = strlen(name);
    ssize_t written = write(fd, name, length);
    int error = written == (ssize_t)length ? 0 : (written < 0 ? errno : EIO);
    close(fd);
    return error;
#else
    (void)name;
    return ENOSYS;
#endif
}
