#ifndef GIPC_PROCESS_H
#define GIPC_PROCESS_H

#include <spawn.h>
#include <sys/types.h>

// Processes: pidfds and spawn helpers (gipc_process.c; spawning itself is in gipc_spawn.h).

/// pidfd_open(2). Returns a pidfd (O_CLOEXEC) or -1 with errno (ENOSYS where unavailable).
int gipc_pidfd_open(pid_t pid);

/// pidfd_send_signal(2). Returns 0 or -1 with errno.
int gipc_pidfd_send_signal(int pidfd, int sig);

/// Adds a "close every fd >= low" action to a spawn file-actions object (glibc >= 2.34).
/// Returns 0, or ENOSYS where the C library lacks it.
int gipc_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int low);

/// Fills `set` with every signal and sets default dispositions on spawn, with an empty mask.
int gipc_spawnattr_reset_signals(posix_spawnattr_t *attr);

/// Makes the spawned child lead a process group of its own (pgid == pid): POSIX_SPAWN_SETPGROUP with pgroup 0.
/// Returns 0 or an error number.
int gipc_spawnattr_new_process_group(posix_spawnattr_t *attr);

/// Sets the name `ps -e`, `top` and /proc/<pid>/comm show for this process (Linux: the main thread's name,
/// prctl(PR_SET_NAME) when called on it; at most 15 bytes are kept). Returns 0 or an error number (ENOSYS
/// elsewhere).
int gipc_set_process_name(const char *name);

#endif
