import GIPCKit
import Synchronization

/// The connection to one other actor system: the calls this side waits for, the calls the other side made here,
/// and how the connection ended.
///
/// One task reads envelopes (``run()``); calls are sent by their callers' tasks. When the connection ends (the
/// peer's process died, it closed, it broke the protocol, or this system shut down), every waiting call fails at
/// once with the same ``GIPCActorError`` and so does every later one.
final class ActorPeer: Sendable {
    /// A call this side made.
    enum Pending {
        /// The call envelope is being sent.
        case sending
        /// Sent; the caller waits (or is about to).
        case waiting(UnsafeContinuation<ActorEnvelope, any Error>?)
        /// The answer (or the failure) arrived before the caller waited.
        case done(Result<ActorEnvelope, any Error>)
    }

    struct State {
        var nextCall: UInt64 = 1
        var pending: [UInt64: Pending] = [:]
        /// Calls abandoned (cancelled, timed out) while their envelope was being sent: a cancel follows the send.
        var abandonedWhileSending: Set<UInt64> = []
        /// The tasks running the peer's calls here, by call.
        var incoming: [UInt64: Task<Void, Never>] = [:]
        /// Calls the peer made here whose task finished before it was recorded in ``incoming``.
        var finishedEarly: Set<UInt64> = []
        /// What calls fail with from now on.
        var termination: GIPCActorError? = nil
        /// How the connection ended, once the reader has finished; what watchers get.
        var ended: GIPCActorError? = nil
        /// Set by ``beginShutdown()``: the connection ends as ``GIPCActorError/Code/shutDown``.
        var shuttingDown = false
        var watchers: [UInt64: UnsafeContinuation<GIPCActorError, Never>] = [:]
        var nextWatcher: UInt64 = 1
        var reader: Task<Void, Never>? = nil

        /// Makes `failure` what calls fail with (unless the connection ended already) and fails every call in
        /// flight with it: the calls whose caller waits are removed, and their continuations returned for
        /// resuming outside the lock; the others keep the failure for their caller.
        mutating func failPending(with failure: GIPCActorError) -> [UnsafeContinuation<ActorEnvelope, any Error>] {
            if termination == nil { termination = failure }
            var continuations: [UnsafeContinuation<ActorEnvelope, any Error>] = []
            for (id, call) in pending {
                switch call {
                case .waiting(let continuation?):
                    continuations.append(continuation)
                    pending[id] = nil
                case .done:
                    continue
                case .sending, .waiting(nil):
                    pending[id] = .done(.failure(failure))
                }
            }
            return continuations
        }
    }

    weak let system: GIPCActorSystem?
    /// The peer system's node.
    let node: UInt64
    let channel: any ActorChannel
    /// The connection's codec with the system in its `userInfo`, for arguments and results.
    let codec: any MessageCodec
    /// The peer's process, when it is a child of this one.
    let process: ChildProcess?
    let state = Mutex(State())

    init(system: GIPCActorSystem, node: UInt64, channel: any ActorChannel, process: ChildProcess?) {
        self.system = system
        self.node = node
        self.channel = channel
        self.codec = system.resolving(channel.codec)
        self.process = process
    }

    /// Starts reading envelopes.
    func start() {
        let task = Task { await self.run() }
        state.withLock { $0.reader = task }
    }

    /// How the connection ended, or `nil` while it is open.
    var termination: GIPCActorError? { state.withLock { $0.termination } }

    // MARK: Calls made here

    /// Sends the envelope that `make` builds for a new call number and waits for the answer.
    /// - Throws: the connection's ``GIPCActorError`` when it ended, ``GIPCActorError/Code/timedOut``,
    ///   `CancellationError`, or ``GIPCActorError/Code/transportFailure`` if sending failed.
    func call(timeout: Duration?, _ make: (UInt64) -> ActorEnvelope) async throws -> ActorEnvelope {
        let id = try state.withLock { state throws(GIPCActorError) -> UInt64 in
            if let termination = state.termination { throw termination }
            let id = state.nextCall
            state.nextCall += 1
            state.pending[id] = .sending
            return id
        }
        let envelope = make(id)
        let timer: Task<Void, Never>? = timeout.map { timeout in
            Task { [weak self] in
                guard (try? await Task.sleep(for: timeout)) != nil else { return }
                self?.abandon(
                    id, with: GIPCActorError(.timedOut, "the call did not complete within \(timeout)"))
            }
        }
        defer { timer?.cancel() }
        return try await withTaskCancellationHandler {
            try await send(envelope, for: id)
            return try await withUnsafeThrowingContinuation { continuation in
                let ready = state.withLock { state -> Result<ActorEnvelope, any Error>? in
                    switch state.pending[id] {
                    case .done(let result):
                        state.pending[id] = nil
                        return result
                    case .sending, .waiting:
                        state.pending[id] = .waiting(continuation)
                        return nil
                    case nil:
                        return .failure(GIPCActorError(.protocolViolation, "call \(id) was lost"))
                    }
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            abandon(id, with: CancellationError())
        }
    }

    private func send(_ envelope: ActorEnvelope, for id: UInt64) async throws {
        do {
            try await channel.send(envelope)
        } catch {
            state.withLock { _ = $0.pending.removeValue(forKey: id) }
            throw await failure(sending: error)
        }
        let cancelNow = state.withLock { state -> Bool in
            if state.abandonedWhileSending.remove(id) != nil { return true }
            if case .sending = state.pending[id] { state.pending[id] = .waiting(nil) }
            return false
        }
        if cancelNow { sendCancel(id) }
    }

    /// What a failed send means: the connection's end when it ended (a child that died leaves its pipe closed),
    /// otherwise a transport failure.
    private func failure(sending error: any Error) async -> any Error {
        if error is CancellationError { return error }
        if let error = error as? GIPCError, error.code == .peerClosed {
            // The peer is gone; its end of the stream tells how, a moment later.
            let end = ContinuousClock.now + .seconds(2)
            while ContinuousClock.now < end {
                if let termination { return termination }
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
        return termination
            ?? GIPCActorError(
                .transportFailure, "sending a call failed: \(error)", pid: process?.pid, underlying: error)
    }

    /// Gives up on call `id` (its task was cancelled, or its timeout passed): the caller gets `error` at once and the
    /// peer is told to cancel the call.
    func abandon(_ id: UInt64, with error: any Error) {
        enum Action { case none, resume(UnsafeContinuation<ActorEnvelope, any Error>), cancelRemote }
        let action = state.withLock { state -> Action in
            switch state.pending[id] {
            case .sending:
                state.pending[id] = .done(.failure(error))
                state.abandonedWhileSending.insert(id)
                return .none
            case .waiting(let continuation?):
                state.pending[id] = nil
                return .resume(continuation)
            case .waiting(nil):
                state.pending[id] = .done(.failure(error))
                return .cancelRemote
            case .done, nil:
                return .none
            }
        }
        switch action {
        case .none:
            return
        case .resume(let continuation):
            continuation.resume(throwing: error)
        case .cancelRemote:
            break
        }
        sendCancel(id)
    }

    private func sendCancel(_ id: UInt64) {
        guard termination == nil else { return }
        Task { [channel] in try? await channel.send(ActorEnvelope(kind: .cancel, call: id)) }
    }

    /// Delivers an answer to the call it belongs to; answers to calls given up are dropped.
    private func deliver(_ envelope: ActorEnvelope) {
        let continuation = state.withLock { state -> UnsafeContinuation<ActorEnvelope, any Error>? in
            switch state.pending[envelope.call] {
            case .sending, .waiting(nil):
                state.pending[envelope.call] = .done(.success(envelope))
                return nil
            case .waiting(let continuation?):
                state.pending[envelope.call] = nil
                return continuation
            case .done, nil:
                return nil
            }
        }
        continuation?.resume(returning: envelope)
    }

    // MARK: Reading

    /// Reads envelopes until the connection ends, then fails what waits.
    private func run() async {
        var failure: GIPCActorError
        while true {
            let envelope: ActorEnvelope
            do {
                envelope = try await channel.receive()
            } catch {
                failure = await ending(after: error)
                break
            }
            if let violation = handle(envelope) {
                failure = violation
                break
            }
        }
        terminate(failure)
    }

    /// Acts on one envelope; returns the error that ends the connection when the envelope breaks the protocol.
    private func handle(_ envelope: ActorEnvelope) -> GIPCActorError? {
        switch envelope.kind {
        case .return, .throw:
            deliver(envelope)
        case .call, .host, .resolve:
            guard let system else { return GIPCActorError(.shutDown, "the actor system is gone") }
            let id = envelope.call
            // Made outside the lock: the task may finish before it is recorded, and then is not recorded.
            let task = Task {
                let reply = await system.answer(envelope, from: self)
                self.state.withLock { state in
                    if state.incoming.removeValue(forKey: id) == nil { state.finishedEarly.insert(id) }
                }
                try? await self.channel.send(reply)
            }
            state.withLock { state in
                if state.finishedEarly.remove(id) == nil { state.incoming[id] = task }
            }
        case .cancel:
            state.withLock { $0.incoming[envelope.call] }?.cancel()
        default:
            return GIPCActorError(
                .protocolViolation, "the peer sent an envelope of unknown kind '\(envelope.kind.rawValue)'",
                pid: process?.pid)
        }
        return nil
    }

    /// The error that the connection's end means, after receiving failed with `error`.
    private func ending(after error: any Error) async -> GIPCActorError {
        let shuttingDown = state.withLock { $0.shuttingDown }
        if let error = error as? GIPCActorError, !shuttingDown {
            _ = channel.closeSending()
            return error
        }
        var status: ExitStatus? = nil
        var tail: [String]? = nil
        var description = "\(error)"
        if let error = error as? GIPCError {
            switch error.code {
            case .codecFailure, .corruptStream:
                if !shuttingDown {
                    return GIPCActorError(
                        .protocolViolation, "the peer sent a message that is not an envelope: \(error.message)",
                        pid: process?.pid, underlying: error)
                }
            case .peerExited:
                status = error.exitStatus
                tail = error.standardErrorTail
            default:
                break
            }
            description = error.message
        }
        if let process {
            if status == nil { status = try? await process.join(timeout: .seconds(1)) }
            if tail == nil, let captured = process.standardError {
                tail = await captured.finalLines(timeout: .milliseconds(500))
            }
        }
        if shuttingDown {
            return GIPCActorError(
                .shutDown, "the actor system was shut down", pid: process?.pid, exitStatus: status,
                standardErrorTail: tail)
        }
        guard let process else {
            return GIPCActorError(
                .connectionLost, "the connection to the peer ended (\(description))", underlying: error)
        }
        let how = status.map { "\($0)" } ?? "closed the connection (\(description))"
        return GIPCActorError(
            .hostExited, "the hosting process \(process.name) (pid \(process.pid)) \(how)", pid: process.pid,
            exitStatus: status, standardErrorTail: tail, underlying: error)
    }

    /// Ends the connection with `failure`: every waiting call and watcher gets it, the calls the peer made here
    /// are cancelled, and both directions are closed.
    func terminate(_ failure: GIPCActorError) {
        let (continuations, incoming, watchers) = state.withLock { state in
            state.ended = failure
            let continuations = state.failPending(with: failure)
            let incoming = Array(state.incoming.values)
            state.incoming = [:]
            let watchers = Array(state.watchers.values)
            state.watchers = [:]
            return (continuations, incoming, watchers)
        }
        for continuation in continuations { continuation.resume(throwing: failure) }
        for task in incoming { task.cancel() }
        for watcher in watchers { watcher.resume(returning: failure) }
        system?.ended(self)
        Task { [channel] in
            // A send under way when the peer died fails at once (EPIPE); then the halves close.
            for _ in 0..<200 {
                if channel.closeSending() && channel.closeReceiving() { return }
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
    }

    /// Marks the connection as being shut down and closes the sending direction, so that the peer ends.
    func beginShutdown() {
        state.withLock { $0.shuttingDown = true }
        let failure = GIPCActorError(.shutDown, "the actor system was shut down", pid: process?.pid)
        // Calls waiting now fail at once; the reader records the end when the peer has gone.
        let continuations = state.withLock { $0.failPending(with: failure) }
        for continuation in continuations { continuation.resume(throwing: failure) }
        _ = channel.closeSending()
    }

    /// Cancels the calls the peer made here.
    func cancelIncoming() {
        for task in state.withLock({ Array($0.incoming.values) }) { task.cancel() }
    }

    /// Stops the reader (a peer that does not end the connection when asked): its receive is cancelled, and the
    /// connection ends as if the peer had gone.
    func stopReading() {
        state.withLock { $0.reader }?.cancel()
    }

    /// Waits until the reader has finished.
    func readerFinished() async {
        await state.withLock { $0.reader }?.value
    }

    // MARK: Watching

    /// Waits until the connection ends.
    /// - Returns: the error that its calls fail with.
    func termination() async -> GIPCActorError {
        if let ended = state.withLock({ $0.ended }) { return ended }
        let id = state.withLock { state in
            defer { state.nextWatcher += 1 }
            return state.nextWatcher
        }
        return await withTaskCancellationHandler {
            await withUnsafeContinuation { continuation in
                let ended = state.withLock { state -> GIPCActorError? in
                    if let ended = state.ended { return ended }
                    state.watchers[id] = continuation
                    return nil
                }
                if let ended { continuation.resume(returning: ended) }
            }
        } onCancel: {
            let continuation = state.withLock { $0.watchers.removeValue(forKey: id) }
            continuation?.resume(
                returning: GIPCActorError(.shutDown, "stopped watching: the watching task was cancelled"))
        }
    }
}
