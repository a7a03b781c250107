import Foundation
import GIPCTestSupport
import Testing

@testable import GIPCKit
@testable import GIPCTestEntries

extension ProcessTests {
    /// `gipc echo --listen` / `--connect` with Python peers, and socket connections handed to children.
    @Suite("Sockets: the gipc tool and children")
    struct SocketCLI {
        /// Writes the test key to a file and returns its path.
        static func keyFile() -> String {
            let path = temporaryPath("authkey")
            _ = FileManager.default.createFile(atPath: path, contents: Data(testKey))
            return path
        }

        @Test(
            "gipc echo --listen serves Python clients concurrently; a wrong key costs only that connection",
            .timeLimit(.minutes(1)), arguments: ["tcp:127.0.0.1:0", "unix:@gipc-cli-echo"])
        func listen(address: String) async throws {
            let python = PythonPeer.all.last!
            let keyFile = Self.keyFile()
            defer { unlink(keyFile) }
            let server = try await GIPC.start(
                executable: Interop.gipc,
                arguments: [
                    "echo", "--listen", address + (address.hasPrefix("unix") ? "\(getpid())" : ""),
                    "--codec", "msgpack", "--authkey-file", keyFile,
                ],
                standardOutput: .capture, standardError: .capture(keepingLast: 20))
            let line = try #require(await server.nextLine())
            #expect(line.hasPrefix("listening on "))
            let bound = String(line.dropFirst("listening on ".count))
            let wrong = try await python.start(["client", bound, "msgpack", wrongKeyHex])
            let clients = [
                try await python.start(["client", bound, "msgpack", testKeyHex]),
                try await python.start(["client", bound, "msgpack", testKeyHex]),
            ]
            let refused = try #require(await wrong.nextLine())
            #expect(refused.contains("AuthenticationError"))
            for client in clients {
                let report = try JSONDecoder().decode(
                    SocketInterop.ClientReport.self, from: Data(try #require(await client.nextLine()).utf8))
                #expect(report.failures == [])
                #expect(try await client.join() == .exited(0))
            }
            #expect(try await wrong.join() == .exited(0))
            try server.terminate()
            _ = try await server.join(timeout: .seconds(10))
        }

        @Test(
            "a gipc echo listener sent 2 GB headers before authenticating keeps its memory and serves on",
            .timeLimit(.minutes(1)))
        func hugeHeaders() async throws {
            let keyFile = Self.keyFile()
            defer { unlink(keyFile) }
            let server = try await GIPC.start(
                executable: Interop.gipc,
                arguments: ["echo", "--listen", "tcp:127.0.0.1:0", "--codec", "raw", "--authkey-file", keyFile],
                standardOutput: .capture, standardError: .capture(keepingLast: 200))
            let line = try #require(await server.nextLine())
            let address = try SocketAddress(parsing: String(line.dropFirst("listening on ".count)))
            for _ in 0..<50 {
                let client = try await FrameConnection.connect(to: address, authentication: .disabled)
                _ = try await client.reader.receive(timeout: .seconds(10))  // the challenge
                let header: [UInt8] = [0x7F, 0xFF, 0xFF, 0xFF] + Array(repeating: 0x61, count: 1 << 16)
                _ = header.withUnsafeBytes { write(client.writer.fileDescriptor, $0.baseAddress, $0.count) }
                await #expect(throws: TransportError.self) {
                    _ = try await client.reader.receive(timeout: .seconds(10))
                }
                try? client.close()
            }
            try await GIPC.withConnection(
                to: address, sending: [UInt8].self, receiving: [UInt8].self, codec: .raw,
                authentication: .key(testKey)
            ) { connection in
                try await connection.put(Array("still serving".utf8))
                #expect(try await connection.get(timeout: .seconds(10)) == Array("still serving".utf8))
            }
            let peak = Self.peakResidentKiB(of: server.pid)
            print("gipc echo --listen after 50 clients sent 2 GiB headers: peak resident \(peak / 1024) MiB")
            #expect(peak > 0 && peak < 100 * 1024, "peak resident memory \(peak) KiB")
            try server.terminate()
            _ = try await server.join(timeout: .seconds(10))
        }

        /// VmHWM of a process, in KiB (0 when /proc cannot tell).
        static func peakResidentKiB(of pid: Int32) -> Int {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
            for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
                return Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]) ?? 0
            }
            return 0
        }

        @Test(
            "gipc echo --connect echoes for a Python Listener", .timeLimit(.minutes(1)), arguments: Interop.codecNames)
        func connect(codec: String) async throws {
            let python = PythonPeer.all.first!
            let keyFile = Self.keyFile()
            defer { unlink(keyFile) }
            let listener = try await python.start(["listen-check", "tcp:127.0.0.1:0", codec, testKeyHex])
            let line = try #require(await listener.nextLine())
            let address = String(line.dropFirst("listening ".count))
            let echo = try await GIPC.start(
                executable: Interop.gipc,
                arguments: ["echo", "--connect", address, "--codec", codec, "--authkey-file", keyFile],
                standardError: .capture(keepingLast: 20))
            let report = try JSONDecoder().decode(
                SocketInterop.ClientReport.self, from: Data(try #require(await listener.nextLine()).utf8))
            #expect(report.failures == [])
            #expect(try await listener.join() == .exited(0))
            #expect(try await echo.join() == .exited(0))
        }

        @Test("gipc echo exits 69 for TCP without a key, nobody listening, or a bad address", .timeLimit(.minutes(1)))
        func refusals() async throws {
            let noKey = try runGIPC(["echo", "--listen", "tcp:127.0.0.1:0", "--codec", "json"])
            #expect(noKey.status == 69)
            #expect(noKey.error.contains("invalidArgument"))
            let nobody = try runGIPC(["echo", "--connect", "unix:@gipc-nobody-\(getpid())", "--codec", "json"])
            #expect(nobody.status == 69)
            #expect(nobody.error.contains("connectionRefused"))
            let bad = try runGIPC(["echo", "--connect", "tcp:nowhere", "--codec", "json", "--no-auth"])
            #expect(bad.status == 69)
            #expect(bad.error.contains("invalidAddress"))
        }

        @Test("an accepted connection handed to a child: the child answers the client", .timeLimit(.minutes(1)))
        func connectionToChild() async throws {
            try await GIPC.withListener(
                on: TestAddress.unique("unix"), sending: String.self, receiving: String.self,
                authentication: .key(testKey)
            ) { listener in
                let address = listener.address
                let client = Task {
                    try await GIPC.withConnection(
                        to: address, sending: String.self, receiving: String.self, authentication: .key(testKey)
                    ) { connection in
                        try await connection.put("socket", timeout: .seconds(20))
                        return try await connection.get(timeout: .seconds(20))
                    }
                }
                let connection = try await listener.accept(timeout: .seconds(20))
                let child = try await GIPC.start(DuplexEcho.self, .init(channel: connection))
                #expect(!connection.isOpen)
                #expect(try await client.value == "tekcos")
                #expect(try await child.join(timeout: .seconds(20)) == .exited(0))
            }
        }

        @Test("closeWrite: the peer reads the end of the stream and can still answer", .timeLimit(.minutes(1)))
        func halfClose() async throws {
            try await GIPC.withListener(
                on: TestAddress.unique("tcp4"), sending: String.self, receiving: String.self,
                authentication: .key(testKey)
            ) { listener in
                let address = listener.address
                let client = try await GIPC.connect(
                    to: address, sending: String.self, receiving: String.self, authentication: .key(testKey))
                let server = try await listener.accept(timeout: .seconds(20))
                try await client.put("last")
                try client.closeWrite()
                #expect(try await server.get(timeout: .seconds(10)) == "last")
                await #expect {
                    _ = try await server.get(timeout: .seconds(10))
                } throws: { ($0 as? GIPCError)?.code == .endOfStream }
                try await server.put("answer")
                #expect(try await client.get(timeout: .seconds(10)) == "answer")
                try server.close()
                try client.reader.close()
            }
        }
    }
}
