#define _GNU_SOURCE
#include "gipc_system.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

// Sockets: addresses, non-blocking stream sockets, descriptors passed with SCM_RIGHTS.

int gipc_socket_unix_address(
    struct sockaddr_storage *storage, socklen_t *size, const char *name, size_t length, int abstract) {
    struct sockaddr_un *address = (struct sockaddr_un *)storage;
    memset(storage, 0, sizeof *storage);
    address->sun_family = AF_UNIX;
    size_t offset = abstract ? 1 : 0;
    // A path needs room for its terminating NUL; an abstract name is counted by the address size instead.
    if (length == 0 || length + offset + (abstract ? 0 : 1) > sizeof address->sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(address->sun_path + offset, name, length);
    *size = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + offset + length + (abstract ? 0 : 1));
    return 0;
}

int gipc_socket_inet_address(
    struct sockaddr_storage *storage, socklen_t *size, int family, const char *host, int port) {
    memset(storage, 0, sizeof *storage);
    if (port < 0 || port > 65535) {
        errno = EINVAL;
        return -1;
    }
    if (family == GIPC_SOCKET_INET) {
        struct sockaddr_in *address = (struct sockaddr_in *)storage;
        address->sin_family = AF_INET;
        address->sin_port = htons((uint16_t)port);
        if (inet_pton(AF_INET, host, &address->sin_addr) != 1) {
            errno = EINVAL;
            return -1;
        }
        *size = sizeof *address;
        return 0;
    }
    struct sockaddr_in6 *address = (struct sockaddr_in6 *)storage;
    address->sin6_family = AF_INET6;
    address->sin6_port = htons((uint16_t)port);
    if (inet_pton(AF_INET6, host, &address->sin6_addr) != 1) {
        errno = EINVAL;
        return -1;
    }
    *size = sizeof *address;
    return 0;
}

int gipc_socket_open(const struct sockaddr_storage *storage) {
#if defined(__linux__)
    return socket(storage->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
#else
    int fd = socket(storage->ss_family, SOCK_STREAM, 0);
    if (fd < 0) return -1;
    if (gipc_set_cloexec(fd, 1) != 0 || gipc_set_nonblocking(fd, 1) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
#endif
}

int gipc_socket_listen(int fd, const struct sockaddr_storage *storage, socklen_t size, int backlog) {
    if (storage->ss_family != AF_UNIX) {
        int on = 1;
        if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0) return -1;
    }
    if (bind(fd, (const struct sockaddr *)storage, size) != 0) return -1;
    return listen(fd, backlog);
}

int gipc_socket_connect(int fd, const struct sockaddr_storage *storage, socklen_t size) {
    int result;
    do {
        result = connect(fd, (const struct sockaddr *)storage, size);
    } while (result != 0 && errno == EINTR);
    return result;
}

int gipc_socket_error(int fd) {
    int error = 0;
    socklen_t size = sizeof error;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) != 0) return -1;
    return error;
}

int gipc_socket_accept(int fd) {
    int accepted;
    do {
#if defined(__linux__)
        accepted = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
#else
        accepted = accept(fd, NULL, NULL);
#endif
    } while (accepted < 0 && errno == EINTR);
#if !defined(__linux__)
    if (accepted >= 0 && (gipc_set_cloexec(accepted, 1) != 0 || gipc_set_nonblocking(accepted, 1) != 0)) {
        int saved = errno;
        close(accepted);
        errno = saved;
        return -1;
    }
#endif
    return accepted;
}

int gipc_socket_local_port(int fd) {
    struct sockaddr_storage storage;
    socklen_t size = sizeof storage;
    if (getsockname(fd, (struct sockaddr *)&storage, &size) != 0) return -1;
    if (storage.ss_family == AF_INET) return ntohs(((struct sockaddr_in *)&storage)->sin_port);
    if (storage.ss_family == AF_INET6) return ntohs(((struct sockaddr_in6 *)&storage)->sin6_port);
    errno = EAFNOSUPPORT;
    return -1;
}

int gipc_socket_family(int fd) {
    struct sockaddr_storage storage;
    socklen_t size = sizeof storage;
    if (getsockname(fd, (struct sockaddr *)&storage, &size) != 0) return -1;
    switch (storage.ss_family) {
    case AF_UNIX: return GIPC_SOCKET_UNIX;
    case AF_INET: return GIPC_SOCKET_INET;
    case AF_INET6: return GIPC_SOCKET_INET6;
    default: return 0;
    }
}

int gipc_socket_no_delay(int fd) {
    int on = 1;
    return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
}

int gipc_socket_shutdown(int fd, int how) { return shutdown(fd, how); }

ptrdiff_t gipc_socket_send_fds(int fd, const void *bytes, size_t length, const int *fds, int count) {
    if (count < 0 || count > GIPC_SOCKET_MAX_FDS) {
        errno = EINVAL;
        return -1;
    }
    union {
        char buffer[CMSG_SPACE(sizeof(int) * GIPC_SOCKET_MAX_FDS)];
        struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct iovec vector = {.iov_base = (void *)bytes, .iov_len = length};
    struct msghdr message = {.msg_iov = &vector, .msg_iovlen = 1};
    if (count > 0) {
        message.msg_control = control.buffer;
        message.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)count);
        struct cmsghdr *header = CMSG_FIRSTHDR(&message);
        header->cmsg_level = SOL_SOCKET;
        header->cmsg_type = SCM_RIGHTS;
        header->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)count);
        memcpy(CMSG_DATA(header), fds, sizeof(int) * (size_t)count);
    }
    ptrdiff_t sent;
    do {
#if defined(MSG_NOSIGNAL)
        sent = sendmsg(fd, &message, MSG_NOSIGNAL);
#else
        sent = sendmsg(fd, &message, 0);
#endif
    } while (sent < 0 && errno == EINTR);
    return sent;
}

ptrdiff_t gipc_socket_receive_fds(int fd, void *bytes, size_t length, int *fds, int *count, int *truncated) {
    union {
        char buffer[CMSG_SPACE(sizeof(int) * GIPC_SOCKET_MAX_FDS)];
        struct cmsghdr align;
    } control;
    struct iovec vector = {.iov_base = bytes, .iov_len = length};
    struct msghdr message = {
        .msg_iov = &vector, .msg_iovlen = 1, .msg_control = control.buffer, .msg_controllen = sizeof control.buffer};
    *count = 0;
    *truncated = 0;
    ptrdiff_t received;
    do {
#if defined(MSG_CMSG_CLOEXEC)
        received = recvmsg(fd, &message, MSG_CMSG_CLOEXEC);
#else
        received = recvmsg(fd, &message, 0);
#endif
    } while (received < 0 && errno == EINTR);
    if (received < 0) return -1;
    if (message.msg_flags & MSG_CTRUNC) *truncated = 1;
    for (struct cmsghdr *header = CMSG_FIRSTHDR(&message); header != NULL; header = CMSG_NXTHDR(&message, header)) {
        if (header->cmsg_level != SOL_SOCKET || header->cmsg_type != SCM_RIGHTS) continue;
        size_t carried = (header->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        const unsigned char *data = CMSG_DATA(header);
        for (size_t index = 0; index < carried; index++) {
            int received_fd;
            memcpy(&received_fd, data + index * sizeof(int), sizeof(int));
            if (*count < GIPC_SOCKET_MAX_FDS) {
                fds[(*count)++] = received_fd;
            } else {
                close(received_fd);
                *truncated = 1;
            }
        }
    }
    return received;
}
