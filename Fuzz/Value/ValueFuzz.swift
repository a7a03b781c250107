// libFuzzer target: Value through each codec. The input drives a generator of Values (independent of any decoder);
// each Value is encoded by every codec, and whatever encodes must decode again: to an equal Value in MessagePack
// (which carries every case), and without error in JSON and property lists (whose mappings are documented in
// docs/CODECS.md and are lossy by design: no null in plists, bytes as base64 in JSON, sorted keys).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzValue(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    var generator = ValueGenerator(bytes: Array(UnsafeBufferPointer(start: data, count: size)))
    fuzzChecks.roundTripEveryCodec(generator.value(depth: 0))
    return 0
}
