import Foundation
import GIPCBenchRecord
import GIPCCodecs
import Testing

/// Encode and decode rates of MessagePack alone, for profiling the codec. Measures only; asserts no timing. Run by
/// hand: `GIPC_MSGPACK_SPEED=1 swift test -c release --filter MessagePackSpeedTests` (`encode` or `decode` instead
/// of `1` runs only that half, for a profiler).
@Suite("MessagePackSpeed", .enabled(if: ProcessInfo.processInfo.environment["GIPC_MSGPACK_SPEED"] != nil))
struct MessagePackSpeedTests {
    @Test("encode/decode rate of the benchmark record", .timeLimit(.minutes(5)))
    func rates() throws {
        let mode = ProcessInfo.processInfo.environment["GIPC_MSGPACK_SPEED"] ?? "1"
        let record = BenchRecord.sample
        let codec = MessagePackCodec()
        let payload = try codec.encode(record)
        #expect(try codec.decode(BenchRecord.self, from: payload) == record)
        let iterations = 500_000
        var sink = 0
        if mode != "decode" {
            let rate = try runsPerSecond(iterations) { sink &+= try codec.encode(record).count }
            print("msgpack speed: encode \(Int(rate))/s")
        }
        if mode != "encode" {
            let rate = try runsPerSecond(iterations) {
                sink &+= try codec.decode(BenchRecord.self, from: payload).id
            }
            print("msgpack speed: decode \(Int(rate))/s")
        }
        #expect(sink != 0)
    }
}
