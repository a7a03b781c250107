import Foundation
import GIPCCodecs
import Testing

/// Found by the Value fuzz target (Fuzz/corpus/value/crash-plist-encoder-duplicate-reference): encoding a certain
/// `Value` with PropertyListCodec kills the process with "Fatal error: Duplicate elements of type 'Reference' were
/// found in a Set" (inside Foundation's binary PropertyListEncoder). MessagePack and JSON encode the same value.
/// The Value holds several NaN doubles with different payloads; the crash depends on the hash seed (9 of 40
/// runs of the fuzz target). A process that relays a peer's message into a plist pipe can be crashed by that peer.
/// Expected: a CodecError, or a plist. Each attempt runs in its own process (exit tests); the generic corpus
/// replay skips this file. Recorded as an (intermittent) known issue until Sources/Codecs is fixed.
@Suite("Regression: plist encoder crash")
struct RegressionPropertyListEncoderCrashTests {
    static let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus/value/crash-plist-encoder-duplicate-reference")
        .path

    @Test("the fuzzed Value encodes in MessagePack and JSON")
    func otherCodecs() throws {
        var generator = ValueGenerator(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.path))))
        let value = generator.value(depth: 0)
        _ = try MessagePackCodec().encode(value)
        _ = try? JSONCodec().encode(value)
    }

    /// The crash depends on the per-process hash seed (about one process in four), so each attempt is a process.
    @Test("encoding the fuzzed Value as a property list never crashes", .timeLimit(.minutes(2)))
    func plistEncoder() async throws {
        await withKnownIssue("PropertyListCodec.encode crashes in Foundation on Values with NaNs", isIntermittent: true)
        {
            for _ in 0..<24 {
                await #expect(processExitsWith: .success) {
                    let url = URL(fileURLWithPath: RegressionPropertyListEncoderCrashTests.path)
                    var generator = ValueGenerator(bytes: [UInt8](try! Data(contentsOf: url)))
                    let codec = PropertyListCodec()
                    if let encoded = try? codec.encode(generator.value(depth: 0)) {
                        _ = try? codec.decode(Value.self, from: encoded)
                    }
                }
            }
        }
    }
}
