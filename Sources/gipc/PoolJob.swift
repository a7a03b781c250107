import GIPCKit

/// One job of `gipc pool`: the value a line holds, or why the line holds none.
///
/// A bad line still takes its place among the jobs: it goes into the pool's `map` like any other, and
/// ``PoolJobCodec`` refuses to encode it, so that the pool fails that job alone (with `codecFailure`, the
/// ``BadLine`` as the codec error's `underlying`) and its outcome comes out in its place in the order.
enum PoolJob: Encodable, Sendable {
    case value(Value)
    case badLine(BadLine)

    /// Encodes the value; throws the ``BadLine`` for a bad line.
    func encode(to encoder: any Encoder) throws {
        switch self {
        case .value(let value): try value.encode(to: encoder)
        case .badLine(let bad): throw bad
        }
    }
}

/// A line of `gipc pool`'s input that is not a value in the notation `gipc encode` reads.
struct BadLine: Error, Sendable, CustomStringConvertible {
    /// Where and why, for example `line 3, column 7: expected ',' or ']'`.
    let message: String

    var description: String { message }

    /// Finds the ``BadLine`` that a pool's `codecFailure` error carries, if it does.
    static func carried(by error: GIPCError) -> BadLine? {
        guard error.code == .codecFailure else { return nil }
        return error.codecError?.underlying as? BadLine
    }
}

/// A codec that encodes a ``PoolJob`` as its ``Value`` with `base` (so that every codec, `raw` included, sees the
/// `Value` it knows), refuses a bad line, and is `base` for everything else: same name, same settings, so that
/// workers are told the codec they expect.
struct PoolJobCodec: MessageCodec {
    let base: any MessageCodec

    var name: String { base.name }

    var settings: [String: String]? { base.settings }

    func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        guard let job = value as? PoolJob else { return try base.encode(value) }
        switch job {
        case .value(let value): return try base.encode(value)
        case .badLine(let bad): throw bad
        }
    }

    func encode<T: Encodable>(_ value: T, appendingTo buffer: inout [UInt8]) throws {
        guard let job = value as? PoolJob else { return try base.encode(value, appendingTo: &buffer) }
        switch job {
        case .value(let value): try base.encode(value, appendingTo: &buffer)
        case .badLine(let bad): throw bad
        }
    }

    func decode<T: Decodable>(_ type: T.Type, fromBytes bytes: UnsafeRawBufferPointer) throws -> T {
        try base.decode(type, fromBytes: bytes)
    }
}
