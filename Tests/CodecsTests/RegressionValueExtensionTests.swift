import GIPCCodecs
import Testing

/// Found by the Value fuzz target (Fuzz/Value): `Value.extension(type: -1, data:)` — the timestamp's type code,
/// which Value documents as carried by `.date` instead — is encoded by MessagePackCodec without complaint, but
/// the bytes it writes do not decode again (data of any length but 4, 8 or 12) or decode to a different value (a
/// `.date`). The encoder now refuses the value with `CodecError.invalidValue`, like every other value that cannot
/// be represented.
@Suite("Regression: Value.extension with the timestamp type")
struct RegressionValueExtensionTests {
    @Test(
        "encoding .extension(type: -1) is refused with invalidValue",
        arguments: [
            [UInt8](), [122, 122], [UInt8](repeating: 0, count: 4), [255, 255] + [UInt8](repeating: 0, count: 13),
        ]
    )
    func timestampTypeExtension(data: [UInt8]) throws {
        let value = Value.extension(type: -1, data: data)
        let codec = MessagePackCodec()
        let error = #expect(throws: CodecError.self) { try codec.encode(value) }
        #expect(error?.code == .invalidValue)
        // Other extension types still round-trip.
        let other = Value.extension(type: 5, data: data)
        #expect(try codec.decode(Value.self, from: try codec.encode(other)) == other)
    }
}
