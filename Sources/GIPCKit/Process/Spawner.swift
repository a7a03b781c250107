import CGIPCSystem
import GIPCRuntime
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The one thread that starts every child process of this process.
///
/// Why a dedicated thread, for both the posix_spawn and the fork paths:
/// - Linux delivers `PR_SET_PDEATHSIG` when the *thread* that created the child exits, not the process. Threads
///   of Swift's cooperative pool (and of Dispatch) may exit when idle, which would kill daemon children long
///   before their parent dies. This thread is started on first use and never exits, so "parent thread died"
///   means "parent process died".
/// - It blocks every signal. A child forked from it starts with every signal blocked, so no signal handler of
///   this process ever runs in the child between fork and execve; the child then resets dispositions and the
///   mask itself (posix_spawn children get the same through their spawn attributes).
/// - Waiting for a forked child's execve to report success happens here, not on a pool thread.
///
/// Callers hand it a job and suspend on a continuation until the job has run; spawning is serialised, which
/// also keeps the descriptor duplication of one spawn from interleaving with another's.
final class Spawner: @unchecked Sendable {  // `jobs` is only touched with `lock` held
    typealias Job = @Sendable () -> Void

    /// The spawner of this process once its thread has started.
    private static let instance = Mutex<Spawner?>(nil)

    /// The spawner of this process; its thread starts on first use.
    /// - Throws: ``RuntimeError/systemFailure(_:syscall:errno:fileDescriptor:)`` when the thread cannot start (a thread
    ///   limit); the next call tries again.
    static func running() throws(RuntimeError) -> Spawner {
        try instance.withLock { (slot: inout Spawner?) throws(RuntimeError) -> Spawner in
            if let spawner = slot { return spawner }
            let spawner = Spawner()
            try DedicatedThread.start(name: "gipc-spawner") { spawner.runLoop() }
            slot = spawner
            return spawner
        }
    }

    private let lock: UnsafeMutablePointer<pthread_mutex_t>
    private let jobsAvailable: UnsafeMutablePointer<pthread_cond_t>
    private var jobs: [Job] = []

    private init() {
        // Default attributes: these calls cannot fail on Linux or Darwin.
        lock = .allocate(capacity: 1)
        jobsAvailable = .allocate(capacity: 1)
        pthread_mutex_init(lock, nil)
        pthread_cond_init(jobsAvailable, nil)
    }

    /// Runs `body` on the spawner thread and returns its result. The calling task suspends; no thread blocks.
    /// Not cancellable: a spawn, once handed over, completes (so a started child is never lost).
    func run<Result: Sendable>(_ body: @escaping @Sendable () -> Result) async -> Result {
        await withCheckedContinuation { (continuation: CheckedContinuation<Result, Never>) in
            submit { continuation.resume(returning: body()) }
        }
    }

    private func submit(_ job: @escaping Job) {
        pthread_mutex_lock(lock)
        jobs.append(job)
        pthread_cond_signal(jobsAvailable)
        pthread_mutex_unlock(lock)
    }

    private func runLoop() -> Never {
        precondition(gipc_block_all_signals() == 0, "GIPCKit: cannot block signals on the spawner thread")
        while true {
            pthread_mutex_lock(lock)
            while jobs.isEmpty { pthread_cond_wait(jobsAvailable, lock) }
            let batch = jobs
            jobs.removeAll(keepingCapacity: true)
            pthread_mutex_unlock(lock)
            for job in batch { job() }
        }
    }
}
