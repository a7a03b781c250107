// libFuzzer target: the incremental frame decoder against a straightforward reference parser.
//
// Built outside SwiftPM together with Sources/Transport and Tests/TestSupport/FrameDecoderReplay.swift (see
// scripts/build-fuzzers.sh), which lays out the input: byte 0 limit selector (maxFrameBytes), byte 1 chunk-size
// seed, byte 2 staging-buffer selector, rest the stream. Every frame, error code and truncation the decoder reports
// must match the reference.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFrameDecoder(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let replay = FrameDecoderReplay(input: Array(UnsafeBufferPointer(start: data, count: size))) else { return 0 }
    precondition(replay.violations.isEmpty, "\(replay.violations)")
    precondition(replay.frames == replay.expected.frames, "frames differ from the reference")
    precondition(replay.outcome == replay.expected.outcome, "outcome \(replay.outcome) != \(replay.expected.outcome)")
    return 0
}
