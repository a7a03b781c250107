public import Distributed
import GIPCKit
import Synchronization

extension GIPCActorSystem {
    @TaskLocal static var taskCallTimeout: Duration? = nil

    /// Runs `body` with a timeout for each remote call it makes (and the tasks it starts make).
    ///
    /// A call that takes longer throws ``GIPCActorError/Code/timedOut`` when the timeout passes, and the remote
    /// call's task is cancelled.
    /// ```swift
    /// let answer = try await GIPCActorSystem.withCallTimeout(.seconds(2)) { try await index.lookup("key") }
    /// ```
    /// - Parameters:
    ///   - timeout: how long each call may take; it overrides the system's `callTimeout`.
    ///   - isolation: the actor `body` runs on; by default the caller's.
    ///   - body: the code whose calls it bounds.
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws.
    public static func withCallTimeout<Result>(
        _ timeout: Duration, isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> Result
    ) async rethrows -> Result {
        try await $taskCallTimeout.withValue(timeout, operation: body, isolation: isolation)
    }

    /// Sends a call to the actor's process and returns its result.
    /// - Throws: the remote method's `Codable` error as itself; ``GIPCActorError`` with
    ///   ``GIPCActorError/Code/hostExited``, ``GIPCActorError/Code/shutDown``, ``GIPCActorError/Code/timedOut``,
    ///   ``GIPCActorError/Code/remoteError``, ``GIPCActorError/Code/unknownActor``,
    ///   ``GIPCActorError/Code/invocationFailed``, ``GIPCActorError/Code/codecFailure``; `CancellationError` when
    ///   the calling task is cancelled.
    public func remoteCall<Act, Err, Res>(
        on actor: Act, target: RemoteCallTarget, invocation: inout InvocationEncoder, throwing: Err.Type,
        returning: Res.Type
    ) async throws -> Res where Act: DistributedActor, Act.ID == ActorID, Err: Error, Res: Codable {
        let (reply, codec) = try await send(target, to: actor.id, invocation: invocation)
        guard let value = reply.value else {
            throw GIPCActorError(.protocolViolation, "the answer to \(target) carries no value", actor: actor.id)
        }
        do {
            return try codec.decode(Res.self, from: value)
        } catch {
            throw GIPCActorError(
                .codecFailure, "the result of \(target) does not decode as \(Res.self): \(error)", actor: actor.id,
                underlying: error)
        }
    }

    /// Sends a call to the actor's process and waits for it to complete.
    /// - Throws: as ``remoteCall(on:target:invocation:throwing:returning:)``.
    public func remoteCallVoid<Act, Err>(
        on actor: Act, target: RemoteCallTarget, invocation: inout InvocationEncoder, throwing: Err.Type
    ) async throws where Act: DistributedActor, Act.ID == ActorID, Err: Error {
        _ = try await send(target, to: actor.id, invocation: invocation)
    }

    /// The connection to the process of `id`.
    func connection(to id: ActorID) throws -> ActorPeer {
        let (peer, ended) = state.withLock { ($0.peers[id.node], $0.ended[id.node]) }
        if let peer { return peer }
        if let ended { throw ended.about(id) }
        throw GIPCActorError(.unknownActor, "no process hosting this actor is connected", actor: id)
    }

    private func send(
        _ target: RemoteCallTarget, to id: ActorID, invocation: InvocationEncoder
    ) async throws -> (ActorEnvelope, any MessageCodec) {
        let peer = try connection(to: id)
        let arguments = try invocation.encodedArguments(with: peer.codec)
        let generics = invocation.generics
        let reply: ActorEnvelope
        do {
            reply = try await peer.call(timeout: Self.taskCallTimeout ?? callTimeout) { call in
                ActorEnvelope(
                    kind: .call, call: call, actor: id, target: target.identifier,
                    generics: generics.isEmpty ? nil : generics, arguments: arguments)
            }
        } catch let error as GIPCActorError {
            throw error.actor == nil ? error.about(id) : error
        }
        if reply.kind == .throw { throw rebuild(reply, codec: peer.codec, actor: id) }
        return (reply, peer.codec)
    }

    /// The error a `throw` envelope carries: the `Codable` error itself when this program knows its type, a
    /// ``GIPCActorError`` otherwise.
    func rebuild(_ reply: ActorEnvelope, codec: any MessageCodec, actor: ActorID?) -> any Error {
        if let name = reply.errorType, let value = reply.value,
            let type = _typeByName(name) as? any (Error & Decodable).Type,
            let error = try? codec.decode(type, from: value)
        {
            return error
        }
        return GIPCActorError(
            .named(reply.code), reply.message ?? "the remote call failed", actor: actor, remoteType: reply.typeName)
    }
}
