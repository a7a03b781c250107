// libFuzzer target: the parsers of the socket handshake (Sources/Transport/Sockets/Handshake.swift).
//
// Built outside SwiftPM with Sources/Transport, Tests/TestSupport/HandshakeChecks.swift and swift-crypto's objects
// from the debug build (see scripts/build-fuzzers.sh). The input's layout and the rules checked are those of
// `handshakeViolations(_:)`.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHandshake(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let violations = handshakeViolations(Array(UnsafeBufferPointer(start: data, count: size)))
    precondition(violations.isEmpty, "\(violations)")
    return 0
}
