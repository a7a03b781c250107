import Foundation
import GIPCKit
import GIPCTestSupport
import Testing

/// Where the interop tests find their peers, the fixtures and the built `gipc` tool.
enum Interop {
    /// Tests/Interop: the Python, C and Erlang peers.
    static let peers = Repository.root.appendingPathComponent("Tests/Interop")
    /// The `gipc` executable, built next to the test bundle.
    static let gipc = URL(fileURLWithPath: TestHost.path).deletingLastPathComponent().appendingPathComponent("gipc")
        .path

    /// The path of a peer source in Tests/Interop.
    static func peer(_ name: String) -> String { peers.appendingPathComponent(name).path }

    /// The four codecs by name, for parameterised tests.
    static let codecNames = ["raw", "json", "plist", "msgpack"]

    /// The codec called `name`.
    static func codec(_ name: String) -> any MessageCodec { CodecRegistry.codec(named: name)! }

    /// Whether an executable named `name` is on the PATH.
    static func hasExecutable(_ name: String) -> Bool {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").contains { directory in
            FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)")
        }
    }
}
