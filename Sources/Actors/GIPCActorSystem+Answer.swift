import Distributed
import GIPCKit
import Synchronization

extension GIPCActorSystem {
    /// Runs a peer's `call` or `host` request on this system and returns the answer envelope.
    func answer(_ request: ActorEnvelope, from peer: ActorPeer) async -> ActorEnvelope {
        switch request.kind {
        case .host:
            return host(request, codec: peer.codec)
        case .resolve:
            return resolve(request, codec: peer.codec)
        default:
            return await execute(request, codec: peer.codec)
        }
    }

    private func execute(_ request: ActorEnvelope, codec: any MessageCodec) async -> ActorEnvelope {
        guard let id = request.actor, let target = request.target else {
            return GIPCResultHandler.failure(
                request.call, GIPCActorError(.protocolViolation, "a call envelope without actor or target"))
        }
        guard id.node == node, let actor = localActor(id) else {
            return GIPCResultHandler.failure(
                request.call, GIPCActorError(.unknownActor, "no actor \(id.number) lives in this process"))
        }
        var decoder = GIPCInvocationDecoder(envelope: request, codec: codec)
        let handler = GIPCResultHandler(call: request.call, codec: codec)
        do {
            try await executeDistributedTarget(
                on: actor, target: RemoteCallTarget(target), invocationDecoder: &decoder, handler: handler)
        } catch {
            return GIPCResultHandler.thrown(
                error as? GIPCActorError ?? GIPCActorError(.invocationFailed, "\(target): \(error)"),
                call: request.call, codec: codec)
        }
        return handler.reply.envelope.withLock { $0 }
            ?? GIPCResultHandler.failure(request.call, GIPCActorError(.invocationFailed, "\(target) gave no result"))
    }

    /// Makes an actor of the registered type the request names and answers with its identity.
    private func host(_ request: ActorEnvelope, codec: any MessageCodec) -> ActorEnvelope {
        guard let name = request.target, let type = HostableActorRegistry.type(named: name) else {
            return GIPCResultHandler.failure(
                request.call,
                GIPCActorError(
                    .notRegistered,
                    "'\(request.target ?? "")' is not among the actors of this program's bootstrap "
                        + "(GIPC.bootstrap(actors:)): \(HostableActorRegistry.names)"))
        }
        let actor = type.init(actorSystem: self)
        retain(actor, id: actor.id)
        do {
            return ActorEnvelope(kind: .return, call: request.call, value: try codec.encode(actor.id))
        } catch {
            return GIPCResultHandler.failure(
                request.call, GIPCActorError(.codecFailure, "the actor's identity cannot be encoded: \(error)"))
        }
    }

    /// Answers a `resolve` request with the identity of the actor exposed under its name.
    private func resolve(_ request: ActorEnvelope, codec: any MessageCodec) -> ActorEnvelope {
        guard let name = request.target, let id = exposed(name) else {
            return GIPCResultHandler.failure(
                request.call, GIPCActorError(.unknownActor, "no actor is exposed as '\(request.target ?? "")'"))
        }
        do {
            return ActorEnvelope(kind: .return, call: request.call, value: try codec.encode(id))
        } catch {
            return GIPCResultHandler.failure(
                request.call, GIPCActorError(.codecFailure, "the actor's identity cannot be encoded: \(error)"))
        }
    }

    /// Forgets a connection that ended (its identity's calls keep failing with its error).
    func ended(_ peer: ActorPeer) {
        state.withLock { state in
            if state.peers[peer.node] === peer {
                state.peers[peer.node] = nil
                state.ended[peer.node] = peer.termination
            }
        }
    }
}
