#ifndef GIPC_POLLER_H
#define GIPC_POLLER_H

#include <stdint.h>

// The readiness queue: epoll on Linux (gipc_poller_epoll.c), kqueue on Darwin (gipc_poller_kqueue.c).

enum {
    GIPC_EVENT_READ = 1,
    GIPC_EVENT_WRITE = 2,
    GIPC_EVENT_HANGUP = 4,
    GIPC_EVENT_ERROR = 8,
};

/// Creates the readiness queue. Returns its fd or -1 with errno.
int gipc_poller_create(void);

/// Registers `fd` for `events` (GIPC_EVENT_READ / GIPC_EVENT_WRITE) tagged with `token`, armed for one report:
/// after the poller reports the descriptor once it stays silent until `gipc_poller_rearm` (EPOLLONESHOT,
/// EV_DISPATCH), so a pipe that a task is busy reading or writing never wakes the poller's thread.
int gipc_poller_add(int poller, int fd, uint32_t events, uint64_t token);

/// Arms `fd` for one more report; if it is ready already, the poller reports it at once.
int gipc_poller_rearm(int poller, int fd, uint32_t events, uint64_t token);

/// Removes `fd` from the readiness queue.
int gipc_poller_remove(int poller, int fd, uint32_t events);

/// Waits at most `timeout_ms` (-1: forever) and fills up to `capacity` tokens and event masks.
/// Returns the number of events, or -1 with errno (EINTR included).
int gipc_poller_wait(int poller, uint64_t *tokens, uint32_t *events, int capacity, int timeout_ms);

/// Creates the wakeup object for the poller. Returns an fd (eventfd on Linux, pipe read end on Darwin) or -1.
/// On Darwin `*write_fd` receives the pipe's write end; on Linux it receives the same fd.
int gipc_wakeup_create(int *write_fd);

/// Signals the wakeup object.
void gipc_wakeup_signal(int write_fd);

/// Drains the wakeup object.
void gipc_wakeup_drain(int read_fd);

#endif
