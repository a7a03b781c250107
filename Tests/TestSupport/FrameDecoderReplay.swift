// Shared by the frame fuzz target (scripts/build-fuzzers.sh compiles this file into it, in one module with
// Sources/Transport) and the corpus replay in the transport tests.

#if canImport(GIPCTransport)
    public import GIPCTransport
#endif

/// How a stream of frames ends.
public enum FrameStreamOutcome: Equatable, Sendable {
    /// At a frame boundary.
    case clean
    /// Inside a frame header or payload.
    case truncated
    /// With a framing error.
    case failed(TransportError.Code)
}

/// A ``FrameDecoder`` fed a stream in chunks of pseudo-random sizes, against a reference parser that reads the
/// whole stream at once: every frame, error code and truncation the decoder reports must match the reference.
///
/// An input is laid out as the frame fuzz target reads it: byte 0 selects the frame limit (`maxFrameBytes`), byte 1
/// seeds the chunk sizes, byte 2 selects the staging buffer's capacity; the rest is the stream.
public struct FrameDecoderReplay {
    /// The frames the decoder returned.
    public private(set) var frames: [[UInt8]] = []
    /// How the decoder said the stream ended.
    public private(set) var outcome = FrameStreamOutcome.clean
    /// What the reference parser says.
    public let expected: (frames: [[UInt8]], outcome: FrameStreamOutcome)
    /// Rules the decoder broke that a comparison of frames and outcome does not show: `finish()` failing with
    /// another code than `truncatedFrame` or with truncation figures that do not add up, a poisoned decoder returning
    /// normally or failing with another code than `poisoned`.
    public private(set) var violations: [String] = []

    private static let limits = [0, 1, 7, 64, 4096, 65_537, 1 << 20, 4 << 20]
    private static let capacities = [0, 64, 100, 4096, 65_536]

    /// Replays `input`.
    ///
    /// - Parameter input: Three selector bytes, then the stream (see above).
    /// - Returns: `nil` for an input shorter than the three selector bytes.
    public init?(input: [UInt8]) {
        guard input.count >= 3 else { return nil }
        let limit = Self.limits[Int(input[0]) % Self.limits.count]
        var seed = UInt32(input[1]) &+ 1
        let stream = input[3...]
        expected = Self.reference(stream, limit: limit)
        var decoder = FrameDecoder(
            maxFrameBytes: limit, bufferCapacity: Self.capacities[Int(input[2]) % Self.capacities.count])
        var index = stream.startIndex
        while index < stream.endIndex {
            seed = seed &* 1_103_515_245 &+ 12_345
            let chunk = min(Int(seed >> 16) % 300 + 1, stream.endIndex - index)
            decoder.feed(stream[index..<index + chunk])
            index += chunk
            do {
                while let frame = try decoder.nextFrame() { frames.append(frame) }
            } catch {
                outcome = .failed(error.code)
                checkPoisoned(&decoder)
                return
            }
        }
        do {
            try decoder.finish()
        } catch {
            outcome = error.code == .truncatedFrame ? .truncated : .failed(error.code)
            if error.code != .truncatedFrame || !(error.bytesReceived ?? 0 < error.bytesExpected ?? 0) {
                violations.append("finish threw \(error)")
            }
        }
    }

    /// After a framing error, every later call must throw `poisoned`.
    private mutating func checkPoisoned(_ decoder: inout FrameDecoder) {
        do {
            _ = try decoder.nextFrame()
            violations.append("a poisoned decoder returned normally")
        } catch  where error.code != .poisoned {
            violations.append("after a framing error: \(error)")
        } catch {}
    }

    /// The reference: parses the whole stream at once.
    private static func reference(
        _ stream: ArraySlice<UInt8>, limit: Int
    ) -> (frames: [[UInt8]], outcome: FrameStreamOutcome) {
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
