import Foundation
import GIPCKit
import GIPCTestSupport
import Testing

/// Hostile clients against one listener (RELIABILITY.md case 26): each test checks that an honest client is still
/// served afterwards, that the hostile ones got typed errors or were dropped, and that nothing leaked.
@Suite("Sockets: hostile clients", .serialized)
struct SocketHostileTests {
    static let key: [UInt8] = Array("hostile tests".utf8)

    /// An honest client: connects with the key, sends one frame and expects it back.
    static func honestRoundTrip(_ listener: FrameListener) async throws {
        async let served: Void = {
            let connection = try await listener.accept(timeout: .seconds(20))
            let frame = try await connection.reader.receive(timeout: .seconds(10))
            try await connection.writer.send(frame, timeout: .seconds(10))
            try connection.close()
        }()
        let client = try await FrameConnection.connect(to: listener.address, authentication: .key(key))
        try await client.writer.send(Array("honest".utf8), timeout: .seconds(10))
        #expect(try await client.reader.receive(timeout: .seconds(10)) == Array("honest".utf8))
        try client.close()
        try await served
    }

    /// A client that connects without the handshake (it reads the listener's challenge itself).
    static func rawClient(_ listener: FrameListener) async throws -> FrameConnection {
        try await FrameConnection.connect(to: listener.address, authentication: .disabled)
    }

    static func write(_ connection: FrameConnection, _ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { Glibc.write(connection.writer.fileDescriptor, $0.baseAddress, $0.count) }
    }

    @Test(
        "a 2 GB frame header before authenticating fails that handshake at once (memory: SocketCLI/hugeHeaders)",
        .timeLimit(.minutes(1)))
    func hugeHeaderBeforeAuth() async throws {
        try await FrameListener.with(listeningOn: .tcp(host: "127.0.0.1", port: 0), authentication: .key(Self.key)) {
            listener in
            for _ in 0..<20 {
                let client = try await Self.rawClient(listener)
                _ = try await client.reader.receive(timeout: .seconds(10))  // the challenge
                Self.write(client, [0x7F, 0xFF, 0xFF, 0xFF] + Array(repeating: 0, count: 64))
                // The listener drops the connection without a verdict.
                await #expect(throws: TransportError.self) {
                    _ = try await client.reader.receive(timeout: .seconds(10))
                }
                try client.close()
            }
            #expect(await eventually { listener.statistics.failedHandshakes == 20 })
            #expect(listener.statistics.lastFailure?.contains("frameTooLarge") == true)
            try await Self.honestRoundTrip(listener)
        }
    }

    @Test("clients that never answer hold a slot until the deadline only", .timeLimit(.minutes(1)))
    func silentClients() async throws {
        // 2 s: long enough for the honest client's own handshake on a loaded machine.
        let options = SocketOptions(handshakeTimeout: .seconds(2), maxConcurrentHandshakes: 8)
        try await FrameListener.with(
            listeningOn: .unixAbstract(name: "gipc-hostile-silent-\(getpid())"), authentication: .key(Self.key),
            options: options
        ) { listener in
            // Twice as many silent clients as there are slots.
            var silent: [FrameConnection] = []
            for _ in 0..<16 { silent.append(try await Self.rawClient(listener)) }
            let start = ContinuousClock.now
            try await Self.honestRoundTrip(listener)
            let waited = ContinuousClock.now - start
            // Behind two rounds of silent clients (4 s), never behind all of them for longer.
            #expect(waited < .seconds(30), "the honest client waited \(waited)")
            #expect(await eventually { listener.statistics.timedOutHandshakes == 16 })
            #expect(listener.statistics.peakConcurrentHandshakes <= 8)
            for connection in silent { try connection.close() }
        }
    }

    @Test("garbage instead of a response or a challenge fails that handshake on either side", .timeLimit(.minutes(1)))
    func garbage() async throws {
        try await FrameListener.with(listeningOn: .tcp(host: "::1", port: 0), authentication: .key(Self.key)) {
            listener in
            // Garbage response.
            let first = try await Self.rawClient(listener)
            _ = try await first.reader.receive(timeout: .seconds(10))
            try await first.writer.send(Array("{sha1}0123456789012345678901234567890".utf8))
            #expect(try await first.reader.receive(timeout: .seconds(10)) == Handshake.failure)
            try first.close()
            // A correct response, then a garbage challenge.
            let second = try await Self.rawClient(listener)
            let challenge = try await second.reader.receive(timeout: .seconds(10))
            try await second.writer.send(try Handshake.response(toChallenge: challenge, authkey: Self.key))
            #expect(try await second.reader.receive(timeout: .seconds(10)) == Handshake.welcome)
            try await second.writer.send(Array("#CHALLENGE#short".utf8))
            await #expect(throws: TransportError.self) { _ = try await second.reader.receive(timeout: .seconds(10)) }
            try second.close()
            #expect(await eventually { listener.statistics.failedHandshakes == 2 })
            try await Self.honestRoundTrip(listener)
        }
        // A listener that sends garbage challenges: the Swift client fails with authenticationFailed.
        try await FrameListener.with(listeningOn: .tcp(host: "127.0.0.1", port: 0), authentication: .disabled) {
            listener in
            for garbage in [Array("#CHALLENGE#{sha1}0123456789012345678901234567890".utf8), Array("hello".utf8), []] {
                let address = listener.address
                let client = Task { try await FrameConnection.connect(to: address, authentication: .key(Self.key)) }
                let server = try await listener.accept(timeout: .seconds(10))
                try await server.writer.send(garbage)
                await #expect {
                    _ = try await client.value
                } throws: { ($0 as? TransportError)?.code == .authenticationFailed }
                try server.close()
            }
        }
    }

    @Test("1,000 clients at once are all served", .timeLimit(.minutes(2)))
    func thousandClients() async throws {
        let count = 1000
        // Deadlines no loaded test machine reaches: this test is about the flood, silentClients about deadlines.
        // The clients queue in the backlog, so theirs covers the wait for a slot too.
        let patient = SocketOptions(handshakeTimeout: .seconds(100))
        try await FrameListener.with(
            listeningOn: .unix(path: NSTemporaryDirectory() + "gipc-hostile-1000-\(getpid()).sock"),
            authentication: .key(Self.key), options: patient
        ) { listener in
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await withThrowingTaskGroup(of: Void.self) { servers in
                        for _ in 0..<count {
                            let connection = try await listener.accept(timeout: .seconds(100))
                            servers.addTask {
                                let frame = try await connection.reader.receive(timeout: .seconds(100))
                                try await connection.writer.send(frame)
                                try connection.close()
                            }
                        }
                        try await servers.waitForAll()
                    }
                }
                for index in 0..<count {
                    group.addTask {
                        let client = try await FrameConnection.connect(
                            to: listener.address, authentication: .key(Self.key), options: patient)
                        let message = Array("client \(index)".utf8)
                        try await client.writer.send(message)
                        #expect(try await client.reader.receive(timeout: .seconds(100)) == message)
                        try client.close()
                    }
                }
                try await group.waitForAll()
            }
            let elapsed = ContinuousClock.now - start
            print(
                "1,000 concurrent authenticated clients: \(elapsed), peak concurrent handshakes "
                    + "\(listener.statistics.peakConcurrentHandshakes)")
            #expect(listener.statistics.authenticated == count)
        }
    }

    @Test(
        "a client that resets mid-frame: a typed error on that connection, the listener serves on",
        .timeLimit(.minutes(1)))
    func resetMidFrame() async throws {
        try await FrameListener.with(listeningOn: .tcp(host: "127.0.0.1", port: 0), authentication: .key(Self.key)) {
            listener in
            async let accepted = listener.accept(timeout: .seconds(10))
            let client = try await FrameConnection.connect(to: listener.address, authentication: .key(Self.key))
            let server = try await accepted
            Self.write(client, [0, 0, 1, 0] + Array(repeating: 7, count: 100))
            // SO_LINGER 0: close sends a reset instead of a FIN.
            var linger = Glibc.linger(l_onoff: 1, l_linger: 0)
            _ = setsockopt(
                client.reader.fileDescriptor, SOL_SOCKET, SO_LINGER, &linger, socklen_t(MemoryLayout<Glibc.linger>.size)
            )
            try client.close()
            await #expect {
                _ = try await server.reader.receive(timeout: .seconds(10))
            } throws: { error in
                let code = (error as? TransportError)?.code
                return code == .connectionReset || code == .truncatedFrame
            }
            try server.close()
            try await Self.honestRoundTrip(listener)
        }
    }

    @Test("TCP without a key is refused unless asked for")
    func tcpNeedsKey() async throws {
        #expect {
            _ = try FrameListener(listeningOn: .tcp(host: "127.0.0.1", port: 0), authentication: .none)
        } throws: {
            ($0 as? TransportError)?.code == .invalidArgument
        }
        await #expect {
            _ = try await FrameConnection.connect(to: .tcp(host: "127.0.0.1", port: 1), authentication: .none)
        } throws: { ($0 as? TransportError)?.code == .invalidArgument }
        let listener = try FrameListener(listeningOn: .tcp(host: "127.0.0.1", port: 0), authentication: .disabled)
        await listener.closeAndWait()
    }
}
