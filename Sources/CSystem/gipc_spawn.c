#define _GNU_SOURCE
#include "gipc_spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#if defined(__linux__)
#include <sys/prctl.h>
#include <sys/syscall.h>
#endif

#if defined(__linux__) && (defined(__x86_64__) || defined(__aarch64__))
/// The kernel's struct sigaction on these architectures (glibc's differs), for rt_sigaction(2) directly.
struct gipc_kernel_sigaction {
    void (*handler)(int);
    unsigned long flags;
    void (*restorer)(void);
    unsigned long long mask;
};
#define GIPC_HAVE_KERNEL_SIGACTION 1
#endif

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/// Reports `step` and `error` to the parent and exits. Async-signal-safe.
static void child_fail(int status_fd, int step, int error) __attribute__((noreturn));
static void child_fail(int status_fd, int step, int error) {
    int report[2] = {step, error};
    ssize_t ignored = write(status_fd, report, sizeof report);
    (void)ignored;
    _exit(127);
}

/// Closes every descriptor from `low` up except `keep` (which is close-on-exec and goes at execve).
/// Async-signal-safe.
static int child_close_from(int low, int keep, int max_fd) {
#if defined(__linux__) && defined(SYS_close_range)
    // Marking them close-on-exec keeps `keep` usable until execve, in one call (Linux 5.11).
    if (syscall(SYS_close_range, (unsigned)low, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return 0;
    // Linux 5.9 and 5.10: close around `keep`.
    if (keep > low && syscall(SYS_close_range, (unsigned)low, (unsigned)(keep - 1), 0) != 0) goto loop;
    if (syscall(SYS_close_range, (unsigned)(keep + 1), ~0U, 0) == 0) return 0;
loop:
#endif
    for (int fd = low; fd < max_fd; fd++) {
        if (fd != keep) close(fd);
    }
    return 0;
}

/// Duplicates `source` onto `target` unless `source` is -1 (inherit). Async-signal-safe.
static void child_map(int status_fd, int source, int target) {
    if (source < 0) return;
    while (dup2(source, target) < 0) {
        if (errno != EINTR) child_fail(status_fd, GIPC_SPAWN_STEP_CHILD, errno);
    }
}

static void child_exec(int status_fd, pid_t parent, const char *path, char *const argv[], char *const envp[],
                       const int *fds, int count, int stdout_fd, int stderr_fd, int parent_death_signal,
                       int max_fd) __attribute__((noreturn));
static void child_exec(int status_fd, pid_t parent, const char *path, char *const argv[], char *const envp[],
                       const int *fds, int count, int stdout_fd, int stderr_fd, int parent_death_signal,
                       int max_fd) {
    // Its own process group, led by itself (pgid == pid), before the parent learns that execve succeeded.
    if (setpgid(0, 0) != 0) child_fail(status_fd, GIPC_SPAWN_STEP_CHILD, errno);
#if defined(__linux__)
    if (parent_death_signal != 0) {
        if (prctl(PR_SET_PDEATHSIG, parent_death_signal) != 0) child_fail(status_fd, GIPC_SPAWN_STEP_CHILD, errno);
        // The parent may have died before prctl ran; the signal would then never come.
        if (getppid() != parent) _exit(127);
    }
#else
    (void)parent;
    (void)parent_death_signal;
#endif
    // Sources are all >= 3 + count, so no dup2 here overwrites a source still to be copied, and dup2 onto a
    // different descriptor clears close-on-exec on the target.
    child_map(status_fd, stdout_fd, 1);
    child_map(status_fd, stderr_fd, 2);
    for (int i = 0; i < count; i++) child_map(status_fd, fds[i], 3 + i);
    child_close_from(3 + count, status_fd, max_fd);

    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig == SIGKILL || sig == SIGSTOP) continue;
        if (sigaction(sig, &action, NULL) == 0) continue;
#if defined(GIPC_HAVE_KERNEL_SIGACTION)
        // glibc refuses its internal signals (32 and 33), and its posix_spawn leaves them ignored in every child
        // it starts, so this process may have inherited them ignored; ignored stays ignored across execve.
        struct gipc_kernel_sigaction kernel_action = {SIG_DFL, 0, NULL, 0};
        syscall(SYS_rt_sigaction, sig, &kernel_action, NULL, sizeof kernel_action.mask);
#endif
    }
    sigset_t empty;
    sigemptyset(&empty);
    sigprocmask(SIG_SETMASK, &empty, NULL);

    execve(path, argv, envp);
    child_fail(status_fd, GIPC_SPAWN_STEP_EXEC, errno);
}

int gipc_spawn_fork(pid_t *pid_out, const char *path, char *const argv[], char *const envp[], const int *fds,
                    int count, int stdout_fd, int stderr_fd, int parent_death_signal, int *failed_step) {
    // For the close loop on kernels without close_range; sysconf is not async-signal-safe, so ask before fork.
    long open_max = sysconf(_SC_OPEN_MAX);
    int max_fd = open_max > 0 && open_max < 0x7fffffff ? (int)open_max : 65536;
    int status_pipe[2];
#if defined(__linux__)
    if (pipe2(status_pipe, O_CLOEXEC) != 0) {
#else
    if (pipe(status_pipe) != 0) {
#endif
        *failed_step = GIPC_SPAWN_STEP_PIPE;
        return errno;
    }
#if !defined(__linux__)
    fcntl(status_pipe[0], F_SETFD, FD_CLOEXEC);
    fcntl(status_pipe[1], F_SETFD, FD_CLOEXEC);
#endif
    // The child's end must sit above the descriptors the child receives, or a dup2 would overwrite it.
    int status_fd = status_pipe[1];
    if (status_fd < 3 + count) {
        status_fd = fcntl(status_pipe[1], F_DUPFD_CLOEXEC, 3 + count);
        int saved = errno;
        close(status_pipe[1]);
        if (status_fd < 0) {
            close(status_pipe[0]);
            *failed_step = GIPC_SPAWN_STEP_PIPE;
            return saved;
        }
    }

    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid == 0) {
        close(status_pipe[0]);
        child_exec(status_fd, parent, path, argv, envp, fds, count, stdout_fd, stderr_fd, parent_death_signal, max_fd);
    }
    int fork_error = errno;
    close(status_fd);
    if (pid < 0) {
        close(status_pipe[0]);
        *failed_step = GIPC_SPAWN_STEP_FORK;
        return fork_error;
    }

    // End of file: execve succeeded (the pipe closed on exec). Two ints: the child failed and exits.
    int report[2] = {0, 0};
    size_t received = 0;
    while (received < sizeof report) {
        ssize_t n = read(status_pipe[0], (char *)report + received, sizeof report - received);
        if (n > 0) {
            received += (size_t)n;
        } else if (n == 0 || errno != EINTR) {
            break;
        }
    }
    close(status_pipe[0]);
    if (received == 0) {
        *pid_out = pid;
        return 0;
    }
    gipc_reap_blocking(pid);
    *failed_step = received == sizeof report ? report[0] : GIPC_SPAWN_STEP_CHILD;
    return received == sizeof report && report[1] != 0 ? report[1] : EIO;
}

int gipc_reap(pid_t pid, int *signaled, int *value) {
    siginfo_t info;
    for (;;) {
        memset(&info, 0, sizeof info);
        if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG) == 0) break;
        if (errno != EINTR) return -1;
    }
    if (info.si_pid == 0) return 0;
    *signaled = (info.si_code == CLD_KILLED || info.si_code == CLD_DUMPED) ? 1 : 0;
    *value = info.si_status;
    return 1;
}

int gipc_has_exited(pid_t pid) {
    siginfo_t info;
    for (;;) {
        memset(&info, 0, sizeof info);
        if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0) break;
        if (errno != EINTR) return -1;
    }
    return info.si_pid == 0 ? 0 : 1;
}

int gipc_reap_blocking(pid_t pid) {
    for (;;) {
        if (waitpid(pid, NULL, 0) == pid) return 0;
        if (errno != EINTR) return -1;
    }
}

int gipc_block_all_signals(void) {
    sigset_t all;
    sigfillset(&all);
    return pthread_sigmask(SIG_BLOCK, &all, NULL);
}
