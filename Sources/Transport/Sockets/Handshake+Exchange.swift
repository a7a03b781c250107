extension Handshake {
    /// The listener's half of one direction: sends a modern challenge, checks the response, sends the verdict.
    /// - Parameters:
    ///   - reader: the connection's reading end.
    ///   - writer: the connection's writing end.
    ///   - authkey: the shared key.
    ///   - timeout: how long the whole exchange may take; `nil` waits forever.
    /// - Throws: ``TransportError`` with ``TransportError/Code/authenticationFailed`` (after sending `#FAILURE#`)
    ///   for a wrong or malformed response, ``TransportError/Code/frameTooLarge`` for a response longer than
    ///   ``maxMessageBytes``, and whatever receiving and sending throw.
    package static func deliverChallenge(
        reader: FrameReader, writer: FrameWriter, authkey: [UInt8], timeout: Duration?
    ) async throws {
        let clock = Remaining(timeout)
        let message = makeChallengeMessage()
        try await writer.send(challengePrefix + message, timeout: clock.left)
        let response = try await reader.receive(timeout: clock.left, limit: maxMessageBytes)
        do {
            try verify(response: response, toChallenge: message, authkey: authkey)
        } catch {
            try? await writer.send(failure, timeout: clock.left)
            throw error
        }
        try await writer.send(welcome, timeout: clock.left)
    }

    /// The connecting side's half of one direction: answers the peer's challenge and reads the verdict.
    /// - Parameters: as for ``deliverChallenge(reader:writer:authkey:timeout:)``.
    /// - Throws: ``TransportError`` with ``TransportError/Code/authenticationFailed`` when the challenge is malformed
    ///   or the verdict is not `#WELCOME#` (the peer has another key), ``TransportError/Code/frameTooLarge`` for a
    ///   message longer than ``maxMessageBytes``, and whatever receiving and sending throw.
    package static func answerChallenge(
        reader: FrameReader, writer: FrameWriter, authkey: [UInt8], timeout: Duration?
    ) async throws {
        let clock = Remaining(timeout)
        let challenge = try await reader.receive(timeout: clock.left, limit: maxMessageBytes)
        try await writer.send(try response(toChallenge: challenge, authkey: authkey), timeout: clock.left)
        let verdict = try await reader.receive(timeout: clock.left, limit: maxMessageBytes)
        guard verdict == welcome else {
            throw TransportError(
                .authenticationFailed,
                verdict == failure
                    ? "the peer rejected this side's response (#FAILURE#): the keys differ"
                    : "protocol error: expected #WELCOME# or #FAILURE#, got \(verdict.count) other bytes")
        }
    }

    /// The time left of a timeout that started when this was made.
    struct Remaining {
        let end: ContinuousClock.Instant?

        init(_ timeout: Duration?) {
            end = timeout.map { ContinuousClock.now + $0 }
        }

        /// What is left, at least zero; `nil` without a timeout.
        var left: Duration? {
            end.map { max(.zero, $0 - ContinuousClock.now) }
        }
    }
}
