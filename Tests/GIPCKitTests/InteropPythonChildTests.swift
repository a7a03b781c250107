import Foundation
import GIPCKit
import GIPCTestSupport
import Testing

extension ProcessTests {
    /// A Swift parent and a Python child (`python3` with `multiprocessing.connection.Connection` on the inherited
    /// descriptors, and Python's json, plistlib and msgpack), started with `GIPC.start(executable:handles:)`.
    @Suite("Interop: Swift parent, Python child")
    struct InteropPythonChild {
        /// Every golden case of `codec`, as the steps of Tests/Interop/golden_child.py: `echo` when Swift can encode
        /// the value (Foundation writes no top-level property list scalars), else `send`.
        static func steps(_ codecName: String) -> [(GoldenCase, echo: Bool)] {
            GoldenCase.all.compactMap { golden in
                guard golden.files[codecName] != nil else { return nil }
                let encodable = (try? Interop.codec(codecName).encode(golden.value)) != nil
                return (golden, encodable)
            }
        }

        @Test(
            "golden values cross Swift -> Python and Python -> Swift intact",
            .timeLimit(.minutes(1)), arguments: ["json", "plist", "msgpack"])
        func goldenBothWays(codecName: String) async throws {
            let codec = Interop.codec(codecName)
            let steps = Self.steps(codecName)
            let (toChild, toChildSink) = try GIPC.pipe(of: Value.self, codec: codec)
            let (fromChild, fromChildSink) = try GIPC.pipe(of: Value.self, codec: codec)
            let child = try await GIPC.start(
                executable: "python3",
                arguments: [Interop.peer("golden_child.py"), Repository.fixtures.path, codecName]
                    + steps.map { "\($0.echo ? "echo" : "send"):\($0.0.name)" },
                environment: .replace(inheritedEnvironment()), handles: [toChild, fromChildSink])
            var echoed = 0
            for (golden, echo) in steps {
                if echo {
                    try await toChildSink.put(golden.value)
                    echoed += 1
                }
                let received = try await fromChild.get(timeout: .seconds(20))
                let fixture = try Interop.codec(codecName).decode(
                    Value.self, from: #require(try golden.bytes(codecName)))
                if codecName == "msgpack" {
                    #expect(received == golden.value, "\(golden.name)")
                } else {
                    #expect(sortedMaps(received) == sortedMaps(fixture), "\(golden.name)")
                }
            }
            try toChildSink.close()
            // The child compared every value Swift sent with its own reading of the fixture.
            #expect(try await child.join() == .exited(0))
            #expect(echoed >= (codecName == "plist" ? 15 : 60))
            try fromChild.close()
        }

        @Test(
            "the PROTOCOL.md Python peer echoes empty and 16 MiB messages", .timeLimit(.minutes(1)),
            arguments: Interop.codecNames)
        func largeAndEmpty(codecName: String) async throws {
            let codec = Interop.codec(codecName)
            let (toChild, toChildSink) = try GIPC.pipe(of: Value.self, codec: codec)
            let (fromChild, fromChildSink) = try GIPC.pipe(of: Value.self, codec: codec)
            let child = try await GIPC.start(
                executable: "python3", arguments: [Interop.peer("echo_peer.py")],
                environment: .replace(inheritedEnvironment()),
                handles: [toChild, fromChildSink])
            let big = [UInt8]((0..<(16 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 12) })
            var values: [Value] =
                codecName == "json"
                ? [.string(String(repeating: "é", count: 8 << 20)), .array([]), .map([])]
                : [.bytes(big), .bytes([])]
            if codecName == "msgpack" { values += [.array([]), .map([]), .string("")] }
            for value in values {
                let sender = Task { try await toChildSink.put(value) }
                let received = try await fromChild.get(timeout: .seconds(30))
                try await sender.value
                #expect(received == value, "\(value.kind)")
            }
            try toChildSink.close()
            #expect(await gipcError { _ = try await fromChild.get(timeout: .seconds(20)) }?.code == .endOfStream)
            #expect(try await child.join() == .exited(0))
        }
    }
}
