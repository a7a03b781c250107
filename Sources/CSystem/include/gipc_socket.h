#ifndef GIPC_SOCKET_H
#define GIPC_SOCKET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

// Sockets: addresses, non-blocking stream sockets, descriptors passed with SCM_RIGHTS (gipc_socket.c).

/// The families gipc_socket_address fills in.
enum {
    GIPC_SOCKET_UNIX = 1,
    GIPC_SOCKET_INET = 2,
    GIPC_SOCKET_INET6 = 3,
};

/// The most descriptors one received message can carry here (Linux's SCM_MAX_FD).
enum { GIPC_SOCKET_MAX_FDS = 253 };

/// Fills `storage` with a Unix-domain address: `name` of `length` bytes, a filesystem path or (if `abstract` is
/// set) a Linux abstract name without its leading NUL. Returns 0, or -1 with errno ENAMETOOLONG.
int gipc_socket_unix_address(
    struct sockaddr_storage *storage, socklen_t *size, const char *name, size_t length, int abstract);

/// Fills `storage` with a numeric IPv4 (`family` GIPC_SOCKET_INET) or IPv6 address and a port. Returns 0, or -1
/// with errno EINVAL when `host` is not a numeric address of that family.
int gipc_socket_inet_address(
    struct sockaddr_storage *storage, socklen_t *size, int family, const char *host, int port);

/// A new stream socket of the address's family, close-on-exec and non-blocking. Returns it or -1 with errno.
int gipc_socket_open(const struct sockaddr_storage *storage);

/// Binds and listens (SO_REUSEADDR for TCP). Returns 0 or -1 with errno.
int gipc_socket_listen(int fd, const struct sockaddr_storage *storage, socklen_t size, int backlog);

/// Starts connecting a non-blocking socket. Returns 0 when connected, or -1 with errno (EINPROGRESS: wait until
/// the socket is writable, then read gipc_socket_error).
int gipc_socket_connect(int fd, const struct sockaddr_storage *storage, socklen_t size);

/// The pending error of a socket (SO_ERROR): 0 when a connect succeeded. Returns -1 with errno if it cannot tell.
int gipc_socket_error(int fd);

/// Accepts a connection, close-on-exec and non-blocking (accept4). Returns its fd or -1 with errno.
int gipc_socket_accept(int fd);

/// The local port of a bound TCP socket, or -1 with errno.
int gipc_socket_local_port(int fd);

/// The socket's family: GIPC_SOCKET_UNIX, GIPC_SOCKET_INET, GIPC_SOCKET_INET6, 0 for other families, -1 with
/// errno when `fd` is no socket (ENOTSOCK).
int gipc_socket_family(int fd);

/// Turns Nagle's algorithm off on a TCP socket (small frames leave at once). Returns 0 or -1 with errno.
int gipc_socket_no_delay(int fd);

/// shutdown(2): `how` is SHUT_RD, SHUT_WR or SHUT_RDWR. Returns 0 or -1 with errno.
int gipc_socket_shutdown(int fd, int how);

/// Sends `length` bytes with `count` descriptors attached (SCM_RIGHTS), MSG_NOSIGNAL. Returns the bytes sent or
/// -1 with errno.
ptrdiff_t gipc_socket_send_fds(int fd, const void *bytes, size_t length, const int *fds, int count);

/// Receives up to `length` bytes; descriptors attached to them (SCM_RIGHTS, made close-on-exec) are stored in
/// `fds`, at most GIPC_SOCKET_MAX_FDS, and counted in `*count`; `*truncated` is set when the kernel dropped some
/// (MSG_CTRUNC). Returns the bytes received (0 at the end of the stream) or -1 with errno.
ptrdiff_t gipc_socket_receive_fds(int fd, void *bytes, size_t length, int *fds, int *count, int *truncated);

#endif
