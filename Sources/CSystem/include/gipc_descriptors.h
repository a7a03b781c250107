#ifndef GIPC_DESCRIPTORS_H
#define GIPC_DESCRIPTORS_H

#include <sys/types.h>

// Descriptors: flags, pipes, anonymous files (gipc_descriptors.c).

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

/// The number of bytes written to the pipe of `fd` (either end) and not yet read (FIONREAD), or -1 with errno.
int gipc_pipe_unread_bytes(int fd);

#endif
