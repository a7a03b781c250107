/// The record of the `typed-msgpack` benchmark (`gipc bench`, whose `BenchRecord` this copies: the tests cannot import
/// the `gipc` executable): about 100 bytes in MessagePack.
struct BenchmarkRecord: Codable, Equatable, Sendable {
    var id: Int
    var timestamp: Double
    var symbol: String
    var price: Double
    var quantity: Int
    var side: String
    var venue: String
    var flags: [Int]

    static let sample = BenchmarkRecord(
        id: 123_456_789, timestamp: 1_700_000_000.25, symbol: "GIPC-SWIFT", price: 101.375, quantity: 2500,
        side: "buy", venue: "XNAS-primary-venue", flags: [1, 2, 3, 5, 8])
}

/// Runs `body` `iterations` times in a row.
///
/// - Returns: How many runs a second that made.
func runsPerSecond(_ iterations: Int, _ body: () throws -> Void) rethrows -> Double {
    let start = ContinuousClock.now
    for _ in 0..<iterations { try body() }
    let elapsed = ContinuousClock.now - start
    return Double(iterations) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
}
