import Foundation
import GIPCCodecs
import GIPCTestSupport
import Testing

/// Replays the codec fuzz corpora (Fuzz/corpus/{msgpack,plist,json,value}: seeds and every crash, OOM or timeout
/// the fuzzers found) with the checks of the fuzz targets: hostile bytes get a `CodecError`, never a crash or
/// another error, and a Value that decodes or is generated re-encodes and decodes again.
@Suite("Codec regression corpus")
struct RegressionCorpusTests {
    static func files(_ target: String) -> [String] {
        Repository.fileNames(in: Repository.fuzzCorpora.appendingPathComponent(target)).map { "\(target)/\($0)" }
    }

    /// Timeouts are replayed with a time bound by their own tests (RegressionSlowDecodeTests).
    static let decoderInputs = (files("msgpack") + files("plist") + files("json")).filter { !$0.contains("/timeout-") }
    /// Inputs that crash the process are replayed as exit tests by their own regression tests.
    static let valueInputs = files("value").filter { !$0.contains("/crash-plist-encoder-") }

    /// The fuzz targets' checks, recording an issue where a fuzz target would trap.
    static let checks = CodecErrorsOnly { Issue.record(Comment(rawValue: $0)) }

    static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: Repository.fuzzCorpora.appendingPathComponent(path)))
    }

    @Test("the corpora are there") func present() {
        #expect(Self.decoderInputs.count >= 30)
        #expect(Self.valueInputs.count >= 10)
    }

    @Test("each decoder input gets a value or a CodecError", .timeLimit(.minutes(1)), arguments: decoderInputs)
    func replayDecoder(_ path: String) async throws {
        let bytes = try Self.bytes(path)
        let target = String(path.prefix { $0 != "/" })
        let codec = builtinCodec(named: target)
        let tight = builtinCodec(named: target, limits: tightDecodeLimits)
        // Inside a detached task: a task's thread has a smaller stack than the main thread.
        await Task.detached {
            let decoded = bytes.withUnsafeBytes { Self.checks.decodeEveryWay($0, codec: codec, tight: tight) }
            guard let (value, encoded) = decoded else { return }
            // A re-encoding expands to no more than the value it came from, which was within the expansion budget
            // (maxExpandedBytes; these inputs are far smaller than budget / ratio), so it decodes, to the same value,
            // even when it is denser than the input (RegressionDenserReencodingTests). The fuzz targets still allow
            // expansionLimitExceeded for a denser re-encoding of an input beyond that size.
            #expect(Self.checks("\(codec.name) re-decode") { try codec.decode(Value.self, from: encoded) } == value)
        }.value
    }

    @Test("each generated Value survives every codec", .timeLimit(.minutes(1)), arguments: valueInputs)
    func replayValue(_ path: String) throws {
        var generator = ValueGenerator(bytes: try Self.bytes(path))
        Self.checks.roundTripEveryCodec(generator.value(depth: 0))
    }
}
