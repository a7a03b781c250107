import Foundation
import GIPCCodecs
import GIPCTestSupport
import Testing

/// Found by the Value fuzz target (Fuzz/corpus/value/crash-plist-encoder-duplicate-reference): encoding a certain
/// `Value` with PropertyListCodec kills the process with "Fatal error: Duplicate elements of type 'Reference' were
/// found in a Set" (inside Foundation's binary PropertyListEncoder). MessagePack and JSON encode the same value.
/// The Value holds several NaN doubles with different payloads; the crash depends on the hash seed (9 of 40
/// runs of the fuzz target). A process that relays a peer's message into a plist pipe can be crashed by that peer.
/// PropertyListCodec now refuses a Value holding a NaN with `CodecError.invalidValue` before Foundation sees it.
/// Each attempt still runs in its own process (exit tests): a regression would crash it. The generic corpus replay
/// skips this file.
@Suite("Regression: plist encoder crash")
struct RegressionPropertyListEncoderCrashTests {
    static let path = Repository.fuzzCorpora.appendingPathComponent("value/crash-plist-encoder-duplicate-reference")
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
        for _ in 0..<8 {
            await #expect(processExitsWith: .success) {
                let url = URL(fileURLWithPath: RegressionPropertyListEncoderCrashTests.path)
                var generator = ValueGenerator(bytes: [UInt8](try! Data(contentsOf: url)))
                let codec = PropertyListCodec()
                if let encoded = try? codec.encode(generator.value(depth: 0)) {
                    _ = try? codec.decode(Value.self, from: encoded)
                }
            }
        }
        var generator = ValueGenerator(bytes: [UInt8](try Data(contentsOf: URL(fileURLWithPath: Self.path))))
        let error = #expect(throws: CodecError.self) { try PropertyListCodec().encode(generator.value(depth: 0)) }
        #expect(error?.code == .invalidValue)
    }
}
