import GIPCTestSupport
import Testing

@testable import GIPCKit

#if canImport(Glibc)
    import Glibc
#endif

/// Whatever a codec throws reaches the caller of `put` and `get` as a GIPCError with code codecFailure.
@Suite("Codec failures of any kind are GIPCErrors", .timeLimit(.minutes(1)))
struct CodecFailureTests {
    struct Refused: Error, Equatable {}

    /// A user codec that throws an error of its own, not a CodecError.
    struct OwnErrorCodec: MessageCodec {
        var name: String { "own-error" }
        func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
            if let number = value as? Int, number < 0 { throw Refused() }
            return try MessagePackCodec().encode(value)
        }
        func decode<T: Decodable>(_ type: T.Type, fromBytes bytes: UnsafeRawBufferPointer) throws -> T {
            let value = try MessagePackCodec().decode(type, fromBytes: bytes)
            if let number = value as? Int, number == 0 { throw Refused() }
            return value
        }
    }

    @Test("put and get wrap a user codec's own error as codecFailure; the pipe stays usable")
    func ownErrorIsWrapped() async throws {
        let (reader, writer) = try GIPC.pipe(of: Int.self, codec: OwnErrorCodec())
        let putError = await gipcError { try await writer.put(-1) }
        #expect(putError?.code == .codecFailure)
        #expect(putError?.codecError?.underlying is Refused)
        try await writer.put(0)
        let getError = await gipcError { _ = try await reader.get(timeout: .seconds(5)) }
        #expect(getError?.code == .codecFailure)
        #expect(getError?.codecError?.underlying is Refused)
        try await writer.put(7)
        #expect(try await reader.get(timeout: .seconds(5)) == 7)
        try writer.close()
        try reader.close()
    }

    @Test("an inherited descriptor described as the other direction is refused")
    func directionIsChecked() throws {
        let (reader, writer) = try GIPC.pipe(of: Int.self, codec: .json)
        defer {
            try? reader.close()
            try? writer.close()
        }
        let readEnd = dup(reader.fileDescriptor)
        let writeEnd = dup(writer.fileDescriptor)
        defer {
            close(readEnd)
            close(writeEnd)
        }
        let asReader = HandleDescription(fd: writeEnd, direction: .write, codec: "json")
        let refusal = #expect(throws: GIPCError.self) { _ = try PipeReader<Int>(inherited: asReader) }
        #expect(refusal?.code == .invalidArgument)
        let asWriter = HandleDescription(fd: readEnd, direction: .read, codec: "json")
        let other = #expect(throws: GIPCError.self) { _ = try PipeWriter<Int>(inherited: asWriter) }
        #expect(other?.code == .invalidArgument)
    }
}
