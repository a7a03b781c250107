public import Distributed
import GIPCKit

/// Reads a call's generic substitutions and arguments from its envelope, in the connection's codec.
public struct GIPCInvocationDecoder: DistributedTargetInvocationDecoder {
    public typealias SerializationRequirement = Codable

    let envelope: ActorEnvelope
    let codec: any MessageCodec
    var nextArgument = 0

    init(envelope: ActorEnvelope, codec: any MessageCodec) {
        self.envelope = envelope
        self.codec = codec
    }

    /// The generic substitutions, each looked up by its mangled name in this program.
    /// - Throws: ``GIPCActorError/Code/invocationFailed`` for a name this program has no type for.
    public mutating func decodeGenericSubstitutions() throws -> [Any.Type] {
        try (envelope.generics ?? []).map { name in
            guard let type = _typeByName(name) else {
                throw GIPCActorError(.invocationFailed, "this program has no type with the mangled name '\(name)'")
            }
            return type
        }
    }

    /// The next argument.
    /// - Throws: ``GIPCActorError/Code/invocationFailed`` when the call carries fewer arguments,
    ///   ``GIPCActorError/Code/codecFailure`` when the argument does not decode as `Argument`.
    public mutating func decodeNextArgument<Argument: Codable>() throws -> Argument {
        let arguments = envelope.arguments ?? []
        guard nextArgument < arguments.count else {
            throw GIPCActorError(
                .invocationFailed, "the call carries \(arguments.count) arguments; the target takes more")
        }
        defer { nextArgument += 1 }
        do {
            return try codec.decode(Argument.self, from: arguments[nextArgument])
        } catch {
            throw GIPCActorError(
                .codecFailure, "argument \(nextArgument + 1) does not decode as \(Argument.self): \(error)",
                underlying: error)
        }
    }

    /// Not carried: `nil`.
    public mutating func decodeErrorType() throws -> Any.Type? { nil }

    /// Not carried: `nil`.
    public mutating func decodeReturnType() throws -> Any.Type? { nil }
}
