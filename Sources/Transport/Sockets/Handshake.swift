import Crypto

/// The messages of CPython `multiprocessing.connection`'s authentication handshake, byte for byte, and their
/// checks. Pure functions over bytes: what ``FrameConnection`` and ``FrameListener`` send and check during the
/// handshake, and what the fuzz target drives.
///
/// - Challenge: `#CHALLENGE#` then the message: `{sha256}` and 40 random bytes (modern form, Python >= 3.12), or
///   20 random bytes (legacy form, Python <= 3.11).
/// - Response: `{digest}` then HMAC-digest(authkey, message) (the MAC covers the whole message, prefix included);
///   or, legacy, the raw 16-byte HMAC-MD5(authkey, message) with no prefix.
/// - Verdict: `#WELCOME#` or `#FAILURE#`.
///
/// Every handshake message is at most 256 bytes (``maxMessageBytes``). docs/PROTOCOL.md has a transcript.
public enum Handshake {
    /// The largest handshake message either side reads, as CPython's `recv_bytes(256)`.
    public static let maxMessageBytes = 256
    /// The challenge's prefix.
    public static let challengePrefix: [UInt8] = Array("#CHALLENGE#".utf8)
    /// The verdict of a correct response.
    public static let welcome: [UInt8] = Array("#WELCOME#".utf8)
    /// The verdict of a wrong response.
    public static let failure: [UInt8] = Array("#FAILURE#".utf8)
    /// The random bytes of a modern challenge.
    public static let modernRandomBytes = 40
    /// The length of a legacy challenge's message (random bytes only) and the shortest message accepted.
    public static let legacyMessageBytes = 20
    /// The length of a legacy response (a raw HMAC-MD5).
    public static let legacyResponseBytes = 16

    /// A MAC algorithm a handshake names: the five CPython accepts.
    public enum Digest: String, Sendable, CaseIterable {
        case md5
        case sha256
        case sha384
        case sha3_256
        case sha3_384

        /// HMAC of `message` under `key`.
        public func mac(key: [UInt8], message: [UInt8]) -> [UInt8] {
            let key = SymmetricKey(data: key)
            switch self {
            case .md5: return Array(HMAC<Insecure.MD5>.authenticationCode(for: message, using: key))
            case .sha256: return Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
            case .sha384: return Array(HMAC<SHA384>.authenticationCode(for: message, using: key))
            case .sha3_256: return Array(HMAC<SHA3_256>.authenticationCode(for: message, using: key))
            case .sha3_384: return Array(HMAC<SHA3_384>.authenticationCode(for: message, using: key))
            }
        }
    }

    /// A challenge or response split into its digest name (`nil`: the legacy form, HMAC-MD5 without a prefix) and
    /// payload, as CPython's `_get_digest_name_and_payload`.
    /// - Parameter message: the message after `#CHALLENGE#`, or a response.
    /// - Returns: the digest (`nil` for legacy) and the bytes after the prefix.
    /// - Throws: ``TransportError/Code/authenticationFailed`` when the message is neither 16 or 20 bytes long nor
    ///   starts with `{digest}` naming one of the five digests.
    public static func split(_ message: ArraySlice<UInt8>) throws(TransportError) -> (Digest?, ArraySlice<UInt8>) {
        if message.count == legacyMessageBytes || message.count == legacyResponseBytes { return (nil, message) }
        let longestName = Digest.allCases.map(\.rawValue.utf8.count).max()!
        if message.first == UInt8(ascii: "{"),
            let close = message.prefix(longestName + 2).dropFirst().firstIndex(of: UInt8(ascii: "}")),
            let name = String(validating: message[(message.startIndex + 1)..<close], as: UTF8.self),
            let digest = Digest(rawValue: name)
        {
            return (digest, message[(close + 1)...])
        }
        throw TransportError(
            .authenticationFailed,
            "unsupported message length (\(message.count) bytes), missing digest prefix, or unsupported digest")
    }

    /// A new modern challenge message (after `#CHALLENGE#`): `{digest}` and 40 random bytes.
    public static func makeChallengeMessage(digest: Digest = .sha256) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return Array("{\(digest.rawValue)}".utf8) + (0..<modernRandomBytes).map { _ in generator.next() }
    }

    /// The response to a received challenge frame, as CPython's `answer_challenge` sends it.
    /// - Parameters:
    ///   - challenge: the whole frame, `#CHALLENGE#` included.
    ///   - authkey: the shared key.
    /// - Returns: the raw 16-byte HMAC-MD5 for a legacy challenge, else `{digest}` and the HMAC.
    /// - Throws: ``TransportError/Code/authenticationFailed`` when the frame is no challenge, is too short, or names
    ///   an unsupported digest.
    public static func response(toChallenge challenge: [UInt8], authkey: [UInt8]) throws(TransportError) -> [UInt8] {
        guard challenge.starts(with: challengePrefix) else {
            throw TransportError(.authenticationFailed, "protocol error: expected a #CHALLENGE# message")
        }
        let message = Array(challenge.dropFirst(challengePrefix.count))
        guard message.count >= legacyMessageBytes else {
            throw TransportError(.authenticationFailed, "challenge too short: \(message.count) bytes")
        }
        guard let digest = try split(message[...]).0 else { return Digest.md5.mac(key: authkey, message: message) }
        return Array("{\(digest.rawValue)}".utf8) + digest.mac(key: authkey, message: message)
    }

    /// Checks a response to the challenge `message` (without `#CHALLENGE#`), as CPython's `_verify_challenge`: the
    /// response may name any of the five digests, or be a legacy raw HMAC-MD5; the MACs are compared in constant time.
    /// - Throws: ``TransportError/Code/authenticationFailed`` when the response is malformed or its MAC is wrong.
    public static func verify(response: [UInt8], toChallenge message: [UInt8], authkey: [UInt8]) throws(TransportError)
    {
        let (named, mac) = try split(response[...])
        let digest = named ?? .md5
        let expected = digest.mac(key: authkey, message: message)
        guard expected.count == mac.count else {
            throw TransportError(
                .authenticationFailed, "expected a \(digest.rawValue) MAC of \(expected.count) bytes, got \(mac.count)")
        }
        var difference: UInt8 = 0
        for (a, b) in zip(expected, mac) { difference |= a ^ b }
        guard difference == 0 else {
            throw TransportError(
                .authenticationFailed, "the peer's MAC is wrong: it does not know the authentication key")
        }
    }
}
