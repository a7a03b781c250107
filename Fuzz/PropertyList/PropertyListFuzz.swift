// libFuzzer target: the plist decoder, into Value and into a typed struct, with default and tight limits.
//
// A Value that decodes must re-encode (or fail with a CodecError), and what it encodes to must decode again.

private let codec = PropertyListCodec()
private let tight = PropertyListCodec(limits: DecodeLimits(maxDepth: 8, maxExpansionRatio: 2))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPropertyList(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    if let value = expectCodecErrorOnly("plist Value", { try codec.decode(Value.self, fromBytes: bytes) }) {
        if let encoded = expectCodecErrorOnly("plist re-encode", { try codec.encode(value) }) {
            let again = expectCodecErrorOnly("plist re-decode") { try codec.decode(Value.self, from: encoded) }
            precondition(again != nil, "plist: a re-encoded Value does not decode")
        }
    }
    _ = expectCodecErrorOnly("plist FuzzRecord") { try codec.decode(FuzzRecord.self, fromBytes: bytes) }
    _ = expectCodecErrorOnly("plist tight Value") { try tight.decode(Value.self, fromBytes: bytes) }
    _ = expectCodecErrorOnly("plist [Int]") { try codec.decode([Int].self, fromBytes: bytes) }
    return 0
}
