import Foundation
import GIPCCodecs
import Testing

@Suite("JSON codec")
struct JSONCodecTests {
    let codec = JSONCodec()

    @Test("fixed options: sorted keys, dates as seconds, data as base64, non-finite floats refused")
    func options() throws {
        struct Sample: Codable {
            var b = Date(timeIntervalSince1970: 2)
            var a = Data([1, 2])
        }
        #expect(String(decoding: try codec.encode(Sample()), as: UTF8.self) == #"{"a":"AQI=","b":2}"#)
        #expect((#expect(throws: CodecError.self) { try codec.encode([Double.nan]) })?.code == .invalidValue)
    }

    @Test("the first of repeated keys wins, as in MessagePack")
    func duplicateKeys() throws {
        let payload = Array(#"{"name":"A","age":1,"tags":[],"age":2}"#.utf8)
        #expect(try codec.decode(Person.self, from: payload).age == 1)
    }
}
