import Foundation
import GIPCBenchRecord
import GIPCCodecs
import Testing

/// Encode and decode rates of the benchmark record (about 100 bytes in MessagePack) in every codec, as ratios to
/// JSON. Measures only; asserts no timing. Run by hand: `GIPC_CODEC_RATES=1 swift test -c release --filter
/// CodecRateTests`.
@Suite("CodecRates", .enabled(if: ProcessInfo.processInfo.environment["GIPC_CODEC_RATES"] != nil))
struct CodecRateTests {
    @Test("encode/decode rate of a ~100-byte struct per codec", .timeLimit(.minutes(5)))
    func rates() throws {
        let sample = BenchRecord.sample
        let codecs: [any MessageCodec] = [JSONCodec(), MessagePackCodec(), PropertyListCodec()]
        var results: [(name: String, size: Int, encode: Double, decode: Double)] = []
        for codec in codecs {
            let payload = try codec.encode(sample)
            #expect(try codec.decode(BenchRecord.self, from: payload) == sample)
            let iterations = 100_000
            var sink = 0
            let encode = try runsPerSecond(iterations) { sink &+= try codec.encode(sample).count }
            let decode = try runsPerSecond(iterations) {
                sink &+= try codec.decode(BenchRecord.self, from: payload).id
            }
            #expect(sink != 0)
            results.append((codec.name, payload.count, encode, decode))
        }
        let json = results[0]
        for result in results {
            let encode = "encode \(Int(result.encode))/s (\(ratio(result.encode, json.encode)) x JSON)"
            let decode = "decode \(Int(result.decode))/s (\(ratio(result.decode, json.decode)) x JSON)"
            print("rate \(result.name): \(result.size) B, \(encode), \(decode)")
        }
    }

    private func ratio(_ value: Double, _ base: Double) -> String {
        String(format: "%.2f", value / base)
    }
}
