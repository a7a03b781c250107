import Foundation
import GIPCCodecs
import GIPCTestSupport
import Testing

/// Found by the plist fuzz target (Fuzz/corpus/plist/crash-9d77b30c894e51fb11c5b70822345d569b581930): a 554-byte
/// plist of nested arrays with shared references decodes into a `Value` within the expansion ratio (16x the input),
/// but Foundation re-encodes that value more densely (326 bytes), and the same values are more than 16x of the
/// smaller input. While the ratio alone bounded expansion, the re-encoding was refused with `expansionLimitExceeded`
/// and the target, which had asserted that every re-encoding decodes, was changed to allow exactly this case. Since
/// the absolute budget (`DecodeLimits.maxExpandedBytes`, 64 MiB by default), a re-encoding, which expands to no more
/// than its original, decodes whenever the original did within the budget; the ratio alone (a budget of 0) still
/// refuses it.
@Suite("Regression: a denser re-encoding meets the expansion ratio")
struct RegressionDenserReencodingTests {
    static let input = Repository.fuzzCorpora.appendingPathComponent(
        "plist/crash-9d77b30c894e51fb11c5b70822345d569b581930")

    @Test("the re-encoded value decodes within the budget; the ratio alone refuses it, a larger ratio accepts it")
    func denserReencoding() throws {
        let bytes = [UInt8](try Data(contentsOf: Self.input))
        let value = try PropertyListCodec().decode(Value.self, from: bytes)
        let encoded = try PropertyListCodec().encode(value)
        #expect(encoded.count < bytes.count)
        #expect(try PropertyListCodec().decode(Value.self, from: encoded) == value)
        let ratioOnly = PropertyListCodec(limits: DecodeLimits(maxExpandedBytes: 0))
        #expect(try ratioOnly.decode(Value.self, from: bytes) == value)
        let error = #expect(throws: CodecError.self) { try ratioOnly.decode(Value.self, from: encoded) }
        #expect(error?.code == .expansionLimitExceeded)
        let roomier = PropertyListCodec(limits: DecodeLimits(maxExpansionRatio: 64, maxExpandedBytes: 0))
        #expect(try roomier.decode(Value.self, from: encoded) == value)
    }
}
