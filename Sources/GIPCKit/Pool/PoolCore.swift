import GIPCRuntime
import GIPCTransport
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The state of a pool: its queue, its workers and what each one runs, under one lock.
///
/// Every decision is made under the lock; what it leads to (completing work, resuming a worker's sender, starting
/// or killing a process) is collected as effects and carried out once the lock is released. Each worker has a
/// sender task that asks ``nextWork(for:)`` for work and a receiver task that reports answers (``complete(_:replies:)``)
/// and the worker's end (``workerEnded(_:status:tail:reason:)``); see ``PoolWorkerDriver``.
final class PoolCore: Sendable {
    typealias Effect = @Sendable () -> Void

    enum Phase: Sendable {
        /// Taking jobs.
        case running
        /// Refusing new jobs, running those taken, then letting the workers exit.
        case draining
        /// Shut down: queued work has failed, workers are being stopped.
        case closed(GIPCError)
        /// Workers kept dying at start-up.
        case failed(GIPCError)
    }

    struct Worker: Sendable {
        var process: ChildProcess
        /// Sent, not yet answered, oldest first.
        var inFlight: [PoolWork] = []
        /// The sender, while it waits for work.
        var waiting: CheckedContinuation<PoolWork?, Never>? = nil
        var idleTimer: UInt64? = nil
        /// Set-up done (entry workers), or answered once (executables).
        var ready = false
        /// Takes no more work; its sender closes the jobs pipe.
        var retiring = false
        /// Retiring as planned (recycling, idleness), not because the pool ends.
        var recycling = false
        /// Being killed for a job's timeout or cancellation: it takes no more work, and its replacement is a restart.
        var stopped = false
        var jobsDone = 0
    }

    /// The workers that still take work.
    func activeWorkers(_ state: State) -> Int {
        state.workers.values.reduce(0) { $0 + ($1.retiring ? 0 : 1) }
    }

    /// Why a worker takes no more work.
    enum Retirement {
        /// Planned: its job limit, its memory.
        case recycled
        /// It is being killed for a job's timeout or cancellation.
        case stopped
    }

    /// The worker takes no more work: its waiting sender is released (and closes the jobs pipe), a worker that is
    /// `stopped` is killed, and another starts in its place.
    func retire(_ workerID: UInt64, as reason: Retirement, _ state: inout State, _ effects: inout [Effect]) {
        guard var worker = state.workers[workerID] else { return }
        worker.retiring = true
        switch reason {
        case .recycled: worker.recycling = true
        case .stopped: worker.stopped = true
        }
        if let waiting = worker.waiting {
            worker.waiting = nil
            effects.append { waiting.resume(returning: nil) }
        }
        state.workers[workerID] = worker
        if reason == .stopped { effects.append(kill(worker.process)) }
        ensureWorkers(&state, &effects)
    }

    struct State: Sendable {
        var phase = Phase.running
        /// Work waiting for a worker, at most ``PoolOptions/queueCapacity`` of it.
        var queue = PoolQueue()
        /// Work of submitters suspended because the queue is full.
        var blocked = PoolQueue()
        var workers: [UInt64: Worker] = [:]
        /// Workers being started (or waiting to be, after a crash).
        var starting = 0
        var nextWorkerID: UInt64 = 0
        var nextWorkID: UInt64 = 0
        var consecutiveStartFailures = 0
        var completed = 0
        var failed = 0
        var restarts = 0
        var recycled = 0
        var waitTimes = SampleRing()
        var runTimes = SampleRing()
        var endWaiters: [CheckedContinuation<Void, Never>] = []
    }

    let options: PoolOptions
    let launcher: PoolLauncher
    let reactor: Reactor
    let state = Mutex(State())

    init(options: PoolOptions, launcher: PoolLauncher, reactor: Reactor) {
        self.options = options
        self.launcher = launcher
        self.reactor = reactor
    }

    static func run(_ effects: [Effect]) {
        for effect in effects { effect() }
    }

    // MARK: submitting

    /// Runs `payloads` as one frame of work on some worker and returns the replies, one per payload.
    /// - Throws: ``GIPCError`` (``GIPCError/Code/workerCrashed``, ``GIPCError/Code/timedOut``,
    ///   ``GIPCError/Code/closed``, ``GIPCError/Code/poolFailed``), `CancellationError`.
    func run(_ payloads: [[UInt8]]) async throws -> [PoolReply] {
        let id = state.withLock { state in
            state.nextWorkID += 1
            return state.nextWorkID
        }
        let outcome = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<PoolWork.Outcome, Never>) in
                submit(PoolWork(id: id, payloads: payloads) { continuation.resume(returning: $0) })
                // A cancellation that came before the work was queued found nothing to cancel.
                if Task.isCancelled { cancel(id) }
            }
        } onCancel: {
            cancel(id)
        }
        switch outcome {
        case .replies(let replies): return replies
        case .failed(let error): throw error
        case .cancelled: throw CancellationError()
        }
    }

    /// Queues `work` (or holds it while the queue is full), or fails it if the pool takes no more.
    func submit(_ work: PoolWork) {
        var effects: [Effect] = []
        state.withLock { state in
            switch state.phase {
            case .running:
                if state.queue.count < options.queueCapacity {
                    state.queue.append(work)
                    dispatch(&state, &effects)
                } else {
                    state.blocked.append(work)
                }
                ensureWorkers(&state, &effects)
            case .draining:
                effects.append { work.complete(.failed(GIPCError(.closed, "the pool is shutting down"))) }
            case .closed(let error), .failed(let error):
                effects.append { work.complete(.failed(error)) }
            }
        }
        Self.run(effects)
    }

    /// Cancels the work with `id`: removed if it waits, its worker stopped if it runs.
    func cancel(_ id: UInt64) {
        var effects: [Effect] = []
        state.withLock { state in
            if let work = state.queue.remove(id: id) ?? state.blocked.remove(id: id) {
                refill(&state)
                state.failed += work.payloads.count
                effects.append { work.complete(.cancelled) }
                return
            }
            for (workerID, worker) in state.workers {
                guard let index = worker.inFlight.firstIndex(where: { $0.id == id }) else { continue }
                if state.workers[workerID]!.inFlight[index].verdict == nil {
                    state.workers[workerID]!.inFlight[index].verdict = .cancelled
                }
                // Only the oldest work runs; one sent behind it is answered and its answer dropped.
                if index == 0 { retire(workerID, as: .stopped, &state, &effects) }
                return
            }
        }
        Self.run(effects)
    }

    // MARK: scheduling

    /// Hands queued work to waiting senders.
    func dispatch(_ state: inout State, _ effects: inout [Effect]) {
        while !state.queue.isEmpty {
            guard
                let workerID = state.workers.first(where: { takesWork($0.value) })?.key
            else { break }
            var work = state.queue.popFirst()!
            refill(&state)
            let continuation = handOut(&work, to: workerID, &state, &effects)
            let handed = work
            effects.append { continuation.resume(returning: handed) }
        }
        if case .draining = state.phase, state.queue.isEmpty, state.blocked.isEmpty {
            releaseIdleSenders(&state, &effects)
        }
    }

    /// Records `work` as running on `workerID`, arms its timeout, and takes the worker's waiting sender.
    private func handOut(
        _ work: inout PoolWork, to workerID: UInt64, _ state: inout State, _ effects: inout [Effect]
    ) -> CheckedContinuation<PoolWork?, Never> {
        assign(&work, to: workerID, &state)
        let continuation = state.workers[workerID]!.waiting!
        state.workers[workerID]!.waiting = nil
        return continuation
    }

    /// Records `work` as sent to `workerID`: its wait time, its start (and timeout) if the worker has nothing else.
    private func assign(_ work: inout PoolWork, to workerID: UInt64, _ state: inout State) {
        let now = Deadline.now
        for _ in work.payloads { state.waitTimes.add(now.nanoseconds - work.submitted.nanoseconds) }
        if state.workers[workerID]!.inFlight.isEmpty { begin(&work, on: workerID) }
        state.workers[workerID]!.inFlight.append(work)
        if let timer = state.workers[workerID]!.idleTimer {
            reactor.cancelTimer(timer)
            state.workers[workerID]!.idleTimer = nil
        }
    }

    /// Records that the worker starts `work` now (it is the oldest it has), and arms its timeout.
    func begin(_ work: inout PoolWork, on workerID: UInt64) {
        let now = Deadline.now
        work.started = now
        guard let timeout = options.jobTimeout else { return }
        let workID = work.id
        let limit = timeout * work.payloads.count
        work.timer = reactor.schedule(at: .after(limit) ?? now) { [self] in timedOut(workID, on: workerID) }
    }

    /// Moves held work into the queue while there is room.
    func refill(_ state: inout State) {
        while state.queue.count < options.queueCapacity, let work = state.blocked.popFirst() {
            state.queue.append(work)
        }
    }

    /// Resumes every waiting sender with `nil`: their workers take no more work.
    func releaseIdleSenders(_ state: inout State, _ effects: inout [Effect]) {
        for (id, worker) in state.workers {
            guard let continuation = worker.waiting else { continue }
            state.workers[id]!.waiting = nil
            state.workers[id]!.retiring = true
            effects.append { continuation.resume(returning: nil) }
        }
    }

    /// The next work for the worker's sender; `nil` when the worker is to take no more (its sender then closes the
    /// jobs pipe, and the worker exits once it has answered what it has).
    func nextWork(for workerID: UInt64) async -> PoolWork? {
        // While work waits, the worker takes it without suspending: the common case of a busy pool.
        let ready = state.withLock { state -> PoolWork? in
            switch state.phase {
            case .closed, .failed: return nil
            case .running, .draining: break
            }
            guard let worker = state.workers[workerID], !worker.retiring,
                worker.inFlight.count < options.jobsInFlightPerWorker, var work = state.queue.popFirst()
            else { return nil }
            refill(&state)
            assign(&work, to: workerID, &state)
            return work
        }
        if let ready { return ready }
        return await withCheckedContinuation { (continuation: CheckedContinuation<PoolWork?, Never>) in
            var effects: [Effect] = []
            state.withLock { state in
                guard let worker = state.workers[workerID], !worker.retiring else {
                    effects.append { continuation.resume(returning: nil) }
                    return
                }
                switch state.phase {
                case .closed, .failed:
                    effects.append { continuation.resume(returning: nil) }
                    return
                case .draining where state.queue.isEmpty && state.blocked.isEmpty:
                    state.workers[workerID]!.retiring = true
                    effects.append { continuation.resume(returning: nil) }
                    return
                default:
                    break
                }
                state.workers[workerID]!.waiting = continuation
                if worker.inFlight.count < options.jobsInFlightPerWorker {
                    dispatch(&state, &effects)
                }
                if state.workers[workerID]!.waiting != nil, case .running = state.phase,
                    activeWorkers(state) > options.minWorkers, worker.inFlight.isEmpty
                {
                    let deadline = Deadline.after(options.idleTimeout) ?? .now
                    state.workers[workerID]!.idleTimer = reactor.schedule(at: deadline) { [self] in
                        idle(workerID)
                    }
                }
            }
            Self.run(effects)
        }
    }

    /// Whether the worker's sender waits for work and the worker may take more.
    func takesWork(_ worker: Worker) -> Bool {
        worker.waiting != nil && !worker.retiring && worker.inFlight.count < options.jobsInFlightPerWorker
    }

    /// Retires a worker that stayed without work for ``PoolOptions/idleTimeout`` while the pool has more than
    /// ``PoolOptions/minWorkers``.
    private func idle(_ workerID: UInt64) {
        var effects: [Effect] = []
        state.withLock { state in
            guard case .running = state.phase, let worker = state.workers[workerID], let waiting = worker.waiting,
                worker.inFlight.isEmpty, activeWorkers(state) > options.minWorkers
            else { return }
            state.workers[workerID]!.waiting = nil
            state.workers[workerID]!.idleTimer = nil
            state.workers[workerID]!.retiring = true
            state.workers[workerID]!.recycling = true
            effects.append { waiting.resume(returning: nil) }
        }
        Self.run(effects)
    }

    private func timedOut(_ workID: UInt64, on workerID: UInt64) {
        var effects: [Effect] = []
        state.withLock { state in
            guard let worker = state.workers[workerID],
                let index = worker.inFlight.firstIndex(where: { $0.id == workID }),
                worker.inFlight[index].verdict == nil
            else { return }
            let limit = options.jobTimeout.map { "\($0 * worker.inFlight[index].payloads.count)" } ?? "its limit"
            state.workers[workerID]!.inFlight[index].verdict = .failed(
                GIPCError(
                    .timedOut, "the job ran longer than \(limit); its worker was stopped", pid: worker.process.pid))
            retire(workerID, as: .stopped, &state, &effects)
        }
        Self.run(effects)
    }

    func kill(_ process: ChildProcess) -> Effect {
        { try? process.signalGroup(SIGKILL) }
    }
}

extension PoolCore {
    /// A new work identifier.
    func makeWorkID() -> UInt64 {
        state.withLock { state in
            state.nextWorkID += 1
            return state.nextWorkID
        }
    }
}
