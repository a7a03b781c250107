import Foundation
import GIPCCodecs
import Testing

@Suite("Property list codec")
struct PropertyListCodecTests {
    let codec = PropertyListCodec()

    /// `{"a": 1, "a": 2}` with two distinct key objects.
    static let duplicateKeys: [UInt8] = [
        0x62, 0x70, 0x6c, 0x69, 0x73, 0x74, 0x30, 0x30, 0xd2, 0x01, 0x03, 0x02, 0x04, 0x51, 0x61, 0x10, 0x01, 0x51,
        0x61, 0x10, 0x02, 0x08, 0x0d, 0x0f, 0x11, 0x13, 0, 0, 0, 0, 0, 0, 0x01, 0x01, 0, 0, 0, 0, 0, 0, 0, 0x05, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x15,
    ]

    struct Single: Codable, Equatable { var a: Int }

    @Test("repeated dictionary keys are refused, since Foundation resolves them inconsistently")
    func duplicateKeys() throws {
        let error = #expect(throws: CodecError.self) { try codec.decode(Single.self, from: Self.duplicateKeys) }
        #expect(error?.code == .duplicateKey)
        #expect(try codec.decode(Single.self, from: codec.encode(Single(a: 3))) == Single(a: 3))
    }
}
