import Foundation
import GIPCTestSupport
import Testing

/// Replays Fuzz/corpus/frame (the fuzz seeds and every crash, OOM or timeout the frame-decoder fuzzer found)
/// through the check of Fuzz/Frame/FrameFuzz.swift: the decoder must agree with a reference parser.
@Suite("Frame decoder regression corpus")
struct RegressionCorpusTests {
    static let corpus = Repository.fuzzCorpora.appendingPathComponent("frame")

    static let files = Repository.fileNames(in: corpus)

    @Test("the corpus is there") func present() {
        #expect(Self.files.count >= 8)
    }

    @Test("each corpus input decodes as the reference parser says", .timeLimit(.minutes(1)), arguments: files)
    func replay(_ name: String) throws {
        let input = [UInt8](try Data(contentsOf: Self.corpus.appendingPathComponent(name)))
        guard let replay = FrameDecoderReplay(input: input) else { return }
        #expect(replay.violations == [])
        #expect(replay.frames == replay.expected.frames)
        #expect(replay.outcome == replay.expected.outcome)
    }
}
