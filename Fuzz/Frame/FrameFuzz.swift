// libFuzzer target: the incremental frame decoder against a straightforward reference parser.
//
// Built outside SwiftPM together with Sources/Transport (see mk/reliability.mk). Input layout:
//   byte 0: limit selector (maxFrameBytes), byte 1: chunk-size seed, byte 2: staging-buffer selector,
//   rest: the stream. Every frame, error code and truncation the decoder reports must match the reference.

private let limits = [0, 1, 7, 64, 4096, 65_537, 1 << 20, 4 << 20]
private let capacities = [0, 64, 100, 4096, 65_536]

private enum Outcome: Equatable {
    case clean
    case truncated
    case failed(TransportError.Code)
}

/// The reference: parse the whole stream at once.
private func reference(_ stream: ArraySlice<UInt8>, limit: Int) -> ([[UInt8]], Outcome) {
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

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrameDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 3 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let limit = limits[Int(input[0]) % limits.count]
    var seed = UInt32(input[1]) &+ 1
    let capacity = capacities[Int(input[2]) % capacities.count]
    let stream = input[3...]

    var decoder = FrameDecoder(maxFrameBytes: limit, bufferCapacity: capacity)
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
            precondition(error.code == .truncatedFrame, "finish threw \(error)")
            precondition(error.bytesReceived ?? 0 < error.bytesExpected ?? 0, "truncation figures: \(error)")
            outcome = .truncated
        }
    } else {
        // Poisoned: every later call must throw poisoned.
        do {
            _ = try decoder.nextFrame()
            preconditionFailure("a poisoned decoder returned normally")
        } catch {
            precondition(error.code == .poisoned, "after a framing error: \(error)")
        }
    }
    let (expectedFrames, expectedOutcome) = reference(stream, limit: limit)
    precondition(frames == expectedFrames, "frames differ from the reference")
    precondition(outcome == expectedOutcome, "outcome \(String(describing: outcome)) != \(expectedOutcome)")
    return 0
}
