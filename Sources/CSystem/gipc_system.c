#define _GNU_SOURCE
#include "gipc_system.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <pthread.h>
#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#else
#include <sys/event.h>
#endif

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

int64_t gipc_monotonic_nanos(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

void gipc_set_thread_name(const char *name) {
#if defined(__APPLE__)
    pthread_setname_np(name);
#else
    pthread_setname_np(pthread_self(), name);
#endif
}

void gipc_ignore_sigpipe(void) {
    struct sigaction action = {0};
    action.sa_handler = SIG_IGN;
    sigemptyset(&action.sa_mask);
    sigaction(SIGPIPE, &action, NULL);
}

#if defined(__linux__)

int gipc_poller_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

static int gipc_epoll_control(int poller, int operation, int fd, uint32_t events, uint64_t token) {
    struct epoll_event event = {0};
    event.events = EPOLLET | EPOLLONESHOT | EPOLLRDHUP;
    if (events & GIPC_EVENT_READ) event.events |= EPOLLIN;
    if (events & GIPC_EVENT_WRITE) event.events |= EPOLLOUT;
    event.data.u64 = token;
    return epoll_ctl(poller, operation, fd, &event);
}

int gipc_poller_add(int poller, int fd, uint32_t events, uint64_t token) {
    return gipc_epoll_control(poller, EPOLL_CTL_ADD, fd, events, token);
}

int gipc_poller_rearm(int poller, int fd, uint32_t events, uint64_t token) {
    return gipc_epoll_control(poller, EPOLL_CTL_MOD, fd, events, token);
}

int gipc_poller_remove(int poller, int fd, uint32_t events) {
    (void)events;
    struct epoll_event event = {0};
    return epoll_ctl(poller, EPOLL_CTL_DEL, fd, &event);
}

int gipc_poller_wait(int poller, uint64_t *tokens, uint32_t *events, int capacity, int timeout_ms) {
    struct epoll_event buffer[64];
    if (capacity > 64) capacity = 64;
    int n = epoll_wait(poller, buffer, capacity, timeout_ms);
    for (int i = 0; i < n; i++) {
        uint32_t mask = 0;
        if (buffer[i].events & EPOLLIN) mask |= GIPC_EVENT_READ;
        if (buffer[i].events & EPOLLOUT) mask |= GIPC_EVENT_WRITE;
        if (buffer[i].events & (EPOLLHUP | EPOLLRDHUP)) mask |= GIPC_EVENT_HANGUP;
        if (buffer[i].events & EPOLLERR) mask |= GIPC_EVENT_ERROR;
        tokens[i] = buffer[i].data.u64;
        events[i] = mask;
    }
    return n;
}

int gipc_wakeup_create(int *write_fd) {
    int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    *write_fd = fd;
    return fd;
}

void gipc_wakeup_signal(int write_fd) {
    uint64_t one = 1;
    ssize_t ignored = write(write_fd, &one, sizeof one);
    (void)ignored;
}

void gipc_wakeup_drain(int read_fd) {
    uint64_t value;
    ssize_t ignored = read(read_fd, &value, sizeof value);
    (void)ignored;
}

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

int gipc_set_parent_death_signal(int sig) { return prctl(PR_SET_PDEATHSIG, sig); }

#else  // Darwin and other BSDs: kqueue

int gipc_poller_create(void) {
    int fd = kqueue();
    if (fd >= 0) gipc_set_cloexec(fd, 1);
    return fd;
}

static int gipc_kevent_control(int poller, int fd, uint32_t events, uint64_t token, unsigned short flags) {
    struct kevent changes[2];
    int n = 0;
    if (events & GIPC_EVENT_READ)
        EV_SET(&changes[n++], fd, EVFILT_READ, flags | EV_CLEAR | EV_DISPATCH, 0, 0, (void *)(uintptr_t)token);
    if (events & GIPC_EVENT_WRITE)
        EV_SET(&changes[n++], fd, EVFILT_WRITE, flags | EV_CLEAR | EV_DISPATCH, 0, 0, (void *)(uintptr_t)token);
    return kevent(poller, changes, n, NULL, 0, NULL);
}

int gipc_poller_add(int poller, int fd, uint32_t events, uint64_t token) {
    return gipc_kevent_control(poller, fd, events, token, EV_ADD);
}

int gipc_poller_rearm(int poller, int fd, uint32_t events, uint64_t token) {
    return gipc_kevent_control(poller, fd, events, token, EV_ENABLE);
}

int gipc_poller_remove(int poller, int fd, uint32_t events) {
    struct kevent changes[2];
    int n = 0;
    if (events & GIPC_EVENT_READ) EV_SET(&changes[n++], fd, EVFILT_READ, EV_DELETE, 0, 0, NULL);
    if (events & GIPC_EVENT_WRITE) EV_SET(&changes[n++], fd, EVFILT_WRITE, EV_DELETE, 0, 0, NULL);
    return kevent(poller, changes, n, NULL, 0, NULL);
}

int gipc_poller_wait(int poller, uint64_t *tokens, uint32_t *events, int capacity, int timeout_ms) {
    struct kevent buffer[64];
    if (capacity > 64) capacity = 64;
    struct timespec ts, *tsp = NULL;
    if (timeout_ms >= 0) {
        ts.tv_sec = timeout_ms / 1000;
        ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
        tsp = &ts;
    }
    int n = kevent(poller, NULL, 0, buffer, capacity, tsp);
    for (int i = 0; i < n; i++) {
        uint32_t mask = 0;
        if (buffer[i].filter == EVFILT_READ) mask |= GIPC_EVENT_READ;
        if (buffer[i].filter == EVFILT_WRITE) mask |= GIPC_EVENT_WRITE;
        if (buffer[i].flags & EV_EOF) mask |= GIPC_EVENT_HANGUP;
        if (buffer[i].flags & EV_ERROR) mask |= GIPC_EVENT_ERROR;
        tokens[i] = (uint64_t)(uintptr_t)buffer[i].udata;
        events[i] = mask;
    }
    return n;
}

int gipc_wakeup_create(int *write_fd) {
    int fds[2];
    if (gipc_pipe(fds, 1) != 0) return -1;
    *write_fd = fds[1];
    return fds[0];
}

void gipc_wakeup_signal(int write_fd) {
    char one = 1;
    ssize_t ignored = write(write_fd, &one, 1);
    (void)ignored;
}

void gipc_wakeup_drain(int read_fd) {
    char buffer[64];
    while (read(read_fd, buffer, sizeof buffer) > 0) {}
}

int gipc_pidfd_open(pid_t pid) { (void)pid; errno = ENOSYS; return -1; }
int gipc_pidfd_send_signal(int pidfd, int sig) { (void)pidfd; (void)sig; errno = ENOSYS; return -1; }
int gipc_set_parent_death_signal(int sig) { (void)sig; errno = ENOSYS; return -1; }

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
