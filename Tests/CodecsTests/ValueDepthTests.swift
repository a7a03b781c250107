import GIPCCodecs
import GIPCTestSupport
import Testing

/// A `Value` inside a larger message counts its nesting from where it sits, not from zero.
@Suite("Value nesting inside larger messages")
struct ValueDepthTests {
    /// A type whose own `encode(to:)` hands the encoder to a `Value`, as wrappers and enums with payloads do.
    struct Forwarding: Encodable {
        var value: Value
        func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
    }

    @Test("msgpack: three arrays around a forwarded Value two deep is five levels, over a limit of four")
    func forwardedValueCountsFromItsPlace() throws {
        let codec = MessagePackCodec(limits: DecodeLimits(maxDepth: 4))
        let fits: [[[Forwarding]]] = [[[Forwarding(value: Value.nestedArrays(1))]]]
        #expect(try codec.decode(Value.self, from: try codec.encode(fits)) == Value.nestedArrays(4))
        let tooDeep: [[[Forwarding]]] = [[[Forwarding(value: Value.nestedArrays(2))]]]
        let error = #expect(throws: CodecError.self) { try codec.encode(tooDeep) }
        #expect(error?.code == .invalidValue)
    }
}
