// libFuzzer target: the msgpack decoder, into Value and into a typed struct, with default and tight limits.
//
// A Value that decodes must re-encode (or fail with a CodecError), and what it encodes to must decode again.

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMessagePack(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzDecoder(data, size) { MessagePackCodec(limits: $0) }
}
