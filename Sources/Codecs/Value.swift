public import Foundation

/// A dynamic value: whatever a peer sends, decoded without a schema.
///
/// `Value` is `Codable` through every codec, so a handle can carry messages whose shape is only known at run time,
/// and a Swift process can read anything a Python, Erlang or C peer writes:
///
/// ```swift
/// let message = try MessagePackCodec().decode(Value.self, from: payload)
/// if case .string(let command)? = message["command"] { … }
/// ```
///
/// Integers decode as ``int(_:)`` whenever they fit `Int64`, and as ``uint(_:)`` only above `Int64.max`;
/// `==` compares integers by value, so `.int(5) == .uint(5)`. Maps keep their pairs in the order the peer sent
/// them (MessagePack) or sorted by key (JSON and property lists, whose Foundation decoders do not keep order), and
/// keys of any kind. See docs/CODECS.md for what each codec produces for each case.
public enum Value: Sendable {
    /// Null: MessagePack nil, JSON `null`. Property lists have no null.
    case null
    /// A boolean.
    case bool(Bool)
    /// A signed integer (any integer that fits `Int64`).
    case int(Int64)
    /// An unsigned integer above `Int64.max`.
    case uint(UInt64)
    /// A floating-point number (MessagePack float32 widens to it).
    case double(Double)
    /// A Unicode string.
    case string(String)
    /// Binary data: MessagePack bin, property list data, raw payloads. JSON carries it as a base64 string.
    case bytes([UInt8])
    /// An ordered list.
    case array([Value])
    /// A map with keys of any kind, as ordered pairs.
    case map([(key: Value, value: Value)])
    /// A point in time: the MessagePack timestamp extension (-1) and property list dates.
    case date(Date)
    /// A MessagePack extension other than the timestamp: its type code and payload, kept as sent.
    case `extension`(type: Int8, data: [UInt8])

    /// The name of the case, for messages.
    public var kind: String {
        switch self {
        case .null: "null"
        case .bool: "bool"
        case .int: "int"
        case .uint: "uint"
        case .double: "double"
        case .string: "string"
        case .bytes: "bytes"
        case .array: "array"
        case .map: "map"
        case .date: "date"
        case .extension: "extension"
        }
    }

    /// The value of the first pair whose key is the string `key`, for a map; `nil` otherwise.
    ///
    /// - Parameter key: A string key.
    /// - Returns: The value, or `nil` when this is not a map or has no such key.
    public subscript(key: String) -> Value? {
        guard case .map(let pairs) = self else { return nil }
        return pairs.first { $0.key == .string(key) }?.value
    }

    /// The element at `index`, for an array within bounds; `nil` otherwise.
    ///
    /// - Parameter index: A zero-based index.
    /// - Returns: The element, or `nil`.
    public subscript(index: Int) -> Value? {
        guard case .array(let elements) = self, elements.indices.contains(index) else { return nil }
        return elements[index]
    }
}

extension Value: Equatable {
    /// Structural equality. Integers compare by value across ``int(_:)`` and ``uint(_:)``; doubles compare by
    /// value, and NaN equals NaN with the same bits; maps compare pair by pair, in order.
    public static func == (lhs: Value, rhs: Value) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.int(let a), .int(let b)): a == b
        case (.uint(let a), .uint(let b)): a == b
        case (.int(let a), .uint(let b)), (.uint(let b), .int(let a)): a >= 0 && UInt64(a) == b
        case (.double(let a), .double(let b)): a == b || a.bitPattern == b.bitPattern
        case (.string(let a), .string(let b)): a == b
        case (.bytes(let a), .bytes(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.map(let a), .map(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        case (.date(let a), .date(let b)): a == b
        case (.extension(let t1, let d1), .extension(let t2, let d2)): t1 == t2 && d1 == d2
        default: false
        }
    }
}

extension Value: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    /// `.null`.
    public init(nilLiteral: ()) { self = .null }
    /// `.bool(value)`.
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    /// `.int(value)`.
    public init(integerLiteral value: Int64) { self = .int(value) }
    /// `.double(value)`.
    public init(floatLiteral value: Double) { self = .double(value) }
    /// `.string(value)`.
    public init(stringLiteral value: String) { self = .string(value) }
    /// `.array(elements)`.
    public init(arrayLiteral elements: Value...) { self = .array(elements) }
    /// `.map(pairs)`, keeping the order written.
    public init(dictionaryLiteral elements: (Value, Value)...) {
        self = .map(elements.map { (key: $0.0, value: $0.1) })
    }
}
