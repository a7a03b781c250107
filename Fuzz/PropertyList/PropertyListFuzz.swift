// libFuzzer target: the plist decoder, into Value and into a typed struct, with default and tight limits.
//
// A Value that decodes must re-encode (or fail with a CodecError), and what it encodes to must decode again, unless
// the re-encoding shares references more densely than the input did: then the same values can be more than the
// expansion limit's multiple of the (smaller) new input, and expansionLimitExceeded is the right answer
// (Fuzz/corpus/plist/crash-9d77b30c894e51fb11c5b70822345d569b581930: 554 bytes in, 326 bytes re-encoded).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPropertyList(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzDecoder(data, size, denserReencodingMayExceedExpansion: true) { PropertyListCodec(limits: $0) }
}
