/// The message of the typed benchmark (`gipc bench`, workload `typed`) and of the codec speed tests: a record of
/// seven fields, about 100 bytes in MessagePack.
public struct BenchRecord: Codable, Sendable, Equatable {
    public var id: Int
    public var timestamp: Double
    public var symbol: String
    public var price: Double
    public var quantity: Int
    public var side: String
    public var venue: String
    public var flags: [Int]

    /// The record every run sends.
    public static let sample = BenchRecord(
        id: 123_456_789, timestamp: 1_700_000_000.25, symbol: "GIPC-SWIFT", price: 101.375, quantity: 2500,
        side: "buy", venue: "XNAS-primary-venue", flags: [1, 2, 3, 5, 8])
}
