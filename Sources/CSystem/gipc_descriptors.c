#define _GNU_SOURCE
#include "gipc_system.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/syscall.h>
#endif

// Descriptors: flags, pipes, anonymous files.

int gipc_set_nonblocking(int fd, int nonblocking) {
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0) return -1;
    int wanted = nonblocking ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
    if (wanted == flags) return 0;
    return fcntl(fd, F_SETFL, wanted);
}

int gipc_set_cloexec(int fd, int cloexec) {
    int flags = fcntl(fd, F_GETFD);
    if (flags < 0) return -1;
    int wanted = cloexec ? (flags | FD_CLOEXEC) : (flags & ~FD_CLOEXEC);
    if (wanted == flags) return 0;
    return fcntl(fd, F_SETFD, wanted);
}

int gipc_pipe(int fds[2], int nonblocking) {
#if defined(__linux__)
    return pipe2(fds, O_CLOEXEC | (nonblocking ? O_NONBLOCK : 0));
#else
    if (pipe(fds) != 0) return -1;
    for (int i = 0; i < 2; i++) {
        if (gipc_set_cloexec(fds[i], 1) != 0 || (nonblocking && gipc_set_nonblocking(fds[i], 1) != 0)) {
            int saved = errno;
            close(fds[0]);
            close(fds[1]);
            errno = saved;
            return -1;
        }
    }
    return 0;
#endif
}

/// A temporary file in the system's temporary folder, unlinked at once.
static int gipc_unlinked_temporary_file(void) {
    const char *folder = getenv("TMPDIR");
    if (folder == NULL || folder[0] == 0) folder = "/tmp";
    char path[1024];
    int length = snprintf(path, sizeof path, "%s/gipc-XXXXXX", folder);
    if (length < 0 || (size_t)length >= sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = mkstemp(path);
    if (fd < 0) return -1;
    unlink(path);
    if (gipc_set_cloexec(fd, 1) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

int gipc_anonymous_file(const char *name) {
#if defined(__linux__) && defined(SYS_memfd_create)
    int fd = (int)syscall(SYS_memfd_create, name, 1U /* MFD_CLOEXEC */);
    if (fd >= 0 || (errno != ENOSYS && errno != EPERM)) return fd;
#else
    (void)name;
#endif
    return gipc_unlinked_temporary_file();
}

int gipc_set_pipe_size(int fd, int size) {
#if defined(__linux__) && defined(F_SETPIPE_SZ)
    return fcntl(fd, F_SETPIPE_SZ, size);
#else
    (void)fd; (void)size;
    errno = ENOSYS;
    return -1;
#endif
}

int gipc_get_pipe_size(int fd) {
#if defined(__linux__) && defined(F_GETPIPE_SZ)
    return fcntl(fd, F_GETPIPE_SZ);
#else
    (void)fd;
    errno = ENOSYS;
    return -1;
#endif
}

int gipc_pipe_unread_bytes(int fd) {
    int count = 0;
    if (ioctl(fd, FIONREAD, &count) != 0) return -1;
    return count;
}
