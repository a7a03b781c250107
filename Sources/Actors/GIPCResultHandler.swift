public import Distributed
import GIPCKit
import Synchronization

/// Turns what a local distributed method returned or threw into the answer envelope for the caller.
public struct GIPCResultHandler: DistributedTargetInvocationResultHandler {
    public typealias SerializationRequirement = Codable

    let call: UInt64
    let codec: any MessageCodec
    let reply: Reply

    /// Where the answer is kept until the system sends it.
    final class Reply: Sendable {
        let envelope = Mutex<ActorEnvelope?>(nil)
    }

    init(call: UInt64, codec: any MessageCodec) {
        self.call = call
        self.codec = codec
        self.reply = Reply()
    }

    /// Records a result.
    public func onReturn<Success: Codable>(value: Success) async throws {
        let answer: ActorEnvelope
        do {
            answer = ActorEnvelope(kind: .return, call: call, value: try codec.encode(value))
        } catch {
            answer = Self.failure(
                call, GIPCActorError(.codecFailure, "the result of type \(Success.self) cannot be encoded: \(error)"))
        }
        reply.envelope.withLock { $0 = answer }
    }

    /// Records that the method returned nothing.
    public func onReturnVoid() async throws {
        reply.envelope.withLock { $0 = ActorEnvelope(kind: .return, call: call) }
    }

    /// Records the error the method threw: encoded when it is `Codable`, described otherwise.
    public func onThrow<Err: Error>(error: Err) async throws {
        let answer = Self.thrown(error, call: call, codec: codec)
        reply.envelope.withLock { $0 = answer }
    }

    /// The `throw` envelope for `error`.
    static func thrown(_ error: any Error, call: UInt64, codec: any MessageCodec) -> ActorEnvelope {
        if let error = error as? GIPCActorError { return failure(call, error) }
        let typeName = String(reflecting: type(of: error))
        if let codable = error as? any Encodable, error is any Decodable,
            let mangled = _mangledTypeName(type(of: error)), let value = try? codec.encode(codable)
        {
            return ActorEnvelope(
                kind: .throw, call: call, value: value, errorType: mangled, typeName: typeName,
                message: "\(error)")
        }
        return ActorEnvelope(
            kind: .throw, call: call, typeName: typeName, code: GIPCActorError.Code.remoteError.description,
            message: "\(error)")
    }

    /// The `throw` envelope for a failure of the actor system itself.
    static func failure(_ call: UInt64, _ error: GIPCActorError) -> ActorEnvelope {
        ActorEnvelope(
            kind: .throw, call: call, typeName: String(reflecting: GIPCActorError.self),
            code: error.code.description, message: error.message)
    }
}
