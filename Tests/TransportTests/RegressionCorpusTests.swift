import Foundation
import GIPCTransport
import Testing

/// Replays Fuzz/corpus/frame (the fuzz seeds and every crash, OOM or timeout the frame-decoder fuzzer found)
/// through the same check as Fuzz/Frame/FrameFuzz.swift: the decoder must agree with a reference parser.
@Suite("Frame decoder regression corpus")
struct RegressionCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus/frame")

    static let files: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: corpus.path)) ?? []).sorted()

    static let limits = [0, 1, 7, 64, 4096, 65_537, 1 << 20, 4 << 20]
    static let capacities = [0, 64, 100, 4096, 65_536]

    enum Outcome: Equatable {
        case clean
        case truncated
        case failed(TransportError.Code)
    }

    @Test("the corpus is there") func present() {
        #expect(Self.files.count >= 8)
    }

    @Test("each corpus input decodes as the reference parser says", .timeLimit(.minutes(1)), arguments: files)
    func replay(_ name: String) throws {
        let input = [UInt8](try Data(contentsOf: Self.corpus.appendingPathComponent(name)))
        guard input.count >= 3 else { return }
        let limit = Self.limits[Int(input[0]) % Self.limits.count]
        var seed = UInt32(input[1]) &+ 1
        let stream = input[3...]
        var decoder = FrameDecoder(
            maxFrameBytes: limit, bufferCapacity: Self.capacities[Int(input[2]) % Self.capacities.count])
        var frames: [[UInt8]] = []
        var outcome: Outcome? = nil
        var index = stream.startIndex
        feeding: while index < stream.endIndex {
            seed = seed &* 1_103_515_245 &+ 12_345
            let chunk = min(Int(seed >> 16) % 300 + 1, stream.endIndex - index)
            decoder.feed(stream[index..<index + chunk])
            index += chunk
            while true {
                do {
                    guard let frame = try decoder.nextFrame() else { break }
                    frames.append(frame)
                } catch {
                    outcome = .failed(error.code)
                    break feeding
                }
            }
        }
        if outcome == nil {
            do {
                try decoder.finish()
                outcome = .clean
            } catch {
                #expect(error.code == .truncatedFrame)
                outcome = .truncated
            }
        } else {
            #expect(throws: TransportError.self) { _ = try decoder.nextFrame() }
        }
        let expected = Self.reference(stream, limit: limit)
        #expect(frames == expected.frames)
        #expect(outcome == expected.outcome)
    }

    static func reference(_ stream: ArraySlice<UInt8>, limit: Int) -> (frames: [[UInt8]], outcome: Outcome) {
        var frames: [[UInt8]] = []
        var index = stream.startIndex
        while index < stream.endIndex {
            guard stream.endIndex - index >= 4 else { return (frames, .truncated) }
            let short = Int32(bitPattern: stream[index..<index + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            var length: UInt64
            var header = 4
            if short >= 0 {
                length = UInt64(short)
            } else if short == -1 {
                guard stream.endIndex - index >= 12 else { return (frames, .truncated) }
                length = stream[index + 4..<index + 12].reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                header = 12
            } else {
                return (frames, .failed(.protocolViolation))
            }
            if length > UInt64(limit) { return (frames, .failed(.frameTooLarge)) }
            let start = index + header
            guard UInt64(stream.endIndex - start) >= length else { return (frames, .truncated) }
            frames.append(Array(stream[start..<start + Int(length)]))
            index = start + Int(length)
        }
        return (frames, .clean)
    }
}
