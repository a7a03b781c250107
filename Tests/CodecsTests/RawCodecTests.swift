import Foundation
import GIPCCodecs
import Testing

@Suite("Raw codec and user codecs")
struct RawCodecTests {
    @Test("raw carries bytes as they are and refuses other types")
    func raw() throws {
        let codec = RawCodec()
        #expect(try codec.encode([UInt8]([1, 2, 3])) == [1, 2, 3])
        #expect(try codec.encode(Data([4])) == [4])
        #expect(try codec.decode(Data.self, from: [5, 6]) == Data([5, 6]))
        #expect(try codec.decode(Value.self, from: []) == .bytes([]))
        #expect((#expect(throws: CodecError.self) { try codec.encode([Int]()) })?.code == .unsupportedType)
        #expect(
            (#expect(throws: CodecError.self) { try codec.decode(String.self, from: [1]) })?.code == .unsupportedType)
    }

    /// A user-defined codec: UTF-8 text for strings.
    struct TextCodec: MessageCodec {
        var name: String { "text" }
        func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
            guard let text = value as? String else {
                throw CodecError(.unsupportedType, "text carries strings", codec: name)
            }
            return Array(text.utf8)
        }
        func decode<T: Decodable>(_ type: T.Type, fromBytes bytes: UnsafeRawBufferPointer) throws -> T {
            guard let text = String(validating: bytes, as: UTF8.self) as? T else {
                throw CodecError(.invalidUTF8, "not UTF-8 text", codec: name)
            }
            return text
        }
    }

    @Test("a user codec gets the [UInt8], collection and appending entry points for free")
    func userCodec() throws {
        let codec: any MessageCodec = TextCodec()
        var buffer: [UInt8] = [9]
        try codec.encode("hé", appendingTo: &buffer)
        #expect(buffer == [9, 0x68, 0xc3, 0xa9])
        #expect(try codec.decode(String.self, from: buffer[1...]) == "hé")
    }
}
