import Foundation
import GIPCKit
import GIPCTestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension ProcessTests {
    /// The `gipc` tool's stream commands, run as a user runs them: the built executable, real files and pipes.
    @Suite("gipc echo, inspect, encode")
    struct CLI {
        /// Every MessagePack golden file.
        static let msgpackPayloads = GoldenCase.all.compactMap { try? $0.bytes("msgpack") }

        @Test("every subcommand has --help", arguments: ["demo", "echo", "inspect", "encode", "bench"])
        func help(command: String) throws {
            let result = try runGIPC([command, "--help"])
            #expect(result.status == 0)
            #expect(result.text.contains("USAGE: gipc \(command)"))
        }

        @Test("--version prints one version number, the one the README's package line names")
        func version() throws {
            let result = try runGIPC(["--version"])
            #expect(result.status == 0)
            #expect(result.error == "")
            let version = result.text.trimmingCharacters(in: .newlines)
            #expect(result.text == version + "\n")
            let parts = version.split(separator: ".", omittingEmptySubsequences: false)
            #expect(parts.count == 3 && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) }, "\(version)")
            let readme = try String(contentsOf: ReadmeTests.root.appendingPathComponent("README.md"), encoding: .utf8)
            #expect(readme.contains(#"from: "\#(version)")"#))
        }

        @Test("echo writes back every MessagePack golden frame byte for byte, and exits 0 at a clean end")
        func echoGolden() throws {
            let input = stream(Self.msgpackPayloads.filter { $0.first != 0xCA && !($0.count > 1 && $0.contains(0xCA)) })
            let result = try runGIPC(["echo", "--codec", "msgpack"], input: input)
            #expect(result.status == 0)
            #expect(result.error == "")
            let payloads = Self.msgpackPayloads
            var expected: [UInt8] = []
            for payload in payloads {
                let value = try MessagePackCodec().decode(Value.self, from: payload)
                expected += FrameFormat.frame(try MessagePackCodec().encode(value))
            }
            let all = try runGIPC(["echo", "--codec", "msgpack"], input: stream(payloads))
            #expect(all.status == 0)
            #expect(all.output == expected)
            #expect(result.output.count <= expected.count)
        }

        struct Failure: Sendable, CustomTestStringConvertible {
            var label: String
            var arguments: [String]
            var input: [UInt8]
            var line: String
            var echoedFrames: Int
            var testDescription: String { label }
        }

        static let failures: [Failure] = [
            Failure(
                label: "truncated", arguments: ["--codec", "raw"],
                input: stream([[1, 2]]) + [0, 0, 0, 9, 1, 2, 3],
                line:
                    "gipc echo: truncatedFrame at byte 6: stream ended inside a frame at offset 6: 7 of 13 bytes arrived",
                echoedFrames: 1),
            Failure(
                label: "negative length", arguments: ["--codec", "raw"], input: [0x80, 0, 0, 5, 1, 2, 3, 4, 5],
                line: "gipc echo: protocolViolation at byte 0: ", echoedFrames: 0),
            Failure(
                label: "above --max-frame-bytes", arguments: ["--codec", "raw", "--max-frame-bytes", "10"],
                input: stream([[UInt8](repeating: 1, count: 10), [UInt8](repeating: 2, count: 11)]),
                line: "gipc echo: frameTooLarge at byte 14: frame header at stream offset 14 announces 11 bytes",
                echoedFrames: 1),
            Failure(
                label: "undecodable", arguments: ["--codec", "msgpack"], input: stream([[0x01], [0xC1], [0x02]]),
                line: "gipc echo: malformed at byte 5: cannot decode the frame (msgpack)", echoedFrames: 1),
            Failure(
                label: "not encodable", arguments: ["--codec", "plist"],
                input: stream([
                    Array("bplist00".utf8) + [0x10, 0x05, 8, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 1]
                        + [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10]
                ]),
                line: "gipc echo: invalidValue at byte 0: cannot encode the message (plist)", echoedFrames: 0),
        ]

        @Test(
            "echo: a framing, decoding or encoding error is one line on standard error and exit 65",
            arguments: failures)
        func echoFailure(_ failure: Failure) throws {
            let result = try runGIPC(["echo"] + failure.arguments, input: failure.input)
            #expect(result.status == 65)
            #expect(result.error.hasPrefix(failure.line), "\(result.error)")
            #expect(result.error.filter { $0 == "\n" }.count == 1)
            var decoder = FrameDecoder()
            decoder.feed(result.output)
            var frames = 0
            while try decoder.nextFrame() != nil { frames += 1 }
            #expect(frames == failure.echoedFrames)
        }

        @Test("echo leaves a shared standard input in blocking mode", .timeLimit(.minutes(1)))
        func blockingModeKept() throws {
            let input = TestPipe()
            defer { close(input.readFD) }
            #expect(fcntl(input.readFD, F_GETFL) & O_NONBLOCK == 0)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Interop.gipc)
            process.arguments = ["echo", "--codec", "raw"]
            process.standardInput = FileHandle(fileDescriptor: input.readFD, closeOnDealloc: false)
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            try process.run()
            let frame = stream([[1, 2, 3]])
            #expect(frame.withUnsafeBytes { write(input.writeFD, $0.baseAddress, $0.count) } == frame.count)
            close(input.writeFD)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            // The read end's open file description is shared with the child: the child must not have changed it.
            #expect(fcntl(input.readFD, F_GETFL) & O_NONBLOCK == 0)
        }

        @Test("inspect prints offset, length and value per frame, in the notation encode reads")
        func inspect() throws {
            let payloads: [[UInt8]] = [
                try MessagePackCodec().encode(Value.map([(.string("id"), .int(7)), (.int(1), .bytes([0, 1]))])),
                [],
                try MessagePackCodec().encode(Value.array([.double(1), .string("é\n"), .uint(UInt64.max), .null])),
            ]
            let result = try runGIPC(["inspect", "--codec", "msgpack"], input: stream(payloads))
            #expect(result.status == 65)
            #expect(
                result.text == """
                    {"offset":0,"length":10,"value":{"$map":[["id",7],[1,{"$bytes":"AAE="}]]}}
                    {"offset":14,"length":0,"error":"truncated","message":"cannot decode the frame (msgpack): the payload ends where a value should start"}
                    {"offset":18,"length":24,"value":[1.0,"é\\n",18446744073709551615,null]}

                    """)
            #expect(result.error.hasPrefix("gipc inspect: truncated at byte 14: "))
        }

        @Test("inspect of a damaged stream prints the offset and the error, and stops with exit 65")
        func inspectDamaged() throws {
            let result = try runGIPC(
                ["inspect", "--codec", "json"], input: stream([Array("[1]".utf8)]) + [0xFF, 0xFF, 0xFF, 0xF0])
            #expect(result.status == 65)
            let lines = result.text.split(separator: "\n")
            #expect(lines.count == 2)
            #expect(lines.first == #"{"offset":0,"length":3,"value":[1]}"#)
            #expect(lines.last?.hasPrefix(#"{"offset":7,"error":"protocolViolation","message":"#) == true)
        }

        @Test("inspect of a missing file exits 66")
        func inspectMissingFile() throws {
            let result = try runGIPC(["inspect", "--codec", "raw", "/nonexistent/stream"])
            #expect(result.status == 66)
            #expect(result.error.hasPrefix("gipc inspect: cannotOpen: cannot open /nonexistent/stream"))
        }

        @Test("encode turns JSON lines into frames; inspect --values | encode reproduces every golden stream")
        func encodeRoundTrip() throws {
            let result = try runGIPC(
                ["encode", "--codec", "msgpack"],
                input: Array(#"{"a":[1,-1,1.5]}"#.utf8) + [10, 10] + Array("null".utf8))
            #expect(result.status == 0)
            #expect(
                result.output
                    == stream([[0x81, 0xA1, 0x61, 0x93, 0x01, 0xFF, 0xCB, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0], [0xC0]]))
            let golden = stream(Self.msgpackPayloads.filter { !$0.contains(0xCA) })
            let values = try runGIPC(["inspect", "--codec", "msgpack", "--values"], input: golden)
            #expect(values.status == 0)
            let encoded = try runGIPC(["encode", "--codec", "msgpack"], input: values.output)
            #expect(encoded.status == 0)
            #expect(encoded.output == golden)
        }

        @Test(
            "encode: a line that is not a value, or that the codec cannot carry, is exit 65 naming the line",
            arguments: [
                ("json", "[1]\n{\"a\":\n", "gipc encode: badLine: line 2, column 6: expected a value"),
                (
                    "raw", "{\"$bytes\":\"AAE=\"}\n\"text\"\n",
                    "gipc encode: unsupportedType: line 2: cannot encode (raw)"
                ),
                ("msgpack", "{\"$tag\":1}\n", "gipc encode: badLine: line 1, column 1: unknown tag $tag"),
            ])
        func encodeFailure(codec: String, input: String, line: String) throws {
            let result = try runGIPC(["encode", "--codec", codec], input: Array(input.utf8))
            #expect(result.status == 65)
            #expect(result.error.hasPrefix(line), "\(result.error)")
        }
    }
}
