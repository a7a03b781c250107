// libFuzzer target: the msgpack decoder, into Value and into a typed struct, with default and tight limits.
//
// A Value that decodes must re-encode (or fail with a CodecError), and what it encodes to must decode again.

private let codec = MessagePackCodec()
private let tight = MessagePackCodec(limits: DecodeLimits(maxDepth: 8, maxExpansionRatio: 2))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMessagePack(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    if let value = expectCodecErrorOnly("msgpack Value", { try codec.decode(Value.self, fromBytes: bytes) }) {
        if let encoded = expectCodecErrorOnly("msgpack re-encode", { try codec.encode(value) }) {
            let again = expectCodecErrorOnly("msgpack re-decode") { try codec.decode(Value.self, from: encoded) }
            precondition(again != nil, "msgpack: a re-encoded Value does not decode")
        }
    }
    _ = expectCodecErrorOnly("msgpack FuzzRecord") { try codec.decode(FuzzRecord.self, fromBytes: bytes) }
    _ = expectCodecErrorOnly("msgpack tight Value") { try tight.decode(Value.self, fromBytes: bytes) }
    _ = expectCodecErrorOnly("msgpack [Int]") { try codec.decode([Int].self, fromBytes: bytes) }
    return 0
}
