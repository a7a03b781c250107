// TSan annotations for Synchronization.Mutex on Linux, preloaded by `make tsan` (LD_PRELOAD).
//
// Mutex's fast paths are compare-and-swaps inlined into the caller, which ThreadSanitizer instruments. Its
// contended paths, _MutexHandle._lockSlow and _unlockSlow, live in libswiftSynchronization.so, which is not
// instrumented, and hand the lock over with FUTEX_LOCK_PI / FUTEX_UNLOCK_PI system calls. TSan never sees that
// handover, so it reports every contended withLock as a data race (see docs/RELIABILITY.md, "TSan and Mutex").
// These wrappers interpose the two slow paths and tell TSan what they do: release before unlocking, acquire after
// locking, on the mutex word. Nothing is suppressed: a real race elsewhere is still reported.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>

// Weak: a program started by the tests without TSan (python3, /bin/true) loads this file too and never calls these.
__attribute__((weak)) void __tsan_acquire(void *addr);
__attribute__((weak)) void __tsan_release(void *addr);

#define SWIFTCALL __attribute__((swiftcall))
#define SELF __attribute__((swift_context))

typedef SWIFTCALL void (*lock_slow_fn)(uint32_t, void *SELF);
typedef SWIFTCALL void (*unlock_slow_fn)(void *SELF);

static void *real(const char *name) {
    void *fn = dlsym(RTLD_NEXT, name);
    if (!fn) {
        fprintf(stderr, "mutex_tsan_shim: %s not found\n", name);
        abort();
    }
    return fn;
}

// Synchronization._MutexHandle._lockSlow(Swift.UInt32) -> ()
SWIFTCALL void gipc_tsan_lock_slow(uint32_t owner, void *SELF handle) __asm__("$s15Synchronization12_MutexHandleV9_lockSlowyys6UInt32VF");
SWIFTCALL void gipc_tsan_lock_slow(uint32_t owner, void *SELF handle) {
    static lock_slow_fn fn;
    if (!fn) fn = (lock_slow_fn)real("$s15Synchronization12_MutexHandleV9_lockSlowyys6UInt32VF");
    fn(owner, handle);
    if (__tsan_acquire) __tsan_acquire(handle);
}

// Synchronization._MutexHandle._unlockSlow() -> ()
SWIFTCALL void gipc_tsan_unlock_slow(void *SELF handle) __asm__("$s15Synchronization12_MutexHandleV11_unlockSlowyyF");
SWIFTCALL void gipc_tsan_unlock_slow(void *SELF handle) {
    static unlock_slow_fn fn;
    if (!fn) fn = (unlock_slow_fn)real("$s15Synchronization12_MutexHandleV11_unlockSlowyyF");
    if (__tsan_release) __tsan_release(handle);
    fn(handle);
}
