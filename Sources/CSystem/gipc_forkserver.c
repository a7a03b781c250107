#define _GNU_SOURCE
#include "gipc_forkserver.h"

#include <errno.h>
#include <stdint.h>

// The forkserver's caller side (the helper is in gipc_forkserver_helper.c).

#if defined(__linux__)
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "gipc_forkserver_protocol.h"

int gipc_forkserver_open_cwd(void) { return open(".", O_PATH | O_DIRECTORY | O_CLOEXEC); }

int gipc_forkserver_await_ready(int socket_fd, int timeout_ms) {
    uint32_t greeting = 0;
    int rc = read_all(socket_fd, &greeting, sizeof greeting, timeout_ms);
    if (rc != 0) return rc;
    return greeting == READY_MAGIC ? 0 : EPROTO;
}

int gipc_forkserver_request(int socket_fd, const int *fds, int count, int stdin_fd, int stdout_fd, int stderr_fd,
                            int cwd_fd, int death_signal, const char *name, char *const envp[], int timeout_ms,
                            pid_t *pid_out, int *failed_step) {
    *pid_out = -1;
    int attached[GIPC_FORKSERVER_MAX_DESCRIPTORS];
    int total = 0;
    struct request_header header;
    memset(&header, 0, sizeof header);
    header.magic = REQUEST_MAGIC;
    int standard[4] = {stdin_fd, stdout_fd, stderr_fd, cwd_fd};
    for (int i = 0; i < 4; i++) {
        if (standard[i] < 0) continue;
        header.flags |= 1u << i;
        attached[total++] = standard[i];
    }
    if (count < 0 || total + count > GIPC_FORKSERVER_MAX_DESCRIPTORS) {
        *failed_step = GIPC_FORKSERVER_STEP_REQUEST;
        return E2BIG;
    }
    for (int i = 0; i < count; i++) attached[total++] = fds[i];
    header.descriptor_count = (uint32_t)count;
    header.death_signal = death_signal;
    header.parent_pid = getpid();
    size_t name_length = strlen(name) + 1;
    size_t env_bytes = 0;
    uint32_t env_count = 0;
    for (char *const *entry = envp; *entry != NULL; entry++) {
        env_bytes += strlen(*entry) + 1;
        env_count++;
    }
    if (name_length > MAX_NAME_BYTES || env_bytes > MAX_ENV_BYTES) {
        *failed_step = GIPC_FORKSERVER_STEP_REQUEST;
        return E2BIG;
    }
    header.name_bytes = (uint32_t)name_length;
    header.env_count = env_count;
    header.env_bytes = (uint32_t)env_bytes;

    // The header with the descriptors, then the strings.
    union {
        struct cmsghdr align;
        char buffer[CMSG_SPACE(sizeof(int) * GIPC_FORKSERVER_MAX_DESCRIPTORS)];
    } control;
    memset(&control, 0, sizeof control);
    struct iovec iov = {&header, sizeof header};
    struct msghdr message;
    memset(&message, 0, sizeof message);
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    if (total > 0) {
        message.msg_control = control.buffer;
        message.msg_controllen = CMSG_SPACE(sizeof(int) * (size_t)total);
        struct cmsghdr *cmsg = CMSG_FIRSTHDR(&message);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int) * (size_t)total);
        memcpy(CMSG_DATA(cmsg), attached, sizeof(int) * (size_t)total);
    }
    ssize_t sent;
    do {
        sent = sendmsg(socket_fd, &message, MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    if (sent < 0) {
        *failed_step = GIPC_FORKSERVER_STEP_SEND;
        return errno;
    }
    int rc = 0;
    if ((size_t)sent < sizeof header) rc = write_all(socket_fd, (char *)&header + sent, sizeof header - (size_t)sent);
    if (rc == 0) rc = write_all(socket_fd, name, name_length);
    for (char *const *entry = envp; rc == 0 && *entry != NULL; entry++) {
        rc = write_all(socket_fd, *entry, strlen(*entry) + 1);
    }
    if (rc != 0) {
        *failed_step = GIPC_FORKSERVER_STEP_SEND;
        return rc;
    }

    for (;;) {
        struct reply reply;
        rc = read_all(socket_fd, &reply, sizeof reply, timeout_ms);
        if (rc != 0) {
            *failed_step = GIPC_FORKSERVER_STEP_REPLY;
            return rc;
        }
        if (reply.kind == REPLY_STARTED) {
            *pid_out = reply.pid;
            continue;
        }
        if (reply.kind != REPLY_RESULT) {
            *failed_step = GIPC_FORKSERVER_STEP_REPLY;
            return EPROTO;
        }
        if (reply.pid > 0) *pid_out = reply.pid;
        if (reply.step == 0) return 0;
        *failed_step = reply.step;
        return reply.error != 0 ? reply.error : EIO;
    }
}

#else

int gipc_forkserver_open_cwd(void) {
    errno = ENOSYS;
    return -1;
}

int gipc_forkserver_await_ready(int socket_fd, int timeout_ms) {
    (void)socket_fd;
    (void)timeout_ms;
    return ENOSYS;
}

int gipc_forkserver_request(int socket_fd, const int *fds, int count, int stdin_fd, int stdout_fd, int stderr_fd,
                            int cwd_fd, int death_signal, const char *name, char *const envp[], int timeout_ms,
                            pid_t *pid_out, int *failed_step) {
    (void)socket_fd; (void)fds; (void)count; (void)stdin_fd; (void)stdout_fd; (void)stderr_fd; (void)cwd_fd;
    (void)death_signal; (void)name; (void)envp; (void)timeout_ms;
    *pid_out = -1;
    *failed_step = GIPC_FORKSERVER_STEP_CLONE;
    return ENOSYS;
}

#endif
