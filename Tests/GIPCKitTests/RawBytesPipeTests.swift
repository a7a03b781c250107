import Foundation
import GIPCKit
import Testing

/// Byte arrays through the raw codec skip encoding and decoding (the frame carries the array itself); other raw
/// message types still go through the codec.
@Suite("Raw byte messages", .timeLimit(.minutes(1)))
struct RawBytesPipeTests {
    @Test("byte arrays of every size cross unchanged and in order")
    func byteArraysInOrder() async throws {
        try await GIPC.withPipe(of: [UInt8].self, codec: .raw) { reader, writer in
            let messages: [[UInt8]] = [0, 1, 100, 70_000, 3].map { count in
                (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ count) }
            }
            let sender = Task { for message in messages { try await writer.put(message) } }
            for message in messages { #expect(try await reader.get() == message) }
            try await sender.value
        }
    }

    @Test("Data through the raw codec still encodes and decodes")
    func dataThroughCodec() async throws {
        try await GIPC.withPipe(of: Data.self, codec: .raw) { reader, writer in
            let message = Data((0..<300).map { UInt8(truncatingIfNeeded: $0) })
            try await writer.put(message)
            #expect(try await reader.get() == message)
        }
    }
}
