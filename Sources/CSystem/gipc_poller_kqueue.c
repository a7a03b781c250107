#define _GNU_SOURCE
#include "gipc_system.h"

// The readiness queue on Darwin and the BSDs: kqueue, with a pipe to wake it. Linux's is gipc_poller_epoll.c.

#if !defined(__linux__)

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/event.h>

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

#endif
