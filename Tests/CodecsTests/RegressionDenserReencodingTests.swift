import Foundation
import GIPCCodecs
import Testing

/// Found by the plist fuzz target (Fuzz/corpus/plist/crash-9d77b30c894e51fb11c5b70822345d569b581930): a 554-byte
/// plist of nested arrays with shared references decodes into a `Value` within the expansion limit (16x the input),
/// but Foundation re-encodes that value more densely (326 bytes), and the same values are more than 16x of the
/// smaller input. Refusing it with `expansionLimitExceeded` is the documented limit at work, not a fault: the target
/// had asserted that every re-encoding decodes. The fuzz target now allows exactly this case.
@Suite("Regression: a denser re-encoding meets the expansion limit")
struct RegressionDenserReencodingTests {
    static let input = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent(
            "Fuzz/corpus/plist/crash-9d77b30c894e51fb11c5b70822345d569b581930")

    @Test("the re-encoded value is refused with expansionLimitExceeded, and decodes with a larger ratio")
    func denserReencoding() throws {
        let bytes = [UInt8](try Data(contentsOf: Self.input))
        let value = try PropertyListCodec().decode(Value.self, from: bytes)
        let encoded = try PropertyListCodec().encode(value)
        #expect(encoded.count < bytes.count)
        #expect(throws: CodecError.self) { try PropertyListCodec().decode(Value.self, from: encoded) }
        do {
            _ = try PropertyListCodec().decode(Value.self, from: encoded)
        } catch let error as CodecError {
            #expect(error.code == .expansionLimitExceeded)
        }
        let roomier = PropertyListCodec(limits: DecodeLimits(maxExpansionRatio: 64))
        #expect(try roomier.decode(Value.self, from: encoded) == value)
    }
}
