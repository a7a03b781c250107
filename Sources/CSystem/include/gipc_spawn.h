#ifndef GIPC_SPAWN_H
#define GIPC_SPAWN_H

#include <sys/types.h>

/// Which step of ``gipc_spawn_fork`` failed.
enum {
    GIPC_SPAWN_STEP_PIPE = 1,   ///< creating the exec-status pipe in the parent
    GIPC_SPAWN_STEP_FORK = 2,   ///< fork(2)
    GIPC_SPAWN_STEP_CHILD = 3,  ///< preparing the child (prctl, dup2, closing descriptors)
    GIPC_SPAWN_STEP_EXEC = 4,   ///< execve(2)
};

/// Starts `path` with fork and execve, for what posix_spawn cannot do between the two: the parent-death signal.
///
/// In the child, only async-signal-safe calls run: setpgid(0, 0) (the child leads its own process group); if
/// `parent_death_signal` is nonzero, prctl(PR_SET_PDEATHSIG) and a check that the parent is still there (otherwise
/// `_exit(127)`); `stdout_fd` and `stderr_fd` duplicated onto 1 and 2 unless they are -1 (inherit); `fds[i]`
/// duplicated onto `3 + i`; every other descriptor from `3 + count` up closed (close_range, or a loop up to the
/// descriptor limit); every signal's disposition set to default and an empty signal mask; execve. The caller must
/// pass sources (`stdout_fd` and `stderr_fd` included) that are all `>= 3 + count` (so no dup2 overwrites a later
/// source) and should call this from a thread that blocks every signal (no handler of the parent then runs in the
/// child before execve).
///
/// An exec failure is reported through a close-on-exec pipe; the failed child is then reaped here.
///
/// - Returns: 0 with `*pid_out` set, or an errno value with `*failed_step` set to a GIPC_SPAWN_STEP_* value.
int gipc_spawn_fork(pid_t *pid_out, const char *path, char *const argv[], char *const envp[], const int *fds,
                    int count, int stdout_fd, int stderr_fd, int parent_death_signal, int *failed_step);

/// Reaps `pid` if it has exited, with waitid(P_PID, pid, WEXITED | WNOHANG): never any other child.
///
/// - Returns: 1 when reaped (`*signaled` is 1 if a signal ended it, `*value` the exit code or signal number),
///   0 while it runs, -1 with errno on failure (ECHILD: not our child, or already reaped by other code).
int gipc_reap(pid_t pid, int *signaled, int *value);

/// Whether `pid` has exited, without reaping it (waitid with WNOWAIT): its pid and process group ID stay reserved.
///
/// - Returns: 1 when it has exited (a zombie), 0 while it runs, -1 with errno (ECHILD: not our child, or reaped).
int gipc_has_exited(pid_t pid);

/// Reaps `pid`, waiting for it to exit (waitpid on that pid only, EINTR retried). Returns 0 or -1 with errno.
int gipc_reap_blocking(pid_t pid);

/// Blocks every signal in the calling thread. Returns 0 or an error number.
int gipc_block_all_signals(void);

#endif
