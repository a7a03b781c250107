#ifndef GIPC_FORKSERVER_PROTOCOL_H
#define GIPC_FORKSERVER_PROTOCOL_H

// Private to gipc_forkserver.c (the caller's side) and gipc_forkserver_helper.c (the helper's side).

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <unistd.h>

// The protocol between the caller and its helper, over a stream socket pair (same program, same machine: native
// byte order). The caller sends a request: a header, with the descriptors attached to it (SCM_RIGHTS), then the
// name and the environment strings. Per request the caller reads two replies: "started" (written by the child
// itself, first thing, so that the caller learns the pid even if the helper dies right after the fork) and
// "result" (written by the helper once the child has reported its set-up). When the clone fails, only "result"
// comes, with pid -1.

#define REQUEST_MAGIC 0x47465331u  // "GFS1"
#define READY_MAGIC 0x47465352u    // "GFSR"
#define REPLY_STARTED 1
#define REPLY_RESULT 2

enum {
    HAS_STDIN = 1,
    HAS_STDOUT = 2,
    HAS_STDERR = 4,
    HAS_CWD = 8,
};

struct request_header {
    uint32_t magic;
    uint32_t descriptor_count;  // the child's descriptors 3, 4, ... (standard streams and cwd not counted)
    uint32_t flags;             // HAS_* : which of stdin, stdout, stderr, cwd precede them in the attached list
    int32_t death_signal;
    int32_t parent_pid;
    uint32_t name_bytes;   // with its NUL
    uint32_t env_count;
    uint32_t env_bytes;    // every "KEY=VALUE" with its NUL
};

struct reply {
    uint32_t kind;
    int32_t pid;
    int32_t step;
    int32_t error;
};

#define MAX_NAME_BYTES (64u * 1024u)
#define MAX_ENV_BYTES (64u * 1024u * 1024u)

static inline int write_all(int fd, const void *buffer, size_t length) {
    const char *bytes = buffer;
    while (length > 0) {
        ssize_t n = send(fd, bytes, length, MSG_NOSIGNAL);
        if (n < 0 && errno == ENOTSOCK) n = write(fd, bytes, length);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        bytes += n;
        length -= (size_t)n;
    }
    return 0;
}

/// Reads exactly `length` bytes; 0, EPROTO at end of file, ETIMEDOUT when `timeout_ms` (>= 0) passes between
/// two reads, or errno.
static inline int read_all(int fd, void *buffer, size_t length, int timeout_ms) {
    char *bytes = buffer;
    while (length > 0) {
        if (timeout_ms >= 0) {
            struct pollfd pfd = {fd, POLLIN, 0};
            int ready = poll(&pfd, 1, timeout_ms);
            if (ready < 0) {
                if (errno == EINTR) continue;
                return errno;
            }
            if (ready == 0) return ETIMEDOUT;
        }
        ssize_t n = read(fd, bytes, length);
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        if (n == 0) return EPROTO;
        bytes += n;
        length -= (size_t)n;
    }
    return 0;
}

#endif
