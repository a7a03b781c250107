import Foundation
import GIPCTestSupport
import Testing

@testable import GIPCKit

extension ProcessTests {
    /// Swift and Python (`multiprocessing.connection`) over sockets, both directions, every codec, every Python the
    /// machine's pyenv has: 3.11 speaks the legacy MD5 handshake, 3.12 and 3.13 the modern `{sha256}` one.
    @Suite("Interop: sockets with Python's multiprocessing.connection")
    struct SocketInterop {
        struct ClientReport: Codable {
            var checked: Int?
            var failures: [String]?
            var error: String?
        }

        struct ListenerReport: Codable {
            var served: Int
            var auth_failures: Int
            var echoed: Int
        }

        /// The values the Swift side sends per codec: Python decodes each with its own library and encodes it again.
        static func values(_ codec: String) -> [Value] {
            let common: [Value] = [
                .map([
                    (.string("name"), .string("tea")), (.string("count"), .int(3)), (.string("ratio"), .double(0.5)),
                    (.string("tags"), .array([.string("a"), .string("b")])),
                ]),
                .array([.string("unicode é中"), .int(1), .int(-2), .int(1 << 40)]),
                .map([(.string("list"), .array((0..<100).map { .int($0) }))]),
            ]
            switch codec {
            case "raw": return [.bytes([]), .bytes([0, 1, 255]), .bytes(Array(repeating: 120, count: 70_000))]
            case "plist": return common + [.map([(.string("data"), .bytes([0, 1, 2]))])]
            case "msgpack": return common + [.string("text"), .int(42), .null, .bool(true), .bytes([0, 255])]
            default: return common + [.string("text"), .int(42), .null, .bool(true)]
            }
        }

        /// Sends `values` and checks each comes back equal.
        static func exchange(_ connection: DuplexPipe<Value, Value>, codec: String) async throws {
            for value in values(codec) {
                if codec == "raw", case .bytes(let bytes) = value {
                    try await connection.writer.end.send(bytes, timeout: .seconds(20))
                    let back = try await connection.reader.end.receive(timeout: .seconds(20))
                    #expect(back == bytes)
                    continue
                }
                try await connection.put(value, timeout: .seconds(20))
                let back = try await connection.get(timeout: .seconds(20))
                #expect(canonical(back) == canonical(value), "\(codec): \(value)")
            }
        }

        @Test(
            "a Python Listener serves a Swift client", .timeLimit(.minutes(1)),
            arguments: PythonPeer.all, Interop.codecNames)
        func pythonListener(python: PythonPeer, codec: String) async throws {
            let child = try await python.start(["listen", "tcp:127.0.0.1:0", codec, testKeyHex, "1"])
            let line = try #require(await child.nextLine())
            let address = try SocketAddress(parsing: String(line.dropFirst("listening ".count)))
            try await GIPC.withConnection(
                to: address, sending: Value.self, receiving: Value.self, codec: Interop.codec(codec),
                authentication: .key(testKey)
            ) { connection in
                try await Self.exchange(connection, codec: codec)
            }
            let report = try JSONDecoder().decode(
                ListenerReport.self, from: Data(try #require(await child.nextLine()).utf8))
            #expect(report.served == 1 && report.auth_failures == 0)
            #expect(report.echoed == Self.values(codec).count)
            #expect(try await child.join() == .exited(0))
        }

        @Test(
            "a Python Client talks to a Swift listener", .timeLimit(.minutes(1)),
            arguments: PythonPeer.all, Interop.codecNames)
        func pythonClient(python: PythonPeer, codec: String) async throws {
            try await GIPC.withListener(
                on: TestAddress.unique("tcp4"), sending: Value.self, receiving: Value.self,
                codec: Interop.codec(codec), authentication: .key(testKey)
            ) { listener in
                let child = try await python.start(["client", listener.address.description, codec, testKeyHex])
                let connection = try await listener.accept(timeout: .seconds(30))
                try await echo(connection, raw: codec == "raw")
                let report = try JSONDecoder().decode(
                    ClientReport.self, from: Data(try #require(await child.nextLine()).utf8))
                #expect(report.error == nil)
                #expect(report.failures == [])
                #expect(report.checked ?? 0 > 0)
                #expect(try await child.join() == .exited(0))
            }
        }

        @Test(
            "every address family, both directions", .timeLimit(.minutes(1)),
            arguments: TestAddress.kinds)
        func addressFamilies(kind: String) async throws {
            let python = PythonPeer.all.last!
            // Python Listener, Swift client.
            let child = try await python.start(["listen", Self.pythonAddress(kind), "json", testKeyHex, "1"])
            let line = try #require(await child.nextLine())
            let address = try SocketAddress(parsing: String(line.dropFirst("listening ".count)))
            try await GIPC.withConnection(
                to: address, sending: Value.self, receiving: Value.self, authentication: .key(testKey)
            ) { connection in
                try await Self.exchange(connection, codec: "json")
            }
            #expect(try await child.join() == .exited(0))
            // Swift listener, Python Client.
            try await GIPC.withListener(
                on: TestAddress.unique(kind), sending: Value.self, receiving: Value.self, authentication: .key(testKey)
            ) { listener in
                let child = try await python.start(["client", listener.address.description, "json", testKeyHex])
                try await echo(try await listener.accept(timeout: .seconds(30)), raw: false)
                let report = try JSONDecoder().decode(
                    ClientReport.self, from: Data(try #require(await child.nextLine()).utf8))
                #expect(report.failures == [])
                #expect(try await child.join() == .exited(0))
            }
        }

        static func pythonAddress(_ kind: String) -> String {
            switch TestAddress.unique(kind) {
            case .tcp(let host, _): host.contains(":") ? "tcp:[\(host)]:0" : "tcp:\(host):0"
            case let address: address.description
            }
        }

        @Test(
            "a wrong key fails on both sides and each listener goes on serving", .timeLimit(.minutes(1)),
            arguments: PythonPeer.all)
        func wrongKey(python: PythonPeer) async throws {
            // Python Listener: a Swift client with another key is refused, then one with the right key is served.
            let child = try await python.start(["listen", "tcp:127.0.0.1:0", "json", testKeyHex, "1"])
            let line = try #require(await child.nextLine())
            let address = try SocketAddress(parsing: String(line.dropFirst("listening ".count)))
            await #expect {
                _ = try await GIPC.connect(
                    to: address, sending: Value.self, receiving: Value.self,
                    authentication: .key(Array("another key".utf8)))
            } throws: { ($0 as? GIPCError)?.code == .authenticationFailed }
            try await GIPC.withConnection(
                to: address, sending: Value.self, receiving: Value.self, authentication: .key(testKey)
            ) { connection in
                try await Self.exchange(connection, codec: "json")
            }
            let report = try JSONDecoder().decode(
                ListenerReport.self, from: Data(try #require(await child.nextLine()).utf8))
            #expect(report.auth_failures == 1 && report.served == 1)
            #expect(try await child.join() == .exited(0))

            // Swift listener: a Python Client with another key gets AuthenticationError, then one with the right key
            // is served.
            try await GIPC.withListener(
                on: TestAddress.unique("unix"), sending: Value.self, receiving: Value.self,
                authentication: .key(testKey)
            ) { listener in
                let wrong = try await python.start(["client", listener.address.description, "json", wrongKeyHex])
                let refused = try JSONDecoder().decode(
                    ClientReport.self, from: Data(try #require(await wrong.nextLine()).utf8))
                #expect(refused.error == "AuthenticationError")
                #expect(try await wrong.join() == .exited(0))
                #expect(await eventually { listener.statistics.failedHandshakes == 1 })
                let right = try await python.start(["client", listener.address.description, "json", testKeyHex])
                try await echo(try await listener.accept(timeout: .seconds(30)), raw: false)
                let report = try JSONDecoder().decode(
                    ClientReport.self, from: Data(try #require(await right.nextLine()).utf8))
                #expect(report.failures == [])
                #expect(try await right.join() == .exited(0))
                #expect(listener.statistics.authenticated == 1)
            }
        }

        @Test("send_handle and recv_handle, both ways", .timeLimit(.minutes(1)), arguments: PythonPeer.all)
        func handles(python: PythonPeer) async throws {
            try await GIPC.withListener(
                on: TestAddress.unique("unix"), sending: [UInt8].self, receiving: [UInt8].self, codec: .raw,
                authentication: .key(testKey)
            ) { listener in
                let child = try await python.start(["send-handle", listener.address.description, testKeyHex])
                let connection = try await listener.accept(timeout: .seconds(30))
                defer { try? connection.close() }
                // Python's pipe, received here.
                let received = try await connection.receiveHandle(timeout: .seconds(20))
                #expect(try readAll(received) == Array("from python".utf8))
                close(received)
                // A pipe of this process, passed to Python.
                var fds: [Int32] = [-1, -1]
                #expect(pipe(&fds) == 0)
                try await connection.sendHandle(fds[0], timeout: .seconds(20))
                close(fds[0])
                _ = Array("from swift".utf8).withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
                close(fds[1])
                #expect(try await connection.get(timeout: .seconds(20)) == Array("from swift".utf8))
                #expect(try await child.join() == .exited(0))
            }
        }

        @Test(
            "a handle message with more descriptors than announced: all closed, a typed error, no leak",
            .timeLimit(.minutes(1)))
        func extraDescriptors() async throws {
            let python = PythonPeer.all.last!
            try await warmUpReactor()
            let leaked = try await descriptorsLeaked(settle: .seconds(10)) {
                try await GIPC.withListener(
                    on: TestAddress.unique("abstract"), sending: [UInt8].self, receiving: [UInt8].self,
                    codec: .raw, authentication: .key(testKey)
                ) { listener in
                    let child = try await python.start(["extra-fds", listener.address.description, testKeyHex])
                    let connection = try await listener.accept(timeout: .seconds(30))
                    await #expect {
                        _ = try await connection.receiveHandle(timeout: .seconds(20))
                    } throws: { ($0 as? GIPCError)?.code == .handlePassingFailed }
                    // The stream goes on: the next frame is whole.
                    #expect(try await connection.get(timeout: .seconds(20)) == Array("after".utf8))
                    try await connection.put(Array("done".utf8))
                    #expect(try await child.join() == .exited(0))
                    try connection.close()
                }
            }
            #expect(leaked == [])
        }

        @Test("a peer that drops a passed handle leaks nothing here", .timeLimit(.minutes(1)))
        func droppedHandle() async throws {
            let python = PythonPeer.all.last!
            try await warmUpReactor()
            let leaked = try await descriptorsLeaked(settle: .seconds(10)) {
                try await GIPC.withListener(
                    on: TestAddress.unique("unix"), sending: [UInt8].self, receiving: [UInt8].self, codec: .raw,
                    authentication: .key(testKey)
                ) { listener in
                    let child = try await python.start(["drop-handle", listener.address.description, testKeyHex])
                    let connection = try await listener.accept(timeout: .seconds(30))
                    let (reader, writer) = try GIPC.pipe(of: [UInt8].self, codec: .raw)
                    // Passed (the pipe's reading end is closed here), then dropped by the peer: the kernel closes its
                    // copy with the socket.
                    do {
                        try await connection.sendHandle(reader, timeout: .seconds(5))
                    } catch let error as GIPCError where error.code == .peerClosed || error.code == .connectionReset {
                        try reader.close()
                    }
                    #expect(try await child.join() == .exited(0))
                    try writer.close()
                    try connection.close()
                }
            }
            #expect(leaked == [])
        }
    }
}

/// Echoes every frame of `connection` back until the peer closes it.
func echo(_ connection: DuplexPipe<Value, Value>, raw: Bool) async throws {
    defer { try? connection.close() }
    while true {
        do {
            if raw {
                let bytes = try await connection.reader.end.receive(timeout: .seconds(20))
                try await connection.writer.end.send(bytes, timeout: .seconds(20))
            } else {
                let value = try await connection.get(timeout: .seconds(20))
                try await connection.put(value, timeout: .seconds(20))
            }
        } catch let error as GIPCError where error.code == .endOfStream {
            return
        } catch let error as TransportError where error.code == .endOfStream {
            return
        }
    }
}

/// `value` with every map's entries in key order (a peer may reorder them).
func canonical(_ value: Value) -> Value {
    switch value {
    case .array(let items): return .array(items.map(canonical))
    case .map(let entries):
        return .map(
            entries.map { (canonical($0.key), canonical($0.value)) }.sorted { "\($0.0)" < "\($1.0)" }
                .map { (key: $0.0, value: $0.1) })
    default: return value
    }
}

/// Reads `fd` to its end.
func readAll(_ fd: Int32) throws -> [UInt8] {
    var result: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 { return result }
        result += chunk[0..<n]
    }
}

/// Starts the reactor (its epoll and eventfd live as long as the process) before a descriptor census.
func warmUpReactor() async throws {
    let (reader, writer) = try GIPC.pipe(of: [UInt8].self, codec: .raw)
    try reader.close()
    try writer.close()
}
