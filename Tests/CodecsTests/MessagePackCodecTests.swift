import Foundation
import GIPCCodecs
import Testing

@Suite("MessagePack codec")
struct MessagePackCodecTests {
    let codec = MessagePackCodec()

    @Test("every integer width decodes into a narrower type when the value fits")
    func widths() throws {
        #expect(try codec.decode(Int8.self, from: [0xd1, 0x00, 0x05]) == 5)  // int16
        #expect(try codec.decode(Int8.self, from: [0xcf, 0, 0, 0, 0, 0, 0, 0, 0x7f]) == 127)  // uint64
        #expect(try codec.decode(UInt8.self, from: [0xd3, 0, 0, 0, 0, 0, 0, 0, 0xff]) == 255)  // int64
        #expect(try codec.decode(Int.self, from: [0xd0, 0xff]) == -1)  // int8
        #expect(try codec.decode(Double.self, from: [0xca, 0x3f, 0xc0, 0x00, 0x00]) == 1.5)  // float32
        #expect(try codec.decode(Float.self, from: [0xcb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0]) == 1.5)  // float64
        #expect(try codec.decode(Double.self, from: [0x07]) == 7)  // integer into a double
    }

    @Test("values that do not fit are refused with valueOutOfRange or typeMismatch")
    func refusals() throws {
        let wide = try codec.encode(Int64(Int32.max) + 1)
        #expect(
            (#expect(throws: CodecError.self) { try codec.decode(Int32.self, from: wide) })?.code == .valueOutOfRange)
        let big = try codec.encode(1e300)
        #expect(
            (#expect(throws: CodecError.self) { try codec.decode(Float.self, from: big) })?.code == .valueOutOfRange)
        let fraction = try codec.encode(1.5)
        #expect(
            (#expect(throws: CodecError.self) { try codec.decode(Int.self, from: fraction) })?.code == .typeMismatch)
    }

    @Test("errors name the coding path and byte offset")
    func errorContext() throws {
        let payload = try codec.encode(["name": Value.string("Ada"), "age": .string("old"), "tags": .array([])])
        let error = try #require(#expect(throws: CodecError.self) { try codec.decode(Person.self, from: payload) })
        #expect(error.code == .typeMismatch)
        #expect(error.codingPath == ["age"])
        #expect(error.byteOffset != nil)
    }

    @Test("the first of repeated keys wins for Codable types; Value keeps every pair")
    func duplicateKeys() throws {
        // {"name": "A", "age": 1, "tags": [], "age": 2}
        let payload: [UInt8] =
            [0x84, 0xa4] + Array("name".utf8) + [0xa1, 0x41, 0xa3] + Array("age".utf8) + [0x01]
            + [0xa4] + Array("tags".utf8) + [0x90, 0xa3] + Array("age".utf8) + [0x02]
        #expect(try codec.decode(Person.self, from: payload).age == 1)
        guard case .map(let pairs) = try codec.decode(Value.self, from: payload) else {
            Issue.record("not a map")
            return
        }
        #expect(pairs.count == 4)
    }

    @Test("maps with integer keys, unknown extensions and large unsigned values round-trip through Value")
    func foreignValues() throws {
        let value: Value = [1: "one", -2: .extension(type: 42, data: [1, 2, 3]), "max": .uint(UInt64.max)]
        let payload = try codec.encode(value)
        #expect(try codec.decode(Value.self, from: payload) == value)
        #expect(try codec.decode([Int: String].self, from: codec.encode([7: "seven"])) == [7: "seven"])
        let unknown = try codec.encode(Value.extension(type: 9, data: [0]))
        #expect(
            (#expect(throws: CodecError.self) { try codec.decode(Date.self, from: unknown) })?.code
                == .unsupportedExtension)
    }

    @Test("dates use the smallest timestamp form and keep their nanoseconds")
    func dates() throws {
        #expect(try codec.encode(Date(timeIntervalSince1970: 1)) == [0xd6, 0xff, 0, 0, 0, 1])
        let precise = Date(timeIntervalSince1970: 1_700_000_000.25)
        #expect(try codec.encode(precise).count == 10)  // timestamp 64
        #expect(try codec.decode(Date.self, from: codec.encode(precise)) == precise)
        #expect(try codec.encode(Date(timeIntervalSince1970: -1)).count == 15)  // timestamp 96
    }

    @Test("containers written out of order are refused, not silently corrupted")
    func ordering() throws {
        struct Interleaved: Encodable {
            enum Keys: String, CodingKey { case list, after }
            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: Keys.self)
                var list = container.nestedUnkeyedContainer(forKey: .list)
                try container.encode(1, forKey: .after)
                try list.encode(2)
            }
        }
        let error = #expect(throws: CodecError.self) { try codec.encode(Interleaved()) }
        #expect(error?.code == .invalidValue)
    }

    @Test("payloads decode from arrays, slices, Data and raw buffers alike")
    func inputKinds() throws {
        let person = Person(name: "Ada", age: 36, email: nil, tags: ["x"])
        var framed: [UInt8] = [0, 0, 0, 0]
        try codec.encode(person, appendingTo: &framed)
        let payload = Array(framed[4...])
        #expect(try codec.encode(person) == payload)
        #expect(try codec.decode(Person.self, from: framed[4...]) == person)
        #expect(try codec.decode(Person.self, from: Data(payload)) == person)
        #expect(try payload.withUnsafeBytes { try codec.decode(Person.self, fromBytes: $0) } == person)
    }
}
