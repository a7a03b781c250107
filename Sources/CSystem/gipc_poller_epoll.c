#define _GNU_SOURCE
#include "gipc_system.h"

// The readiness queue on Linux: epoll, with an eventfd to wake it. Darwin's is gipc_poller_kqueue.c.

#if defined(__linux__)

#include <errno.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

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

#endif
