import Foundation
import GIPCTestSupport
import GIPCTransport
import Testing

@Suite("Handshake messages")
struct HandshakeTests {
    let key: [UInt8] = Array("key".utf8)

    @Test("a modern challenge is {sha256} and 40 random bytes; its response is {sha256} and the HMAC of all of it")
    func modern() throws {
        let message = Handshake.makeChallengeMessage()
        #expect(message.count == 8 + 40)
        #expect(message.starts(with: Array("{sha256}".utf8)))
        let response = try Handshake.response(toChallenge: Handshake.challengePrefix + message, authkey: key)
        #expect(response == Array("{sha256}".utf8) + Handshake.Digest.sha256.mac(key: key, message: message))
        try Handshake.verify(response: response, toChallenge: message, authkey: key)
        #expect(Handshake.makeChallengeMessage() != message)
    }

    @Test("a legacy 20-byte challenge gets a raw 16-byte HMAC-MD5, which a modern listener accepts")
    func legacy() throws {
        let message = [UInt8](repeating: 7, count: 20)
        let response = try Handshake.response(toChallenge: Handshake.challengePrefix + message, authkey: key)
        #expect(response.count == 16)
        #expect(response == Handshake.Digest.md5.mac(key: key, message: message))
        // A legacy client answers a modern challenge with a raw MD5 of the whole message.
        let modern = Handshake.makeChallengeMessage()
        try Handshake.verify(
            response: Handshake.Digest.md5.mac(key: key, message: modern), toChallenge: modern, authkey: key)
    }

    @Test("every digest CPython allows is accepted", arguments: Handshake.Digest.allCases)
    func digests(digest: Handshake.Digest) throws {
        let message = Handshake.makeChallengeMessage(digest: digest)
        let response = try Handshake.response(toChallenge: Handshake.challengePrefix + message, authkey: key)
        #expect(response.starts(with: Array("{\(digest.rawValue)}".utf8)))
        try Handshake.verify(response: response, toChallenge: message, authkey: key)
    }

    /// RFC 2202 / RFC 4231 test vectors: HMAC-MD5 and HMAC-SHA256 with key "Jefe".
    @Test("the MACs match the RFC test vectors")
    func vectors() {
        let message = Array("what do ya want for nothing?".utf8)
        let hex = { (bytes: [UInt8]) in
            bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }
                .joined()
        }
        #expect(
            hex(Handshake.Digest.md5.mac(key: Array("Jefe".utf8), message: message))
                == "750c783e6ab0b503eaa86e310a5db738")
        #expect(
            hex(Handshake.Digest.sha256.mac(key: Array("Jefe".utf8), message: message))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test(
        "malformed responses and challenges are refused with authenticationFailed",
        arguments: [
            Array("{sha1}0123456789abcdefghijklmnopqrstuvwxyz".utf8), Array("no prefix at all, 33 bytes long!!".utf8),
            Array("{sha256".utf8) + [UInt8](repeating: 0, count: 40), [], Array("{}".utf8),
            Array("{md5}".utf8), [UInt8](repeating: 0x7B, count: 300),
        ])
    func malformed(response: [UInt8]) {
        let message = Handshake.makeChallengeMessage()
        #expect { try Handshake.verify(response: response, toChallenge: message, authkey: key) } throws: {
            ($0 as? TransportError)?.code == .authenticationFailed
        }
        #expect {
            _ = try Handshake.response(toChallenge: Handshake.challengePrefix + response, authkey: key)
        } throws: {
            ($0 as? TransportError)?.code == .authenticationFailed
        }
    }

    @Test("a wrong MAC is refused")
    func wrongMAC() throws {
        let message = Handshake.makeChallengeMessage()
        var response = try Handshake.response(toChallenge: Handshake.challengePrefix + message, authkey: key)
        response[response.count - 1] ^= 1
        #expect { try Handshake.verify(response: response, toChallenge: message, authkey: key) } throws: {
            ($0 as? TransportError)?.code == .authenticationFailed
        }
    }
}

@Suite("Socket addresses")
struct SocketAddressTests {
    @Test(
        "the text form parses and prints back",
        arguments: ["unix:/tmp/a.sock", "unix:@name", "tcp:127.0.0.1:7000", "tcp:[::1]:0", "tcp:localhost:65535"])
    func roundTrip(text: String) throws {
        #expect(try SocketAddress(parsing: text).description == text)
    }

    @Test(
        "parts",
        arguments: [
            ("unix:/tmp/a.sock", SocketAddress.unix(path: "/tmp/a.sock")),
            ("unix:@name", .unixAbstract(name: "name")),
            ("tcp:[::1]:80", .tcp(host: "::1", port: 80)),
            ("tcp:10.0.0.1:1", .tcp(host: "10.0.0.1", port: 1)),
        ])
    func parts(text: String, address: SocketAddress) throws {
        #expect(try SocketAddress(parsing: text) == address)
    }

    @Test(
        "bad addresses are refused with invalidAddress",
        arguments: [
            "", "unix:", "unix:@", "tcp:1.2.3.4", "tcp::80", "tcp:[::1]80", "tcp:[::1:80", "udp:x:1",
            "tcp:1.2.3.4:65536", "tcp:1.2.3.4:-1", "tcp:1.2.3.4:port",
        ])
    func invalid(text: String) {
        #expect { _ = try SocketAddress(parsing: text) } throws: { ($0 as? TransportError)?.code == .invalidAddress }
    }

    @Test("a name that does not fit sockaddr_un, or a non-numeric host, is refused when used")
    func unusable() async {
        let long = SocketAddress.unix(path: "/tmp/" + String(repeating: "x", count: 200))
        await #expect {
            _ = try await FrameConnection.connect(to: long, authentication: .none)
        } throws: { ($0 as? TransportError)?.code == .invalidAddress }
        await #expect {
            _ = try await FrameConnection.connect(to: .tcp(host: "example.invalid", port: 1), authentication: .disabled)
        } throws: { ($0 as? TransportError)?.code == .invalidAddress }
    }

    @Test("nobody listening: connectionRefused")
    func refused() async {
        await #expect {
            _ = try await FrameConnection.connect(to: .unix(path: "/tmp/gipc-nobody-here.sock"), authentication: .none)
        } throws: { ($0 as? TransportError)?.code == .connectionRefused }
        await #expect {
            _ = try await FrameConnection.connect(to: .unixAbstract(name: "gipc-nobody-here"), authentication: .none)
        } throws: { ($0 as? TransportError)?.code == .connectionRefused }
    }
}

@Suite("Handshake: CPython's bytes")
struct HandshakeTranscriptTests {
    /// CPython 3.12's `answer_challenge` with key "secret" to the challenge `{sha256}` + bytes 0...39, and 3.11's to
    /// bytes 0...19 (the transcript in docs/PROTOCOL.md).
    @Test("the responses equal CPython's for the same challenge and key")
    func cpythonResponses() throws {
        let key = Array("secret".utf8)
        let modern = Handshake.challengePrefix + Array("{sha256}".utf8) + (0..<40).map { UInt8($0) }
        #expect(
            try Handshake.response(toChallenge: modern, authkey: key)
                == Array("{sha256}".utf8) + hexBytes("fc57fbe650d6124b98215e7b5d197d5807ad69982d275a9735ea2d56f1fa6989")
        )
        let legacy = Handshake.challengePrefix + (0..<20).map { UInt8($0) }
        #expect(
            try Handshake.response(toChallenge: legacy, authkey: key) == hexBytes("7defa9cc46abc3583325d17ccda75190"))
    }

    private func hexBytes(_ text: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            result.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return result
    }
}

/// Replays Fuzz/corpus/handshake (the seeds and anything the handshake fuzzer found) through its checks.
@Suite("Handshake regression corpus")
struct HandshakeCorpusTests {
    static let corpus = Repository.fuzzCorpora.appendingPathComponent("handshake")
    static let files = Repository.fileNames(in: corpus)

    @Test("the corpus is there") func present() {
        #expect(Self.files.count >= 4)
    }

    @Test("each corpus input keeps the handshake's rules", arguments: files)
    func replay(_ name: String) throws {
        let input = [UInt8](try Data(contentsOf: Self.corpus.appendingPathComponent(name)))
        #expect(handshakeViolations(input) == [])
    }
}
