import Foundation
import GIPCCodecs
import Testing

/// An array of `count` zeros written through an unkeyed container, so that its header is reserved and filled in
/// when the message is finished (unlike `[Int]`, whose count is known up front).
private struct Zeros: Encodable {
    var count: Int

    func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        for _ in 0..<count { try container.encode(0) }
    }
}

/// Containers of several header widths in one message.
private struct MixedWidths: Encodable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(Zeros(count: 16))
        try container.encode(Zeros(count: 3))
    }
}

/// The writer's forms at every width boundary, compared with `msgpack.packb(value, use_bin_type=True)` of Python
/// msgpack 1.0.x (the expected bytes below were produced by it).
@Suite("MessagePack writer")
struct MessagePackWriterTests {
    private let codec = MessagePackCodec()

    private func hex(_ bytes: [UInt8]) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    @Test("integers take their smallest form, non-negative ones unsigned")
    func integers() throws {
        let values: [Int] = [
            0, 127, 128, 255, 256, 65535, 65536, 1 << 32 - 1, 1 << 32, -1, -32, -33, -128, -129, -32768, -32769,
            -(1 << 31), -(1 << 31) - 1, Int.min,
        ]
        #expect(
            hex(try codec.encode(values))
                == "dc0013007fcc80ccffcd0100cdffffce00010000ceffffffffcf0000000100000000ffe0d0dfd080d1ff7fd18000"
                + "d2ffff7fffd280000000d3ffffffff7fffffffd38000000000000000")
        #expect(hex(try codec.encode([UInt64.max])) == "91cfffffffffffffffff")
    }

    @Test("strings, binaries, floats, bools and nil")
    func scalars() throws {
        let strings = ["", String(repeating: "a", count: 31), String(repeating: "a", count: 32)]
        let encoded = hex(try codec.encode(strings))
        #expect(encoded == "93a0bf" + String(repeating: "61", count: 31) + "d920" + String(repeating: "61", count: 32))
        #expect(hex(Array(try codec.encode(String(repeating: "a", count: 255)).prefix(2))) == "d9ff")
        #expect(hex(Array(try codec.encode(String(repeating: "a", count: 256)).prefix(3))) == "da0100")
        #expect(hex(Array(try codec.encode(String(repeating: "a", count: 65536)).prefix(6))) == "db0001000061")
        #expect(
            hex(Array(try codec.encode([Data(), Data(repeating: 0x78, count: 256)]).prefix(8))) == "92c400c501007878")
        #expect(hex(try codec.encode([1.5, -0.0])) == "92cb3ff8000000000000cb8000000000000000")
        #expect(hex(try codec.encode([true, false, nil])) == "93c3c2c0")
    }

    @Test("timestamps take the smallest of their three forms")
    func timestamps() throws {
        #expect(hex(try codec.encode(Date(timeIntervalSince1970: 1_700_000_000))) == "d6ff6553f100")
        #expect(hex(try codec.encode(Date(timeIntervalSince1970: 1_700_000_000.25))) == "d7ff3b9aca006553f100")
        #expect(hex(try codec.encode(Date(timeIntervalSince1970: 17_179_869_184))) == "c70cff000000000000000400000000")
        #expect(hex(try codec.encode(Date(timeIntervalSince1970: -1))) == "c70cff00000000ffffffffffffffff")
    }

    @Test("reserved container headers are filled in, widened where needed")
    func reservedHeaders() throws {
        #expect(hex(try codec.encode(Zeros(count: 15))) == "9f" + String(repeating: "00", count: 15))
        #expect(hex(try codec.encode(Zeros(count: 16))) == "dc0010" + String(repeating: "00", count: 16))
        #expect(hex(Array(try codec.encode(Zeros(count: 65535)).prefix(4))) == "dcffff00")
        let large = try codec.encode(Zeros(count: 65536))
        #expect(large.count == 5 + 65536 && hex(Array(large.prefix(6))) == "dd0001000000")
        #expect(
            hex(try codec.encode(MixedWidths()))
                == "92dc0010" + String(repeating: "00", count: 16) + "93000000")
        var buffer: [UInt8] = [0xff]
        try codec.encode(MixedWidths(), appendingTo: &buffer)
        #expect(hex(buffer) == "ff92dc0010" + String(repeating: "00", count: 16) + "93000000")
    }

    @Test("a message encoded inside another one's encode(to:) on the same thread gets its own writer")
    func nestedEncoding() throws {
        let inner = try codec.encode(Zeros(count: 16))
        let outer = try codec.encode(Embedding(inner: Zeros(count: 16)))
        #expect(hex(outer) == "92c413" + hex(inner) + "03")
        #expect(hex(try codec.encode(Zeros(count: 3))) == "93000000")
    }
}

/// An array holding another message's MessagePack bytes, encoded from inside `encode(to:)`, then the number 3.
private struct Embedding: Encodable {
    var inner: Zeros

    func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(try MessagePackCodec().encode(inner))
        try container.encode(3)
    }
}
