import GIPCCodecMacros
public import GIPCCodecs

/// ``BenchRecord`` with generated MessagePack coders (`@MessagePackCodable`): the same fields in the same order, so
/// the same bytes. The typed benchmark's `typed-msgpack-generated` workload sends it.
@MessagePackCodable
public struct GeneratedBenchRecord: MessagePackCodable, Sendable, Equatable {
    public var id: Int
    public var timestamp: Double
    public var symbol: String
    public var price: Double
    public var quantity: Int
    public var side: String
    public var venue: String
    public var flags: [Int]

    /// The record with the fields of `record`.
    public init(_ record: BenchRecord) {
        id = record.id
        timestamp = record.timestamp
        symbol = record.symbol
        price = record.price
        quantity = record.quantity
        side = record.side
        venue = record.venue
        flags = record.flags
    }

    /// ``BenchRecord/sample``.
    public static let sample = GeneratedBenchRecord(.sample)
}
