// libFuzzer target: the json decoder, into Value and into a typed struct, with default and tight limits.
//
// A Value that decodes must re-encode (or fail with a CodecError), and what it encodes to must decode again.

private let codec = JSONCodec()
private let tight = JSONCodec(limits: DecodeLimits(maxDepth: 8, maxExpansionRatio: 2))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    if let value = expectCodecErrorOnly("json Value", { try codec.decode(Value.self, fromBytes: bytes) }) {
        if let encoded = expectCodecErrorOnly("json re-encode", { try codec.encode(value) }) {
            let again = expectCodecErrorOnly("json re-decode") { try codec.decode(Value.self, from: encoded) }
            precondition(again != nil, "json: a re-encoded Value does not decode")
        }
    }
    _ = expectCodecErrorOnly("json FuzzRecord") { try codec.decode(FuzzRecord.self, fromBytes: bytes) }
    _ = expectCodecErrorOnly("json tight Value") { try tight.decode(Value.self, fromBytes: bytes) }
    _ = expectCodecErrorOnly("json [Int]") { try codec.decode([Int].self, fromBytes: bytes) }
    return 0
}
