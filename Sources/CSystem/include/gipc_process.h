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

#endif
