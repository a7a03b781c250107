/// The identity of a distributed actor of a ``GIPCActorSystem``: the system (process) it lives in, and its number
/// there.
///
/// On the wire (see docs/ACTORS.md) it is a map `{"node": uint64, "number": uint64}` in the system's codec.
public struct GIPCActorID: Hashable, Codable, Sendable, CustomStringConvertible {
    /// The actor system that hosts the actor: a random number each system picks when it is made.
    public let node: UInt64
    /// The actor's number in its system, counting from 1.
    public let number: UInt64

    /// Creates an identity.
    /// - Parameters:
    ///   - node: the hosting system's node number.
    ///   - number: the actor's number in that system.
    public init(node: UInt64, number: UInt64) {
        self.node = node
        self.number = number
    }

    public var description: String { "actor \(number)@\(String(node, radix: 16))" }
}
