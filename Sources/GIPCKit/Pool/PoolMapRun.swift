import Synchronization

/// One iteration of a pool's `map`: the input read ahead within a window, the outcomes waiting to be taken, and
/// the work still in the pool.
final class PoolMapRun<Value: Sendable>: Sendable {
    private struct State {
        /// Outcomes not yet taken: by index when ordered, in arrival order otherwise.
        var byIndex: [Int: PoolOutcome<Value>] = [:]
        var arrived: [PoolOutcome<Value>] = []
        var arrivedHead = 0
        var nextIndex = 0
        /// Jobs read and not yet taken.
        var outstanding = 0
        var taken = 0
        /// The number of jobs the input had, once it ended.
        var inputCount: Int? = nil
        var inputError: (any Error)? = nil
        var cancelled = false
        var consumer: CheckedContinuation<PoolOutcome<Value>?, any Error>? = nil
        var producer: (needed: Int, continuation: CheckedContinuation<Bool, Never>)? = nil
        var work: Set<UInt64> = []
        var producerTask: Task<Void, Never>? = nil
    }

    private let ordered: Bool
    private let window: Int
    private let cancelWork: @Sendable (UInt64) -> Void
    private let state = Mutex(State())

    init(ordered: Bool, window: Int, cancelWork: @escaping @Sendable (UInt64) -> Void) {
        self.ordered = ordered
        self.window = window
        self.cancelWork = cancelWork
    }

    /// Starts reading the input in a task of its own.
    func start(_ produce: @escaping @Sendable (PoolMapRun<Value>) async -> Void) {
        let task = Task { await produce(self) }
        state.withLock { $0.producerTask = task }
    }

    // MARK: the producer

    /// Waits until `count` more jobs fit in the window; `false` once the run is cancelled.
    func waitForRoom(for count: Int) async -> Bool {
        let admitted = state.withLock { state -> Bool in
            guard !state.cancelled, state.outstanding == 0 || state.outstanding + count <= window else { return false }
            state.outstanding += count
            return true
        }
        if admitted { return true }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let admitted = state.withLock { state -> Bool? in
                if state.cancelled { return false }
                if state.outstanding == 0 || state.outstanding + count <= window {
                    state.outstanding += count
                    return true
                }
                state.producer = (count, continuation)
                return nil
            }
            if let admitted { continuation.resume(returning: admitted) }
        }
    }

    /// Records work the pool runs for this map; `false` (and nothing recorded) once the map is cancelled.
    func track(_ id: UInt64) -> Bool {
        state.withLock { state in
            guard !state.cancelled else { return false }
            state.work.insert(id)
            return true
        }
    }

    func untrack(_ id: UInt64) { state.withLock { _ = $0.work.remove(id) } }

    /// Adds outcomes, and hands one to a waiting consumer.
    func deliver(_ outcomes: [PoolOutcome<Value>]) {
        typealias HandOff = (CheckedContinuation<PoolOutcome<Value>?, any Error>, PoolOutcome<Value>)
        let handOff = state.withLock { state -> HandOff? in
            for outcome in outcomes {
                if ordered { state.byIndex[outcome.index] = outcome } else { state.arrived.append(outcome) }
            }
            guard let consumer = state.consumer, let outcome = take(&state) else { return nil }
            state.consumer = nil
            return (consumer, outcome)
        }
        if let (consumer, outcome) = handOff {
            consumer.resume(returning: outcome)
        }
        resumeProducerIfRoom()
    }

    /// Records that the input ended after `count` jobs, with `error` if it threw.
    func finishInput(count: Int, error: (any Error)?) {
        let consumer = state.withLock { state -> CheckedContinuation<PoolOutcome<Value>?, any Error>? in
            state.inputCount = count
            state.inputError = error
            guard state.taken == count, let consumer = state.consumer else { return nil }
            state.consumer = nil
            return consumer
        }
        guard let consumer else { return }
        if let error { consumer.resume(throwing: error) } else { consumer.resume(returning: nil) }
    }

    // MARK: the consumer

    /// The next outcome; `nil` once every job's outcome has been taken.
    func next() async throws -> PoolOutcome<Value>? {
        // An outcome already here is taken without suspending.
        if let outcome = state.withLock({ take(&$0) }) {
            resumeProducerIfRoom()
            return outcome
        }
        let outcome = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<PoolOutcome<Value>?, any Error>) in
                let now = state.withLock { state -> PoolMapStep<Value> in
                    if let outcome = take(&state) { return .outcome(outcome) }
                    if state.cancelled { return .end(CancellationError()) }
                    if let count = state.inputCount, state.taken == count {
                        defer { state.inputError = nil }
                        return .end(state.inputError)
                    }
                    state.consumer = continuation
                    return .wait
                }
                switch now {
                case .outcome(let outcome): continuation.resume(returning: outcome)
                case .end(let error?): continuation.resume(throwing: error)
                case .end(nil): continuation.resume(returning: nil)
                case .wait: break
                }
            }
        } onCancel: {
            cancel()
        }
        resumeProducerIfRoom()
        return outcome
    }

    /// Takes the next deliverable outcome.
    private func take(_ state: inout State) -> PoolOutcome<Value>? {
        let outcome: PoolOutcome<Value>
        if ordered {
            guard let next = state.byIndex.removeValue(forKey: state.nextIndex) else { return nil }
            state.nextIndex += 1
            outcome = next
        } else {
            guard state.arrivedHead < state.arrived.count else { return nil }
            outcome = state.arrived[state.arrivedHead]
            state.arrivedHead += 1
            if state.arrivedHead == state.arrived.count {
                state.arrived.removeAll(keepingCapacity: true)
                state.arrivedHead = 0
            }
        }
        state.outstanding -= 1
        state.taken += 1
        return outcome
    }

    private func resumeProducerIfRoom() {
        let producer = state.withLock { state -> CheckedContinuation<Bool, Never>? in
            // Woken when half the window is free, not at every outcome taken: fewer hand-overs to the producer.
            guard let waiting = state.producer,
                state.outstanding == 0 || state.outstanding + waiting.needed <= window - window / 2
            else { return nil }
            state.outstanding += waiting.needed
            state.producer = nil
            return waiting.continuation
        }
        producer?.resume(returning: true)
    }

    // MARK: cancelling

    /// Stops reading the input and cancels the work still in the pool.
    func cancel() {
        let (work, producer, consumer, task) = state.withLock { state in
            state.cancelled = true
            defer {
                state.producer = nil
                state.consumer = nil
                state.work = []
            }
            return (state.work, state.producer?.continuation, state.consumer, state.producerTask)
        }
        task?.cancel()
        producer?.resume(returning: false)
        consumer?.resume(throwing: CancellationError())
        for id in work { cancelWork(id) }
    }
}

/// What the consumer of a map does next.
private enum PoolMapStep<Value: Sendable> {
    case outcome(PoolOutcome<Value>)
    case end((any Error)?)
    case wait
}

/// Owned by the iterator alone: when the iterator goes away, the run is cancelled.
final class PoolMapOwner<Value: Sendable>: Sendable {
    let run: PoolMapRun<Value>
    init(run: PoolMapRun<Value>) { self.run = run }
    deinit { run.cancel() }
}
