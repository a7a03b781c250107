// libFuzzer target: the plist decoder, into Value and into a typed struct, with default and tight limits.
//
// A Value that decodes must re-encode (or fail with a CodecError), and what it encodes to must decode again, unless
// the re-encoding shares references more densely than the input did: then the same values can be more than the
// expansion limit's multiple of the (smaller) new input, and expansionLimitExceeded is the right answer
// (Fuzz/corpus/plist/crash-9d77b30c894e51fb11c5b70822345d569b581930: 554 bytes in, 326 bytes re-encoded).

private let codec = PropertyListCodec()
private let tight = PropertyListCodec(limits: DecodeLimits(maxDepth: 8, maxExpansionRatio: 2))

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPropertyList(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    if let value = expectCodecErrorOnly("plist Value", { try codec.decode(Value.self, fromBytes: bytes) }) {
        if let encoded = expectCodecErrorOnly("plist re-encode", { try codec.encode(value) }) {
            do {
                _ = try codec.decode(Value.self, from: encoded)
            } catch let error as CodecError where error.code == .expansionLimitExceeded && encoded.count < size {
                // a denser encoding of the same shared values (see above)
            } catch {
                fatalError("plist: a re-encoded Value does not decode: \(error)")
            }
        }
    }
    _ = expectCodecErrorOnly("plist FuzzRecord") { try codec.decode(FuzzRecord.self, fromBytes: bytes) }
    _ = expectCodecErrorOnly("plist tight Value") { try tight.decode(Value.self, fromBytes: bytes) }
    _ = expectCodecErrorOnly("plist [Int]") { try codec.decode([Int].self, fromBytes: bytes) }
    return 0
}
