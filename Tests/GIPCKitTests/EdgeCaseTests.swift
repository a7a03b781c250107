import Foundation
import GIPCTestSupport
import Testing

@testable import GIPCKit
@testable import GIPCTestEntries

#if canImport(Glibc)
    import Glibc
#endif

/// Edge cases of starting children and handing them handles: arguments that must arrive whatever the parent does
/// next, handles that must not be handed on, limits that must travel, resources that run out.
extension ProcessTests {
    @Suite("Starting children at the edges")
    struct EdgeCaseTests {
        /// A parent that returns from `main` right after `start` used to lose its child's arguments about one time in
        /// five (and always with arguments larger than a pipe buffer): they went out from a task that died with it.
        @Test("a child started just before its parent exits still gets its arguments", arguments: [0, 4 << 20])
        func argumentsOutliveTheParent(paddingBytes: Int) async throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gipc-edge-\(getpid())")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            for run in 0..<8 {
                let marker = folder.appendingPathComponent("marker-\(paddingBytes)-\(run)").path
                let parent = try await GIPC.start(
                    StartThenReturn.self, .init(markerPath: marker, paddingBytes: paddingBytes))
                #expect(try await parent.join(timeout: .seconds(60)) == .exited(0))
                // The grandchild is not ours to join: wait for what it writes.
                let deadline = ContinuousClock.now + .seconds(30)
                while !FileManager.default.fileExists(atPath: marker), ContinuousClock.now < deadline {
                    try await Task.sleep(for: .milliseconds(20))
                }
                try await Task.sleep(for: .milliseconds(20))
                #expect(readTextFile(marker) == "\(paddingBytes)", "run \(run)")
            }
        }

        @Test("a writer poisoned by a half-written frame cannot be handed to a child; nothing starts")
        func poisonedWriterIsNotTransferred() async throws {
            let (reader, writer) = try GIPC.pipe(
                of: Value.self, codec: .raw, options: PipeOptions(pipeBufferBytes: 4096))
            defer { try? reader.close() }
            let poisoning = await gipcError {
                try await writer.put(.bytes([UInt8](repeating: 7, count: 8000)), timeout: .milliseconds(50))
            }
            #expect(poisoning?.code == .corruptStream)
            let (input, feed) = try GIPC.pipe(of: Value.self, codec: .raw)
            defer { try? feed.close() }
            let refusal = await gipcError { _ = try await GIPC.start(Echo.self, .init(input: input, output: writer)) }
            #expect(refusal?.code == .corruptStream)
            // Nothing was handed over: the other handle is still ours.
            #expect(input.isOpen)
            try input.close()
            try writer.close()
        }

        @Test(
            "the first pipe with 2 or 3 descriptors free throws systemError, leaks nothing, and works later",
            arguments: [2, 3])
        func reactorStartsUnderDescriptorPressure(free: Int) async throws {
            let child = try await GIPC.start(DescriptorPressure.self, .init(free: free, action: .firstPipe))
            #expect(try await child.join(timeout: .seconds(60)) == .exited(0))
        }

        @Test(
            "start with no descriptors left throws spawnFailed, leaks nothing, and works later", arguments: [0, 1, 2])
        func startUnderDescriptorPressure(free: Int) async throws {
            let child = try await GIPC.start(DescriptorPressure.self, .init(free: free, action: .start))
            #expect(try await child.join(timeout: .seconds(60)) == .exited(0))
        }

        static let limitedCodecs: [any MessageCodec] = [
            JSONCodec(limits: DecodeLimits(maxDepth: 4)), MessagePackCodec(limits: DecodeLimits(maxDepth: 4)),
            PropertyListCodec(limits: DecodeLimits(maxDepth: 4)),
        ]

        @Test("a reader's tightened decode limits hold in the child it is handed to", arguments: limitedCodecs)
        func decodeLimitsTravelWithTheHandle(codec: any MessageCodec) async throws {
            for (depth, expected) in [(10, "depthLimitExceeded"), (4, "ok")] {
                let (input, limitedFeed) = try GIPC.pipe(of: Value.self, codec: codec)
                // msgpack also refuses to encode past its limit: feed with the default codec of the same name.
                let unlimited = try CodecRegistry.codec(named: codec.name, settings: [:])
                let feed = PipeWriter<Value>(end: limitedFeed.end, codec: unlimited)
                let (reports, output) = try GIPC.pipe(of: String.self, codec: .json)
                let child = try await GIPC.start(DecodeReport.self, .init(input: input, output: output))
                try await feed.put(.nestedArrays(depth))
                #expect(try await reports.get(timeout: .seconds(30)) == expected, "\(codec.name), depth \(depth)")
                #expect(try await child.join(timeout: .seconds(30)) == .exited(0))
                try feed.close()
                try reports.close()
            }
        }

        @Test("a codec that cannot describe its configuration is refused for transfer before anything starts")
        func undescribableCodecIsRefused() async throws {
            let (input, feed) = try GIPC.pipe(of: Value.self, codec: Undescribable())
            let (reports, output) = try GIPC.pipe(of: String.self, codec: .json)
            let error = await gipcError {
                _ = try await GIPC.start(DecodeReport.self, .init(input: input, output: output))
            }
            #expect(error?.code == .invalidArgument)
            #expect(input.isOpen && output.isOpen)
            for handle in [input.close, feed.close, reports.close, output.close] as [() throws -> Void] {
                try handle()
            }
        }

        @Test("settings travel in GIPC_HANDLES and come back; malformed settings are refused")
        func handleDescriptionSettings() throws {
            let reader = HandleDescription(
                fd: 3, direction: .read, codec: "msgpack", maxFrameBytes: 1024, settings: ["maxDepth": "4"])
            let writer = HandleDescription(fd: 4, direction: .write, codec: "json", settings: ["maxDepth": "8"])
            let text = HandleDescription.formatList([reader, writer])
            #expect(text == "3:r:msgpack:1024:maxDepth=4,4:w:json::maxDepth=8")
            #expect(try HandleDescription.parseList(text) == [reader, writer])
            for bad in [
                "3:r:json:1:maxDepth", "3:r:json:1:a=b=c", "3:r:json:1:=4", "3:r:json:1:a=1;a=2", "3:r:json:1:x:y",
            ] {
                #expect(HandleDescription(bad) == nil, "\(bad)")
            }
            let rebuilt = try CodecRegistry.codec(named: "plist", settings: ["maxDepth": "4"])
            #expect((rebuilt as? PropertyListCodec)?.limits.maxDepth == 4)
            #expect(throws: GIPCError.self) { try CodecRegistry.codec(named: "json", settings: ["depth": "4"]) }
            #expect(throws: GIPCError.self) { try CodecRegistry.codec(named: "raw", settings: ["maxDepth": "4"]) }
        }

        @Test("an empty GIPC_ENTRY_HOST counts as unset: an unlisted entry is entryNotFound in the parent")
        func emptyEntryHostIsUnset() async throws {
            let child = try await GIPC.start(StartUnlistedWithEmptyHost.self, .init())
            #expect(try await child.join(timeout: .seconds(60)) == .exited(0))
        }

        @Test("start from a cancelled task throws CancellationError and starts nothing")
        func startWhenCancelled() async throws {
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gipc-cancelled-\(getpid())")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let marker = folder.appendingPathComponent("marker").path
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                _ = try await GIPC.start(WriteMarker.self, .init(path: marker, padding: ""))
            }
            await #expect(throws: CancellationError.self) { try await task.value }
            let executable = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                _ = try await GIPC.start(executable: "/bin/sh", arguments: ["-c", "echo started > '\(marker)'"])
            }
            await #expect(throws: CancellationError.self) { try await executable.value }
            try await Task.sleep(for: .milliseconds(200))
            #expect(!FileManager.default.fileExists(atPath: marker))
        }

        @Test("an error thrown by the arguments' own encode(to:) becomes invalidArgument with it as the cause")
        func argumentEncodingErrorIsWrapped() async throws {
            let (input, feed) = try GIPC.pipe(of: String.self, codec: .json)
            let error = await gipcError {
                _ = try await GIPC.start(NeverStarts.self, .init(input: input, refusal: Refusal()))
            }
            #expect(error?.code == .invalidArgument)
            #expect((error?.underlying as? GIPCError)?.code == .timedOut)
            // The handle met before the refusal was not handed over.
            #expect(input.isOpen)
            try input.close()
            try feed.close()
        }
    }
}

/// An entry whose arguments cannot be encoded (it is never listed in a bootstrap: nothing starts).
private struct NeverStarts: ChildEntry {
    struct Arguments: Codable, Sendable {
        var input: PipeReader<String>
        var refusal: Refusal
    }

    static func main(_ arguments: Arguments) async throws {}
}

/// A value whose `encode(to:)` throws a GIPCError of its own.
private struct Refusal: Codable, Sendable {
    init() {}
    init(from decoder: any Decoder) throws {}
    func encode(to encoder: any Encoder) throws { throw GIPCError(.timedOut, "this value refuses to be encoded") }
}

/// A codec whose configuration cannot be described (``MessageCodec/settings`` is `nil`).
private struct Undescribable: MessageCodec {
    var name: String { "undescribable" }
    var settings: [String: String]? { nil }
    func encode<T: Encodable>(_ value: T) throws -> [UInt8] { try MessagePackCodec().encode(value) }
    func decode<T: Decodable>(_ type: T.Type, fromBytes bytes: UnsafeRawBufferPointer) throws -> T {
        try MessagePackCodec().decode(type, fromBytes: bytes)
    }
}
