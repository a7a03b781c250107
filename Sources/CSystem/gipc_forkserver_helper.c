#define _GNU_SOURCE
#include "gipc_forkserver.h"

// The forkserver's helper: the constructor that catches helper mode, the request loop, and each child's set-up
// (the caller's side is in gipc_forkserver.c).

#if defined(__linux__)
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "gipc_forkserver_protocol.h"

typedef void (*constructor_t)(int, char **, char **);

/// GIPCKit's warm-up (Sources/GIPCKit/Process/ForkServer+WarmUp.swift), when the program links it.
extern void gipc_forkserver_warm_up(void) __attribute__((weak));

// The constructors of the object this file is linked into (the program, when GIPCKit is linked statically), in the
// order they run; defined by the linker.
extern constructor_t __init_array_start[] __attribute__((weak, visibility("hidden")));
extern constructor_t __init_array_end[] __attribute__((weak, visibility("hidden")));

/// What the helper knows about itself: its socket, its parent, and the memory of its argument strings.
static struct {
    constructor_t *later;    // the constructors after this file's, run by the helper
    size_t later_count;
    int socket_fd;
    pid_t parent;
    char *argument_area;     // argv[0]
    size_t argument_bytes;   // argv[0 ..< argc] with their NULs
    size_t area_bytes;       // the argument strings and the environment strings that follow them contiguously
    int tid_offset;          // where glibc keeps this thread's tid in its thread descriptor, or -1
} helper;

/// Reports a failed set-up step to the helper and exits. The child runs only async-signal-safe calls until the
/// report of success (the helper is single-threaded, so malloc would be safe too, but nothing here needs it).
static void child_fail(int status_fd, int error) __attribute__((noreturn));
static void child_fail(int status_fd, int error) {
    int report[2] = {GIPC_FORKSERVER_STEP_CHILD, error};
    ssize_t ignored = write(status_fd, report, sizeof report);
    (void)ignored;
    _exit(127);
}

static int lift(int status_fd, int fd, int floor) {
    int copy = fcntl(fd, F_DUPFD_CLOEXEC, floor);
    if (copy < 0) child_fail(status_fd, errno);
    return copy;
}

static void close_range_except(int low, int keep) {
#if defined(SYS_close_range)
    if ((keep <= low || syscall(SYS_close_range, (unsigned)low, (unsigned)(keep - 1), 0) == 0) &&
        syscall(SYS_close_range, (unsigned)(keep + 1 > low ? keep + 1 : low), ~0U, 0) == 0) {
        return;
    }
#endif
    long open_max = sysconf(_SC_OPEN_MAX);
    int max_fd = open_max > 0 && open_max < 0x7fffffff ? (int)open_max : 65536;
    for (int fd = low; fd < max_fd; fd++) {
        if (fd != keep) close(fd);
    }
}

/// Writes `name` over the helper's argument strings, so that /proc/<pid>/cmdline and `ps` show `{name}` as they
/// would for a child executed with that argv. Past the argument strings it may use the environment strings that
/// follow them (the child has its own environment by then), as setproctitle(3) does.
static void child_set_arguments(char **argv, const char *name) {
    if (helper.argument_area == NULL || helper.area_bytes == 0) return;
    size_t length = strlen(name);
    if (length > helper.area_bytes - 1) length = helper.area_bytes - 1;
    memcpy(helper.argument_area, name, length);
    memset(helper.argument_area + length, 0, helper.area_bytes - length);
    // The kernel shows [arg_start, arg_end) as it is when its last byte is NUL, and otherwise the string at
    // arg_start: make it the string, so that the NULs after the name are not shown as empty arguments.
    if (length + 1 < helper.argument_bytes) helper.argument_area[helper.argument_bytes - 1] = ' ';
    argv[0] = helper.argument_area;
    argv[1] = NULL;
    program_invocation_name = helper.argument_area;
    char *slash = strrchr(helper.argument_area, '/');
    program_invocation_short_name = slash != NULL ? slash + 1 : helper.argument_area;
}

static void constructor_done(int argc, char **argv, char **envp) {
    (void)argc;
    (void)argv;
    (void)envp;
}

/// The helper ran the constructors that follow this file's (see gipc_forkserver_enter); the C library, to which
/// the child returns, would run them again: they become no-ops in the child's copy of the table.
static void child_skip_later_constructors(void) {
    if (helper.later_count == 0) return;
    long page = sysconf(_SC_PAGESIZE);
    uintptr_t start = (uintptr_t)helper.later & ~((uintptr_t)page - 1);
    uintptr_t end = (uintptr_t)(helper.later + helper.later_count);
    size_t length = end - start;
    // The table is in the read-only-after-relocation segment; the child's pages are its own copies.
    if (mprotect((void *)start, length, PROT_READ | PROT_WRITE) != 0) return;
    for (size_t i = 0; i < helper.later_count; i++) helper.later[i] = constructor_done;
    mprotect((void *)start, length, PROT_READ);
}

/// The child's set-up after the clone. Returns once the child is ready to run `main`.
static void child_setup(char **argv, const struct request_header *header, int *received, int received_count,
                        const char *name, char **envp, int status_fd) {
    struct reply started = {REPLY_STARTED, getpid(), 0, 0};
    ssize_t ignored = send(helper.socket_fd, &started, sizeof started, MSG_NOSIGNAL);
    (void)ignored;

    if (setpgid(0, 0) != 0) child_fail(status_fd, errno);
    if (header->death_signal != 0) {
        if (prctl(PR_SET_PDEATHSIG, header->death_signal) != 0) child_fail(status_fd, errno);
        // Its parent is the caller (CLONE_PARENT): if the caller died before prctl, the signal never comes.
        if (getppid() != header->parent_pid) child_fail(status_fd, ESRCH);
    }

    // Every source, and the status descriptor, moves above the targets, so no dup2 overwrites one still needed
    // (and each dup2 onto a target clears close-on-exec there).
    int count = (int)header->descriptor_count;
    int floor = 3 + count;
    status_fd = lift(status_fd, status_fd, floor);
    int index = 0;
    int standard[4] = {-1, -1, -1, -1};
    for (int i = 0; i < 4; i++) {
        if (header->flags & (1u << i)) standard[i] = lift(status_fd, received[index++], floor);
    }
    int *sources = received + index;
    for (int i = 0; i < count && index + i < received_count; i++) sources[i] = lift(status_fd, sources[i], floor);
    for (int target = 0; target < 3; target++) {
        if (standard[target] < 0) {
            close(target);
            continue;
        }
        while (dup2(standard[target], target) < 0) {
            if (errno != EINTR) child_fail(status_fd, errno);
        }
    }
    for (int i = 0; i < count; i++) {
        while (dup2(sources[i], 3 + i) < 0) {
            if (errno != EINTR) child_fail(status_fd, errno);
        }
    }
    if (standard[3] >= 0 && fchdir(standard[3]) != 0) child_fail(status_fd, errno);
    close_range_except(floor, status_fd);

    environ = envp;
    child_set_arguments(argv, name);
    child_skip_later_constructors();

    int report[2] = {0, 0};
    ignored = write(status_fd, report, sizeof report);
    close(status_fd);
}

/// clone(CLONE_PARENT | SIGCHLD), with glibc's record of this thread's tid updated in the child as fork(2) does.
static pid_t clone_as_sibling(void) {
    unsigned long flags = CLONE_PARENT | SIGCHLD;
    pid_t *tid_slot = NULL;
    if (helper.tid_offset >= 0) {
        flags |= CLONE_CHILD_SETTID;
        tid_slot = (pid_t *)((char *)pthread_self() + helper.tid_offset);
    }
#if defined(__x86_64__)
    return (pid_t)syscall(SYS_clone, flags, NULL, NULL, tid_slot, 0);
#else
    // aarch64 and most others: clone(flags, stack, parent_tid, tls, child_tid).
    return (pid_t)syscall(SYS_clone, flags, NULL, NULL, 0, tid_slot);
#endif
}

/// Where glibc's thread descriptor of the calling (main) thread holds its tid: the only int equal to it in the
/// descriptor's first 2 KiB, or -1 if there is no such single place.
static int find_tid_offset(void) {
    pid_t tid = (pid_t)syscall(SYS_gettid);
    const char *self = (const char *)pthread_self();
    int found = -1;
    for (int offset = 0; offset < 2048; offset += (int)sizeof(pid_t)) {
        pid_t value;
        memcpy(&value, self + offset, sizeof value);
        if (value != tid) continue;
        if (found >= 0) return -1;
        found = offset;
    }
    return found;
}

static int thread_count(void) {
    DIR *dir = opendir("/proc/self/task");
    if (dir == NULL) return -1;
    int count = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL) {
        if (entry->d_name[0] != '.') count++;
    }
    closedir(dir);
    return count;
}

static void helper_reply(pid_t pid, int step, int error) {
    struct reply reply = {REPLY_RESULT, pid, step, error};
    if (write_all(helper.socket_fd, &reply, sizeof reply) != 0) _exit(0);
}

/// Serves requests until the caller closes its end (or dies: the helper was started with a parent-death signal).
/// Returns only in a new child, ready to run `main`.
static void helper_serve(char **argv) {
    for (;;) {
        struct request_header header;
        union {
            struct cmsghdr align;
            char buffer[CMSG_SPACE(sizeof(int) * GIPC_FORKSERVER_MAX_DESCRIPTORS)];
        } control;
        struct iovec iov = {&header, sizeof header};
        struct msghdr message;
        memset(&message, 0, sizeof message);
        message.msg_iov = &iov;
        message.msg_iovlen = 1;
        message.msg_control = control.buffer;
        message.msg_controllen = sizeof control.buffer;
        ssize_t n;
        do {
            n = recvmsg(helper.socket_fd, &message, MSG_CMSG_CLOEXEC);
        } while (n < 0 && errno == EINTR);
        if (n <= 0) _exit(0);  // the caller closed its end or died

        int received[GIPC_FORKSERVER_MAX_DESCRIPTORS];
        int received_count = 0;
        for (struct cmsghdr *cmsg = CMSG_FIRSTHDR(&message); cmsg != NULL; cmsg = CMSG_NXTHDR(&message, cmsg)) {
            if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS) continue;
            int in_message = (int)((cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            for (int i = 0; i < in_message; i++) {
                int fd;
                memcpy(&fd, CMSG_DATA(cmsg) + sizeof(int) * (size_t)i, sizeof fd);
                if (received_count < GIPC_FORKSERVER_MAX_DESCRIPTORS) {
                    received[received_count++] = fd;
                } else {
                    close(fd);
                }
            }
        }
        if ((size_t)n < sizeof header && read_all(helper.socket_fd, (char *)&header + n, sizeof header - (size_t)n,
                                                  -1) != 0) {
            _exit(0);
        }
        int expected = (int)header.descriptor_count + __builtin_popcount(header.flags & 15u);
        if (header.magic != REQUEST_MAGIC || header.name_bytes == 0 || header.name_bytes > MAX_NAME_BYTES ||
            header.env_bytes > MAX_ENV_BYTES || header.env_count > header.env_bytes ||
            header.descriptor_count > GIPC_FORKSERVER_MAX_DESCRIPTORS || expected != received_count ||
            (message.msg_flags & MSG_CTRUNC)) {
            _exit(0);  // not the caller this protocol expects: the caller sees end of file
        }
        size_t body_bytes = (size_t)header.name_bytes + header.env_bytes;
        char *body = malloc(body_bytes + 1);
        char **envp = malloc(sizeof(char *) * ((size_t)header.env_count + 1));
        if (body == NULL || envp == NULL || read_all(helper.socket_fd, body, body_bytes, -1) != 0) _exit(0);
        body[body_bytes] = 0;
        const char *name = body;
        char *cursor = body + header.name_bytes;
        char *end = body + body_bytes;
        uint32_t parsed = 0;
        int malformed = body[header.name_bytes - 1] != 0;
        while (!malformed && parsed < header.env_count) {
            char *nul = memchr(cursor, 0, (size_t)(end - cursor));
            if (nul == NULL) {
                malformed = 1;
                break;
            }
            envp[parsed++] = cursor;
            cursor = nul + 1;
        }
        envp[parsed] = NULL;
        if (malformed || cursor != end) _exit(0);

        int status_pipe[2];
        if (pipe2(status_pipe, O_CLOEXEC) != 0) {
            int error = errno;
            for (int i = 0; i < received_count; i++) close(received[i]);
            free(envp);
            free(body);
            helper_reply(-1, GIPC_FORKSERVER_STEP_CLONE, error);
            continue;
        }
        pid_t pid = clone_as_sibling();
        if (pid == 0) {
            close(status_pipe[0]);
            child_setup(argv, &header, received, received_count, name, envp, status_pipe[1]);
            return;
        }
        int clone_error = errno;
        close(status_pipe[1]);
        for (int i = 0; i < received_count; i++) close(received[i]);
        free(envp);
        free(body);
        if (pid < 0) {
            close(status_pipe[0]);
            helper_reply(-1, GIPC_FORKSERVER_STEP_CLONE, clone_error);
            continue;
        }
        // The child's report: {0, 0} once it is set up; {step, errno} when it failed (then it exits); nothing if
        // it was killed first.
        int report[2] = {0, 0};
        int rc = read_all(status_pipe[0], report, sizeof report, -1);
        close(status_pipe[0]);
        if (rc != 0) {
            helper_reply(pid, GIPC_FORKSERVER_STEP_CHILD, EIO);
        } else {
            helper_reply(pid, report[0], report[1]);
        }
    }
}

/// Helper mode: entered when GIPC_FORKSERVER is set, before `main` and before any other constructor of the
/// program could start a thread. Never returns in the helper; returns in each child it forks.
__attribute__((constructor)) static void gipc_forkserver_enter(int argc, char **argv, char **envp) {
    const char *value = getenv(GIPC_FORKSERVER_VARIABLE);
    if (value == NULL) return;
    char *rest = NULL;
    long fd = strtol(value, &rest, 10);
    if (rest == value || *rest != ':' || fd < 0 || fd > 0x7fffffff) return;
    long parent = strtol(rest + 1, NULL, 10);

    helper.socket_fd = (int)fd;
    helper.parent = (pid_t)parent;
    if (getppid() != helper.parent) _exit(0);

    // The constructors that follow this one in the program (with a static Swift runtime: the runtime's, Dispatch's,
    // Foundation's) run here, once, as the shared libraries' constructors already have: each child then starts
    // where a freshly executed program would enter `main`, and does not repeat them.
    if (__init_array_start != NULL && __init_array_end != NULL) {
        size_t count = (size_t)(__init_array_end - __init_array_start);
        for (size_t i = 0; i < count; i++) {
            if (__init_array_start[i] != (constructor_t)gipc_forkserver_enter) continue;
            helper.later = __init_array_start + i + 1;
            helper.later_count = count - i - 1;
            break;
        }
        for (size_t i = 0; i < helper.later_count; i++) helper.later[i](argc, argv, envp);
    }
    // GIPCKit's own first steps in a child, made once here (Process/ForkServer+WarmUp.swift).
    if (gipc_forkserver_warm_up != NULL) gipc_forkserver_warm_up();
    if (thread_count() != 1) _exit(0);  // a fork would copy this thread only; the caller sees end of file
    helper.tid_offset = find_tid_offset();

    // The argument strings, and the environment strings that follow them in the same memory.
    helper.argument_area = argc > 0 ? argv[0] : NULL;
    if (helper.argument_area != NULL) {
        char *next = helper.argument_area;
        for (int i = 0; i < argc && argv[i] == next; i++) next += strlen(argv[i]) + 1;
        helper.argument_bytes = (size_t)(next - helper.argument_area);
        for (char **entry = envp; *entry != NULL && *entry == next; entry++) next += strlen(*entry) + 1;
        helper.area_bytes = (size_t)(next - helper.argument_area);
    }
    // Standard input: nothing of the caller's (each child gets the caller's own with its request).
    int null_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (null_fd >= 0 && null_fd != 0) {
        dup2(null_fd, 0);
        close(null_fd);
    }

    uint32_t ready = READY_MAGIC;
    if (write_all(helper.socket_fd, &ready, sizeof ready) != 0) _exit(0);
    helper_serve(argv);
}
#endif
