#ifndef GIPC_FORKSERVER_H
#define GIPC_FORKSERVER_H

#include <sys/types.h>

// The forkserver start method (Linux): a helper process, this same program re-executed, that forks a child per
// request. The helper mode is detected by a constructor in gipc_forkserver.c, before `main` and before anything in
// the program could start a thread; the helper runs only the C code in that file and never returns to `main`. Each
// child it forks is made the caller's child (clone with CLONE_PARENT), set up as gipc_spawn_fork would set up a
// child before execve, and then returns from the constructor: it runs the program's `main` from the start, as a
// freshly executed child would.

/// The environment variable that puts a program into helper mode: "<socket descriptor>:<parent pid>".
#define GIPC_FORKSERVER_VARIABLE "GIPC_FORKSERVER"

/// The most descriptors one request carries (standard streams and working directory included): SCM_RIGHTS takes
/// at most 253 per message.
#define GIPC_FORKSERVER_MAX_DESCRIPTORS 250

/// Which step of a forkserver start failed (beyond the GIPC_SPAWN_STEP_* values of gipc_spawn.h).
enum {
    GIPC_FORKSERVER_STEP_SEND = 11,     ///< sending the request: the helper is gone (EPIPE) or stuck
    GIPC_FORKSERVER_STEP_REPLY = 12,    ///< waiting for the reply: the helper closed its socket or timed out
    GIPC_FORKSERVER_STEP_CLONE = 13,    ///< clone(2) in the helper
    GIPC_FORKSERVER_STEP_CHILD = 14,    ///< setting up the child (setpgid, prctl, dup2, fchdir, closing descriptors)
    GIPC_FORKSERVER_STEP_REQUEST = 15,  ///< the helper refused the request (too large, malformed)
};

/// Opens the current working directory for handing to a child: open(".", O_PATH | O_DIRECTORY | O_CLOEXEC).
/// Returns the descriptor or -1 with errno.
int gipc_forkserver_open_cwd(void);

/// Waits up to `timeout_ms` for the helper's greeting on `socket_fd`, which it sends once it is ready.
///
/// - Returns: 0, or an errno value (ETIMEDOUT; EPROTO for anything but the greeting, such as end of file when the
///   program is not a GIPCKit program or exited).
int gipc_forkserver_await_ready(int socket_fd, int timeout_ms);

/// Asks the helper on `socket_fd` for a child and waits up to `timeout_ms` for each of its replies.
///
/// The child gets `stdin_fd`, `stdout_fd` and `stderr_fd` as 0, 1 and 2 (-1: closed), `fds[i]` as `3 + i`, and
/// nothing else; its working directory is the directory `cwd_fd` refers to; its environment is `envp`; its argv
/// is `{name, NULL}` (the name written over the helper's own argument area, cut if it does not fit); it leads its
/// own process group; with a nonzero `death_signal`, it gets that signal when the calling thread's process dies.
/// Its signal dispositions and mask are those of a freshly executed copy of the program (the helper's).
///
/// - Returns: 0 with `*pid_out` set, or an errno value with `*failed_step` set (a GIPC_FORKSERVER_STEP_* value) and
///   `*pid_out` set to the child's pid when a child was made (the caller must then stop and reap it) or -1.
int gipc_forkserver_request(int socket_fd, const int *fds, int count, int stdin_fd, int stdout_fd, int stderr_fd,
                            int cwd_fd, int death_signal, const char *name, char *const envp[], int timeout_ms,
                            pid_t *pid_out, int *failed_step);

#endif
