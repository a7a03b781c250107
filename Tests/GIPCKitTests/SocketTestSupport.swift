import Foundation
import GIPCKit
import Synchronization
import Testing

/// The Python interpreters the socket interop tests talk to: pyenv's newest 3.11 (the legacy MD5 handshake),
/// 3.12 and 3.13 (the modern `{sha256}` handshake), as far as the machine has them; else `python3` on PATH.
struct PythonPeer: Sendable, CustomStringConvertible {
    let version: String
    let path: String

    var description: String { "Python \(version)" }

    static let all: [PythonPeer] = {
        let environment = ProcessInfo.processInfo.environment
        let root = environment["PYENV_ROOT"] ?? (environment["HOME"] ?? "/root") + "/.pyenv"
        let installed = (try? FileManager.default.contentsOfDirectory(atPath: root + "/versions")) ?? []
        var found: [PythonPeer] = []
        for minor in ["3.11", "3.12", "3.13"] {
            let matching = installed.filter { $0.hasPrefix(minor + ".") && !$0.contains("-") }
            let newest = matching.max { lhs, rhs in
                (Int(lhs.split(separator: ".").last ?? "") ?? 0) < (Int(rhs.split(separator: ".").last ?? "") ?? 0)
            }
            if let newest, FileManager.default.isExecutableFile(atPath: "\(root)/versions/\(newest)/bin/python3") {
                found.append(PythonPeer(version: newest, path: "\(root)/versions/\(newest)/bin/python3"))
            }
        }
        return found.isEmpty ? [PythonPeer(version: "PATH", path: "python3")] : found
    }()

    /// The folder holding the tests' venv's msgpack, for interpreters that lack it (its pure-Python fallback runs).
    static let msgpackPath: String = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-c", "import msgpack, os; print(os.path.dirname(os.path.dirname(msgpack.__file__)))",
        ]
        let output = Pipe()
        process.standardOutput = output
        try? process.run()
        process.waitUntilExit()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }()

    /// Starts Tests/Interop/socket_peer.py with `arguments`, its standard output captured as lines.
    func start(_ arguments: [String]) async throws -> ChildProcess {
        var environment = inheritedEnvironment()
        environment["GIPC_MSGPACK_PATH"] = Self.msgpackPath
        return try await GIPC.start(
            executable: path, arguments: [Interop.peer("socket_peer.py")] + arguments,
            environment: .replace(environment), standardOutput: .capture, standardError: .capture(keepingLast: 40))
    }
}

/// Socket addresses no other test uses: a Unix path in the temporary folder, an abstract name, or TCP port 0.
enum TestAddress {
    private static let counter = Atomic<Int>(0)

    static func unique(_ kind: String) -> SocketAddress {
        let n = counter.wrappingAdd(1, ordering: .relaxed).oldValue
        let name = "gipc-test-\(getpid())-\(n)"
        switch kind {
        case "unix": return .unix(path: NSTemporaryDirectory() + name + ".sock")
        case "abstract": return .unixAbstract(name: name)
        case "tcp6": return .tcp(host: "::1", port: 0)
        default: return .tcp(host: "127.0.0.1", port: 0)
        }
    }

    static let kinds = ["unix", "abstract", "tcp4", "tcp6"]
}

extension ChildProcess {
    /// The next line the child printed on standard output, or `nil` when it ended.
    func nextLine() async -> String? {
        guard let output = standardOutput else { return nil }
        var iterator = output.makeAsyncIterator()
        return await iterator.next()
    }
}

/// The shared key of the socket tests, and its hex form for the Python peer.
let testKey: [UInt8] = Array("the socket tests' key".utf8)
let testKeyHex = testKey.map { String(format: "%02x", $0) }.joined()
let wrongKeyHex = Array("another key".utf8).map { String(format: "%02x", $0) }.joined()
