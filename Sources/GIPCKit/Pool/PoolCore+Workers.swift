import GIPCRuntime
import GIPCTransport
import Synchronization

/// The workers' lives: starting, answering, ending, and the pool's own end.
extension PoolCore {
    // MARK: starting

    /// Starts workers while fewer run than the pool needs: ``PoolOptions/minWorkers`` while it runs, and as many as
    /// waiting work can use, up to ``PoolOptions/workers``.
    func ensureWorkers(_ state: inout State, _ effects: inout [Effect], delay: Duration = .zero) {
        var needed: Int
        switch state.phase {
        case .running: needed = options.minWorkers
        case .draining: needed = 0
        case .closed, .failed: return
        }
        let active = activeWorkers(state)
        let waiting = state.queue.count + state.blocked.count
        if waiting > 0 { needed = max(needed, min(options.workers, active + waiting)) }
        for _ in (active + state.starting)..<max(needed, active + state.starting) {
            state.starting += 1
            state.nextWorkerID += 1
            let workerID = state.nextWorkerID
            effects.append { [self] in Task { await self.launch(workerID, after: delay) } }
        }
    }

    /// The wait before starting a worker after `failures` consecutive deaths at start-up.
    func restartDelay(after failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        var delay = options.restartDelay
        for _ in 1..<min(failures, 20) { delay = min(delay * 2, options.maxRestartDelay) }
        return min(delay, options.maxRestartDelay)
    }

    /// Starts worker `workerID` and its driver, or records why it could not start.
    func launch(_ workerID: UInt64, after delay: Duration) async {
        if delay > .zero { try? await Task.sleep(for: delay) }
        // The pool may have ended or failed meanwhile: then this worker is not needed.
        var effects: [Effect] = []
        let needed = state.withLock { state -> Bool in
            switch state.phase {
            case .running, .draining: return true
            case .closed, .failed:
                state.starting -= 1
                endIfIdle(&state, &effects)
                return false
            }
        }
        Self.run(effects)
        guard needed else { return }
        let launched: PoolLauncher.Launched
        do {
            launched = try await launcher.start()
        } catch {
            var effects: [Effect] = []
            state.withLock { state in
                state.starting -= 1
                startFailed(GIPCError(error), &state, &effects)
                endIfIdle(&state, &effects)
            }
            Self.run(effects)
            return
        }
        let accepted = state.withLock { state -> Bool in
            switch state.phase {
            case .closed, .failed: return false
            case .running, .draining:
                state.starting -= 1
                state.workers[workerID] = Worker(process: launched.process)
                return true
            }
        }
        guard accepted else {
            // Still counted as starting until it is gone, so that the pool's end waits for it.
            _ = await launched.process.stop(gracePeriod: .zero)
            var ended: [Effect] = []
            state.withLock { state in
                state.starting -= 1
                endIfIdle(&state, &ended)
            }
            Self.run(ended)
            return
        }
        PoolWorkerDriver.start(core: self, workerID: workerID, launched: launched)
    }

    /// Counts a worker that could not start or died before it was ready; fails the pool after too many in a row.
    private func startFailed(_ error: GIPCError, _ state: inout State, _ effects: inout [Effect]) {
        state.consecutiveStartFailures += 1
        guard state.consecutiveStartFailures < options.maxStartFailures else {
            let failure = GIPCError(
                .poolFailed,
                "\(state.consecutiveStartFailures) workers in a row ended before they were ready (\(launcher.name)); "
                    + "the last: \(error.message)",
                syscall: error.syscall, errno: error.errno, pid: error.pid, underlying: error,
                exitStatus: error.exitStatus, standardErrorTail: error.standardErrorTail)
            fail(with: failure, &state, &effects)
            return
        }
        ensureWorkers(&state, &effects, delay: restartDelay(after: state.consecutiveStartFailures))
    }

    /// Fails the pool: queued work fails with `error`, workers take no more.
    private func fail(with error: GIPCError, _ state: inout State, _ effects: inout [Effect]) {
        if case .closed = state.phase { return }
        state.phase = .failed(error)
        for work in state.queue.removeAll() + state.blocked.removeAll() {
            state.failed += work.payloads.count
            effects.append { work.complete(.failed(error)) }
        }
        releaseIdleSenders(&state, &effects)
    }

    // MARK: answers

    /// Records that an entry worker finished its set-up.
    func workerReady(_ workerID: UInt64) {
        state.withLock { state in
            state.workers[workerID]?.ready = true
            state.consecutiveStartFailures = 0
        }
    }

    /// How many answers the worker owes for its oldest work; `nil` when it has none.
    func answersOwed(by workerID: UInt64) -> Int? {
        state.withLock { $0.workers[workerID]?.inFlight.first?.payloads.count }
    }

    /// Completes the worker's oldest work with `replies`.
    /// - Throws: ``GIPCError/Code/corruptStream`` when the worker answered work it was not given, or with the wrong
    ///   number of replies.
    func complete(_ workerID: UInt64, replies: [PoolReply]) throws(GIPCError) {
        var effects: [Effect] = []
        try state.withLock { (state: inout State) throws(GIPCError) in
            guard var worker = state.workers[workerID], let work = worker.inFlight.first else {
                throw GIPCError(.corruptStream, "the worker answered a job it was not given")
            }
            guard replies.count == work.payloads.count else {
                throw GIPCError(
                    .corruptStream, "the worker answered \(replies.count) jobs of a frame of \(work.payloads.count)")
            }
            worker.inFlight.removeFirst()
            if let timer = work.timer { reactor.cancelTimer(timer) }
            if !worker.inFlight.isEmpty { begin(&worker.inFlight[0], on: workerID) }
            let now = Deadline.now.nanoseconds
            for reply in replies {
                state.runTimes.add(now - (work.started?.nanoseconds ?? now))
                if reply.kind == .result { state.completed += 1 } else { state.failed += 1 }
            }
            worker.ready = true
            state.consecutiveStartFailures = 0
            worker.jobsDone += replies.count
            state.workers[workerID] = worker
            // A job whose timeout fired or that was cancelled keeps that outcome, even if its answer came meanwhile.
            let outcome = work.verdict ?? .replies(replies)
            effects.append { work.complete(outcome) }
            if let limit = options.maxJobsPerWorker, worker.jobsDone >= limit, !worker.retiring {
                retire(workerID, as: .recycled, &state, &effects)
            } else if takesWork(worker) {
                dispatch(&state, &effects)
            }
        }
        Self.run(effects)
    }

    /// Stops giving the worker work: it exits once it has answered what it has, and another takes its place.
    func retire(_ workerID: UInt64) {
        var effects: [Effect] = []
        state.withLock { state in
            guard let worker = state.workers[workerID], !worker.retiring else { return }
            retire(workerID, as: .recycled, &state, &effects)
        }
        Self.run(effects)
    }

    // MARK: ends

    /// Records that the worker's process ended: its unanswered work fails (or runs again, with retries), and a
    /// replacement starts when the pool needs one.
    /// - Parameters:
    ///   - status: how it ended.
    ///   - tail: the last lines of its standard error, when captured.
    ///   - reason: what went wrong on the pipes, if anything did.
    ///   - unreadJobBytes: the bytes of jobs the worker left unread in its pipe, when known.
    func workerEnded(
        _ workerID: UInt64, status: ExitStatus, tail: [String]?, reason: String?, unreadJobBytes: Int? = nil
    ) {
        var effects: [Effect] = []
        state.withLock { state in
            guard let worker = state.workers.removeValue(forKey: workerID) else { return }
            let unstarted = neverStarted(worker, unreadJobBytes: unreadJobBytes)
            if let timer = worker.idleTimer { reactor.cancelTimer(timer) }
            if let waiting = worker.waiting { effects.append { waiting.resume(returning: nil) } }
            let planned = worker.retiring && worker.inFlight.isEmpty && reason == nil
            let deliberate = worker.inFlight.contains { $0.verdict != nil }
            let crash = GIPCError(
                .workerCrashed,
                "worker \(worker.process.name) (pid \(worker.process.pid)) \(status) while running the job"
                    + (reason.map { " (\($0))" } ?? ""),
                pid: worker.process.pid, exitStatus: status, standardErrorTail: tail)
            var retried: [PoolWork] = []
            for (position, inFlight) in worker.inFlight.enumerated() {
                var work = inFlight
                if let timer = work.timer { reactor.cancelTimer(timer) }
                work.timer = nil
                work.started = nil
                let outcome: PoolWork.Outcome
                if let verdict = work.verdict {
                    outcome = verdict
                } else if case .closed(let error) = state.phase {
                    outcome = .failed(error)
                } else if case .failed(let error) = state.phase {
                    outcome = .failed(error)
                } else if position >= worker.inFlight.count - unstarted {
                    // It never started: it runs on another worker, and this is not an attempt.
                    retried.append(work)
                    continue
                } else if work.attempts < options.retries {
                    work.attempts += 1
                    retried.append(work)
                    continue
                } else {
                    outcome = .failed(crash)
                }
                if case .replies = outcome {} else { state.failed += work.payloads.count }
                let complete = work.complete
                effects.append { complete(outcome) }
            }
            for work in retried.reversed() { state.queue.prepend(work) }
            if planned {
                if worker.recycling { state.recycled += 1 }
                if worker.stopped, case .running = state.phase { state.restarts += 1 }
                ensureWorkers(&state, &effects)
            } else if !worker.ready && !deliberate && unstarted == worker.inFlight.count {
                switch state.phase {
                case .running, .draining: startFailed(crash, &state, &effects)
                case .closed, .failed: break
                }
            } else {
                if case .running = state.phase { state.restarts += 1 }
                ensureWorkers(&state, &effects)
            }
            dispatch(&state, &effects)
            endIfIdle(&state, &effects)
        }
        Self.run(effects)
    }

    /// How many of the worker's newest works never started when it ended: those whose frames it left unread in its
    /// pipe (the bytes tell). A Swift worker also starts nothing before its set-up is done and runs its frames one
    /// after another, so at most the oldest can have started.
    private func neverStarted(_ worker: Worker, unreadJobBytes: Int?) -> Int {
        var unread = unreadJobBytes ?? 0
        var count = 0
        for work in worker.inFlight.reversed() {
            let size = PoolWorkerDriver.frameBytes(of: work, framing: launcher.framing)
            guard unread >= size else { break }
            unread -= size
            count += 1
        }
        switch launcher.framing {
        case .batches: return worker.ready ? max(count, worker.inFlight.count - 1) : worker.inFlight.count
        case .frames: return count
        }
    }

    /// Resumes the tasks waiting for the pool to end once no worker runs or starts.
    func endIfIdle(_ state: inout State, _ effects: inout [Effect]) {
        guard state.workers.isEmpty, state.starting == 0, !state.endWaiters.isEmpty else { return }
        switch state.phase {
        case .running: return
        case .draining where !(state.queue.isEmpty && state.blocked.isEmpty): return
        default: break
        }
        let waiters = state.endWaiters
        state.endWaiters = []
        effects.append { for waiter in waiters { waiter.resume() } }
    }

    // MARK: the pool's end

    /// Takes no more jobs, runs those taken, lets every worker exit, and returns once none runs.
    func drain() async {
        await waitForEnd { [self] state, effects in
            if case .running = state.phase { state.phase = .draining }
            if state.queue.isEmpty && state.blocked.isEmpty { releaseIdleSenders(&state, &effects) }
            ensureWorkers(&state, &effects)
        }
    }

    /// Fails every job not yet answered with `error`, stops every worker, and returns once none runs.
    func close(with error: GIPCError) async {
        await waitForEnd { [self] state, effects in
            switch state.phase {
            case .closed: break
            default: state.phase = .closed(error)
            }
            for work in state.queue.removeAll() + state.blocked.removeAll() {
                state.failed += work.payloads.count
                effects.append { work.complete(.failed(error)) }
            }
            releaseIdleSenders(&state, &effects)
            let grace = options.gracePeriod
            for worker in state.workers.values {
                let process = worker.process
                effects.append { Task { _ = await process.stop(gracePeriod: grace) } }
            }
        }
    }

    private func waitForEnd(_ change: @escaping @Sendable (inout State, inout [Effect]) -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            var effects: [Effect] = []
            state.withLock { state in
                change(&state, &effects)
                state.endWaiters.append(continuation)
                endIfIdle(&state, &effects)
            }
            Self.run(effects)
        }
    }

    /// A snapshot of the pool's counters and times.
    var statistics: PoolStatistics {
        state.withLock { state in
            let running = state.workers.values.reduce(0) { sum, worker in
                sum + worker.inFlight.reduce(0) { $0 + $1.payloads.count }
            }
            return PoolStatistics(
                queued: state.queue.jobCount + state.blocked.jobCount, running: running, completed: state.completed,
                failed: state.failed, restarts: state.restarts, recycled: state.recycled,
                workers: state.workers.count, workerProcessIDs: state.workers.values.map(\.process.pid).sorted(),
                waitTime: state.waitTimes.percentiles,
                runTime: state.runTimes.percentiles)
        }
    }
}

extension PoolCore {
    /// Starts the first worker here, so that a pool that cannot start at all (no such entry or executable) throws
    /// at once, then the rest of ``PoolOptions/minWorkers`` in the background.
    func startFirstWorkers() async throws {
        guard options.minWorkers > 0 else { return }
        let launched = try await launcher.start()
        let workerID = state.withLock { state in
            state.nextWorkerID += 1
            state.workers[state.nextWorkerID] = Worker(process: launched.process)
            return state.nextWorkerID
        }
        PoolWorkerDriver.start(core: self, workerID: workerID, launched: launched)
        var effects: [Effect] = []
        state.withLock { ensureWorkers(&$0, &effects) }
        Self.run(effects)
    }
}
