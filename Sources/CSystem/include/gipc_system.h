#ifndef GIPC_SYSTEM_H
#define GIPC_SYSTEM_H

#include <stdint.h>

#include "gipc_descriptors.h"
#include "gipc_poller.h"
#include "gipc_process.h"
#include "gipc_socket.h"

// What Glibc does not expose, one header per concern; this one also has the clock, thread names and the SIGPIPE
// policy (gipc_system.c).

/// Monotonic clock in nanoseconds.
int64_t gipc_monotonic_nanos(void);

/// Names the calling thread (shown by ps, top and debuggers).
void gipc_set_thread_name(const char *name);

/// Ignores SIGPIPE for the whole process.
void gipc_ignore_sigpipe(void);

#endif
