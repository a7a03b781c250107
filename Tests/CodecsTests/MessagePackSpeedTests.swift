import Foundation
import GIPCCodecs
import Testing

/// The record of the `typed-msgpack` benchmark (`gipc bench`): about 100 bytes in MessagePack.
struct MessagePackSpeedRecord: Codable, Equatable, Sendable {
    var id: Int
    var timestamp: Double
    var symbol: String
    var price: Double
    var quantity: Int
    var side: String
    var venue: String
    var flags: [Int]
}

/// Encode and decode rates of MessagePack alone, for profiling the codec. Measures only; asserts no timing. Run by
/// hand: `GIPC_MSGPACK_SPEED=1 swift test -c release --filter MessagePackSpeedTests` (`encode` or `decode` instead
/// of `1` runs only that half, for a profiler).
@Suite("MessagePackSpeed", .enabled(if: ProcessInfo.processInfo.environment["GIPC_MSGPACK_SPEED"] != nil))
struct MessagePackSpeedTests {
    @Test("encode/decode rate of the benchmark record", .timeLimit(.minutes(5)))
    func rates() throws {
        let mode = ProcessInfo.processInfo.environment["GIPC_MSGPACK_SPEED"] ?? "1"
        let record = MessagePackSpeedRecord(
            id: 123_456_789, timestamp: 1_700_000_000.25, symbol: "GIPC-SWIFT", price: 101.375, quantity: 2500,
            side: "buy", venue: "XNAS-primary-venue", flags: [1, 2, 3, 5, 8])
        let codec = MessagePackCodec()
        let payload = try codec.encode(record)
        #expect(try codec.decode(MessagePackSpeedRecord.self, from: payload) == record)
        let iterations = 500_000
        var sink = 0
        if mode != "decode" {
            let start = ContinuousClock.now
            for _ in 0..<iterations { sink &+= try codec.encode(record).count }
            print("msgpack speed: encode \(rate(iterations, ContinuousClock.now - start))/s")
        }
        if mode != "encode" {
            let start = ContinuousClock.now
            for _ in 0..<iterations { sink &+= try codec.decode(MessagePackSpeedRecord.self, from: payload).id }
            print("msgpack speed: decode \(rate(iterations, ContinuousClock.now - start))/s")
        }
        #expect(sink != 0)
    }

    private func rate(_ iterations: Int, _ duration: Duration) -> Int {
        let seconds = Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        return Int(Double(iterations) / seconds)
    }
}
