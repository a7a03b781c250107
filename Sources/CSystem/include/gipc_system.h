#ifndef GIPC_SYSTEM_H
#define GIPC_SYSTEM_H

#include <stdint.h>
#include <sys/types.h>
#include <spawn.h>

/// Creates a pipe with O_CLOEXEC and, if `nonblocking` is set, O_NONBLOCK on both ends.
int gipc_pipe(int fds[2], int nonblocking);

/// Sets O_NONBLOCK on (nonzero) or off (zero). Returns 0 or -1 with errno.
int gipc_set_nonblocking(int fd, int nonblocking);

/// Sets FD_CLOEXEC on (nonzero) or off (zero). Returns 0 or -1 with errno.
int gipc_set_cloexec(int fd, int cloexec);

/// Creates an anonymous file (memfd on Linux; an unlinked temporary file where memfd is missing or refused),
/// close-on-exec, readable and writable. Returns its fd or -1 with errno.
int gipc_anonymous_file(const char *name);

/// Raises a pipe's buffer (F_SETPIPE_SZ). Returns the new size, or -1 with errno; -1/ENOSYS where unsupported.
int gipc_set_pipe_size(int fd, int size);

/// Returns a pipe's buffer size (F_GETPIPE_SZ), or -1 with errno.
int gipc_get_pipe_size(int fd);

/// Monotonic clock in nanoseconds.
int64_t gipc_monotonic_nanos(void);

/// Names the calling thread (shown by ps, top and debuggers).
void gipc_set_thread_name(const char *name);

/// Ignores SIGPIPE for the whole process.
void gipc_ignore_sigpipe(void);

// MARK: readiness (epoll on Linux, kqueue on Darwin)

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

// MARK: processes

/// pidfd_open(2). Returns a pidfd (O_CLOEXEC) or -1 with errno (ENOSYS where unavailable).
int gipc_pidfd_open(pid_t pid);

/// pidfd_send_signal(2). Returns 0 or -1 with errno.
int gipc_pidfd_send_signal(int pidfd, int sig);

/// Adds a "close every fd >= low" action to a spawn file-actions object (glibc >= 2.34).
/// Returns 0, or ENOSYS where the C library lacks it.
int gipc_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int low);

/// Sets the calling process to receive `sig` when its parent thread exits (Linux prctl PR_SET_PDEATHSIG).
int gipc_set_parent_death_signal(int sig);

/// Fills `set` with every signal and sets default dispositions on spawn, with an empty mask.
int gipc_spawnattr_reset_signals(posix_spawnattr_t *attr);

#endif
