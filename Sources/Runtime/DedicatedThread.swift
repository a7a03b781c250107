import CGIPCSystem

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Threads that live as long as the process, for the library's own loops: the reactor, the spawner.
///
/// They are plain detached pthreads, not pool threads: a pool thread may exit when idle, and some kernel state
/// follows the thread that set it up (a child's parent-death signal follows the thread that forked it).
package enum DedicatedThread {
    private final class Box {
        let name: String
        let body: () -> Never
        init(name: String, body: @escaping () -> Never) {
            self.name = name
            self.body = body
        }
    }

    /// Starts a detached thread named `name` (as `ps` and debuggers show it) that runs `body` forever.
    /// - Parameters:
    ///   - name: the thread's name; at most 15 bytes are kept on Linux.
    ///   - body: the thread's loop; it never returns.
    /// - Throws: ``RuntimeError/systemFailure(_:syscall:errno:fileDescriptor:)`` when the system refuses another thread
    ///   (`EAGAIN`: a thread or process limit); `body` is released then.
    package static func start(name: String, _ body: @escaping @Sendable () -> Never) throws(RuntimeError) {
        let box = Unmanaged.passRetained(Box(name: name, body: body))
        #if canImport(Darwin)
            var thread: pthread_t? = nil
        #else
            var thread = pthread_t()
        #endif
        let rc = pthread_create(
            &thread, nil,
            { context in
                #if canImport(Darwin)
                    let box = Unmanaged<Box>.fromOpaque(context).takeRetainedValue()
                #else
                    let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
                #endif
                box.name.withCString { gipc_set_thread_name($0) }
                box.body()
            }, box.toOpaque())
        guard rc == 0 else {
            box.release()
            throw RuntimeError.system("pthread_create (the \(name) thread)", errno: rc)
        }
        #if canImport(Darwin)
            if let thread { pthread_detach(thread) }
        #else
            pthread_detach(thread)
        #endif
    }
}
