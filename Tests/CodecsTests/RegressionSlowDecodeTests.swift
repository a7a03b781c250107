import Foundation
import GIPCCodecs
import GIPCTestSupport
import Testing

/// Found by the plist fuzz target: Fuzz/corpus/plist/timeout-nested-arrays-depth-514, a 2,609-byte binary plist of
/// one-element arrays nested to the default depth limit, took seconds to decode into `Value` (cubic in the depth:
/// `Value.init(from:)` tried seven scalar decodes before the containers at every level, and each failed attempt
/// costs time in proportion to the depth in Foundation's decoders). JSON had the same cost:
/// Fuzz/corpus/json/timeout-nested-arrays-depth-510. `Value.init(from:)` now tries containers first. The time limit
/// is the guard here (no timed assertion): the fixed decode takes milliseconds.
@Suite("Regression: slow decodes")
struct RegressionSlowDecodeTests {
    @Test(
        "a plist or JSON array nested to the depth limit decodes into Value", .timeLimit(.minutes(1)),
        arguments: ["plist/timeout-nested-arrays-depth-514", "json/timeout-nested-arrays-depth-510"])
    func nestedArrays(_ path: String) async throws {
        let bytes = [UInt8](try Data(contentsOf: Repository.fuzzCorpora.appendingPathComponent(path)))
        let codec: any MessageCodec = path.hasPrefix("json") ? JSONCodec() : PropertyListCodec()
        let value = try await Task.detached { try codec.decode(Value.self, from: bytes) }.value
        var deepest = 0
        var pending = [(value, 0)]
        while let (next, depth) = pending.popLast() {
            deepest = max(deepest, depth)
            if case .array(let elements) = next { pending += elements.map { ($0, depth + 1) } }
        }
        #expect(deepest >= 400)
    }
}
