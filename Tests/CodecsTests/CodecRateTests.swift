import Foundation
import GIPCCodecs
import Testing

/// A message of about 100 bytes in MessagePack.
struct RateSample: Codable, Equatable, Sendable {
    var id: Int
    var user: String
    var email: String
    var score: Double
    var active: Bool
    var tags: [String]
    var created: Date
}

/// Encode and decode rates of a ~100-byte struct in every codec, as ratios to JSON. Measures only; asserts no
/// timing. Run by hand: `GIPC_CODEC_RATES=1 swift test -c release --filter CodecRateTests`.
@Suite("CodecRates", .enabled(if: ProcessInfo.processInfo.environment["GIPC_CODEC_RATES"] != nil))
struct CodecRateTests {
    @Test("encode/decode rate of a ~100-byte struct per codec", .timeLimit(.minutes(5)))
    func rates() throws {
        let sample = RateSample(
            id: 123_456, user: "ada.lovelace", email: "ada@analytical-engine.org", score: 98.25, active: true,
            tags: ["math", "engines", "poetry"], created: Date(timeIntervalSince1970: 1_700_000_000))
        let codecs: [any MessageCodec] = [JSONCodec(), MessagePackCodec(), PropertyListCodec()]
        var results: [(name: String, size: Int, encode: Double, decode: Double)] = []
        for codec in codecs {
            let payload = try codec.encode(sample)
            #expect(try codec.decode(RateSample.self, from: payload) == sample)
            let iterations = 100_000
            var sink = 0
            let encodeStart = ContinuousClock.now
            for _ in 0..<iterations { sink &+= try codec.encode(sample).count }
            let encodeTime = ContinuousClock.now - encodeStart
            let decodeStart = ContinuousClock.now
            for _ in 0..<iterations { sink &+= try codec.decode(RateSample.self, from: payload).id }
            let decodeTime = ContinuousClock.now - decodeStart
            #expect(sink != 0)
            results.append(
                (
                    codec.name, payload.count, Double(iterations) / seconds(encodeTime),
                    Double(iterations) / seconds(decodeTime)
                ))
        }
        let json = results[0]
        for result in results {
            let encode = "encode \(Int(result.encode))/s (\(ratio(result.encode, json.encode)) x JSON)"
            let decode = "decode \(Int(result.decode))/s (\(ratio(result.decode, json.decode)) x JSON)"
            print("rate \(result.name): \(result.size) B, \(encode), \(decode)")
        }
    }

    private func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private func ratio(_ value: Double, _ base: Double) -> String {
        String(format: "%.2f", value / base)
    }
}
