public import Distributed
import GIPCKit

/// Records a remote call's generic substitutions and arguments; the system encodes the arguments with the codec
/// of the connection the call goes over.
public struct GIPCInvocationEncoder: DistributedTargetInvocationEncoder {
    public typealias SerializationRequirement = Codable

    var generics: [String] = []
    var arguments: [any Encodable] = []

    init() {}

    /// Records a generic substitution by its Swift mangled name.
    /// - Throws: ``GIPCActorError/Code/invocationFailed`` for a type without a mangled name.
    public mutating func recordGenericSubstitution<T>(_ type: T.Type) throws {
        guard let name = _mangledTypeName(type) else {
            throw GIPCActorError(.invocationFailed, "the generic substitution \(type) has no mangled name")
        }
        generics.append(name)
    }

    /// Records an argument.
    public mutating func recordArgument<Value: Codable>(_ argument: RemoteCallArgument<Value>) throws {
        arguments.append(argument.value)
    }

    /// Nothing to record: the caller knows the error type.
    public mutating func recordErrorType<E: Error>(_ type: E.Type) throws {}

    /// Nothing to record: the caller knows the return type.
    public mutating func recordReturnType<R: Codable>(_ type: R.Type) throws {}

    /// Ends recording.
    public mutating func doneRecording() throws {}

    /// The arguments encoded with `codec`.
    func encodedArguments(with codec: any MessageCodec) throws -> [[UInt8]] {
        try arguments.map { argument in
            do {
                return try codec.encode(argument)
            } catch {
                throw GIPCActorError(
                    .codecFailure, "an argument of type \(type(of: argument)) cannot be encoded: \(error)",
                    underlying: error)
            }
        }
    }
}
