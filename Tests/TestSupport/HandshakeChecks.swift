// Shared by the handshake fuzz target (scripts/build-fuzzers.sh compiles this file into it, in one module with
// Sources/Transport) and the corpus replay in the transport tests.

#if canImport(GIPCTransport)
    import GIPCTransport
#endif

/// The rules the handshake's parsers must keep for any input; returns the ones `input` broke (none: empty).
///
/// Byte 0 picks what the rest of the input is:
/// - 0: a received challenge frame: answering it either fails with `authenticationFailed` or gives a response
///   that the challenger's check accepts;
/// - 1: a received response to a fixed challenge: the check fails with `authenticationFailed` (no other error)
///   unless the response is right;
/// - 2: a stream read with the handshake's 256-byte limit: every frame is at most 256 bytes, every error a framing
///   error.
///
/// Every digest split must put back together into the input.
public func handshakeViolations(_ input: [UInt8]) -> [String] {
    guard let first = input.first else { return [] }
    let rest = Array(input.dropFirst())
    let key: [UInt8] = Array("fuzz key".utf8)
    var violations: [String] = []
    if let (digest, payload) = try? Handshake.split(rest[...]) {
        let prefix = digest.map { Array("{\($0.rawValue)}".utf8) } ?? []
        if prefix + payload != rest { violations.append("split lost bytes") }
    }
    switch first % 3 {
    case 0:
        do {
            let response = try Handshake.response(toChallenge: rest, authkey: key)
            let message = Array(rest.dropFirst(Handshake.challengePrefix.count))
            try Handshake.verify(response: response, toChallenge: message, authkey: key)
        } catch {
            if error.code != .authenticationFailed { violations.append("answering: \(error)") }
        }
    case 1:
        let challenge = Array("{sha256}".utf8) + [UInt8](repeating: 0x42, count: 40)
        do {
            try Handshake.verify(response: rest, toChallenge: challenge, authkey: key)
        } catch {
            if error.code != .authenticationFailed { violations.append("checking: \(error)") }
        }
    default:
        var decoder = FrameDecoder(maxFrameBytes: 1 << 20)
        decoder.temporaryLimit = Handshake.maxMessageBytes
        decoder.feed(rest)
        while true {
            do {
                guard let frame = try decoder.nextFrame() else { break }
                if frame.count > Handshake.maxMessageBytes {
                    violations.append("a \(frame.count)-byte handshake frame")
                }
            } catch {
                if ![.frameTooLarge, .protocolViolation, .poisoned].contains(error.code) {
                    violations.append("reading: \(error)")
                }
                break
            }
        }
    }
    return violations
}
