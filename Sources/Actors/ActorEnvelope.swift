/// One message between two actor systems, carried as one frame in the connection's codec.
///
/// The format is documented in docs/ACTORS.md so that a peer in another language can implement it: a map whose
/// `kind` says which of the optional fields are present.
///
/// | kind | fields | meaning |
/// |---|---|---|
/// | `call` | `call`, `actor`, `target`, `generics`, `arguments` | run `target` on `actor`; answer with `return` or `throw` |
/// | `return` | `call`, `value` (absent for `Void`) | the call's result, encoded on its own |
/// | `throw` | `call`, `message`, `typeName`, and `errorType` + `value` for a `Codable` error, or `code` | the call failed |
/// | `cancel` | `call` | the caller gave up: cancel the call's task |
/// | `host` | `call`, `target` | make an actor of the registered type `target`; answer with its identity |
/// | `resolve` | `call`, `target` | answer with the identity of the actor exposed under the name `target` |
/// | `hello` | `call` (0), `actor` (`number` 0) | first on a socket connection, from each side: the sender's node |
public struct ActorEnvelope: Codable, Sendable, Equatable {
    /// Which message this is.
    public struct Kind: RawRepresentable, Codable, Hashable, Sendable {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        /// A remote call.
        public static let call = Kind(rawValue: "call")
        /// A call's result.
        public static let `return` = Kind(rawValue: "return")
        /// A call's error.
        public static let `throw` = Kind(rawValue: "throw")
        /// The caller cancelled the call.
        public static let cancel = Kind(rawValue: "cancel")
        /// A request to make an actor of a registered type.
        public static let host = Kind(rawValue: "host")
        /// A request for the actor exposed under a name (socket connections).
        public static let resolve = Kind(rawValue: "resolve")
        /// The first envelope each side of a socket connection sends: its system's node.
        public static let hello = Kind(rawValue: "hello")
    }

    /// Which message this is.
    public var kind: Kind
    /// The call this message belongs to: chosen by the caller, unique among its calls in flight on the connection.
    public var call: UInt64
    /// The actor a `call` is for.
    public var actor: GIPCActorID?
    /// A `call`'s target (the Swift identifier of the distributed method), a `host` request's actor type name, or
    /// a `resolve` request's name.
    public var target: String?
    /// A `call`'s generic substitutions: Swift mangled type names, in order.
    public var generics: [String]?
    /// A `call`'s arguments, each encoded on its own with the connection's codec.
    public var arguments: [[UInt8]]?
    /// A `return`'s result, or a `throw`'s error, encoded with the connection's codec.
    public var value: [UInt8]?
    /// A `throw`'s error type as a Swift mangled name, when `value` holds the encoded error.
    public var errorType: String?
    /// A `throw`'s error type as a person reads it.
    public var typeName: String?
    /// A `throw`'s ``GIPCActorError/Code`` name when the failure is the actor system's own.
    public var code: String?
    /// A `throw`'s description of the error.
    public var message: String?

    /// Creates an envelope; unset fields are left out on the wire.
    public init(
        kind: Kind, call: UInt64, actor: GIPCActorID? = nil, target: String? = nil, generics: [String]? = nil,
        arguments: [[UInt8]]? = nil, value: [UInt8]? = nil, errorType: String? = nil, typeName: String? = nil,
        code: String? = nil, message: String? = nil
    ) {
        self.kind = kind
        self.call = call
        self.actor = actor
        self.target = target
        self.generics = generics
        self.arguments = arguments
        self.value = value
        self.errorType = errorType
        self.typeName = typeName
        self.code = code
        self.message = message
    }
}
